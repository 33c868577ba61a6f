#include "PlaybackScheduler.h"

#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace neuroplayback {

namespace {
// A wait this short is floating-point noise at a frame boundary: the next frame is due now.
constexpr double RoundingSlackSeconds = 1e-9;
} // namespace

PlaybackScheduler::PlaybackScheduler(FrameTimes& times, const PlaybackClock& clock)
  : Times(times), Clock(clock) {}

double PlaybackScheduler::CheckedSpeed(double speed) {
  if (!std::isfinite(speed) || speed <= 0.0) {
    std::ostringstream problem;
    problem << "Playback speed " << speed << " is not a positive number.";
    throw SessionError(problem.str(),
      "Choose a speed above 0, e.g. 1 for real time, 0.25 for slow motion or 4 for fast forward; "
      "play backwards with the Reverse button instead of a negative speed.");
  }
  return speed;
}

void PlaybackScheduler::SetSpeed(double speed) {
  speed = CheckedSpeed(speed);
  const double now = Clock.Now();
  Anchor(DueAt(now), now);
  SpeedFactor = speed;
}

void PlaybackScheduler::SetDirection(int direction) {
  const double now = Clock.Now();
  const int newDirection = direction < 0 ? -1 : +1;
  // Turning round starts from the frame on screen: the lag accumulated going one way would
  // otherwise show as a jump the wrong way.
  const bool turning = newDirection != Dir && Shown >= 0;
  Anchor(turning ? Times.TimeOf(Shown) : DueAt(now), now);
  Dir = newDirection;
}

void PlaybackScheduler::Start(std::int64_t frameOnScreen, int direction, double startedAt) {
  Dir = direction < 0 ? -1 : +1;
  Playing = Times.Count() > 0;
  LatencyEstimate = 0.0;
  ChosenAt = -1.0;
  Seek(frameOnScreen);
  if (Playing && startedAt >= 0.0 && startedAt <= AnchorWall) {
    AnchorWall = startedAt;
    PreviousPresentedWall = startedAt;
  }
}

void PlaybackScheduler::Seek(std::int64_t frameOnScreen) {
  const double now = Clock.Now();
  if (Times.Count() == 0) {
    Shown = -1;
    return;
  }
  Shown = std::clamp<std::int64_t>(frameOnScreen, 0, Times.Count() - 1);
  Anchor(Times.TimeOf(Shown), now);
  PreviousPresented = Shown;
  PreviousPresentedWall = now;
  Discontinuous = false;
}

void PlaybackScheduler::Pause() {
  const double now = Clock.Now();
  Anchor(DueAt(now), now);
  Playing = false;
  PreviousPresentedWall = -1.0; // a pause is not a display interval
}

void PlaybackScheduler::Resume() {
  if (Times.Count() == 0) {
    return;
  }
  const double now = Clock.Now();
  AnchorWall = now;
  Playing = true;
  PreviousPresentedWall = now;
}

double PlaybackScheduler::DueAt(double now) const {
  return Playing ? AnchorData + Dir * SpeedFactor * (now - AnchorWall) : AnchorData;
}

double PlaybackScheduler::DueTime() const {
  return DueAt(Clock.Now());
}

void PlaybackScheduler::Anchor(double dataTime, double wallTime) {
  AnchorData = dataTime;
  AnchorWall = wallTime;
}

PlaybackScheduler::Decision PlaybackScheduler::ShowFrame(std::int64_t frame) {
  Shown = frame;
  ChosenAt = Clock.Now();
  return { Decision::Kind::Show, frame, 0.0 };
}

std::int64_t PlaybackScheduler::FirstFrameAtOrAfter(double t) {
  const std::int64_t frame = Times.FrameAt(t);
  return (Times.TimeOf(frame) < t && frame + 1 < Times.Count()) ? frame + 1 : frame;
}

PlaybackScheduler::EpochCheck PlaybackScheduler::CheckEpoch(double dataTime, double now, std::int64_t& entryFrame) {
  double start = 0.0;
  double stop = 0.0;
  if (!Epochs->EpochFrom(dataTime, Dir, start, stop)) {
    return EpochCheck::NoneLeft;
  }
  if (dataTime >= start && dataTime <= stop) {
    return EpochCheck::Inside;
  }
  const double entry = Dir > 0 ? start : stop;
  entryFrame = Dir > 0 ? FirstFrameAtOrAfter(entry) : Times.FrameAt(entry);
  Anchor(entry, now);
  Discontinuous = true;
  return EpochCheck::Jumped;
}

std::int64_t PlaybackScheduler::FinalFrameOfLastEpoch(double dataTime) {
  double start = 0.0;
  double stop = 0.0;
  if (!Epochs->EpochFrom(dataTime, -Dir, start, stop)) {
    return -1;
  }
  return Dir > 0 ? Times.FrameAt(stop) : FirstFrameAtOrAfter(start);
}

PlaybackScheduler::Decision PlaybackScheduler::EndOrLoop(double now) {
  if (!Loop) {
    Playing = false;
    return {};
  }
  std::int64_t restart = Dir > 0 ? 0 : Times.Count() - 1;
  if (Epochs) {
    double start = 0.0;
    double stop = 0.0;
    const double outside = Dir > 0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (!Epochs->EpochFrom(outside, Dir, start, stop)) {
      Playing = false;
      return {};
    }
    restart = Dir > 0 ? FirstFrameAtOrAfter(start) : Times.FrameAt(stop);
  }
  Anchor(Times.TimeOf(restart), now);
  Discontinuous = true;
  return ShowFrame(restart);
}

