#!/usr/bin/env bash
# The write benchmark (issue 3): creates/s on a durable SQLite file (synchronous=FULL, group
# commit), sequential and at 32 connections, then `partnerd import` throughput on 1,000,000
# customers (JSON lines made by bench/gen_customers.py).
#
# usage: bench/writes.sh            (needs: cargo, wrk, python3)
# env:   IMPORT_COUNT (default 1000000), WORK (default /tmp/partnerd-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/partnerd-bench}
IMPORT_COUNT=${IMPORT_COUNT:-1000000}
PORT=18098
BIN=target/release/partnerd
mkdir -p "$WORK"
cargo build --release -p partnerd >&2

rm -f "$WORK"/writes.db*
"$BIN" serve --db "$WORK/writes.db" --no-demo --listen 127.0.0.1:$PORT 2>"$WORK/writes-serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening" "$WORK/writes-serve.log" 2>/dev/null && break; sleep 0.1; done
export TOKEN=$("$BIN" token --ttl 1h)
echo "== sequential creates (1 connection, 10 s)"
wrk -t1 -c1 -d10s --latency -s bench/create.lua http://127.0.0.1:$PORT | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
echo "== concurrent creates (32 connections, 10 s)"
wrk -t2 -c32 -d10s --latency -s bench/create.lua http://127.0.0.1:$PORT | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
kill $SERVER

echo "== import of $IMPORT_COUNT customers"
python3 bench/gen_customers.py "$IMPORT_COUNT" > "$WORK/import.jsonl"
rm -f "$WORK"/import.db*
/usr/bin/time -f "import: %e s wall, %M KiB peak RSS" \
  "$BIN" import --db "$WORK/import.db" --partner 5eed0000-0000-4000-8000-000000000001 "$WORK/import.jsonl"
