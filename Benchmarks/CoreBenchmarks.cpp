// Google Benchmark measurements of the NeuroPlayback core on a real session file.
//
//   NEUROPLAYBACK_BENCH_SESSION=/work/bench-data/np-3600k-50x50.nsp
//     build/bin/neuroplayback_core_benchmarks --benchmark_out=core.json --benchmark_out_format=json
//   (one command line; the variable set in the environment of the program)
//
// What is measured (docs/benchmarks.md explains every figure):
//   BM_Open/{warm,cold}                 Session::Open (headers, environment, first/last frame-time blocks)
//   BM_Seek/{warm,fresh_session,cold}   one field frame at a random index:
//                                         warm          block already in FieldStream's cache
//                                         fresh_session new Session (empty block cache), file bytes in the page cache
//                                         cold          new Session and the page cache dropped
//   BM_Sequential{FieldStream,RawRead}/{warm,cold}
//                                       a chunk-aligned window of the field read frame by frame through
//                                       FieldStream, versus plain read() of exactly the same file bytes
//   BM_FrameAt/{random,fresh_session,playback}
//                                       frame-time lookup at the session's frame count
//   BM_EstimateRange/{warm,cold}        EstimateRange (200 random frames) on a fresh Session
//
// Seek and lookup benchmarks time every operation on its own (manual timing) and report the
// percentiles of those individual timings as counters, in seconds: p50_s, p99_s, max_s.
// "cold" uses `echo 3 > /proc/sys/vm/drop_caches` (needs root); without it, it falls back to
// posix_fadvise(POSIX_FADV_DONTNEED) on the session file and says so in the label.
#include "ColorRange.h"
#include "Hdf5.h"
#include "Session.h"
#include "SessionError.h"

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using neuroplayback::Session;

double Seconds(Clock::time_point begin, Clock::time_point end) {
  return std::chrono::duration<double>(end - begin).count();
}

const std::string& SessionPath() {
  static const std::string path = [] {
    const char* value = std::getenv("NEUROPLAYBACK_BENCH_SESSION");
    return std::string(value ? value : "");
  }();
  return path;
}

// Opens the benchmark session, or marks the benchmark skipped with the reason.
std::unique_ptr<Session> OpenOrSkip(benchmark::State& state) {
  if (SessionPath().empty()) {
    state.SkipWithError("Set NEUROPLAYBACK_BENCH_SESSION to a session file (.nsp).");
    return nullptr;
  }
  try {
    return Session::Open(SessionPath());
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
    return nullptr;
  }
}

std::string Describe(Session& session) {
  const auto& field = session.Field(session.DefaultFieldIndex());
  return std::to_string(session.FrameCount()) + " frames x " + std::to_string(field.BinCount()) + " bins, " +
    (session.Times().IsRegular() ? "regular" : "explicit") + " times, block " +
    std::to_string(field.BlockFrames()) + " frames";
}

// Evicts the session file from the page cache. Returns how, or an empty string if it could not.
std::string DropPageCache() {
  ::sync();
  const int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY);
  if (fd >= 0) {
    const bool written = ::write(fd, "3\n", 2) == 2;
    ::close(fd);
    if (written) {
      return "drop_caches";
    }
  }
  const int file = ::open(SessionPath().c_str(), O_RDONLY);
  if (file >= 0) {
    const int result = ::posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED);
    ::close(file);
    if (result == 0) {
      return "fadvise";
    }
  }
  return "";
}

// Collects individual timings and reports their percentiles as counters (seconds).
class Samples {
public:
  explicit Samples(std::size_t expected) { Values.reserve(expected); }
  void Add(double seconds) { Values.push_back(seconds); }
  void Report(benchmark::State& state) {
    if (Values.empty()) {
      return;
    }
    std::sort(Values.begin(), Values.end());
    auto percentile = [this](double p) {
      // Nearest rank.
      const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(Values.size())));
      return Values[std::min(Values.size() - 1, rank == 0 ? 0 : rank - 1)];
    };
    state.counters["p50_s"] = percentile(50.0);
    state.counters["p99_s"] = percentile(99.0);
    state.counters["max_s"] = Values.back();
    state.counters["samples"] = static_cast<double>(Values.size());
  }

