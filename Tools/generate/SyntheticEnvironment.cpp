#include "SyntheticEnvironment.h"

#include "DeterministicRandom.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace neuroplayback::generate {
namespace {

constexpr double kArenaSize = 100.0;

// A reward zone and a start point inside the open arena (used by grid, hexagonal and mesh).
void addOpenArenaRegions(SyntheticEnvironment& environment) {
  Region rewardZone{"reward_zone", "polygon", {}};
  const Vec2 center{75.0, 75.0};
  for (int corner = 0; corner < 5; ++corner) {
    const double angle = kPi / 2.0 + 2.0 * kPi * corner / 5.0;
    rewardZone.coords.push_back({center.x + 8.0 * std::cos(angle), center.y + 8.0 * std::sin(angle)});
  }
  environment.startPoint = {20.0, 20.0};
  environment.regions = {rewardZone, Region{"start", "point", {environment.startPoint}}};
}

}  // namespace

const char* layoutName(LayoutKind layout) {
  switch (layout) {
    case LayoutKind::Grid:
      return "grid";
    case LayoutKind::Hexagonal:
      return "hexagonal";
    case LayoutKind::Mesh:
      return "mesh";
    case LayoutKind::Track:
      return "track";
  }
  return "?";
}

double defaultBinSize(LayoutKind layout) {
  switch (layout) {
    case LayoutKind::Hexagonal:
      return 2.5;  // ~1,850 hexagons
    case LayoutKind::Mesh:
      return 4.0;  // 25 x 25 squares x 2 = 1,250 triangles
    case LayoutKind::Track:
      return 1.0;  // 320 cm of track = 320 bins
    case LayoutKind::Grid:
      break;
  }
  return 2.0;
}

SyntheticEnvironment buildGridEnvironment(int cellsX, int cellsY) {
  SyntheticEnvironment environment;
  environment.layout = LayoutKind::Grid;
  GridLayout& grid = environment.grid;
  grid.cellsX = cellsX;
  grid.cellsY = cellsY;
  for (int i = 0; i <= cellsX; ++i) {
    grid.xEdges.push_back(kArenaSize * i / cellsX);
  }
  for (int i = 0; i <= cellsY; ++i) {
    grid.yEdges.push_back(kArenaSize * i / cellsY);
  }
  // Cut a small triangle off every corner (like a ShapelyPolygon arena with bevelled corners), so
  // the mask is non-trivial and readers must honour the active-bin order.
  const int smallerSide = std::min(cellsX, cellsY);
  const int cornerCut = smallerSide >= 3 ? std::max(1, smallerSide / 10) : 0;
  grid.activeMask.assign(static_cast<std::size_t>(cellsX) * static_cast<std::size_t>(cellsY), 0);
  for (int ix = 0; ix < cellsX; ++ix) {
    for (int iy = 0; iy < cellsY; ++iy) {
      const int fromLeft = ix;
      const int fromRight = cellsX - 1 - ix;
      const int fromBottom = iy;
      const int fromTop = cellsY - 1 - iy;
      const bool inCorner = fromLeft + fromBottom < cornerCut || fromRight + fromBottom < cornerCut ||
                            fromLeft + fromTop < cornerCut || fromRight + fromTop < cornerCut;
      if (inCorner) {
        continue;
      }
      grid.activeMask[static_cast<std::size_t>(ix) * static_cast<std::size_t>(cellsY) + static_cast<std::size_t>(iy)] =
          1;
      // Active bins in C order of the (n_x, n_y) mask, as neurospatial numbers them.
      environment.binCenters.push_back({0.5 * (grid.xEdges[static_cast<std::size_t>(ix)] +
                                               grid.xEdges[static_cast<std::size_t>(ix) + 1]),
                                        0.5 * (grid.yEdges[static_cast<std::size_t>(iy)] +
                                               grid.yEdges[static_cast<std::size_t>(iy) + 1])});
    }
  }
  addOpenArenaRegions(environment);
  return environment;
}

