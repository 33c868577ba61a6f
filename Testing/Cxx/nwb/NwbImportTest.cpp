// NWB import: the row adapters it streams through, the grid it derives for a lone NWB file, and small
// NWB files written here with the HDF5 C API (the layout pynwb writes) read into overlays.
#include "Hdf5TestSupport.h"
#include "NwbTestFile.h"
#include "NwbImport.h"
#include "Overlays.h"
#include "RowAdapters.h"
#include "SessionError.h"
#include "VectorRowSource.h"

#include <gtest/gtest.h>

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <numeric>
#include <vector>

using namespace neuroplayback;
using namespace nwb_test_support;
using neuroplayback::testing::VectorRowSource;

namespace {

using namespace test_support;  // ErrorOf, Space, TempPath, WriteStringAttribute, NaN, Pi

std::vector<double> Read(RowSource& source, std::int64_t first, std::int64_t count) {
  std::vector<double> out(static_cast<std::size_t>(count * source.RowWidth()));
  source.ReadRows(first, count, out.data());
  return out;
}

std::unique_ptr<RowSource> Rows(std::vector<double> values, std::int64_t width, std::int64_t* calls = nullptr) {
  return std::make_unique<VectorRowSource<double>>(std::move(values), width, calls);
}

} // namespace

TEST(RowAdapters, RegularTimesAgreeWithTheRegularFrameClock) {
  RegularTimesSource times(2.5, 30.0, 1000);
  FrameTimes frames = FrameTimes::Regular(2.5, 30.0, 1000);
  const std::vector<double> values = Read(times, 990, 10);
  for (std::int64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(values[static_cast<std::size_t>(i)], frames.TimeOf(990 + i)); // bit for bit
  }
}

TEST(RowAdapters, SliceColumnsAffineAndConstant) {
  std::shared_ptr<RowSource> flat = Rows({ 0, 1, 2, 3, 4, 5, 6 }, 1);
  SliceRows unit(flat, 2, 3);
  EXPECT_EQ(unit.RowCount(), 3);
  EXPECT_EQ(Read(unit, 1, 2), (std::vector<double>{ 3, 4 }));

  ColumnRows xy(Rows({ 1, 2, 3, 4, 5, 6 }, 3), 0, 2); // (x, y, z) rows -> (x, y)
  EXPECT_EQ(xy.RowWidth(), 2);
  EXPECT_EQ(Read(xy, 0, 2), (std::vector<double>{ 1, 2, 4, 5 }));

  AffineRows cm(Rows({ 0.5, NaN }, 1), 100.0, 5.0); // metres to cm, then an offset
  const std::vector<double> converted = Read(cm, 0, 2);
  EXPECT_EQ(converted[0], 55.0);
  EXPECT_TRUE(std::isnan(converted[1])); // a gap stays a gap

  ConstantRows placeholder(10, 3, NaN);
  const std::vector<double> blank = Read(placeholder, 4, 2);
  EXPECT_EQ(blank.size(), 6u);
  EXPECT_TRUE(std::isnan(blank[5]));
}

TEST(RowAdapters, VectorAnglesAndStackedParts) {
  VectorAngleRows angles(Rows({ 1, 0, 0, 2, -1, 0, 0, 0, NaN, 1 }, 2));
  const std::vector<double> a = Read(angles, 0, 5);
  EXPECT_DOUBLE_EQ(a[0], 0.0);
  EXPECT_DOUBLE_EQ(a[1], Pi / 2);
  EXPECT_DOUBLE_EQ(a[2], Pi);
  EXPECT_TRUE(std::isnan(a[3])); // a zero vector has no direction
  EXPECT_TRUE(std::isnan(a[4]));

  std::vector<std::unique_ptr<RowSource>> parts;
  parts.push_back(Rows({ 1, 2, 3, 4 }, 2));
  parts.push_back(Rows({ 10, 20, 30, 40 }, 2));
  StackedRows pose(std::move(parts));
  EXPECT_EQ(pose.RowWidth(), 4);
  EXPECT_EQ(Read(pose, 1, 1), (std::vector<double>{ 3, 4, 30, 40 }));

  std::vector<std::unique_ptr<RowSource>> uneven;
  uneven.push_back(Rows({ 1, 2, 3, 4 }, 2));
  uneven.push_back(Rows({ 1, 2 }, 2));
  EXPECT_MENTIONS(ErrorOf([&] { StackedRows bad(std::move(uneven)); }), "part 1 has 1 rows, part 0 has 2", "How to fix");
}

