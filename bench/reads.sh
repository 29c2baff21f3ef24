#!/usr/bin/env bash
# The read benchmark (issue 2 on SQLite, issue 4 on PostgreSQL): seed 1,000,000 customers for
# one partner, then drive the server on loopback with wrk (32 connections, 10 s each after a
# warm-up) for: the first page at size=100, a page filtered by a company-name prefix, and a
# page 5,000 pages deep (reached by walking tokens, then replayed). Prints req/s, latency
# percentiles and the server's peak RSS.
#
# usage: bench/reads.sh [sqlite|postgres]     (needs: cargo, wrk, python3; PostgreSQL for postgres)
# env:   COUNT (default 1000000), WORK (default /tmp/partnerd-bench), PG_URL, PREFIX, KEEP_DB=1
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-sqlite}
COUNT=${COUNT:-1000000}
WORK=${WORK:-/tmp/partnerd-bench}
PREFIX=${PREFIX:-contour}
PARTNER=c0ffee00-0000-4000-8000-000000000001
PORT=18099
BIN=target/release/partnerd
mkdir -p "$WORK"

cargo build --release -p partnerd >&2
case "$KIND" in
  sqlite)
    DB_ARGS=(--db "$WORK/bench.db")
    if [ "${KEEP_DB:-0}" != 1 ] || [ ! -f "$WORK/bench.db" ]; then
      rm -f "$WORK"/bench.db*
      /usr/bin/time -f "seed: %e s wall, %M KiB peak RSS" "$BIN" seed "${DB_ARGS[@]}" --partner $PARTNER --count "$COUNT"
    fi ;;
  postgres)
    PG_ADMIN=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
    PG_DB=partnerd_bench
    PG_BENCH_URL="${PG_ADMIN%/*}/$PG_DB"
    DB_ARGS=(--database-url "$PG_BENCH_URL")
    if [ "${KEEP_DB:-0}" != 1 ]; then
      psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
      /usr/bin/time -f "seed: %e s wall, %M KiB peak RSS" "$BIN" seed "${DB_ARGS[@]}" --partner $PARTNER --count "$COUNT"
      psql "$PG_BENCH_URL" -qc "VACUUM ANALYZE"
    fi ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac

"$BIN" serve "${DB_ARGS[@]}" --listen 127.0.0.1:$PORT --no-demo 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening" "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
BASE=http://127.0.0.1:$PORT
TOKEN=$("$BIN" token --partner $PARTNER --ttl 2h)
FILTER=$(python3 -c "import json,sys,urllib.parse;print(urllib.parse.quote(json.dumps({'Field':'CompanyName','Value':sys.argv[1],'Operator':'starts_with'})))" "$PREFIX")

echo "walking 5000 pages of 100 for the deep token..."
DEEP=$(python3 bench/walk_token.py "$BASE" "$TOKEN" 100 5000)

run() {
  local name=$1; shift
  wrk -t2 -c32 -d3s "$@" >/dev/null 2>&1  # warm-up
  echo "== $name"
  wrk -t2 -c32 -d10s --latency "$@" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
}
run "first page, size=100" -H "Authorization: Bearer $TOKEN" "$BASE/v1/customers?size=100"
run "filtered by company-name prefix '$PREFIX', size=100" -H "Authorization: Bearer $TOKEN" "$BASE/v1/customers?size=100&filter=$FILTER"
run "page 5,000 deep (replayed token), size=100" -H "Authorization: Bearer $TOKEN" -H "MS-ContinuationToken: $DEEP" "$BASE/v1/customers?seekOperation=Next"
echo "server peak RSS: $(grep VmHWM /proc/$SERVER/status | awk '{print $2, $3}')"
