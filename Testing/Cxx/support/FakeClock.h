#pragma once
// A wall clock that moves only when the test says so.
#include "PlaybackClock.h"

namespace neuroplayback::testing {

class FakeClock final : public PlaybackClock {
public:
  double Now() const override { return Seconds; }
  void Advance(double seconds) { Seconds += seconds; }

private:
  double Seconds = 1000.0;
};

} // namespace neuroplayback::testing
