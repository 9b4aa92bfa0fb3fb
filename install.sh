#!/bin/sh
# Installs, upgrades or removes router on a systemd host (POSIX sh):
#
#   curl -fsSL <url>/install.sh | sh -s -- [--base-url URL] [--root DIR] [--no-start] [--uninstall]
#
# It downloads the release binary for this machine, refuses it unless its
# SHA-256 matches SHA256SUMS, installs haproxy when missing, and sets up the
# router user, /etc/router/router.env (only when absent) and router.service.
# Re-running it upgrades in place: the binary is replaced atomically and a
# running router hands over to the new one (SIGUSR2) while haproxy keeps
# serving. A failed step undoes the changes made before it.
set -eu

# The project publishes no release URL yet (issue #11): until it does, name one.
DEFAULT_BASE_URL=''

UNIT_NAME=router.service
HAPROXY_MIN_MAJOR=2
HAPROXY_MIN_MINOR=6
# How long an upgrade waits for the new router to take over (the unit's TimeoutStartSec, and some).
HANDOVER_TIMEOUT_S=330

say() { printf '==> %s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'USAGE'
usage: install.sh [--base-url URL] [--root DIR] [--no-start] [--uninstall]
  --base-url URL  where the release is (env ROUTER_INSTALL_BASE_URL): an https://
                  or http:// URL, a file:///path URL or an absolute directory,
                  serving router-linux-amd64, router-linux-arm64 and SHA256SUMS
  --root DIR      install into DIR and touch nothing outside it (no user,
                  no package manager, no systemctl)
  --no-start      install or upgrade, but do not start or hand over
  --uninstall     remove router; /etc/router/router.env stays
USAGE
}

# --- undo journal: each change appends how to revert it; a failure replays it backwards ---

work=''
step='starting'
finished=no

journal() { printf '%s\n' "$*" >>"$work/undo"; }

undo_one() {
  case $1 in
    rm) rm -f "$2" ;;
    rmdir) rmdir "$2" 2>/dev/null || true ;;
    purge) rm -rf "$2" ;;
    restore) cp -p "$2" "$3.install-restore" && mv -f "$3.install-restore" "$3" ;;
    userdel) userdel "$2" ;;
    systemctl) shift; systemctl "$@" ;;
  esac
}

roll_back() {
  [ -s "$work/undo" ] || return 0
  printf 'install.sh: undoing the changes made so far\n' >&2
  # Newest first; each line is a command and its arguments (paths are checked to hold no whitespace).
  awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$work/undo" >"$work/undo.reversed"
  # Words, never patterns: a path with `?` or `*` must not match its neighbours.
  set -f
  while read -r line; do
    # shellcheck disable=SC2086 # the words of a journal line are its arguments
    undo_one $line || printf 'install.sh: could not undo: %s\n' "$line" >&2
  done <"$work/undo.reversed"
  set +f
}

on_exit() {
  status=$?
  trap - EXIT
  if [ "$finished" = yes ]; then
    status=0
  else
    printf 'install.sh: failed while %s\n' "$step" >&2
    roll_back
    [ "$status" -ne 0 ] || status=1
  fi
  rm -rf "$work"
  exit "$status"
}

# --- helpers ---

have() { command -v "$1" >/dev/null 2>&1; }

# Writes stdin to $1 through a temporary file beside it, so readers see the old file or the new one.
write_file() {
  cat >"$1.install-new"
  chmod "$2" "$1.install-new"
  mv -f "$1.install-new" "$1"
}

# Creates a directory (and its missing parents), journaling each one created.
make_dir() {
  if [ ! -d "$1" ]; then
    make_dir "$(dirname "$1")" 0755
    mkdir -m "$2" "$1"
    journal rmdir "$1"
  fi
}

# Journals how to put $1 back as it is now: a copy to restore, or a file to remove.
journal_replace() {
  if [ -e "$1" ]; then
    cp -p "$1" "$work/previous.${1##*/}"
    journal restore "$work/previous.${1##*/}" "$1"
  else
    journal rm "$1"
  fi
}

sha256_of() {
  if have sha256sum; then
    sha256sum "$1" | cut -d' ' -f1
  elif have shasum; then
    shasum -a 256 "$1" | cut -d' ' -f1
  elif have openssl; then
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else
    die "no sha256sum, shasum or openssl to verify the download with"
  fi
}

