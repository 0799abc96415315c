#!/usr/bin/env bash
# Published port vs the container's own address: one busybox service running tcp_tool's
# server, brought up in a network namespace of the benchmark's own; then, in one run, TCP
# throughput (sends of MB megabytes) and connections per second (N connect-send-answer-
# close cycles) through 127.0.0.1:<published> (the supervisor's proxy) and straight to
# <container ip>:9000, in alternating rounds (a busy machine's swings hit both alike),
# each keeping its best.
# Prints both figures and their ratio. Needs root.
#   bench/ports/ports_vs_direct.sh BOXCOMPOSE TCP_TOOL [MB] [N] [ROUNDS]
set -euo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- "$0" --inside "$@"
fi
shift
bc=$(realpath "${1:?usage: $0 BOXCOMPOSE TCP_TOOL [MB] [N] [ROUNDS]}")
tool=$(realpath "${2:?usage: $0 BOXCOMPOSE TCP_TOOL [MB] [N] [ROUNDS]}")
mb=${3:-1024}
n=${4:-2000}
rounds=${5:-3}
ip link set lo up
work=$(mktemp -d /tmp/bc-ports-bench.XXXXXX)
export BOXCOMPOSE_ROOT="$work/root" BOXCOMPOSE_STATE="$work/state"
cleanup() {
  "$bc" -f "$work/compose.yaml" down -t 0 >/dev/null 2>&1 || true
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT

rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp}
cp /bin/busybox "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/sh"
cp "$tool" "$rootfs/bin/tcp_tool"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
"$bc" image import -c 'CMD ["sh"]' "$rootfs" bench:ports >/dev/null

cat >"$work/compose.yaml" <<'YAML'
name: portbench
services:
  srv:
    image: bench:ports
    command: tcp_tool serve 9000
    ports: ["127.0.0.1:19000:9000"]
YAML
"$bc" -f "$work/compose.yaml" up -d >/dev/null 2>&1
address=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))
print(next(iter(s["containers"].values()))["endpoints"][0]["address"])' \
  "$BOXCOMPOSE_STATE/projects/portbench/project.json")
for _ in $(seq 50); do "$tool" connect 127.0.0.1 19000 1 >/dev/null 2>&1 && break; sleep 0.1; done

max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'; }
throughput() { "$tool" send "$1" "$2" "$mb" | awk '{print $2}'; }
rate() { "$tool" connect "$1" "$2" "$n" | awk '{print $2}'; }

# Rounds alternate direct and published runs; each keeps its best.
direct_tp=0 published_tp=0 direct_cps=0 published_cps=0
for _ in $(seq "$rounds"); do
  direct_tp=$(max "$direct_tp" "$(throughput "$address" 9000)")
  published_tp=$(max "$published_tp" "$(throughput 127.0.0.1 19000)")
  direct_cps=$(max "$direct_cps" "$(rate "$address" 9000)")
  published_cps=$(max "$published_cps" "$(rate 127.0.0.1 19000)")
done

echo "published port vs direct, best of $rounds alternating rounds ($mb MB sends; $n connections)"
printf '%-22s %14s %14s %8s\n' "" "direct" "published" "ratio"
awk -v d="$direct_tp" -v p="$published_tp" \
  'BEGIN { printf "%-22s %14.1f %14.1f %7.0f%%\n", "throughput (MB/s)", d, p, 100 * p / d }'
awk -v d="$direct_cps" -v p="$published_cps" \
  'BEGIN { printf "%-22s %14.0f %14.0f %7.0f%%\n", "connections/s", d, p, 100 * p / d }'
