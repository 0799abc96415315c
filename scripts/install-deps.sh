#!/usr/bin/env bash
# Installs the Debian packages boxcompose needs to build, test and run, skipping
# those already present. Safe to run repeatedly; needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  libyaml-cpp-dev libyaml-dev libboost-graph-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libnl-3-dev libnl-route-3-dev libcli11-dev nlohmann-json3-dev
  libseccomp-dev libcap-dev busybox-static iproute2 graphviz runc bc
  libarchive-dev libssl-dev jq python3 crun time nftables
  debootstrap
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