private:
  std::vector<double> Values;
};

// One random stream per benchmark kind so repetitions see different frames but runs are reproducible.
std::mt19937_64& Random(int which) {
  static std::mt19937_64 streams[8] = { std::mt19937_64(11), std::mt19937_64(12), std::mt19937_64(13),
    std::mt19937_64(14), std::mt19937_64(15), std::mt19937_64(16), std::mt19937_64(17), std::mt19937_64(18) };
  return streams[which];
}

std::vector<std::int64_t> RandomFrames(std::int64_t frameCount, std::size_t count, int stream) {
  std::uniform_int_distribution<std::int64_t> pick(0, frameCount - 1);
  std::vector<std::int64_t> frames(count);
  for (auto& frame : frames) {
    frame = pick(Random(stream));
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Open

void BM_Open(benchmark::State& state, bool cold) {
  auto probe = OpenOrSkip(state);
  if (!probe) {
    return;
  }
  state.SetLabel(Describe(*probe) + (cold ? ", page cache dropped" : ", page cache warm"));
  probe.reset();
  Samples samples(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    if (cold && DropPageCache().empty()) {
      state.SkipWithError("Cannot drop the page cache (not root, and posix_fadvise failed).");
      break;
    }
    const auto begin = Clock::now();
    auto session = Session::Open(SessionPath());
    const auto end = Clock::now();
    benchmark::DoNotOptimize(session.get());
    state.SetIterationTime(Seconds(begin, end));
    samples.Add(Seconds(begin, end));
    session.reset(); // closing is not part of opening
  }
  samples.Report(state);
}
BENCHMARK_CAPTURE(BM_Open, warm, false)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20)->Repetitions(5);
BENCHMARK_CAPTURE(BM_Open, cold, true)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5)->Repetitions(5);

// ---------------------------------------------------------------------------------------------
// Random seek of one field frame

// Warm: the frame's block is already in FieldStream's block cache.
void BM_SeekWarm(benchmark::State& state) {
  auto session = OpenOrSkip(state);
  if (!session) {
    return;
  }
  auto& field = session->Field(session->DefaultFieldIndex());
  state.SetLabel(Describe(*session) + ", block cached");
  // 32 random frames in distinct blocks: well under the cache's capacity (64 MiB per field).
  std::vector<std::int64_t> frames;
  for (std::int64_t frame : RandomFrames(field.FrameCount(), 256, 0)) {
    const bool sameBlock = std::any_of(frames.begin(), frames.end(),
      [&](std::int64_t other) { return other / field.BlockFrames() == frame / field.BlockFrames(); });
    if (!sameBlock && frames.size() < 32) {
      frames.push_back(frame);
    }
  }
  for (std::int64_t frame : frames) {
    field.Frame(frame);
  }
  const auto readsBefore = field.Stats().BlockReads;
  std::uniform_int_distribution<std::size_t> pick(0, frames.size() - 1);
  Samples samples(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    const std::int64_t frame = frames[pick(Random(1))];
    const auto begin = Clock::now();
    const void* values = field.Frame(frame);
    benchmark::DoNotOptimize(*static_cast<const unsigned char*>(values));
    const auto end = Clock::now();
    state.SetIterationTime(Seconds(begin, end));
    samples.Add(Seconds(begin, end));
  }
  samples.Report(state);
  state.counters["block_reads"] = static_cast<double>(field.Stats().BlockReads - readsBefore);
}
BENCHMARK(BM_SeekWarm)->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(100000)->Repetitions(5);