TEST(RowAdapters, ExtentFromABoundedNumberOfBlocksIncludingBothEnds) {
  const std::int64_t n = 1'000'000;
  std::vector<double> xy(static_cast<std::size_t>(2 * n), 50.0);
  xy[0] = -7.0;                                        // the first sample
  xy[static_cast<std::size_t>(2 * n - 1)] = 99.0;      // the last sample
  xy[static_cast<std::size_t>(2 * 1000 + 1)] = NaN;    // a gap
  std::int64_t calls = 0;
  auto source = Rows(std::move(xy), 2, &calls);
  double bounds[4];
  ASSERT_TRUE(EstimateExtent(*source, bounds, 32, 4096));
  EXPECT_EQ(bounds[0], -7.0);
  EXPECT_EQ(bounds[1], 50.0);
  EXPECT_EQ(bounds[2], 50.0);
  EXPECT_EQ(bounds[3], 99.0);
  EXPECT_EQ(calls, 32); // constant, whatever n

  auto empty = Rows({ NaN, NaN }, 2);
  EXPECT_FALSE(EstimateExtent(*empty, bounds));
}

TEST(NwbGrid, NiceBinsOverTheExtentWithAMargin) {
  EXPECT_EQ(NiceStep(1.5), 2.0);
  EXPECT_EQ(NiceStep(0.012), 0.01);
  EXPECT_EQ(NiceStep(3.0), 2.0); // nearest on a log scale: 2 and 5 meet at 3.16
  EXPECT_EQ(NiceStep(3.3), 5.0);
  EXPECT_EQ(NiceStep(4.0), 5.0);
  EXPECT_EQ(NiceStep(-1.0), 1.0);

  const double bounds[4] = { 20.0, 80.0, 30.0, 50.0 };
  const Environment e = GridOverExtent(bounds, "cm");
  EXPECT_EQ(e.Layout, LayoutKind::Grid);
  EXPECT_EQ(e.Units, "cm");
  const double bin = e.XEdges[1] - e.XEdges[0];
  EXPECT_EQ(bin, 2.0); // 60 cm / 40 = 1.5 -> 2
  EXPECT_LE(e.XEdges.front(), 20.0 - bin + 1e-9);
  EXPECT_GE(e.XEdges.back(), 80.0 + bin - 1e-9);
  EXPECT_LE(e.YEdges.front(), 30.0 - bin + 1e-9);
  EXPECT_GE(e.YEdges.back(), 50.0 + bin - 1e-9);
  EXPECT_EQ(e.BinCount, e.GridX * e.GridY);
  EXPECT_EQ(static_cast<std::int64_t>(e.BinCenters.size()), 2 * e.BinCount);
  // x-major order: bin 1 is the next cell up in y.
  EXPECT_DOUBLE_EQ(e.BinCenters[2], e.BinCenters[0]);
  EXPECT_DOUBLE_EQ(e.BinCenters[3] - e.BinCenters[1], bin);

  const double point[4] = { 5.0, 5.0, 5.0, 5.0 };
  const Environment around = GridOverExtent(point, "m");
  EXPECT_GT(around.BinCount, 1);
  EXPECT_LT(around.XEdges.front(), 5.0);
  EXPECT_GT(around.XEdges.back(), 5.0);

  EXPECT_EQ(ShortUnits("meters"), "m");
  EXPECT_EQ(ShortUnits("Centimeters"), "cm");
  EXPECT_EQ(ShortUnits("pixels"), "px");
  EXPECT_EQ(ShortUnits("furlongs"), "furlongs");
}


