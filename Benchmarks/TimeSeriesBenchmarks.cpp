// Per-frame cost of a time series chart's data: TimeSeries::Window (the rows the chart draws) plus
// ValueAt (the readout) for one frame, on a real session's series (the generator writes "speed" at the
// session rate, with its multi-resolution summary).
//
//   NEUROPLAYBACK_BENCH_SESSION=/work/bench-data/np-3600k-ts.nsp build-main/bin/neuroplayback_timeseries_benchmarks
//   NEUROPLAYBACK_BENCH_SERIES=<name> picks another series (default "speed").
//
// window_2s / window_600s: the chart's window (2 s is raw samples, 600 s a min/max envelope of at most
//                          1024 buckets, the filter's default MaxChartBuckets).
// sequential: consecutive frames (1x playback drawing every frame: t advances by one frame, 1/500 s
//             at 500 Hz), starting at a random point. seek: a random frame each time (scrubbing).
// Counters: p50_s / p99_s / max_s of the individual frame times (seconds), rows = rows in the last
// window, rows_read = rows read from the file per frame (times, values and summary levels),
// bucket = samples per row pair of the last window, summary = 1 when the series has one.
// The page cache is warm (whatever the OS holds); each repetition opens the session afresh.
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
using neuroplayback::TimeSeries;

constexpr std::int64_t kMaxBuckets = 1024;  // vtkNeuroTimeSeriesFilter's default MaxChartBuckets

void BM_TimeSeriesWindow(benchmark::State& state, double windowSeconds, bool seek) {
  const char* path = std::getenv("NEUROPLAYBACK_BENCH_SESSION");
  if (!path) {
    state.SkipWithError("Set NEUROPLAYBACK_BENCH_SESSION to a session file.");
    return;
  }
  const char* wanted = std::getenv("NEUROPLAYBACK_BENCH_SERIES");
  const std::string name = wanted ? wanted : "speed";
  std::unique_ptr<Session> session = Session::Open(path);
  TimeSeries* series = nullptr;
  for (TimeSeries& s : session->Overlays().Series()) {
    if (s.Name() == name) {
      series = &s;
    }
  }
  if (!series) {
    state.SkipWithError(("The session has no time series named '" + name + "'.").c_str());
    return;
  }
  neuroplayback::FrameTimes& times = session->Times();
  const std::int64_t frames = session->FrameCount();
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> anyFrame(0, frames - 1);
  std::int64_t frame = anyFrame(random);
  const double half = 0.5 * windowSeconds;
  neuroplayback::SeriesWindow out;
  std::vector<double> seconds;
  const std::int64_t readBefore = series->RowsRead();
  double sink = 0.0;
  for (auto _ : state) {
    frame = seek ? anyFrame(random) : (frame + 1 < frames ? frame + 1 : 0);
    const double t = times.TimeOf(frame);
    const auto begin = Clock::now();
    series->Window(t - half, t + half, kMaxBuckets, out);
    sink += series->ValueAt(t);
    const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    state.SetIterationTime(elapsed);
    seconds.push_back(elapsed);
  }
  benchmark::DoNotOptimize(sink);
  std::sort(seconds.begin(), seconds.end());
  auto at = [&](double q) { return seconds[static_cast<std::size_t>(q * static_cast<double>(seconds.size() - 1))]; };
  state.counters["p50_s"] = at(0.5);
  state.counters["p99_s"] = at(0.99);
  state.counters["max_s"] = seconds.back();
  state.counters["rows"] = static_cast<double>(out.Values.size());
  state.counters["rows_read"] = static_cast<double>(series->RowsRead() - readBefore) / static_cast<double>(seconds.size());
  state.counters["bucket"] = static_cast<double>(out.Bucket);
  state.counters["summary"] = series->HasSummary() ? 1.0 : 0.0;
}

#define WINDOW_BENCH(name, seconds)                                                                        \
  BENCHMARK_CAPTURE(BM_TimeSeriesWindow, name##_sequential, seconds, false)                                \
    ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(3000)->Repetitions(5);                    \
  BENCHMARK_CAPTURE(BM_TimeSeriesWindow, name##_seek, seconds, true)                                       \
    ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(300)->Repetitions(5)

WINDOW_BENCH(window_2s, 2.0);
WINDOW_BENCH(window_600s, 600.0);

} // namespace

BENCHMARK_MAIN();
