#include "ColorRange.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
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
  std::vector<std::int64_t> chosen;
  if (samples == frames) {
    for (std::int64_t i = 0; i < frames; ++i) {
      chosen.push_back(i);
    }
  } else {
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<std::int64_t> pick(0, frames - 1);
    while (static_cast<std::int64_t>(chosen.size()) < samples) {
      chosen.push_back(pick(random));
    }
    // Reading in file order keeps the disk access pattern friendly.
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  }
  std::vector<double> values;
  std::vector<double> frame;
  for (std::int64_t index : chosen) {
    field.ReadFrameUncached(index, frame);
    for (double v : frame) {
      if (std::isfinite(v)) {
        values.push_back(v);
      }
    }
  }
  if (values.empty()) {
    return ValueRange{};
  }
  auto quantile = [&values](double percent) {
    const double position = std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
    const auto index = static_cast<std::size_t>(std::llround(position));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
    return values[index];
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
