#include "ProgressReporter.h"

#include <cstdio>
#include <unistd.h>

namespace neuroplayback::generate {
namespace {

std::string formatDuration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return text;
}

}  // namespace

ProgressReporter::ProgressReporter(bool enabled, std::int64_t totalFrames)
    : enabled_(enabled), terminal_(isatty(STDERR_FILENO) == 1), totalFrames_(totalFrames), start_(Clock::now()),
      lastPrint_(start_) {}

double ProgressReporter::elapsedSeconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void ProgressReporter::update(std::int64_t framesDone) {
  if (!enabled_) {
    return;
  }
  const Clock::time_point now = Clock::now();
  const double minimumInterval = terminal_ ? 0.5 : 5.0;
  if (std::chrono::duration<double>(now - lastPrint_).count() < minimumInterval) {
    return;
  }
  lastPrint_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double framesPerSecond = elapsed > 0.0 ? static_cast<double>(framesDone) / elapsed : 0.0;
  const double remaining =
      framesPerSecond > 0.0 ? static_cast<double>(totalFrames_ - framesDone) / framesPerSecond : 0.0;
  const double percent = 100.0 * static_cast<double>(framesDone) / static_cast<double>(totalFrames_);
  std::fprintf(stderr, "%sneuroplayback-generate: %5.1f%%  %10.0f frames/s  ETA %s%s", terminal_ ? "\r" : "",
               percent, framesPerSecond, formatDuration(remaining).c_str(), terminal_ ? "   " : "\n");
  std::fflush(stderr);
  printedInPlace_ = terminal_;
}

void ProgressReporter::finish(const std::string& summary) {
  if (!enabled_) {
    return;
  }
  std::fprintf(stderr, "%sneuroplayback-generate: %s\n", printedInPlace_ ? "\r\033[K" : "", summary.c_str());
}

}  // namespace neuroplayback::generate
