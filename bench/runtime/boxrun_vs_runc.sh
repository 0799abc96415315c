#!/usr/bin/env bash
# `boxrun run` vs `runc run` of /bin/true on the same bundle, interleaved (so both see
# the same machine state), N runs each; prints medians and the ratio. Needs root and
# runc (scripts/install-deps.sh installs it). Cleans up its bundle and state roots.
set -euo pipefail
boxrun=${1:?usage: $0 BOXRUN [N]}
n=${2:-50}
command -v runc >/dev/null || { echo "runc is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/boxrun-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/proc" "$work/bundle/rootfs/dev" \
  "$work/bundle/rootfs/sys" "$work/bundle/rootfs/tmp"
chmod 755 "$work"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
(cd "$work/bundle" && runc spec)
# runc's template wants a terminal; both runtimes run /bin/true with inherited stdio.
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(p, "w"), indent=1)
PY

now_ns() { date +%s%N; }
declare -a tb tr
for ((i = 0; i < n; i++)); do
  t0=$(now_ns); "$boxrun" --root "$work/boxrun-state" run --bundle "$work/bundle" "b$i" </dev/null >/dev/null
  t1=$(now_ns); runc --root "$work/runc-state" run --bundle "$work/bundle" "r$i" </dev/null >/dev/null
  t2=$(now_ns)
  tb+=($(( (t1 - t0) / 1000 ))); tr+=($(( (t2 - t1) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
mb=$(median "${tb[@]}"); mr=$(median "${tr[@]}")
echo "runs per runtime: $n (interleaved), /bin/true, same bundle"
printf '%-8s median %8.2f ms\n' boxrun "$(echo "$mb/1000" | bc -l)" runc "$(echo "$mr/1000" | bc -l)"
printf 'ratio boxrun/runc: %.2f\n' "$(echo "$mb/$mr" | bc -l)"
left=$(ls "$work/boxrun-state" 2>/dev/null | wc -l)
[[ $left -eq 0 ]] || echo "warning: $left boxrun containers left in state" >&2
