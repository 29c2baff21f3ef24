#!/usr/bin/env bash
# The binary every distributed form packages (the container image, the Python wheel), built once:
# the static release build (glibc linked in, see docs/decisions.md "Distribution"), then its
# debug info moved into a file of its own. target/dist/partnerd keeps its symbols (backtraces name
# their functions; a panic names its file and line) and a .gnu_debuglink to partnerd.debug, which
# adds file and line to every frame of a backtrace when it lies beside the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked -p partnerd --target x86_64-unknown-linux-gnu
built=target/x86_64-unknown-linux-gnu/release/partnerd
mkdir -p target/dist
objcopy --only-keep-debug "$built" target/dist/partnerd.debug
# The debug link is written as a name relative to the binary's directory: run objcopy there.
(cd target/dist && objcopy --strip-debug --add-gnu-debuglink=partnerd.debug "../../$built" partnerd)
ls -l target/dist/partnerd target/dist/partnerd.debug
