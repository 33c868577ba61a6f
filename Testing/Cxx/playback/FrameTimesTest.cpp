#include "FrameTimes.h"
#include "SessionError.h"
#include "VectorRowSource.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using neuroplayback::FrameTimes;
using neuroplayback::SessionError;
using neuroplayback::testing::VectorRowSource;

namespace {

std::vector<double> JitteredTimes(std::int64_t count, double rate, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> jitter(0.2, 1.8);
  std::vector<double> times(static_cast<std::size_t>(count));
  double t = 10.0;
  for (auto& value : times) {
    value = t;
    t += jitter(random) / rate;
  }
  return times;
}

FrameTimes ExplicitFrom(const std::vector<double>& times, std::int64_t blockSize = 4096) {
  return FrameTimes::Explicit(std::make_unique<VectorRowSource<double>>(times, 1), blockSize);
}

// The reference answer: the latest frame at or before t, clamped to the first frame.
std::int64_t ReferenceFrameAt(const std::vector<double>& times, double t) {
  const auto after = std::upper_bound(times.begin(), times.end(), t);
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(after - times.begin()) - 1);
}

} // namespace

TEST(FrameTimes, RegularMapsTimeToFrameAtOrBefore) {
  FrameTimes times = FrameTimes::Regular(2.0, 500.0, 3'600'000);
  EXPECT_EQ(times.Count(), 3'600'000);
  EXPECT_DOUBLE_EQ(times.First(), 2.0);
  EXPECT_DOUBLE_EQ(times.Last(), 2.0 + 3'599'999 / 500.0);
  EXPECT_EQ(times.FrameAt(2.0), 0);
  EXPECT_EQ(times.FrameAt(2.0019), 0);
  EXPECT_EQ(times.FrameAt(2.002), 1);
  EXPECT_EQ(times.FrameAt(-5.0), 0);
  EXPECT_EQ(times.FrameAt(1e9), 3'599'999);
  EXPECT_EQ(times.FrameAt(std::numeric_limits<double>::quiet_NaN()), 0);
  // Every frame's own time maps back to it, despite rounding.
  for (std::int64_t frame : { 1, 7, 12345, 999'999, 3'599'998 }) {
    EXPECT_EQ(times.FrameAt(times.TimeOf(frame)), frame) << frame;
    EXPECT_LE(times.TimeOf(times.FrameAt(times.TimeOf(frame) + 1e-9)), times.TimeOf(frame) + 1e-9);
  }
}

TEST(FrameTimes, RegularRejectsBadParameters) {
  EXPECT_THROW(FrameTimes::Regular(0.0, 0.0, 10), SessionError);
  EXPECT_THROW(FrameTimes::Regular(0.0, -5.0, 10), SessionError);
  EXPECT_THROW(FrameTimes::Regular(std::nan(""), 10.0, 10), SessionError);
  EXPECT_THROW(FrameTimes::Regular(0.0, 10.0, 0), SessionError);
}

TEST(FrameTimes, ExplicitMatchesUpperBoundForIrregularTimes) {
  const std::vector<double> values = JitteredTimes(100'000, 500.0, 7);
  FrameTimes times = ExplicitFrom(values, 1024);
  std::mt19937 random(3);
  std::uniform_real_distribution<double> pick(values.front() - 1.0, values.back() + 1.0);
  for (int i = 0; i < 5000; ++i) {
    const double t = pick(random);
    ASSERT_EQ(times.FrameAt(t), ReferenceFrameAt(values, t)) << "t = " << t;
  }
  for (std::int64_t frame : { 0, 1, 1023, 1024, 1025, 99'999 }) {
    EXPECT_EQ(times.FrameAt(values[static_cast<std::size_t>(frame)]), frame);
    EXPECT_DOUBLE_EQ(times.TimeOf(frame), values[static_cast<std::size_t>(frame)]);
  }
}

TEST(FrameTimes, ExplicitLookupReadsLogarithmicallyManyRows) {
  const std::vector<double> values = JitteredTimes(3'600'000, 500.0, 11);
  FrameTimes times = ExplicitFrom(values, 4096);
  const std::int64_t afterOpen = times.RowsRead();
  EXPECT_LE(afterOpen, 2 * 4096); // first and last block only
  times.FrameAt(values[1'234'567] + 1e-7);
  // One bisection over ~880 block starts (about 10 probes) plus one block.
  EXPECT_LE(times.RowsRead() - afterOpen, 4096 + 16);
}

TEST(FrameTimes, SequentialPlaybackReusesBlocks) {
  const std::vector<double> values = JitteredTimes(200'000, 500.0, 5);
  FrameTimes times = ExplicitFrom(values, 4096);
  const std::int64_t before = times.RowsRead();
  for (std::int64_t frame = 50'000; frame < 60'000; frame += 3) {
    ASSERT_EQ(times.FrameAt(values[static_cast<std::size_t>(frame)]), frame);
  }
  // 10,000 frames span 3-4 blocks: reading is proportional to blocks crossed, not frames shown.
  EXPECT_LE(times.RowsRead() - before, 4 * 4096 + 64);
}

TEST(FrameTimes, ExplicitRejectsNonIncreasingTimesWithFrameIndex) {
  std::vector<double> values = JitteredTimes(10'000, 100.0, 1);
  values[42] = values[41];
  try {
    ExplicitFrom(values, 4096);
    FAIL() << "expected SessionError";
  } catch (const SessionError& error) {
    EXPECT_NE(std::string(error.what()).find("frame 42"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("strictly increasing"), std::string::npos);
    EXPECT_FALSE(error.Fix.empty());
  }
}

TEST(FrameTimes, ExplicitRejectsNonFiniteTimes) {
  std::vector<double> values = JitteredTimes(10'000, 100.0, 2);
  values[5'000] = std::numeric_limits<double>::quiet_NaN();
  // Opening checks only the first and last blocks; block 5 is checked when a lookup first touches it.
  FrameTimes times = ExplicitFrom(values, 1000);
  EXPECT_THROW(times.FrameAt(values[5'005]), SessionError);
  std::vector<double> lastBlockBad = JitteredTimes(10'000, 100.0, 2);
  lastBlockBad[9'999] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(ExplicitFrom(lastBlockBad, 1000), SessionError);
}

TEST(FrameTimes, SingleFrameSession) {
  FrameTimes times = ExplicitFrom({ 5.0 });
  EXPECT_EQ(times.FrameAt(0.0), 0);
  EXPECT_EQ(times.FrameAt(5.0), 0);
  EXPECT_EQ(times.FrameAt(100.0), 0);
}

TEST(FrameTimes, EmptyTimesAreRejected) {
  EXPECT_THROW(ExplicitFrom({}), SessionError);
}
