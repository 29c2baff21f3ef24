#!/usr/bin/env bash
# SQLite against PostgreSQL on one build (issue 16: the deep page within 10% of the first,
# PostgreSQL at 75% of SQLite): the same customers seeded into each, the server pinned to core 0
# with its default settings, wrk on core 1 at 32 connections, the stores alternating `ROUNDS`
# times so that the machine's drift falls on both. Scenarios: the first page at size=100, a page
# `DEEP` pages deep (reached by walking tokens, then replayed) and one customer by id. Prints
# each round's req/s and p99, then the best and the spread of each, the least CPU time per
# request (of all rounds) of the server and of PostgreSQL's backends, steadier than req/s on a
# shared machine, and the peak RSS.
#
# usage: bench/stores.sh    (needs: wrk, taskset, python3, curl, psql; PostgreSQL at PG_URL)
# env:   COUNT (default 1000000), DEEP (default 5000), ROUNDS (default 3), DURATION (default 8s),
#        CONNECTIONS (32), WORK (default /tmp/partnerd-bench), PG_URL, BIN (default: build
#        target/release/partnerd), KEEP_DB=1 (reuse the databases of an earlier run)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000000}
DEEP=${DEEP:-5000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-32}
WORK=${WORK:-/tmp/partnerd-bench}
PARTNER=c0ffee00-0000-4000-8000-000000000001
PORT=18098
BASE=http://127.0.0.1:$PORT
PG_ADMIN=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_DB=partnerd_stores
PG_BENCH_URL="${PG_ADMIN%/*}/$PG_DB"
mkdir -p "$WORK"
if [ -z "${BIN:-}" ]; then
  cargo build --release -p partnerd >&2
  BIN=target/release/partnerd
fi

if [ "${KEEP_DB:-0}" != 1 ]; then
  rm -f "$WORK"/stores.db*
  "$BIN" seed --db "$WORK/stores.db" --partner $PARTNER --count "$COUNT" >&2
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  "$BIN" seed --database-url "$PG_BENCH_URL" --partner $PARTNER --count "$COUNT" >&2
  psql "$PG_BENCH_URL" -qc "VACUUM ANALYZE"
fi

SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT

# CPU seconds (user + system) of the server and of PostgreSQL's backends for the bench database.
cpu_seconds() {
  local pids
  pids=$(psql "$PG_ADMIN" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB'" | tr '\n' ' ')
  # shellcheck disable=SC2086
  python3 - "$SERVER" $pids <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
print(f"{cpu(sys.argv[1]):.3f} {sum(cpu(p) for p in sys.argv[2:]):.3f}")
PY
}

# One wrk run: prints "req/s p99_ms server_us_per_request postgres_us_per_request".
measure() {
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d3s "$@" >/dev/null 2>&1
  local before
  before=$(cpu_seconds)
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$WORK/stores.wrk"
  python3 - "$before" "$(cpu_seconds)" "$WORK/stores.wrk" <<'PY'
import re, sys
text = open(sys.argv[3]).read()
(s0, p0), (s1, p1) = (map(float, a.split()) for a in sys.argv[1:3])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
n = int(re.search(r"(\d+) requests in", text).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if bad: sys.exit(f"{bad.group(1)} answers were not 2xx: {text}")
print(f"{rps:.0f} {p99:.2f} {(s1 - s0) / n * 1e6:.0f} {(p1 - p0) / n * 1e6:.0f}")
PY
}

# One store, every scenario: appends "store scenario req/s p99" lines to $WORK/stores.results.
run_store() {
  local store=$1; shift
  taskset -c 0 "$BIN" serve "$@" --listen 127.0.0.1:$PORT --no-demo 2>"$WORK/stores-$store.log" &
  SERVER=$!
  curl -s --retry 100 --retry-connrefused --retry-delay 0 -o /dev/null "$BASE/readyz"
  local token deep id auth corr
  token=$("$BIN" token --partner $PARTNER --ttl 2h)
  auth="Authorization: Bearer $token"
  corr="MS-CorrelationId: 5bd2c0b4-5a1e-4c8e-9d43-0b1c2a7e9f10"
  deep=$(python3 bench/walk_token.py "$BASE" "$token" 100 "$DEEP")
  id=$(curl -s -H "$auth" "$BASE/v1/customers?size=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
  echo "$store first $(measure -H "$auth" -H "$corr" "$BASE/v1/customers?size=100")" >>"$WORK/stores.results"
  echo "$store deep $(measure -H "$auth" -H "$corr" -H "MS-ContinuationToken: $deep" "$BASE/v1/customers?seekOperation=Next")" >>"$WORK/stores.results"
  echo "$store by-id $(measure -H "$auth" -H "$corr" "$BASE/v1/customers/$id")" >>"$WORK/stores.results"
  echo "$store rss $(grep VmHWM /proc/$SERVER/status | awk '{print $2}')" >>"$WORK/stores.results"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

: >"$WORK/stores.results"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  run_store sqlite --db "$WORK/stores.db"
  run_store postgres --database-url "$PG_BENCH_URL"
done

python3 - "$WORK/stores.results" <<'EOF'
import collections, sys
runs = collections.defaultdict(list)
rss = collections.defaultdict(int)
for line in open(sys.argv[1]):
    store, scenario, *values = line.split()
    if scenario == "rss":
        rss[store] = max(rss[store], int(values[0]))
    else:
        runs[(store, scenario)].append(tuple(float(v) for v in values))
print("| scenario | store | req/s per round | best | p99 of best | spread | server CPU µs/req | PostgreSQL CPU µs/req |")
print("|---|---|---|---:|---:|---:|---:|---:|")
best = {}
for (store, scenario), rounds in runs.items():
    rates = [r[0] for r in rounds]
    top = max(rounds)
    best[(store, scenario)] = top[0]
    spread = (max(rates) - min(rates)) / max(rates)
    server, pg = min(r[2] for r in rounds), min(r[3] for r in rounds)
    pg_text = f"{pg:.0f}" if store == "postgres" else ""
    print(f"| {scenario} | {store} | {' / '.join(f'{r:,.0f}' for r in rates)} | {top[0]:,.0f} | {top[1]:.2f} ms"
          f" | {spread:.0%} | {server:.0f} | {pg_text} |")
for store in ("sqlite", "postgres"):
    print(f"{store}: deep / first {best[(store, 'deep')] / best[(store, 'first')]:.2f}, peak RSS {rss[store] / 1024:.1f} MiB")
for scenario in ("first", "deep", "by-id"):
    print(f"postgres / sqlite, {scenario}: {best[('postgres', scenario)] / best[('sqlite', scenario)]:.2f}")
EOF