SyntheticEnvironment buildHexagonalEnvironment(double hexagonWidth) {
  SyntheticEnvironment environment;
  environment.layout = LayoutKind::Hexagonal;
  // Point-up hexagons: flat sides left and right, so neighbours in a row are one width apart
  // and rows are 1.5 radii apart, odd rows shifted by half a width.
  const double radius = hexagonWidth / std::sqrt(3.0);
  environment.hexagonal = {radius, 0.0};
  const double rowSpacing = 1.5 * radius;
  const double tolerance = 1e-9;
  for (int row = 0;; ++row) {
    const double y = 0.5 * radius + row * rowSpacing;
    if (y > kArenaSize - 0.5 * radius + tolerance) {
      break;
    }
    const double rowShift = (row % 2 == 1) ? 0.5 * hexagonWidth : 0.0;
    for (int column = 0;; ++column) {
      const double x = 0.5 * hexagonWidth + rowShift + column * hexagonWidth;
      if (x > kArenaSize - 0.25 * hexagonWidth + tolerance) {
        break;
      }
      environment.binCenters.push_back({x, y});
    }
  }
  addOpenArenaRegions(environment);
  return environment;
}

SyntheticEnvironment buildMeshEnvironment(double triangleEdge, std::uint64_t seed) {
  SyntheticEnvironment environment;
  environment.layout = LayoutKind::Mesh;
  const int squares = std::max(1, static_cast<int>(std::lround(kArenaSize / triangleEdge)));
  const double spacing = kArenaSize / squares;
  const int verticesPerSide = squares + 1;
  RandomStream random(seed, RandomStreamId::Environment);
  MeshLayout& mesh = environment.mesh;
  for (int j = 0; j < verticesPerSide; ++j) {
    for (int i = 0; i < verticesPerSide; ++i) {
      Vec2 vertex{i * spacing, j * spacing};
      // Jitter interior vertices so triangles are irregular, as a real arena mesh would be;
      // boundary vertices stay on the walls.
      const bool interior = i > 0 && j > 0 && i < squares && j < squares;
      if (interior) {
        vertex.x += random.uniform(-0.2, 0.2) * spacing;
        vertex.y += random.uniform(-0.2, 0.2) * spacing;
      }
      mesh.vertices.push_back(vertex);
    }
  }
  auto vertexIndex = [verticesPerSide](int i, int j) { return static_cast<std::int32_t>(j * verticesPerSide + i); };
  for (int j = 0; j < squares; ++j) {
    for (int i = 0; i < squares; ++i) {
      const std::int32_t v00 = vertexIndex(i, j);
      const std::int32_t v10 = vertexIndex(i + 1, j);
      const std::int32_t v01 = vertexIndex(i, j + 1);
      const std::int32_t v11 = vertexIndex(i + 1, j + 1);
      // Alternate the diagonal so the mesh has no preferred direction; all counter-clockwise.
      if ((i + j) % 2 == 0) {
        mesh.triangles.push_back({v00, v10, v11});
        mesh.triangles.push_back({v00, v11, v01});
      } else {
        mesh.triangles.push_back({v00, v10, v01});
        mesh.triangles.push_back({v10, v11, v01});
      }
    }
  }
  for (const auto& triangle : mesh.triangles) {
    const Vec2& a = mesh.vertices[static_cast<std::size_t>(triangle[0])];
    const Vec2& b = mesh.vertices[static_cast<std::size_t>(triangle[1])];
    const Vec2& c = mesh.vertices[static_cast<std::size_t>(triangle[2])];
    environment.binCenters.push_back({(a.x + b.x + c.x) / 3.0, (a.y + b.y + c.y) / 3.0});
  }
  addOpenArenaRegions(environment);
  return environment;
}

