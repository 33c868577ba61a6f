// Video frame latency: neuroplayback::VideoDecoder against the naive approach of the reference
// implementation (OpenCV VideoCapture with CAP_PROP_POS_FRAMES for every uncached frame: open the
// file, seek, decode up to the frame, close), on the same file in the same run.
//
//   export NEUROPLAYBACK_BENCH_VIDEO=/work/bench-data/video-1h-640x480.mp4
//   build/bin/neuroplayback_video_benchmarks --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// open:        constructing a VideoDecoder (frame table from the index, frame 0 decoded).
// random:      a random frame each time (scrubbing).
// play_1x:     frames k, k+1, ... requested at the video's own rate (sleeping until each frame is
//              due, the sleep is not timed), as playback at 1x speed; the read-ahead thread works
//              between requests.
// play_4x:     every 4th frame at the same request rate (4x speed).
// play_1x_burst: frames k, k+1, ... back to back, no pause (the decoder's raw sequential speed).
// Counters: p50_ms / p99_ms / max_ms of the individual requests; wrong_frames = frames whose
// stamp (FrameStamp.h, videos from neuroplayback-make-video) is not the frame asked for, -1 when
// the video has no stamps; seeks_per_frame and decoded_per_frame (VideoDecoder only).
#include "SessionError.h"
#include "VideoDecoder.h"

#include "../Tools/make-video/FrameStamp.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using neuroplayback::VideoDecoder;

const char* BenchVideo(benchmark::State& state) {
  const char* path = std::getenv("NEUROPLAYBACK_BENCH_VIDEO");
  if (!path) {
    state.SkipWithError("Set NEUROPLAYBACK_BENCH_VIDEO to a video file (e.g. from neuroplayback-make-video).");
  }
  return path;
}

// The reference's way: a fresh demuxer and decoder per frame, seek to the frame's nominal time
// (frame / average rate, as CAP_PROP_POS_FRAMES), decode until a frame at or after it, convert
// to RGB, close.
class NaiveReader {
public:
  explicit NaiveReader(std::string path) : Path(std::move(path)) {}

  std::vector<std::uint8_t> Read(std::int64_t frame, int& width, int& height) {
    AVFormatContext* format = nullptr;
    std::vector<std::uint8_t> rgb;
    if (avformat_open_input(&format, Path.c_str(), nullptr, nullptr) < 0) {
      return rgb;
    }
    avformat_find_stream_info(format, nullptr);
    const AVCodec* codec = nullptr;
    const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    AVStream* stream = format->streams[index];
    AVCodecContext* context = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(context, stream->codecpar);
    context->pkt_timebase = stream->time_base;
    context->thread_count = 1; // as VideoDecoder
    avcodec_open2(context, codec, nullptr);
    const double rate = av_q2d(stream->avg_frame_rate);
    const std::int64_t start = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
    const std::int64_t target =
      start + static_cast<std::int64_t>(std::llround(static_cast<double>(frame) / rate / av_q2d(stream->time_base)));
    av_seek_frame(format, index, target, AVSEEK_FLAG_BACKWARD);
    AVPacket* packet = av_packet_alloc();
    AVFrame* picture = av_frame_alloc();
    bool done = false;
    bool flushed = false;
    while (!done) {
      if (!flushed) {
        const int read = av_read_frame(format, packet);
        if (read < 0) {
          avcodec_send_packet(context, nullptr);
          flushed = true;
        } else {
          if (packet->stream_index == index) {
            avcodec_send_packet(context, packet);
          }
          av_packet_unref(packet);
        }
      }
      for (;;) {
        const int received = avcodec_receive_frame(context, picture);
        if (received == AVERROR_EOF) {
          done = true;
        }
        if (received < 0) {
          break;
        }
        if (picture->best_effort_timestamp >= target) {
          width = picture->width;
          height = picture->height;
          rgb.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
          SwsContext* scaler = sws_getContext(width, height, static_cast<AVPixelFormat>(picture->format), width, height,
            AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr);
          std::uint8_t* planes[4] = { rgb.data(), nullptr, nullptr, nullptr };
          int strides[4] = { width * 3, 0, 0, 0 };
          sws_scale(scaler, picture->data, picture->linesize, 0, height, planes, strides);
          sws_freeContext(scaler);
          done = true;
          break;
        }
      }
    }
    av_frame_free(&picture);
    av_packet_free(&packet);
    avcodec_free_context(&context);
    avformat_close_input(&format);
    return rgb;
  }

private:
  std::string Path;
};

struct Latencies {
  std::vector<double> Seconds;
  std::int64_t Wrong = 0;
  bool Stamped = true;

  void Check(const std::uint8_t* rgb, int width, int height, std::int64_t frame) {
    const std::int64_t stamp = neuroplayback::stamp::ReadFrameStamp(rgb, width, height);
    Stamped = Stamped && stamp >= 0;
    Wrong += stamp != frame ? 1 : 0;
  }
  void Report(benchmark::State& state) {
    if (Seconds.empty()) {
      return;
    }
    std::sort(Seconds.begin(), Seconds.end());
    auto at = [&](double q) { return 1e3 * Seconds[static_cast<std::size_t>(q * static_cast<double>(Seconds.size() - 1))]; };
    state.counters["p50_ms"] = at(0.5);
    state.counters["p99_ms"] = at(0.99);
    state.counters["max_ms"] = 1e3 * Seconds.back();
    state.counters["wrong_frames"] = Stamped ? static_cast<double>(Wrong) : -1.0;
  }
};

