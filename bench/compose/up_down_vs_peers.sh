#!/usr/bin/env bash
# `up -d` then `down` of a 10-service stack (busybox `sleep 1000`, default network,
# `init: true`) with boxcompose, with docker-compose 1.29 on the real Docker engine and with
# podman-compose, interleaved (one run of each tool in turn, so all see the same machine
# state), N runs each after one unmeasured warm-up. Prints per tool the median wall time of
# `up -d` and of `down`, the ratios boxcompose/docker-compose and boxcompose/podman-compose,
# and the RSS of boxcompose's per-project supervisor while the stack is up.
#   bench/compose/up_down_vs_peers.sh [BOXCOMPOSE] [RUNS]
#     BOXCOMPOSE  the boxcompose binary (default build/orchestrator/boxcompose); the
#                 boxcompose-supervisor and boxcompose-init next to it are used
#     RUNS        measured runs per tool (default 10)
# Targets: boxcompose `up -d` of 10 services under 200 ms and at most 1/10 of
# docker-compose's; `down` under 200 ms; supervisor RSS under 4 MB.
#
# Needs root. Every tool runs confined, so the host's links and firewall are left as they were:
# - boxcompose and podman each run inside a network namespace this script makes
#   (`ip netns add`, entered with `nsenter --net` only: `ip netns exec` would also remount
#   /sys and hide the cgroup hierarchies, and give the overlay mounts a private mount
#   namespace that a later `down` could not see);
# - Docker runs through ../shared/peers/dockerd-netns (dockerd confined to its own netns and
#   directories; it installs docker.io and docker-compose if missing);
# - podman 4.3 + podman-compose 1.0.3 (installed with apt-get if missing) use a containers.conf
#   and storage.conf under the temp dir (runc, cgroupfs, netavark with its network configs
#   there, file locks, the ulimits ../shared/peers/README.md gives); netavark still keeps its
#   state in /run/containers/networks, removed at the end unless /run/containers was there.
# Each timed command runs inside its namespace between two `date +%s%N`, so the namespace
# wrappers (nsenter, dockerd-netns exec) are not part of any figure.
#
# Stop mode: every service has `init: true` (boxcompose-init, docker-init, catatonit as pid 1
# forward SIGTERM to sleep), and `down` is run without -t, so a tool that waited out the 10 s
# grace period would show it; a `down` over 5 s is flagged.
# podman-compose 1.0.3 sleeps 1 s after each `podman run` it issues (Podman.run(sleep=1) in
# podman_compose.py): its `up -d` of 10 services carries 10 s of sleeping, printed separately.
# A tool that cannot run here is reported with the reason and left out; the others go on.
# Everything made is removed at the end, also on failure or interrupt: the stacks, dockerd
# (dockerd-netns stop), podman's containers and storage, the namespaces, the temp dir.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
box=$(realpath "${1:-$repo/build/orchestrator/boxcompose}")
runs=${2:-10}
services=10
dockerd_netns=${DOCKERD_NETNS:-$repo/../shared/peers/dockerd-netns}
[[ $(id -u) -eq 0 ]] || { echo "needs root" >&2; exit 1; }
[[ -x $box ]] || { echo "no boxcompose at $box" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number" >&2; exit 1; }

proj=bcbench$$
ns_box=bcbench-box-$$ ns_pod=bcbench-pod-$$
work=$(mktemp -d /tmp/bcbench-XXXXXX)
chmod 755 "$work"
export BOXCOMPOSE_ROOT=$work/box/root BOXCOMPOSE_STATE=$work/box/state
export PEER_NS=bcbench-dk-$$ PEER_DIR=$work/docker
export CONTAINERS_CONF=$work/podman/containers.conf CONTAINERS_STORAGE_CONF=$work/podman/storage.conf
log=$work/log
# Parent cgroups that existed before, so cleanup only removes what this run left.
had_libpod_cgroup=0
compgen -G '/sys/fs/cgroup/*/libpod_parent' >/dev/null && had_libpod_cgroup=1
netns_mounted=0
had_run_containers=0  # netavark keeps its IPAM db and aardvark-dns configs there, always
[[ -e /run/containers ]] && had_run_containers=1
grep -q ' /run/netns ' /proc/mounts && netns_mounted=1

declare -A use reason  # use[tool]=1 while the tool runs here; reason[tool] says why not
tools=(boxcompose docker-compose podman-compose)
in_ns() {  # in_ns TOOL CMD...: CMD inside TOOL's network namespace
  local tool=$1; shift
  case $tool in
    boxcompose) nsenter --net="/run/netns/$ns_box" "$@" ;;
    docker-compose) "$dockerd_netns" exec "$@" ;;
    podman-compose) nsenter --net="/run/netns/$ns_pod" "$@" ;;
  esac
}
cmd_of() {  # sets cmd to the tool's command line, before its verb
  case $1 in
    boxcompose) cmd=("$box" -p "$proj" -f compose.yaml) ;;
    docker-compose) cmd=(docker-compose -p "$proj" -f compose.yaml) ;;
    podman-compose) cmd=(podman-compose -p "$proj" -f compose.yaml) ;;
  esac
}
# timed TOOL VERB...: runs the tool's VERB in its namespace, output appended to the log;
# prints the wall time in microseconds, taken inside the namespace; fails as the tool does.
timed() {
  local tool=$1 cmd; shift
  cmd_of "$tool"
  echo "== $tool $*" >>"$log"
  # shellcheck disable=SC2016  # expanded by the inner shell
  in_ns "$tool" bash -c 's=$(date +%s%N); "$@" >>"$0" 2>&1 || exit 1
    e=$(date +%s%N); echo $(((e - s) / 1000))' "$log" "${cmd[@]}" "$@"
}

