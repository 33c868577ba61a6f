// VideoDecoder: frame accuracy (every frame carries its number as a stamp, FrameStamp.h), seeks and
// decoding work per playback pattern, time lookup, crop/downsample, and failures that must end with
// a SessionError rather than a hang. The videos are written by neuroplayback-make-video at test time.
#include "SessionError.h"
#include "VideoDecoder.h"

#include "FrameStamp.h"

#include <gtest/gtest.h>

#if __has_include(<libavformat/avformat.h>)
extern "C" {
#include <libavformat/avformat.h>
}
#define NEUROPLAYBACK_HAVE_AVFORMAT_HEADERS 1
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#ifndef NEUROPLAYBACK_MAKE_VIDEO
#error "NEUROPLAYBACK_MAKE_VIDEO (path of neuroplayback-make-video) must be defined by the build"
#endif
#ifndef NEUROPLAYBACK_TEST_VIDEO_DIR
#error "NEUROPLAYBACK_TEST_VIDEO_DIR (where test videos are kept between test processes) must be defined"
#endif

using neuroplayback::SessionError;
using neuroplayback::VideoDecoder;
using neuroplayback::VideoDecoderOptions;
using neuroplayback::stamp::ReadFrameStamp;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kFrames = 300;
constexpr double kFps = 30.0;
constexpr int kWidth = 160;
constexpr int kHeight = 120;

// A test video, written once and shared by the test processes (ctest runs each test on its own):
// made under a unique name and then linked to its name only if no other process got there first, so
// parallel runs never see half a file, and a file another test is reading is never replaced (the
// encoder is not byte-for-byte repeatable, and the decoder opens a file more than once). Remade when the
// tool is newer.
std::string TestVideo(const std::string& name, const std::string& arguments) {
  const fs::path dir(NEUROPLAYBACK_TEST_VIDEO_DIR);
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::error_code error;
  if (fs::exists(path, error)) {
    if (fs::last_write_time(path) >= fs::last_write_time(NEUROPLAYBACK_MAKE_VIDEO)) {
      return path.string();
    }
    fs::remove(path, error); // stale: made by an older tool
  }
  const fs::path temporary = dir / (std::to_string(getpid()) + "-" + name);
  const std::string command = std::string("\"") + NEUROPLAYBACK_MAKE_VIDEO + "\" --quiet --output \"" +
    temporary.string() + "\" --frames " + std::to_string(kFrames) + " --fps 30 --size " + std::to_string(kWidth) + "x" +
    std::to_string(kHeight) + " " + arguments;
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "could not make the test video: " << command;
    return path.string();
  }
  fs::create_hard_link(temporary, path, error); // fails when another process's copy is already there
  fs::remove(temporary, error);
  return path.string();
}

std::string H264Mp4() { return TestVideo("h264.mp4", ""); } // x264 veryfast: 3 B-frames, GOP 60
std::string VfrMp4() { return TestVideo("vfr.mp4", "--vfr"); }

std::int64_t StampOf(const VideoDecoder& video, const std::shared_ptr<const std::vector<std::uint8_t>>& rgb) {
  EXPECT_EQ(rgb->size(), static_cast<std::size_t>(video.Width()) * static_cast<std::size_t>(video.Height()) * 3);
  return ReadFrameStamp(rgb->data(), video.Width(), video.Height());
}

// Every request in order must give the frame asked for.
void ExpectFrames(VideoDecoder& video, const std::vector<std::int64_t>& order) {
  for (std::int64_t frame : order) {
    ASSERT_EQ(StampOf(video, video.Frame(frame)), frame) << "requested frame " << frame << " of " << video.Path();
  }
}

std::vector<std::int64_t> RandomFrames(std::int64_t count, std::int64_t frames, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::int64_t> any(0, frames - 1);
  std::vector<std::int64_t> order(static_cast<std::size_t>(count));
  for (auto& frame : order) {
    frame = any(random);
  }
  return order;
}

