#!/usr/bin/env bash
# Quick start: installs what is missing, builds dist/router, starts two
# example backends and runs the router on examples/manifests, listening on
# 127.0.0.1:8080. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
bun run build
bun run examples/backends.ts &
backends=$!
trap 'kill "$backends" 2>/dev/null || true' EXIT
# Nothing stands in front of this router that needs time to notice it stopping: Ctrl-C stops at once.
ROUTER_GRACEFUL_SHUTDOWN_DELAY=${ROUTER_GRACEFUL_SHUTDOWN_DELAY:-0s} dist/router --manifests examples/manifests --working-dir .work/quickstart \
  --bind-address 127.0.0.1 --http-port 8080 --https-port 8443 --interval 1s --enable-ingress --enable-gateway-api
