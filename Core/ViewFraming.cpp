#include "ViewFraming.h"

#include <algorithm>

namespace neuroplayback
{
namespace
{
// Screen the annotation and the legends take at their default places and sizes.
constexpr double kLegendColumn = 0.2;     // right fifth of the width
constexpr double kAnnotationBand = 0.1;   // top tenth of the height ...
constexpr double kAnnotationWidth = 0.4;  // ... over the left two fifths
constexpr double kMargin = 0.03;          // of the arena's larger side

struct Placed
{
  double Left, Right, Top; // pixels, the arena centred and as large as the view allows
};

Placed Place(const Bounds2D& b, double width, double height)
{
  const double w = b.X1 - b.X0, h = b.Y1 - b.Y0;
  const double scale = std::min(width / w, height / h);
  return { 0.5 * (width - scale * w), 0.5 * (width + scale * w), 0.5 * (height - scale * h) };
}
} // namespace

Bounds2D FrameArena(const Bounds2D& arena, double viewWidth, double viewHeight)
{
  const double w = std::max(arena.X1 - arena.X0, 1e-12), h = std::max(arena.Y1 - arena.Y0, 1e-12);
  const double margin = kMargin * std::max(w, h);
  Bounds2D framed{ arena.X0 - margin, arena.X1 + margin, arena.Y0 - margin, arena.Y1 + margin };
  if (viewWidth <= 0.0 || viewHeight <= 0.0)
  {
    return framed;
  }
  if (Place(framed, viewWidth, viewHeight).Right > (1.0 - kLegendColumn) * viewWidth)
  {
    // Shift the arena left of the legends: the fitted bounds grow by the column's share of the view.
    framed.X1 += (framed.X1 - framed.X0) * kLegendColumn / (1.0 - kLegendColumn);
  }
  const Placed placed = Place(framed, viewWidth, viewHeight);
  if (placed.Top < kAnnotationBand * viewHeight && placed.Left < kAnnotationWidth * viewWidth)
  {
    framed.Y1 += (framed.Y1 - framed.Y0) * kAnnotationBand / (1.0 - kAnnotationBand);
  }
  return framed;
}
} // namespace neuroplayback
