#!/usr/bin/env bash
# Published port vs the container's own address: tcp_tool's server in busybox containers,
# brought up in a network namespace of the benchmark's own, twice: project portbench with
# the default port driver (the supervisor's proxy, 127.0.0.1:19000) and project portnat
# with BOXCOMPOSE_PORT_DRIVER=nat (nftables DNAT beside the proxy, 127.0.0.1:19001). Then,
# in one run, TCP throughput (sends of MB megabytes) and connections per second (N
# connect-send-answer-close cycles) straight to <container ip>:9000, through the proxy and
# through the DNAT, in alternating rounds (a busy machine's swings hit all alike), each
# keeping its best.
# Prints the three figures and the ratios to direct. Needs root and nft.
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
  "$bc" -f "$work/nat.yaml" down -t 0 >/dev/null 2>&1 || true
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
sed -e 's/^name: portbench/name: portnat/' -e 's/19000:9000/19001:9000/' \
  "$work/compose.yaml" >"$work/nat.yaml"
"$bc" -f "$work/compose.yaml" up -d >/dev/null 2>&1
out=$(BOXCOMPOSE_PORT_DRIVER=nat "$bc" -f "$work/nat.yaml" up -d 2>&1)
if grep -q "proxy alone" <<<"$out"; then
  echo "port driver nat fell back to the proxy: $out" >&2
  exit 1
fi
address=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))
print(next(iter(s["containers"].values()))["endpoints"][0]["address"])' \
  "$BOXCOMPOSE_STATE/projects/portbench/project.json")
for port in 19000 19001; do
  for _ in $(seq 50); do "$tool" connect 127.0.0.1 "$port" 1 >/dev/null 2>&1 && break; sleep 0.1; done
done

max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'; }
throughput() { "$tool" send "$1" "$2" "$mb" | awk '{print $2}'; }
rate() { "$tool" connect "$1" "$2" "$n" | awk '{print $2}'; }

# Rounds alternate direct, proxy and nat runs; each keeps its best.
direct_tp=0 proxy_tp=0 nat_tp=0 direct_cps=0 proxy_cps=0 nat_cps=0
for _ in $(seq "$rounds"); do
  direct_tp=$(max "$direct_tp" "$(throughput "$address" 9000)")
  proxy_tp=$(max "$proxy_tp" "$(throughput 127.0.0.1 19000)")
  nat_tp=$(max "$nat_tp" "$(throughput 127.0.0.1 19001)")
  direct_cps=$(max "$direct_cps" "$(rate "$address" 9000)")
  proxy_cps=$(max "$proxy_cps" "$(rate 127.0.0.1 19000)")
  nat_cps=$(max "$nat_cps" "$(rate 127.0.0.1 19001)")
done
# The nat figures count only if the connections took the DNAT (its rule's counter).
dnat_packets=$(nft list table ip boxcompose_portnat |
  awk '/dport 19001 counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
if [[ "${dnat_packets:-0}" -eq 0 ]]; then
  echo "the nat runs did not go through the DNAT rule" >&2
  exit 1
fi

echo "published port vs direct, best of $rounds alternating rounds ($mb MB sends; $n connections)"
printf '%-20s %10s %10s %10s %8s %8s\n' "" "direct" "proxy" "nat" "proxy/d" "nat/d"
row() {
  awk -v name="$1" -v f="$2" -v d="$3" -v p="$4" -v t="$5" \
    'BEGIN { printf "%-20s " f " " f " " f " %7.0f%% %7.0f%%\n", name, d, p, t, 100 * p / d, 100 * t / d }'
}
row "throughput (MB/s)" "%10.1f" "$direct_tp" "$proxy_tp" "$nat_tp"
row "connections/s" "%10.0f" "$direct_cps" "$proxy_cps" "$nat_cps"
