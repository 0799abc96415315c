#!/usr/bin/env bash
# `run` of /bin/true on the same bundle with boxrun, runc and crun, interleaved (so all see
# the same machine state), N runs each; prints medians, ratios and boxrun's peak RSS.
# Needs root, runc and crun (scripts/install-deps.sh installs them) and python3.
# On a cgroup-hybrid host crun only starts inside `unshare -m` with the v2 mount at
# /sys/fs/cgroup/unified unmounted there; that wrapper's cost is part of crun's figure.
#   bench/runtime/boxrun_vs_runc.sh BOXRUN [N]
set -euo pipefail
boxrun=$(realpath "${1:?usage: $0 BOXRUN [N]}")
n=${2:-50}
command -v runc >/dev/null || { echo "runc is not installed" >&2; exit 1; }
have_crun=0
command -v crun >/dev/null && have_crun=1

work=$(mktemp -d /tmp/boxrun-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/proc" "$work/bundle/rootfs/dev" \
  "$work/bundle/rootfs/sys" "$work/bundle/rootfs/tmp"
chmod 755 "$work"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
(cd "$work/bundle" && runc spec)
# runc's template wants a terminal; every runtime runs /bin/true with inherited stdio.
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(p, "w"), indent=1)
PY

# The wrapper alone is timed in the same loop, so crun's own figure can be separated from it.
wrapper='umount /sys/fs/cgroup/unified 2>/dev/null'
crun_cmd() { echo "$wrapper; crun --root '$work/crun-state' run --bundle '$work/bundle' '$1'"; }

now_ns() { date +%s%N; }
# CPU time (user + system, in us) of a command and the children it waited for: steadier
# than wall time on a busy machine, where waiting for a CPU dominates.
# (bash's own `time`: microsecond rusage, no extra process in the measurement)
cpu_us() {
  local TIMEFORMAT='%6U %6S'
  { time "$@" </dev/null >/dev/null 2>&1; } 2>"$work/cpu"
  awk '{printf "%d\n", ($1 + $2) * 1000000}' "$work/cpu"
}
declare -a tb tr tc tw cb cr cc cw
for ((i = 0; i < n; i++)); do
  t0=$(now_ns); cb+=($(cpu_us "$boxrun" --root "$work/boxrun-state" run --bundle "$work/bundle" "b$i"))
  t1=$(now_ns); cr+=($(cpu_us runc --root "$work/runc-state" run --bundle "$work/bundle" "r$i"))
  t2=$(now_ns)
  ((have_crun)) && cc+=($(cpu_us unshare -m sh -c "$(crun_cmd "c$i")"))
  t3=$(now_ns)
  ((have_crun)) && cw+=($(cpu_us unshare -m sh -c "$wrapper; true"))
  t4=$(now_ns)
  tb+=($(((t1 - t0) / 1000))); tr+=($(((t2 - t1) / 1000))); tc+=($(((t3 - t2) / 1000)))
  tw+=($(((t4 - t3) / 1000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
mb=$(median "${tb[@]}"); mr=$(median "${tr[@]}"); mw=$(median "${tw[@]}")
mc=$(($(median "${tc[@]}") - mw))  # crun itself: the wrapper's median taken off
ub=$(median "${cb[@]}"); ur=$(median "${cr[@]}")
((have_crun)) && uc=$(($(median "${cc[@]}") - $(median "${cw[@]}")))
echo "runs per runtime: $n (interleaved), /bin/true, same bundle; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s median %8.2f ms wall, %6.2f ms CPU\n' boxrun "$(echo "$mb/1000" | bc -l)" \
  "$(echo "$ub/1000" | bc -l)" runc "$(echo "$mr/1000" | bc -l)" "$(echo "$ur/1000" | bc -l)"
((have_crun)) && printf '%-8s median %8.2f ms wall, %6.2f ms CPU (its unshare wrapper, %.2f ms wall, taken off)\n' crun \
  "$(echo "$mc/1000" | bc -l)" "$(echo "$uc/1000" | bc -l)" "$(echo "$mw/1000" | bc -l)"
printf 'CPU ratio boxrun/runc: %.2f, boxrun/crun: %.2f\n' "$(echo "$ub/$ur" | bc -l)" \
  "$( ((have_crun)) && echo "$ub/$uc" | bc -l || echo 0)"
printf 'ratio boxrun/runc: %.2f (target: at most 0.50)\n' "$(echo "$mb/$mr" | bc -l)"
((have_crun)) && printf 'ratio boxrun/crun: %.2f (target: at most 1.00)\n' "$(echo "$mb/$mc" | bc -l)"
rss=$( { /usr/bin/time -f '%M' "$boxrun" --root "$work/boxrun-state" run --bundle "$work/bundle" rss </dev/null >/dev/null; } 2>&1 | tail -n 1)
echo "boxrun peak RSS: ${rss} KB (target: under 5 MB)"
left=$(ls "$work/boxrun-state" 2>/dev/null | wc -l)
[[ $left -eq 0 ]] || echo "warning: $left boxrun containers left in state" >&2
