// Progress on stderr: percent, frames/s and ETA, at most every 0.5 s (every 5 s when stderr is
// not a terminal, so logs stay short).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace neuroplayback::generate {

class ProgressReporter {
 public:
  ProgressReporter(bool enabled, std::int64_t totalFrames);
  void update(std::int64_t framesDone);
  void finish(const std::string& summary);
  double elapsedSeconds() const;

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool terminal_;
  std::int64_t totalFrames_;
  Clock::time_point start_;
  Clock::time_point lastPrint_;
  bool printedInPlace_ = false;
};

}  // namespace neuroplayback::generate
