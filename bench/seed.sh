#!/usr/bin/env bash
# The control plane's bulk paths (issue 9: "100k customers in a few seconds"): through a running
# `partnerd serve`, time `POST /_partnerd/partners/{p}/seed {"count": COUNT, "seed": 1}`, a
# second identical seed (refused with 409, nothing added), `GET /_partnerd/snapshot` of them, and
# `PUT /_partnerd/snapshot` restoring that file (delete everything, load it in one transaction).
# Prints each wall time, customers/s, the CPU seconds partnerd (and PostgreSQL's backends for
# its database) spent, and the load average the run was measured under (the machine's cores
# are shared: wall times grow with the load, CPU seconds much less).
#
# usage: bench/seed.sh [sqlite|postgres]     (needs: cargo, curl; PostgreSQL for postgres)
# env:   COUNT (default 100000), WORK (default /tmp/partnerd-bench), PG_URL,
#        BIN (a partnerd binary to measure instead of building this tree's, for before/after)
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-sqlite}
PG_DB=partnerd_seed_bench
COUNT=${COUNT:-100000}
WORK=${WORK:-/tmp/partnerd-bench}
PARTNER=5eed0000-0000-4000-8000-000000000001
PORT=18098
mkdir -p "$WORK"
if [ -z "${BIN:-}" ]; then
  BIN=target/release/partnerd
  cargo build --release -p partnerd >&2
fi
case "$KIND" in
  sqlite)
    rm -f "$WORK"/seed.db*
    DB_ARGS=(--db "$WORK/seed.db") ;;
  postgres)
    PG_ADMIN=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
    DB_ARGS=(--database-url "${PG_ADMIN%/*}/$PG_DB") ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac

"$BIN" serve "${DB_ARGS[@]}" --listen 127.0.0.1:$PORT --no-demo 2>"$WORK/seed-serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening" "$WORK/seed-serve.log" 2>/dev/null && break; sleep 0.1; done
BASE=http://127.0.0.1:$PORT/_partnerd

# CPU seconds (user + system) used so far by the processes given.
cpu_of() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# The PostgreSQL backends serving this benchmark's database (none on SQLite).
backends() {
  [ "$KIND" = postgres ] && psql "$PG_ADMIN" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB'" || true
}

# Prints "<label>: <status> in <seconds> s (<customers/s>/s); CPU ..." for one timed curl, its
# answer written to the file given second. On a loaded machine the wall time grows with the
# load; the CPU seconds (of partnerd, and of PostgreSQL's backends for this database) do not.
timed() {
  local label=$1 answer=$2; shift 2
  local out status secs pg before_server before_pg
  pg=$(backends | tr '\n' ' ')
  before_server=$(cpu_of $SERVER)
  # shellcheck disable=SC2086
  before_pg=$(cpu_of $pg)
  out=$(curl -sS -o "$answer" -w '%{http_code} %{time_total}' "$@")
  read -r status secs <<<"$out"
  echo -n "$label: $status in $secs s ($(awk -v n="$COUNT" -v s="$secs" 'BEGIN { printf "%d", n / s }') customers/s);"
  echo -n " CPU: partnerd $(awk -v a="$(cpu_of $SERVER)" -v b="$before_server" 'BEGIN { printf "%.2f", a - b }') s"
  # shellcheck disable=SC2086
  [ "$KIND" = postgres ] && echo -n ", PostgreSQL $(awk -v a="$(cpu_of $(backends))" -v b="$before_pg" 'BEGIN { printf "%.2f", a - b }') s"
  echo
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
timed "seed $COUNT" "$WORK/seed-answer.json" -X POST "$BASE/partners/$PARTNER/seed" -d "{\"count\": $COUNT, \"seed\": 1}"
timed "the same seed again (409 expected)" "$WORK/seed-answer.json" -X POST "$BASE/partners/$PARTNER/seed" -d "{\"count\": $COUNT, \"seed\": 1}"
timed "snapshot export" "$WORK/seed-snapshot.jsonl" "$BASE/snapshot"
echo "snapshot: $(wc -l <"$WORK/seed-snapshot.jsonl") lines, $(du -h "$WORK/seed-snapshot.jsonl" | cut -f1)"
timed "snapshot restore" "$WORK/seed-answer.json" -X PUT --data-binary "@$WORK/seed-snapshot.jsonl" "$BASE/snapshot"
cat "$WORK/seed-answer.json"; echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server peak RSS: $(grep VmHWM /proc/$SERVER/status | awk '{print $2, $3}')"
