#!/usr/bin/env bash
# Runs every test (unit and integration against a real haproxy) after
# installing what is missing and building dist/router, which the tests also
# exercise. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
bun run typecheck
bun run build
exec test/run.sh "$@"
