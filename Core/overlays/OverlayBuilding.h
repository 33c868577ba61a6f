#pragma once
// Small helpers shared by the overlay kinds' builders (PositionOverlay.cpp, ...). Internal.
#include <cmath>

namespace neuroplayback {

// Both coordinates are finite (a missing sample is NaN).
inline bool Finite2(const double* xy) { return std::isfinite(xy[0]) && std::isfinite(xy[1]); }

} // namespace neuroplayback
