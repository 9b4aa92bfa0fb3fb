#!/bin/sh
# router installer (curl | sh): download, checksum, systemd unit, env file.
# Not written yet: until its issue lands, build from source with
#   scripts/ensure-deps.sh && bun run build && install -m 0755 dist/router /usr/local/bin/router
echo "install.sh is not implemented yet; see the README's Quick start to build dist/router from source." >&2
exit 1
