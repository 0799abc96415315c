#!/usr/bin/env bash
# `boxcompose image import|ls|inspect|rm` on a busybox rootfs (from busybox-static), in a
# temporary BOXCOMPOSE_ROOT: the OCI layout it writes, unpacked layers, hostile tarballs
# refused, and garbage collection. Needs root (owners and whiteouts), tar, gzip and jq.
#   tests/e2e/image_cli_test.sh BOXCOMPOSE
set -uo pipefail
bc=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BOXCOMPOSE_ROOT="$work/root"
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

quiet() { "$@" >/dev/null; }
count() { find "$1" -mindepth 1 -maxdepth 1 | wc -l; }

# --- a busybox rootfs, as a gzip tarball and as a directory
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh ls cat echo; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
chmod 1777 "$rootfs/tmp"
tar --numeric-owner -C "$rootfs" -czf "$work/busybox.tar.gz" .

# --- import with --change, as docker import
out=$("$bc" image import -c 'CMD ["sh"]' --change 'ENV GREETING="hello world"' \
  -c 'EXPOSE 8080' -c 'WORKDIR /srv' -c 'USER 1000' -c 'LABEL team=infra' \
  -c 'ENTRYPOINT exec /bin/busybox' "$work/busybox.tar.gz" busybox:local 2>&1)
check "import exits 0" test $? = 0
check "import prints the image ID" grep -qE '^sha256:[0-9a-f]{64}$' <<<"$out"
id=$out

check "oci-layout written" quiet jq -e '.imageLayoutVersion == "1.0.0"' "$BOXCOMPOSE_ROOT/images/oci-layout"
check "index entry carries NAME:TAG" quiet jq -e \
  '.manifests[0].annotations["org.opencontainers.image.ref.name"] == "busybox:local"' \
  "$BOXCOMPOSE_ROOT/images/index.json"
