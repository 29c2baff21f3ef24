#!/usr/bin/env bash
# The regression benchmark (issue 16): this working tree's release build against another
# revision's, in one run, on the same machine, the same data and the same settings, so that the
# ratio means something even where the absolute figures drift with the machine's load.
#
# Each build seeds its own SQLite file with COUNT customers for one partner (its own schema),
# then serves it with its DEFAULT settings (journal, access lines, metrics: what users run),
# pinned to core 0, while wrk on core 1 reads at CONNECTIONS connections: the first page at
# size=100, a page filtered by a company-name prefix, a page DEEP pages deep (replayed token)
# and one customer by id. The builds alternate, ROUNDS times, and the best round of each is
# kept (noise only ever slows a run down). Prints req/s, p99 and peak RSS, and the ratio.
#
# usage: bench/compare.sh REV          e.g. bench/compare.sh 5d56eed
# needs: cargo, git, wrk, taskset, python3 (and 2 cores)
# env:   COUNT (default 100000), WORK (default /tmp/partnerd-compare), DURATION (default 10s),
#        CONNECTIONS (default 32), ROUNDS (default 2), DEEP (default 500), PREFIX (default contour),
#        EXTRA_ARGS (more `serve` flags for both builds, e.g. "--journal-size 0"),
#        CURRENT_BIN (measure this binary as the current build instead of building the tree)
set -euo pipefail
cd "$(dirname "$0")/.."
REV=${1:?usage: bench/compare.sh REV}
COUNT=${COUNT:-100000}
WORK=${WORK:-/tmp/partnerd-compare}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-2}
DEEP=${DEEP:-500}
PREFIX=${PREFIX:-contour}
PARTNER=c0ffee00-0000-4000-8000-000000000001
PORT=18097
BASE=http://127.0.0.1:$PORT
mkdir -p "$WORK"

# Builds: this tree in its own target/, the revision in a worktree with a target dir of its own
# (kept between runs, so a second comparison with the same revision builds nothing).
if [ -n "${CURRENT_BIN:-}" ]; then
  cp "$CURRENT_BIN" "$WORK/partnerd-current"
else
  cargo build --release -p partnerd >&2
  cp target/release/partnerd "$WORK/partnerd-current"
fi
SHA=$(git rev-parse --short "$REV")
TREE="$WORK/tree-$SHA"
[ -d "$TREE" ] || git worktree add --detach "$TREE" "$SHA" >&2
(cd "$TREE" && CARGO_TARGET_DIR="$WORK/target-rev" cargo build --release --locked -p partnerd >&2)
cp "$WORK/target-rev/release/partnerd" "$WORK/partnerd-$SHA"

for build in current "$SHA"; do
  if [ ! -f "$WORK/$build.db" ]; then
    "$WORK/partnerd-$build" seed --db "$WORK/$build.db" --partner $PARTNER --count "$COUNT" >&2
  fi
done

SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
FILTER=$(python3 -c "import json,sys,urllib.parse;print(urllib.parse.quote(json.dumps({'Field':'CompanyName','Value':sys.argv[1],'Operator':'starts_with'})))" "$PREFIX")

# One wrk run: prints "req/s p99_ms".
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

# One build, every scenario: appends "build scenario req/s p99" lines to $WORK/results.
run_build() {
  local build=$1 bin="$WORK/partnerd-$1"
  # shellcheck disable=SC2086
  taskset -c 0 "$bin" serve --db "$WORK/$build.db" --listen 127.0.0.1:$PORT --no-demo ${EXTRA_ARGS:-} \
    2>"$WORK/serve-$build.log" &
  SERVER=$!
  # Any answer will do (older revisions have no /readyz): partnerd listens once it is ready.
  curl -s --retry 100 --retry-connrefused --retry-delay 0 -o /dev/null "$BASE/"
  local token deep id auth corr
  token=$("$bin" token --partner $PARTNER --ttl 2h)
  auth="Authorization: Bearer $token"
  corr="MS-CorrelationId: 5bd2c0b4-5a1e-4c8e-9d43-0b1c2a7e9f10"
  deep=$(python3 bench/walk_token.py "$BASE" "$token" 100 "$DEEP")
  id=$(curl -s -H "$auth" "$BASE/v1/customers?size=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
  echo "$build first $(measure -H "$auth" -H "$corr" "$BASE/v1/customers?size=100")" >>"$WORK/results"
  echo "$build filtered $(measure -H "$auth" -H "$corr" "$BASE/v1/customers?size=100&filter=$FILTER")" >>"$WORK/results"
  echo "$build deep $(measure -H "$auth" -H "$corr" -H "MS-ContinuationToken: $deep" "$BASE/v1/customers?seekOperation=Next")" >>"$WORK/results"
  echo "$build by-id $(measure -H "$auth" -H "$corr" "$BASE/v1/customers/$id")" >>"$WORK/results"
  echo "$build rss $(grep VmHWM /proc/$SERVER/status | awk '{print $2}')" >>"$WORK/results"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

: >"$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  run_build current
  run_build "$SHA"
done

python3 - "$WORK/results" "$SHA" <<'EOF'
import collections, sys
best = collections.defaultdict(lambda: (0.0, 0.0))
rss = collections.defaultdict(int)
for line in open(sys.argv[1]):
    parts = line.split()
    if parts[1] == "rss":
        rss[parts[0]] = max(rss[parts[0]], int(parts[2]))
    elif float(parts[2]) > best[(parts[0], parts[1])][0]:
        best[(parts[0], parts[1])] = (float(parts[2]), float(parts[3]))
sha = sys.argv[2]
print(f"| scenario | current req/s | current p99 | {sha} req/s | {sha} p99 | ratio |")
print("|---|---:|---:|---:|---:|---:|")
for s in ("first", "filtered", "deep", "by-id"):
    (a, ap), (b, bp) = best[("current", s)], best[(sha, s)]
    print(f"| {s} | {a:,.0f} | {ap:.2f} ms | {b:,.0f} | {bp:.2f} ms | {a / b:.2f} |")
print(f"| peak RSS | {rss['current'] / 1024:.1f} MiB | | {rss[sha] / 1024:.1f} MiB | | |")
EOF
