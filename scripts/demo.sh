#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the sample stack
# through boxcompose (for now: its normalized configuration and its dependency graph).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"
boxcompose="$root/build/orchestrator/boxcompose"
stack="$root/samples/hello/stack.yaml"

echo "== boxcompose config -f samples/hello/stack.yaml"
"$boxcompose" config -f "$stack"
echo "== boxcompose graph -f samples/hello/stack.yaml"
"$boxcompose" graph -f "$stack"
echo "== boxcompose -f samples/hello/stack.yaml config --services (global options before the verb)"
"$boxcompose" -f "$stack" config --services
