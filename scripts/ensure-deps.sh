#!/usr/bin/env bash
# Installs what router needs to build, run and test when it is missing: bun
# (from npm), haproxy >= 2.6, openssl and the test tools (from apt) and the
# locked node_modules. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v bun >/dev/null 2>&1 || ! bun --version >/dev/null 2>&1; then
  echo "==> installing bun from npm"
  as_root npm install -g bun >/dev/null
  # With install scripts disabled npm leaves a placeholder; its installer needs no network.
  if ! bun --version >/dev/null 2>&1; then as_root node "$(npm root -g)/bun/install.js"; fi
fi

# openssl: the tests make their certificates with it. python3 binds the datagram socket that stands in for
# systemd's in the readiness tests; systemd-analyze verifies the unit, shellcheck install.sh, which downloads with curl.
missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing ${missing[*]} from apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# No `| head` on haproxy's output: with pipefail, haproxy dying of SIGPIPE after head exits would fail the script.
haproxy_banner=$(haproxy -v)
if [[ ! $haproxy_banner =~ ([0-9]+)\.([0-9]+) ]]; then
  echo "cannot read haproxy's version from: $haproxy_banner" >&2
  exit 1
fi
version="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
if (( BASH_REMATCH[1] < 2 || (BASH_REMATCH[1] == 2 && BASH_REMATCH[2] < 6) )); then
  echo "haproxy $version is too old: router needs 2.6 or newer" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ bun.lock -nt node_modules ]; then
  echo "==> installing dependencies"
  bun install --frozen-lockfile
  touch node_modules
fi
