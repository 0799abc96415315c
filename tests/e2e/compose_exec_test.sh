#!/usr/bin/env bash
# `exec`, `run`, `cp`, `top` and `stats` on busybox stacks, inside a network namespace of
# the test's own, with BOXCOMPOSE_ROOT and BOXCOMPOSE_STATE in a temporary directory.
# After every scenario: nothing of the project is left (links, mounts, cgroups, processes,
# state).
#   tests/e2e/compose_exec_test.sh BOXCOMPOSE
set -uo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- "$0" --inside "$@"
fi
shift
bc=$(realpath "$1")
work=$(mktemp -d /tmp/bc-e2e-exec.XXXXXX)
export BOXCOMPOSE_ROOT="$work/root" BOXCOMPOSE_STATE="$work/state"
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
escape_marker="/bc-cp-escape-$$"

cleanup() {
  e2e_cleanup
  rm -f "$escape_marker"
}
trap cleanup EXIT

# Bit $2 of a "CapEff: <hex>" line: 1 or 0; nothing when $1 is not such a line.
cap_bit() {
  local hex
  hex=$(sed -n 's/^CapEff:[[:space:]]*\([0-9a-f]*\)$/\1/p' <<<"$1")
  [[ -n $hex ]] && echo $(((0x$hex >> $2) & 1))
}

# --- image: busybox with a non-root user
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp,home/app}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nstaff:x:50:app\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
chown 1000:1000 "$rootfs/home/app"
check "import busybox" quiet "$bc" image import -c 'CMD ["sh"]' "$rootfs" bb:test

proj="$work/proj"
mkdir -p "$proj"
cat >"$proj/compose.yaml" <<'YAML'
name: ex
services:
  web:
    image: bb:test
    command: sleep 1000
    hostname: webhost
    mem_limit: 64m
  db:
    image: bb:test
    command: sleep 1000
  app:
    image: bb:test
    command: echo from-service-command
    depends_on: [db]
  quick:
    image: bb:test
    command: "true"
YAML
cd "$proj"

# --- exec
out=$("$bc" up -d web db quick 2>&1)
check "up -d exits 0" test $? = 0 || echo "$out" >&2
out=$("$bc" exec -T web id 2>&1)
check "exec runs as root" contains "$out" "uid=0(root) gid=0(root)"
out=$("$bc" exec -T -u app web id 2>&1)
check "exec -u app runs as app" contains "$out" "uid=1000(app) gid=1000(app)"
check "exec -u app has app's groups" contains "$out" "50(staff)"
out=$("$bc" exec -T -u app web sh -c 'echo $HOME' 2>&1)
check "exec -u app has app's HOME" test "$out" = /home/app
out=$("$bc" exec -T -u 1000:50 web id 2>&1)
check "exec -u uid:gid" contains "$out" "uid=1000(app) gid=50(staff)"
out=$("$bc" exec -T -u nobody web id 2>&1)
check "exec -u unknown user fails" test $? != 0
check "exec -u unknown user names it" contains "$out" "nobody"
out=$("$bc" exec -T -e FOO=bar -e BAZ=qux web sh -c 'echo $FOO-$BAZ' 2>&1)
check "exec -e sets the environment" test "$out" = bar-qux
out=$("$bc" exec -T -w /tmp web pwd 2>&1)
check "exec -w sets the directory" test "$out" = /tmp
"$bc" exec -T web sh -c 'exit 7' >/dev/null 2>&1
check "exec passes the exit code through" test $? = 7
out=$("$bc" exec -T web no-such-command 2>&1)
rc=$?
check "exec of a missing command exits 127" test $rc = 127
check "exec of a missing command names it" contains "$out" "no-such-command"
out=$("$bc" exec -T web /etc/passwd 2>&1)
check "exec of a non-executable exits 126" test $? = 126
out=$("$bc" exec -T web hostname 2>&1)
check "exec sees the container's hostname" test "$out" = webhost
# CVE-2019-5736: while exec runs, its binary cannot be opened for writing through
# /proc/<pid>/exe (a read-only clone: EROFS, not ETXTBSY, which would end with it).
"$bc" exec -T web sleep 3 &
execer=$!
# Polled: until the re-exec happened the open fails with ETXTBSY, which is harmless.
read_only_exe() {
  local refused
  refused=$( (exec 3>"/proc/$execer/exe") 2>&1)
  contains "$refused" "Read-only file system"
}
check "exec's own binary is read-only through /proc/pid/exe" eventually read_only_exe
check "... and exec completes" wait "$execer"
out=$("$bc" exec -T web ping -c 1 -W 2 db 2>&1)
check "exec sees the container's network" contains "$out" "1 packets received" || echo "$out" >&2
# /proc is the container's whatever our namespace: /proc/self (opened by the shell
# itself, for `read`) is the shell only in its own.
out=$("$bc" exec -T web sh -c 'read pid rest </proc/self/stat && test "$pid" = $$ && tr "\0" " " </proc/1/cmdline' 2>&1)
check "exec shares the container's pid namespace" contains "$out" "sleep 1000" || echo "$out" >&2
out=$("$bc" exec -T web ls -l / 2>&1)
check "options after the command belong to it" grep -q '^drwx' <<<"$out" || echo "$out" >&2
out=$("$bc" exec -T web sh -c 'echo "$@"' sh -f x -p y 2>&1)
check "-f and -p after SERVICE are the command's" test "$out" = "-f x -p y" || echo "$out" >&2
out=$(cd / && "$bc" exec -f "$proj/compose.yaml" -T web hostname 2>&1)
check "exec -f FILE SERVICE" test "$out" = webhost || echo "$out" >&2
out=$(cd / && "$bc" exec -T -p ex web hostname 2>&1)
check "exec -p NAME SERVICE" test "$out" = webhost || echo "$out" >&2
name=$("$bc" run -p other -d --no-deps web sleep 1000 2>&1)
check "run -p NAME SERVICE" grep -qE '^other-web-run-[0-9a-f]{12}$' <<<"$name" || echo "$name" >&2
check "down of the other project" quiet "$bc" -p other down -t 0
check "nothing of the other project is left" test ! -e "$BOXCOMPOSE_STATE/projects/other"
out=$("$bc" -p other run --name ex-web-1 -T --no-deps web true 2>&1)
check "run --name of another project's container fails" contains "$out" 'container name "ex-web-1" is already in use'
check "the other project's container still runs" \
  test "$("$bc" exec -T web cat /proc/1/cmdline | tr '\0' ' ')" = "sleep 1000 "