// Cold: a fresh Session (empty block cache) per seek; the file bytes are in the page cache
// (fresh_session) or the page cache was dropped after opening (cold).
void BM_SeekCold(benchmark::State& state, bool dropPageCache) {
  auto probe = OpenOrSkip(state);
  if (!probe) {
    return;
  }
  const std::int64_t frameCount = probe->FrameCount();
  const auto iterations = static_cast<std::size_t>(state.max_iterations);
  const std::vector<std::int64_t> frames = RandomFrames(frameCount, iterations, dropPageCache ? 2 : 3);
  std::string how = "page cache warm";
  if (!dropPageCache) {
    // Bring exactly these frames' bytes into the page cache first.
    auto& field = probe->Field(probe->DefaultFieldIndex());
    std::vector<double> scratch;
    for (std::int64_t frame : frames) {
      field.ReadFrameUncached(frame, scratch);
    }
  }
  const std::string description = Describe(*probe);
  probe.reset();
  Samples samples(iterations);
  std::size_t index = 0;
  for (auto _ : state) {
    auto session = Session::Open(SessionPath());
    auto& field = session->Field(session->DefaultFieldIndex());
    if (dropPageCache) {
      how = DropPageCache();
      if (how.empty()) {
        state.SkipWithError("Cannot drop the page cache (not root, and posix_fadvise failed).");
        break;
      }
      how = "page cache dropped (" + how + ")";
    }
    const std::int64_t frame = frames[index++ % frames.size()];
    const auto begin = Clock::now();
    const void* values = field.Frame(frame);
    benchmark::DoNotOptimize(*static_cast<const unsigned char*>(values));
    const auto end = Clock::now();
    state.SetIterationTime(Seconds(begin, end));
    samples.Add(Seconds(begin, end));
  }
  state.SetLabel(description + ", " + how);
  samples.Report(state);
}
BENCHMARK_CAPTURE(BM_SeekCold, fresh_session, false)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(200)->Repetitions(5);
BENCHMARK_CAPTURE(BM_SeekCold, cold, true)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(40)->Repetitions(5);

// ---------------------------------------------------------------------------------------------
// Sequential throughput: FieldStream versus plain read() of the same bytes

struct Window {
  std::int64_t FirstFrame = 0;
  std::int64_t Frames = 0;
  std::size_t FrameBytes = 0;
  // Byte ranges of the window's chunks in the file, merged where adjacent.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> Ranges; // offset, length
  std::uint64_t FileBytes = 0;
  bool Compressed = false;
};

constexpr std::uint64_t WindowTargetBytes = 512ull << 20;

