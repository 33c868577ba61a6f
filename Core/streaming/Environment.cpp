#include "Environment.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuroplayback {

const char* LayoutName(LayoutKind kind) {
  switch (kind) {
    case LayoutKind::Grid: return "grid";
    case LayoutKind::Hexagonal: return "hexagonal";
    case LayoutKind::Mesh: return "mesh";
    case LayoutKind::Track: return "track";
  }
  return "unknown";
}

std::vector<std::int64_t> Environment::GridCellOfBin() const {
  std::vector<std::int64_t> cells;
  cells.reserve(static_cast<std::size_t>(BinCount));
  for (std::int64_t ix = 0; ix < GridX; ++ix) {
    for (std::int64_t iy = 0; iy < GridY; ++iy) {
      if (ActiveMask[static_cast<std::size_t>(ix * GridY + iy)] != 0) {
        cells.push_back(iy * GridX + ix);
      }
    }
  }
  return cells;
}

std::vector<double> Environment::Bounds() const {
  if (Layout == LayoutKind::Grid && !XEdges.empty() && !YEdges.empty()) {
    return { XEdges.front(), XEdges.back(), YEdges.front(), YEdges.back() };
  }
  double bounds[4] = { std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity() };
  auto extend = [&bounds](const std::vector<double>& xy, double pad) {
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
      bounds[0] = std::min(bounds[0], xy[i] - pad);
      bounds[1] = std::max(bounds[1], xy[i] + pad);
      bounds[2] = std::min(bounds[2], xy[i + 1] - pad);
      bounds[3] = std::max(bounds[3], xy[i + 1] + pad);
    }
  };
  extend(BinCenters, Layout == LayoutKind::Hexagonal ? HexRadius : 0.0);
  extend(Vertices, 0.0);
  extend(BinSegments, 0.0);
  if (!std::isfinite(bounds[0])) {
    return { 0.0, 1.0, 0.0, 1.0 };
  }
  return { bounds[0], bounds[1], bounds[2], bounds[3] };
}

} // namespace neuroplayback
