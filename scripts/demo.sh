#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, makes the Debian image of
# the sample dev stack (samples/visits: a Python web app counting visits in Redis), and
# runs it for real: `up -d --wait` (Redis healthy before the app starts), requests to the
# published port, `down` and `up` again (the count survives in Redis's named volume), then
# `down -v`. The stack runs in a network namespace of its own, so the host's links and
# ports are left as they were; state and images go to a temporary directory unless
# BOXCOMPOSE_ROOT / BOXCOMPOSE_STATE say otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
boxcompose="${BOXCOMPOSE_BIN:-$root/build/orchestrator/boxcompose}"
if [[ "${1:-}" != --inside ]]; then
  "$root/scripts/install-deps.sh"
  "$root/scripts/build.sh" "$root/build"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  export BOXCOMPOSE_ROOT=${BOXCOMPOSE_ROOT:-$work/root} BOXCOMPOSE_STATE=${BOXCOMPOSE_STATE:-$work/state}
  echo "== the sample's Debian image (debootstrap from the Debian mirror, cached after the first run)"
  "$root/samples/visits/make-image.sh" "$boxcompose"
  unshare --net -- "$0" --inside
  exit
fi

stack="$root/samples/visits/compose.yaml"
trap '"$boxcompose" -f "$stack" down -v -t 1 >/dev/null 2>&1 || true' EXIT
ip link set lo up
run() {
  echo "\$ boxcompose $*"
  "$boxcompose" "$@"
}
visit() {
  echo "\$ curl http://127.0.0.1:8080/"
  python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/", timeout=5).read().decode(), end="")'
}

run image ls
echo "== the sample stack: redis (healthcheck, named volume) and web (published on 127.0.0.1:8080)"
run -f "$stack" up -d --wait
run -f "$stack" ps
visit
visit
run -f "$stack" logs web
echo "== down and up again: the count lives in the redis-data volume"
run -f "$stack" down
run -f "$stack" up -d --wait
visit
echo "== down -v: containers, network and volume gone"
run -f "$stack" down -v
trap - EXIT
