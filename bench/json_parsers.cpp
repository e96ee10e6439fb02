// json_parsers.cpp: simdjson DOM (what the drivers use) against nlohmann_json, extracting the
// fields the wmbusmeters driver needs from the fixture telegrams, and a 768-pixel frame.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/decode_scratch.h"
#include "drivers/wmbusmeters_json.h"

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

const char* const kTelegrams[] = {"water/wmbus-iperl.json", "water/wmbus-multical21.json",
                                  "water/wmbus-izar-alarms.json", "water/wmbus-hydrus.json",
                                  "water/wmbus-kamwater-error.json"};

// What the driver reads: id, total_m3, flow (or max flow), three status strings, timestamp.
struct Fields {
  std::string_view id, status[3], timestamp;
  double total = 0, flow = 0;
};

const char* const kStatusKeys[] = {"status", "current_status", "current_alarms"};

void simdjson_fields(std::string_view payload, DecodeScratch& scratch, Fields& f) {
  simdjson::dom::element root;
  if (parse_json(payload, 64 * 1024, 8, scratch, root)) std::abort();
  simdjson::dom::object o;
  if (root.get(o) || o.at_key("id").get(f.id) || o.at_key("total_m3").get(f.total)) std::abort();
  if (o.at_key("flow_m3h").get(f.flow) && o.at_key("max_flow_m3h").get(f.flow)) f.flow = 0;
  for (int i = 0; i < 3; ++i)
    if (o.at_key(kStatusKeys[i]).get(f.status[i])) f.status[i] = {};
  if (o.at_key("timestamp").get(f.timestamp)) f.timestamp = {};
}

void nlohmann_fields(std::string_view payload, nlohmann::json& doc, Fields& f) {
  doc = nlohmann::json::parse(payload);
  f.id = doc["id"].get_ref<const std::string&>();
  f.total = doc["total_m3"].get<double>();
  if (auto it = doc.find("flow_m3h"); it != doc.end())
    f.flow = it->get<double>();
  else if (auto mt = doc.find("max_flow_m3h"); mt != doc.end())
    f.flow = mt->get<double>();
  for (int i = 0; i < 3; ++i)
    if (auto it = doc.find(kStatusKeys[i]); it != doc.end() && it->is_string())
      f.status[i] = it->get_ref<const std::string&>();
  if (auto it = doc.find("timestamp"); it != doc.end())
    f.timestamp = it->get_ref<const std::string&>();
}

void BM_simdjson_dom_fields(benchmark::State& state) {
  const std::string payload = fixture(kTelegrams[state.range(0)]);
  DecodeScratch scratch;
  Fields f;
  for (auto _ : state) {
    simdjson_fields(payload, scratch, f);
    benchmark::DoNotOptimize(f);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  state.SetLabel(kTelegrams[state.range(0)]);
}

void BM_nlohmann_fields(benchmark::State& state) {
  const std::string payload = fixture(kTelegrams[state.range(0)]);
  nlohmann::json doc;
  Fields f;
  for (auto _ : state) {
    nlohmann_fields(payload, doc, f);
    benchmark::DoNotOptimize(f);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  state.SetLabel(kTelegrams[state.range(0)]);
}

// The whole driver: parse + fields + status mapping + timestamp parsing.
void BM_wmbusmeters_driver(benchmark::State& state) {
  const std::string payload = fixture(kTelegrams[state.range(0)]);
  DecodeScratch scratch;
  Reading r;
  for (auto _ : state) {
    if (decode_wmbusmeters_json("wmbusmeters/x", payload, DecodeLimits{}, scratch, r)) std::abort();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  state.SetLabel(kTelegrams[state.range(0)]);
}

// A 4.6 KB thermal frame: 768 numbers into a float array.
void BM_simdjson_dom_frame(benchmark::State& state) {
  const std::string payload = fixture("facade/constructed-mlx90640-frame-hotspot.json");
  DecodeScratch scratch;
  for (auto _ : state) {
    simdjson::dom::element root;
    if (parse_json(payload, 64 * 1024, 8, scratch, root)) std::abort();
    simdjson::dom::array values;
    if (root.at_key("frame_c").get(values)) std::abort();
    size_t i = 0;
    for (simdjson::dom::element v : values) {
      double c;
      if (v.get(c)) std::abort();
      scratch.frame[i++ % kFramePixels] = static_cast<float>(c);
    }
    benchmark::DoNotOptimize(scratch.frame);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}

void BM_nlohmann_frame(benchmark::State& state) {
  const std::string payload = fixture("facade/constructed-mlx90640-frame-hotspot.json");
  std::array<float, kFramePixels> frame{};
  nlohmann::json doc;
  for (auto _ : state) {
    doc = nlohmann::json::parse(payload);
    size_t i = 0;
    for (const auto& v : doc["frame_c"]) frame[i++ % kFramePixels] = v.get<float>();
    benchmark::DoNotOptimize(frame);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}

BENCHMARK(BM_simdjson_dom_fields)->DenseRange(0, 4);
BENCHMARK(BM_nlohmann_fields)->DenseRange(0, 4);
BENCHMARK(BM_wmbusmeters_driver)->DenseRange(0, 4);
BENCHMARK(BM_simdjson_dom_frame);
BENCHMARK(BM_nlohmann_frame);

}  // namespace

BENCHMARK_MAIN();
