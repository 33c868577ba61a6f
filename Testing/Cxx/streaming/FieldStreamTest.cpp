#include "ColorRange.h"
#include "BlockCache.h"
#include "FieldStream.h"
#include "VectorRowSource.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using neuroplayback::FieldStream;
using neuroplayback::ScalarType;
using neuroplayback::testing::VectorRowSource;

namespace {

// Frame f, bin b holds f * 1000 + b, so every value names its frame and bin.
std::unique_ptr<FieldStream> MakeStream(std::int64_t frames, std::int64_t bins, std::int64_t blockFrames,
  std::size_t cacheBytes, std::int64_t* calls = nullptr) {
  std::vector<float> values(static_cast<std::size_t>(frames * bins));
  for (std::int64_t f = 0; f < frames; ++f) {
    for (std::int64_t b = 0; b < bins; ++b) {
      values[static_cast<std::size_t>(f * bins + b)] = static_cast<float>(f * 1000 + b);
    }
  }
  return std::make_unique<FieldStream>("posterior", ScalarType::Float32,
    std::make_unique<VectorRowSource<float>>(values, bins, calls), blockFrames, cacheBytes);
}

float ValueAt(FieldStream& stream, std::int64_t frame, std::int64_t bin) {
  return static_cast<const float*>(stream.Frame(frame))[bin];
}

} // namespace

