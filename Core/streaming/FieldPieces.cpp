#include "FieldPieces.h"

#include <algorithm>
#include <utility>

namespace neuroplayback {

namespace {

// Along x, where each bin's cell starts and ends.
std::vector<std::pair<double, double>> BinExtentsAlongX(const Environment& e) {
  std::vector<std::pair<double, double>> extents(static_cast<std::size_t>(e.BinCount));
  for (std::int64_t bin = 0; bin < e.BinCount; ++bin) {
    auto& [low, high] = extents[static_cast<std::size_t>(bin)];
    const double centre = e.BinCenters.size() > static_cast<std::size_t>(2 * bin) ? e.BinCenters[static_cast<std::size_t>(2 * bin)] : 0.0;
    low = high = centre;
    if (e.Layout == LayoutKind::Hexagonal) {
      low = centre - e.HexRadius;
      high = centre + e.HexRadius;
    } else if (e.Layout == LayoutKind::Mesh && e.Triangles.size() >= static_cast<std::size_t>(3 * (bin + 1))) {
      low = std::numeric_limits<double>::infinity();
      high = -low;
      for (int k = 0; k < 3; ++k) {
        const double x = e.Vertices[static_cast<std::size_t>(2 * e.Triangles[static_cast<std::size_t>(3 * bin + k)])];
        low = std::min(low, x);
        high = std::max(high, x);
      }
    } else if (e.Layout == LayoutKind::Track && e.BinSegments.size() >= static_cast<std::size_t>(4 * (bin + 1))) {
      const double* s = &e.BinSegments[static_cast<std::size_t>(4 * bin)];
      low = std::min(s[0], s[2]);
      high = std::max(s[0], s[2]);
    }
  }
  return extents;
}

void AddBin(std::vector<ColumnRun>& runs, std::int64_t bin) {
  if (!runs.empty() && runs.back().First + runs.back().Count == bin) {
    ++runs.back().Count;
  } else {
    runs.push_back({ bin, 1 });
  }
}

} // namespace

std::int64_t FieldPiece::BinCount() const {
  std::int64_t count = 0;
  for (const ColumnRun& run : Runs) {
    count += run.Count;
  }
  return count;
}

std::vector<std::int64_t> FieldPiece::Bins() const {
  std::vector<std::int64_t> bins;
  for (const ColumnRun& run : Runs) {
    for (std::int64_t k = 0; k < run.Count; ++k) {
      bins.push_back(run.First + k);
    }
  }
  return bins;
}

FieldPiece GridColumnsPiece(const Environment& e, std::int64_t firstColumn, std::int64_t endColumn) {
  firstColumn = std::clamp<std::int64_t>(firstColumn, 0, e.GridX);
  endColumn = std::clamp<std::int64_t>(endColumn, firstColumn, e.GridX);
  FieldPiece piece;
  if (firstColumn > 0 && static_cast<std::size_t>(firstColumn) < e.XEdges.size()) {
    piece.XMin = e.XEdges[static_cast<std::size_t>(firstColumn)];
  }
  if (endColumn < e.GridX && static_cast<std::size_t>(endColumn) < e.XEdges.size()) {
    piece.XMax = e.XEdges[static_cast<std::size_t>(endColumn)];
  }
  // Bins run column by column (x outer, as neurospatial's active mask), so the columns' bins are one run.
  std::int64_t bin = 0;
  for (std::int64_t ix = 0; ix < e.GridX; ++ix) {
    for (std::int64_t iy = 0; iy < e.GridY; ++iy) {
      if (e.ActiveMask[static_cast<std::size_t>(ix * e.GridY + iy)] != 0) {
        if (ix >= firstColumn && ix < endColumn) {
          AddBin(piece.Runs, bin);
        }
        ++bin;
      }
    }
  }
  return piece;
}

FieldPiece SlabOfEnvironment(const Environment& e, int piece, int pieces) {
  pieces = std::max(1, pieces);
  piece = std::clamp(piece, 0, pieces - 1);
  if (e.Layout == LayoutKind::Grid) {
    return GridColumnsPiece(e, e.GridX * piece / pieces, e.GridX * (piece + 1) / pieces);
  }
  FieldPiece result;
  std::vector<double> centres;
  for (std::int64_t bin = 0; bin < e.BinCount; ++bin) {
    centres.push_back(e.BinCenters[static_cast<std::size_t>(2 * bin)]);
  }
  std::sort(centres.begin(), centres.end());
  const auto boundary = [&](int k) { return centres[static_cast<std::size_t>(e.BinCount * k / pieces)]; };
  if (piece > 0 && e.BinCount > 0) {
    result.XMin = boundary(piece);
  }
  if (piece + 1 < pieces && e.BinCount > 0) {
    result.XMax = boundary(piece + 1);
  }
  const auto extents = BinExtentsAlongX(e);
  for (std::int64_t bin = 0; bin < e.BinCount; ++bin) {
    const auto& [low, high] = extents[static_cast<std::size_t>(bin)];
    if (high >= result.XMin && low <= result.XMax) {
      AddBin(result.Runs, bin);
    }
  }
  return result;
}

} // namespace neuroplayback
