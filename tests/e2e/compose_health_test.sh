#!/usr/bin/env bash
# Healthchecks, depends_on conditions, `up --wait` and restart policies on busybox stacks,
# inside a network namespace of the test's own, with BOXCOMPOSE_ROOT and BOXCOMPOSE_STATE
# in a temporary directory. After every scenario: nothing of the project is left.
#   tests/e2e/compose_health_test.sh BOXCOMPOSE BOXRUN
set -uo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- "$0" --inside "$@"
fi
shift
bc=$(realpath "$1")
boxrun=$(realpath "$2")
work=$(mktemp -d /tmp/bc-health.XXXXXX)
export BOXCOMPOSE_ROOT="$work/root" BOXCOMPOSE_STATE="$work/state"
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

trap e2e_cleanup EXIT

# Waits up to $1 seconds for a command to succeed.
within() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 10))); do "$@" && return 0; sleep 0.1; done
  "$@"
}

in_container() {  # in_container NAME CMD...: runs CMD inside the container
  local name=$1
  shift
  "$boxrun" --root "$BOXCOMPOSE_STATE/runtime" exec "$name" "$@"
}

# The project's stack: compose.yaml from stdin, in a directory of its own.
stack() {
  mkdir -p "$work/$1"
  cat >"$work/$1/compose.yaml"
  cd "$work/$1" || exit 1
}

down_clean() {  # down_clean PROJECT: down, and nothing is left
  check "$1: down" quiet "$bc" down -v -t 0
  check "$1: nothing leaked" no_leaks "$1"
}

ps_json_field() {  # ps_json_field SERVICE FIELD
  "$bc" ps -a --format json "$1" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p"
}

# --- image: busybox
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
check "import busybox" quiet "$bc" image import -c 'CMD ["sh"]' "$rootfs" bb:test

# --- service_healthy: web starts only once db's check passes
stack hc <<'YAML'
name: hc
services:
  db:
    image: bb:test
    command: sleep 1000
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      start_period: 60s
      start_interval: 100ms
      timeout: 5s
      retries: 3
  web:
    image: bb:test
    command: sh -c 'cut -d" " -f1 /proc/uptime >/tmp/started; exec sleep 1000'
    depends_on:
      db:
        condition: service_healthy
YAML
"$bc" up -d --progress plain >"$work/hc.out" 2>&1 &
up=$!
check "hc: db created" within 20 test -e "$BOXCOMPOSE_STATE/runtime/hc-db-1"
sleep 1
check "hc: web waits for db" test ! -e "$BOXCOMPOSE_STATE/runtime/hc-web-1"
check "hc: db's health is starting" grep -q '"Status":"starting"' "$BOXCOMPOSE_STATE/projects/hc/containers/hc-db-1/health.json"
quiet in_container hc-db-1 touch /tmp/ready
wait "$up"
check "hc: up exits 0" test $? = 0 || cat "$work/hc.out" >&2
out=$(cat "$work/hc.out")
check "hc: up shows Waiting" contains "$out" "Container hc-db-1  Waiting"
check "hc: up shows Healthy" contains "$out" "Container hc-db-1  Healthy"
check "hc: web started" contains "$out" "Container hc-web-1  Started"
# The delay from the end of the first passing check to web's command running, on the
# boot-time clock the container also reads (/proc/uptime, 10 ms steps); reported, not asserted.
healthy_at=$(grep -o '"End":"[^"]*","ExitCode":0' "$BOXCOMPOSE_STATE/projects/hc/containers/hc-db-1/health.json" |
  head -1 | sed 's/"End":"\([^"]*\)".*/\1/')
started_at=$(in_container hc-web-1 cat /tmp/started)
if [[ -n "$healthy_at" && -n "$started_at" ]]; then
  now_wall=$(date +%s.%N) now_up=$(cut -d' ' -f1 /proc/uptime)
  healthy_up=$(echo "$now_up $now_wall $(date -d "$healthy_at" +%s.%N)" | awk '{printf "%.3f", $1 - ($2 - $3)}')
  delay=$(echo "$started_at $healthy_up" | awk '{printf "%.0f", ($1 - $2) * 1000}')
  echo "measured: dependency healthy -> dependent's command running: ${delay} ms (+-10 ms)"