# Two runs at once would interleave their steps and their undo journals (one
# rolling back what the other installed), so each holds a lock for its whole
# run: with --root the root directory itself (nothing written for it), else a
# file in /run, which a reboot clears and only root may write (in the
# world-writable /run/lock any user could hold it, or plant a link there).
# flock(1) is util-linux, essential on Debian; without it the run goes on
# unlocked, as before.
hold_install_lock() {
  have flock || return 0
  if [ "$system" = yes ]; then
    lock=/run/router-install.lock
    exec 9>>"$lock" || die "could not open the lock file $lock"
  else
    exec 9<"$root" || die "could not open $root to lock it"
  fi
  flock -n 9 || die "another install.sh run holds ${lock:-$root}: wait for it to finish, then run this again"
}

# SHA256SUMS comes from where the binary comes from: it catches a corrupt or
# truncated download, not a forged release. So an https:// URL may not be
# redirected to plain http (curl), and a plain http:// one is named for what it is.
fetch() {
  case $base_url in
    https://*)
      if have curl; then
        # -q first: no ~/.curlrc of root's may change what is fetched.
        curl -q -fsSL --proto =https --proto-redir =https --retry 3 --connect-timeout 30 -o "$2" "${base_url%/}/$1"
      elif have wget; then
        # wget cannot refuse a redirect to plain http as curl does: curl is tried first.
        wget -q -O "$2" "${base_url%/}/$1"
      else
        die "neither curl nor wget is installed to download the release"
      fi
      ;;
    http://*)
      if have curl; then
        curl -q -fsSL --proto =http,https --proto-redir =http,https --retry 3 --connect-timeout 30 -o "$2" "${base_url%/}/$1"
      elif have wget; then
        wget -q -O "$2" "${base_url%/}/$1"
      else
        die "neither curl nor wget is installed to download the release"
      fi
      ;;
    file:///*) cp "${base_url#file://}/$1" "$2" ;;
    /*) cp "${base_url%/}/$1" "$2" ;;
    *) die "unsupported base URL $base_url (https://, http://, file:///path or an absolute directory)" ;;
  esac
}

haproxy_version_ok() {
  have haproxy || return 1
  version=$(haproxy -v 2>/dev/null | sed -n 's/.*[Vv]ersion \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | sed -n 1p)
  [ -n "$version" ] || return 1
  # shellcheck disable=SC2086 # "major minor" becomes $1 and $2
  set -- $version
  [ "$1" -gt "$HAPROXY_MIN_MAJOR" ] || { [ "$1" -eq "$HAPROXY_MIN_MAJOR" ] && [ "$2" -ge "$HAPROXY_MIN_MINOR" ]; }
}

unit_active() { [ "$system" = yes ] && systemctl is-active --quiet "$UNIT_NAME"; }

# --- install / upgrade ---

download_release() {
  step='choosing the release for this machine'
  case $(uname -m) in
    x86_64 | amd64) asset=router-linux-amd64 ;;
    aarch64 | arm64) asset=router-linux-arm64 ;;
    *) die "no release for $(uname -m) (there are amd64 and arm64)" ;;
  esac
  [ -n "$base_url" ] || die "no release URL: pass --base-url URL or set ROUTER_INSTALL_BASE_URL"

  step="downloading $asset and SHA256SUMS from $base_url"
  say "$step"
  case $base_url in http://*) say "warning: plain http; the checksum then only guards against a damaged download, not a forged one" ;; esac
  fetch SHA256SUMS "$work/SHA256SUMS" || die "could not download SHA256SUMS from $base_url"
  fetch "$asset" "$work/$asset" || die "could not download $asset from $base_url"

  step="verifying the SHA-256 of $asset"
  expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$work/SHA256SUMS")
  [ -n "$expected" ] || die "SHA256SUMS from $base_url lists no $asset"
  actual=$(sha256_of "$work/$asset")
  [ "$actual" = "$expected" ] || die "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; nothing was installed"
}

# Copies the verified binary beside its destination (so the final rename is atomic) and checks it runs here.
stage_binary() {
  step="staging the new binary in $bin_dir"
  make_dir "$bin_dir" 0755
  staged=$bin_dir/.router.install-new
  journal rm "$staged"
  cp "$work/$asset" "$staged"
  chmod 0755 "$staged"
  new_version=$("$staged" --version 2>&1) || die "the downloaded $asset does not run on this machine (exit $?): $new_version"
}

ensure_haproxy() {
  step='checking haproxy'
  haproxy_version_ok && return 0
  if have haproxy; then
    die "$(haproxy -v 2>/dev/null | sed -n 1p) is older than $HAPROXY_MIN_MAJOR.$HAPROXY_MIN_MINOR; install a newer one (e.g. from your distribution's backports) and re-run"
  fi
  step='installing haproxy with the package manager'
  say "$step"
  if have apt-get; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy </dev/null >/dev/null
  elif have dnf; then
    dnf install -y -q haproxy </dev/null
  elif have yum; then
    yum install -y -q haproxy </dev/null
  elif have zypper; then
    zypper --non-interactive --quiet install haproxy </dev/null
  else
    die "haproxy is missing and there is no apt-get, dnf, yum or zypper to install it with"
  fi
  # The router runs its own haproxy; the distribution's service would only hold ports and memory (also when the
  # version below is refused: the package stays, its service does not run).
  systemctl disable --now haproxy.service >/dev/null 2>&1 || true
  haproxy_version_ok || die "the package manager installed $(haproxy -v 2>/dev/null | sed -n 1p), older than $HAPROXY_MIN_MAJOR.$HAPROXY_MIN_MINOR; remove it and install a newer one (e.g. from your distribution's backports)"
}

ensure_user() {
  step='creating the router system user'
  getent passwd router >/dev/null 2>&1 && return 0
  nologin=$(command -v nologin || echo /bin/false)
  useradd --system --user-group --home-dir /var/lib/router --no-create-home --shell "$nologin" router
  journal userdel router
}

write_config() {
  step="creating $state_dir and $conf_dir"
  # A state dir this run creates goes whole with a failed install: a first start may have written keys into it.
  if [ ! -d "$state_dir" ]; then
    make_dir "$state_dir" 0750
    journal purge "$state_dir"
  fi
  [ "$system" = no ] || chown router:router "$state_dir"
  make_dir "$conf_dir" 0755
  # The default routing source: also after an uninstall that kept the env file (it removes the empty directory).
  make_dir "$manifests_dir" 0755

  if [ -e "$env_file" ]; then
    say "keeping $env_file"
  else
    step="writing $env_file"
    journal rm "$env_file"
    write_file "$env_file" 0600 <<'ROUTER_ENV'
# /etc/router/router.env: the router's settings, read by router.service.
# install.sh writes this file only when it is absent, so upgrades keep it.
# Variables follow openshift-router's names; `router --help` lists them all
# with their defaults. Apply changes with: systemctl restart router

# Where routes come from: a directory of Route/EndpointSlice manifests,
# watched for changes (the default) ...
#ROUTER_MANIFESTS_DIR=/etc/router/manifests
# ... or a cluster, through a kubeconfig the router user can read
# (deploy/make-kubeconfig.sh writes one; chgrp router, chmod 0640).
#KUBECONFIG=/etc/router/kubeconfig

#ROUTER_SERVICE_NAME=public
#ROUTER_CANONICAL_HOSTNAME=router.apps.example.com
#ROUTER_ALLOWED_DOMAINS=apps.example.com
#ROUTER_MAX_CONNECTIONS=50000
# haproxy's threads; unset, one per CPU (64 at most). haproxy 2.6 builds its
# Lua view of every route's backend once per thread at each start and reload,
# about 1 s of CPU per thread per 100,000 routes: on a host with many CPUs
# and many routes, set what the traffic needs (OpenShift's default is 4).
#ROUTER_THREADS=4
#ROUTER_STRICT_SNI=true
#DEFAULT_CERTIFICATE_PATH=/etc/router/default.pem

# Flags that have no variable, separated by spaces.
#ROUTER_ARGS=--namespace=shop --request-timeout=30s
ROUTER_ENV
  fi

  step="writing $unit"
  make_dir "$unit_dir" 0755
  # Undone after the unit file is put back, so systemd reads the old unit again.
  [ "$system" = no ] || journal systemctl daemon-reload
  journal_replace "$unit"
  write_file "$unit" 0644 <<'ROUTER_UNIT'
# router: OpenShift-compatible HAProxy router (installed by install.sh).
# Settings live in /etc/router/router.env: the router reads its ROUTER_*
# variables itself; ROUTER_ARGS carries flags that have no variable.
# Local changes belong in a drop-in (systemctl edit router): install.sh
# rewrites this file on every upgrade.

[Unit]
Description=OpenShift-compatible HAProxy router
After=network-online.target
Wants=network-online.target
# Never give up restarting: a router that stays down leaves haproxy serving a
# configuration nobody updates any more.
StartLimitIntervalSec=0

[Service]
# READY=1 once the first configuration serves; sent by the router itself,
# so only the main process needs to be heard.
Type=notify
NotifyAccess=main
# Set here so that an env file without ROUTER_ARGS starts the router without a warning.
Environment=ROUTER_ARGS=
EnvironmentFile=/etc/router/router.env
# $ROUTER_ARGS (unbraced) splits into words, and into none when empty.
ExecStart=/usr/local/bin/router --working-dir=/var/lib/router $ROUTER_ARGS
WorkingDirectory=/var/lib/router
User=router
Group=router
StateDirectory=router
StateDirectoryMode=0750
UMask=0027

# haproxy (the router's child) binds 80 and 443 without root.
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
LockPersonality=yes
ProtectKernelLogs=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
SystemCallArchitectures=native
# AF_NETLINK: glibc's getaddrinfo asks the kernel which address families are configured.
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK

# haproxy needs about two descriptors per connection (ROUTER_MAX_CONNECTIONS,
# default 50000) plus one per checked server; the router lowers maxconn to fit
# whatever limit it gets, and warns.
LimitNOFILE=1048576

# The router stops haproxy itself (drain, then TERM, then KILL). Signalling
# only the router also means a router that crashed, or handed over on
# SIGUSR2, leaves haproxy serving for the next router to take over.
KillMode=process
# A graceful stop: ROUTER_GRACEFUL_SHUTDOWN_DELAY (45s upstream), then up to
# 30s of draining connections and 5s for haproxy to exit. Raise this with the delay.
TimeoutStopSec=90s
# The first configuration waits for the routing source to sync; a start that
# takes longer is stopped and retried.
TimeoutStartSec=5min
# The router tells systemd its event loop still runs (WATCHDOG=1 every 30 s):
# one that hangs stops taking changes while haproxy serves on, and is
# restarted (the next router takes haproxy over). Far above the longest the
# loop is busy at once (a start or reload at 100,000 routes: seconds).
WatchdogSec=60s
Restart=always
RestartSec=1s

[Install]
WantedBy=multi-user.target
ROUTER_UNIT
}

install_binary() {
  step="installing $bin"
  journal_replace "$bin"
  # A rename: the running router keeps its old file, and no reader ever sees half a binary.
  mv -f "$staged" "$bin"
  say "installed $new_version as $bin"
}

enable_unit() {
  step="enabling $UNIT_NAME"
  systemctl daemon-reload
  # An upgrade leaves a unit the operator disabled (a standby host) disabled.
  [ "$upgrade" = no ] || return 0
  if ! systemctl is-enabled --quiet "$UNIT_NAME"; then
    systemctl enable --quiet "$UNIT_NAME"
    journal systemctl disable --quiet "$UNIT_NAME"
  fi
}

start_or_hand_over() {
  if ! unit_active; then
    step="starting $UNIT_NAME (journalctl -u router says why it did not)"
    say "starting $UNIT_NAME"
    journal systemctl stop "$UNIT_NAME"
    systemctl start "$UNIT_NAME"
    return 0
  fi
  step="handing over to the new router (journalctl -u router says why it did not)"
  say "handing over: the running router leaves haproxy serving and systemd starts the new one"
  old_pid=$(systemctl show -p MainPID --value "$UNIT_NAME")
  # Only the main process: haproxy's master would take SIGUSR2 as a reload.
  systemctl kill --kill-who=main -s SIGUSR2 "$UNIT_NAME"
  waited=0
  while :; do
    pid=$(systemctl show -p MainPID --value "$UNIT_NAME")
    state=$(systemctl show -p ActiveState --value "$UNIT_NAME")
    [ "$pid" != "$old_pid" ] && [ "$pid" != 0 ] && [ "$state" = active ] && break
    [ "$waited" -lt "$HANDOVER_TIMEOUT_S" ] || die "the new router was not ready after ${HANDOVER_TIMEOUT_S}s; the previous version is put back and systemd's next restart runs it"
    sleep 1
    waited=$((waited + 1))
  done
}

install_router() {
  if [ "$system" = yes ]; then
    step='checking for systemd'
    have systemctl || die "this host has no systemctl: systemd runs the router (use --root DIR to unpack it elsewhere)"
  fi
  # An upgrade: the unit was here before. A router the operator stopped stays stopped.
  upgrade=no
  was_active=no
  if [ "$system" = yes ] && [ -e "$unit" ]; then
    upgrade=yes
    # Starting (a first sync, a restart systemd is making) counts as running: it is not a router left stopped.
    case $(systemctl show -p ActiveState --value "$UNIT_NAME" 2>/dev/null) in active | activating | reloading) was_active=yes ;; esac
  fi
  download_release
  stage_binary
  if [ "$system" = yes ]; then
    ensure_haproxy
    ensure_user
  fi
  write_config
  install_binary
  if [ "$system" = no ]; then
    say "installed into $root (no user, packages or systemctl outside it)"
    return 0
  fi
  enable_unit
  if [ "$upgrade" = yes ] && [ "$was_active" = no ]; then
    say "upgraded; the router was not running and is left so: systemctl start router"
    return 0
  fi
  if [ "$start" = no ]; then
    if unit_active; then
      say "the running router keeps the old binary until it hands over: systemctl kill --kill-who=main -s SIGUSR2 router"
    else
      say "not started (--no-start): systemctl start router"
    fi
    return 0
  fi
  start_or_hand_over
  say "router is running: systemctl status router, journalctl -u router"
}

# --- uninstall ---

uninstall_router() {
  if [ "$system" = yes ] && [ -e "$unit" ]; then
    step="stopping $UNIT_NAME"
    say "stopping $UNIT_NAME (the router drains and stops haproxy)"
    systemctl disable --now --quiet "$UNIT_NAME" || true
    # A router that had crashed leaves haproxy running in the unit (KillMode=process).
    systemctl kill --kill-who=all -s SIGTERM "$UNIT_NAME" >/dev/null 2>&1 || true
  fi
  step='removing the files'
  rm -f "$unit" "$bin"
  rm -rf "$state_dir"
  rmdir "$manifests_dir" 2>/dev/null || true
  if [ "$system" = yes ]; then
    systemctl daemon-reload
    systemctl reset-failed "$UNIT_NAME" >/dev/null 2>&1 || true
    # Only the user this script creates (its home is the state dir), never an operator's own "router"; and not while
    # files kept in /etc/router belong to its group (a kubeconfig the README has one chgrp): the next system
    # account created could get that group id, and read them.
    if [ "$(getent passwd router | cut -d: -f6)" = /var/lib/router ]; then
      owned=$(find "$conf_dir" -group router 2>/dev/null | sed -n 1p)
      if [ -n "$owned" ]; then
        say "kept the router user and group: $owned (and maybe more in $conf_dir) belongs to its group"
      else
        step='removing the router user'
        userdel router
      fi
    fi
  fi
  if [ -e "$env_file" ]; then
    say "removed router; kept $env_file"
  else
    say "removed router"
  fi
}

# Everything runs from here, after sh has read the whole script: with `curl | sh`
# a command that read stdin would otherwise swallow the rest of it.
main() {
  base_url=${ROUTER_INSTALL_BASE_URL:-$DEFAULT_BASE_URL}
  root=''
  start=yes
  action=install
  while [ $# -gt 0 ]; do
    case $1 in
      --base-url | --root)
        [ $# -ge 2 ] || die "$1 needs a value"
        if [ "$1" = --root ]; then root=$2; else base_url=$2; fi
        shift 2
        ;;
      --base-url=*) base_url=${1#*=}; shift ;;
      --root=*) root=${1#*=}; shift ;;
      --no-start) start=no; shift ;;
      --uninstall) action=uninstall; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown option $1" ;;
    esac
  done

  if [ -n "$root" ]; then
    [ -d "$root" ] || die "--root $root is not a directory"
    root=$(cd "$root" && pwd)
    [ "$root" != / ] || root=''
  fi
  # The system is left alone (no user, packages or systemctl) exactly when installing into another root.
  if [ -n "$root" ]; then system=no; else system=yes; fi
  if [ "$system" = yes ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or with --root DIR)"; fi
  hold_install_lock

  bin_dir=$root/usr/local/bin
  bin=$bin_dir/router
  unit_dir=$root/etc/systemd/system
  unit=$unit_dir/$UNIT_NAME
  conf_dir=$root/etc/router
  env_file=$conf_dir/router.env
  manifests_dir=$conf_dir/manifests
  state_dir=$root/var/lib/router

  # Scratch space (downloads, backups, the undo journal); inside the root with --root, so nothing is written outside it.
  if [ "$system" = yes ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/router-install.XXXXXX")
  else
    work=$(mktemp -d "$root/.router-install.XXXXXX")
  fi
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  : >"$work/undo"
  for p in "$work" "$bin" "$unit" "$env_file" "$state_dir"; do
    case $p in *' '* | *'	'*) die "path $p contains whitespace, which this installer does not handle" ;; esac
  done

  if [ "$action" = uninstall ]; then uninstall_router; else install_router; fi
  finished=yes
}

main "$@"
