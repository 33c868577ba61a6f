// Time series overlays: the multi-resolution summary the writers build, and windows, values and
// y-limits read from real HDF5 files through the real HDF5 library.
#include "Hdf5TestSupport.h"
#include "SessionError.h"
#include "TimeSeries.h"

#include <gtest/gtest.h>

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

using neuroplayback::SeriesWindow;
using neuroplayback::SessionError;
using neuroplayback::SummaryBuilder;
using neuroplayback::TimeSeries;

namespace {

using namespace test_support;  // ErrorOf, Space, TempPath, WriteStringAttribute, NaN, Pi

// Doubles equal, NaN equal to NaN.
bool Same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// [min, max] of the finite values in [begin, end); NaN, NaN when there are none (numpy's nanmin/nanmax).
std::pair<double, double> NanMinMax(const std::vector<double>& values, std::int64_t begin, std::int64_t end) {
  double low = NaN;
  double high = NaN;
  for (std::int64_t i = std::max<std::int64_t>(0, begin); i < std::min<std::int64_t>(end, static_cast<std::int64_t>(values.size())); ++i) {
    const double v = values[static_cast<std::size_t>(i)];
    if (std::isfinite(v)) {
      low = std::isnan(low) ? v : std::min(low, v);
      high = std::isnan(high) ? v : std::max(high, v);
    }
  }
  return { low, high };
}

// The format's summary computed the obvious way: level k has buckets of 16 * 8^k samples, rows
// [time of the bucket's first sample, nanmin, nanmax]; levels with fewer than 64 rows are not stored.
std::vector<std::pair<std::int64_t, std::vector<double>>> BruteForceSummary(const std::vector<double>& times,
  const std::vector<double>& values) {
  std::vector<std::pair<std::int64_t, std::vector<double>>> levels;
  const auto n = static_cast<std::int64_t>(values.size());
  for (std::int64_t bucket = SummaryBuilder::FirstBucket;; bucket *= SummaryBuilder::Factor) {
    const std::int64_t rows = (n + bucket - 1) / bucket;
    if (rows < SummaryBuilder::MinRows) {
      break;
    }
    std::vector<double> level;
    for (std::int64_t b = 0; b < rows; ++b) {
      const auto [low, high] = NanMinMax(values, b * bucket, (b + 1) * bucket);
      level.insert(level.end(), { times[static_cast<std::size_t>(b * bucket)], low, high });
    }
    levels.emplace_back(bucket, std::move(level));
  }
  return levels;
}

// float64 dataset, chunked along the first dimension like the writers' (4096 rows) when large.
hid_t WriteDataset(hid_t loc, const char* name, const std::vector<hsize_t>& dims, const double* values) {
  const hid_t space = Space(dims);
  const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
  if (!dims.empty() && dims[0] > 4096) {
    std::vector<hsize_t> chunk = dims;
    chunk[0] = 4096;
    H5Pset_chunk(create, static_cast<int>(chunk.size()), chunk.data());
  }
  const hid_t dataset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, create, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
  H5Pclose(create);
  H5Sclose(space);
  return dataset;
}

void WriteDoubleAttribute(hid_t loc, const char* name, double value) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, H5T_NATIVE_DOUBLE, &value);
  H5Aclose(attr);
  H5Sclose(space);
}

void WriteIntAttribute(hid_t loc, const char* name, std::int64_t value) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(loc, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, H5T_NATIVE_INT64, &value);
  H5Aclose(attr);
  H5Sclose(space);
}

struct SummaryRows {
  std::int64_t SamplesPerBucket = 0;
  std::vector<double> Rows;  // row-major
  hsize_t Width = 3;
};

// One /overlays/<name> of kind timeseries.
struct SeriesSpec {
  std::vector<double> Times;
  std::vector<double> Values;
  std::map<std::string, double> Numbers;  // vmin, vmax, window_seconds, linewidth
  std::map<std::string, std::int64_t> Ints;  // normalize
  std::map<std::string, std::string> Texts;  // label, color, group, interp
  bool Summary = true;  // built with SummaryBuilder, as the writers do
  std::vector<SummaryRows> CustomSummary;  // written instead when not empty
};

