// Portable, seedable random numbers.
//
// std::*_distribution output is implementation-defined, so identical seeds could give different
// files with another standard library. Everything here is spelled out (xoshiro256** seeded by
// SplitMix64, Box-Muller normals), so the same arguments and seed always give the same bytes.
#pragma once

#include <cmath>
#include <cstdint>

namespace neuroplayback::generate {

inline std::uint64_t splitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Random access "random" value for (key, counter): lets frame i's jitter be computed without
// replaying frames 0..i-1.
inline double hashedUnitInterval(std::uint64_t key, std::uint64_t counter) {
  std::uint64_t state = key ^ (counter * 0xd1b54a32d192ed03ULL);
  return static_cast<double>(splitMix64(state) >> 11) * 0x1.0p-53;
}

// Each consumer draws from its own stream, so e.g. changing --nan-fraction or --fields never
// changes the trajectory or the spikes, and the spike-counting pre-pass replays exactly the
// spikes that the writing pass produces.
enum class RandomStreamId : std::uint64_t {
  Environment = 1,
  Trajectory = 2,
  FrameJitter = 3,
  PlaceUnits = 4,
  Spikes = 5,
  Bodyparts = 6,
  FieldDecoderNoise = 100,  // + field index
  FieldNanMask = 200,       // + field index
};

inline std::uint64_t streamKey(std::uint64_t seed, RandomStreamId stream, std::uint64_t offset = 0) {
  std::uint64_t state = seed ^ ((static_cast<std::uint64_t>(stream) + offset) * 0x9e3779b97f4a7c15ULL);
  splitMix64(state);
  return splitMix64(state);
}

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, RandomStreamId stream, std::uint64_t offset = 0) {
    std::uint64_t state = streamKey(seed, stream, offset);
    for (std::uint64_t& word : state_) {
      word = splitMix64(state);
    }
  }

  std::uint64_t nextBits() {
    const std::uint64_t result = rotateLeft(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotateLeft(state_[3], 45);
    return result;
  }

  // [0, 1)
  double uniform() { return static_cast<double>(nextBits() >> 11) * 0x1.0p-53; }

  // (0, 1): safe to take the logarithm of.
  double uniformOpen() { return (static_cast<double>(nextBits() >> 12) + 0.5) * 0x1.0p-52; }

  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  std::uint64_t index(std::uint64_t count) { return nextBits() % count; }

  double normal() {
    if (hasSpareNormal_) {
      hasSpareNormal_ = false;
      return spareNormal_;
    }
    const double radius = std::sqrt(-2.0 * std::log(uniformOpen()));
    const double angle = 2.0 * 3.14159265358979323846 * uniform();
    spareNormal_ = radius * std::sin(angle);
    hasSpareNormal_ = true;
    return radius * std::cos(angle);
  }

  double exponential() { return -std::log(uniformOpen()); }

  // Number of failures before the next success of a Bernoulli(p) sequence; lets sparse events
  // (NaN values) be placed with one draw per event instead of one per candidate.
  std::uint64_t geometricGap(double probability) {
    if (probability >= 1.0) {
      return 0;
    }
    const double gap = std::floor(std::log(uniformOpen()) / std::log1p(-probability));
    return gap >= 1.8e19 ? UINT64_MAX / 2 : static_cast<std::uint64_t>(gap);
  }

 private:
  static std::uint64_t rotateLeft(std::uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }

  std::uint64_t state_[4] = {};
  double spareNormal_ = 0.0;
  bool hasSpareNormal_ = false;
};

}  // namespace neuroplayback::generate
