#pragma once
// Coalesces scrub requests (slider drags, typed times): the latest request wins and at most
// `maxRate` are applied per second, so dragging never queues up renders.
#include "PlaybackClock.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace neuroplayback {

class ScrubDebouncer {
public:
  explicit ScrubDebouncer(const PlaybackClock& clock, double maxRate = 60.0)
    : Clock(clock), MinInterval(1.0 / maxRate) {}

  void Request(double time) {
    Pending = time;
    ++RequestedCount;
  }

  // The request to apply now, if one is pending and the rate limit allows it.
  std::optional<double> Take() {
    if (!Pending || SecondsUntilReady() > 0.0) {
      return std::nullopt;
    }
    LastApplied = Clock.Now();
    ++AppliedCount;
    return std::exchange(Pending, std::nullopt);
  }

  // Wall seconds until Take() can apply the pending request; 0 if it can now.
  double SecondsUntilReady() const {
    return std::max(0.0, LastApplied + MinInterval - Clock.Now());
  }

  bool HasPending() const { return Pending.has_value(); }
  std::int64_t Requested() const { return RequestedCount; }
  std::int64_t Applied() const { return AppliedCount; }

private:
  const PlaybackClock& Clock;
  double MinInterval;
  std::optional<double> Pending;
  double LastApplied = -1e300; // nothing applied yet
  std::int64_t RequestedCount = 0;
  std::int64_t AppliedCount = 0;
};

} // namespace neuroplayback