// A session-like file holding /overlays/<name> groups, removed after the test.
class TimeSeriesFile : public ::testing::Test {
protected:
  void SetUp() override {
    Path = TempPath(std::string("time-series-") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".h5");
    File = H5Fcreate(Path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(File, 0);
    Overlays = H5Gcreate2(File, "overlays", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  }

  void TearDown() override {
    H5Gclose(Overlays);
    H5Fclose(File);
    std::remove(Path.c_str());
  }

  void Add(const std::string& name, const SeriesSpec& spec) {
    const hid_t group = H5Gcreate2(Overlays, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    WriteStringAttribute(group, "kind", "timeseries");
    for (const auto& [key, value] : spec.Numbers) {
      WriteDoubleAttribute(group, key.c_str(), value);
    }
    for (const auto& [key, value] : spec.Ints) {
      WriteIntAttribute(group, key.c_str(), value);
    }
    for (const auto& [key, value] : spec.Texts) {
      WriteStringAttribute(group, key.c_str(), value);
    }
    H5Dclose(WriteDataset(group, "times", { spec.Times.size() }, spec.Times.data()));
    H5Dclose(WriteDataset(group, "values", { spec.Values.size() }, spec.Values.data()));
    std::vector<SummaryRows> levels = spec.CustomSummary;
    if (levels.empty() && spec.Summary) {
      SummaryBuilder builder;
      for (std::size_t i = 0; i < spec.Times.size(); ++i) {
        builder.Add(spec.Times[i], spec.Values[i]);
      }
      std::vector<std::int64_t> buckets;
      std::vector<std::vector<double>> rows = builder.Finish(buckets);
      for (std::size_t k = 0; k < rows.size(); ++k) {
        levels.push_back({ buckets[k], std::move(rows[k]), 3 });
      }
    }
    if (!levels.empty()) {
      const hid_t summary = H5Gcreate2(group, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      for (std::size_t k = 0; k < levels.size(); ++k) {
        const std::string levelName = "level_" + std::to_string(k);
        const hid_t dataset = WriteDataset(summary, levelName.c_str(),
          { levels[k].Rows.size() / levels[k].Width, levels[k].Width }, levels[k].Rows.data());
        if (levels[k].SamplesPerBucket != 0) {
          WriteIntAttribute(dataset, "samples_per_bucket", levels[k].SamplesPerBucket);
        }
        H5Dclose(dataset);
      }
      H5Gclose(summary);
    }
    H5Gclose(group);
  }

  TimeSeries Load(const std::string& name) {
    const hid_t group = H5Gopen2(Overlays, name.c_str(), H5P_DEFAULT);
    struct Closer {
      hid_t Id;
      ~Closer() { H5Gclose(Id); }
    } closer{ group };
    return TimeSeries::Load(group, name, 8u << 20);
  }

  std::string LoadError(const std::string& name) {
    return ErrorOf([&] { Load(name); });
  }

  std::string Path;
  hid_t File = H5I_INVALID_HID;
  hid_t Overlays = H5I_INVALID_HID;
};

// Sample i at i / rate seconds.
std::vector<double> RegularTimes(std::int64_t n, double rate, double start = 0.0) {
  std::vector<double> times(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    times[static_cast<std::size_t>(i)] = start + static_cast<double>(i) / rate;
  }
  return times;
}

// A wavy signal in about [-1.3, 1.3] with NaN samples here and there.
std::vector<double> Signal(const std::vector<double>& times) {
  std::vector<double> values(times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    values[i] = std::sin(2 * Pi * times[i] / 50.0) + 0.3 * std::sin(2 * Pi * times[i] * 7.3) + 1e-3 * static_cast<double>(i % 17);
    if (i % 9973 == 5) {
      values[i] = NaN;
    }
  }
  return values;
}

// Walks an envelope: (time, low, high) per bucket; a lone NaN row is a bucket without finite samples.
struct EnvelopeBucket {
  double Time;
  double Low;
  double High;
};

std::vector<EnvelopeBucket> Buckets(const SeriesWindow& window) {
  std::vector<EnvelopeBucket> buckets;
  for (std::size_t r = 0; r < window.Values.size();) {
    if (std::isnan(window.Values[r])) {
      buckets.push_back({ window.Times[r], NaN, NaN });
      r += 1;
      continue;
    }
    EXPECT_LT(r + 1, window.Values.size()) << "an envelope row without its pair";
    if (r + 1 >= window.Values.size()) {
      break;
    }
    EXPECT_EQ(window.Times[r], window.Times[r + 1]) << "a bucket's two rows share its time";
    buckets.push_back({ window.Times[r], std::min(window.Values[r], window.Values[r + 1]),
      std::max(window.Values[r], window.Values[r + 1]) });
    r += 2;
  }
  return buckets;
}

std::pair<double, double> RangeOf(const std::vector<double>& values) {
  return NanMinMax(values, 0, static_cast<std::int64_t>(values.size()));
}

} // namespace

// ---- The summary writers build ----

TEST(SummaryBuilder, LevelsEqualABruteForceSummaryWithNanBucketsAndAPartialLastBucket) {
  // 70007 samples: the last level-0 bucket holds 7 samples; three levels (16, 128, 1024) have >= 64 rows.
  const std::vector<double> times = RegularTimes(70'007, 500.0, 12.5);
  std::vector<double> values = Signal(times);
  std::fill(values.begin() + 1600, values.begin() + 1664, NaN);  // level-0 buckets 100..103 all NaN
  std::fill(values.begin() + 2560, values.begin() + 2688, NaN);  // a whole level-1 bucket (20) NaN
  values[3001] = NaN;                                              // a bucket with some NaN samples
  values[70'003] = NaN;                                            // ... and in the partial last bucket
  values[70'000] = 42.0;                                           // the partial bucket holds the maximum
  SummaryBuilder builder;
  for (std::size_t i = 0; i < times.size(); ++i) {
    builder.Add(times[i], values[i]);
  }
  std::vector<std::int64_t> buckets;
  const std::vector<std::vector<double>> levels = builder.Finish(buckets);
  const auto expected = BruteForceSummary(times, values);
  ASSERT_EQ(expected.size(), 3u);
  ASSERT_EQ(levels.size(), expected.size());
  ASSERT_EQ(buckets.size(), expected.size());
  for (std::size_t k = 0; k < levels.size(); ++k) {
    EXPECT_EQ(buckets[k], expected[k].first) << "level " << k;
    ASSERT_EQ(levels[k].size(), expected[k].second.size()) << "level " << k;
    for (std::size_t i = 0; i < levels[k].size(); ++i) {
      EXPECT_TRUE(Same(levels[k][i], expected[k].second[i]))
        << "level " << k << " row " << i / 3 << " column " << i % 3 << ": " << levels[k][i] << " vs " << expected[k].second[i];
    }
  }
  // The NaN buckets are NaN at level 0 and at level 1 where the whole bucket is NaN.
  EXPECT_TRUE(std::isnan(levels[0][3 * 101 + 1]));
  EXPECT_TRUE(std::isnan(levels[1][3 * 20 + 2]));
  EXPECT_FALSE(std::isnan(levels[1][3 * 12 + 1])) << "a partly NaN bucket keeps the finite samples' range";
  EXPECT_EQ(levels[0][levels[0].size() - 1], 42.0);
  EXPECT_EQ(levels[2][levels[2].size() - 1], 42.0);
}

TEST(SummaryBuilder, ShortSeriesHaveNoLevels) {
  SummaryBuilder builder;
  for (int i = 0; i < 16 * 63; ++i) {  // 63 buckets: below MinRows
    builder.Add(i * 0.01, i);
  }
  std::vector<std::int64_t> buckets{ 99 };
  EXPECT_TRUE(builder.Finish(buckets).empty());
  EXPECT_TRUE(buckets.empty());
}

// ---- Windows, values and limits from a file ----

TEST_F(TimeSeriesFile, NarrowWindowIsTheRawSamplesPlusOneEachSide) {
  SeriesSpec spec;
  spec.Times = RegularTimes(20'000, 500.0);
  for (std::size_t i = 0; i < spec.Times.size(); ++i) {
    spec.Times[i] += 1e-5 * std::sin(0.1 * static_cast<double>(i));  // irregular: times come from the file
  }
  spec.Values = Signal(spec.Times);
  spec.Values[5500] = NaN;
  Add("speed", spec);
  TimeSeries series = Load("speed");
  EXPECT_TRUE(series.HasSummary());
  SeriesWindow window;
  // Samples 5001..6000 lie in [10.0005, 12.0005]; 5000 and 6001 are the ones beyond the edges.
  series.Window(10.0005, 12.0005, 1024, window);
  EXPECT_FALSE(window.Envelope);
  EXPECT_EQ(window.Bucket, 1);
  EXPECT_EQ(window.Samples, 1002);
  ASSERT_EQ(window.Times.size(), 1002u);
  ASSERT_EQ(window.Values.size(), 1002u);
  for (std::size_t r = 0; r < window.Times.size(); ++r) {
    EXPECT_EQ(window.Times[r], spec.Times[5000 + r]) << "row " << r;
    EXPECT_TRUE(Same(window.Values[r], spec.Values[5000 + r])) << "row " << r;
  }
  EXPECT_LT(window.Times.front(), 10.0005);
  EXPECT_GT(window.Times.back(), 12.0005);
  EXPECT_TRUE(std::isnan(window.Values[500])) << "a NaN sample stays a NaN row (a gap in the line)";

  // At the start of the series there is nothing before the first sample to add.
  series.Window(-1.0, 1.0, 1024, window);
  EXPECT_EQ(window.Times.front(), spec.Times.front());
  EXPECT_EQ(window.Samples, 502);
  // Entirely outside: nothing.
  series.Window(100.0, 102.0, 1024, window);
  EXPECT_TRUE(window.Times.empty());
  EXPECT_EQ(window.Samples, 0);
}

TEST_F(TimeSeriesFile, WideWindowsAreEnvelopesWithTheTrueExtremesAndReadLittle) {
  // 2 M samples at 500 Hz (4000 s) with summary; the same samples without one beside them.
  const std::int64_t n = 2'000'000;
  SeriesSpec spec;
  spec.Times = RegularTimes(n, 500.0);
  spec.Values = Signal(spec.Times);
  std::fill(spec.Values.begin() + 1'000'000, spec.Values.begin() + 1'005'000, NaN);  // a 10 s gap
  spec.Values[900'123] = 5.0;    // the window's extremes, inside it
  spec.Values[1'100'077] = -4.0;
  spec.Values[840'000] = 9.0;    // the series' extremes, more than a bucket outside the window
  spec.Values[1'160'000] = -9.0;
  Add("lfp", spec);
  SeriesSpec bare = spec;
  bare.Summary = false;
  Add("bare", bare);

  // 10 minutes around t = 2000 s: samples 850000..1150000, plus one each side.
  const double t0 = 1700.0001;
  const double t1 = 2300.0001;
  const std::int64_t first = 850'000;
  const std::int64_t last = 1'150'001;
  const auto [trueLow, trueHigh] = NanMinMax(spec.Values, first, last + 1);
  ASSERT_EQ(trueLow, -4.0);
  ASSERT_EQ(trueHigh, 5.0);

  TimeSeries series = Load("lfp");
  ASSERT_EQ(series.LevelCount(), 4u);  // 16, 128, 1024, 8192 samples per bucket
  EXPECT_EQ(series.DataMin(), -9.0);   // exact, from the coarsest level
  EXPECT_EQ(series.DataMax(), 9.0);
  SeriesWindow window;
  series.Window(t0, t1, 1024, window);
  EXPECT_TRUE(window.Envelope);
  EXPECT_EQ(window.Samples, last - first + 1);
  EXPECT_EQ(window.Bucket, 1024) << "the finest level with at most 1024 buckets in the window";
  EXPECT_LE(window.Values.size(), 2u * (1024 + 2));
  EXPECT_EQ(window.Times.size(), window.Values.size());
  EXPECT_TRUE(std::is_sorted(window.Times.begin(), window.Times.end()));
  const auto [low, high] = RangeOf(window.Values);
  EXPECT_EQ(low, trueLow);
  EXPECT_EQ(high, trueHigh);
  // The envelope covers the window, not much more: its buckets start within one bucket of the edges.
  EXPECT_LE(window.Times.front(), spec.Times[first]);
  EXPECT_GT(window.Times.front(), spec.Times[first] - 1024 / 500.0);
  EXPECT_LE(window.Times.back(), spec.Times[last]);
  EXPECT_GT(window.Times.back(), spec.Times[last] - 1024 / 500.0);
  // Each bucket is the brute-force range of its samples, and the gap is NaN rows.
  int nanBuckets = 0;
  for (const EnvelopeBucket& bucket : Buckets(window)) {
    const auto b = static_cast<std::int64_t>(std::llround(bucket.Time * 500.0)) / 1024;
    const auto [bucketLow, bucketHigh] = NanMinMax(spec.Values, b * 1024, (b + 1) * 1024);
    EXPECT_TRUE(Same(bucket.Low, bucketLow)) << "bucket " << b;
    EXPECT_TRUE(Same(bucket.High, bucketHigh)) << "bucket " << b;
    if (std::isnan(bucket.Low)) {
      ++nanBuckets;
      EXPECT_GE(bucket.Time, spec.Times[1'000'000]);
      EXPECT_LT(bucket.Time, spec.Times[1'005'000]);
    }
  }
  EXPECT_GE(nanBuckets, 3) << "the 5000-sample gap holds at least 3 whole 1024-sample buckets";
  // Streamed: the times near the edges and one summary level, far below 5 % of the samples.
  EXPECT_LT(series.RowsRead(), n / 20) << "rows read: " << series.RowsRead();

  // A 60 s window uses the 128-sample level; a 2 s window is raw samples again.
  series.Window(1970.0001, 2030.0001, 1024, window);
  EXPECT_TRUE(window.Envelope);
  EXPECT_EQ(window.Bucket, 128);
  series.Window(1999.0001, 2001.0001, 1024, window);
  EXPECT_FALSE(window.Envelope);
  EXPECT_EQ(window.Samples, 1002);

  // Without a stored summary, a window this wide builds the same summary in memory, in one pass: the
  // envelope is then exactly the stored summary's, and later wide windows read no more samples.
  TimeSeries without = Load("bare");
  EXPECT_FALSE(without.HasSummary());
  SeriesWindow stored;
  series.Window(t0, t1, 1024, stored);
  SeriesWindow fallback;
  without.Window(t0, t1, 1024, fallback);
  EXPECT_TRUE(without.HasSummary());
  EXPECT_TRUE(fallback.Envelope);
  EXPECT_EQ(fallback.Samples, last - first + 1);
  EXPECT_EQ(fallback.Bucket, stored.Bucket);
  ASSERT_EQ(fallback.Times, stored.Times);
  ASSERT_EQ(fallback.Values.size(), stored.Values.size());
  for (std::size_t i = 0; i < stored.Values.size(); ++i) {
    EXPECT_TRUE(Same(fallback.Values[i], stored.Values[i])) << "row " << i;
  }
  const auto [fallbackLow, fallbackHigh] = RangeOf(fallback.Values);
  EXPECT_EQ(fallbackLow, trueLow);
  EXPECT_EQ(fallbackHigh, trueHigh);
  const std::int64_t readOnce = without.RowsRead();
  EXPECT_GE(readOnce, n) << "the summary is built from every sample, once";
  without.Window(t0 + 100.0, t1 + 100.0, 1024, fallback);
  EXPECT_TRUE(fallback.Envelope);
  EXPECT_LT(without.RowsRead() - readOnce, n / 20) << "later wide windows come from the summary";

  // A window wider than the chart but under TimeSeries::LazySummarySamples is an envelope computed from
  // the samples themselves, buckets starting at the window's first sample.
  TimeSeries small = Load("bare");
  SeriesWindow medium;
  small.Window(1990.0001, 2030.0001, 1024, medium);  // 20,000 samples
  EXPECT_TRUE(medium.Envelope);
  EXPECT_FALSE(small.HasSummary());
  const std::int64_t mediumFirst = std::llround(medium.Times.front() * 500.0);
  const std::int64_t mediumBucket = (medium.Samples + 1023) / 1024;
  EXPECT_EQ(medium.Bucket, mediumBucket);
  for (const EnvelopeBucket& b : Buckets(medium)) {
    const std::int64_t bucketStart = std::llround(b.Time * 500.0);
    EXPECT_EQ((bucketStart - mediumFirst) % mediumBucket, 0) << "buckets start at the window's first sample";
    const std::int64_t mediumLast = mediumFirst + medium.Samples - 1;
    const auto [bucketLow, bucketHigh] =
      NanMinMax(spec.Values, bucketStart, std::min(bucketStart + mediumBucket, mediumLast + 1));
    EXPECT_TRUE(Same(b.Low, bucketLow)) << "bucket at sample " << bucketStart;
    EXPECT_TRUE(Same(b.High, bucketHigh)) << "bucket at sample " << bucketStart;
  }
}

TEST_F(TimeSeriesFile, NormalizeMapsToZeroOne) {
  SeriesSpec spec;
  spec.Times = RegularTimes(5000, 100.0);
  spec.Values.resize(spec.Times.size());
  for (std::size_t i = 0; i < spec.Values.size(); ++i) {
    spec.Values[i] = 4.0 + 2.0 * std::sin(2 * Pi * spec.Times[i] / 10.0);  // [2, 6]
  }
  spec.Values[2500] = NaN;
  spec.Ints["normalize"] = 1;
  Add("norm", spec);
  TimeSeries series = Load("norm");
  EXPECT_TRUE(series.GetStyle().Normalize);
  double low = NaN;
  double high = NaN;
  series.YLimits(low, high);
  EXPECT_EQ(low, 0.0);
  EXPECT_EQ(high, 1.0);
  SeriesWindow window;
  series.Window(0.0, 50.0, 100'000, window);  // the whole series, raw
  ASSERT_FALSE(window.Envelope);
  ASSERT_EQ(window.Values.size(), spec.Values.size());
  const auto [dataLow, dataHigh] = RangeOf(spec.Values);
  for (std::size_t i = 0; i < window.Values.size(); ++i) {
    EXPECT_TRUE(Same(window.Values[i], (spec.Values[i] - dataLow) / (dataHigh - dataLow))) << i;
  }
  const auto [shownLow, shownHigh] = RangeOf(window.Values);
  EXPECT_EQ(shownLow, 0.0);
  EXPECT_EQ(shownHigh, 1.0);
  // Envelopes are normalised too.
  series.Window(0.0, 50.0, 64, window);
  ASSERT_TRUE(window.Envelope);
  const auto [envelopeLow, envelopeHigh] = RangeOf(window.Values);
  EXPECT_EQ(envelopeLow, 0.0);
  EXPECT_EQ(envelopeHigh, 1.0);
  // ValueAt too.
  EXPECT_DOUBLE_EQ(series.ValueAt(spec.Times[100]), (spec.Values[100] - dataLow) / (dataHigh - dataLow));

  // With vmin/vmax, those are the ends of [0, 1].
  SeriesSpec fixed = spec;
  fixed.Numbers["vmin"] = 0.0;
  fixed.Numbers["vmax"] = 8.0;
  Add("fixed", fixed);
  TimeSeries limited = Load("fixed");
  EXPECT_DOUBLE_EQ(limited.ValueAt(spec.Times[100]), spec.Values[100] / 8.0);
  limited.YLimits(low, high);
  EXPECT_EQ(low, 0.0);
  EXPECT_EQ(high, 1.0);
}

TEST_F(TimeSeriesFile, ValueAtInterpolatesAsTheStyleSaysAndIsNanOutside) {
  SeriesSpec linear;
  linear.Times = { 1.0, 2.0, 3.0, 4.0, 5.0 };
  linear.Values = { 0.0, 10.0, NaN, 30.0, 40.0 };
  linear.Summary = false;
  Add("linear", linear);
  SeriesSpec nearest = linear;
  nearest.Texts["interp"] = "nearest";
  Add("nearest", nearest);

  TimeSeries l = Load("linear");
  EXPECT_DOUBLE_EQ(l.ValueAt(1.25), 2.5);
  EXPECT_DOUBLE_EQ(l.ValueAt(2.0), 10.0);
  EXPECT_DOUBLE_EQ(l.ValueAt(4.5), 35.0);
  EXPECT_DOUBLE_EQ(l.ValueAt(5.0), 40.0);  // the last sample itself
  EXPECT_TRUE(std::isnan(l.ValueAt(2.5))) << "next to a NaN sample: a gap";
  EXPECT_TRUE(std::isnan(l.ValueAt(0.999)));
  EXPECT_TRUE(std::isnan(l.ValueAt(5.001))) << "no extrapolation";
  EXPECT_TRUE(std::isnan(l.ValueAt(NaN)));

  TimeSeries n = Load("nearest");
  EXPECT_EQ(n.GetStyle().Interpolation, neuroplayback::Interp::Nearest);
  EXPECT_EQ(n.ValueAt(1.4), 0.0);
  EXPECT_EQ(n.ValueAt(1.5), 10.0) << "a tie goes to the later sample (neurospatial's get_cursor_value)";
  EXPECT_EQ(n.ValueAt(1.6), 10.0);
  EXPECT_EQ(n.ValueAt(2.4), 10.0);
  EXPECT_TRUE(std::isnan(n.ValueAt(2.6)));  // nearest is the NaN sample
  EXPECT_EQ(n.ValueAt(3.6), 30.0);
  EXPECT_TRUE(std::isnan(n.ValueAt(0.5)));
  EXPECT_TRUE(std::isnan(n.ValueAt(5.5)));
}

TEST_F(TimeSeriesFile, YLimitsHaveAMarginHonourVminVmaxAndWidenAZeroRange) {
  SeriesSpec spec;
  spec.Times = RegularTimes(4000, 100.0);
  spec.Values.resize(spec.Times.size());
  for (std::size_t i = 0; i < spec.Values.size(); ++i) {
    spec.Values[i] = -2.0 + 10.0 * static_cast<double>(i % 101) / 100.0;  // [-2, 8]
  }
  spec.Values[7] = NaN;
  Add("plain", spec);
  double low = NaN;
  double high = NaN;
  Load("plain").YLimits(low, high);
  EXPECT_DOUBLE_EQ(low, -2.5);  // 5 % of the range each side
  EXPECT_DOUBLE_EQ(high, 8.5);

  SeriesSpec both = spec;
  both.Numbers["vmin"] = -1.0;
  both.Numbers["vmax"] = 3.0;
  Add("both", both);
  Load("both").YLimits(low, high);
  EXPECT_EQ(low, -1.0);
  EXPECT_EQ(high, 3.0);

  SeriesSpec onlyMax = spec;
  onlyMax.Numbers["vmax"] = 20.0;
  Add("only_max", onlyMax);
  Load("only_max").YLimits(low, high);
  EXPECT_DOUBLE_EQ(low, -2.5);
  EXPECT_EQ(high, 20.0);

  SeriesSpec flat;
  flat.Times = RegularTimes(3000, 100.0);
  flat.Values.assign(flat.Times.size(), 3.0);
  Add("flat", flat);
  Load("flat").YLimits(low, high);
  EXPECT_DOUBLE_EQ(low, 2.5);  // a constant series gets a unit-wide axis around it
  EXPECT_DOUBLE_EQ(high, 3.5);

  // Without a summary the range is estimated from blocks spread over the series.
  SeriesSpec bare = spec;
  bare.Summary = false;
  Add("bare", bare);
  TimeSeries estimated = Load("bare");
  EXPECT_FALSE(estimated.HasSummary());
  EXPECT_EQ(estimated.DataMin(), -2.0);
  EXPECT_EQ(estimated.DataMax(), 8.0);
}

TEST_F(TimeSeriesFile, StyleAttributesAreRead) {
  SeriesSpec spec;
  spec.Times = { 0.0, 1.0 };
  spec.Values = { 1.0, 2.0 };
  spec.Summary = false;
  spec.Texts = { { "label", "Speed (cm/s)" }, { "color", "#ff8000" }, { "group", "kinematics" } };
  spec.Numbers = { { "window_seconds", 10.0 }, { "linewidth", 2.5 } };
  Add("speed", spec);
  TimeSeries series = Load("speed");
  EXPECT_EQ(series.Name(), "speed");
  EXPECT_EQ(series.Label(), "Speed (cm/s)");
  EXPECT_EQ(series.GetStyle().Group, "kinematics");
  EXPECT_EQ(series.GetStyle().Color.R, 255);
  EXPECT_EQ(series.GetStyle().Color.G, 128);
  EXPECT_EQ(series.GetStyle().WindowSeconds, 10.0);
  EXPECT_EQ(series.GetStyle().LineWidth, 2.5);
  SeriesSpec unlabelled = spec;
  unlabelled.Texts.clear();
  Add("theta", unlabelled);
  EXPECT_EQ(Load("theta").Label(), "theta");
}

// ---- Bad input is refused with a message naming the problem ----

TEST_F(TimeSeriesFile, VminNotBelowVmaxIsRefused) {
  SeriesSpec spec;
  spec.Times = { 0.0, 1.0, 2.0 };
  spec.Values = { 1.0, 2.0, 3.0 };
  spec.Summary = false;
  spec.Numbers = { { "vmin", 5.0 }, { "vmax", 5.0 } };
  Add("equal", spec);
  EXPECT_MENTIONS(LoadError("equal"), "/overlays/equal has vmin = 5", ">= vmax = 5", "How to fix");
  spec.Numbers = { { "vmin", 2.0 }, { "vmax", -1.0 } };
  Add("reversed", spec);
  EXPECT_MENTIONS(LoadError("reversed"), "/overlays/reversed has vmin", "vmax");
}

TEST_F(TimeSeriesFile, SummaryLevelsOfTheWrongShapeAreRefused) {
  SeriesSpec good;
  good.Times = RegularTimes(2048, 100.0);
  good.Values = Signal(good.Times);
  SummaryBuilder builder;
  for (std::size_t i = 0; i < good.Times.size(); ++i) {
    builder.Add(good.Times[i], good.Values[i]);
  }
  std::vector<std::int64_t> buckets;
  std::vector<std::vector<double>> rows = builder.Finish(buckets);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 3u * 128);

  SeriesSpec twoColumns = good;
  std::vector<double> mins;
  for (std::size_t r = 0; r < 128; ++r) {
    mins.insert(mins.end(), { rows[0][3 * r], rows[0][3 * r + 1] });
  }
  twoColumns.CustomSummary = { { 16, mins, 2 } };
  Add("two_columns", twoColumns);
  EXPECT_MENTIONS(LoadError("two_columns"), "/overlays/two_columns/summary/level_0 has shape (128, 2)",
    "(ceil(n / samples_per_bucket), 3)", "n = 2048", "How to fix");

  SeriesSpec tooFewRows = good;
  tooFewRows.CustomSummary = { { 16, std::vector<double>(rows[0].begin(), rows[0].end() - 3), 3 } };
  Add("too_few_rows", tooFewRows);
  EXPECT_MENTIONS(LoadError("too_few_rows"), "/overlays/too_few_rows/summary/level_0 has shape (127, 3)");

  SeriesSpec noBucket = good;
  noBucket.CustomSummary = { { 0, rows[0], 3 } };
  Add("no_bucket", noBucket);
  EXPECT_MENTIONS(LoadError("no_bucket"), "/overlays/no_bucket/summary/level_0", "samples_per_bucket = 0");

  SeriesSpec notCoarser = good;
  notCoarser.CustomSummary = { { 16, rows[0], 3 }, { 16, rows[0], 3 } };
  Add("not_coarser", notCoarser);
  EXPECT_MENTIONS(LoadError("not_coarser"), "/overlays/not_coarser/summary/level_1 is not coarser");

  Add("good", good);
  EXPECT_EQ(LoadError("good"), "");
}

TEST_F(TimeSeriesFile, NonIncreasingTimesAreRefusedWhenMet) {
  SeriesSpec small;
  small.Times = { 0.0, 1.0, 1.0, 2.0 };
  small.Values = { 0.0, 1.0, 2.0, 3.0 };
  small.Summary = false;
  Add("small", small);
  // A short series is one block: checked on open.
  EXPECT_MENTIONS(LoadError("small"), "/overlays/small/times is not strictly increasing at sample 2", "How to fix");

  // In a long series a bad block in the middle is found when a window first reaches it.
  SeriesSpec longer;
  longer.Times = RegularTimes(40'000, 500.0);
  longer.Values = Signal(longer.Times);
  std::swap(longer.Times[20'000], longer.Times[20'001]);
  longer.Summary = false;
  Add("long", longer);
  TimeSeries series = Load("long");
  SeriesWindow window;
  EXPECT_NO_THROW(series.Window(1.0, 3.0, 1024, window));
  EXPECT_MENTIONS(ErrorOf([&] { series.Window(39.0, 41.0, 1024, window); }),
    "/overlays/long/times is not strictly increasing at sample 20001");
}