check "nothing of the refused run is left" test ! -e "$BOXCOMPOSE_STATE/projects/other"
out=$("$bc" run --name .. -T --no-deps web true 2>&1)
check "run --name .. fails" contains "$out" 'invalid container name ".."'
check "run --name .. left the root" test -d "$BOXCOMPOSE_ROOT/containers"
out=$("$bc" run --rm -d --no-deps web true 2>&1)
check "run --rm -d is refused" contains "$out" "--rm and -d cannot be combined"
plain_caps=$("$bc" exec -T web grep CapEff /proc/self/status 2>&1)
full_caps=$("$bc" exec -T --privileged web grep CapEff /proc/self/status 2>&1)
check "exec --privileged has more capabilities" test "$plain_caps" != "$full_caps"
check "exec --privileged has CAP_SYS_ADMIN" test "$(cap_bit "$full_caps" 21)" = 1 || echo "$full_caps" >&2
check "exec without it has no CAP_SYS_ADMIN" test "$(cap_bit "$plain_caps" 21)" = 0
out=$("$bc" exec -T --index 2 web true 2>&1)
check "exec --index of a missing replica fails clearly" contains "$out" "no container number 2"
check "exec -d returns" quiet "$bc" exec -d web sh -c 'sleep 2; touch /tmp/detached'
check "exec -d returned while its command runs" quiet "$bc" exec -T web test ! -e /tmp/detached
check "exec -d ran the command" eventually quiet "$bc" exec -T web test -e /tmp/detached
check "quick has exited" eventually sh -c "'$bc' ps -a | grep ex-quick-1 | grep -q Exited"
out=$("$bc" exec -T quick true 2>&1)
check "exec into a stopped service fails" test $? = 1
check "exec into a stopped service says so" contains "$out" 'service "quick" is not running'
out=$("$bc" exec -T app true 2>&1)
check "exec into a service without containers fails" test $? = 1
check "exec into a service without containers says so" contains "$out" 'service "app" is not running'
out=$("$bc" exec -T nosuch true 2>&1)
check "exec into an unknown service fails" test $? = 1

