#include "FakeClock.h"
#include "PlaybackScheduler.h"
#include "ScrubDebouncer.h"
#include "SessionError.h"
#include "VectorRowSource.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

using neuroplayback::FrameTimes;
using neuroplayback::PlaybackScheduler;
using neuroplayback::ScrubDebouncer;
using neuroplayback::SessionError;
using neuroplayback::testing::FakeClock;
using neuroplayback::testing::VectorRowSource;
using Kind = PlaybackScheduler::Decision::Kind;

namespace {

// Drives a scheduler the way the ParaView cue does: ask, then wait or render, then report.
struct PlayRun {
  std::vector<std::int64_t> Shown;
  std::vector<double> ShownAt; // clock time once each frame is on screen
  std::int64_t Calls = 0;
  std::int64_t Waits = 0;
  bool Ended = false;
};

// `onScreen` sees each frame after its render and before it is reported as presented.
PlayRun Play(PlaybackScheduler& scheduler, FakeClock& clock, double wallSeconds,
  const std::function<double()>& renderSeconds, const std::function<void(std::int64_t)>& onScreen = {}) {
  PlayRun run;
  const double stopAt = clock.Now() + wallSeconds;
  while (clock.Now() < stopAt) {
    ++run.Calls;
    const auto decision = scheduler.Next();
    if (decision.What == Kind::End) {
      run.Ended = true;
      break;
    }
    if (decision.What == Kind::Wait) {
      ++run.Waits;
      EXPECT_GT(decision.WaitSeconds, 0.0);
      clock.Advance(decision.WaitSeconds);
      continue;
    }
    clock.Advance(renderSeconds());
    if (onScreen) {
      onScreen(decision.Frame);
    }
    scheduler.Presented(decision.Frame);
    run.Shown.push_back(decision.Frame);
    run.ShownAt.push_back(clock.Now());
  }
  return run;
}

std::unique_ptr<FrameTimes> Regular(double rate, std::int64_t count, double start = 0.0) {
  return std::make_unique<FrameTimes>(FrameTimes::Regular(start, rate, count));
}

} // namespace

