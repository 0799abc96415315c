#!/usr/bin/env bash
# Published ports: `ports:` bound on the host and proxied by the project's supervisor to
# busybox containers, run inside a network namespace of the test's own (with lo up), with
# BOXCOMPOSE_ROOT and BOXCOMPOSE_STATE in a temporary directory. After every scenario:
# no link, mount, cgroup, process or state file of the project is left.
#   tests/e2e/compose_ports_test.sh BOXCOMPOSE [TCP_TOOL]
# TCP_TOOL (bench/ports/tcp_tool, static) serves UDP in a container and checks a TCP echo
# byte for byte; without it those scenarios are skipped, and say so.
set -uo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- "$0" --inside "$@"
fi
shift
bc=$(realpath "$1")
tool=${2:+$(realpath "$2")}
ip link set lo up
work=$(mktemp -d /tmp/bc-ports.XXXXXX)
export BOXCOMPOSE_ROOT="$work/root" BOXCOMPOSE_STATE="$work/state"
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
holders=()

cleanup() {
  for pid in "${holders[@]}"; do kill "$pid" 2>/dev/null; done
  e2e_cleanup
}
trap cleanup EXIT

# Nothing of container $1 was made: no runtime record, root, mount or cgroup.
no_container() {
  local name=$1
  [[ ! -e "$BOXCOMPOSE_STATE/runtime/$name" && ! -e "$BOXCOMPOSE_ROOT/containers/$name" ]] &&
    ! grep -q "/$name/" /proc/self/mountinfo &&
    [[ -z "$(find /sys/fs/cgroup -maxdepth 7 -type d -name "$name" 2>/dev/null)" ]]
}

# GET / from HOST PORT with busybox nc (the host's static busybox wget may not resolve).
fetch() { printf 'GET / HTTP/1.0\r\n\r\n' | busybox nc -w 3 "$1" "$2" 2>/dev/null; }
serves() { fetch "$1" "$2" | grep -q "hello from web"; }
# A listener of our own on a port (busybox nc -l), for as long as the test needs it.
hold_port() {
  busybox nc -l -p "$1" </dev/null >/dev/null 2>&1 &
  holders+=($!)
  eventually quiet sh -c "grep -qi ':$(printf '%04X' "$1") .* 0A ' /proc/net/tcp /proc/net/tcp6"
}
# The port can be bound by someone else now: a listener lives (tcp: busybox nc -l,
# udp: the tool's echo server).
bindable() {
  local port=$1 pid
  if [[ "${2:-tcp}" = udp ]]; then
    "$tool" udp-echo "$port" </dev/null >/dev/null 2>&1 &
  else
    busybox nc -l -p "$port" </dev/null >/dev/null 2>&1 &
  fi
  pid=$!
  sleep 0.3
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null
    return 0
  fi
  return 1
}

# --- image: busybox (+ the static tcp_tool for UDP)
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp,www}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"; done
[[ -n "$tool" ]] && cp "$tool" "$rootfs/bin/tcp_tool"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
echo "hello from web" >"$rootfs/www/index.html"
chmod 1777 "$rootfs/tmp"
check "import busybox" quiet "$bc" image import -c 'CMD ["sh"]' "$rootfs" bb:test

proj="$work/ports"
mkdir -p "$proj"
cat >"$proj/compose.yaml" <<'YAML'
name: ports
services:
  web:
    image: bb:test
    command: sh -c 'httpd -p 81 -h /www && exec httpd -f -p 80 -h /www'
    ports:
      - "127.0.0.1:8080:80"
      - "81"
    expose: ["9000"]
YAML
if [[ -n "$tool" ]]; then
  cat >>"$proj/compose.yaml" <<'YAML'
  echo:
    image: bb:test
    command: sh -c 'nc -ll -p 7000 -e cat & exec tcp_tool udp-echo 5353'
    ports:
      - "127.0.0.1:7000:7000"
      - target: 5353
        published: "5353"
        host_ip: 127.0.0.1
        protocol: udp
YAML
fi
cd "$proj"

