// The spatial side of a synthetic session: bins of one of the four layouts of the session format,
// the arena or track the animal moves in, and named regions.
#pragma once

#include "Geometry.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace neuroplayback::generate {

enum class LayoutKind { Grid, Hexagonal, Mesh, Track };

const char* layoutName(LayoutKind layout);

struct GridLayout {
  int cellsX = 0;
  int cellsY = 0;
  std::vector<double> xEdges;
  std::vector<double> yEdges;
  std::vector<std::uint8_t> activeMask;  // (cellsX, cellsY), C order: ix * cellsY + iy
};

struct HexagonalLayout {
  double radius = 0.0;       // centre to vertex
  double orientation = 0.0;  // 0 = point-up
};

struct MeshLayout {
  std::vector<Vec2> vertices;
  std::vector<std::array<std::int32_t, 3>> triangles;  // triangle k is bin k
};

struct TrackLayout {
  std::vector<Vec2> nodes;
  std::vector<std::array<std::int32_t, 2>> edges;
  std::vector<std::array<Vec2, 2>> binSegments;  // start and end of the track piece of each bin
  std::vector<double> linearPosition;            // distance along the linearised track, per bin
};

struct Region {
  std::string name;
  std::string kind;  // "polygon" or "point"
  std::vector<Vec2> coords;
};

struct SyntheticEnvironment {
  LayoutKind layout = LayoutKind::Grid;
  std::string units = "cm";
  std::vector<Vec2> binCenters;
  GridLayout grid;
  HexagonalLayout hexagonal;
  MeshLayout mesh;
  TrackLayout track;
  std::vector<Region> regions;
  Vec2 arenaMin{0.0, 0.0};
  Vec2 arenaMax{100.0, 100.0};
  Vec2 startPoint;  // where the animal starts; also the "start" region
};

// The arena is always 100 x 100 cm; these pick how it is cut into bins.
SyntheticEnvironment buildGridEnvironment(int cellsX, int cellsY);
SyntheticEnvironment buildHexagonalEnvironment(double hexagonWidth);
SyntheticEnvironment buildMeshEnvironment(double triangleEdge, std::uint64_t seed);
SyntheticEnvironment buildTrackEnvironment(double binLength);

// --bin-size defaults: each gives roughly 300-2,000 bins.
double defaultBinSize(LayoutKind layout);

// Bucketed bin centres, so that "bins within r of p" costs O(bins near p), not O(n_bins).
class BinNeighbourIndex {
 public:
  BinNeighbourIndex(const std::vector<Vec2>& binCenters, double bucketSize);

  // Calls visit(binIndex, squaredDistance) for every bin centre within `radius` of `center`.
  template <typename Visitor>
  void forEachWithin(Vec2 center, double radius, Visitor&& visit) const {
    const double radiusSquared = radius * radius;
    const int firstX = clampBucketX((center.x - radius - origin_.x) / bucketSize_);
    const int lastX = clampBucketX((center.x + radius - origin_.x) / bucketSize_);
    const int firstY = clampBucketY((center.y - radius - origin_.y) / bucketSize_);
    const int lastY = clampBucketY((center.y + radius - origin_.y) / bucketSize_);
    for (int by = firstY; by <= lastY; ++by) {
      for (int bx = firstX; bx <= lastX; ++bx) {
        const std::size_t bucket = static_cast<std::size_t>(by) * static_cast<std::size_t>(bucketsX_) +
                                   static_cast<std::size_t>(bx);
        for (std::uint32_t k = bucketStart_[bucket]; k < bucketStart_[bucket + 1]; ++k) {
          const std::uint32_t bin = sortedBins_[k];
          const double d2 = squaredDistance(binCenters_[bin], center);
          if (d2 <= radiusSquared) {
            visit(bin, d2);
          }
        }
      }
    }
  }

  std::size_t binCount() const { return binCenters_.size(); }
  std::size_t nearestBin(Vec2 point) const;

 private:
  int clampBucketX(double position) const;
  int clampBucketY(double position) const;

  std::vector<Vec2> binCenters_;
  Vec2 origin_;
  double bucketSize_ = 1.0;
  int bucketsX_ = 1;
  int bucketsY_ = 1;
  std::vector<std::uint32_t> bucketStart_;  // CSR offsets into sortedBins_
  std::vector<std::uint32_t> sortedBins_;
};

}  // namespace neuroplayback::generate
