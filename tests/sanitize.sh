#!/usr/bin/env bash
# sanitize.sh: the unit suite under AddressSanitizer and UndefinedBehaviorSanitizer (clang),
# in the same build tree as the fuzz targets (build-fuzz/, -DEDGEGW_FUZZ=ON turns both on).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
cxx=${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}
[ -n "$cxx" ] || { echo "sanitize.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }
cmake -S "$root" -B "$build" -DEDGEGW_FUZZ=ON -DEDGEGW_BENCH=OFF \
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target unit_tests
# Leaks in the third-party libraries' static state are not ours; everything else fails the run.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/bin/unit_tests"