TEST_F(NwbFile, RateClockConversionOffsetUnitsAndTrials) {
  // 11 samples at 10 Hz from t = 1 s, stored in metres as (x - 0.05, y - 0.05): cm = data * 100 + 5.
  std::vector<double> xy;
  for (int i = 0; i <= 10; ++i) {
    xy.insert(xy.end(), { (10.0 + i - 5.0) / 100.0, (20.0 - 5.0) / 100.0 });
  }
  const hid_t position = Group(Behavior, "Position", "Position");
  RateSeries(position, "animal", xy, 2, 1.0, 10.0, 100.0, 5.0, "centimeters");
  H5Gclose(position);
  const hid_t compass = Group(Behavior, "CompassDirection", "CompassDirection");
  RateSeries(compass, "hd", std::vector<double>(11, 90.0), 1, 1.0, 10.0, 1.0, 0.0, "degrees");
  H5Gclose(compass);
  // Two units, ragged: unit 5 fires at 1.2 and 1.5 s, unit 6 at 1.9 s.
  const hid_t units = Group(File, "units", "Units");
  H5Dclose(Doubles(units, "spike_times", { 3 }, { 1.2, 1.5, 1.9 }));
  Ints(units, "spike_times_index", { 2, 3 });
  Ints(units, "id", { 5, 6 });
  H5Gclose(units);
  const hid_t intervals = H5Gopen2(File, "intervals", H5P_DEFAULT);
  const hid_t trials = Group(intervals, "trials", "TimeIntervals");
  H5Dclose(Doubles(trials, "start_time", { 2 }, { 1.0, 1.6 }));
  H5Dclose(Doubles(trials, "stop_time", { 2 }, { 1.4, 2.0 }));
  Strings(trials, "tags", { "left", "rewarded", "right" });
  Ints(trials, "tags_index", { 2, 3 });
  H5Gclose(trials);
  H5Gclose(intervals);
  Close();

  NwbImport nwb = NwbImport::Read(Path);
  EXPECT_TRUE(nwb.Errors().empty()) << nwb.Errors().front();
  EXPECT_TRUE(nwb.Warnings().empty()) << nwb.Warnings().front();
  ASSERT_FALSE(nwb.Empty());
  double first = 0.0;
  double last = 0.0;
  ASSERT_TRUE(nwb.Span(first, last));
  EXPECT_DOUBLE_EQ(first, 1.0);
  EXPECT_DOUBLE_EQ(last, 2.0);
  EXPECT_DOUBLE_EQ(nwb.ClockRate(), 10.0);
  const Environment environment = nwb.MakeEnvironment();
  EXPECT_EQ(environment.Units, "cm");
  const std::vector<double> bounds = environment.Bounds();
  EXPECT_LE(bounds[0], 10.0);
  EXPECT_GE(bounds[1], 20.0);

  OverlaySet set = OverlaySet::ForEnvironment(environment);
  const auto added = nwb.MoveInto(set, environment, first, last);
  ASSERT_EQ(added.size(), 5u); // animal, hd, units, trials_start, trials
  ASSERT_EQ(set.Positions().size(), 1u);
  ASSERT_EQ(set.HeadDirections().size(), 1u);
  EXPECT_EQ(set.HeadDirections()[0].AnchorPosition, 0);
  ASSERT_EQ(set.Events().size(), 2u);
  EXPECT_EQ(set.Events()[0].Types.size(), 2u);
  EXPECT_EQ(set.Events()[0].Types[0].Name, "unit 5");
  EXPECT_EQ(set.Events()[0].PositionSource, 0);

  OverlayFrame frame;
  FrameClock clock{ 1.5, 1.4, first, last };
  set.Build(clock, frame);
  ASSERT_EQ(frame.Positions.Count(), 1u);
  EXPECT_NEAR(frame.Positions.Xy[0], 15.0, 1e-9); // 10 + 5 samples of 1 cm
  EXPECT_NEAR(frame.Positions.Xy[1], 20.0, 1e-9);
  ASSERT_EQ(frame.Headings.Count(), 1u);
  EXPECT_NEAR(std::atan2(frame.Headings.Vectors[1], frame.Headings.Vectors[0]), Pi / 2, 1e-12); // 90 degrees
  // Unit 5's spike at 1.5 s on its own frame at full opacity, at the animal's place at 1.5 s; the one
  // at 1.2 s is fading (decay over 0.5 s), at its own place; unit 6 (1.9 s) is not shown yet.
  std::vector<std::pair<double, int>> unit5; // x, alpha
  for (std::size_t i = 0; i < frame.Events.Count(); ++i) {
    EXPECT_NE(frame.Events.Sources[i], 1);
    if (frame.Events.Sources[i] == 0) {
      unit5.emplace_back(frame.Events.Xy[2 * i], frame.Events.Colors[i].A);
    }
  }
  ASSERT_EQ(unit5.size(), 2u);
  EXPECT_NEAR(unit5[0].first, 12.0, 1e-9);
  EXPECT_NEAR(unit5[1].first, 15.0, 1e-9);
  EXPECT_LT(unit5[0].second, unit5[1].second);

  ASSERT_EQ(set.Intervals().size(), 1u);
  EXPECT_EQ(set.IntervalLines(1.2), (std::vector<std::string>{ "trials 1/2 [1.00, 1.40 s] left, rewarded" }));
  EXPECT_EQ(set.IntervalLines(1.7), (std::vector<std::string>{ "trials 2/2 [1.60, 2.00 s] right" }));
  EXPECT_TRUE(set.IntervalLines(1.5).empty());
}

