#!/usr/bin/env bash
# Attached `up` (no -d): output, "exited with code" lines, the exit code rules of
# --abort-on-container-exit, --abort-on-container-failure and --exit-code-from, and a second
# SIGTERM (as a second Ctrl-C) killing containers that ignore the first. In a network
# namespace of its own, state in a temporary directory; nothing leaked after each scenario.
#   tests/e2e/compose_attach_test.sh BOXCOMPOSE
set -uo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- "$0" --inside "$@"
fi
shift
bc=$(realpath "$1")
work=$(mktemp -d /tmp/bc-attach.XXXXXX)
export BOXCOMPOSE_ROOT="$work/root" BOXCOMPOSE_STATE="$work/state"
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

trap e2e_cleanup EXIT

import_busybox "$bc" bb:attach
mkdir -p "$work/p"
cd "$work/p"

# up_attached FILE ARGS...: runs attached up, output in $out, exit code in $code.
up_attached() {
  local file=$1
  shift
  out=$(timeout 60 "$bc" -f "$file" up "$@" 2>&1)
  code=$?
}
finish() {  # finish FILE PROJECT NAME: down, then the leak check
  check "$3: down" quiet "$bc" -f "$1" down -t 0
  check "$3: nothing leaked" no_leaks "$2"
}

cat >natural.yaml <<'YAML'
name: natural
services:
  one:
    image: bb:attach
    command: sh -c 'echo one says hi; exit 0'
  two:
    image: bb:attach
    command: sh -c 'sleep 0.3; echo two says bye; exit 4'
YAML
up_attached natural.yaml
check "natural: exit 0 when all end by themselves" test "$code" = 0 || echo "$out" >&2
check "natural: attaching line" contains "$out" "Attaching to one-1, two-1"
check "natural: output with prefix" contains "$out" "one-1  | one says hi"
check "natural: exit reported" contains "$out" "two-1 exited with code 4"
finish natural.yaml natural natural

cat >abort.yaml <<'YAML'
name: abort
services:
  quick:
    image: bb:attach
    command: sh -c 'sleep 0.3; echo quick is done; exit 3'
  long:
    image: bb:attach
    command: sleep 100
    init: true
    stop_grace_period: 5s
YAML
up_attached abort.yaml --abort-on-container-exit
check "abort: exit code of the first to exit" test "$code" = 3 || echo "$out" >&2
check "abort: says so" contains "$out" "Aborting on container exit..."
check "abort: long stopped" sh -c "'$bc' -f abort.yaml ps -a | grep abort-long-1 | grep -q 'Exited (143)'"
finish abort.yaml abort abort

up_attached abort.yaml --exit-code-from long
check "exit-code-from: the named service's code" test "$code" = 143 || echo "$out" >&2
finish abort.yaml abort exit-code-from

up_attached abort.yaml --exit-code-from nosuch
check "exit-code-from: unknown service refused" test "$code" != 0
check "exit-code-from: says which" contains "$out" "no such service: nosuch"
check "exit-code-from: nothing made" no_leaks abort

cat >failure.yaml <<'YAML'
name: failure
services:
  fine:
    image: bb:attach
    command: sh -c 'exit 0'
  broken:
    image: bb:attach
    command: sh -c 'sleep 0.5; exit 5'
  long:
    image: bb:attach
    command: sleep 100
    init: true
YAML
up_attached failure.yaml --abort-on-container-failure
check "abort on failure: a zero exit does not abort, a failure does" test "$code" = 5 || echo "$out" >&2
check "abort on failure: fine's exit reported" contains "$out" "fine-1 exited with code 0"
finish failure.yaml failure abort-on-failure

up_attached failure.yaml -d --abort-on-container-exit
check "abort flags refused with -d" test "$code" != 0
check "abort flags refused with -d: says why" contains "$out" "cannot be combined with --detach"

# A restart policy: the session follows each run of the container until it stays down.
cat >restarts.yaml <<'YAML'
name: restarts
services:
  flaky:
    image: bb:attach
    command: sh -c 'echo attempt; exit 2'
    restart: on-failure:2
YAML
up_attached restarts.yaml
check "restarts: up ends once the container stays down" test "$code" = 0 || echo "$out" >&2
check "restarts: each run's exit reported" test "$(grep -c 'flaky-1 exited with code 2' <<<"$out")" = 3 ||
  echo "$out" >&2
check "restarts: each run's output shown" test "$(grep -c 'flaky-1  | attempt' <<<"$out")" = 3
finish restarts.yaml restarts restarts

# A one-off `run` container left exited is not part of an attached session.
"$bc" -f abort.yaml run --no-deps quick sh -c 'exit 7' >/dev/null 2>&1
check "one-off: run without --rm passes its exit code on" test $? = 7
up_attached abort.yaml --abort-on-container-exit quick
check "one-off: its exit (7) is not the session's; quick's (3) is" test "$code" = 3 ||
  echo "$out" >&2
check "one-off: only the named service is attached" contains "$out" "Attaching to quick-1"
finish abort.yaml abort one-off

# A service that ignores SIGTERM, with a long grace period: the first SIGTERM starts the
# graceful stop, the second kills at once.
cat >stubborn.yaml <<'YAML'
name: stubborn
services:
  stubborn:
    image: bb:attach
    command: sh -c "trap 'echo ignoring TERM' TERM; echo ready; while :; do sleep 0.1; done"
    stop_grace_period: 60s
YAML
# Not under timeout(1): it would take the signals meant for up. A watchdog instead.
"$bc" -f stubborn.yaml up >"$work/stubborn.out" 2>&1 &
up_pid=$!
(sleep 40 && kill -9 "$up_pid") 2>/dev/null &
watchdog=$!
check "stubborn: running" eventually grep -q "stubborn-1  | ready" "$work/stubborn.out"
kill -TERM "$up_pid"
check "stubborn: graceful stop announced" eventually grep -q "Gracefully stopping" "$work/stubborn.out"
# Its log file: `logs` would wait for the project's lock, which the stop holds.
check "stubborn: first TERM reached the service" \
  eventually grep -q "ignoring TERM" "$BOXCOMPOSE_ROOT/containers/stubborn-stubborn-1/container.log"
kill -TERM "$up_pid"
wait "$up_pid"
code=$?
kill "$watchdog" 2>/dev/null
check "stubborn: second signal ends up (exit 0, not the 60 s grace period)" test "$code" = 0 ||
  cat "$work/stubborn.out" >&2
check "stubborn: killed" sh -c "'$bc' -f stubborn.yaml ps -a | grep -q 'Exited (137)'"
finish stubborn.yaml stubborn stubborn

echo "attach e2e: $passes passed, $failures failed"
[[ $failures = 0 ]]