# --- up: a fixed and a random port, reached from the host side
out=$("$bc" up -d 2>&1)
check "up -d exits 0" test $? = 0 || echo "$out" >&2
check "up warns of nothing" fails contains "$out" "WARN"
check "published 127.0.0.1:8080 serves" eventually serves 127.0.0.1 8080
random=$("$bc" port web 81)
check "port prints the random binding" grep -qE '^0\.0\.0\.0:[0-9]+$' <<<"$random" || echo "port: $random" >&2
random_port=${random##*:}
check "random port serves on 127.0.0.1" serves 127.0.0.1 "$random_port"
check "random port serves on [::1] too" serves ::1 "$random_port"
check "port of the fixed binding" test "$("$bc" port web 80)" = "127.0.0.1:8080"
out=$("$bc" port web 82 2>&1)
check "port of an unpublished port fails" test $? = 1
check "port says it is not published" contains "$out" "no port 82/tcp is published for service web"
ps=$("$bc" ps)
check "ps PORTS: the fixed port" contains "$ps" "127.0.0.1:8080->80/tcp"
check "ps PORTS: the random port, IPv4 and IPv6" contains "$ps" "0.0.0.0:$random_port->81/tcp, [::]:$random_port->81/tcp"
check "ps PORTS: exposed only" contains "$ps" "9000/tcp"
check "ps --format json lists publishers" contains "$("$bc" ps --format json)" "\"PublishedPort\":8080"
if [[ -n "$tool" ]]; then
  check "port --protocol udp" test "$("$bc" port --protocol udp echo 5353)" = "127.0.0.1:5353"
  check "udp through a published port" eventually quiet sh -c \
    "'$tool' udp-send 127.0.0.1 5353 ping-over-udp | grep -q ping-over-udp"
  check "a second udp client gets its own replies" quiet sh -c \
    "'$tool' udp-send 127.0.0.1 5353 second-client | grep -q second-client"
  check "tcp: 32 MB echoed intact through the proxy, half-close honoured" eventually quiet \
    "$tool" echo-check 127.0.0.1 7000 32
else
  echo "SKIP: udp and the tcp echo through published ports (no tcp_tool given)" >&2
fi

# --- a changed service is recreated on its fixed port (the old one's listeners released)
web_id=$("$bc" ps -q web)
sed -i 's/exec httpd -f -p 80/exec httpd -f -v -p 80/' compose.yaml
out=$("$bc" up -d 2>&1)
check "recreate with published ports exits 0" test $? = 0 || echo "$out" >&2
check "web was recreated" test "$("$bc" ps -q web)" != "$web_id"
check "recreated web serves on 8080" eventually serves 127.0.0.1 8080
random=$("$bc" port web 81)
random_port=${random##*:}

# --- stop / start: the ports close, then come back on the same host ports
check "stop web" quiet "$bc" stop -t 1 web
check "stopped web: 8080 refused" eventually fails serves 127.0.0.1 8080
check "stopped web: 8080 free" eventually bindable 8080
# The kernel tears a stopped container's network namespace down later, its veth pair
# with it: a host veth of the same name may still be there when the container starts
# again, and must not be taken for the new one (made here so that it surely is).
veth=$(jq -r '.containers["ports-web-1"].endpoints[0].host_veth' "$BOXCOMPOSE_STATE/projects/ports/project.json")
ip link del "$veth" 2>/dev/null
check "a stale veth of web's name" ip link add "$veth" type veth peer name stale-peer
check "start web" quiet "$bc" start web
check "started web serves on 8080 again" eventually serves 127.0.0.1 8080
check "... the stale veth is gone" fails quiet ip link show stale-peer
check "restarted web keeps its random port" test "$("$bc" port web 81)" = "$random"
check "restarted web serves on its random port" eventually serves 127.0.0.1 "$random_port"
check "restart web" quiet "$bc" restart -t 1 web
check "web serves after restart" eventually serves 127.0.0.1 8080

# --- down frees the ports
check "down" quiet "$bc" down -t 1
check "nothing leaked after down" no_leaks ports
check "8080 is free after down" bindable 8080
check "the random port is free after down" bindable "$random_port"
if [[ -n "$tool" ]]; then
  check "udp 5353 is free after down" bindable 5353 udp
fi

# --- a port in use: up fails naming the port and its holder, makes nothing of it
busy="$work/busy"
mkdir -p "$busy"
cat >"$busy/compose.yaml" <<'YAML'
name: busy
services:
  web:
    image: bb:test
    command: httpd -f -p 80 -h /www
    ports: ["8090:80"]
YAML
hold_port 8090
holder=${holders[-1]}
out=$("$bc" -f "$busy/compose.yaml" up -d 2>&1)
check "up on a port in use exits 1" test $? = 1
check "the error names the service, port and holder" contains "$out" \
  "service web: port 8090/tcp on 0.0.0.0 is already in use (by pid $holder busybox)"
check "nothing of the container was made" no_container busy-web-1
check "down after the failed up" quiet "$bc" -f "$busy/compose.yaml" down -t 0
check "nothing leaked after the failed up" no_leaks busy
kill "$holder"

# --- two services of one file on the same port: the second fails the same way
twice="$work/twice"
mkdir -p "$twice"
cat >"$twice/compose.yaml" <<'YAML'
name: twice
services:
  one:
    image: bb:test
    command: httpd -f -p 80 -h /www
    ports: ["127.0.0.1:8095:80"]
  two:
    image: bb:test
    command: httpd -f -p 80 -h /www
    ports: ["127.0.0.1:8095:80"]
YAML
out=$("$bc" -f "$twice/compose.yaml" up -d 2>&1)
check "the same port twice fails" test $? = 1
check "the second names the port in use" contains "$out" \
  "port 8095/tcp on 127.0.0.1 is already in use (by pid"
check "the first one serves" eventually serves 127.0.0.1 8095
check "down after the double publish" quiet "$bc" -f "$twice/compose.yaml" down -t 0
check "nothing leaked after the double publish" no_leaks twice
check "8095 is free after down" bindable 8095

# --- network_mode host: nothing is published, and Docker's warning says so
hostnet="$work/hostnet"
mkdir -p "$hostnet"
cat >"$hostnet/compose.yaml" <<'YAML'
name: hostnet
services:
  web:
    image: bb:test
    command: sleep 1000
    network_mode: host
    ports: ["127.0.0.1:8097:80"]
YAML
out=$("$bc" -f "$hostnet/compose.yaml" up -d 2>&1)
check "up with network_mode host and ports" test $? = 0 || echo "$out" >&2
check "host mode warns the ports are discarded" contains "$out" \
  "service web: published ports are discarded when using host network mode"
check "host mode binds nothing" bindable 8097
check "down host mode" quiet "$bc" -f "$hostnet/compose.yaml" down -t 0
check "nothing leaked after host mode" no_leaks hostnet

# --- a long range: more sockets than one message carries (SCM_MAX_FD), handed over in parts
range="$work/range"
mkdir -p "$range"
cat >"$range/compose.yaml" <<'YAML'
name: range
services:
  web:
    image: bb:test
    command: httpd -f -p 20299 -h /www
    ports: ["127.0.0.1:20000-20299:20000-20299"]
YAML
out=$("$bc" -f "$range/compose.yaml" up -d 2>&1)
check "up with 300 published ports" test $? = 0 || echo "$out" >&2
check "the last port of the range is published" \
  test "$("$bc" -f "$range/compose.yaml" port web 20299)" = "127.0.0.1:20299"
check "the last port of the range serves" eventually serves 127.0.0.1 20299
check "down the range" quiet "$bc" -f "$range/compose.yaml" down -t 0
check "nothing leaked after the range" no_leaks range
check "the range is free after down" bindable 20150

# --- port driver nat: nftables DNATs to the container beside the proxy (which keeps the
# port bound); the stop takes them away, down removes the table even without the variable
nat="$work/nat"
mkdir -p "$nat"
cat >"$nat/compose.yaml" <<'YAML'
name: natports
services:
  web:
    image: bb:test
    command: httpd -f -p 80 -h /www
    ports: ["127.0.0.1:8180:80", "8181:80"]
YAML
nat_table() { nft list table ip boxcompose_natports 2>/dev/null; }
# The packets counted by the DNAT of host port $1 (its `counter` in the table).
dnat_packets() { nat_table | awk -v port="$1" '$0 ~ "dport " port " counter" { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'; }
guard_drops() { nat_table | awk '/ip daddr 127.0.0.0\/8/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'; }
# CVE-2020-8558: route_localnet on the bridge (the nat driver's replies need it) must not
# let a container reach the host's 127.0.0.1 services. From container $1's network
# namespace, its own 127/8 routes replaced by one through the bridge, send a datagram to
# a UDP listener on this namespace's 127.0.0.1; true when it arrives.
reaches_host_loopback() {
  local pid got="$work/loopback-got" listener
  pid=$(jq -r .pid "$BOXCOMPOSE_STATE/runtime/$1/state.json")
  rm -f "$got"
  python3 -c "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 8199)); s.settimeout(2); print(s.recv(64).decode(), flush=True)" >"$got" 2>/dev/null &
  listener=$!
  eventually quiet sh -c "grep -qi ':$(printf '%04X' 8199) ' /proc/net/udp"
  nsenter --net="/proc/$pid/ns/net" sh -c 'gw=$(ip route | awk "/default/ {print \$3}")
    ip route del local 127.0.0.0/8 dev lo table local
    ip route del local 127.0.0.1 dev lo table local
    ip route add 127.0.0.1/32 via "$gw"' 2>/dev/null
  nsenter --net="/proc/$pid/ns/net" python3 -c "import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'through the bridge', ('127.0.0.1', 8199))"
  wait "$listener"
  grep -q "through the bridge" "$got"
}
if command -v nft >/dev/null; then
  out=$(BOXCOMPOSE_PORT_DRIVER=nat "$bc" -f "$nat/compose.yaml" up -d 2>&1)
  check "nat: up -d exits 0" test $? = 0 || echo "$out" >&2
  check "nat: no fallback warning" fails contains "$out" "proxy alone"
  address=$(jq -r '.containers[].endpoints[0].address' "$BOXCOMPOSE_STATE/projects/natports/project.json")
  check "nat: the table DNATs 127.0.0.1:8180 to the container, for this host only" \
    contains "$(nat_table)" "fib saddr type local ip daddr 127.0.0.1 tcp dport 8180 counter packets"
  check "nat: to the container's address" contains "$(nat_table)" "dnat to $address:80"
  check "nat: 0.0.0.0 is any local address" contains "$(nat_table)" "fib daddr type local tcp dport 8181"
  check "nat: the table is recorded in the state" test \
    "$(jq -r .nat_table "$BOXCOMPOSE_STATE/projects/natports/project.json")" = boxcompose_natports
  check "nat: route_localnet on the bridge" grep -qx 1 \
    "/proc/sys/net/ipv4/conf/$(jq -r '.networks.default.bridge' "$BOXCOMPOSE_STATE/projects/natports/project.json")/route_localnet"
  check "nat: 127.0.0.1:8180 serves" eventually serves 127.0.0.1 8180
  check "nat: ... through the DNAT" test "$(dnat_packets 8180)" -gt 0
  check "nat: 127.0.0.1:8181 (0.0.0.0) serves through the DNAT" eventually serves 127.0.0.1 8181
  check "nat: ... counted" test "$(dnat_packets 8181)" -gt 0
  check "nat: the port stays reserved" fails bindable 8180
  check "nat: loopback from a container is guarded" contains "$(nat_table)" "ip daddr 127.0.0.0/8"
  check "nat: a datagram from a container to the host's 127.0.0.1 is dropped" fails \
    reaches_host_loopback natports-web-1
  check "nat: ... by the guard" test "$(guard_drops)" -gt 0
  check "nat: stop web" quiet env BOXCOMPOSE_PORT_DRIVER=nat "$bc" -f "$nat/compose.yaml" stop -t 1
  check "nat: stopped web has no DNAT" fails contains "$(nat_table)" "dport 8180"
  check "nat: ... nor route_localnet on its bridge, whose guard went with the table" grep -qx 0 \
    "/proc/sys/net/ipv4/conf/$(jq -r '.networks.default.bridge' "$BOXCOMPOSE_STATE/projects/natports/project.json")/route_localnet"
  check "nat: stopped web: 8180 refused" eventually fails serves 127.0.0.1 8180
  check "nat: start web" quiet env BOXCOMPOSE_PORT_DRIVER=nat "$bc" -f "$nat/compose.yaml" start
  check "nat: started web serves through the DNAT again" eventually serves 127.0.0.1 8180
  check "nat: ... counted" test "$(dnat_packets 8180)" -gt 0
  check "nat: down (no variable)" quiet "$bc" -f "$nat/compose.yaml" down -t 1
  check "nat: the table is gone after down" fails quiet nft list table ip boxcompose_natports
  check "nat: nothing leaked after down" no_leaks natports
  check "nat: 8180 is free after down" bindable 8180
else
  echo "SKIP: port driver nat (no nft on this host)" >&2
fi

echo "ports e2e: $passes passed, $failures failed"
[[ $failures = 0 ]]