enum class Pattern { Random, Play1x, Play4x, Burst };

// The frames one benchmark run asks for, and whether requests are paced at the video's rate.
struct Plan {
  Plan(Pattern pattern, std::int64_t frames, std::uint64_t seed) : Kind(pattern), Random(seed), Count(frames) {
    std::uniform_int_distribution<std::int64_t> any(0, frames - 1);
    Next = any(Random);
  }
  std::int64_t Take() {
    const std::int64_t frame = Next;
    if (Kind == Pattern::Random) {
      Next = std::uniform_int_distribution<std::int64_t>(0, Count - 1)(Random);
    } else {
      Next += Kind == Pattern::Play4x ? 4 : 1;
      if (Next >= Count) {
        Next = 0;
      }
    }
    return frame;
  }
  bool Paced() const { return Kind == Pattern::Play1x || Kind == Pattern::Play4x; }

  Pattern Kind;
  std::mt19937_64 Random;
  std::int64_t Count;
  std::int64_t Next = 0;
};

void BM_VideoDecoder(benchmark::State& state, Pattern pattern) {
  const char* path = BenchVideo(state);
  if (!path) {
    return;
  }
  VideoDecoder video(path);
  Plan plan(pattern, video.FrameCount(), 42);
  // Playback starts like a user pressing play: the frame shown, then the next ones.
  if (plan.Paced() || pattern == Pattern::Burst) {
    video.Frame(plan.Next);
  }
  const auto interval = std::chrono::duration<double>(1.0 / video.FrameRate());
  auto due = Clock::now();
  Latencies latencies;
  const neuroplayback::VideoStats before = video.Stats();
  for (auto _ : state) {
    if (plan.Paced()) {
      due += std::chrono::duration_cast<Clock::duration>(interval);
      std::this_thread::sleep_until(due);
    }
    const std::int64_t frame = plan.Take();
    const auto begin = Clock::now();
    const auto rgb = video.Frame(frame);
    const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    state.SetIterationTime(elapsed);
    latencies.Seconds.push_back(elapsed);
    latencies.Check(rgb->data(), video.Width(), video.Height(), frame);
  }
  latencies.Report(state);
  const neuroplayback::VideoStats after = video.Stats();
  const double requests = static_cast<double>(latencies.Seconds.size());
  state.counters["seeks_per_frame"] = static_cast<double>(after.Seeks - before.Seeks) / requests;
  state.counters["decoded_per_frame"] = static_cast<double>(after.FramesDecoded - before.FramesDecoded) / requests;
  state.counters["hit_rate"] = static_cast<double>(after.CacheHits - before.CacheHits) / requests;
}

void BM_Naive(benchmark::State& state, Pattern pattern) {
  const char* path = BenchVideo(state);
  if (!path) {
    return;
  }
  std::int64_t frames = 0;
  double rate = 30.0;
  {
    VideoDecoder probe(path); // frame count and rate only
    frames = probe.FrameCount();
    rate = probe.FrameRate();
  }
  NaiveReader reader(path);
  Plan plan(pattern, frames, 42);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  auto due = Clock::now();
  Latencies latencies;
  for (auto _ : state) {
    if (plan.Paced()) {
      due += std::chrono::duration_cast<Clock::duration>(interval);
      std::this_thread::sleep_until(due);
    }
    const std::int64_t frame = plan.Take();
    const auto begin = Clock::now();
    int width = 0;
    int height = 0;
    const std::vector<std::uint8_t> rgb = reader.Read(frame, width, height);
    const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    state.SetIterationTime(elapsed);
    latencies.Seconds.push_back(elapsed);
    if (rgb.empty()) {
      state.SkipWithError("the naive reader could not read a frame");
      return;
    }
    latencies.Check(rgb.data(), width, height, frame);
  }
  latencies.Report(state);
}

void BM_Open(benchmark::State& state) {
  const char* path = BenchVideo(state);
  if (!path) {
    return;
  }
  std::int64_t frames = 0;
  bool fromIndex = false;
  for (auto _ : state) {
    VideoDecoder video(path, neuroplayback::VideoDecoderOptions{ 0, 0, 0, 0, 1, std::size_t{ 256 } << 20, 0 });
    frames = video.FrameCount();
    fromIndex = video.Stats().FrameTableFromIndex;
  }
  state.counters["frames"] = static_cast<double>(frames);
  state.counters["from_index"] = fromIndex ? 1.0 : 0.0;
}

} // namespace

BENCHMARK(BM_Open)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK_CAPTURE(BM_VideoDecoder, random, Pattern::Random)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(300);
BENCHMARK_CAPTURE(BM_Naive, random, Pattern::Random)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(100);
BENCHMARK_CAPTURE(BM_VideoDecoder, play_1x, Pattern::Play1x)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(150);
BENCHMARK_CAPTURE(BM_Naive, play_1x, Pattern::Play1x)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(150);
BENCHMARK_CAPTURE(BM_VideoDecoder, play_4x, Pattern::Play4x)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(150);
BENCHMARK_CAPTURE(BM_Naive, play_4x, Pattern::Play4x)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(150);
BENCHMARK_CAPTURE(BM_VideoDecoder, play_1x_burst, Pattern::Burst)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(300);
BENCHMARK_CAPTURE(BM_Naive, play_1x_burst, Pattern::Burst)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(100);

BENCHMARK_MAIN();
