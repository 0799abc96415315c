#!/usr/bin/env bash
# `boxcompose up` / `down` and the lifecycle verbs on real busybox stacks, run inside a
# network namespace of the test's own (bridges and veths never touch the host), with
# BOXCOMPOSE_ROOT and BOXCOMPOSE_STATE in a temporary directory. After every scenario:
# no link, mount, cgroup, process or state file of the project is left.
#   tests/e2e/compose_up_test.sh BOXCOMPOSE BOXRUN
set -uo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- "$0" --inside "$@"
fi
shift
bc=$(realpath "$1")
boxrun=$(realpath "$2")
work=$(mktemp -d /tmp/bc-e2e.XXXXXX)
export BOXCOMPOSE_ROOT="$work/root" BOXCOMPOSE_STATE="$work/state"
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

trap e2e_cleanup EXIT

# --- images: busybox with a non-root user, and one with ENV and a VOLUME
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp,data,www,home/app}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nstaff:x:50:app\n' >"$rootfs/etc/group"
echo "seed" >"$rootfs/data/seed.txt"
echo "hello from web" >"$rootfs/www/index.html"
chmod 1777 "$rootfs/tmp" "$rootfs/data"
chown 1000:1000 "$rootfs/home/app"
check "import busybox" quiet "$bc" image import -c 'CMD ["sh"]' -c 'ENV FROM_IMAGE=image PRECEDENCE=image' \
  "$rootfs" bb:test

proj="$work/proj"
mkdir -p "$proj"
cat >"$proj/compose.yaml" <<'YAML'
name: e2e
services:
  web:
    image: bb:test
    command: httpd -f -v -p 8080 -h /www
    networks: [front, back]
    init: true
  client:
    image: bb:test
    command: sleep 1000
    networks: [front]
    depends_on: [web]
    environment:
      PRECEDENCE: compose
    env_file: client.env
  db:
    image: bb:test
    command: sh -c 'echo db up; exec sleep 1000'
    networks: [back]
    volumes:
      - dbdata:/data
      - ./shared:/shared
    user: app
  sidecar:
    image: bb:test
    command: sleep 1000
    network_mode: "service:web"
    init: true
  job:
    image: bb:test
    command: sh -c 'echo job ran; touch /etc/owned-by-root'
    user: "1000:1000"
    network_mode: none
networks:
  front: {}
  back: {}
volumes:
  dbdata: {}
YAML
printf 'FROM_FILE=file\nPRECEDENCE=file\n' >"$proj/client.env"
cd "$proj"

# --- up -d: a stack on two networks
out=$("$bc" up -d 2>&1)
check "up -d exits 0" test $? = 0 || echo "$out" >&2
check "up shows the networks" contains "$out" "Network e2e_front"
check "up shows the containers started" contains "$out" "Container e2e-web-1  Started"
ps=$("$bc" ps)
check "ps lists running web" contains "$ps" "e2e-web-1"
check "ps status Up" contains "$ps" "Up "
check "ps -a shows the job exited 1" eventually sh -c "'$bc' ps -a | grep e2e-job-1 | grep -q 'Exited (1)'"
in_container() {  # in_container NAME CMD...: runs CMD inside the container
  local name=$1
  shift
  "$boxrun" --root "$BOXCOMPOSE_STATE/runtime" exec "$name" "$@"
}

check "client reaches web by name" eventually quiet sh -c \
  "'$boxrun' --root '$BOXCOMPOSE_STATE/runtime' exec e2e-client-1 wget -qO- http://web:8080/ | grep -q 'hello from web'"
