// The head-direction overlay (kind = head_direction): an arrow at a position or a body part.
#include "Overlays.h"

#include "Hdf5.h"
#include "OverlayBuilding.h"
#include "OverlayReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuroplayback {

using namespace overlay_io;

HeadDirectionOverlay HeadDirectionOverlay::Load(hid_t g, const std::string& name, double unit, std::size_t cacheBytes) {
  const std::string where = "/overlays/" + name;
  HeadDirectionOverlay h;
  h.Name = name;
  h.Samples = OpenSamples(g, where, "angle", {}, "(n,)", cacheBytes);
  h.Interpolation = ReadInterp(g, where, Interp::Linear);
  h.Color = ReadColor(g, where, "color", ParseColor("yellow", ""));
  h.Length = ReadPositive(g, where, "length", 0.1 * unit);
  h.Width = ReadPositive(g, where, "width", 2.0);
  h.AnchorName = h5::ReadStringAttribute(g, "anchor").value_or("");
  return h;
}

bool OverlaySet::AnchorAt(const HeadDirectionOverlay& h, double t, double* xy) {
  if (h.AnchorPosition >= 0) {
    PositionOverlay& p = PositionList[static_cast<std::size_t>(h.AnchorPosition)];
    p.Samples->ValueAt(t, p.Interpolation, false, xy);
  } else if (h.AnchorBodyparts >= 0) {
    BodypartOverlay& b = BodypartList[static_cast<std::size_t>(h.AnchorBodyparts)];
    std::vector<double> parts(b.Parts.size() * 2);
    b.Samples->ValueAt(t, b.Interpolation, false, parts.data());
    xy[0] = parts[2 * static_cast<std::size_t>(h.AnchorPart)];
    xy[1] = parts[2 * static_cast<std::size_t>(h.AnchorPart) + 1];
  } else {
    xy[0] = Centroid[0];
    xy[1] = Centroid[1];
  }
  return Finite2(xy);
}

void OverlaySet::BuildHeading(HeadDirectionOverlay& h, const FrameClock& clock, OverlayFrame& out) {
  double angle = 0.0;
  double anchor[2];
  if (!h.Samples->ValueAt(clock.Time, h.Interpolation, true, &angle) || !std::isfinite(angle) ||
    !AnchorAt(h, clock.Time, anchor)) {
    return;
  }
  out.Headings.Xy.insert(out.Headings.Xy.end(), { anchor[0], anchor[1] });
  out.Headings.Vectors.insert(out.Headings.Vectors.end(), { h.Length * std::cos(angle), h.Length * std::sin(angle) });
  out.Headings.Colors.push_back(h.Color);
}

} // namespace neuroplayback
