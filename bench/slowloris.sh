#!/usr/bin/env bash
# The slowloris benchmark (issue 10): ATTACKERS connections (default 3000) sending a request
# head one byte per second, reconnecting whenever the server cuts them off, for
# ATTACK_SECONDS (default 30) against `partnerd serve --memory` with its default limits; a
# normal client makes one request every 20 ms on a fresh connection meanwhile. Prints that
# client's p50/p99/max latency and failures before, during and after the attack, and the
# server's RSS before, at its peak during, and 15 s after.
#
# usage: bench/slowloris.sh      (needs: cargo; Linux /proc; a hard open-file limit above 2×ATTACKERS)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p partnerd >&2
cargo build --release -p partnerd-server --example slowloris >&2
# Both the attacker and the server hold one descriptor per slow connection.
ulimit -n "$(ulimit -Hn)"
PARTNERD_BIN=target/release/partnerd target/release/examples/slowloris
