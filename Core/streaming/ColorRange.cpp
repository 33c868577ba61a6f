#include "ColorRange.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace neuroplayback {

ValueRange Widened(double low, double high, const char* source) {
  if (!std::isfinite(low) || !std::isfinite(high) || low > high) {
    return ValueRange{};
  }
  if (low == high) {
    return ValueRange{ low - 0.5, high + 0.5, source };
  }
  return ValueRange{ low, high, source };
}

ValueRange EstimateRange(FieldStream& field, int sampleFrames, std::uint64_t seed, double lowPercentile,
  double highPercentile) {
  const std::int64_t frames = field.FrameCount();
  const std::int64_t samples = std::min<std::int64_t>(frames, std::max(1, sampleFrames));
  std::vector<double> values;
  std::vector<double> frame;
  const auto keepFinite = [&values](const double* begin, const double* end) {
    for (const double* v = begin; v != end; ++v) {
      if (std::isfinite(*v)) {
        values.push_back(*v);
      }
    }
  };
  std::mt19937_64 random(seed);
  const std::int64_t blockFrames = std::max<std::int64_t>(1, field.BlockFrames());
  if (field.ReadsWholeBlocks() && blockFrames > 1) {
    // A compressed chunk is inflated whole to read one frame: sample whole random blocks instead, enough
    // of them to spread over the session (at least 32 when there are that many), each read once, with
    // the sample's frames spread evenly inside them.
    const std::int64_t blockCount = (frames + blockFrames - 1) / blockFrames;
    const std::int64_t wanted = samples == frames
      ? blockCount
      : std::min(blockCount, std::max<std::int64_t>(32, (samples + blockFrames - 1) / blockFrames));
    std::set<std::int64_t> blocks;
    std::uniform_int_distribution<std::int64_t> pick(0, blockCount - 1);
    for (std::int64_t block = 0; wanted == blockCount && block < blockCount; ++block) {
      blocks.insert(block);
    }
    while (static_cast<std::int64_t>(blocks.size()) < wanted) {
      blocks.insert(pick(random));
    }
    const std::int64_t perBlock = samples == frames ? blockFrames : std::max<std::int64_t>(1, samples / wanted);
    const auto bins = static_cast<std::size_t>(std::max<std::int64_t>(1, field.BinCount()));
    for (std::int64_t block : blocks) {  // in file order
      field.ReadFramesUncached(block * blockFrames, blockFrames, frame);
      const auto inBlock = static_cast<std::int64_t>(frame.size() / bins);
      const std::int64_t taken = std::min(perBlock, inBlock);
      for (std::int64_t k = 0; k < taken; ++k) {
        const auto row = static_cast<std::size_t>(k * inBlock / taken);
        keepFinite(frame.data() + row * bins, frame.data() + (row + 1) * bins);
      }
    }
  } else {
    std::vector<std::int64_t> chosen;
    if (samples == frames) {
      for (std::int64_t i = 0; i < frames; ++i) {
        chosen.push_back(i);
      }
    } else {
      std::uniform_int_distribution<std::int64_t> pick(0, frames - 1);
      while (static_cast<std::int64_t>(chosen.size()) < samples) {
        chosen.push_back(pick(random));
      }
      // Reading in file order keeps the disk access pattern friendly.
      std::sort(chosen.begin(), chosen.end());
      chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    }
    for (std::int64_t index : chosen) {
      field.ReadFrameUncached(index, frame);
      keepFinite(frame.data(), frame.data() + frame.size());
    }
  }
  if (values.empty()) {
    return ValueRange{};
  }
  // Linear interpolation between the two closest ranks, as numpy's percentile (neurospatial's choice),
  // so the number a user checks against np.percentile is the same.
  auto quantile = [&values](double percent) {
    const double position = std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const auto at = values.begin() + static_cast<std::ptrdiff_t>(below);
    std::nth_element(values.begin(), at, values.end());
    const double a = *at;
    if (below + 1 >= values.size()) {
      return a;
    }
    const double b = *std::min_element(at + 1, values.end()); // the next rank: everything after is >= a
    const double t = position - static_cast<double>(below);
    return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t; // numpy's _lerp
  };
  const double low = quantile(lowPercentile);
  const double high = quantile(highPercentile);
  return Widened(low, high, "estimate");
}

ValueRange ExactRange(FieldStream& field, const std::function<bool(double)>& progress) {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  const std::int64_t frames = field.FrameCount();
  const std::int64_t step = field.BlockFrames();
  for (std::int64_t frame = 0; frame < frames; ++frame) {
    const void* data = field.Frame(frame);
    const auto bins = static_cast<std::size_t>(field.BinCount());
    for (std::size_t i = 0; i < bins; ++i) {
      const double v = field.Type() == ScalarType::Float32 ? static_cast<const float*>(data)[i]
                                                           : static_cast<const double*>(data)[i];
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
    }
    if (progress && (frame + 1) % step == 0 && !progress(static_cast<double>(frame + 1) / static_cast<double>(frames))) {
      break;
    }
  }
  if (progress) {
    progress(1.0);
  }
  return Widened(low, high, "exact");
}

} // namespace neuroplayback
