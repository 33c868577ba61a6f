#pragma once
// Jumping between events and intervals (trials, epochs), and the epochs playback may be limited to.
// Every lookup bisects the streamed times, so it costs O(log n) whatever the session's length.
#include "Intervals.h"
#include "Overlays.h"
#include "PlaybackScheduler.h"

#include <optional>
#include <string>

namespace neuroplayback {

enum class NavigationTarget { Event, Interval };

// Where a jump lands. EventTime is the event's or interval start's own time; the frame to show is the
// first frame at or after it (the frame the event belongs to).
struct NavigationHit {
  double EventTime = 0.0;
  std::string Overlay;
};

// The first event (or interval start) strictly after `after`, in the overlay named `overlay` or, when it
// is empty, in every overlay of that kind. Throws SessionError when no overlay has that name.
std::optional<NavigationHit> NextOf(OverlaySet& overlays, NavigationTarget target, const std::string& overlay,
  double after);
// The last event (or interval start) at or before `atOrBefore`.
std::optional<NavigationHit> PreviousOf(OverlaySet& overlays, NavigationTarget target, const std::string& overlay,
  double atOrBefore);

// The intervals of one interval overlay as playback epochs. Overlapping intervals are taken in order
// of their starts.
class IntervalEpochs final : public EpochSource {
public:
  explicit IntervalEpochs(IntervalOverlay& intervals) : Intervals(intervals) {}
  bool EpochFrom(double t, int dir, double& start, double& stop) override;

private:
  IntervalOverlay& Intervals;
};

} // namespace neuroplayback
