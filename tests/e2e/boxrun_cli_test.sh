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
echo "boxrun e2e: ok"