TEST_F(NwbFile, BadSeriesAreNamedWithTheFixAndTheRestIsRead) {
  const hid_t position = Group(Behavior, "Position", "Position");
  RateSeries(position, "track", std::vector<double>(10, 1.0), 1, 0.0, 10.0); // (n,) data: 1-D
  // Explicit timestamps one short of the data.
  const hid_t series = Group(position, "short", "SpatialSeries");
  H5Dclose(Doubles(series, "data", { 4, 2 }, std::vector<double>(8, 1.0)));
  H5Dclose(Doubles(series, "timestamps", { 3 }, { 0.0, 0.1, 0.2 }));
  H5Gclose(series);
  RateSeries(position, "good", std::vector<double>(20, 2.0), 2, 0.0, 10.0);
  H5Gclose(position);
  const hid_t lfp = Group(Behavior, "LFP", "LFP");
  H5Gclose(lfp);
  Close();

  NwbImport nwb = NwbImport::Read(Path);
  ASSERT_EQ(nwb.Errors().size(), 2u);
  EXPECT_MENTIONS(nwb.Errors()[0], "/processing/behavior/Position/short/timestamps has 3 values but",
    "/processing/behavior/Position/short/data has 4 rows", "How to fix");
  EXPECT_MENTIONS(nwb.Errors()[1], "/processing/behavior/Position/track/data has shape (10,)", "1-D (linearised)",
    "How to fix");
  ASSERT_EQ(nwb.Warnings().size(), 1u);
  EXPECT_MENTIONS(nwb.Warnings()[0], "Skipped NWB data", "/processing/behavior/LFP (LFP)");
  EXPECT_FALSE(nwb.Empty()); // 'good' is read
}

TEST_F(NwbFile, NothingSupportedNamesWhatWasFound) {
  const hid_t series = Group(File, "acquisition/ElectricalSeries", "ElectricalSeries");
  H5Gclose(series);
  Close();
  NwbImport nwb = NwbImport::Read(Path);
  EXPECT_TRUE(nwb.Empty());
  EXPECT_MENTIONS(nwb.NothingToShow(), "has no Position, CompassDirection, PoseEstimation, units or TimeIntervals",
    "found: /acquisition/ElectricalSeries (ElectricalSeries)", "How to fix");
}

TEST(NwbImport, RefusesFilesThatAreNotNwb) {
  EXPECT_MENTIONS(ErrorOf([] { NwbImport::Read(NEUROPLAYBACK_SAMPLE); }), "is HDF5 but not an NWB file", "How to fix");
  EXPECT_FALSE(LooksLikeNwb(NEUROPLAYBACK_SAMPLE));
}