std::vector<std::int64_t> Range(std::int64_t from, std::int64_t to, std::int64_t step) {
  std::vector<std::int64_t> order;
  for (std::int64_t k = from; step > 0 ? k < to : k > to; k += step) {
    order.push_back(k);
  }
  return order;
}

// Runs f, which must throw a SessionError, quickly; returns the message.
template <typename F>
std::string ExpectSessionError(F&& f) {
  const auto start = Clock::now();
  std::string message;
  try {
    f();
    ADD_FAILURE() << "no SessionError";
  } catch (const SessionError& error) {
    message = error.what();
    EXPECT_FALSE(error.Fix.empty()) << message;
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5.0) << message;
  return message;
}

std::vector<char> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const char* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data, static_cast<std::streamsize>(size));
}

} // namespace

TEST(VideoDecoder, OpensAnH264Mp4) {
  VideoDecoder video(H264Mp4());
  EXPECT_EQ(video.FrameCount(), kFrames);
  EXPECT_EQ(video.Width(), kWidth);
  EXPECT_EQ(video.Height(), kHeight);
  EXPECT_EQ(video.SourceWidth(), kWidth);
  EXPECT_EQ(video.SourceHeight(), kHeight);
  EXPECT_NEAR(video.FrameRate(), kFps, 1e-9);
  EXPECT_TRUE(video.Stats().FrameTableFromIndex); // the index and ctts agreed with the demuxer
}

TEST(VideoDecoder, RandomSeeksAreFrameAccurate) {
  const std::vector<std::int64_t> order = RandomFrames(200, kFrames, 7);
  {
    VideoDecoder video(H264Mp4()); // read-ahead on: the worker thread shares the decoder
    ExpectFrames(video, order);
  }
  // No cache to speak of and no read-ahead: every request really seeks and decodes.
  VideoDecoderOptions bare;
  bare.CacheBytes = 0;
  bare.ReadAheadFrames = 0;
  VideoDecoder video(H264Mp4(), bare);
  ExpectFrames(video, order);
  const neuroplayback::VideoStats stats = video.Stats();
  EXPECT_GT(stats.Seeks, 50);
  EXPECT_EQ(stats.CacheHits + stats.CacheMisses, 200);
}

TEST(VideoDecoder, SequentialPlaybackDecodesEachFrameOnce) {
  VideoDecoder video(H264Mp4());
  ExpectFrames(video, Range(0, kFrames, 1));
  const neuroplayback::VideoStats stats = video.Stats();
  EXPECT_LE(stats.Seeks, 2);
  EXPECT_LE(stats.FramesDecoded, kFrames + 8);
}

TEST(VideoDecoder, PlaybackAtFourTimesSpeed) {
  VideoDecoder video(H264Mp4());
  ExpectFrames(video, Range(3, kFrames, 4));
  EXPECT_LE(video.Stats().Seeks, 2);
}

TEST(VideoDecoder, ReadAheadServesPacedPlayback) {
  VideoDecoder video(H264Mp4());
  for (std::int64_t frame = 0; frame < 120; ++frame) {
    ASSERT_EQ(StampOf(video, video.Frame(frame)), frame);
    std::this_thread::sleep_for(std::chrono::milliseconds(4)); // a display at 250 Hz
  }
  const neuroplayback::VideoStats stats = video.Stats();
  // Lenient (a loaded machine may starve the thread), but zero would mean no read-ahead at all.
  EXPECT_GT(stats.CacheHits, 30) << "misses " << stats.CacheMisses;
  EXPECT_LE(stats.Seeks, 2);
}

TEST(VideoDecoder, SteppingBackwardIsCorrectAndCheap) {
  VideoDecoder video(H264Mp4());
  ExpectFrames(video, Range(kFrames - 1, -1, -1));
  // Re-decoding from the keyframe for every step would be ~30 frames per step.
  EXPECT_LE(video.Stats().FramesDecoded, 3 * kFrames);
}

