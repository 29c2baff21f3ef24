#!/usr/bin/env bash
# The instruction-count guard (issue 16): what one request of each hot path costs the server,
# in instructions counted by valgrind's callgrind. Unlike req/s, the count does not move with
# the machine's load, so CI can fail a change that makes a hot path more expensive.
#
# The release binary runs `serve` with its DEFAULT settings (SQLite file, 250 demo customers,
# journal, access lines to a file, metrics, kept pages) under callgrind. After a warm-up, each
# path in turn gets N requests on one keep-alive connection (bench/hot_paths.py), and
# callgrind_control dumps the counters between paths, so each dump holds exactly the server's
# work for N requests of one path (every thread: workers, SQLite's writer). The first and the
# filtered page are then counted again on a server that keeps no page (`--page-cache-mib 0`):
# first-uncached and filtered-uncached, what a page costs read from the database.
#
# usage: bench/instructions.sh            print the counts per request and the baseline's
#        bench/instructions.sh --check    ...and fail when a path costs over 10% more than
#                                         bench/instructions.baseline
#        bench/instructions.sh --update   write the counts to bench/instructions.baseline
#                                         (commit it in a commit that says why it moved)
# needs: valgrind (callgrind, callgrind_control), python3, curl, target/release/partnerd
#        (built when missing; BIN=path measures another binary)
# env:   N (default 200), WORK (default /tmp/partnerd-instructions), TOLERANCE (default 10, %),
#        SERVE_ARGS (more `serve` flags, to see what a setting costs: "--journal-size 0")
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-print}
N=${N:-200}
WORK=${WORK:-/tmp/partnerd-instructions}
TOLERANCE=${TOLERANCE:-10}
BIN=${BIN:-target/release/partnerd}
BASELINE=bench/instructions.baseline
# The default server's paths (its kept pages serve first and filtered), then the two page
# paths again with no page kept (-uncached): what a page costs the database and its rendering.
PATHS=(first filtered by-id create)
UNCACHED=(first filtered)
PORT=18096
BASE=http://127.0.0.1:$PORT
[ -x "$BIN" ] || cargo build --release -p partnerd >&2
rm -rf "$WORK" && mkdir -p "$WORK"
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT

# count SUFFIX SERVE_FLAGS PATH...: one server under callgrind, a dump per path named PATH+SUFFIX.
count() {
  local suffix=$1 flags=$2 out="$WORK/run$1"
  shift 2
  rm -f "$WORK/partnerd.db"*
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$BIN" serve --db "$WORK/partnerd.db" --listen 127.0.0.1:$PORT $flags ${SERVE_ARGS:-} 2>"$WORK/serve$suffix.log" &
  SERVER=$!
  # Any answer will do (older revisions, BIN=..., have no /readyz): partnerd listens once ready.
  curl -s --retry 600 --retry-connrefused --retry-delay 1 --retry-max-time 600 -o /dev/null "$BASE/"
  local token
  token=$("$BIN" token --ttl 2h)
  # Warm-up (caches, lazily built state, the allocator's arenas), then zero the counters.
  for path in "${PATHS[@]}"; do python3 bench/hot_paths.py "$BASE" "$token" "$path" 20; done
  callgrind_control --dump=warm-up "$SERVER" >/dev/null
  for path in "$@"; do
    python3 bench/hot_paths.py "$BASE" "$token" "$path" "$N"
    callgrind_control --dump="$path$suffix" "$SERVER" >/dev/null
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
}
mkdir -p "$WORK/run" "$WORK/run-uncached"
count "" "" "${PATHS[@]}"
count -uncached "--page-cache-mib 0" "${UNCACHED[@]}"

python3 - "$WORK" "$N" "$BASELINE" "$MODE" "$TOLERANCE" "${PATHS[@]}" first-uncached filtered-uncached <<'EOF'
import glob, re, sys
work, n, baseline_file, mode, tolerance, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6:]
counts = {}
for dump in glob.glob(f"{work}/run*/callgrind.out*"):
    text = open(dump).read()
    trigger = re.search(r"^desc: Trigger: (?:Client Request: |dump )(\S+)", text, re.M)
    total = re.search(r"^(?:totals|summary): (\d+)", text, re.M)
    if trigger and total and trigger.group(1) in paths:
        counts[trigger.group(1)] = int(total.group(1)) / n
missing = [p for p in paths if p not in counts]
if missing:
    sys.exit(f"no callgrind dump for {missing}")
baseline = {}
try:
    for line in open(baseline_file):
        if line.strip() and not line.startswith("#"):
            name, value = line.split()
            baseline[name] = float(value)
except FileNotFoundError:
    pass
failed = []
print(f"{'path':<10} {'instructions/request':>22} {'baseline':>12} {'change':>8}")
for p in paths:
    base = baseline.get(p)
    change = f"{(counts[p] / base - 1) * 100:+.1f}%" if base else "-"
    print(f"{p:<10} {counts[p]:>22,.0f} {base or 0:>12,.0f} {change:>8}")
    if base and counts[p] > base * (1 + tolerance / 100):
        failed.append(p)
if mode == "--update":
    with open(baseline_file, "w") as f:
        f.write("# Server instructions per request of each hot path, counted by bench/instructions.sh.\n")
        f.write("# Moves only in a commit that says why.\n")
        for p in paths:
            f.write(f"{p} {counts[p]:.0f}\n")
    print(f"wrote {baseline_file}")
elif mode == "--check":
    if not baseline:
        sys.exit(f"{baseline_file} is missing: run bench/instructions.sh --update")
    if failed:
        sys.exit(f"more than {tolerance:.0f}% above the baseline: {', '.join(failed)}")
    print(f"every hot path within {tolerance:.0f}% of the baseline")
EOF
