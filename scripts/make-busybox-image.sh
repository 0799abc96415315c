#!/usr/bin/env bash
# Imports a busybox image into boxcompose's local store, from Debian's busybox-static:
# every applet, /etc/passwd and /etc/group with root, nobody and an unprivileged "app" user.
#   scripts/make-busybox-image.sh BOXCOMPOSE [NAME:TAG]   (default busybox:local)
set -euo pipefail
boxcompose=$1
reference=${2:-busybox:local}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,tmp,root,home/app}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"
done
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
chown 1000:1000 "$rootfs/home/app"
"$boxcompose" image import -c 'CMD ["sh"]' -c 'ENV PATH=/bin' "$rootfs" "$reference"
