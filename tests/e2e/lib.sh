# The e2e scripts' small harness: sourced, not run.
#   check NAME COMMAND...   counts a pass when COMMAND succeeds, prints FAIL: NAME otherwise
#   contains TEXT NEEDLE    TEXT holds NEEDLE (fixed string)
# and what the compose scripts share: they run as root in a network namespace of their own,
# with $bc the boxcompose binary, $work their temporary directory, BOXCOMPOSE_ROOT and
# BOXCOMPOSE_STATE inside it.
failures=0
passes=0

check() {
  local name=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $name" >&2
    failures=$((failures + 1))
    return 1
  fi
}

contains() { grep -qF -- "$2" <<<"$1"; }

# A busybox image NAME:TAG with every applet, root and an "app" user (uid 1000).
import_busybox() {
  local bc=$1 reference=$2 rootfs
  rootfs=$(mktemp -d "$work/rootfs.XXXXXX")
  mkdir -p "$rootfs"/{bin,etc,tmp,home/app}
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:1000:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  "$bc" image import -c 'CMD ["sh"]' "$rootfs" "$reference" >/dev/null
}

# Waits up to 5 s for a command to succeed.
eventually() {
  for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done
  "$@"
}

quiet() { "$@" >/dev/null 2>&1; }
fails() { ! "$@"; }

# Downs every project left, unmounts what is still mounted under $work, removes it.
e2e_cleanup() {
  for p in $(ls "$BOXCOMPOSE_STATE/projects" 2>/dev/null); do "$bc" -p "$p" down -v -t 0 >/dev/null 2>&1; done
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$work"
}

# Nothing of project $1 is left: links (but lo), mounts, cgroups, processes, state.
no_leaks() {
  local project=$1 links mounts cgroups procs
  links=$(ip -o link show | grep -v ': lo:' | wc -l)
  mounts=$(grep -c " $work/" /proc/self/mountinfo)
  cgroups=$(find /sys/fs/cgroup -maxdepth 6 -type d -path "*boxcompose/$project*" 2>/dev/null | wc -l)
  procs=$(grep -l "boxcompose/$project/" /proc/[0-9]*/cgroup 2>/dev/null | wc -l)
  local state=0
  [[ -e "$BOXCOMPOSE_STATE/projects/$project" ]] && state=1
  local runtime
  runtime=$(ls "$BOXCOMPOSE_STATE/runtime" 2>/dev/null | grep -c "^$project-")
  local containers
  containers=$(ls "$BOXCOMPOSE_ROOT/containers" 2>/dev/null | grep -c "^$project-")
  if [[ "$links$mounts$cgroups$procs$state$runtime$containers" != 0000000 ]]; then
    find "$BOXCOMPOSE_STATE/projects/$project" >&2 2>/dev/null
    echo "leaked: links=$links mounts=$mounts cgroups=$cgroups procs=$procs state=$state" \
      "runtime=$runtime containers=$containers" >&2
    return 1
  fi
}