PlaybackScheduler::Decision PlaybackScheduler::Next() {
  if (!Playing || Times.Count() == 0) {
    return {};
  }
  const double now = Clock.Now();
  const double due = DueAt(now);
  const std::int64_t last = Times.Count() - 1;
  const bool atEnd = Dir > 0 ? Shown >= last : Shown <= 0;

  if (PlayMode == Mode::EveryFrame) {
    if (atEnd) {
      return EndOrLoop(now);
    }
    const std::int64_t next = Shown + Dir;
    if (Epochs) {
      std::int64_t entry = -1;
      switch (CheckEpoch(Times.TimeOf(next), now, entry)) {
        case EpochCheck::NoneLeft: return EndOrLoop(now);
        case EpochCheck::Jumped: return ShowFrame(entry); // no wait across a gap
        case EpochCheck::Inside: break;
      }
    }
    const double nextTime = Times.TimeOf(next);
    const double aheadSeconds = (nextTime - due) * Dir / SpeedFactor;
    if (aheadSeconds > RoundingSlackSeconds) {
      return { Decision::Kind::Wait, -1, aheadSeconds };
    }
    // Late: show it anyway and restart the clock from it, so a slow renderer slows playback down
    // instead of building up a debt it would later repay by racing.
    Anchor(nextTime, now);
    return ShowFrame(next);
  }

  // The frame due when it will reach the screen, one pipeline-and-render latency from now.
  const double dueOnScreen = DueAt(now + LatencyEstimate);
  if (Epochs) {
    std::int64_t entry = -1;
    switch (CheckEpoch(dueOnScreen, now, entry)) {
      case EpochCheck::NoneLeft: {
        // Past the last epoch: end on its final frame, as a whole-session play ends on the last frame.
        const std::int64_t final = FinalFrameOfLastEpoch(dueOnScreen);
        if (final >= 0 && (final - Shown) * Dir > 0) {
          return ShowFrame(final);
        }
        return EndOrLoop(now);
      }
      case EpochCheck::Jumped: return ShowFrame(entry);
      case EpochCheck::Inside: break;
    }
  }
  const std::int64_t target = Times.FrameAt(dueOnScreen);
  if (target != Shown && (target - Shown) * Dir > 0) {
    return ShowFrame(target);
  }
  if (atEnd) {
    return EndOrLoop(now);
  }
  // Ahead of the clock: wait until the neighbouring frame becomes due (backwards: until due drops below
  // the time of the frame on screen).
  const double boundary = Dir > 0 ? Times.TimeOf(Shown + 1) : Times.TimeOf(Shown);
  const double waitSeconds = (boundary - dueOnScreen) * Dir / SpeedFactor;
  if (waitSeconds <= RoundingSlackSeconds) {
    return ShowFrame(Shown + Dir);
  }
  return { Decision::Kind::Wait, -1, waitSeconds };
}

void PlaybackScheduler::Presented(std::int64_t frame) {
  if (Times.Count() == 0) {
    return;
  }
  frame = std::clamp<std::int64_t>(frame, 0, Times.Count() - 1);
  const double now = Clock.Now();
  if (ChosenAt >= 0.0) {
    const double latency = now - ChosenAt;
    LatencyEstimate = LatencyEstimate > 0.0 ? 0.75 * LatencyEstimate + 0.25 * latency : latency;
    ChosenAt = -1.0;
  }
  ++ShownCount;
  if (PreviousPresented >= 0 && !Discontinuous) {
    SkippedCount += std::max<std::int64_t>(0, std::llabs(frame - PreviousPresented) - 1);
    DataAdvanced += std::abs(Times.TimeOf(frame) - Times.TimeOf(PreviousPresented));
  }
  if (PreviousPresentedWall >= 0.0) {
    const double interval = now - PreviousPresentedWall;
    PlayingWall += interval;
    IntervalMs.Add(interval * 1000.0);
  }
  if (Playing) {
    const double lagData = (DueAt(now) - Times.TimeOf(frame)) * Dir;
    LastLagMs = std::max(0.0, lagData) / SpeedFactor * 1000.0;
    LagMs.Add(LastLagMs);
  }
  PreviousPresented = frame;
  PreviousPresentedWall = Playing ? now : -1.0;
  Discontinuous = false;
}

PlaybackStatistics PlaybackScheduler::Statistics() const {
  PlaybackStatistics stats;
  stats.FramesShown = ShownCount;
  stats.FramesSkipped = SkippedCount;
  const auto considered = ShownCount + SkippedCount;
  stats.SkippedPercent = considered > 0 ? 100.0 * static_cast<double>(SkippedCount) / static_cast<double>(considered) : 0.0;
  stats.PlayingSeconds = PlayingWall;
  const auto intervals = IntervalMs.Count();
  stats.DisplayRate = PlayingWall > 0.0 ? static_cast<double>(intervals) / PlayingWall : 0.0;
  stats.AchievedSpeed = PlayingWall > 0.0 ? DataAdvanced / PlayingWall : 0.0;
  stats.LagP50Ms = LagMs.Quantile(0.5);
  stats.LagP99Ms = LagMs.Quantile(0.99);
  stats.LagMaxMs = LagMs.Maximum();
  stats.DisplayIntervalP50Ms = IntervalMs.Quantile(0.5);
  stats.LagLastMs = LastLagMs;
  return stats;
}

void PlaybackScheduler::ResetStatistics() {
  ShownCount = 0;
  SkippedCount = 0;
  PlayingWall = 0.0;
  DataAdvanced = 0.0;
  LastLagMs = 0.0;
  LagMs.Clear();
  IntervalMs.Clear();
  PreviousPresentedWall = Playing ? Clock.Now() : -1.0;
}

} // namespace neuroplayback