TEST(TimeSeriesFromRows, StreamsWindowsAndValuesFromRowSources) {
  // 10,000 samples at 100 Hz from 1 s, values 3 t - 1 through AffineRows (NWB's conversion and offset).
  const std::int64_t n = 10000;
  std::vector<double> raw(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    raw[static_cast<std::size_t>(i)] = 1.0 + static_cast<double>(i) / 100.0;
  }
  std::int64_t calls = 0;
  TimeSeriesStyle style;
  style.Label = "speed (cm/s)";
  TimeSeries series = TimeSeries::FromRows("speed", style, std::make_unique<RegularTimesSource>(1.0, 100.0, n),
    std::make_unique<AffineRows>(Rows(raw, 1, &calls), 3.0, -1.0), 256, 1u << 20, "/processing/behavior/speed");
  EXPECT_EQ(series.Name(), "speed");
  EXPECT_EQ(series.Label(), "speed (cm/s)");
  EXPECT_FALSE(series.HasSummary());
  EXPECT_DOUBLE_EQ(series.DataMin(), 2.0);  // the range probes include both ends
  EXPECT_DOUBLE_EQ(series.DataMax(), 3.0 * raw.back() - 1.0);
  EXPECT_NEAR(series.ValueAt(50.005), 3.0 * 50.005 - 1.0, 1e-9);
  EXPECT_TRUE(std::isnan(series.ValueAt(0.5)));

  SeriesWindow window;
  series.Window(20.005, 21.005, 1024, window);
  EXPECT_FALSE(window.Envelope);
  ASSERT_EQ(window.Times.size(), 102u);  // the 100 samples inside and one beyond each edge
  EXPECT_DOUBLE_EQ(window.Times.front(), 20.0);
  EXPECT_NEAR(window.Values[1], 3.0 * 20.01 - 1.0, 1e-9);
  // A window wider than the chart resolves is an envelope computed from the samples (no summary).
  series.Window(1.0, 100.0, 64, window);
  EXPECT_TRUE(window.Envelope);
  EXPECT_LE(window.Times.size(), 2u * 64u + 2u);

  // Multi-column data: one series per column through ColumnRows.
  TimeSeries second = TimeSeries::FromRows("accel_1", TimeSeriesStyle{},
    std::make_unique<RegularTimesSource>(0.0, 10.0, 3),
    std::make_unique<ColumnRows>(Rows({ 0, 10, 1, 11, 2, 12 }, 2), 1, 1), 16, 1u << 16);
  EXPECT_DOUBLE_EQ(second.ValueAt(0.15), 11.5);

  OverlaySet set;
  EXPECT_EQ(set.AddSeries(std::move(series)), 0);
  EXPECT_EQ(set.AddSeries(std::move(second)), 1);
  EXPECT_EQ(set.Series()[0].GetStyle().Color, CycleColor(0));  // tab10 by series order
  EXPECT_EQ(set.Series()[1].GetStyle().Color, CycleColor(1));
  EXPECT_EQ(set.Charts().size(), 2u);
  EXPECT_EQ(set.UniqueName("speed"), "speed_2");
}

TEST(TimeSeriesFromRows, VeryWideWindowsBuildTheSummaryOnceAndMatchTheSamples) {
  // 400,000 samples at 500 Hz (800 s) with no stored summary; a 700 s window spans 350,000 samples.
  const std::int64_t n = 400000;
  std::vector<double> raw(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    raw[static_cast<std::size_t>(i)] = std::sin(0.001 * static_cast<double>(i)) + (i % 977 == 0 ? 5.0 : 0.0);
  }
  raw[123456] = NaN;
  std::int64_t calls = 0;
  TimeSeries series = TimeSeries::FromRows("lfp", TimeSeriesStyle{}, std::make_unique<RegularTimesSource>(0.0, 500.0, n),
    Rows(raw, 1, &calls), 4096, 8u << 20);
  SeriesWindow narrow;
  series.Window(10.0, 20.0, 1024, narrow);  // 5,000 samples: an envelope from the samples, no summary yet
  EXPECT_TRUE(narrow.Envelope);
  EXPECT_FALSE(series.HasSummary());

  SeriesWindow wide;
  series.Window(50.0, 750.0, 1024, wide);
  EXPECT_TRUE(series.HasSummary());
  EXPECT_TRUE(wide.Envelope);
  EXPECT_LE(wide.Times.size(), 2u * 1024u + 4u);
  EXPECT_EQ(wide.Bucket % SummaryBuilder::FirstBucket, 0);
  // The envelope holds the true extremes of the window's samples (the spikes of 5 included).
  const std::int64_t first = 50 * 500;
  const std::int64_t last = 750 * 500;
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (std::int64_t i = first; i <= last; ++i) {
    if (std::isfinite(raw[static_cast<std::size_t>(i)])) {
      low = std::min(low, raw[static_cast<std::size_t>(i)]);
      high = std::max(high, raw[static_cast<std::size_t>(i)]);
    }
  }
  double shownLow = std::numeric_limits<double>::infinity();
  double shownHigh = -shownLow;
  for (double v : wide.Values) {
    if (std::isfinite(v)) {
      shownLow = std::min(shownLow, v);
      shownHigh = std::max(shownHigh, v);
    }
  }
  EXPECT_NEAR(shownHigh, high, 1e-12);
  EXPECT_LE(shownLow, low + 1e-12);  // edge buckets may reach a little beyond the window
  // Later wide windows come from the summary: no more raw reads.
  const std::int64_t callsAfterBuild = calls;
  for (double start : { 0.0, 30.0, 90.0 }) {
    series.Window(start, start + 700.0, 1024, wide);
    EXPECT_TRUE(wide.Envelope);
  }
  EXPECT_EQ(calls, callsAfterBuild);
}