// A chunk-aligned window of about 512 MiB of field data in the middle of the field.
Window FieldWindow(Session& session) {
  Window window;
  auto& field = session.Field(session.DefaultFieldIndex());
  window.FrameBytes = static_cast<std::size_t>(field.BinCount()) * field.ValueSize();
  const std::int64_t block = field.BlockFrames();
  std::int64_t frames = static_cast<std::int64_t>(WindowTargetBytes / window.FrameBytes);
  frames = std::max<std::int64_t>(block, frames / block * block);
  frames = std::min(frames, field.FrameCount() / block * block);
  window.Frames = std::max<std::int64_t>(1, frames);
  window.FirstFrame = (field.FrameCount() - window.Frames) / 2 / block * block;

  neuroplayback::h5::ErrorSilencer silence;
  neuroplayback::h5::Handle file(H5Fopen(session.Path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  neuroplayback::h5::Handle dataset(H5Dopen2(file.Get(), ("/fields/" + field.Name()).c_str(), H5P_DEFAULT));
  for (std::int64_t row = window.FirstFrame; row < window.FirstFrame + window.Frames; row += block) {
    hsize_t offset[2] = { static_cast<hsize_t>(row), 0 };
    unsigned filterMask = 0;
    haddr_t address = 0;
    hsize_t size = 0;
    if (H5Dget_chunk_info_by_coord(dataset.Get(), offset, &filterMask, &address, &size) < 0 || address == HADDR_UNDEF) {
      window.Ranges.clear();
      return window; // not chunked, or chunk missing: no raw comparison
    }
    if (size != static_cast<hsize_t>(block) * window.FrameBytes) {
      window.Compressed = true;
    }
    if (!window.Ranges.empty() && window.Ranges.back().first + window.Ranges.back().second == address) {
      window.Ranges.back().second += size;
    } else {
      window.Ranges.emplace_back(address, size);
    }
    window.FileBytes += size;
  }
  return window;
}

std::uint64_t ReadRanges(const Window& window, std::vector<unsigned char>& buffer) {
  const int fd = ::open(SessionPath().c_str(), O_RDONLY);
  if (fd < 0) {
    return 0;
  }
  std::uint64_t total = 0;
  for (const auto& [offset, length] : window.Ranges) {
    if (::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
      break;
    }
    std::uint64_t left = length;
    while (left > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
      const ssize_t got = ::read(fd, buffer.data(), want);
      if (got <= 0) {
        left = 0;
        break;
      }
      benchmark::DoNotOptimize(buffer[0]);
      left -= static_cast<std::uint64_t>(got);
      total += static_cast<std::uint64_t>(got);
    }
  }
  ::close(fd);
  return total;
}

void StreamWindow(Session& session, const Window& window) {
  auto& field = session.Field(session.DefaultFieldIndex());
  for (std::int64_t frame = window.FirstFrame; frame < window.FirstFrame + window.Frames; ++frame) {
    const void* values = field.Frame(frame);
    benchmark::DoNotOptimize(*static_cast<const unsigned char*>(values));
  }
}

// Times one pass of `work` as the iteration's time, after dropping the page cache when cold (method
// says how). False, with the benchmark skipped, when the cache cannot be dropped.
template <typename Work>
bool TimedPass(benchmark::State& state, bool cold, std::string& method, double& total, Work work) {
  if (cold) {
    method = DropPageCache();
    if (method.empty()) {
      state.SkipWithError("Cannot drop the page cache (not root, and posix_fadvise failed).");
      return false;
    }
  }
  const auto begin = Clock::now();
  work();
  const auto end = Clock::now();
  state.SetIterationTime(Seconds(begin, end));
  total += Seconds(begin, end);
  return true;
}

void BM_SequentialFieldStream(benchmark::State& state, bool cold) {
  auto probe = OpenOrSkip(state);
  if (!probe) {
    return;
  }
  const Window window = FieldWindow(*probe);
  if (!cold) {
    StreamWindow(*probe, window); // warm the page cache
  }
  std::string label = Describe(*probe) + ", frames " + std::to_string(window.FirstFrame) + "+" +
    std::to_string(window.Frames);
  probe.reset();
  std::string method;
  double total = 0.0;
  for (auto _ : state) {
    auto session = Session::Open(SessionPath());
    if (!TimedPass(state, cold, method, total, [&] { StreamWindow(*session, window); })) {
      break;
    }
  }
  const double bytes = static_cast<double>(window.Frames) * static_cast<double>(window.FrameBytes) *
    static_cast<double>(state.iterations());
  state.SetLabel(label + (cold ? ", page cache dropped (" + method + ")" : std::string(", page cache warm")));
  state.counters["MB_per_s"] = total > 0.0 ? bytes / 1e6 / total : 0.0;
  state.counters["frames_per_s"] = total > 0.0 ? static_cast<double>(window.Frames * state.iterations()) / total : 0.0;
}
BENCHMARK_CAPTURE(BM_SequentialFieldStream, warm, false)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK_CAPTURE(BM_SequentialFieldStream, cold, true)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);

void BM_SequentialRawRead(benchmark::State& state, bool cold) {
  auto probe = OpenOrSkip(state);
  if (!probe) {
    return;
  }
  const Window window = FieldWindow(*probe);
  if (window.Ranges.empty()) {
    state.SkipWithError("The field is not chunked; no chunk byte ranges to read.");
    return;
  }
  std::string label = Describe(*probe) + ", " + std::to_string(window.Ranges.size()) + " contiguous range(s)" +
    (window.Compressed ? ", compressed chunks" : "");
  probe.reset();
  std::vector<unsigned char> buffer(1u << 20); // read() in 1 MiB calls
  if (!cold) {
    ReadRanges(window, buffer);
  }
  std::string method;
  double total = 0.0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    if (!TimedPass(state, cold, method, total, [&] { bytes += ReadRanges(window, buffer); })) {
      break;
    }
  }
  state.SetLabel(label + (cold ? ", page cache dropped (" + method + ")" : std::string(", page cache warm")));
  state.counters["MB_per_s"] = total > 0.0 ? static_cast<double>(bytes) / 1e6 / total : 0.0;
}
BENCHMARK_CAPTURE(BM_SequentialRawRead, warm, false)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK_CAPTURE(BM_SequentialRawRead, cold, true)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);

// ---------------------------------------------------------------------------------------------
// Frame-time lookup

