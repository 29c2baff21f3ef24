#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with cargo-fuzz (libFuzzer) on the
# stable toolchain (RUSTC_BOOTSTRAP=1 lets it pass the nightly-only sanitizer flags), and
# prints each target's executions and whether it found a crash. Inputs that crash are kept
# under fuzz/artifacts/TARGET/; the corpus grows under fuzz/corpus/TARGET/.
#
# usage: fuzz/run.sh [SECONDS] [TARGET...]     (needs: cargo install cargo-fuzz)
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(filter list_query continuation body_json body_xml body_form xml_writer bearer)
fi
export RUSTC_BOOTSTRAP=1
# No sanitizer: the code under test is safe Rust, and ASan would halve the executions.
cargo fuzz build --release --sanitizer none >&2
status=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log=$(mktemp)
  cargo fuzz run --release --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 -print_final_stats=1 >"$log" 2>&1
  code=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $code -eq 0 ]; then
    echo "$target: ${runs:-?} executions in ${seconds}s, no crash"
  else
    status=1
    echo "$target: CRASH after ${runs:-?} executions; input kept under fuzz/artifacts/$target/"
    grep -E "panicked|ERROR|SUMMARY" "$log" | head -5
  fi
  rm -f "$log"
done
exit $status
