#!/usr/bin/env bash
# The cost of observability and compression (issue 10): `partnerd serve --memory` with 1,000
# demo customers, the first page at size=100 (~55 KB of JSON) read by wrk at 32 connections for
# 10 s (after 3 s of warm-up) with:
#   on        access lines at INFO (to a file), metrics, no compression
#   off       PARTNERD_LOG=warn and --no-metrics, no compression      (target: "on" within 5%)
#   on+gzip, on+br, on+zstd: as "on", the client asking for that encoding
# and the bytes of one page in each encoding. Prints the load average before each run: the
# machine's other work shares the cores with partnerd and wrk.
#
# usage: bench/observability.sh      (needs: cargo, wrk, curl)
# env:   WORK (default /tmp/partnerd-bench), DURATION (default 10s), CONNECTIONS (default 32)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/partnerd-bench}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=18098
BIN=target/release/partnerd
URL=http://127.0.0.1:$PORT/v1/customers?size=100
mkdir -p "$WORK"
cargo build --release -p partnerd >&2
TOKEN=$("$BIN" token --ttl 2h)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT

start() {
  "$BIN" serve --memory --demo-customers 1000 --listen 127.0.0.1:$PORT "$@" 2>"$WORK/observability.log" &
  SERVER=$!
  for _ in $(seq 1 100); do grep -q "listening" "$WORK/observability.log" 2>/dev/null && break; sleep 0.1; done
}

stop() {
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

# The client sends MS-CorrelationId as the Partner Center SDKs do: without it every request would
# also log a guidance warning, in both runs, and the comparison would measure that instead.
run() {
  local name=$1; shift
  set -- -H "MS-CorrelationId: 5bd2c0b4-5a1e-4c8e-9d43-0b1c2a7e9f10" "$@"
  wrk -t2 -c"$CONNECTIONS" -d3s -H "Authorization: Bearer $TOKEN" "$@" "$URL" >/dev/null 2>&1
  printf '== %-8s (load average %s)\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$@" "$URL" \
    | grep -E "Requests/sec|Transfer/sec|^ +(50|99)%|Non-2xx|Socket errors"
}

start
for encoding in identity gzip br zstd; do
  bytes=$(curl -s -H "Authorization: Bearer $TOKEN" -H "Accept-Encoding: $encoding" "$URL" | wc -c)
  echo "page of 100, $encoding: $bytes bytes"
done
run on
run on+gzip -H "Accept-Encoding: gzip"
run on+br -H "Accept-Encoding: br"
run on+zstd -H "Accept-Encoding: zstd"
echo "access lines written: $(grep -c 'request served' "$WORK/observability.log")"
stop

PARTNERD_LOG=warn start --no-metrics
run off
stop

start
run on
stop