SyntheticEnvironment buildTrackEnvironment(double binLength) {
  SyntheticEnvironment environment;
  environment.layout = LayoutKind::Track;
  TrackLayout& track = environment.track;
  // A W-track: three vertical arms joined along the top.
  track.nodes = {{10.0, 10.0}, {10.0, 90.0}, {50.0, 90.0}, {50.0, 10.0}, {90.0, 90.0}, {90.0, 10.0}};
  track.edges = {{0, 1}, {1, 2}, {2, 3}, {2, 4}, {4, 5}};
  // Linearise by laying the edges end to end in the order above (no gaps between edges).
  double linearOffset = 0.0;
  for (const auto& edge : track.edges) {
    const Vec2 start = track.nodes[static_cast<std::size_t>(edge[0])];
    const Vec2 end = track.nodes[static_cast<std::size_t>(edge[1])];
    const double edgeLength = length(end - start);
    const int pieces = std::max(1, static_cast<int>(std::lround(edgeLength / binLength)));
    const double pieceLength = edgeLength / pieces;
    for (int piece = 0; piece < pieces; ++piece) {
      const Vec2 pieceStart = lerp(start, end, static_cast<double>(piece) / pieces);
      const Vec2 pieceEnd = lerp(start, end, static_cast<double>(piece + 1) / pieces);
      track.binSegments.push_back({pieceStart, pieceEnd});
      track.linearPosition.push_back(linearOffset + (piece + 0.5) * pieceLength);
      environment.binCenters.push_back(lerp(pieceStart, pieceEnd, 0.5));
    }
    linearOffset += edgeLength;
  }
  environment.startPoint = track.nodes[0];
  environment.regions = {
      Region{"reward_zone", "polygon", {{84.0, 4.0}, {96.0, 4.0}, {96.0, 16.0}, {84.0, 16.0}}},
      Region{"start", "point", {environment.startPoint}},
  };
  return environment;
}

BinNeighbourIndex::BinNeighbourIndex(const std::vector<Vec2>& binCenters, double bucketSize)
    : binCenters_(binCenters), bucketSize_(bucketSize) {
  if (binCenters_.empty()) {
    throw std::invalid_argument("environment has no bins");
  }
  Vec2 low = binCenters_.front();
  Vec2 high = binCenters_.front();
  for (const Vec2& center : binCenters_) {
    low = {std::min(low.x, center.x), std::min(low.y, center.y)};
    high = {std::max(high.x, center.x), std::max(high.y, center.y)};
  }
  origin_ = low;
  bucketsX_ = static_cast<int>(std::floor((high.x - low.x) / bucketSize_)) + 1;
  bucketsY_ = static_cast<int>(std::floor((high.y - low.y) / bucketSize_)) + 1;
  const std::size_t bucketCount = static_cast<std::size_t>(bucketsX_) * static_cast<std::size_t>(bucketsY_);
  std::vector<std::size_t> bucketOfBin(binCenters_.size());
  std::vector<std::uint32_t> counts(bucketCount, 0);
  for (std::size_t bin = 0; bin < binCenters_.size(); ++bin) {
    const int bx = clampBucketX((binCenters_[bin].x - origin_.x) / bucketSize_);
    const int by = clampBucketY((binCenters_[bin].y - origin_.y) / bucketSize_);
    bucketOfBin[bin] = static_cast<std::size_t>(by) * static_cast<std::size_t>(bucketsX_) + static_cast<std::size_t>(bx);
    ++counts[bucketOfBin[bin]];
  }
  bucketStart_.assign(bucketCount + 1, 0);
  for (std::size_t bucket = 0; bucket < bucketCount; ++bucket) {
    bucketStart_[bucket + 1] = bucketStart_[bucket] + counts[bucket];
  }
  sortedBins_.resize(binCenters_.size());
  std::vector<std::uint32_t> fill(bucketStart_.begin(), bucketStart_.end() - 1);
  for (std::size_t bin = 0; bin < binCenters_.size(); ++bin) {
    sortedBins_[fill[bucketOfBin[bin]]++] = static_cast<std::uint32_t>(bin);
  }
}

int BinNeighbourIndex::clampBucketX(double position) const {
  return static_cast<int>(std::clamp(std::floor(position), 0.0, static_cast<double>(bucketsX_ - 1)));
}

int BinNeighbourIndex::clampBucketY(double position) const {
  return static_cast<int>(std::clamp(std::floor(position), 0.0, static_cast<double>(bucketsY_ - 1)));
}

std::size_t BinNeighbourIndex::nearestBin(Vec2 point) const {
  // Grow the search radius until something is found; bins are dense, so this ends quickly.
  for (double radius = bucketSize_;; radius *= 2.0) {
    std::size_t best = binCenters_.size();
    double bestDistance = 0.0;
    forEachWithin(point, radius, [&](std::uint32_t bin, double d2) {
      if (best == binCenters_.size() || d2 < bestDistance) {
        best = bin;
        bestDistance = d2;
      }
    });
    if (best != binCenters_.size()) {
      return best;
    }
  }
}

}  // namespace neuroplayback::generate
