// The events overlay (kind = events): spikes, rewards... instant, cumulative or fading.
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

EventOverlay EventOverlay::Load(hid_t g, const std::string& name, double unit, std::size_t cacheBytes) {
  const std::string where = "/overlays/" + name;
  EventOverlay e;
  e.Name = name;
  const std::string mode = h5::ReadStringAttribute(g, "mode").value_or("cumulative");
  if (mode == "instant") {
    e.Mode = EventMode::Instant;
  } else if (mode == "cumulative") {
    e.Mode = EventMode::Cumulative;
  } else if (mode == "decay") {
    e.Mode = EventMode::Decay;
  } else {
    throw SessionError(where + " has mode = '" + mode + "'.", "Set mode to instant, cumulative or decay.");
  }
  e.DecaySeconds = ReadPositive(g, where, "decay_seconds", 0.5);
  e.Size = ReadPositive(g, where, "size", 0.025 * unit);
  const double opacity = h5::ReadDoubleAttribute(g, "opacity").value_or(0.7);
  if (!(opacity >= 0.0 && opacity <= 1.0)) {
    throw SessionError(where + " attribute opacity must be between 0 and 1.", "Set opacity, e.g. 0.7.");
  }
  e.Opacity = opacity;
  e.Interpolation = ReadInterp(g, where, Interp::Linear);
  bool needsTrajectory = false;
  std::size_t typeIndex = 0;
  for (const std::string& typeName : h5::ChildNames(g)) {
    const std::string typeWhere = where + "/" + typeName;
    h5::Handle typeGroup(H5Gopen2(g, typeName.c_str(), H5P_DEFAULT));
    if (!typeGroup.Valid()) {
      throw SessionError(typeWhere + " is not a group.",
        "Write one group per event type under " + where + ", each holding times (and optionally xy).");
    }
    EventType type;
    type.Name = typeName;
    type.Color = ReadColor(typeGroup.Get(), typeWhere, "color", CycleColor(typeIndex++));
    type.Marker = ParseMarker(h5::ReadStringAttribute(typeGroup.Get(), "marker").value_or("o"), typeWhere);
    if (!h5::Exists(typeGroup.Get(), "times")) {
      throw SessionError(typeWhere + " has no 'times' dataset.",
        "Write the event times (m,) in seconds, strictly increasing (empty if the type has no events).");
    }
    const bool fixed = h5::Exists(typeGroup.Get(), "xy");
    needsTrajectory = needsTrajectory || !fixed;
    h5::Handle times = h5::OpenUncachedDataset(typeGroup.Get(), "times");
    if (!h5::Shape(times.Get()).empty() && h5::Shape(times.Get())[0] > 0) {
      type.Samples = OpenSamples(typeGroup.Get(), typeWhere, fixed ? "xy" : nullptr, { 2 }, "(m, 2)", cacheBytes);
    }
    e.Types.push_back(std::move(type));
  }
  e.NeedsTrajectory = needsTrajectory;
  if (needsTrajectory) {
    e.PositionSourceName = h5::ReadStringAttribute(g, "position_source").value_or("");
  }
  return e;
}

MarkerShape ParseMarker(const std::string& text, const std::string& where) {
  static const std::vector<std::pair<std::vector<std::string>, MarkerShape>> Names{
    { { "o", "circle" }, MarkerShape::Circle }, { { "s", "square" }, MarkerShape::Square },
    { { "^", "triangle_up", "triangle" }, MarkerShape::TriangleUp }, { { "v", "triangle_down" }, MarkerShape::TriangleDown },
    { { "d", "D", "diamond" }, MarkerShape::Diamond }, { { "+", "plus" }, MarkerShape::Plus },
    { { "x", "cross" }, MarkerShape::Cross }, { { "*", "star" }, MarkerShape::Star },
  };
  for (const auto& [names, shape] : Names) {
    if (std::find(names.begin(), names.end(), text) != names.end()) {
      return shape;
    }
  }
  throw SessionError(where + " has marker '" + text + "', which is not a known marker.",
    "Use one of o (circle), s (square), ^, v (triangles), d (diamond), + (plus), x (cross), * (star).");
}

