#include "Navigation.h"

#include "SessionError.h"

#include <cmath>

namespace neuroplayback {

namespace {

// Visits every stream of the chosen kind and overlay with its overlay's name.
template <typename Visit>
void ForEachStream(OverlaySet& overlays, NavigationTarget target, const std::string& overlay, Visit visit) {
  bool named = overlay.empty();
  std::vector<std::string> names;
  if (target == NavigationTarget::Event) {
    for (EventOverlay& events : overlays.MutableEvents()) {
      names.push_back(events.Name);
      if (!overlay.empty() && events.Name != overlay) {
        continue;
      }
      named = true;
      for (EventType& type : events.Types) {
        if (type.Samples && type.Samples->Count() > 0) {
          visit(*type.Samples, events.Name);
        }
      }
    }
  } else {
    for (IntervalOverlay& intervals : overlays.Intervals()) {
      names.push_back(intervals.Name);
      if (!overlay.empty() && intervals.Name != overlay) {
        continue;
      }
      named = true;
      if (intervals.Samples && intervals.Samples->Count() > 0) {
        visit(*intervals.Samples, intervals.Name);
      }
    }
  }
  if (!named) {
    std::string list;
    for (const std::string& name : names) {
      list += (list.empty() ? "" : ", ") + name;
    }
    const char* kind = target == NavigationTarget::Event ? "events" : "intervals";
    throw SessionError("The session has no " + std::string(kind) + " overlay named '" + overlay + "'.",
      list.empty() ? "This session has no " + std::string(kind) + " overlays; add one to the session file."
                   : "Use one of: " + list + " (or an empty name for all of them).");
  }
}

} // namespace

std::optional<NavigationHit> NextOf(OverlaySet& overlays, NavigationTarget target, const std::string& overlay,
  double after) {
  std::optional<NavigationHit> best;
  ForEachStream(overlays, target, overlay, [&](SampleStream& stream, const std::string& name) {
    const std::int64_t index = stream.FirstAfter(after);
    if (index < stream.Count()) {
      const double t = stream.TimeOf(index);
      if (!best || t < best->EventTime) {
        best = NavigationHit{ t, name };
      }
    }
  });
  return best;
}

std::optional<NavigationHit> PreviousOf(OverlaySet& overlays, NavigationTarget target, const std::string& overlay,
  double atOrBefore) {
  std::optional<NavigationHit> best;
  ForEachStream(overlays, target, overlay, [&](SampleStream& stream, const std::string& name) {
    const std::int64_t index = stream.LastAtOrBefore(atOrBefore);
    if (index >= 0) {
      const double t = stream.TimeOf(index);
      if (!best || t > best->EventTime) {
        best = NavigationHit{ t, name };
      }
    }
  });
  return best;
}

bool IntervalEpochs::EpochFrom(double t, int dir, double& start, double& stop) {
  SampleStream* samples = Intervals.Samples.get();
  if (!samples || samples->Count() == 0 || std::isnan(t)) {
    return false;
  }
  const auto interval = [&](std::int64_t index) {
    start = samples->TimeOf(index);
    stop = Intervals.StopOf(index);
    return true;
  };
  const std::int64_t before = samples->LastAtOrBefore(t); // the last start at or before t
  if (before >= 0 && Intervals.StopOf(before) >= t) {
    return interval(before); // t is inside it
  }
  if (dir > 0) {
    return before + 1 < samples->Count() ? interval(before + 1) : false;
  }
  return before >= 0 ? interval(before) : false;
}

} // namespace neuroplayback
