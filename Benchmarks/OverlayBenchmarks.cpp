// Per-frame overlay update cost: OverlaySet::Build for one frame, per overlay kind and all kinds,
// on a real session file (the generator's sessions hold every overlay kind).
//
//   NEUROPLAYBACK_BENCH_SESSION=/work/bench-data/np-3600k-50x50.nsp build/bin/neuroplayback_overlay_benchmarks
//
// playback: frames advance as 1x playback shown at 30 fps would (17 data frames per display frame at
//           500 Hz), starting at a random point; every Build is timed on its own.
// seek:     a random frame each time (scrubbing), the overlay's blocks mostly not cached.
// Counters p50_s / p99_s / max_s are percentiles of the individual Build times, in seconds.
#include "Session.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using neuroplayback::Session;

std::unique_ptr<Session> OpenBenchSession(benchmark::State& state) {
  const char* path = std::getenv("NEUROPLAYBACK_BENCH_SESSION");
  if (!path) {
    state.SkipWithError("Set NEUROPLAYBACK_BENCH_SESSION to a session file.");
    return nullptr;
  }
  return Session::Open(path);
}

void Report(benchmark::State& state, std::vector<double>& seconds, const neuroplayback::OverlayFrame& last) {
  std::sort(seconds.begin(), seconds.end());
  auto at = [&](double q) { return seconds[static_cast<std::size_t>(q * static_cast<double>(seconds.size() - 1))]; };
  state.counters["p50_s"] = at(0.5);
  state.counters["p99_s"] = at(0.99);
  state.counters["max_s"] = seconds.back();
  state.counters["points"] = static_cast<double>(last.Positions.Count() + last.Bodyparts.Count() + last.Events.Count() +
    last.Headings.Count() + last.Trails.Colors.size() + last.Skeleton.Colors.size());
}

void BM_OverlayBuild(benchmark::State& state, unsigned kinds, bool seek) {
  std::unique_ptr<Session> session = OpenBenchSession(state);
  if (!session) {
    return;
  }
  neuroplayback::FrameTimes& times = session->Times();
  const std::int64_t frames = session->FrameCount();
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> anyFrame(1, frames - 1);
  const std::int64_t stride = std::max<std::int64_t>(1, static_cast<std::int64_t>(times.Rate() / 30.0));
  std::int64_t frame = anyFrame(random);
  neuroplayback::OverlayFrame out;
  std::vector<double> seconds;
  for (auto _ : state) {
    frame = seek ? anyFrame(random) : (frame + stride < frames ? frame + stride : 1);
    neuroplayback::FrameClock clock;
    clock.Time = times.TimeOf(frame);
    clock.PreviousTime = times.TimeOf(frame - 1);
    clock.FirstTime = times.First();
    clock.LastTime = times.Last();
    const auto begin = Clock::now();
    session->Overlays().Build(clock, out, kinds);
    const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    state.SetIterationTime(elapsed);
    seconds.push_back(elapsed);
  }
  Report(state, seconds, out);
}

using neuroplayback::OverlayKinds;
#define OVERLAY_BENCH(name, kinds)                                                                          \
  BENCHMARK_CAPTURE(BM_OverlayBuild, name##_playback, kinds, false)                                         \
    ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(3000)->Repetitions(5);                    \
  BENCHMARK_CAPTURE(BM_OverlayBuild, name##_seek, kinds, true)                                              \
    ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(300)->Repetitions(5)

OVERLAY_BENCH(position_trail, OverlayKinds::PositionKind);
OVERLAY_BENCH(bodyparts_skeleton, OverlayKinds::BodypartKind);
OVERLAY_BENCH(head_direction, OverlayKinds::HeadingKind);
OVERLAY_BENCH(events, OverlayKinds::EventKind);
OVERLAY_BENCH(all, OverlayKinds::AllKinds);

} // namespace

BENCHMARK_MAIN();