TEST(VideoDecoder, MixedPatterns) {
  VideoDecoder video(H264Mp4());
  std::vector<std::int64_t> order = Range(100, 140, 1);
  for (std::int64_t k : Range(139, 80, -1)) {
    order.push_back(k);
  }
  for (std::int64_t k : { 299, 0, 298, 1, 59, 60, 61, 58, 119, 120, 121, 250 }) {
    order.push_back(k);
  }
  for (std::int64_t k : Range(250, 299, 2)) {
    order.push_back(k);
  }
  ExpectFrames(video, order);
}

TEST(VideoDecoder, FrameTimesAndNearestFrame) {
  VideoDecoder video(H264Mp4());
  const double interval = 1.0 / kFps;
  for (std::int64_t k = 0; k < kFrames; ++k) {
    ASSERT_NEAR(video.FrameTime(k), static_cast<double>(k) * interval, 1e-9);
    ASSERT_EQ(video.FrameAtTime(video.FrameTime(k)), k);
  }
  for (std::int64_t k = 0; k + 1 < kFrames; k += 37) {
    const double middle = 0.5 * (video.FrameTime(k) + video.FrameTime(k + 1));
    EXPECT_EQ(video.FrameAtTime(middle), k) << "ties go to the earlier frame";
    EXPECT_EQ(video.FrameAtTime(middle + 1e-6), k + 1);
    EXPECT_EQ(video.FrameAtTime(middle - 1e-6), k);
  }
  const double last = video.FrameTime(kFrames - 1);
  // Nothing outside the video: not before the first frame's time, not after the last's.
  EXPECT_EQ(video.FrameAtTime(0.0), 0);
  EXPECT_EQ(video.FrameAtTime(-1e-6), -1);
  EXPECT_EQ(video.FrameAtTime(-0.4 * interval), -1);
  EXPECT_EQ(video.FrameAtTime(-1.0), -1);
  EXPECT_EQ(video.FrameAtTime(last), kFrames - 1);
  EXPECT_EQ(video.FrameAtTime(last + 1e-6), -1);
  EXPECT_EQ(video.FrameAtTime(last + 0.4 * interval), -1);
  EXPECT_EQ(video.FrameAtTime(1e9), -1);
  EXPECT_EQ(video.FrameAtTime(std::nan("")), -1);
}

// Variable frame rate with B-frames: presentation times come from the MP4 index plus the ctts
// composition offsets. Frame k is at round((k + 0.05 (7k mod 10)) / 30 * 90000) / 90000 s.
TEST(VideoDecoder, VariableFrameRateMp4) {
  VideoDecoder video(VfrMp4());
  ASSERT_EQ(video.FrameCount(), kFrames);
  EXPECT_TRUE(video.Stats().FrameTableFromIndex);
  for (std::int64_t k = 0; k < kFrames; ++k) {
    const double jitter = 0.05 * static_cast<double>((7 * k) % 10);
    const double expected = std::round((static_cast<double>(k) + jitter) / kFps * 90000.0) / 90000.0;
    ASSERT_NEAR(video.FrameTime(k), expected, 1e-9) << "frame " << k;
    ASSERT_EQ(video.FrameAtTime(expected), k);
  }
  ExpectFrames(video, RandomFrames(100, kFrames, 11));
  ExpectFrames(video, Range(0, kFrames, 1));
}

#ifdef NEUROPLAYBACK_HAVE_AVFORMAT_HEADERS
// Why the decoder does not take presentation times from the MP4 index directly: FFmpeg's mov index
// entries hold decode times, which with B-frames are shifted (here by two frames) and reordered.
TEST(VideoDecoder, Mp4IndexHoldsDecodeTimesNotPresentationTimes) {
  AVFormatContext* format = nullptr;
  ASSERT_EQ(avformat_open_input(&format, H264Mp4().c_str(), nullptr, nullptr), 0);
  ASSERT_GE(avformat_find_stream_info(format, nullptr), 0);
  AVStream* stream = format->streams[0];
  ASSERT_EQ(avformat_index_get_entries_count(stream), kFrames);
  const AVIndexEntry* first = avformat_index_get_entry(stream, 0);
  AVPacket* packet = av_packet_alloc();
  ASSERT_GE(av_read_frame(format, packet), 0);
  EXPECT_EQ(packet->pts, 0);                    // frame 0 is shown at 0 ...
  EXPECT_EQ(packet->dts, first->timestamp);     // ... but its index entry has its decode time,
  EXPECT_LT(first->timestamp, 0);               // two frames earlier (x264 B-pyramid delay)
  EXPECT_NE(packet->pts, first->timestamp);
  av_packet_free(&packet);
  avformat_close_input(&format);
}
#endif

