#!/bin/bash
# PID 1 of new pid, mount, net and uts namespaces (test/support/systemd-host.ts):
# systemd boots on an overlay of the host's root, so nothing it or the
# installer writes reaches the host; its network is a loopback of its own.
# $1: a host directory shown inside as /srv/test.
set -euo pipefail
share=$1
mount --make-rprivate /
scratch=$(mktemp -d /tmp/sdhost-XXXXXX)
mount -t tmpfs tmpfs "$scratch"
mkdir -p "$scratch/up" "$scratch/work" "$scratch/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$scratch/up,workdir=$scratch/work" "$scratch/root"
root=$scratch/root
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t sysfs sysfs "$root/sys"
mount -t cgroup2 none "$root/sys/fs/cgroup"
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
mkdir -p "$root/srv/test"
mount --bind "$share" "$root/srv/test"
ip link set lo up
hostname router-test
# Only what the system needs to run units: no getty, no services the host happens to enable.
export container=other
exec chroot "$root" /lib/systemd/systemd --system --unit=basic.target --log-target=console --log-level=warning
