#!/usr/bin/env bash
# The journal's cost (issue 16): one release build served twice side by side, with its defaults
# (journal of 1,000 entries) and with `--journal-size 0`, on the same SQLite file of COUNT
# customers; both servers pinned to core 0, wrk on core 1 (CONNECTIONS connections) reading one
# of them at a time for DURATION, after 2 s of warm-up. Each round starts both afresh and reads
# both, back to back, in alternating order, so each round gives one ratio that the machine's
# drift cannot tilt much (this VM's req/s wander by 10-20% over minutes); prints every round and
# the median ratio of each scenario (the first page of 100, a customer by id). The issue asks for
# a cost of at most 10%: on/off of 0.90 or more.
#
# usage: bench/journal.sh          (needs: cargo, wrk, taskset, curl, python3, and 2 cores)
# env:   BIN (default target/release/partnerd, built when missing), COUNT (default 100000),
#        ROUNDS (default 10), DURATION (default 3s), CONNECTIONS (default 32),
#        WORK (default /tmp/partnerd-journal), OFF_ARGS (default "--journal-size 0"; empty
#        gives two identical servers: the method's own noise, whose median should be 1.00)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/partnerd}
COUNT=${COUNT:-100000}
ROUNDS=${ROUNDS:-10}
DURATION=${DURATION:-3s}
CONNECTIONS=${CONNECTIONS:-32}
WORK=${WORK:-/tmp/partnerd-journal}
OFF_ARGS=${OFF_ARGS---journal-size 0}
PARTNER=c0ffee00-0000-4000-8000-000000000001
PORT=18094
[ -x "$BIN" ] || cargo build --release -p partnerd >&2
mkdir -p "$WORK"
[ -f "$WORK/journal.db" ] || "$BIN" seed --db "$WORK/journal.db" --partner $PARTNER --count "$COUNT" >&2
# launch SETTING PORT FLAGS...: one server, pinned to core 0.
launch() {
  local setting=$1 port=$2; shift 2
  taskset -c 0 "$BIN" serve --db "$WORK/journal.db" --listen 127.0.0.1:"$port" --no-demo "$@" \
    2>"$WORK/serve-$setting.log" &
  SERVERS+=($!)
  curl -s --retry 100 --retry-connrefused --retry-delay 0 -o /dev/null "http://127.0.0.1:$port/readyz"
}

url() {
  if [ "$2" = by-id ]; then echo "http://127.0.0.1:$1/v1/customers/$ID"; else echo "http://127.0.0.1:$1/v1/customers?size=100"; fi
}

# measure SETTING PORT SCENARIO: appends "setting scenario req/s" to $WORK/results.
measure() {
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "${HEADERS[@]}" "$(url "$2" "$3")" >/dev/null
  echo "$1 $3 $(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "${HEADERS[@]}" "$(url "$2" "$3")" |
    awk '/Requests\/sec/ {print $2}')" >>"$WORK/results"
}

TOKEN=$("$BIN" token --partner $PARTNER --ttl 2h)
HEADERS=(-H "Authorization: Bearer $TOKEN" -H "MS-CorrelationId: 5bd2c0b4-5a1e-4c8e-9d43-0b1c2a7e9f10")
SERVERS=()
trap 'kill "${SERVERS[@]}" 2>/dev/null || true' EXIT
ON=$PORT
OFF=$((PORT + 1))

: >"$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  # Fresh processes each round, started and read in alternating order: where a process's
  # memory lands moves its speed by several percent here, for as long as it lives.
  SERVERS=()
  # shellcheck disable=SC2086 # OFF_ARGS is a list of flags
  if [ $((round % 2)) = 1 ]; then launch on $ON; launch off $OFF $OFF_ARGS; else launch off $OFF $OFF_ARGS; launch on $ON; fi
  ID=$(curl -s "${HEADERS[@]}" "http://127.0.0.1:$ON/v1/customers?size=1" |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
  for scenario in first by-id; do
    if [ $((round % 2)) = 1 ]; then
      measure on $ON $scenario; measure off $OFF $scenario
    else
      measure off $OFF $scenario; measure on $ON $scenario
    fi
  done
  kill "${SERVERS[@]}"; wait "${SERVERS[@]}" 2>/dev/null || true
done

python3 - "$WORK/results" "$ROUNDS" <<'EOF'
import collections, statistics, sys
rps = collections.defaultdict(list)
for line in open(sys.argv[1]):
    setting, scenario, value = line.split()
    rps[(setting, scenario)].append(float(value))
print("| scenario | journal on req/s (each round) | off req/s | on/off each round | median on/off |")
print("|---|---|---|---|---:|")
for s in ("first", "by-id"):
    on, off = rps[("on", s)], rps[("off", s)]
    ratios = [a / b for a, b in zip(on, off)]
    fmt = lambda xs, f: " / ".join(f.format(x) for x in xs)
    print(f"| {s} | {fmt(on, '{:,.0f}')} | {fmt(off, '{:,.0f}')} | {fmt(ratios, '{:.2f}')} | {statistics.median(ratios):.3f} |")
EOF