cleanup() {
  set +e
  trap - EXIT INT TERM
  cd "$work" 2>/dev/null || cd /
  local cmd
  if [[ -n ${use[boxcompose]:-} || -d $BOXCOMPOSE_STATE/projects/$proj ]]; then
    [[ -d $BOXCOMPOSE_STATE/projects/$proj ]] && { cmd_of boxcompose; in_ns boxcompose "${cmd[@]}" down -t 0 >>"$log" 2>&1; }
    local pidf=$BOXCOMPOSE_STATE/projects/$proj/supervisor.pid
    [[ -f $pidf ]] && kill -KILL "$(cat "$pidf")" 2>/dev/null
    for c in /sys/fs/cgroup/*/boxcompose/"$proj"; do
      [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  fi
  [[ -n ${docker_started:-} ]] && "$dockerd_netns" stop >>"$log" 2>&1
  if [[ -n ${podman_started:-} ]]; then
    in_ns podman-compose podman rm -a -f -t 0 >>"$log" 2>&1
    in_ns podman-compose podman system reset -f >>"$log" 2>&1
    ((had_run_containers)) || rm -rf /run/containers
    if ((!had_libpod_cgroup)); then
      for c in /sys/fs/cgroup/*/libpod_parent; do
        [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
      done
    fi
  fi
  ip netns del "$ns_box" 2>/dev/null
  ip netns del "$ns_pod" 2>/dev/null
  ((!netns_mounted)) && [[ -z $(ip netns list 2>/dev/null) ]] && umount /run/netns 2>/dev/null
  # Nothing may stay mounted under the temp dir before it is removed.
  grep -o " ${work}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  if grep -q " $work" /proc/mounts; then
    echo "warning: mounts left under $work, not removed" >&2
  else
    cd / && rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the stack and the image -------------------------------------------------------------
! ldd /bin/busybox >/dev/null 2>&1 \
  || { echo "/bin/busybox must be statically linked (apt-get install busybox-static)" >&2; exit 1; }
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
# No top-level `name:` (docker-compose 1.29 rejects it): every tool gets the name from -p.
{
  echo "services:"
  for ((s = 1; s <= services; s++)); do
    printf '  s%d:\n    image: bb:bench\n    command: ["sleep", "1000"]\n    init: true\n' "$s"
  done
} >"$work/compose.yaml"
cd "$work"

# --- each tool's setup; a tool that fails here is left out, with the reason ----------------
setup_boxcompose() {
  if ! ip netns add "$ns_box" || ! ip netns exec "$ns_box" ip link set lo up; then
    reason[boxcompose]="cannot make a network namespace"; return 1
  fi
  "$box" image import "$rootfs" bb:bench >>"$log" 2>&1 || { reason[boxcompose]="image import failed"; return 1; }
}
setup_docker() {
  [[ -x $dockerd_netns ]] || { reason[docker-compose]="no $dockerd_netns"; return 1; }
  docker_started=1
  "$dockerd_netns" start >>"$log" 2>&1 || { reason[docker-compose]="dockerd-netns start failed"; return 1; }
  tar -C "$rootfs" -c . | "$dockerd_netns" exec docker import - bb:bench >>"$log" 2>&1 \
    || { reason[docker-compose]="docker import failed"; return 1; }
}
setup_podman() {
  if ! command -v podman >/dev/null || ! command -v podman-compose >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman podman-compose >>"$log" 2>&1 \
      || { reason[podman-compose]="apt-get install podman podman-compose failed"; return 1; }
  fi
  local p=$work/podman
  mkdir -p "$p"
  cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[network]
network_backend = "netavark"
network_config_dir = "$p/networks"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$p/events.log"
tmp_dir = "$p/tmp"
static_dir = "$p/storage/libpod"
volume_path = "$p/storage/volumes"
lock_type = "file"
EOF
  printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/storage"\nrunroot = "%s/run"\n' "$p" "$p" >"$CONTAINERS_STORAGE_CONF"
  if ! ip netns add "$ns_pod" || ! ip netns exec "$ns_pod" ip link set lo up; then
    reason[podman-compose]="cannot make a network namespace"; return 1
  fi
  podman_started=1
  tar -C "$rootfs" -c . | in_ns podman-compose podman import - localhost/bb:bench >>"$log" 2>&1 \
    || { reason[podman-compose]="podman import failed"; return 1; }
}
setup_boxcompose && use[boxcompose]=1
setup_docker && use[docker-compose]=1
setup_podman && use[podman-compose]=1
[[ -n ${use[boxcompose]:-} ]] || { echo "boxcompose cannot run: ${reason[boxcompose]} (log: $log)" >&2; cat "$log" >&2; exit 1; }

# Seconds podman-compose sleeps on purpose after each `podman run` (0 if it does not).
pc_sleep=0
if [[ -n ${use[podman-compose]:-} ]]; then
  py=$(head -n 1 "$(command -v podman-compose)" | sed 's/^#! *//')
  pc_sleep=$($py -c 'import inspect, podman_compose as p
print(inspect.signature(p.Podman.run).parameters["sleep"].default or 0)' 2>/dev/null || echo 0)
fi

# --- the runs ------------------------------------------------------------------------------
declare -A up_us down_us fails
declare -a rss_kb hwm_kb
slow_down=()
supervisor_rss() {  # appends VmRSS and VmHWM (kB) of the project's supervisor
  local pid
  pid=$(cat "$BOXCOMPOSE_STATE/projects/$proj/supervisor.pid" 2>/dev/null) || return 0
  rss_kb+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)")
  hwm_kb+=("$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)")
}
# cycle TOOL RECORD: one `up -d` and one `down`; RECORD=1 keeps the figures. A failure is
# retried once after an untimed `down` (a binary being rebuilt meanwhile fails oddly once).
cycle() {
  local tool=$1 record=$2 try u d cmd
  for try in 1 2; do
    if u=$(timed "$tool" up -d) && { [[ $tool != boxcompose ]] || ((!record)) || supervisor_rss; } \
      && d=$(timed "$tool" down); then
      if ((record)); then
        up_us[$tool]+="$u " down_us[$tool]+="$d "
        ((d > 5000000)) && slow_down+=("$tool down took $((d / 1000)) ms")
        [[ $tool == boxcompose ]] && check_leaks
      fi
      return 0
    fi
    echo "$tool: up/down failed (try $try), see $log" >&2
    tail -n 5 "$log" >&2
    cmd_of "$tool"
    in_ns "$tool" "${cmd[@]}" down >>"$log" 2>&1 || true
    sleep 5  # long enough for a relink of the binary to finish
  done
  fails[$tool]=$((${fails[$tool]:-0} + 1))
  if ((fails[$tool] >= 3)); then use[$tool]=; reason[$tool]="failed 3 runs, see the log"; fi
}
# check_leaks: what boxcompose's `down` left behind (state, links in its namespace, cgroups,
# mounts), checked after every measured run; a leftover is noted, then removed so the next
# run starts clean.
declare -A leaks
check_leaks() {
  local links c
  [[ -e $BOXCOMPOSE_STATE/projects/$proj ]] && leaks["state dir"]+=x
  links=$(ip -n "$ns_box" -o link show | awk -F': ' '$2 != "lo" {print $2}')
  [[ -n $links ]] && leaks["links in its namespace"]+=x
  if compgen -G "/sys/fs/cgroup/*/boxcompose/$proj" >/dev/null; then
    leaks["cgroup dirs /sys/fs/cgroup/*/boxcompose/<project>"]+=x
    for c in /sys/fs/cgroup/*/boxcompose/"$proj"; do find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  fi
  grep -q " $BOXCOMPOSE_ROOT\| $BOXCOMPOSE_STATE" /proc/mounts && leaks["mounts under $work/box"]+=x
  return 0
}

echo "warm-up: one unmeasured up -d/down per tool" >&2
for tool in "${tools[@]}"; do [[ -n ${use[$tool]:-} ]] && cycle "$tool" 0; done
for ((i = 1; i <= runs; i++)); do
  echo "run $i/$runs" >&2
  for tool in "${tools[@]}"; do [[ -n ${use[$tool]:-} ]] && cycle "$tool" 1; done
done

# --- figures -------------------------------------------------------------------------------
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2))}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 < b + 0) ? "met" : "NOT met"}'; }
declare -A mu md
echo
echo "boxcompose $box"
echo "$services services (busybox sleep 1000, default network, init: true), $runs runs per tool interleaved after one warm-up; load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
echo "stop mode: init: true in every service (an init as pid 1 forwards SIGTERM); down without -t (each tool's default 10 s grace, never reached unless flagged)"
for tool in "${tools[@]}"; do
  if [[ -z ${up_us[$tool]:-} ]]; then
    echo "$tool: not measured: ${reason[$tool]:-no run succeeded}"
    continue
  fi
  # shellcheck disable=SC2086  # the lists are space-separated numbers
  mu[$tool]=$(median ${up_us[$tool]}) md[$tool]=$(median ${down_us[$tool]})
  n=$(wc -w <<<"${up_us[$tool]}")
  printf '%-15s up -d median %9s ms   down median %9s ms   (%d runs%s)\n' "$tool" "$(ms "${mu[$tool]}")" \
    "$(ms "${md[$tool]}")" "$n" "${fails[$tool]:+, ${fails[$tool]} failed}"
  # shellcheck disable=SC2086
  printf '  each run, ms: up -d %s; down %s\n' "$(for u in ${up_us[$tool]}; do printf '%.0f ' "$(ms "$u")"; done)" \
    "$(for d in ${down_us[$tool]}; do printf '%.0f ' "$(ms "$d")"; done)"
  [[ -n ${reason[$tool]:-} ]] && echo "  $tool stopped: ${reason[$tool]}"
done
if [[ -n ${mu[podman-compose]:-} ]] && ((pc_sleep > 0)); then
  slept=$((pc_sleep * services * 1000000))
  echo "  podman-compose up -d includes $((pc_sleep * services)) s of its own sleeps ($pc_sleep s after each podman run); without them: $(ms $((mu[podman-compose] - slept))) ms"
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
if [[ -n ${mu[boxcompose]:-} ]]; then
  b_up=${mu[boxcompose]} b_down=${md[boxcompose]}
  if [[ -n ${mu[docker-compose]:-} ]]; then
    r=$(ratio "$b_up" "${mu[docker-compose]}")
    echo "ratio boxcompose/docker-compose: up -d $r (target: at most 0.100, $(verdict "$r" 0.1001)), down $(ratio "$b_down" "${md[docker-compose]}")"
  fi
  if [[ -n ${mu[podman-compose]:-} ]]; then
    extra=
    ((pc_sleep > 0)) && extra=", up -d without its sleeps $(ratio "$b_up" $((mu[podman-compose] - slept)))"
    echo "ratio boxcompose/podman-compose: up -d $(ratio "$b_up" "${mu[podman-compose]}"), down $(ratio "$b_down" "${md[podman-compose]}")$extra"
  fi
  echo "boxcompose up -d $(ms "$b_up") ms (target: under 200 ms, $(verdict "$b_up" 200000)); down $(ms "$b_down") ms (target: under 200 ms, $(verdict "$b_down" 200000))"
  if ((${#rss_kb[@]})); then
    rss=$(median "${rss_kb[@]}") hwm=$(printf '%s\n' "${hwm_kb[@]}" | sort -n | tail -n 1)
    echo "boxcompose-supervisor with $services services up: VmRSS median $rss kB, VmHWM max $hwm kB (target: under 4 MB = 4096 kB, $(verdict "$hwm" 4096))"
  else
    echo "boxcompose-supervisor RSS: not read (no supervisor.pid under $BOXCOMPOSE_STATE/projects/$proj)"
  fi
fi
for s in "${slow_down[@]}"; do echo "flag: $s (waited out a stop timeout?)"; done
if [[ -n ${!leaks[*]} ]]; then  # (${#leaks[@]} of an empty array trips set -u)
  for k in "${!leaks[@]}"; do
    echo "boxcompose down left behind: $k, after ${#leaks[$k]} of $runs runs (removed by this script)"
  done
else
  echo "boxcompose down left nothing behind (state, links, cgroups, mounts)"
fi
