#!/usr/bin/env bash
# Runs the loader fuzzer for a bounded time over the seed corpus (the test stacks and
# samples), in a scratch corpus directory so the repository is not modified.
#   tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(realpath "$1")
seconds=${2:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
find "$root/tests/fuzz/corpus" "$root/tests/data" "$root/samples" -name '*.yaml' -exec cp {} "$work/corpus/" \; 2>/dev/null || true
cd "$work"
"$build_dir/tests/fuzz/fuzz_loader" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -print_final_stats=1 "$work/corpus" 2>&1 | tail -n 15