TEST(FieldStream, ReturnsTheRequestedFrame) {
  auto stream = MakeStream(1000, 50, 16, 1 << 20);
  for (std::int64_t frame : { 0, 15, 16, 999, 500, 3 }) {
    EXPECT_EQ(ValueAt(*stream, frame, 0), static_cast<float>(frame * 1000));
    EXPECT_EQ(ValueAt(*stream, frame, 49), static_cast<float>(frame * 1000 + 49));
  }
  EXPECT_EQ(ValueAt(*stream, 5000, 0), 999'000.0f); // clamped
}

TEST(FieldStream, OneBlockReadServesAllItsFrames) {
  std::int64_t calls = 0;
  auto stream = MakeStream(1000, 50, 16, 1 << 20, &calls);
  stream->SetReadAheadBlocks(0);
  for (std::int64_t frame = 32; frame < 48; ++frame) {
    ValueAt(*stream, frame, 0);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(stream->Stats().Hits, 15);
}

TEST(FieldStream, ReadsAheadInTheDirectionOfTravel) {
  std::int64_t calls = 0;
  auto stream = MakeStream(1000, 50, 16, 1 << 20, &calls);
  stream->SetReadAheadBlocks(2);
  ValueAt(*stream, 100, 0); // a seek: no direction yet, one block
  ValueAt(*stream, 101, 0);
  EXPECT_EQ(calls, 1);
  ValueAt(*stream, 112, 0); // next block, moving forward: reads it and two more
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(stream->Stats().FramesRead, 16 + 48);
  for (std::int64_t frame = 113; frame < 160; ++frame) {
    ValueAt(*stream, frame, 0);
  }
  EXPECT_EQ(calls, 2);
  // Backwards travel reads ahead below: the step from 500 to 495 crosses into block 30,
  // which is read together with blocks 28 and 29.
  ValueAt(*stream, 500, 0);
  const std::int64_t before = calls;
  ValueAt(*stream, 495, 0);
  EXPECT_EQ(calls, before + 1);
  EXPECT_EQ(ValueAt(*stream, 478, 0), 478'000.0f);
  EXPECT_EQ(ValueAt(*stream, 448, 1), 448'001.0f);
  EXPECT_EQ(calls, before + 1);
}

TEST(FieldStream, CacheStaysWithinItsBudget) {
  // 16 frames x 100 bins x 4 bytes = 6,400 bytes per block; 64 KB holds 10 blocks.
  auto stream = MakeStream(5000, 100, 16, 64 * 1024);
  for (std::int64_t frame = 0; frame < 5000; frame += 7) {
    ValueAt(*stream, frame, 0);
  }
  EXPECT_LE(stream->CachedBytes(), 64u * 1024u);
  EXPECT_EQ(ValueAt(*stream, 4321, 5), 4'321'005.0f);
}

TEST(ColorRange, EstimateUsesPercentilesOfSampledFrames) {
  auto stream = MakeStream(400, 100, 16, 1 << 20);
  const auto range = neuroplayback::EstimateRange(*stream, 400, 1, 0.0, 100.0);
  EXPECT_DOUBLE_EQ(range.Min, 0.0);
  EXPECT_DOUBLE_EQ(range.Max, 399'099.0);
  const auto robust = neuroplayback::EstimateRange(*stream, 50, 1);
  EXPECT_GT(robust.Min, 0.0);
  EXPECT_LT(robust.Max, 399'099.0);
  EXPECT_STREQ(robust.Source, "estimate");
}

TEST(ColorRange, CompressedFieldsAreSampledByWholeBlocks) {
  // 200,000 frames in blocks of 64 (a chunked, compressed field: a frame read inflates its whole chunk).
  std::int64_t calls = 0;
  auto stream = MakeStream(200'000, 10, 64, 1 << 20, &calls);
  stream->SetWholeBlockReads(true);
  const auto range = neuroplayback::EstimateRange(*stream, 1000, 7, 1.0, 99.0);
  EXPECT_LE(calls, 32) << "one source read per sampled block, not one per frame";
  EXPECT_EQ(stream->CachedBytes(), 0u) << "sampling leaves the playback cache alone";
  // Frame f holds f * 1000 + bin: the 1st/99th percentiles of the whole field are near 2,000 and 198,000
  // frames' worth; 32 random blocks land within a few percent of them.
  EXPECT_NEAR(range.Min, 0.01 * 200'000 * 1000.0, 0.05 * 200'000 * 1000.0);
  EXPECT_NEAR(range.Max, 0.99 * 200'000 * 1000.0, 0.05 * 200'000 * 1000.0);

  // Asking for every frame reads every block once.
  calls = 0;
  auto small = MakeStream(640, 10, 64, 1 << 20, &calls);
  small->SetWholeBlockReads(true);
  const auto whole = neuroplayback::EstimateRange(*small, 640, 1, 0.0, 100.0);
  EXPECT_EQ(calls, 10);
  EXPECT_DOUBLE_EQ(whole.Min, 0.0);
  EXPECT_DOUBLE_EQ(whole.Max, 639'009.0);
}

TEST(ColorRange, EstimateIgnoresNaNAndHandlesDegenerateFields) {
  std::vector<float> values(100 * 10, 3.0f);
  values[5] = std::numeric_limits<float>::quiet_NaN();
  FieldStream constant("c", ScalarType::Float32, std::make_unique<VectorRowSource<float>>(values, 10), 16, 1 << 20);
  const auto range = neuroplayback::EstimateRange(constant);
  EXPECT_DOUBLE_EQ(range.Min, 2.5);
  EXPECT_DOUBLE_EQ(range.Max, 3.5);

  std::vector<float> allNaN(100 * 10, std::numeric_limits<float>::quiet_NaN());
  FieldStream empty("e", ScalarType::Float32, std::make_unique<VectorRowSource<float>>(allNaN, 10), 16, 1 << 20);
  const auto fallback = neuroplayback::EstimateRange(empty);
  EXPECT_DOUBLE_EQ(fallback.Min, 0.0);
  EXPECT_DOUBLE_EQ(fallback.Max, 1.0);
  EXPECT_STREQ(fallback.Source, "default");
}

TEST(ColorRange, ExactStreamsEveryFrameAndReportsProgress) {
  auto stream = MakeStream(1000, 20, 16, 64 * 1024);
  int calls = 0;
  double last = 0.0;
  const auto range = neuroplayback::ExactRange(*stream, [&](double fraction) {
    ++calls;
    EXPECT_GE(fraction, last);
    last = fraction;
    return true;
  });
  EXPECT_DOUBLE_EQ(range.Min, 0.0);
  EXPECT_DOUBLE_EQ(range.Max, 999'019.0);
  EXPECT_GT(calls, 10);
  EXPECT_DOUBLE_EQ(last, 1.0);
}

TEST(BlockCache, EvictsTheLeastRecentlyUsedBlock) {
  neuroplayback::BlockCache<int> cache(2);
  cache.Insert(1, 10);
  cache.Insert(2, 20);
  ASSERT_NE(cache.Find(1), nullptr); // 1 is now the most recent
  cache.Insert(3, 30);               // evicts 2
  EXPECT_TRUE(cache.Contains(1));
  EXPECT_FALSE(cache.Contains(2));
  EXPECT_EQ(*cache.Find(3), 30);
  EXPECT_NE(cache.Peek(1), nullptr); // Peek does not refresh 1 ...
  cache.Insert(4, 40);               // ... so 1, now the oldest, is evicted
  EXPECT_FALSE(cache.Contains(1));
  EXPECT_EQ(cache.Size(), 2u);
}
