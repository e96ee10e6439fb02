// decode_drivers.cpp: decode_with() for each driver on its fixtures, with a reused scratch,
// counting heap allocations per decode (the success path should allocate nothing).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include "drivers/native_reading.h"
#include "drivers/registry.h"
#include "drivers/validate.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Counting replacements of the global allocation functions (GCC cannot see that the
// replaced delete pairs with the replaced new).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace edgegw;

std::string fixture(const std::string& rel) {
  std::ifstream in(std::string(EDGEGW_FIXTURES) + "/" + rel, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "missing fixture %s\n", rel.c_str());
    std::exit(1);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(benchmark::State& state, const std::string& topic, const std::string& payload) {
  const auto routes = default_routes();
  const auto driver = route_topic(routes, topic);
  if (!driver) std::abort();
  DecodeScratch scratch;
  Reading r;
  if (decode_with(*driver, topic, payload, DecodeLimits{}, scratch, r)) std::abort();  // warm up
  const long before = g_allocations.load();
  for (auto _ : state) {
    if (decode_with(*driver, topic, payload, DecodeLimits{}, scratch, r)) std::abort();
    if (validate_reading(r, 1717200000000, DecodeLimits{})) std::abort();
    benchmark::DoNotOptimize(r);
  }
  state.counters["allocs/op"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - before) / static_cast<double>(state.iterations()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}

void fixture_bench(benchmark::State& state, const char* topic, const char* file) {
  run(state, topic, fixture(file));
}

void native_bench(benchmark::State& state, const char* file) {
  // the native form of a reading decoded from another fixture
  const std::string source = fixture(file);
  DecodeScratch scratch;
  Reading r;
  const auto routes = default_routes();
  const std::string topic = file[0] == 'w' ? "cjt188/x" : "facade/x";
  if (decode_with(*route_topic(routes, topic), topic, source, DecodeLimits{}, scratch, r))
    std::abort();
  run(state, "edgegw/reading/x", encode_native_reading(r));
}

BENCHMARK_CAPTURE(fixture_bench, wmbusmeters_iperl, "wmbusmeters/x", "water/wmbus-iperl.json");
BENCHMARK_CAPTURE(fixture_bench, wmbusmeters_izar, "wmbusmeters/x", "water/wmbus-izar-alarms.json");
BENCHMARK_CAPTURE(fixture_bench, cjt188_hex, "cjt188/x",
                  "water/constructed-cjt188-status-0500.hex");
BENCHMARK_CAPTURE(fixture_bench, zigbee2mqtt, "zigbee2mqtt/door",
                  "door/constructed-z2m-night-open.json");
BENCHMARK_CAPTURE(fixture_bench, zigbee2mqtt_battery_string, "zigbee2mqtt/door",
                  "door/z2m-battery-string.json");
BENCHMARK_CAPTURE(fixture_bench, zigbee2mqtt_availability, "zigbee2mqtt/door/availability",
                  "door/z2m-availability-json.json");
BENCHMARK_CAPTURE(fixture_bench, facade_json_roi, "facade/s03",
                  "facade/constructed-roi-heating.json");
BENCHMARK_CAPTURE(fixture_bench, facade_json_frame, "facade/s03",
                  "facade/constructed-mlx90640-frame-hotspot.json");
BENCHMARK_CAPTURE(fixture_bench, facade_raw_frame, "facade/s03/raw",
                  "facade/constructed-mlx90640-frame-hotspot.f32");
BENCHMARK_CAPTURE(native_bench, native_water, "water/constructed-cjt188-123.45m3.hex");
BENCHMARK_CAPTURE(native_bench, native_facade_frame,
                  "facade/constructed-mlx90640-frame-hotspot.json");

}  // namespace

BENCHMARK_MAIN();
