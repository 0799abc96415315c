#!/usr/bin/env bash
# boxrun's CLI end to end, as runc is driven: spec, create, state, start, exec (with its
# process flags), ps, pause/resume, kill, delete, run's exit code, hooks. Needs root.
#   tests/e2e/boxrun_cli_test.sh build/runtime/boxrun build/runtime/testing/probe
set -euo pipefail
boxrun=$(realpath "${1:?usage: $0 BOXRUN PROBE}")
probe=$(realpath "${2:?usage: $0 BOXRUN PROBE}")
work=$(mktemp -d /tmp/boxrun-e2e-XXXXXX)
chmod 755 "$work"
root="$work/state"
id="e2e-$$"
cleanup() { "$boxrun" --root "$root" delete --force "$id" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
br() { "$boxrun" --root "$root" "$@"; }

mkdir -p "$work/bundle/rootfs/"{bin,proc,sys,dev,tmp}
cp /bin/busybox "$work/bundle/rootfs/bin/"
for a in sh sleep true ps cat id; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
cp "$probe" "$work/bundle/rootfs/probe"
cd "$work/bundle"
br spec
br spec 2>/dev/null && fail "spec must refuse to overwrite config.json"
python3 - <<'PY'
import json
c = json.load(open("config.json"))
c["process"]["args"] = ["/bin/sleep", "60"]
json.dump(c, open("config.json", "w"))
PY

br create --bundle . --pid-file "$work/pid" "$id"
[[ $(br state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])') == created ]] || fail "not created"
[[ -s "$work/pid" ]] || fail "no pid file"
br start "$id"
[[ $(br state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])') == running ]] || fail "not running"
br list | grep -q "$id" || fail "list"
[[ $(br exec "$id" /bin/cat /proc/self/status | grep -c NoNewPrivs) == 1 ]] || fail "exec"
got=$(br exec --user 1000:100 --env FOO=bar --cwd /tmp "$id" /bin/sh -c 'echo "$(id -u):$(id -g):$FOO:$(pwd)"')
[[ $got == "1000:100:bar:/tmp" ]] || fail "exec --user/--env/--cwd gave '$got'"
set +e
br exec "$id" /bin/sh -c 'exit 5'
rc=$?
set -e
[[ $rc == 5 ]] || fail "exec returned $rc, want 5"
br ps --format json "$id" | grep -q '\[' || fail "ps"
br pause "$id"
[[ $(br state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])') == paused ]] || fail "not paused"
br resume "$id"
br events --stats "$id" | grep -q '"type":"stats"' || fail "events"
br delete "$id" 2>/dev/null && fail "delete of a running container must fail"
br kill "$id" KILL
for _ in $(seq 50); do
  [[ $(br state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])') == stopped ]] && break
  sleep 0.1
done
br delete "$id"
br state "$id" 2>/dev/null && fail "state after delete"

python3 - <<'PY'
import json
c = json.load(open("config.json"))
c["process"]["args"] = ["/bin/sh", "-c", "exit 7"]
json.dump(c, open("config.json", "w"))
PY
set +e
br run --bundle . "$id"
rc=$?
set -e
[[ $rc == 7 ]] || fail "run returned $rc, want 7"
[[ -z $(ls "$root") ]] || fail "state left after run"

# Hooks: prestart, poststart and poststop around run; a failing prestart aborts it.
python3 - "$work/hooks.log" <<'PY'
import json, sys
log = sys.argv[1]
c = json.load(open("config.json"))
c["process"]["args"] = ["/bin/true"]
hook = lambda name: {"path": "/bin/sh", "args": ["sh", "-c", "echo %s >> %s" % (name, log)]}
c["hooks"] = {k: [hook(k)] for k in ("prestart", "poststart", "poststop")}
json.dump(c, open("config.json", "w"))
PY
br run --bundle . "$id"
[[ $(cat "$work/hooks.log") == $'prestart\npoststart\npoststop' ]] || fail "hooks ran as: $(cat "$work/hooks.log")"
python3 - <<'PY'
import json
c = json.load(open("config.json"))
c["hooks"]["prestart"] = [{"path": "/bin/sh", "args": ["sh", "-c", "echo no >&2; exit 1"]}]
json.dump(c, open("config.json", "w"))
PY
set +e
err=$(br run --bundle . "$id" 2>&1)
rc=$?
set -e
[[ $rc == 1 && $err == *"prestart hook #0"* ]] || fail "failing prestart: rc=$rc: $err"
[[ -z $(ls "$root") ]] || fail "state left after a failed prestart"
# The container's process only: args, no hooks.
set_args() {
  python3 - "$@" <<'PY'
import json, sys
c = json.load(open("config.json"))
c["process"]["args"] = sys.argv[1:]
c.pop("hooks", None)
json.dump(c, open("config.json", "w"))
PY
}
state_of() { br state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }

# A missing command: exit 127 and Go's wording, as runc; nothing left behind.
set_args foo
set +e
err=$(br run --bundle . "$id" 2>&1)
rc=$?
set -e
[[ $rc == 127 ]] || fail "missing command: exit $rc, want 127: $err"
[[ $err == "boxrun: start $id: exec \"foo\": no such file or directory" ]] || fail "missing command said: $err"
[[ -z $(ls "$root") ]] || fail "state left after a missing command"

# --preserve-fds N: fds 3 .. 3+N-1 reach the process; without it fd 3 does not.
set_args /bin/sh -c 'echo three >&3 && echo four >&4'
br run --preserve-fds 2 --bundle . "$id" 3>"$work/fd3" 4>"$work/fd4"
[[ $(cat "$work/fd3"):$(cat "$work/fd4") == three:four ]] || fail "--preserve-fds 2 gave '$(cat "$work/fd3")' '$(cat "$work/fd4")'"
set_args /bin/sh -c 'echo leaked >&3'
br run --bundle . "$id" 3>"$work/fd3-closed" 2>/dev/null && fail "fd 3 reached the container without --preserve-fds"
[[ ! -s "$work/fd3-closed" ]] || fail "fd 3 was written without --preserve-fds"
br run --preserve-fds 1 --bundle . "$id" 2>/dev/null 3>&- && fail "--preserve-fds 1 with fd 3 closed must be refused"

# --no-pivot (MS_MOVE + chroot) and --no-new-keyring: the container runs in its rootfs.
set_args /bin/sh -c 'test -x /probe && test -d /proc/self && test ! -e /etc/hostname'
br run --no-pivot --no-new-keyring --bundle . "$id" || fail "--no-pivot --no-new-keyring"

# run --keep leaves the stopped container for delete; run -d --pid-file writes its pid.
set_args /bin/true
br run --keep --bundle . "$id" || fail "run --keep"
[[ $(state_of "$id") == stopped ]] || fail "run --keep: not kept as stopped"
br delete "$id"
set_args /bin/sleep 60
br run -d --pid-file "$work/run.pid" --bundle . "$id"
[[ $(cat "$work/run.pid") == $(br state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])') ]] || fail "run --pid-file"

# exec --detach --pid-file, and exec --preserve-fds.
br exec --detach --pid-file "$work/exec.pid" "$id" /bin/sleep 60
[[ -s "$work/exec.pid" ]] && kill -0 "$(cat "$work/exec.pid")" || fail "exec --detach --pid-file"
br exec --preserve-fds 1 "$id" /bin/sh -c 'echo via-exec >&3' 3>"$work/exec-fd3"
[[ $(cat "$work/exec-fd3") == via-exec ]] || fail "exec --preserve-fds"
br delete --force "$id"
[[ -z $(ls "$root") ]] || fail "state left after the flag tests"
echo "boxrun e2e: ok"