# --- top and stats
out=$("$bc" top web 2>&1)
check "top names the container" contains "$out" "ex-web-1"
check "top prints ps -ef's header" grep -qE '^UID +PID +PPID +C +STIME +TTY +TIME +CMD' <<<"$out"
check "top lists the service's process" contains "$out" "sleep 1000"
check "top shows only the services asked for" fails contains "$out" "ex-db-1"
out=$("$bc" stats --no-stream 2>&1)
check "stats prints docker's header" contains "$out" "CONTAINER ID   NAME"
check "stats shows web's memory limit" grep -qE 'ex-web-1 .* / 64MiB' <<<"$out" || echo "$out" >&2
check "stats shows db" contains "$out" "ex-db-1"
"$bc" stats web >"$work/stream.out" 2>&1 &
stats_pid=$!
sleep 2.5
# SIGTERM: a background job of a non-interactive shell has SIGINT ignored.
kill -TERM "$stats_pid"
wait "$stats_pid"
check "stats streams until interrupted and exits 0" test $? = 0
check "stats redraws every second" test "$(grep -c 'CONTAINER ID' "$work/stream.out")" -ge 2
out=$("$bc" stats --no-stream --format json web 2>&1)
check "stats --format json" contains "$out" '"Name":"ex-web-1"'

# --- cp
echo "from host" >"$work/hostfile"
chmod 640 "$work/hostfile"
check "cp host -> container" quiet "$bc" cp "$work/hostfile" web:/tmp/
check "cp landed in the container" test "$("$bc" exec -T web cat /tmp/hostfile)" = "from host"
check "cp kept the mode" test "$("$bc" exec -T web stat -c %a /tmp/hostfile)" = 640
check "cp container -> host" quiet "$bc" cp web:/etc/hostname "$work/hostname.out"
check "cp brought the container's file" test "$(cat "$work/hostname.out")" = webhost
mkdir -p "$work/tree/sub"
echo deep >"$work/tree/sub/leaf"
ln -s sub/leaf "$work/tree/link"
check "cp a tree into the container" quiet "$bc" cp "$work/tree" web:/tmp/tree
check "the tree arrived" test "$("$bc" exec -T web cat /tmp/tree/sub/leaf)" = deep
check "its symlink arrived as a symlink" test "$("$bc" exec -T web readlink /tmp/tree/link)" = sub/leaf
"$bc" exec -T web sh -c 'mkdir -p /tmp/made/inner && echo inside >/tmp/made/inner/f && chown -R 1000:1000 /tmp/made'
check "cp a tree out of the container" quiet "$bc" cp web:/tmp/made "$work/made"
check "the tree came out" test "$(cat "$work/made/inner/f")" = inside
check "without -a the copy is the copier's" test "$(stat -c %u "$work/made/inner/f")" = "$(id -u)"
check "cp -a keeps uid/gid" quiet "$bc" cp -a web:/tmp/made "$work/made-a"
check "with -a the owner is kept" test "$(stat -c %u:%g "$work/made-a/inner/f")" = 1000:1000
"$bc" exec -T web ln -s / /tmp/escape
echo "must stay inside" >"$work/marker"
check "cp through a symlink to / succeeds" quiet "$bc" cp "$work/marker" "web:/tmp/escape$escape_marker"
check "the file written through it is inside the container" \
  test "$("$bc" exec -T web cat "$escape_marker")" = "must stay inside"
check "nothing was written to the host's /" test ! -e "$escape_marker"
check "cp out through the symlink reads the container's file" \
  quiet "$bc" cp web:/tmp/escape/etc/hostname "$work/through-link"
check "that was the container's /etc/hostname" test "$(cat "$work/through-link")" = webhost
"$bc" exec -T web ln -s /etc/passwd /tmp/pw-link
check "cp onto a symlink in the container" quiet "$bc" cp "$work/marker" web:/tmp/pw-link
check "the symlink was replaced" \
  "$bc" exec -T web sh -c 'test -f /tmp/pw-link && ! test -L /tmp/pw-link && grep -qx "must stay inside" /tmp/pw-link'
check "its target was kept" contains "$("$bc" exec -T web cat /etc/passwd)" "app:x:1000"
out=$("$bc" cp web:/no/such/file "$work/x" 2>&1)
check "cp of a missing path fails" test $? = 1
check "cp of a missing path names it" contains "$out" "web:/no/such/file"

# --- a terminal, driven through script(1)
out=$(script -qec "'$bc' exec web sh -c 'tty; exit 5'" /dev/null </dev/null 2>&1)
rc=$?
check "exec with a terminal gets a pty" contains "$out" "/dev/pts/"
check "exec with a terminal passes the exit code" test $rc = 5
out=$(script -qec "stty rows 33 cols 111; '$bc' exec web stty size" /dev/null </dev/null 2>&1)
check "exec's terminal has the caller's window size" contains "$out" "33 111"
out=$(script -qec "'$bc' exec -T web sh -c 'tty || true'" /dev/null </dev/null 2>&1)
check "exec -T has no terminal" contains "$out" "not a tty"
out=$(script -qec "'$bc' run --rm --no-deps web sh -c 'tty; exit 4'" /dev/null </dev/null 2>&1)
rc=$?
check "run with a terminal gets a pty" contains "$out" "/dev/pts/"
check "run with a terminal passes the exit code" test $rc = 4

