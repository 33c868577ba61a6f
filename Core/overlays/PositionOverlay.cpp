// The position overlay (kind = position): the animal's position and its fading trail.
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

PositionOverlay PositionOverlay::Load(hid_t g, const std::string& name, double unit, std::size_t cacheBytes) {
  const std::string where = "/overlays/" + name;
  PositionOverlay p;
  p.Name = name;
  p.Samples = OpenSamples(g, where, "xy", { 2 }, "(n, 2)", cacheBytes);
  p.Interpolation = ReadInterp(g, where, Interp::Linear);
  p.Color = ReadColor(g, where, "color", ParseColor("#ff0000", ""));
  p.Size = ReadPositive(g, where, "size", 0.03 * unit);
  if (h5::HasAttribute(g, "trail_samples")) {
    p.TrailSamples = h5::ReadIntAttribute(g, "trail_samples").value_or(0);
    if (p.TrailSamples < 0) {
      throw SessionError(where + " attribute trail_samples is negative.", "Set trail_samples to 0 (no trail) or more.");
    }
  }
  const auto trail = h5::ReadDoubleAttribute(g, "trail_seconds");
  if (trail && (!std::isfinite(*trail) || *trail < 0)) {
    throw SessionError(where + " attribute trail_seconds must be 0 or more seconds.", "Set trail_seconds, e.g. 2.0.");
  }
  p.TrailSeconds = trail.value_or(p.TrailSamples > 0 ? 0.0 : 2.0);
  p.TrailColor = ReadColor(g, where, "trail_color", p.Color);
  return p;
}

void OverlaySet::BuildPosition(PositionOverlay& p, const FrameClock& clock, OverlayFrame& out) {
  const int source = static_cast<int>(&p - PositionList.data());
  SampleStream& samples = *p.Samples;
  double here[2];
  samples.ValueAt(clock.Time, p.Interpolation, false, here);
  if (Finite2(here)) {
    out.Positions.Add(here[0], here[1], p.Color, p.Size, MarkerShape::Circle, source);
  }
  if (p.TrailSeconds <= 0.0 && p.TrailSamples <= 0) {
    return;
  }
  const std::int64_t last = samples.LastAtOrBefore(clock.Time);
  if (last < 0 || clock.Time > samples.Last() + (p.TrailSeconds > 0 ? p.TrailSeconds : 0.0)) {
    return;
  }
  std::int64_t first = p.TrailSamples > 0 ? std::max<std::int64_t>(0, last - p.TrailSamples + 1)
                                          : samples.FirstAtOrAfter(clock.Time - p.TrailSeconds);
  // Very long trails are thinned to a bounded number of vertices.
  constexpr std::int64_t MaxTrailPoints = 20000;
  const std::int64_t stride = std::max<std::int64_t>(1, (last - first + 1 + MaxTrailPoints - 1) / MaxTrailPoints);
  auto fade = [&](std::int64_t index, double t) {
    const double age = p.TrailSamples > 0 ? static_cast<double>(last - index + 1) / static_cast<double>(p.TrailSamples)
                                          : (clock.Time - t) / p.TrailSeconds;
    return p.TrailColor.WithAlpha(1.0 - std::clamp(age, 0.0, 1.0));
  };
  for (std::int64_t i = first; i <= last; i += stride) {
    const double t = samples.TimeOf(i);
    const double* xy = samples.Row(i);
    if (!Finite2(xy)) {
      out.Trails.EndLine(); // a gap in the input breaks the trail
      continue;
    }
    out.Trails.Add(xy[0], xy[1], fade(i, t));
  }
  if (Finite2(here) && samples.TimeOf(last) < clock.Time) {
    out.Trails.Add(here[0], here[1], p.TrailColor);
  }
  out.Trails.EndLine();
}

} // namespace neuroplayback