TEST(VideoDecoder, CropAndDownsample) {
  VideoDecoder full(H264Mp4());
  // The top half keeps the whole stamp band: readable, same number.
  VideoDecoderOptions top;
  top.CropHeight = kHeight / 2;
  VideoDecoder topHalf(H264Mp4(), top);
  EXPECT_EQ(topHalf.Width(), kWidth);
  EXPECT_EQ(topHalf.Height(), kHeight / 2);
  VideoDecoderOptions half;
  half.Downsample = 2;
  VideoDecoder halfSize(H264Mp4(), half);
  EXPECT_EQ(halfSize.Width(), kWidth / 2);
  EXPECT_EQ(halfSize.Height(), kHeight / 2);
  for (std::int64_t k : { 0, 1, 77, 150, 299 }) {
    EXPECT_EQ(StampOf(topHalf, topHalf.Frame(k)), k);
    EXPECT_EQ(StampOf(halfSize, halfSize.Frame(k)), k);
  }

  // A crop inside the frame is that region of the full frame; a downsample is its 2 x 2 average.
  VideoDecoderOptions box;
  box.CropX = 40;
  box.CropY = 30;
  box.CropWidth = 64;
  box.CropHeight = 48;
  VideoDecoder cropped(H264Mp4(), box);
  box.Downsample = 2;
  VideoDecoder croppedHalf(H264Mp4(), box);
  ASSERT_EQ(cropped.Width(), 64);
  ASSERT_EQ(cropped.Height(), 48);
  ASSERT_EQ(croppedHalf.Width(), 32);
  ASSERT_EQ(croppedHalf.Height(), 24);
  for (std::int64_t k : { 5, 222 }) {
    const auto all = full.Frame(k);
    const auto part = cropped.Frame(k);
    const auto small = croppedHalf.Frame(k);
    auto source = [&](int x, int y, int c) {
      return static_cast<double>((*all)[(static_cast<std::size_t>(y + 30) * kWidth + static_cast<std::size_t>(x + 40)) * 3 +
        static_cast<std::size_t>(c)]);
    };
    double cropError = 0.0;
    double halfError = 0.0;
    for (int y = 0; y < 48; ++y) {
      for (int x = 0; x < 64; ++x) {
        for (int c = 0; c < 3; ++c) {
          cropError += std::abs((*part)[(static_cast<std::size_t>(y) * 64 + static_cast<std::size_t>(x)) * 3 +
                                  static_cast<std::size_t>(c)] - source(x, y, c));
          if (x % 2 == 0 && y % 2 == 0) {
            const double mean = 0.25 * (source(x, y, c) + source(x + 1, y, c) + source(x, y + 1, c) + source(x + 1, y + 1, c));
            halfError += std::abs((*small)[(static_cast<std::size_t>(y / 2) * 32 + static_cast<std::size_t>(x / 2)) * 3 +
                                    static_cast<std::size_t>(c)] - mean);
          }
        }
      }
    }
    // Averages over the region (values 0..255): the chroma at the crop edges may differ slightly.
    EXPECT_LT(cropError / (64.0 * 48 * 3), 1.0) << "frame " << k;
    EXPECT_LT(halfError / (32.0 * 24 * 3), 3.0) << "frame " << k;
  }

  // Odd sizes round down.
  VideoDecoderOptions odd;
  odd.CropX = 2;
  odd.CropWidth = 63;
  odd.Downsample = 2;
  VideoDecoder oddVideo(H264Mp4(), odd);
  EXPECT_EQ(oddVideo.Width(), 31);
  EXPECT_EQ(oddVideo.Height(), kHeight / 2);
  EXPECT_EQ(oddVideo.Frame(10)->size(), static_cast<std::size_t>(31 * (kHeight / 2) * 3));
}

