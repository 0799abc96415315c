#!/usr/bin/env bash
# The README's second command (and CI): installs what is missing, builds with warnings as
# errors, runs every test with ctest, then builds with ASan+UBSan and runs the unit tests
# again, then fuzzes the loader for a bounded time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_seconds=${BOXCOMPOSE_FUZZ_SECONDS:-60}

"$root/scripts/install-deps.sh"

echo "== build and test (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
(cd "$root/build" && ctest --output-on-failure -j2)

echo "== build and unit-test with ASan+UBSan (clang)"
CC=clang CXX=clang++ "$root/scripts/build.sh" "$root/build-asan" \
  -DCMAKE_CXX_COMPILER=clang++ -DBOXCOMPOSE_SANITIZE=ON -DBOXCOMPOSE_FUZZ=ON \
  -DBOXCOMPOSE_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j2 -L unit)

echo "== fuzz the compose loader for ${fuzz_seconds}s"
"$root/tests/fuzz/run.sh" "$root/build-asan" "$fuzz_seconds"