check "down" quiet "$bc" down -t 0
check "nothing leaked after exec/cp/top/stats" no_leaks ex

# --- run
out=$("$bc" run --rm -T --no-deps web sh -c 'echo one-off; hostname; exit 3' 2>/dev/null)
rc=$?
check "run --rm prints the output" contains "$out" "one-off"
check "run --rm passes the exit code" test $rc = 3
check "run --rm removed its container" test -z "$(ls "$BOXCOMPOSE_STATE/runtime" 2>/dev/null | grep run)"
check "run --rm shows nothing in ps -a" fails contains "$("$bc" ps -a 2>&1)" "ex-web-run-"
out=$("$bc" run --rm -T --no-deps -e GREETING=hi -u app -w /tmp web sh -c 'echo $GREETING $(id -un) $(pwd)' 2>/dev/null)
check "run -e -u -w" test "$out" = "hi app /tmp"
out=$("$bc" run --rm -T --no-deps web no-such-command 2>&1)
check "run of a missing command exits 127" test $? = 127
check "run of a missing command names it" contains "$out" "no-such-command"
out=$("$bc" run -T --no-deps web no-such-command 2>&1)
check "run without --rm of a missing command exits 127" test $? = 127
check "a one-off whose command could not run is not kept" fails contains "$("$bc" ps -a 2>&1)" "ex-web-run-"
out=$(script -qec "'$bc' run --no-deps web no-such-command" /dev/null </dev/null 2>&1)
check "run with a terminal of a missing command exits 127" test $? = 127 || echo "$out" >&2
check "nor with a terminal" fails contains "$("$bc" ps -a 2>&1)" "ex-web-run-"
out=$("$bc" run --rm -T --no-deps --entrypoint "echo via-entrypoint" web 2>/dev/null)
check "run --entrypoint" contains "$out" "via-entrypoint"
out=$("$bc" run --rm -T --no-deps web cat /etc/hostname 2>/dev/null)
check "run keeps the service's hostname" test "$out" = webhost
out=$(echo piped | "$bc" run --rm -T --no-deps web cat 2>/dev/null)
check "run passes stdin" test "$out" = piped
check "down after run --rm" quiet "$bc" down -t 0
check "nothing leaked after run --rm" no_leaks ex

out=$("$bc" run --rm -T --no-deps app 2>/dev/null)
check "run without a command runs the service's" test "$out" = from-service-command
check "run --no-deps started no dependency" fails contains "$("$bc" ps -a 2>&1)" "ex-db-1"
out=$("$bc" run --rm -T app echo with-deps 2>/dev/null)
check "run with deps runs" test "$out" = with-deps
check "run started the dependency" contains "$("$bc" ps 2>&1)" "ex-db-1"
check "the one-off reaches its dependency" \
  quiet "$bc" run --rm -T app ping -c 1 -W 2 db
check "down after run with deps" quiet "$bc" down -t 0
check "nothing leaked after run with deps" no_leaks ex

out=$("$bc" run -T --no-deps --name ex-kept web sh -c 'exit 2' 2>/dev/null)
check "run without --rm passes the exit code" test $? = 2
ps=$("$bc" ps -a 2>&1)
check "ps -a shows the kept one-off" contains "$ps" "ex-kept"
check "ps -a shows its exit code" grep -q 'ex-kept.*Exited (2)' <<<"$ps" || echo "$ps" >&2
out=$("$bc" run -T --no-deps --name ex-kept web true 2>&1)
check "run --name of a name in use fails" contains "$out" 'container name "ex-kept" is already in use'
name=$("$bc" run -d --no-deps web sleep 1000 2>/dev/null)
check "run -d prints the container name" grep -qE '^ex-web-run-[0-9a-f]{12}$' <<<"$name"
check "run -d leaves it running" eventually sh -c "'$bc' ps | grep -q '$name'"
check "down removes the one-offs" quiet "$bc" down -t 0
check "nothing leaked after run without --rm" no_leaks ex

echo "exec e2e: $passes passed, $failures failed"
[[ $failures = 0 ]]
