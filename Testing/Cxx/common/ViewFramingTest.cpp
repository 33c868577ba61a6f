#include "ViewFraming.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using neuroplayback::Bounds2D;
using neuroplayback::FrameArena;

namespace
{
// The arena's size on screen, in pixels, once the framed bounds are fitted to the view.
double ArenaPixelsHigh(const Bounds2D& arena, const Bounds2D& framed, double width, double height)
{
  const double scale = std::min(width / (framed.X1 - framed.X0), height / (framed.Y1 - framed.Y0));
  return scale * (arena.Y1 - arena.Y0);
}
} // namespace

TEST(ViewFraming, ASquareArenaInASquareViewFillsItButLeavesTheLegendsAndAnnotationClear)
{
  const Bounds2D arena{ 0, 100, 0, 100 };
  const Bounds2D framed = FrameArena(arena, 600, 600);
  // Room on the right for the legends, and (the fit now limited by the width) a tenth of the height above.
  const double scale = 600 / (framed.X1 - framed.X0);
  EXPECT_GE((framed.X1 - arena.X1) * scale, 0.2 * 600);
  const double above = 0.5 * (600 - scale * (framed.Y1 - framed.Y0)) + (framed.Y1 - arena.Y1) * scale;
  EXPECT_GE(above, 0.1 * 600);
  // Still far larger than the bounding sphere's fit (a side of 1/sqrt(2) of the view at most).
  EXPECT_GT(ArenaPixelsHigh(arena, framed, 600, 600), 0.7 * 600);
}

TEST(ViewFraming, AWideViewUsesItsHeightAndNeedsNoLegendColumn)
{
  const Bounds2D arena{ -50, 50, -60, 60 };
  const Bounds2D framed = FrameArena(arena, 1400, 300);
  EXPECT_DOUBLE_EQ(framed.X1, 50 + 0.03 * 120); // centred far from the legends
  EXPECT_GT(ArenaPixelsHigh(arena, framed, 1400, 300), 0.85 * 300);
}

TEST(ViewFraming, AnArenaBesideTheAnnotationKeepsTheFullHeight)
{
  // A very wide view: the centred arena starts right of the annotation, so no band is kept for it.
  const Bounds2D arena{ 0, 100, 0, 100 };
  const Bounds2D framed = FrameArena(arena, 3000, 300);
  EXPECT_DOUBLE_EQ(framed.Y1, 103.0);
}

TEST(ViewFraming, DegenerateInputsGiveFiniteBounds)
{
  const Bounds2D framed = FrameArena(Bounds2D{ 5, 5, 2, 2 }, 0, 0);
  EXPECT_LE(framed.X0, 5.0);
  EXPECT_GE(framed.X1, 5.0);
  const Bounds2D track = FrameArena(Bounds2D{ 0, 200, 0, 0 }, 800, 600); // a straight 1-D track
  EXPECT_LT(track.Y0, 0.0);
  EXPECT_GT(track.Y1, 0.0);
}

TEST(ViewFraming, ASmallViewKeepsTheAnnotationsLinesAndTheColourLegendInPixelsClear)
{
  // 300 x 300 pixels, four annotation lines of a 16 px font (87 px high, 250 px wide).
  const Bounds2D arena{ 0, 100, 0, 60 };
  const Bounds2D framed = FrameArena(arena, 300, 300, neuroplayback::ScreenText{ 250, 87 });
  const double scale = std::min(300 / (framed.X1 - framed.X0), 300 / (framed.Y1 - framed.Y0));
  const double left = 0.5 * (300 - scale * (framed.X1 - framed.X0));
  const double top = 0.5 * (300 - scale * (framed.Y1 - framed.Y0)) + (framed.Y1 - arena.Y1) * scale;
  EXPECT_GE(top, 87.0 - 1e-6);                                  // under the annotation's last line
  EXPECT_LE(left + (arena.X1 - framed.X0) * scale, 200.0 + 1e-6); // left of the colour legend's 100 px
  // Just clear, not smaller than it must be: the arena touches one of the two limits.
  EXPECT_TRUE(std::abs(top - 87.0 - 0.03 * 100 * scale) < 1.0 ||
              std::abs(left + (arena.X1 + 3.0 - framed.X0) * scale - 200.0) < 1.0);
}
