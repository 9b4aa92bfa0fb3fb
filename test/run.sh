#!/usr/bin/env bash
# Runs the whole suite with bun test and ends with "N passed, N failed":
# bun prints its summary in its own form (on stderr), which CI does not read.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bun test --timeout 60000 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count() { grep -Eo "^ *[0-9]+ $1\$" "$log" | tail -1 | grep -Eo '[0-9]+' || true; }
p=$(count pass); f=$(count fail)
if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
echo "${p:-0} passed, ${f:-0} failed"
exit "$rc"
