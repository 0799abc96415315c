#!/usr/bin/env bash
# Makes the sample's Debian image: a minimal Debian 12 root (debootstrap --variant=minbase
# from the Debian mirror apt already uses) with python3, python3-redis and redis-server,
# imported into boxcompose's store as boxcompose-samples/debian-visits:12. The root is
# cached as a tarball, so a second run only imports it.
#   samples/visits/make-image.sh [BOXCOMPOSE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
boxcompose=${1:-${BOXCOMPOSE_BIN:-$here/../../build/orchestrator/boxcompose}}
reference=boxcompose-samples/debian-visits:12
cache=${BOXCOMPOSE_SAMPLES_CACHE:-/var/cache/boxcompose-samples}
tarball="$cache/debian-visits-12.tar.gz"
packages=python3,python3-redis,redis-server

if "$boxcompose" image inspect "$reference" >/dev/null 2>&1; then
  echo "make-image: $reference is already in the store"
  exit 0
fi

# The first http(s) Debian mirror apt is configured with (deb822 or one-line sources).
debian_mirror() {
  local uri
  uri=$(grep -hoE '(URIs:|^deb) +https?://[^ ]+' /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list 2>/dev/null | grep -v -e security -e nodesource -e google |
    head -1 | awk '{print $2}')
  echo "${uri:-http://deb.debian.org/debian}"
}

make_rootfs() {
  local rootfs=$1
  command -v debootstrap >/dev/null || {
    echo "make-image: installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
  }
  local mirror
  mirror=$(debian_mirror)
  echo "make-image: debootstrap bookworm ($packages) from $mirror; this takes a few minutes"
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" \
    >"$cache/debootstrap.log" 2>&1 || {
    tail -20 "$cache/debootstrap.log" >&2
    echo "make-image: debootstrap failed (log: $cache/debootstrap.log)" >&2
    return 1
  }
  # What a container never needs: package caches, docs, manuals.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  # Redis's data directory belongs to redis, so the named volume filled from it does too.
  mkdir -p "$rootfs/data"
  chroot "$rootfs" chown redis:redis /data
}

mkdir -p "$cache"
if [[ ! -s "$tarball" ]]; then
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  make_rootfs "$rootfs"
  tar -C "$rootfs" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
fi
"$boxcompose" image import \
  -c 'CMD ["python3"]' -c 'ENV LANG=C.UTF-8' -c 'WORKDIR /' \
  "$tarball" "$reference"
