#!/usr/bin/env bash
# The parser benchmark (issue 10): the most expensive request bodies under 1 MiB we could
# construct (XML attributes, elements, nesting and entities; form fields and deep keys; JSON
# keys, arrays, nesting and escapes), each POSTed 20 times to a `partnerd serve --memory`;
# prints the server's CPU time per request (target: under 50 ms) and the slowest wall time,
# then small-GET latency while two clients send the heaviest body back to back.
#
# usage: bench/parsers.sh      (needs: cargo; Linux /proc)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p partnerd >&2
cargo build --release -p partnerd-server --example parsers >&2
PARTNERD_BIN=target/release/partnerd CLK_TCK=$(getconf CLK_TCK) target/release/examples/parsers
