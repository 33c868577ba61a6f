#pragma once
// One MPI rank's piece of a field: a slab of the arena along x, and the bins that cover it. Each rank
// reads only its bins and draws only inside its slab (clipping every layer there), so ParaView's depth
// compositing of the ranks' images equals one process's picture, translucent layers included.
#include "Environment.h"
#include "RowSource.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace neuroplayback {

// The field-data array that tells the displays downstream which slab a rank draws: piece, pieces,
// xmin, xmax (Representations/DeliveredPiece.h reads it).
inline constexpr const char* PieceRegionArray = "PieceRegion";

struct FieldPiece {
  // This rank draws x in [XMin, XMax]; the first slab is open to the left, the last to the right.
  double XMin = -std::numeric_limits<double>::infinity();
  double XMax = std::numeric_limits<double>::infinity();
  // The bins this rank reads, ascending: a grid's columns are one run; elsewhere a bin whose cell
  // crosses a slab boundary belongs to both slabs (each draws its own side of it).
  std::vector<ColumnRun> Runs;

  std::int64_t BinCount() const;
  std::vector<std::int64_t> Bins() const;
};

// A grid's columns of cells [firstColumn, endColumn): ParaView's x-slab of the image extent.
FieldPiece GridColumnsPiece(const Environment& environment, std::int64_t firstColumn, std::int64_t endColumn);

// Piece `piece` of `pieces` for any layout: a grid's columns split evenly; other layouts split at
// quantiles of the bins' centres along x, so each rank gets about as many bins.
FieldPiece SlabOfEnvironment(const Environment& environment, int piece, int pieces);

} // namespace neuroplayback