fi
check "hc: ps shows (healthy)" within 5 sh -c "'$bc' ps db | grep -q '(healthy)'"
check "hc: ps json Health" contains "$("$bc" ps --format json db)" '"Health":"healthy"'
check "hc: health.json keeps Docker's shape" grep -q '"FailingStreak":0' "$BOXCOMPOSE_STATE/projects/hc/containers/hc-db-1/health.json"
quiet in_container hc-db-1 rm /tmp/ready
check "hc: ps shows (unhealthy) after 3 failures" within 10 sh -c "'$bc' ps db | grep -q '(unhealthy)'"
down_clean hc

# --- an unhealthy dependency fails up, and its dependent is never made
stack sick <<'YAML'
name: sick
services:
  db:
    image: bb:test
    command: sleep 1000
    healthcheck:
      test: ["CMD", "false"]
      interval: 200ms
      retries: 2
  web:
    image: bb:test
    command: sleep 1000
    depends_on:
      db:
        condition: service_healthy
YAML
out=$("$bc" up -d --progress plain 2>&1)
check "sick: up fails" test $? != 0
check "sick: Docker Compose's message" contains "$out" "dependency failed to start: container sick-db-1 is unhealthy"
check "sick: web never made" fails contains "$("$bc" ps -a)" "sick-web-1"
check "sick: ps shows (unhealthy)" contains "$("$bc" ps db)" "(unhealthy)"
down_clean sick

# --- a check that runs past its timeout is killed and counts as a failure
stack slow <<'YAML'
name: slow
services:
  db:
    image: bb:test
    command: sleep 1000
    healthcheck:
      test: ["CMD", "sleep", "30"]
      interval: 200ms
      timeout: 300ms
      retries: 1
YAML
check "slow: up" quiet "$bc" up -d
health="$BOXCOMPOSE_STATE/projects/slow/containers/slow-db-1/health.json"
check "slow: unhealthy after a timed-out check" within 10 grep -q '"Status":"unhealthy"' "$health"
check "slow: Docker's timeout result" grep -q '"ExitCode":-1,"Output":"Health check exceeded timeout (300ms)"' "$health"
sleep 3
running=$(for f in /proc/[0-9]*/cmdline; do { tr '\0' ' ' <"$f"; } 2>/dev/null; echo; done | grep -c '^sleep 30 $')
check "slow: timed-out tests were killed, not left running ($running)" test "$running" -le 1
down_clean slow

# --- service_completed_successfully: a one-shot init job
stack job <<'YAML'
name: job
services:
  init:
    image: bb:test
    command: sh -c 'sleep 0.5; exit ${INIT_EXIT:-0}'
  app:
    image: bb:test
    command: sleep 1000
    depends_on:
      init:
        condition: service_completed_successfully
YAML
out=$("$bc" up -d --progress plain 2>&1)
check "job: up exits 0 after init exits 0" test $? = 0 || echo "$out" >&2
check "job: init shown Exited" contains "$out" "Container job-init-1  Exited"
check "job: app running" contains "$("$bc" ps app)" "Up"
down_clean job
out=$(INIT_EXIT=3 "$bc" up -d --progress plain 2>&1)
check "job: up fails when init exits 3" test $? != 0
check "job: Docker Compose's message" contains "$out" 'service "init" didn'"'"'t complete successfully: exit 3'
check "job: app never made" fails contains "$("$bc" ps -a)" "job-app-1"
down_clean job

# --- required: false: a failing optional dependency is a warning
stack opt <<'YAML'
name: opt
services:
  flaky:
    image: bb:test
    command: sh -c 'exit 3'
  app:
    image: bb:test
    command: sleep 1000
    depends_on:
      flaky:
        condition: service_completed_successfully
        required: false
YAML
out=$("$bc" up -d --progress plain 2>&1)
check "opt: up exits 0" test $? = 0 || echo "$out" >&2
check "opt: warned" contains "$out" "optional dependency flaky failed"
check "opt: app running" contains "$("$bc" ps app)" "Up"
down_clean opt

