#!/usr/bin/env bash
# run.sh: the README's test command: installs what is missing, builds, runs the whole suite
# (unit tests, integration tests against real Mosquitto brokers) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
cd build
ctest --output-on-failure -j2 --timeout 600
