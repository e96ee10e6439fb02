#!/usr/bin/env bash
# check-test-names.sh: every doctest case is one ctest test. doctest_discover_tests keeps test
# names in a CMake list, so a ';' in a TEST_CASE name cuts it in two: ctest then runs a filter
# that matches no case, and doctest passes a run of zero cases (found in six unit tests).
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rnE 'TEST_CASE\("[^"]*;' tests; then
  echo "check-test-names: a TEST_CASE name above has a ';' (ctest would run none of it)" >&2
  exit 1
fi