TEST(TimeSeriesFromRows, BadTimesAndLengthsNameTheSeries) {
  EXPECT_MENTIONS(ErrorOf([] {
    TimeSeries::FromRows("s", TimeSeriesStyle{}, Rows({ 0.0, 1.0, 2.0 }, 1), Rows({ 1.0, 2.0 }, 1), 16, 1u << 16, "/x/s");
  }), "/x/s has 3 times but 2 values", "How to fix");
  EXPECT_MENTIONS(ErrorOf([] {
    TimeSeries::FromRows("s", TimeSeriesStyle{}, Rows({ 0.0, NaN, 2.0 }, 1), Rows({ 1.0, 2.0, 3.0 }, 1), 16, 1u << 16,
      "/x/s", "/x/s/timestamps");
  }), "/x/s/timestamps has a non-finite value", "How to fix");
  EXPECT_MENTIONS(ErrorOf([] {
    TimeSeries::FromRows("s", TimeSeriesStyle{}, Rows({ 0.0, 1.0 }, 1), Rows({ 1.0, 2.0, 3.0, 4.0 }, 2), 16, 1u << 16, "/x/s");
  }), "/x/s must be one time and one value per sample", "How to fix");
}

TEST_F(NwbFile, BehavioralTimeSeriesBecomeChartedSeries) {
  const hid_t box = Group(Behavior, "BehavioralTimeSeries", "BehavioralTimeSeries");
  // speed (n,) in m/s stored less 1 cm/s: cm/s = data * 100 + 1, on a 20 Hz clock from 2 s.
  RateSeries(box, "speed", { 0.0, 0.1, 0.2, 0.3 }, 1, 2.0, 20.0, 100.0, 1.0, "cm/s");
  RateSeries(box, "accel", { 0, 10, 1, 11, 2, 12 }, 2, 2.0, 20.0, 1.0, 0.0, "m/s^2");
  H5Gclose(box);
  Close();
  NwbImport nwb = NwbImport::Read(Path);
  EXPECT_TRUE(nwb.Errors().empty());
  EXPECT_TRUE(nwb.Warnings().empty());
  EXPECT_FALSE(nwb.Empty());
  double first = 0.0;
  double last = 0.0;
  ASSERT_TRUE(nwb.Span(first, last));
  EXPECT_DOUBLE_EQ(first, 2.0);
  EXPECT_DOUBLE_EQ(last, 2.15);
  OverlaySet set;
  const Environment environment = nwb.MakeEnvironment();
  const auto added = nwb.MoveInto(set, environment, first, last);
  ASSERT_EQ(added.size(), 3u);
  ASSERT_EQ(set.Series().size(), 3u);
  EXPECT_EQ(set.Series()[0].Name(), "accel_0");
  EXPECT_EQ(set.Series()[1].Label(), "accel_1 (m/s^2)");
  EXPECT_EQ(set.Series()[2].Label(), "speed (cm/s)");
  EXPECT_DOUBLE_EQ(set.Series()[2].ValueAt(2.1), 21.0);
  EXPECT_DOUBLE_EQ(set.Series()[1].ValueAt(2.05), 11.0);
  const std::vector<ChartGroup> charts = set.Charts();
  ASSERT_EQ(charts.size(), 2u);
  EXPECT_EQ(charts[0].Title, "accel (m/s^2)");
  EXPECT_EQ(charts[0].Members, (std::vector<int>{ 0, 1 }));
  EXPECT_EQ(charts[1].Title, "speed (cm/s)");
}
