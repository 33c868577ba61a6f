#include "ViewFraming.h"

#include <algorithm>

namespace neuroplayback
{
namespace
{
// Screen the annotation and the legends take at their default places and sizes.
constexpr double kLegendColumn = 0.2;     // right fifth of the width ...
constexpr double kLegendPixels = 100.0;   // ... and at least the colour legend's bar and labels
constexpr double kAnnotationBand = 0.1;   // top tenth of the height ...
constexpr double kAnnotationWidth = 0.4;  // ... over the left two fifths, or the annotation's own box
constexpr double kMargin = 0.03;          // of the arena's larger side

struct Placed
{
  double Left, Right, Top, Scale; // pixels (and pixels per unit), the bounds centred and as large as fits
};

Placed Place(const Bounds2D& b, double width, double height)
{
  const double w = b.X1 - b.X0, h = b.Y1 - b.Y0;
  const double scale = std::min(width / w, height / h);
  return { 0.5 * (width - scale * w), 0.5 * (width + scale * w), 0.5 * (height - scale * h), scale };
}

// Grows one side of the bounds until `deficit` (pixels still missing) is gone: each step adds the
// missing pixels in world units, which the centring halves, so a few dozen steps reach any precision.
template <typename Deficit>
void GrowUntilClear(Bounds2D& framed, double& side, double width, double height, Deficit deficit)
{
  for (int step = 0; step < 60; ++step)
  {
    const Placed placed = Place(framed, width, height);
    const double missing = deficit(placed);
    if (missing <= 1e-9 * std::max(width, height))
    {
      return;
    }
    side += missing / placed.Scale;
  }
}
} // namespace

Bounds2D FrameArena(const Bounds2D& arena, double viewWidth, double viewHeight, const ScreenText& annotation)
{
  const double w = std::max(arena.X1 - arena.X0, 1e-12), h = std::max(arena.Y1 - arena.Y0, 1e-12);
  const double margin = kMargin * std::max(w, h);
  Bounds2D framed{ arena.X0 - margin, arena.X1 + margin, arena.Y0 - margin, arena.Y1 + margin };
  if (viewWidth <= 0.0 || viewHeight <= 0.0)
  {
    return framed;
  }
  const double column = std::min(0.5, std::max(kLegendColumn, kLegendPixels / viewWidth));
  const double band = std::min(0.5, std::max(kAnnotationBand, annotation.Height / viewHeight));
  const double bandWidth = std::max(kAnnotationWidth, annotation.Width / viewWidth);
  const Bounds2D padded = framed; // the arena with its margin, where it lands inside the grown bounds
  // Left of the legends' column: the bounds grow on the right just enough.
  GrowUntilClear(framed, framed.X1, viewWidth, viewHeight, [&](const Placed& placed) {
    const double right = placed.Right - (framed.X1 - padded.X1) * placed.Scale;
    return right - (1.0 - column) * viewWidth;
  });
  // Under the annotation, where the arena would reach under it: the bounds grow at the top.
  GrowUntilClear(framed, framed.Y1, viewWidth, viewHeight, [&](const Placed& placed) {
    const double top = placed.Top + (framed.Y1 - padded.Y1) * placed.Scale;
    return placed.Left < bandWidth * viewWidth ? band * viewHeight - top : 0.0;
  });
  return framed;
}
} // namespace neuroplayback