TEST(PlaybackScheduler, RejectsSpeedsThatAreNotPositive) {
  auto times = Regular(500.0, 1000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  for (double bad : { 0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity() }) {
    try {
      scheduler.SetSpeed(bad);
      FAIL() << "speed " << bad << " was accepted";
    } catch (const SessionError& error) {
      EXPECT_NE(std::string(error.what()).find("speed"), std::string::npos);
      EXPECT_FALSE(error.Fix.empty());
    }
  }
  EXPECT_EQ(scheduler.Speed(), 1.0);
}

TEST(PlaybackScheduler, SkipsFramesToFollowTheWallClockAt500HzOn60HzDisplay) {
  auto times = Regular(500.0, 3'600'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  const double start = clock.Now();
  const auto run = Play(scheduler, clock, 10.0, [] { return 1.0 / 60.0; });

  // Each frame shown is the latest frame at or before the data time due when it was chosen,
  // and no frame is shown twice.
  for (std::size_t i = 1; i < run.Shown.size(); ++i) {
    ASSERT_GT(run.Shown[i], run.Shown[i - 1]);
  }
  const auto stats = scheduler.Statistics();
  EXPECT_NEAR(stats.DisplayRate, 60.0, 0.5);
  EXPECT_NEAR(stats.SkippedPercent, 100.0 * (1.0 - 60.0 / 500.0), 1.0);
  EXPECT_NEAR(stats.AchievedSpeed, 1.0, 0.01);
  // Frames are chosen for when they reach the screen, so with a steady render the lag is at most
  // one data frame (2 ms), far inside two display intervals.
  EXPECT_LE(stats.LagP99Ms, 2.1);
  EXPECT_NEAR(times->TimeOf(run.Shown.back()), clock.Now() - start, 1.0 / 500.0 + 1e-9);
}

TEST(PlaybackScheduler, WaitsWithoutSpinningWhenAheadAndSkipsNothing) {
  auto times = Regular(50.0, 10'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.SetSpeed(0.25);
  scheduler.Start(0);
  const auto run = Play(scheduler, clock, 20.0, [] { return 0.002; });

  const auto stats = scheduler.Statistics();
  EXPECT_EQ(stats.FramesSkipped, 0);
  EXPECT_NEAR(static_cast<double>(run.Shown.size()), 250.0, 1.0); // 20 s at 0.25x of 50 Hz data
  // One wait per frame: the scheduler names the exact time to come back instead of polling.
  EXPECT_LE(run.Waits, static_cast<std::int64_t>(run.Shown.size()) + 1);
  for (std::size_t i = 0; i < run.Shown.size(); ++i) {
    ASSERT_EQ(run.Shown[i], static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_LE(stats.LagP99Ms, 2.1);
}

TEST(PlaybackScheduler, StopsOrLoopsAtTheEnd) {
  auto times = Regular(100.0, 50);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  auto run = Play(scheduler, clock, 5.0, [] { return 0.03; });
  EXPECT_TRUE(run.Ended);
  EXPECT_EQ(run.Shown.back(), 49);
  EXPECT_FALSE(scheduler.IsPlaying());

  scheduler.SetLoop(true);
  scheduler.Start(40);
  run = Play(scheduler, clock, 1.2, [] { return 0.03; });
  EXPECT_FALSE(run.Ended);
  const auto wrap = std::find(run.Shown.begin(), run.Shown.end(), 0);
  ASSERT_NE(wrap, run.Shown.end());
  EXPECT_EQ(*(wrap - 1), 49); // the last frame is shown before wrapping
}

TEST(PlaybackScheduler, SpeedChangeMidPlayDoesNotJump) {
  auto times = Regular(500.0, 100'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(1000);
  Play(scheduler, clock, 2.0, [] { return 0.016; });
  const double before = scheduler.DueTime();
  scheduler.SetSpeed(4.0);
  EXPECT_DOUBLE_EQ(scheduler.DueTime(), before);
  clock.Advance(0.5);
  EXPECT_NEAR(scheduler.DueTime(), before + 2.0, 1e-9);
}

TEST(PlaybackScheduler, PauseFreezesAndResumeContinues) {
  auto times = Regular(500.0, 100'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  Play(scheduler, clock, 1.0, [] { return 0.016; });
  scheduler.Pause();
  const double paused = scheduler.DueTime();
  clock.Advance(30.0);
  EXPECT_EQ(scheduler.Next().What, Kind::End);
  EXPECT_DOUBLE_EQ(scheduler.DueTime(), paused);
  scheduler.Resume();
  clock.Advance(1.0);
  EXPECT_NEAR(scheduler.DueTime(), paused + 1.0, 1e-9);
  // The pause is not counted as playing time.
  Play(scheduler, clock, 1.0, [] { return 0.016; });
  EXPECT_NEAR(scheduler.Statistics().PlayingSeconds, 3.0, 0.05);
}

TEST(PlaybackScheduler, PlaysBackwards) {
  auto times = Regular(250.0, 2500);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(2499, -1);
  const auto run = Play(scheduler, clock, 20.0, [] { return 0.02; });
  EXPECT_TRUE(run.Ended);
  for (std::size_t i = 1; i < run.Shown.size(); ++i) {
    ASSERT_LT(run.Shown[i], run.Shown[i - 1]);
  }
  EXPECT_EQ(run.Shown.back(), 0);
  EXPECT_NEAR(scheduler.Statistics().AchievedSpeed, 1.0, 0.02);
}

TEST(PlaybackScheduler, ReversesMidPlayFromWhereItIs) {
  auto times = Regular(250.0, 25'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(10'000);
  Play(scheduler, clock, 1.0, [] { return 0.016; });
  const auto onScreen = scheduler.FrameOnScreen();
  scheduler.SetDirection(-1);
  const auto run = Play(scheduler, clock, 1.0, [] { return 0.016; });
  ASSERT_FALSE(run.Shown.empty());
  // Backwards from the frame on screen, by one render's worth of frames (16 ms at 250 Hz), no jump.
  EXPECT_LT(run.Shown.front(), onScreen);
  EXPECT_GE(run.Shown.front(), onScreen - 5);
  EXPECT_NEAR(static_cast<double>(run.Shown.back()), static_cast<double>(onScreen) - 250.0, 6.0);
}

TEST(PlaybackScheduler, HandlesIrregularTimesAndGaps) {
  // 100 Hz with jitter, then a 5 s recording gap, then more frames.
  std::vector<double> values;
  std::mt19937 random(7);
  std::uniform_real_distribution<double> jitter(0.004, 0.016);
  double t = 0.0;
  for (int i = 0; i < 1000; ++i) {
    values.push_back(t);
    t += jitter(random);
  }
  const double gapStart = values.back();
  t += 5.0;
  for (int i = 0; i < 1000; ++i) {
    values.push_back(t);
    t += jitter(random);
  }
  auto times = std::make_unique<FrameTimes>(FrameTimes::Explicit(std::make_unique<VectorRowSource<double>>(values, 1), 64));
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  const auto run = Play(scheduler, clock, 1e6, [] { return 0.001; }, [&](std::int64_t frame) {
    // On screen, the frame is the latest at or before the data time due (within one render while
    // the latency estimate settles).
    const double due = scheduler.DueTime();
    ASSERT_LE(values[static_cast<std::size_t>(frame)], due + 1e-9);
    if (frame + 1 < static_cast<std::int64_t>(values.size())) {
      ASSERT_GT(values[static_cast<std::size_t>(frame) + 1], due - 0.0011);
    }
  });
  EXPECT_TRUE(run.Ended);
  EXPECT_EQ(run.Shown.back(), 1999);
  // Across the gap the last frame before it stays up for the whole gap, with a single wait.
  const auto lastBefore = std::find(run.Shown.begin(), run.Shown.end(), 999) - run.Shown.begin();
  ASSERT_LT(lastBefore + 1, static_cast<std::ptrdiff_t>(run.Shown.size()));
  EXPECT_NEAR(run.ShownAt[lastBefore + 1] - run.ShownAt[lastBefore], values[1000] - gapStart, 0.002);
  EXPECT_EQ(scheduler.Statistics().FramesSkipped, 0);
  EXPECT_LE(run.Waits, 2001);
}

TEST(PlaybackScheduler, EveryFrameModeNeverSkipsAndTreatsSpeedAsCeiling) {
  auto times = Regular(500.0, 100'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.SetMode(PlaybackScheduler::Mode::EveryFrame);
  scheduler.Start(0);
  const auto slow = Play(scheduler, clock, 2.0, [] { return 0.01; });
  for (std::size_t i = 0; i < slow.Shown.size(); ++i) {
    ASSERT_EQ(slow.Shown[i], static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ(scheduler.Statistics().FramesSkipped, 0);
  EXPECT_NEAR(static_cast<double>(slow.Shown.size()), 200.0, 1.0);

  // A fast renderer is held to the requested speed.
  scheduler.ResetStatistics();
  scheduler.Start(0);
  Play(scheduler, clock, 2.0, [] { return 0.0001; });
  EXPECT_NEAR(scheduler.Statistics().AchievedSpeed, 1.0, 0.01);
}

TEST(PlaybackScheduler, SingleFramePlaysAndEnds) {
  auto times = Regular(500.0, 1);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  EXPECT_EQ(scheduler.Next().What, Kind::End);
  scheduler.SetLoop(true);
  scheduler.Start(0);
  const auto decision = scheduler.Next();
  EXPECT_EQ(decision.What, Kind::Show);
  EXPECT_EQ(decision.Frame, 0);
}

TEST(PlaybackScheduler, DoesNotDriftOverTenMinutesWithJitteryRenders) {
  auto times = Regular(500.0, 3'600'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  const double start = clock.Now();
  std::mt19937 random(3);
  std::uniform_real_distribution<double> render(0.008, 0.030);
  const auto run = Play(scheduler, clock, 600.0, [&] { return render(random); });
  const auto stats = scheduler.Statistics();
  // The last frame shown is within one render of the wall clock: no accumulated drift.
  EXPECT_NEAR(times->TimeOf(run.Shown.back()), clock.Now() - start, 0.031);
  EXPECT_LE(stats.LagMaxMs, 32.0);
  EXPECT_NEAR(stats.AchievedSpeed, 1.0, 0.001);
}

TEST(PlaybackScheduler, SlowRenderSkipsMoreButKeepsLagBounded) {
  auto times = Regular(500.0, 3'600'000);
  FakeClock clock;
  PlaybackScheduler scheduler(*times, clock);
  scheduler.Start(0);
  Play(scheduler, clock, 30.0, [] { return 0.2; });
  const auto stats = scheduler.Statistics();
  EXPECT_NEAR(stats.DisplayRate, 5.0, 0.1);
  EXPECT_GT(stats.SkippedPercent, 98.0);
  // Lag stays one render interval, not growing with time.
  EXPECT_LE(stats.LagMaxMs, 202.1);
  EXPECT_NEAR(stats.DisplayIntervalP50Ms, 200.0, 0.2);
}

namespace {

// Epochs as a sorted list, the simplest EpochSource (the session's comes from interval overlays).
class ListedEpochs final : public neuroplayback::EpochSource {
public:
  explicit ListedEpochs(std::vector<std::pair<double, double>> epochs) : List(std::move(epochs)) {}
  bool EpochFrom(double t, int dir, double& start, double& stop) override {
    if (dir > 0) {
      for (const auto& epoch : List) {
        if (epoch.second >= t) {
          start = epoch.first;
          stop = epoch.second;
          return true;
        }
      }
      return false;
    }
    for (auto epoch = List.rbegin(); epoch != List.rend(); ++epoch) {
      if (epoch->first <= t) {
        start = epoch->first;
        stop = epoch->second;
        return true;
      }
    }
    return false;
  }

private:
  std::vector<std::pair<double, double>> List;
};

bool InsideAny(double t, const std::vector<std::pair<double, double>>& epochs) {
  for (const auto& epoch : epochs) {
    if (t >= epoch.first - 1e-9 && t <= epoch.second + 1e-9) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST(PlaybackScheduler, PlaysOnlyInsideEpochsAndJumpsTheGaps) {
  const std::vector<std::pair<double, double>> list{ { 1.0, 1.5 }, { 3.0, 3.2 }, { 7.0, 8.0 } };
  auto times = Regular(100.0, 1000); // 0 .. 9.99 s
  FakeClock clock;
  ListedEpochs epochs(list);
  PlaybackScheduler scheduler(*times, clock);
  scheduler.SetEpochs(&epochs);
  scheduler.Start(0); // outside every epoch: the first decision enters the first one
  const PlayRun run = Play(scheduler, clock, 60.0, [] { return 0.016; });
  ASSERT_TRUE(run.Ended);
  ASSERT_FALSE(run.Shown.empty());
  EXPECT_EQ(run.Shown.front(), 100); // the first frame of [1.0, 1.5]
  for (std::int64_t frame : run.Shown) {
    EXPECT_TRUE(InsideAny(times->TimeOf(frame), list)) << "frame " << frame << " is outside the epochs";
  }
  // Each epoch is entered, and the whole run takes the epochs' 1.7 s, not the 7 s they span.
  for (std::int64_t entry : { 100, 300, 700 }) {
    EXPECT_NE(std::find(run.Shown.begin(), run.Shown.end(), entry), run.Shown.end()) << entry;
  }
  EXPECT_LT(run.ShownAt.back() - run.ShownAt.front(), 1.8);
  EXPECT_EQ(run.Shown.back(), 800); // ends on the last epoch's final frame, even when it falls between renders
  // Jumps over the gaps are not skipped frames.
  EXPECT_LT(scheduler.Statistics().FramesSkipped, 1.7 * 100.0);
}

TEST(PlaybackScheduler, EpochsWorkBackwardsEveryFrameAndLooping) {
  const std::vector<std::pair<double, double>> list{ { 1.0, 1.05 }, { 2.0, 2.05 } };
  auto times = Regular(100.0, 300);
  FakeClock clock;
  ListedEpochs epochs(list);
  PlaybackScheduler scheduler(*times, clock);
  scheduler.SetEpochs(&epochs);

  scheduler.SetMode(PlaybackScheduler::Mode::EveryFrame);
  scheduler.Start(299, -1);
  const PlayRun backwards = Play(scheduler, clock, 10.0, [] { return 0.001; });
  EXPECT_TRUE(backwards.Ended);
  const std::vector<std::int64_t> expected{ 205, 204, 203, 202, 201, 200, 105, 104, 103, 102, 101, 100 };
  EXPECT_EQ(backwards.Shown, expected);

  scheduler.SetLoop(true);
  scheduler.Start(150, +1);
  const PlayRun looping = Play(scheduler, clock, 1.0, [] { return 0.001; });
  EXPECT_FALSE(looping.Ended);
  for (std::int64_t frame : looping.Shown) {
    EXPECT_TRUE(InsideAny(times->TimeOf(frame), list)) << frame;
  }
  EXPECT_GT(std::count(looping.Shown.begin(), looping.Shown.end(), 100), 1); // looped to the first epoch

  scheduler.SetEpochs(nullptr); // back to the whole session
  scheduler.SetLoop(false);
  scheduler.Start(150, +1);
  const PlayRun whole = Play(scheduler, clock, 10.0, [] { return 0.001; });
  EXPECT_EQ(whole.Shown.front(), 151);
  EXPECT_EQ(whole.Shown.back(), 299);
}

TEST(ScrubDebouncer, LatestRequestWinsAtMostSixtyPerSecond) {
  FakeClock clock;
  ScrubDebouncer debouncer(clock, 60.0);
  std::vector<double> applied;
  // A drag sends a request every millisecond for one second.
  for (int ms = 0; ms < 1000; ++ms) {
    debouncer.Request(ms * 0.001);
    if (auto time = debouncer.Take()) {
      applied.push_back(*time);
    }
    clock.Advance(0.001);
  }
  clock.Advance(debouncer.SecondsUntilReady());
  if (auto time = debouncer.Take()) {
    applied.push_back(*time);
  }
  EXPECT_LE(applied.size(), 62u);
  EXPECT_GE(applied.size(), 55u);
  EXPECT_DOUBLE_EQ(applied.back(), 0.999); // the final position always lands
  EXPECT_FALSE(debouncer.HasPending());
  EXPECT_EQ(debouncer.Requested(), 1000);
}