bool OverlaySet::EventPosition(const EventOverlay& e, EventType& type, std::int64_t index, double* xy) {
  if (type.Samples->Width() == 2) {
    const double* row = type.Samples->Row(index);
    xy[0] = row[0];
    xy[1] = row[1];
  } else {
    // Placed on the trajectory at the event's own time; nowhere when there is no trajectory (NWB
    // spikes without position: still navigable, not drawn).
    if (e.PositionSource < 0 || static_cast<std::size_t>(e.PositionSource) >= PositionList.size()) {
      return false;
    }
    PositionOverlay& p = PositionList[static_cast<std::size_t>(e.PositionSource)];
    p.Samples->ValueAt(type.Samples->TimeOf(index), e.Interpolation, false, xy, Tie::Later); // as neurospatial
  }
  return Finite2(xy);
}

void OverlaySet::BuildEvents(EventOverlay& e, int firstSource, const FrameClock& clock, OverlayFrame& out) {
  double xy[2];
  for (std::size_t k = 0; k < e.Types.size(); ++k) {
    EventType& type = e.Types[k];
    const int source = firstSource + static_cast<int>(k);
    if (!type.Samples) {
      continue;
    }
    SampleStream& samples = *type.Samples;
    // An event belongs to the first frame at or after its time, and never before the first frame.
    const std::int64_t end = clock.Time > clock.LastTime ? samples.Count() : samples.FirstAfter(clock.Time);
    const std::int64_t sessionBegin = samples.FirstAtOrAfter(clock.FirstTime);
    if (e.Mode == EventMode::Cumulative) {
      const std::int64_t begin = std::max(sessionBegin, end - MaxCumulativeEvents);
      const bool reuse = begin >= type.CachedBegin && begin <= type.CachedEnd && end >= begin;
      if (!reuse) {
        type.Cached.clear();
        type.CachedBegin = type.CachedEnd = begin;
      }
      if (end < type.CachedEnd) {
        type.Cached.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, end - type.CachedBegin)));
        type.CachedEnd = std::max(end, type.CachedBegin);
      }
      for (std::int64_t i = type.CachedEnd; i < end; ++i) {
        if (!EventPosition(e, type, i, xy)) {
          xy[0] = xy[1] = std::numeric_limits<double>::quiet_NaN();
        }
        type.Cached.emplace_back(xy[0], xy[1]);
      }
      type.CachedEnd = std::max(type.CachedEnd, end);
      while (type.CachedBegin < begin && !type.Cached.empty()) {
        type.Cached.pop_front();
        ++type.CachedBegin;
      }
      const Rgba color = type.Color.WithAlpha(e.Opacity);
      for (const auto& [x, y] : type.Cached) {
        if (std::isfinite(x) && std::isfinite(y)) {
          out.Events.Add(x, y, color, e.Size, type.Marker, source);
        }
      }
      continue;
    }
    // Instant: events of this frame, i.e. after the previous frame's time. Decay: also the recent
    // ones, fading linearly to nothing decay_seconds after their time.
    const std::int64_t ownFrame = std::max(sessionBegin, samples.FirstAfter(clock.PreviousTime));
    const std::int64_t begin = e.Mode == EventMode::Instant
      ? ownFrame
      : std::max(sessionBegin, std::min(ownFrame, samples.FirstAfter(clock.Time - e.DecaySeconds)));
    for (std::int64_t i = begin; i < end; ++i) {
      if (!EventPosition(e, type, i, xy)) {
        continue;
      }
      double opacity = e.Opacity;
      if (e.Mode == EventMode::Decay && i < ownFrame) {
        opacity *= 1.0 - std::clamp((clock.Time - samples.TimeOf(i)) / e.DecaySeconds, 0.0, 1.0);
      }
      out.Events.Add(xy[0], xy[1], type.Color.WithAlpha(opacity), e.Size, type.Marker, source);
    }
  }
}

} // namespace neuroplayback
