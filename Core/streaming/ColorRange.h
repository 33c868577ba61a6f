#pragma once
// One global colour range for a field, so colours mean the same thing on every frame.
#include "FieldStream.h"

#include <cstdint>
#include <functional>

namespace neuroplayback {

struct ValueRange {
  double Min = 0.0;
  double Max = 1.0;
  // Where it came from: "file", "estimate", "exact" or "default" (no finite values seen).
  const char* Source = "default";
};

// Widens a degenerate range (v, v) to (v - 0.5, v + 0.5), as neurospatial does.
ValueRange Widened(double low, double high, const char* source);

// 1st/99th percentiles (by default) of the finite values of up to sampleFrames random frames.
// Reads only those frames, so its cost does not grow with the session length.
ValueRange EstimateRange(FieldStream& field, int sampleFrames = 200, std::uint64_t seed = 12345,
  double lowPercentile = 1.0, double highPercentile = 99.0);

// Exact finite min/max over every frame, streamed block by block. progress(fraction) is called
// between blocks; returning false cancels, and the range seen so far is returned.
ValueRange ExactRange(FieldStream& field, const std::function<bool(double)>& progress = {});

} // namespace neuroplayback
