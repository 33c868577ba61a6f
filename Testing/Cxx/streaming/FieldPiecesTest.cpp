// How the field splits across MPI ranks: slabs along x that cover every bin, read only by their ranks.
#include "FieldPieces.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using neuroplayback::Environment;
using neuroplayback::FieldPiece;
using neuroplayback::LayoutKind;

namespace {

// A 4 x 3 grid, 1 cm cells from x = 0, with the cell (1, 1) inactive: 11 bins, x-major.
Environment SmallGrid() {
  Environment e;
  e.Layout = LayoutKind::Grid;
  e.GridX = 4;
  e.GridY = 3;
  e.XEdges = { 0, 1, 2, 3, 4 };
  e.YEdges = { 0, 1, 2, 3 };
  e.ActiveMask.assign(12, 1);
  e.ActiveMask[1 * 3 + 1] = 0;
  e.BinCount = 11;
  for (int ix = 0; ix < 4; ++ix) {
    for (int iy = 0; iy < 3; ++iy) {
      if (e.ActiveMask[static_cast<std::size_t>(ix * 3 + iy)]) {
        e.BinCenters.push_back(ix + 0.5);
        e.BinCenters.push_back(iy + 0.5);
      }
    }
  }
  return e;
}

// Ten hexagons of radius 1 in a row, 1.5 apart: each overlaps its neighbours along x.
Environment HexRow() {
  Environment e;
  e.Layout = LayoutKind::Hexagonal;
  e.HexRadius = 1.0;
  e.BinCount = 10;
  for (int k = 0; k < 10; ++k) {
    e.BinCenters.push_back(1.5 * k);
    e.BinCenters.push_back(0.0);
  }
  return e;
}

} // namespace

TEST(FieldPieces, OneProcessReadsEveryBin) {
  const Environment grid = SmallGrid();
  const FieldPiece whole = neuroplayback::SlabOfEnvironment(grid, 0, 1);
  ASSERT_EQ(whole.Runs.size(), 1u);
  EXPECT_EQ(whole.Runs[0].First, 0);
  EXPECT_EQ(whole.Runs[0].Count, grid.BinCount);
  EXPECT_TRUE(std::isinf(whole.XMin) && whole.XMin < 0);
  EXPECT_TRUE(std::isinf(whole.XMax) && whole.XMax > 0);
}

TEST(FieldPieces, GridColumnsAreOneRunOfBinsBetweenTheirEdges) {
  const Environment grid = SmallGrid();
  const FieldPiece left = neuroplayback::GridColumnsPiece(grid, 0, 2);
  const FieldPiece right = neuroplayback::GridColumnsPiece(grid, 2, 4);
  ASSERT_EQ(left.Runs.size(), 1u);
  EXPECT_EQ(left.Runs[0].First, 0);
  EXPECT_EQ(left.Runs[0].Count, 5); // column 0 has 3 bins, column 1 has 2
  ASSERT_EQ(right.Runs.size(), 1u);
  EXPECT_EQ(right.Runs[0].First, 5);
  EXPECT_EQ(right.Runs[0].Count, 6);
  EXPECT_TRUE(std::isinf(left.XMin));
  EXPECT_EQ(left.XMax, 2.0);
  EXPECT_EQ(right.XMin, 2.0);
  EXPECT_TRUE(std::isinf(right.XMax));
}

TEST(FieldPieces, SlabsCoverEveryBinAndShareOnlyTheCellsOnTheirBoundaries) {
  const Environment hexes = HexRow();
  std::set<std::int64_t> covered;
  double previousMax = -INFINITY;
  for (int piece = 0; piece < 3; ++piece) {
    const FieldPiece slab = neuroplayback::SlabOfEnvironment(hexes, piece, 3);
    EXPECT_EQ(slab.XMin, previousMax) << "slabs meet without gap";
    previousMax = slab.XMax;
    EXPECT_LT(slab.BinCount(), hexes.BinCount) << "no rank reads the whole field";
    for (std::int64_t bin : slab.Bins()) {
      covered.insert(bin);
      // Every bin read reaches into the slab.
      const double x = hexes.BinCenters[static_cast<std::size_t>(2 * bin)];
      EXPECT_GE(x + hexes.HexRadius, slab.XMin);
      EXPECT_LE(x - hexes.HexRadius, slab.XMax);
    }
  }
  EXPECT_TRUE(std::isinf(previousMax));
  EXPECT_EQ(covered.size(), 10u);
}

TEST(FieldPieces, MoreRanksThanColumnsLeaveSomeEmpty) {
  const Environment grid = SmallGrid();
  std::int64_t total = 0;
  for (int piece = 0; piece < 6; ++piece) {
    total += neuroplayback::SlabOfEnvironment(grid, piece, 6).BinCount();
  }
  EXPECT_EQ(total, grid.BinCount);
}
