#!/usr/bin/env bash
# check-test-names.sh: every doctest case is one ctest test. doctest_discover_tests keeps test
# names in a CMake list, so a ';' in a TEST_CASE name cuts it in two: ctest then runs a filter
# that matches no case, and doctest passes a run of zero cases (found in six unit tests).
set -euo pipefail
cd "$(dirname "$0")/.."
# The name may be split over several string literals and lines (clang-format does that).
bad=$(find tests -name '*.cpp' -print0 | xargs -0 perl -0777 -ne '
  while (/TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/g) {
    my $name = $1;
    if ($name =~ /;/) { $name =~ s/\s+/ /g; print "$ARGV: $name\n" }
  }')
if [ -n "$bad" ]; then
  echo "$bad"
  echo "check-test-names: a TEST_CASE name above has a ';' (ctest would run none of it)" >&2
  exit 1
fi
