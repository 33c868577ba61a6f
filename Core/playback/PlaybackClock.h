#pragma once
// The wall clock the playback scheduler reads, so tests can drive it with a fake one.
#include <chrono>

namespace neuroplayback {

class PlaybackClock {
public:
  virtual ~PlaybackClock() = default;
  // Seconds since an arbitrary fixed origin; never goes backwards.
  virtual double Now() const = 0;
};

class SteadyClock final : public PlaybackClock {
public:
  double Now() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
};

} // namespace neuroplayback
