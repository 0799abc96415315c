#!/usr/bin/env bash
# `config` on a generated compose file as a whole process: boxcompose versus Docker Compose
# (docker-compose 1.29, Debian's package; it needs no engine for `config`), side by side in
# one run. Prints each median and the ratio. Target for boxcompose: under 100 ms at 1,000
# services.
#   bench/loader/config_vs_docker_compose.sh BUILD_DIR [SERVICES] [RUNS]
set -euo pipefail
build=$(realpath "${1:?usage: $0 BUILD_DIR [SERVICES] [RUNS]}")
services=${2:-1000}
runs=${3:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# docker-compose 1.29 rejects a top-level `name:`; both tools get the name from -p instead.
"$build/bench/generate_stack" "$services" | sed '/^name:/d' > "$work/compose.yaml"
mkdir -p "$work/conf"

median_ms() {  # median_ms CMD...: runs CMD $runs times, prints the median wall time in ms
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

cd "$work"
ours=$(median_ms "$build/orchestrator/boxcompose" -p bench config -f compose.yaml)
echo "boxcompose config ($services services): median ${ours} ms over $runs runs"
if command -v docker-compose > /dev/null; then
  theirs=$(median_ms docker-compose -p bench -f compose.yaml config)
  echo "docker-compose config ($services services): median ${theirs} ms over $runs runs"
  awk -v a="$theirs" -v b="$ours" 'BEGIN {printf "ratio docker-compose/boxcompose: %.1fx\n", a / b}'
else
  echo "docker-compose not installed (apt-get install docker-compose) - no side-by-side figure"
fi
