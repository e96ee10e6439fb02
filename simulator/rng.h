// rng.h: deterministic random streams: one std::mt19937_64 per (seed, purpose, index), so a
// device's behaviour never depends on how its messages interleave with other devices'.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace fleetsim {

// SplitMix64 finaliser: mixes a 64-bit value into a well-spread one.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Purposes of the streams, so that two streams of one device never coincide.
enum class Stream : uint64_t {
  routine = 1,
  meter = 2,
  door = 3,
  facade = 4,
  incidents = 5,
  fleet = 6,
  traits = 7,
  outage = 8
};

inline std::mt19937_64 make_rng(uint64_t seed, Stream purpose, uint64_t index) {
  return std::mt19937_64(mix64(mix64(seed) ^ mix64(static_cast<uint64_t>(purpose) << 40 ^ index)));
}

inline double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

inline bool chance(std::mt19937_64& rng, double p) {
  return uniform(rng, 0.0, 1.0) < p;
}

inline double normal(std::mt19937_64& rng, double mean, double sd) {
  return std::normal_distribution<double>(mean, sd)(rng);
}

inline int uniform_int(std::mt19937_64& rng, int lo, int hi) {  // inclusive
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

inline int poisson(std::mt19937_64& rng, double mean) {
  return mean > 0 ? std::poisson_distribution<int>(mean)(rng) : 0;
}

inline double clamp_normal(std::mt19937_64& rng, double mean, double sd, double lo, double hi) {
  const double v = normal(rng, mean, sd);
  return v < lo ? lo : (v > hi ? hi : v);
}

}  // namespace fleetsim