for blob in "$BOXCOMPOSE_ROOT"/images/blobs/sha256/*; do
  check "blob $(basename "$blob") is content-addressed" \
    test "$(sha256sum "$blob" | cut -d' ' -f1)" = "$(basename "$blob")"
done

inspect=$("$bc" image inspect busybox:local)
check "inspect exits 0" test $? = 0
check "inspect Id" test "$(jq -r '.[0].Id' <<<"$inspect")" = "$id"
check "inspect RepoTags" quiet jq -e '.[0].RepoTags == ["busybox:local"]' <<<"$inspect"
check "inspect Cmd" quiet jq -e '.[0].Config.Cmd == ["sh"]' <<<"$inspect"
check "inspect Entrypoint shell form" \
  quiet jq -e '.[0].Config.Entrypoint == ["/bin/sh", "-c", "exec /bin/busybox"]' <<<"$inspect"
check "inspect Env" quiet jq -e '.[0].Config.Env == ["GREETING=hello world"]' <<<"$inspect"
check "inspect ExposedPorts" quiet jq -e '.[0].Config.ExposedPorts == {"8080/tcp": {}}' <<<"$inspect"
check "inspect WorkingDir/User/Labels" quiet jq -e \
  '.[0].Config.WorkingDir == "/srv" and .[0].Config.User == "1000" and .[0].Config.Labels.team == "infra"' \
  <<<"$inspect"
check "inspect RootFS" quiet jq -e '.[0].RootFS.Type == "layers" and (.[0].RootFS.Layers | length) == 1' \
  <<<"$inspect"
check "inspect Size" quiet jq -e '.[0].Size > 1000000' <<<"$inspect"

layer="$BOXCOMPOSE_ROOT/layers/$(jq -r '.[0].RootFS.Layers[0]' <<<"$inspect" | cut -d: -f2)"
check "layer unpacked" cmp -s /bin/busybox "$layer/bin/busybox"
check "layer keeps modes" test "$(stat -c %a "$layer/bin/busybox") $(stat -c %a "$layer/tmp")" = "755 1777"
check "layer keeps symlinks" test "$(readlink "$layer/bin/sh")" = busybox
check "layers/ is private" test "$(stat -c %a "$BOXCOMPOSE_ROOT/layers")" = 700

# --- a directory, and a tarball on stdin
check "import a directory" quiet "$bc" image import "$rootfs" bbdir
check "import from stdin" sh -c "'$bc' image import - acme/bb:stdin < '$work/busybox.tar.gz' >/dev/null"

ls_out=$("$bc" image ls)
check "ls header" contains "$(head -1 <<<"$ls_out")" "REPOSITORY   TAG      IMAGE ID       CREATED"
check "ls shows busybox:local" grep -qE "^busybox +local +${id:7:12} +[A-Za-z0-9 ]+ ago +[0-9.]+MB$" <<<"$ls_out"
check "ls shows bbdir:latest" grep -qE '^bbdir +latest ' <<<"$ls_out"
check "ls shows acme/bb:stdin" grep -qE '^acme/bb +stdin ' <<<"$ls_out"
check "ls -q prints short IDs" test "$("$bc" image ls -q | wc -l)" = 3
check "ls filters by repository" test "$("$bc" image ls -q busybox)" = "${id:7:12}"
check "inspect by ID prefix" test "$("$bc" image inspect "${id:7:12}" | jq -r '.[0].Id')" = "$id"

# --- errors
err=$("$bc" image import -c 'RUN rm -rf /' "$work/busybox.tar.gz" x 2>&1)
check "bad --change exits 1" test $? = 1
check "bad --change named" contains "$err" 'RUN: not a valid change command'
err=$("$bc" image import "$work/nope.tar" x 2>&1)
check "missing source exits 1" test $? = 1
check "missing source named" contains "$err" "$work/nope.tar: No such file or directory"
err=$("$bc" image import "$work/busybox.tar.gz" Bad/Name 2>&1)
check "bad name exits 1" test $? = 1
check "bad name explained" contains "$err" "repository name must be lowercase"
err=$("$bc" image inspect nginx:1.27 2>&1)
check "inspect of a missing image exits 1" test $? = 1
check "inspect of a missing image named" contains "$err" "no such image: nginx:1.27"

# --- hostile tarballs: refused, nothing stored, nothing outside
mkdir -p "$work/evil/outside" "$work/evil/src"
cd "$work/evil/src"
echo pwned > escaped
ln -s "$work/evil/outside" link
tar -cPf ../abs.tar "$work/evil/src/escaped"
tar -cPf ../dotdot.tar ../src/escaped
tar -cf ../symlink.tar link
tar -rf ../symlink.tar --transform 's,^escaped$,link/escaped,' escaped
cd "$work"
blobs_before=$(count "$BOXCOMPOSE_ROOT/images/blobs/sha256")
for t in abs dotdot symlink; do
  err=$("$bc" image import "$work/evil/$t.tar" evil:$t 2>&1)
  check "$t tarball refused" test $? = 1
  check "$t tarball says why" contains "$err" "refusing"
done
check "nothing escaped" test "$(count "$work/evil/outside")" = 0
check "no blob stored by a refused import" test "$(count "$BOXCOMPOSE_ROOT/images/blobs/sha256")" = "$blobs_before"
check "no evil image" test -z "$("$bc" image ls -q evil)"

# --- rm untags and collects what only that image used
out=$("$bc" image rm busybox:local)
check "rm prints Untagged" contains "$out" "Untagged: busybox:local"
check "rm prints Deleted" contains "$out" "Deleted: $id"
check "rm removed the config blob" test ! -e "$BOXCOMPOSE_ROOT/images/blobs/sha256/${id:7}"
err=$("$bc" image rm busybox:local 2>&1)
check "rm of a missing image exits 1" test $? = 1
check "rm of a missing image named" contains "$err" "no such image: busybox:local"
check "rm several" quiet "$bc" image rm bbdir acme/bb:stdin
check "no blobs left" test "$(count "$BOXCOMPOSE_ROOT/images/blobs/sha256")" = 0
check "no layers left" test "$(count "$BOXCOMPOSE_ROOT/layers")" = 0
check "no temporary files left" test "$(count "$BOXCOMPOSE_ROOT/tmp")" = 0
check "index empty" quiet jq -e '.manifests == []' "$BOXCOMPOSE_ROOT/images/index.json"

"$bc" image >/dev/null 2>&1
check "image without a subcommand exits non-zero" test $? -ne 0

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
