#!/usr/bin/env bash
# Users and licenses (issue 19): a page of 100 users against a page of 100 customers, on the
# same SQLite file and server, and license updates per second, durable, on SQLite.
#
# Seeds COUNT customers for one partner through the control plane, each with its admin, 100
# users and the example SKUs (25 units each), then serves the file with its default settings,
# pinned to core 0, while wrk on core 1 runs at CONNECTIONS connections: the first customers
# page at size=100; the first users page of one customer at size=100; and license updates
# that assign one SKU to one user again and again (each a write transaction committed to the
# file: a re-assignment replaces the excluded plans). Prints req/s and p99 of each, and the
# users page's req/s as a fraction of the customers page's.
#
# usage: bench/users.sh
# needs: cargo, wrk, taskset, curl, python3 (and 2 cores)
# env:   COUNT (default 1000), WORK (default /tmp/partnerd-users-bench), DURATION (default 10s),
#        CONNECTIONS (default 32), BIN (a partnerd binary; default: this tree's release build)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000}
WORK=${WORK:-/tmp/partnerd-users-bench}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PARTNER=c0ffee00-0000-4000-8000-000000000019
PORT=18119
BASE=http://127.0.0.1:$PORT
mkdir -p "$WORK"
if [ -z "${BIN:-}" ]; then
  cargo build --release -p partnerd >&2
  BIN=target/release/partnerd
fi
rm -f "$WORK"/users.db*

taskset -c 0 "$BIN" serve --db "$WORK/users.db" --listen 127.0.0.1:$PORT --no-demo 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
curl -sf --retry 100 --retry-connrefused --retry-delay 0 -o /dev/null "$BASE/readyz"
curl -sf -X POST "$BASE/_partnerd/partners/$PARTNER/seed" -d "{\"count\": $COUNT, \"seed\": 19, \"users\": 100}" >&2
echo >&2
TOKEN=$("$BIN" token --partner $PARTNER --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"
CORR="MS-CorrelationId: 5bd2c0b4-5a1e-4c8e-9d43-0b1c2a7e9f10"
first() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
CUSTOMER=$(curl -sf -H "$AUTH" "$BASE/v1/customers?size=1" | first id)
USERS=$(curl -sf -H "$AUTH" "$BASE/v1/customers/$CUSTOMER/users?size=100")
[ "$(echo "$USERS" | grep -o '"totalCount":[0-9]*')" = '"totalCount":100' ] || { echo "no page of 100 users" >&2; exit 1; }
USER=$(echo "$USERS" | python3 -c 'import json,sys; print([u["id"] for u in json.load(sys.stdin)["items"] if "usageLocation" in u][0])')
SKU=efccb6f7-5641-4e0e-bd10-b4976e1bf68e
cat >"$WORK/assign.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"licensesToAssign": [{"skuId": "$SKU"}]}'
wrk.headers["Content-Type"] = "application/json"
LUA

# One wrk run: prints "req/s p99_ms"; fails when any answer was not 2xx.
measure() {
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d3s "$@" >/dev/null 2>&1
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" | python3 -c '
import re, sys
text = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if bad: sys.exit(f"{bad.group(1)} answers were not 2xx: {text}")
print(f"{rps:.0f} {p99:.2f}")'
}

read -r CUSTOMERS_RPS CUSTOMERS_P99 < <(measure -H "$AUTH" -H "$CORR" "$BASE/v1/customers?size=100")
read -r USERS_RPS USERS_P99 < <(measure -H "$AUTH" -H "$CORR" "$BASE/v1/customers/$CUSTOMER/users?size=100")
read -r LICENSE_RPS LICENSE_P99 < <(measure -s "$WORK/assign.lua" -H "$AUTH" -H "$CORR" \
  "$BASE/v1/customers/$CUSTOMER/users/$USER/licenseupdates")
printf '%-30s %10s %10s\n' scenario req/s p99_ms
printf '%-30s %10s %10s\n' "customers page, size=100" "$CUSTOMERS_RPS" "$CUSTOMERS_P99"
printf '%-30s %10s %10s\n' "users page, size=100" "$USERS_RPS" "$USERS_P99"
printf '%-30s %10s %10s\n' "license updates (durable)" "$LICENSE_RPS" "$LICENSE_P99"
python3 -c "import sys; print(f'users page / customers page: {int(sys.argv[1]) / int(sys.argv[2]):.2f}')" "$USERS_RPS" "$CUSTOMERS_RPS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