TEST(VideoDecoder, FramesOutliveTheCache) {
  VideoDecoderOptions tiny;
  tiny.CacheBytes = 1;
  VideoDecoder video(H264Mp4(), tiny);
  const auto kept = video.Frame(42);
  ExpectFrames(video, { 200, 10, 250, 3 });
  EXPECT_EQ(StampOf(video, kept), 42);
}

TEST(VideoDecoder, BadOptionsAreExplained) {
  auto open = [](VideoDecoderOptions options) { return [options] { VideoDecoder video(H264Mp4(), options); }; };
  VideoDecoderOptions outside;
  outside.CropX = 100;
  outside.CropWidth = 100;
  EXPECT_NE(ExpectSessionError(open(outside)).find("outside the 160 x 120 frame"), std::string::npos);
  VideoDecoderOptions negative;
  negative.CropY = -2;
  EXPECT_NE(ExpectSessionError(open(negative)).find("crop"), std::string::npos);
  VideoDecoderOptions zero;
  zero.Downsample = 0;
  EXPECT_NE(ExpectSessionError(open(zero)).find("downsample = 0"), std::string::npos);
  VideoDecoderOptions huge;
  huge.Downsample = 1000;
  EXPECT_NE(ExpectSessionError(open(huge)).find("leaves no pixels"), std::string::npos);

  VideoDecoder video(H264Mp4());
  EXPECT_NE(ExpectSessionError([&] { video.Frame(-1); }).find("frame -1 does not exist"), std::string::npos);
  EXPECT_NE(ExpectSessionError([&] { video.Frame(kFrames); }).find("0 to 299"), std::string::npos);
}

TEST(VideoDecoder, MissingFile) {
  const std::string path = (fs::path(NEUROPLAYBACK_TEST_VIDEO_DIR) / "no-such-video.mp4").string();
  try {
    VideoDecoder video(path);
    FAIL() << "opened a missing file";
  } catch (const SessionError& error) {
    EXPECT_NE(error.Problem.find(path), std::string::npos) << error.what();
    EXPECT_NE(error.Problem.find("not found"), std::string::npos) << error.what();
    EXPECT_NE(error.Fix.find("external_path"), std::string::npos) << error.what();
  }
}

