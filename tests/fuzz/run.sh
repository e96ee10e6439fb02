#!/usr/bin/env bash
# run.sh: builds the libFuzzer targets in build-fuzz/ and runs each for FUZZ_SECONDS (default 30)
# on a seed corpus copied from tests/fixtures. Exits non-zero when any target finds a crash,
# leak, sanitizer report or timeout; reproducers are kept in build-fuzz/findings/<target>/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-30}
cxx=${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}
[ -n "$cxx" ] || { echo "run.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }
fixtures=$root/tests/fixtures
targets=(wmbusmeters cjt188 zigbee2mqtt facade native mqtt_wire)

cmake -S "$root" -B "$build" -DEDGEGW_FUZZ=ON -DEDGEGW_BENCH=OFF \
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

seed() {  # seed <target> <files...>: a fresh corpus dir holding copies of the given files
  local dir=$build/corpus/$1; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/"; done
  echo "$dir"
}

declare -A corpus
corpus[wmbusmeters]=$(seed wmbusmeters "$fixtures"/water/*.json "$fixtures"/bad/wmbus-*)
corpus[cjt188]=$(seed cjt188 "$fixtures"/water/*.hex "$fixtures"/bad/cjt188-*)
corpus[zigbee2mqtt]=$(seed zigbee2mqtt "$fixtures"/door/* "$fixtures"/bad/z2m-*)
corpus[facade]=$(seed facade "$fixtures"/facade/* "$fixtures"/bad/facade-*)
corpus[native]=$(seed native "$fixtures"/bad/native-*)
corpus[mqtt_wire]=$(seed mqtt_wire "$root"/tests/fuzz/seeds/mqtt_wire/*)
EDGEGW_FUZZ_WRITE_SEEDS=${corpus[native]} "$build/bin/fuzz_native" -runs=0 "${corpus[native]}" \
  >/dev/null 2>&1

failed=()
for t in "${targets[@]}"; do
  findings=$build/findings/$t
  mkdir -p "$findings"
  echo "== fuzz_$t for ${seconds}s (corpus ${corpus[$t]})"
  if ! "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -use_value_profile=1 -print_final_stats=1 \
        -artifact_prefix="$findings/" "${corpus[$t]}" >"$build/fuzz_$t.log" 2>&1; then
    failed+=("$t")
    tail -n 40 "$build/fuzz_$t.log"
  fi
  grep -E "stat::number_of_executed_units|cov:" "$build/fuzz_$t.log" | tail -n 2 || true
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "run.sh: crashes in: ${failed[*]} (reproducers in $build/findings/)" >&2
  exit 1
fi
echo "run.sh: all ${#targets[@]} fuzz targets ran ${seconds}s without a crash"