check "client reaches web by container name" quiet in_container e2e-client-1 wget -qO- http://e2e-web-1:8080/
check "db reaches web on back" quiet in_container e2e-db-1 wget -qO- http://web:8080/
# -w: the default hostnames are hex container ids, which may contain "db".
check "client cannot resolve db (not on its network)" test "$(in_container e2e-client-1 sh -c 'grep -cw db /etc/hosts')" = 0
db_ip=$(in_container e2e-db-1 sh -c "ip -o -4 addr show eth0 | awk '{print \$4}' | cut -d/ -f1")
check "client cannot reach db's address" fails quiet in_container e2e-client-1 wget -T 2 -qO- "http://$db_ip:1/"
check "service: network mode shares web's network" quiet in_container e2e-sidecar-1 wget -qO- http://127.0.0.1:8080/
check "web is on two networks" test "$(in_container e2e-web-1 sh -c 'ip -o -4 addr | grep -c eth')" = 2
check "init runs as pid 1 of web" contains "$(in_container e2e-web-1 cat /proc/1/cmdline | tr '\0' ' ')" "boxcompose-init"
env_out=$(in_container e2e-client-1 env)
check "env: image value kept" contains "$env_out" "FROM_IMAGE=image"
check "env: env_file read" contains "$env_out" "FROM_FILE=file"
check "env: environment wins over env_file and image" contains "$env_out" "PRECEDENCE=compose"
check "user: db runs as app" test "$(in_container e2e-db-1 id -u)" = 1000
check "user: db gets its supplementary group" contains "$(in_container e2e-db-1 id -G)" "50"
check "volume filled from the image" test "$(in_container e2e-db-1 cat /data/seed.txt)" = seed
check "bind mount made from a relative path" test -d "$proj/shared"
check "non-root job cannot write root's files" eventually sh -c "'$bc' logs job 2>&1 | grep -q 'Permission denied'"
logs=$("$bc" logs --no-color db)
check "logs prefixed by service" contains "$logs" "db-1  | db up"
check "logs of the web server" eventually sh -c "'$bc' logs --no-color web | grep -q 'web-1  |'"
check "ls lists the project" contains "$("$bc" ls)" "e2e"

# --- persistence: write to the named volume, down, up: still there; down -v: gone
in_container e2e-db-1 sh -c 'echo kept > /data/state.txt'
out=$("$bc" down -t 1 2>&1); check "down exits 0" test $? = 0 || echo "$out" >&2
check "nothing leaked after down" no_leaks e2e
check "named volume outlives down" test -f "$BOXCOMPOSE_ROOT/volumes/e2e_dbdata/_data/state.txt"
out=$("$bc" up -d 2>&1); check "up again" test $? = 0 || echo "$out" >&2
check "volume data back after up" test "$(in_container e2e-db-1 cat /data/state.txt)" = kept

# --- reconcile: change one service, the others stay
web_id=$("$bc" ps -q web)
db_id=$("$bc" ps -q db)
sed -i 's/echo db up/echo db changed/' compose.yaml
out=$("$bc" up -d 2>&1)
check "reconcile up exits 0" test $? = 0
check "changed service recreated" test "$("$bc" ps -q db)" != "$db_id"
check "unchanged service kept" test "$("$bc" ps -q web)" = "$web_id"
check "unchanged shown as Running" contains "$out" "Container e2e-web-1  Running"

# --- orphans: drop a service from the file
sed -i '/^  job:/,/^    network_mode: none/d' compose.yaml
"$bc" up -d >/dev/null 2>"$work/orphan.err"
check "orphan warned" grep -q "Found orphan containers" "$work/orphan.err"
check "orphan kept without --remove-orphans" contains "$("$bc" ps -a)" "e2e-job-1"
check "up --remove-orphans" quiet "$bc" up -d --remove-orphans
check "orphan removed" fails contains "$("$bc" ps -a)" "e2e-job-1"

# --- stop / start / kill / rm
check "stop" quiet "$bc" stop -t 1 client
check "stopped client exited" contains "$("$bc" ps -a)" "Exited"
check "start" quiet "$bc" start client
check "client running again" contains "$("$bc" ps client)" "Up"
check "kill -s KILL client" quiet "$bc" kill -s KILL client
check "killed client shows 137" eventually sh -c "'$bc' ps -a client | grep -q 'Exited (137)'"
check "rm removes the stopped client" quiet "$bc" rm -f client
check "client gone" fails contains "$("$bc" ps -a)" "e2e-client-1"
check "down -v" quiet "$bc" down -v -t 1
check "nothing leaked after down -v" no_leaks e2e
check "named volume removed by down -v" test ! -e "$BOXCOMPOSE_ROOT/volumes/e2e_dbdata"