# --- up --wait
stack wait <<'YAML'
name: wait
services:
  db:
    image: bb:test
    command: sh -c 'sleep 1; touch /tmp/ready; exec sleep 1000'
    healthcheck:
      test: test -f /tmp/ready
      interval: 200ms
      retries: 10
  plain:
    image: bb:test
    command: sleep 1000
  once:
    image: bb:test
    command: "true"
YAML
out=$("$bc" up --wait --progress plain 2>&1)
check "wait: up --wait exits 0" test $? = 0 || echo "$out" >&2
check "wait: db healthy when up --wait returns" contains "$("$bc" ps db)" "(healthy)"
check "wait: shown Healthy" contains "$out" "Container wait-db-1  Healthy"
check "wait: one-shot counted as done" contains "$out" "Container wait-once-1  Exited"
down_clean wait
sed -i 's/touch \/tmp\/ready; //' compose.yaml
out=$("$bc" up --wait --progress plain 2>&1)
check "wait: fails on unhealthy" test $? != 0
check "wait: names the unhealthy container" contains "$out" "container wait-db-1 is unhealthy"
down_clean wait
sed -i 's/retries: 10/retries: 10\n      start_period: 60s/' compose.yaml
out=$("$bc" up --wait --wait-timeout 2 --progress plain 2>&1)
check "wait: fails on timeout" test $? != 0
check "wait: timeout names the container" contains "$out" "timed out waiting for wait-db-1"
down_clean wait

# --- restart: on-failure:2 restarts exactly twice
stack rs <<'YAML'
name: rs
services:
  crash:
    image: bb:test
    command: sh -c 'sleep 0.3; exit 1'
    restart: on-failure:2
  forever:
    image: bb:test
    command: sleep 1000
    restart: always
YAML
out=$("$bc" up -d --progress plain 2>&1)
check "rs: up exits 0" test $? = 0 || echo "$out" >&2
check "rs: on-failure:2 restarted twice" within 20 sh -c "test \"\$($(declare -f ps_json_field); bc='$bc' ps_json_field crash RestartCount)\" = 2"
check "rs: crash ends exited" within 10 sh -c "'$bc' ps -a crash | grep -q 'Exited (1)'"
sleep 2
check "rs: and is not restarted a third time" test "$(ps_json_field crash RestartCount)" = 2
check "rs: still exited" contains "$("$bc" ps -a crash)" "Exited (1)"
pid=$("$boxrun" --root "$BOXCOMPOSE_STATE/runtime" state rs-forever-1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
check "rs: forever has a pid" test -n "$pid"
kill -9 "$pid"
check "rs: restart: always brings it back" within 20 sh -c "test \"\$($(declare -f ps_json_field); bc='$bc' ps_json_field forever RestartCount)\" = 1 && '$bc' ps forever | grep -q Up"
check "rs: stop" quiet "$bc" stop -t 1 forever
sleep 2
check "rs: not restarted after stop" contains "$("$bc" ps -a forever)" "Exited"
check "rs: restart count unchanged by stop" test "$(ps_json_field forever RestartCount)" = 1
down_clean rs

# --- a service_healthy dependency that crashes once and is brought back by its policy:
# `up` waits for it without holding the project's lock, so the restart can happen.
stack flap <<'YAML'
name: flap
services:
  db:
    image: bb:test
    command: sh -c 'if [ ! -e /tmp/crashed ]; then touch /tmp/crashed; exit 1; fi; touch /tmp/ready; exec sleep 1000'
    restart: always
    healthcheck:
      test: ["CMD", "test", "-e", "/tmp/ready"]
      interval: 30s
      start_period: 20s
      start_interval: 100ms
  web:
    image: bb:test
    command: sleep 1000
    depends_on:
      db:
        condition: service_healthy
YAML
out=$(timeout 60 "$bc" up -d --progress plain 2>&1)
check "flap: up waits through the dependency's restart" test $? = 0 || echo "$out" >&2
check "flap: the dependency was restarted once" test "$(ps_json_field db RestartCount)" = 1
check "flap: web runs" contains "$("$bc" ps web)" "Up"
down_clean flap

echo "health e2e: $passes passed, $failures failed"
[[ $failures = 0 ]]
