#!/usr/bin/env bash
# Configures and builds boxcompose with CMake and Ninja.
#   scripts/build.sh [BUILD_DIR] [extra cmake arguments...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
ninja -C "$build_dir" -j "$jobs"
