#!/usr/bin/env bash
# setup.sh: installs the Debian packages edgegw needs (only those missing) and builds it into
# build/. Idempotent; run as root on a fresh Debian 12 machine, or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libpaho-mqttpp-dev libpaho-mqtt-dev libssl-dev mosquitto mosquitto-clients  # Paho's CMake package needs OpenSSL's headers
  flatbuffers-compiler libflatbuffers-dev librocksdb-dev libfmt-dev doctest-dev
  libsimdjson-dev libtomlplusplus-dev libcli11-dev libsystemd-dev
  openssl curl  # the tests make TLS certificates and query the status socket with them
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo ${EDGEGW_CMAKE_ARGS:-} >/dev/null
cmake --build build -j2
