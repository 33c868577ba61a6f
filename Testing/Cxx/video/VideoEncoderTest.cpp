// VideoEncoder in chunks and JoinMovieSegments: a movie encoded in slices cut at chunk boundaries
// (the movie export's workers) joins into the same bytes as one encoding of every frame, and its every
// frame decodes to the frame given; an HD movie keeps its colours. Joining segments that do not follow
// each other is refused.
#include "SessionError.h"
#include "VideoDecoder.h"
#include "VideoEncoder.h"

#include "FrameStamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using neuroplayback::JoinMovieSegments;
using neuroplayback::VideoEncoder;
using neuroplayback::VideoEncoderSettings;

constexpr int kWidth = 160;  // a size where x264 reads memory it has not written
constexpr int kHeight = 120;
constexpr std::int64_t kFrames = 100;
constexpr int kChunk = 30;

class VideoEncoderTest : public ::testing::Test {
protected:
  void SetUp() override {
    neuroplayback::MakeEncodingRepeatable();  // as neuroplayback-encode does
    Folder = fs::temp_directory_path() / ("np-encoder-" + std::to_string(getpid()) + "-" +
      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(Folder);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(Folder, ignored);
  }

  // Frames first..first+count-1, each stamped with its number over a moving gradient, stored bottom-up
  // as OpenGL reads them; encoded as a movie segment.
  std::string Slice(const std::string& name, std::int64_t first, std::int64_t count) {
    VideoEncoderSettings settings;
    settings.Output = (Folder / name).string();
    settings.Width = kWidth;
    settings.Height = kHeight;
    settings.Gop = kChunk;
    settings.ChunkFrames = kChunk;
    settings.Threads = 1;
    settings.Crf = 18;
    settings.Segment = true;
    VideoEncoder encoder(settings);
    std::vector<std::uint8_t> topDown(static_cast<std::size_t>(kWidth) * kHeight * 3);
    std::vector<std::uint8_t> bottomUp(topDown.size());
    const std::size_t row = static_cast<std::size_t>(kWidth) * 3;
    for (std::int64_t frame = first; frame < first + count; ++frame) {
      for (std::size_t i = 0; i < topDown.size(); ++i) {
        topDown[i] = static_cast<std::uint8_t>((i / 3 + static_cast<std::size_t>(frame) * 2) % 200);
      }
      neuroplayback::stamp::DrawFrameStamp(topDown.data(), kWidth, kHeight, frame);
      for (int y = 0; y < kHeight; ++y) {
        std::copy_n(topDown.begin() + static_cast<std::ptrdiff_t>(row * y), row,
          bottomUp.begin() + static_cast<std::ptrdiff_t>(row * (kHeight - 1 - y)));
      }
      encoder.Add(bottomUp.data(), frame, true);
    }
    encoder.Finish();
    return settings.Output;
  }

  std::string Join(const std::string& name, const std::vector<std::string>& segments) {
    const std::string output = (Folder / name).string();
    JoinMovieSegments(segments, output, output, true);
    return output;
  }

  static std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
  }

  fs::path Folder;
};

TEST_F(VideoEncoderTest, SlicesCutAtChunksJoinIntoTheWholeEncoding) {
  const std::string whole = Join("whole.mp4", { Slice("all.npseg", 0, kFrames) });
  const std::string sliced = Join("sliced.mp4", { Slice("a.npseg", 0, 2 * kChunk), Slice("b.npseg", 2 * kChunk, kFrames - 2 * kChunk) });
  const std::string three = Join("three.mp4",
    { Slice("p.npseg", 0, kChunk), Slice("q.npseg", kChunk, kChunk), Slice("r.npseg", 2 * kChunk, kFrames - 2 * kChunk) });
  ASSERT_FALSE(Bytes(whole).empty());
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const bool repeatable = false;  // the sanitizers' allocators ignore MakeEncodingRepeatable
#else
  const bool repeatable = true;
#endif
  if (repeatable) {  // compared as a whole: a failure must not print the bytes
    EXPECT_TRUE(Bytes(whole) == Bytes(sliced)) << Bytes(whole).size() << " vs " << Bytes(sliced).size() << " bytes";
    EXPECT_TRUE(Bytes(whole) == Bytes(three)) << Bytes(whole).size() << " vs " << Bytes(three).size() << " bytes";
  }

  neuroplayback::VideoDecoder video(sliced);
  ASSERT_EQ(video.FrameCount(), kFrames);
  ASSERT_EQ(video.Width(), kWidth);
  ASSERT_EQ(video.Height(), kHeight);
  for (std::int64_t frame = 0; frame < kFrames; ++frame) {  // in order, and upright
    const auto rgb = video.Frame(frame);
    ASSERT_EQ(neuroplayback::stamp::ReadFrameStamp(rgb->data(), kWidth, kHeight), frame);
  }
}

// An HD movie (where players take unlabelled video for BT.709) decodes to the colours given: bands of
// saturated and mixed colours, each compared at its centre.
TEST_F(VideoEncoderTest, ColoursSurviveTheRoundTripAtHdSize) {
  constexpr int width = 1280;
  constexpr int height = 720;
  const std::uint8_t colours[][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 }, { 0, 0, 0 },
    { 128, 128, 128 }, { 68, 1, 84 }, { 253, 231, 37 } };  // the last two: viridis' ends
  constexpr int bands = sizeof(colours) / sizeof(colours[0]);
  VideoEncoderSettings settings;
  settings.Output = (Folder / "colours.mp4").string();
  settings.Width = width;
  settings.Height = height;
  settings.Threads = 1;
  settings.Crf = 18;
  VideoEncoder encoder(settings);
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) {
    rgb[i] = colours[(i / 3 % width) * bands / width][i % 3];
  }
  for (std::int64_t frame = 0; frame < 3; ++frame) {
    encoder.Add(rgb.data(), frame);
  }
  encoder.Finish();

  neuroplayback::VideoDecoder video(settings.Output);
  const auto decoded = video.Frame(1);
  for (int band = 0; band < bands; ++band) {
    const std::size_t at = (static_cast<std::size_t>(height / 2) * width + (2 * band + 1) * width / (2 * bands)) * 3;
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR((*decoded)[at + c], colours[band][c], 6) << "band " << band << ", channel " << c;
    }
  }
}

TEST_F(VideoEncoderTest, SegmentsThatDoNotFollowEachOtherAreRefused) {
  const std::string a = Slice("a.npseg", 0, kChunk);
  const std::string b = Slice("b.npseg", kChunk, kChunk);
  const std::string c = Slice("c.npseg", 2 * kChunk, kChunk);
  try {
    Join("gap.mp4", { a, c });
    FAIL() << "a gap was joined";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("where frame 30 comes next"), std::string::npos) << error.what();
  }
  EXPECT_THROW(Join("order.mp4", { b, a }), std::runtime_error);
  fs::resize_file(b, fs::file_size(b) - 10);
  try {
    Join("cut.mp4", { a, b });
    FAIL() << "a truncated segment was joined";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos) << error.what();
  }
  std::ofstream(Folder / "text.npseg") << "not a segment";
  EXPECT_THROW(Join("text.mp4", { (Folder / "text.npseg").string() }), std::runtime_error);
}

} // namespace