enum class LookupMode { Random, FreshSession, Playback };

void BM_FrameAt(benchmark::State& state, LookupMode mode) {
  auto session = OpenOrSkip(state);
  if (!session) {
    return;
  }
  state.SetLabel(Describe(*session));
  const double first = session->Times().First();
  const double last = session->Times().Last();
  const double rate = session->Times().Rate();
  std::uniform_real_distribution<double> pickTime(first, last);
  Samples samples(static_cast<std::size_t>(state.max_iterations));
  double playbackTime = first + 0.25 * (last - first);
  std::int64_t rowsBefore = session->Times().RowsRead();
  std::int64_t rows = 0;
  std::int64_t checksum = 0;
  for (auto _ : state) {
    double t = 0.0;
    if (mode == LookupMode::Playback) {
      playbackTime += 1.0 / rate;
      t = playbackTime;
    } else {
      t = pickTime(Random(4));
    }
    if (mode == LookupMode::FreshSession) {
      session = Session::Open(SessionPath());
      rowsBefore = session->Times().RowsRead();
    }
    const auto begin = Clock::now();
    const std::int64_t frame = session->Times().FrameAt(t);
    const auto end = Clock::now();
    benchmark::DoNotOptimize(frame);
    checksum += frame;
    state.SetIterationTime(Seconds(begin, end));
    samples.Add(Seconds(begin, end));
    if (mode == LookupMode::FreshSession) {
      rows += session->Times().RowsRead() - rowsBefore;
    }
  }
  if (mode != LookupMode::FreshSession) {
    rows = session->Times().RowsRead() - rowsBefore;
  }
  benchmark::DoNotOptimize(checksum);
  samples.Report(state);
  state.counters["frames"] = static_cast<double>(session->FrameCount());
  state.counters["rows_read_per_lookup"] =
    state.iterations() > 0 ? static_cast<double>(rows) / static_cast<double>(state.iterations()) : 0.0;
}
BENCHMARK_CAPTURE(BM_FrameAt, random, LookupMode::Random)
  ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(20000)->Repetitions(5);
BENCHMARK_CAPTURE(BM_FrameAt, fresh_session, LookupMode::FreshSession)
  ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(200)->Repetitions(5);
BENCHMARK_CAPTURE(BM_FrameAt, playback, LookupMode::Playback)
  ->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(100000)->Repetitions(5);

// ---------------------------------------------------------------------------------------------
// Colour-range estimate (200 random frames) on a fresh Session

void BM_EstimateRange(benchmark::State& state, bool cold) {
  auto probe = OpenOrSkip(state);
  if (!probe) {
    return;
  }
  std::string label = Describe(*probe) + (cold ? ", page cache dropped" : ", page cache warm");
  probe.reset();
  Samples samples(static_cast<std::size_t>(state.max_iterations));
  std::uint64_t seed = 12345; // the reader's seed first; later iterations sample other frames
  double low = 0.0;
  double high = 0.0;
  if (!cold) {
    auto session = Session::Open(SessionPath());
    neuroplayback::EstimateRange(session->Field(session->DefaultFieldIndex()), 200, seed);
  }
  for (auto _ : state) {
    auto session = Session::Open(SessionPath());
    if (cold && DropPageCache().empty()) {
      state.SkipWithError("Cannot drop the page cache (not root, and posix_fadvise failed).");
      break;
    }
    const auto begin = Clock::now();
    const auto range = neuroplayback::EstimateRange(session->Field(session->DefaultFieldIndex()), 200, seed);
    const auto end = Clock::now();
    if (cold) {
      ++seed;
    }
    low = range.Min;
    high = range.Max;
    state.SetIterationTime(Seconds(begin, end));
    samples.Add(Seconds(begin, end));
  }
  state.SetLabel(label);
  samples.Report(state);
  state.counters["range_min"] = low;
  state.counters["range_max"] = high;
}
BENCHMARK_CAPTURE(BM_EstimateRange, warm, false)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5)->Repetitions(5);
BENCHMARK_CAPTURE(BM_EstimateRange, cold, true)
  ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2)->Repetitions(5);

} // namespace

BENCHMARK_MAIN();