# --- limits: a memory limit OOM-kills, a pids limit stops forks
limits="$work/limits"
mkdir -p "$limits"
cat >"$limits/compose.yaml" <<'YAML'
name: limits
services:
  hog:
    image: bb:test
    command: dd if=/dev/zero of=/dev/null bs=64M count=1
    mem_limit: 16m
    memswap_limit: 16m
  forker:
    image: bb:test
    command: sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; wait'
    pids_limit: 4
YAML
check "limits up" quiet "$bc" -f "$limits/compose.yaml" up -d
check "memory limit OOM-kills (137)" eventually sh -c "'$bc' -f '$limits/compose.yaml' ps -a hog | grep -q 'Exited (137)'"
check "pids limit refuses forks" eventually sh -c "'$bc' -f '$limits/compose.yaml' logs forker 2>&1 | grep -qi 'fork'"
check "limits down" quiet "$bc" -f "$limits/compose.yaml" down -t 0
check "nothing leaked after limits" no_leaks limits

# --- attached up: output streams, SIGTERM stops the containers and exits 0
fg="$work/fg"
mkdir -p "$fg"
cat >"$fg/compose.yaml" <<'YAML'
name: fg
services:
  talker:
    image: bb:test
    command: sh -c 'echo talking; exec sleep 1000'
    init: true
YAML
"$bc" -f "$fg/compose.yaml" up --no-color >"$work/fg.out" 2>&1 &
fg_pid=$!
check "attached up streams output" eventually grep -q "talker-1  | talking" "$work/fg.out"
kill -TERM "$fg_pid"
wait "$fg_pid"
check "attached up exits 0 on SIGTERM" test $? = 0
check "attached up stopped the containers" eventually sh -c "'$bc' -f '$fg/compose.yaml' ps -a | grep -q 'Exited (143)'"
check "attached project down" quiet "$bc" -f "$fg/compose.yaml" down
check "nothing leaked after attached up" no_leaks fg

# --- an unknown image fails before anything is made
cat >"$work/missing.yaml" <<'YAML'
name: missing
services:
  web:
    image: nginx:1.27
YAML
out=$("$bc" -f "$work/missing.yaml" up -d 2>&1)
check "missing image exits 1" test $? = 1
check "missing image message" contains "$out" 'service web: image "nginx:1.27" not found locally (try: boxcompose image import ...)'
check "missing image made nothing" no_leaks missing

# --- SIGKILL at several moments of up, then down cleans everything
cd "$proj"
for delay in 0.01 0.05 0.1 0.2 0.4; do
  "$bc" up -d >/dev/null 2>&1 &
  cli=$!
  sleep "$delay"
  sup=$(cat "$BOXCOMPOSE_STATE/projects/e2e/supervisor.pid" 2>/dev/null)
  for w in $(pgrep -P "${sup:-1}" -x boxcompose 2>/dev/null); do kill -9 "$w"; done
  kill -9 "$cli" 2>/dev/null
  wait "$cli" 2>/dev/null
  check "down after SIGKILL of up at ${delay}s" quiet "$bc" down -v -t 0
  check "nothing leaked after SIGKILL at ${delay}s" no_leaks e2e
done
out=$("$bc" up -d 2>&1); check "up for the supervisor kill" test $? = 0 || echo "$out" >&2
sup=$(cat "$BOXCOMPOSE_STATE/projects/e2e/supervisor.pid")
kill -9 "$sup"
check "down after SIGKILL of the supervisor" quiet "$bc" down -v -t 0
check "nothing leaked after the supervisor was killed" no_leaks e2e

echo "compose e2e: $passes passed, $failures failed"
[[ $failures = 0 ]]