TEST(VideoDecoder, NotAVideo) {
  const std::string path = (fs::path(NEUROPLAYBACK_TEST_VIDEO_DIR) / (std::to_string(getpid()) + "-text.mp4")).string();
  const std::string text = "frame,time\n0,0.0\n1,0.033\nThis is a CSV file, not a video.\n";
  WriteBytes(path, text.data(), text.size());
  const std::string message = ExpectSessionError([&] { VideoDecoder video(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  fs::remove(path);
}

TEST(VideoDecoder, TruncatedMp4) {
  const std::vector<char> bytes = ReadBytes(H264Mp4());
  // The index (moov) is at the end: half a file has none.
  const std::string path = (fs::path(NEUROPLAYBACK_TEST_VIDEO_DIR) / (std::to_string(getpid()) + "-half.mp4")).string();
  WriteBytes(path, bytes.data(), bytes.size() / 2);
  std::string message = ExpectSessionError([&] { VideoDecoder video(path); });
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  // Index first (faststart): the index refers to samples past the end.
  const std::vector<char> faststart = ReadBytes(TestVideo("faststart.mp4", "--faststart"));
  WriteBytes(path, faststart.data(), faststart.size() / 2);
  message = ExpectSessionError([&] { VideoDecoder video(path); });
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  fs::remove(path);
}

// Damaged data in the middle: every request ends, with a frame or a SessionError, never a hang.
TEST(VideoDecoder, CorruptDataNeverHangs) {
  std::vector<char> bytes = ReadBytes(H264Mp4());
  std::mt19937 random(3);
  for (std::size_t i = bytes.size() * 2 / 5; i < bytes.size() * 3 / 5; i += 7) {
    bytes[i] = static_cast<char>(random());
  }
  const std::string path = (fs::path(NEUROPLAYBACK_TEST_VIDEO_DIR) / (std::to_string(getpid()) + "-corrupt.mp4")).string();
  WriteBytes(path, bytes.data(), bytes.size());
#ifdef NEUROPLAYBACK_HAVE_AVFORMAT_HEADERS
  const int level = av_log_get_level();
  av_log_set_level(AV_LOG_FATAL); // hundreds of lines about the damage otherwise
#endif
  const auto start = Clock::now();
  try {
    VideoDecoder video(path);
    int failures = 0;
    std::vector<std::int64_t> order = Range(0, kFrames, 1);
    for (std::int64_t k : RandomFrames(50, kFrames, 5)) {
      order.push_back(k);
    }
    for (std::int64_t k : order) {
      try {
        EXPECT_EQ(video.Frame(k)->size(), static_cast<std::size_t>(kWidth * kHeight * 3));
      } catch (const SessionError& error) {
        ++failures;
        EXPECT_NE(std::string(error.what()).find("cannot be decoded"), std::string::npos) << error.what();
      }
    }
    std::cout << "[          ] " << failures << " of " << order.size() << " requests failed\n";
    // The damage is reported as stretches of video time, not as FFmpeg's line per broken macroblock.
    const std::vector<neuroplayback::VideoDamage> damage = video.Damage();
    ASSERT_FALSE(damage.empty());
    for (const auto& span : damage) {
      EXPECT_TRUE(span.WhileDecoding);
      EXPECT_LE(span.From, span.To);
      EXPECT_GE(span.From, 0.0);
      EXPECT_LE(span.To, video.FrameTime(kFrames - 1) + 1e-9);
    }
  } catch (const SessionError& error) {
    std::cout << "[          ] refused at open: " << error.what() << "\n";
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 10.0);
#ifdef NEUROPLAYBACK_HAVE_AVFORMAT_HEADERS
  av_log_set_level(level);
#endif
  fs::remove(path);
}

// An MKV cut short opens with the frames it has and says where they stop (its header gives the
// whole length); one with a damaged stretch in the middle shows nothing there rather than a frame
// from far away, and says so (issue 17 #14).
TEST(VideoDecoder, MatroskaDamageIsReported) {
  const std::vector<char> bytes = ReadBytes(TestVideo("h264.mkv", ""));
  const std::string path = (fs::path(NEUROPLAYBACK_TEST_VIDEO_DIR) / (std::to_string(getpid()) + "-damaged.mkv")).string();
  WriteBytes(path, bytes.data(), bytes.size() * 6 / 10);
  {
    VideoDecoder video(path);
    ASSERT_LT(video.FrameCount(), kFrames);
    ASSERT_GT(video.FrameCount(), kFrames / 3);
    ExpectFrames(video, Range(0, video.FrameCount(), 7));
    const std::vector<neuroplayback::VideoDamage> damage = video.Damage();
    ASSERT_EQ(damage.size(), 1u);
    EXPECT_TRUE(damage[0].Missing);
    EXPECT_FALSE(damage[0].WhileDecoding);
    EXPECT_NEAR(damage[0].From, video.FrameTime(video.FrameCount() - 1) + 1.0 / kFps, 1e-3); // MKV: milliseconds
    EXPECT_NEAR(damage[0].To, (kFrames - 1) / kFps, 0.05);
  }
  std::vector<char> holed = bytes;
  std::mt19937 random(11);
  for (std::size_t i = holed.size() * 45 / 100; i < holed.size() * 55 / 100; ++i) {
    holed[i] = static_cast<char>(random());
  }
  WriteBytes(path, holed.data(), holed.size());
#ifdef NEUROPLAYBACK_HAVE_AVFORMAT_HEADERS
  const int level = av_log_get_level();
  av_log_set_level(AV_LOG_FATAL);
#endif
  {
    VideoDecoder video(path);
    const std::vector<neuroplayback::VideoDamage> damage = video.Damage();
    ASSERT_FALSE(damage.empty());
    EXPECT_TRUE(damage[0].Missing);
    EXPECT_GT(damage[0].To - damage[0].From, 0.2);
    // Nothing inside the hole; the frames on each side of it are still exact.
    EXPECT_EQ(video.FrameAtTime(0.5 * (damage[0].From + damage[0].To)), -1);
    const std::int64_t before = video.FrameAtTime(damage[0].From - 1.0 / kFps);
    const std::int64_t after = video.FrameAtTime(damage[0].To + 1.0 / kFps);
    ASSERT_GE(before, 0);
    ASSERT_GE(after, 0);
    EXPECT_EQ(StampOf(video, video.Frame(0)), 0);
    EXPECT_EQ(StampOf(video, video.Frame(video.FrameCount() - 1)),
      std::llround(video.FrameTime(video.FrameCount() - 1) * kFps));
  }
#ifdef NEUROPLAYBACK_HAVE_AVFORMAT_HEADERS
  av_log_set_level(level);
#endif
  fs::remove(path);
}

// A container that starts its clock at 2 s: frame 0 is still at time 0 (time_offset in a session is the
// session time of the first frame; the container's start time is ignored, docs/session-format-v1.md).
TEST(VideoDecoder, ContainerStartTimeIsIgnored) {
  for (const std::string& video : { TestVideo("start2s.mp4", "--start-frames 60"), TestVideo("start2s.mkv", "--start-frames 60") }) {
    SCOPED_TRACE(video);
    VideoDecoder decoder(video);
    ASSERT_EQ(decoder.FrameCount(), kFrames);
    EXPECT_DOUBLE_EQ(decoder.FrameTime(0), 0.0);
    EXPECT_NEAR(decoder.FrameTime(30), 1.0, 0.001);
    EXPECT_EQ(decoder.FrameAtTime(0.0), 0);
    EXPECT_EQ(decoder.FrameAtTime(2.0), 60);
    ExpectFrames(decoder, { 0, 1, 60, 299, 150 });
    EXPECT_TRUE(decoder.Damage().empty());
  }
}

TEST(VideoDecoder, MatroskaAndAvi) {
  for (const std::string& video : { TestVideo("h264.mkv", ""), TestVideo("mpeg4-bframes.mkv", "--codec mpeg4 --bframes 2"),
         TestVideo("mpeg4.avi", "--codec mpeg4"),
         // AVI keeps decode order only: the B-frames' presentation order is rebuilt from it (issue 17 #13).
         TestVideo("mpeg4-bframes.avi", "--codec mpeg4 --bframes 2"), TestVideo("mpeg4-bframes.ts", "--codec mpeg4 --bframes 2"),
         TestVideo("h264.ts", "") }) {
    SCOPED_TRACE(video);
    VideoDecoder decoder(video);
    ASSERT_EQ(decoder.FrameCount(), kFrames);
    EXPECT_FALSE(decoder.Stats().FrameTableFromIndex); // one demux pass instead
    EXPECT_NEAR(decoder.FrameTime(kFrames - 1), (kFrames - 1) / kFps, 0.001); // MKV keeps milliseconds
    ExpectFrames(decoder, RandomFrames(60, kFrames, 13));
    ExpectFrames(decoder, Range(200, 260, 1));
    ExpectFrames(decoder, Range(100, 40, -1));
    ExpectFrames(decoder, Range(kFrames - 1, kFrames - 9, -1)); // the last GOP, open at its start
    VideoDecoder again(video);
    ExpectFrames(again, Range(0, kFrames, 1));
  }
}
