// The alignment rules overlays follow (the reference's _align_to_frame_times), the scale bar's
// 1-2-5 rounding, colour parsing and "did you mean" hints.
#include "Overlays.h"
#include "Suggestions.h"
#include "SampleStream.h"
#include "SessionError.h"
#include "VectorRowSource.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using neuroplayback::Interp;
using neuroplayback::Tie;
using neuroplayback::SampleStream;
using neuroplayback::testing::VectorRowSource;

namespace {
const double NaN = std::numeric_limits<double>::quiet_NaN();

SampleStream Stream(std::vector<double> times, std::vector<double> values, std::int64_t width,
  std::int64_t* valueReads = nullptr) {
  return SampleStream("/overlays/test", std::make_unique<VectorRowSource<double>>(std::move(times), 1),
    std::make_unique<VectorRowSource<double>>(std::move(values), width, valueReads), 4, 1 << 20);
}
} // namespace

TEST(OverlayAlignment, LinearInsideNanOutsideTheOverlaysOwnSpan) {
  SampleStream s = Stream({ 1.0, 2.0, 3.0 }, { 0, 0, 10, 20, 20, 0 }, 2);
  double xy[2];
  EXPECT_TRUE(s.ValueAt(1.5, Interp::Linear, false, xy));
  EXPECT_DOUBLE_EQ(xy[0], 5.0);
  EXPECT_DOUBLE_EQ(xy[1], 10.0);
  EXPECT_TRUE(s.ValueAt(3.0, Interp::Linear, false, xy)); // the last sample itself
  EXPECT_DOUBLE_EQ(xy[0], 20.0);
  EXPECT_FALSE(s.ValueAt(0.99, Interp::Linear, false, xy));
  EXPECT_TRUE(std::isnan(xy[0]));
  EXPECT_FALSE(s.ValueAt(3.01, Interp::Nearest, false, xy)); // no extrapolation in either mode
}

TEST(OverlayAlignment, NearestTiesGoToTheEarlierSample) {
  SampleStream s = Stream({ 0.0, 1.0 }, { 1.0, 2.0 }, 1);
  double v = 0;
  s.ValueAt(0.5, Interp::Nearest, false, &v);
  EXPECT_EQ(v, 1.0);
  s.ValueAt(0.5000001, Interp::Nearest, false, &v);
  EXPECT_EQ(v, 2.0);
}

TEST(OverlayAlignment, NearestTiesCanGoToTheLaterSampleAsNeurospatialEventsDo) {
  SampleStream s = Stream({ 0.0, 1.0 }, { 1.0, 2.0 }, 1);
  double v = 0;
  s.ValueAt(0.5, Interp::Nearest, false, &v, Tie::Later);
  EXPECT_EQ(v, 2.0);
  s.ValueAt(0.4999999, Interp::Nearest, false, &v, Tie::Later);
  EXPECT_EQ(v, 1.0);
  s.ValueAt(0.0, Interp::Nearest, false, &v, Tie::Later);
  EXPECT_EQ(v, 1.0) << "on a sample: that sample";
}

TEST(OverlayAlignment, AnglesTakeTheShortWayRound) {
  SampleStream s = Stream({ 0.0, 1.0 }, { 3.0, -3.0 }, 1);
  double angle = 0;
  s.ValueAt(0.5, Interp::Linear, true, &angle);
  EXPECT_NEAR(std::fabs(angle), M_PI, 1e-9); // through pi, not through 0
}

TEST(OverlayAlignment, NanSamplesAreGapsNotErrors) {
  SampleStream s = Stream({ 0.0, 1.0, 2.0 }, { 0.0, NaN, 2.0 }, 1);
  double v = 0;
  EXPECT_TRUE(s.ValueAt(0.5, Interp::Linear, false, &v));
  EXPECT_TRUE(std::isnan(v));
  s.ValueAt(2.0, Interp::Linear, false, &v);
  EXPECT_EQ(v, 2.0);
}

TEST(OverlayAlignment, LookupsReadOnlyTheBlocksNearTheTime) {
  const std::int64_t n = 100000;
  std::vector<double> times(n);
  std::vector<double> values(n);
  for (std::int64_t i = 0; i < n; ++i) {
    times[static_cast<std::size_t>(i)] = static_cast<double>(i) * 0.002;
    values[static_cast<std::size_t>(i)] = static_cast<double>(i);
  }
  std::int64_t reads = 0;
  SampleStream s = Stream(times, values, 1, &reads);
  double v = 0;
  s.ValueAt(150.0001, Interp::Linear, false, &v);
  EXPECT_NEAR(v, 75000.05, 1e-6);
  EXPECT_LT(s.RowsRead(), 200); // bisection over block starts plus one block, never the whole series
  EXPECT_LE(reads, 2);
}

TEST(OverlayAlignment, BadTimesNameTheOverlayAndTheSample) {
  EXPECT_THROW(
    {
      try {
        Stream({ 0.0, 2.0, 1.0 }, { 0, 0, 0 }, 1);
      } catch (const neuroplayback::SessionError& error) {
        EXPECT_NE(std::string(error.what()).find("/overlays/test/times is not strictly increasing at sample 2"),
          std::string::npos);
        throw;
      }
    },
    neuroplayback::SessionError);
}

TEST(ScaleBar, RoundsAFifthOfTheExtentDownToOneTwoFive) {
  EXPECT_EQ(neuroplayback::ScaleBarLength(100.0), 20.0);
  EXPECT_EQ(neuroplayback::ScaleBarLength(40.0), 5.0);
  EXPECT_EQ(neuroplayback::ScaleBarLength(7.0), 1.0);
  EXPECT_DOUBLE_EQ(neuroplayback::ScaleBarLength(0.3), 0.05);
  EXPECT_EQ(neuroplayback::ScaleBarLabel(20.0, "cm"), "20 cm");
  EXPECT_EQ(neuroplayback::ScaleBarLabel(0.5, "m"), "0.5 m");
}

TEST(OverlayStyle, ColoursAndHints) {
  const neuroplayback::Rgba red = neuroplayback::ParseColor("#ff000080", "color");
  EXPECT_EQ(red.R, 255);
  EXPECT_EQ(red.A, 128);
  EXPECT_EQ(neuroplayback::ParseColor("cyan", "color").B, 255);
  EXPECT_THROW(neuroplayback::ParseColor("#12345", "color"), neuroplayback::SessionError);
  EXPECT_EQ(neuroplayback::ClosestNames("left_eer", { "nose", "left_ear", "right_ear" }).front(), "left_ear");
  EXPECT_EQ(neuroplayback::ParseMarker("^", "marker"), neuroplayback::MarkerShape::TriangleUp);
  EXPECT_THROW(neuroplayback::ParseMarker("hexagon", "marker"), neuroplayback::SessionError);
}
