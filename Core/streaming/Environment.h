#pragma once
// The spatial environment of a session: what a bin is, for each layout kind.
#include <cstdint>
#include <string>
#include <vector>

namespace neuroplayback {

enum class LayoutKind { Grid, Hexagonal, Mesh, Track };

const char* LayoutName(LayoutKind kind);

struct Region {
  std::string Name;
  bool IsPolygon = true;        // else a point
  std::vector<double> Coords;   // x0, y0, x1, y1, ...
};

struct Environment {
  LayoutKind Layout = LayoutKind::Grid;
  std::string Units;
  std::int64_t BinCount = 0;
  std::vector<double> BinCenters; // x0, y0, x1, y1, ...

  // Grid: n_x by n_y cells; ActiveMask is x-major (ix * n_y + iy) like neurospatial.
  std::int64_t GridX = 0;
  std::int64_t GridY = 0;
  std::vector<double> XEdges;
  std::vector<double> YEdges;
  std::vector<std::uint8_t> ActiveMask;

  // Hexagonal.
  double HexRadius = 0.0;
  double HexOrientation = 0.0;

  // Mesh: vertices x, y pairs; one triangle per bin.
  std::vector<double> Vertices;
  std::vector<std::int64_t> Triangles;

  // Track: per bin the start and end point of its piece of track (x0, y0, x1, y1).
  std::vector<double> BinSegments;

  std::vector<Region> Regions;

  // For a grid: the x-fastest cell index (iy * n_x + ix) of every active bin, for image data.
  std::vector<std::int64_t> GridCellOfBin() const;
  // Bounding box of everything drawn: xmin, xmax, ymin, ymax.
  std::vector<double> Bounds() const;
};

} // namespace neuroplayback
