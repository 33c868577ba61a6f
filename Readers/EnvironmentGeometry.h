#pragma once
// Builds the VTK geometry of an environment once per file: one cell per bin, in true coordinates.
#include "Environment.h"

#include <vtkSmartPointer.h>

#include <cstdint>
#include <vector>

class vtkDataSet;

namespace neuroplayback {

struct EnvironmentGeometry {
  vtkSmartPointer<vtkDataSet> Geometry;
  // Cell index of each bin; empty means cell k is bin k.
  std::vector<std::int64_t> CellOfBin;
  std::int64_t CellCount = 0;
  // How many of the environment's bins these cells show: all of them, or one MPI rank's piece.
  std::int64_t BinCount = 0;
};

// Throws SessionError when the geometry cannot be represented (e.g. non-uniform grid edges).
EnvironmentGeometry BuildEnvironmentGeometry(const Environment& environment);

// One MPI rank's piece of the whole geometry (Core/streaming/FieldPieces.h), its bins in the piece's order.
// A grid: the columns of cells [firstColumn, endColumn), ParaView's x-slab of the image extent, and the
// bins in them (GridColumnsPiece in Core/streaming/FieldPieces.h).
EnvironmentGeometry GridColumns(const Environment& environment, const EnvironmentGeometry& whole,
  std::int64_t firstColumn, std::int64_t endColumn, const std::vector<std::int64_t>& bins);
// Other layouts (one cell per bin): the cells of these bins.
EnvironmentGeometry CellsOfBins(const EnvironmentGeometry& whole, const std::vector<std::int64_t>& bins);

} // namespace neuroplayback
