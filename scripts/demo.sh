#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, imports a busybox image and
# runs the sample stack in samples/hello for real: `up -d`, `ps`, `logs`, a request to the
# web service, then `down -v`. The stack runs in a network namespace of its own, so the
# host's links are left as they were; state and images go to a temporary directory unless
# BOXCOMPOSE_ROOT / BOXCOMPOSE_STATE say otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ "${1:-}" != --inside ]]; then
  "$root/scripts/install-deps.sh"
  "$root/scripts/build.sh" "$root/build"
  exec unshare --net -- "$0" --inside
fi

boxcompose="${BOXCOMPOSE_BIN:-$root/build/orchestrator/boxcompose}"
stack="$root/samples/hello/stack.yaml"
work=$(mktemp -d)
export BOXCOMPOSE_ROOT=${BOXCOMPOSE_ROOT:-$work/root} BOXCOMPOSE_STATE=${BOXCOMPOSE_STATE:-$work/state}
trap '"$boxcompose" -f "$stack" down -v -t 1 >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
run() {
  echo "\$ boxcompose $*"
  "$boxcompose" "$@"
}

echo "== a busybox image from Debian's busybox-static"
"$root/scripts/make-busybox-image.sh" "$boxcompose" busybox:local
run image ls
echo "== the sample stack"
run -f "$stack" config --services
run -f "$stack" up -d
for _ in $(seq 50); do
  "$boxcompose" -f "$stack" ps -a | grep -q 'hello-client-1.*Exited' && break
  sleep 0.1
done
run -f "$stack" ps -a
run -f "$stack" logs
web=$(jq -r '.containers["hello-web-1"].endpoints[0].address' \
  "$BOXCOMPOSE_STATE/projects/hello/project.json")
echo "\$ wget -qO- http://$web:8080/   (from the host side of the project's bridge)"
busybox wget -qO- "http://$web:8080/"
run -f "$stack" down -v
