#include "TimeSeries.h"

#include "Hdf5.h"
#include "OverlayReading.h"
#include "RowAdapters.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>

namespace neuroplayback {

using namespace overlay_io;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Blocks read (evenly spread) to estimate the data range of a series without a summary.
constexpr std::int64_t kRangeProbeBlocks = 32;
constexpr std::int64_t kRangeProbeRows = 4096;
} // namespace

void SeriesWindow::Clear() {
  Times.clear();
  Values.clear();
  Envelope = false;
  Samples = 0;
  Bucket = 1;
}

TimeSeries TimeSeries::Load(hid_t group, const std::string& name, std::size_t cacheBytes, Rgba defaultColor) {
  const std::string where = "/overlays/" + name;
  TimeSeries series;
  series.SeriesName = name;
  TimeSeriesStyle& style = series.Style;
  style.Label = h5::ReadStringAttribute(group, "label").value_or("");
  style.Color = ReadColor(group, where, "color", defaultColor);
  style.Group = h5::ReadStringAttribute(group, "group").value_or("");
  style.WindowSeconds = ReadPositive(group, where, "window_seconds", 2.0);
  style.LineWidth = ReadPositive(group, where, "linewidth", 1.5);
  style.Normalize = h5::ReadIntAttribute(group, "normalize").value_or(0) != 0;
  style.Interpolation = ReadInterp(group, where, Interp::Linear);
  const std::string mode = h5::ReadStringAttribute(group, "update_mode").value_or("live");
  if (mode == "live") {
    style.UpdateMode = ChartUpdateMode::Live;
  } else if (mode == "on_pause") {
    style.UpdateMode = ChartUpdateMode::OnPause;
  } else if (mode == "manual") {
    style.UpdateMode = ChartUpdateMode::Manual;
  } else {
    throw SessionError(where + " has update_mode = '" + mode + "'.",
      "Set update_mode to 'live' (redraw a few times a second while playing), 'on_pause' (redraw when "
      "playback stops) or 'manual' (redraw when asked), or remove it for 'live'.");
  }
  style.Vmin = h5::ReadDoubleAttribute(group, "vmin").value_or(kNaN);
  style.Vmax = h5::ReadDoubleAttribute(group, "vmax").value_or(kNaN);
  if (std::isfinite(style.Vmin) && std::isfinite(style.Vmax) && style.Vmin >= style.Vmax) {
    throw SessionError(where + " has vmin = " + std::to_string(style.Vmin) + " >= vmax = " + std::to_string(style.Vmax) + ".",
      "Set vmin below vmax, or remove both for limits from the data.");
  }
  series.Stream = OpenSamples(group, where, "values", {}, "(n,)", cacheBytes);

  if (h5::Exists(group, "summary")) {
    h5::Handle summary = h5::OpenGroup(group, "summary");
    for (int k = 0;; ++k) {
      const std::string levelName = "level_" + std::to_string(k);
      if (!h5::Exists(summary.Get(), levelName)) {
        break;
      }
      const std::string levelWhere = where + "/summary/" + levelName;
      h5::Handle dataset = h5::OpenUncachedDataset(summary.Get(), levelName);
      const std::vector<hsize_t> dims = h5::Shape(dataset.Get());
      const std::int64_t bucket = h5::ReadIntAttribute(dataset.Get(), "samples_per_bucket").value_or(0);
      const std::int64_t n = series.Stream->Count();
      const std::int64_t expected = bucket > 0 ? (n + bucket - 1) / bucket : -1;
      if (dims.size() != 2 || dims[1] != 3 || bucket <= 1 || static_cast<std::int64_t>(dims[0]) != expected) {
        throw SessionError(levelWhere + " has shape " + ShapeText(dims) + " and samples_per_bucket = " +
            std::to_string(bucket) + "; it must be (ceil(n / samples_per_bucket), 3) rows of [t_first, min, max] with n = " +
            std::to_string(n) + " and samples_per_bucket > 1.",
          "Rewrite the summary with the NeuroPlayback writer, or delete " + where + "/summary (wide windows then read every sample).");
      }
      if (!series.Levels.empty() && bucket <= series.Levels.back().SamplesPerBucket) {
        throw SessionError(levelWhere + " is not coarser than the level before it.",
          "Order summary levels from the finest (level_0) to the coarsest.");
      }
      SummaryLevel level;
      level.SamplesPerBucket = bucket;
      level.Rows = std::make_unique<FieldStream>(levelWhere, ScalarType::Float64,
        std::make_unique<h5::DatasetRows>(std::move(dataset), H5T_NATIVE_DOUBLE), 4096, cacheBytes / 4);
      series.Levels.push_back(std::move(level));
    }
  }
  series.EstimateRange();
  return series;
}

TimeSeries TimeSeries::FromRows(const std::string& name, TimeSeriesStyle style, std::unique_ptr<RowSource> times,
  std::unique_ptr<RowSource> values, std::int64_t blockRows, std::size_t cacheBytes, const std::string& where,
  const std::string& timesWhere) {
  const std::string at = where.empty() ? name : where;
  if (!times || !values || times->RowWidth() != 1 || values->RowWidth() != 1) {
    throw SessionError(at + " must be one time and one value per sample.",
      "Give the series times (n,) and values (n,); split a multi-column series into one series per column.");
  }
  if (times->RowCount() != values->RowCount()) {
    throw SessionError(at + " has " + std::to_string(times->RowCount()) + " times but " +
        std::to_string(values->RowCount()) + " values.",
      "Write one time per value.");
  }
  TimeSeries series;
  series.SeriesName = name;
  series.Style = std::move(style);
  series.Stream = std::make_unique<SampleStream>(at, std::move(times), std::move(values),
    std::max<std::int64_t>(2, blockRows), cacheBytes, timesWhere);
  series.EstimateRange();
  return series;
}

void TimeSeries::EstimateRange() {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  auto take = [&](double v) {
    if (std::isfinite(v)) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  };
  if (!Levels.empty()) {
    // The coarsest level is small (n / 16 / 8^k rows): reading it whole gives the exact range.
    SummaryLevel& coarsest = Levels.back();
    for (std::int64_t b = 0; b < coarsest.Rows->FrameCount(); ++b) {
      const auto* row = static_cast<const double*>(coarsest.Rows->Frame(b));
      take(row[1]);
      take(row[2]);
    }
    coarsest.Rows->ClearCache();
  } else {
    // Without a summary, an estimate from blocks spread over the series keeps open time constant.
    const std::int64_t n = Stream->Count();
    const std::int64_t blocks = std::min<std::int64_t>(kRangeProbeBlocks, (n + kRangeProbeRows - 1) / kRangeProbeRows);
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::int64_t first = blocks > 1 ? (n - kRangeProbeRows) * b / (blocks - 1) : 0;
      for (std::int64_t i = std::max<std::int64_t>(0, first); i < std::min(n, first + kRangeProbeRows); ++i) {
        take(*Stream->Row(i));
      }
    }
  }
  if (low <= high) {
    Min = low;
    Max = high;
  }
}

double TimeSeries::Shown(double v) const {
  if (!Style.Normalize || !std::isfinite(v)) {
    return v;
  }
  const double low = std::isfinite(Style.Vmin) ? Style.Vmin : Min;
  const double high = std::isfinite(Style.Vmax) ? Style.Vmax : Max;
  return high > low ? (v - low) / (high - low) : 0.0;
}

void TimeSeries::YLimits(double& low, double& high) const {
  if (Style.Normalize) {
    low = 0.0;
    high = 1.0;
    return;
  }
  double lo = std::isfinite(Min) ? Min : 0.0;
  double hi = std::isfinite(Max) ? Max : 1.0;
  if (hi > lo) {
    const double margin = 0.05 * (hi - lo);
    lo -= margin;
    hi += margin;
  } else {
    lo -= 0.5;
    hi += 0.5;
  }
  low = std::isfinite(Style.Vmin) ? Style.Vmin : lo;
  high = std::isfinite(Style.Vmax) ? Style.Vmax : hi;
}

double TimeSeries::ValueAt(double t) {
  double v = kNaN;
  Stream->ValueAt(t, Style.Interpolation, false, &v, Tie::Later); // as neurospatial's get_cursor_value
  return Shown(v);
}

void TimeSeries::Window(double t0, double t1, std::int64_t maxBuckets, SeriesWindow& out) {
  out.Clear();
  const std::int64_t n = Stream->Count();
  // One sample beyond each edge, so the line runs to the window's border.
  const std::int64_t first = std::max<std::int64_t>(0, Stream->LastAtOrBefore(t0));
  const std::int64_t last = std::min<std::int64_t>(n - 1, Stream->FirstAfter(t1));
  if (last < first || Stream->Last() < t0 || Stream->First() > t1) {
    return;
  }
  out.Samples = last - first + 1;
  maxBuckets = std::max<std::int64_t>(1, maxBuckets);
  if (out.Samples <= 2 * maxBuckets) {
    out.Times.reserve(static_cast<std::size_t>(out.Samples));
    out.Values.reserve(static_cast<std::size_t>(out.Samples));
    for (std::int64_t i = first; i <= last; ++i) {
      out.Times.push_back(Stream->TimeOf(i));
      out.Values.push_back(Shown(*Stream->Row(i)));
    }
    return;
  }
  out.Envelope = true;
  if (Levels.empty() && !SummaryBuilt && out.Samples > LazySummarySamples) {
    BuildSummaryInMemory();
  }
  for (SummaryLevel& level : Levels) {
    if (out.Samples / level.SamplesPerBucket <= maxBuckets || &level == &Levels.back()) {
      EnvelopeFromSummary(level, first, last, out);
      return;
    }
  }
  EnvelopeFromSamples(first, last, (out.Samples + maxBuckets - 1) / maxBuckets, out);
}

void TimeSeries::BuildSummaryInMemory() {
  SummaryBuilt = true;
  SummaryBuilder builder;
  const std::int64_t n = Stream->Count();
  for (std::int64_t i = 0; i < n; ++i) {
    builder.Add(Stream->TimeOf(i), *Stream->Row(i));
  }
  std::vector<std::int64_t> samplesPerBucket;
  std::vector<std::vector<double>> rows = builder.Finish(samplesPerBucket);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    SummaryLevel level;
    level.SamplesPerBucket = samplesPerBucket[k];
    // The rows live in memory already: a small block cache in front of them is enough.
    level.Rows = std::make_unique<FieldStream>(SeriesName + " summary level " + std::to_string(k), ScalarType::Float64,
      std::make_unique<MemoryRows>(std::move(rows[k]), 3), 4096, std::size_t{ 1 } << 20);
    Levels.push_back(std::move(level));
  }
}

void TimeSeries::AppendBucket(double t, double low, double high, std::int64_t bucket, SeriesWindow& out) const {
  if (!std::isfinite(low)) {
    out.Times.push_back(t);
    out.Values.push_back(kNaN);  // a bucket with no finite sample is a gap
    return;
  }
  // Alternate the order so consecutive buckets join at the same extreme (no criss-cross).
  const bool upward = (bucket % 2) == 0;
  out.Times.push_back(t);
  out.Values.push_back(Shown(upward ? low : high));
  out.Times.push_back(t);
  out.Values.push_back(Shown(upward ? high : low));
}

void TimeSeries::EnvelopeFromSummary(SummaryLevel& level, std::int64_t first, std::int64_t last, SeriesWindow& out) {
  out.Bucket = level.SamplesPerBucket;
  const std::int64_t b0 = first / level.SamplesPerBucket;
  const std::int64_t b1 = last / level.SamplesPerBucket;
  for (std::int64_t b = b0; b <= b1; ++b) {
    const auto* row = static_cast<const double*>(level.Rows->Frame(b));
    AppendBucket(row[0], row[1], row[2], b, out);
  }
}

void TimeSeries::EnvelopeFromSamples(std::int64_t first, std::int64_t last, std::int64_t bucket, SeriesWindow& out) {
  out.Bucket = bucket;
  for (std::int64_t start = first, b = 0; start <= last; start += bucket, ++b) {
    const std::int64_t end = std::min(last, start + bucket - 1);
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (std::int64_t i = start; i <= end; ++i) {
      const double v = *Stream->Row(i);
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
    }
    AppendBucket(Stream->TimeOf(start), low > high ? kNaN : low, low > high ? kNaN : high, b, out);
  }
}

std::int64_t TimeSeries::RowsRead() const {
  std::int64_t rows = Stream->RowsRead();
  for (const SummaryLevel& level : Levels) {
    rows += level.Rows->Stats().FramesRead;
  }
  return rows;
}

void SummaryBuilder::Add(double time, double value) {
  if (Count % FirstBucket == 0) {
    if (Count > 0) {
      Level0.insert(Level0.end(), { BucketTime, BucketFinite ? BucketMin : kNaN, BucketFinite ? BucketMax : kNaN });
    }
    BucketTime = time;
    BucketFinite = false;
  }
  if (std::isfinite(value)) {
    BucketMin = BucketFinite ? std::min(BucketMin, value) : value;
    BucketMax = BucketFinite ? std::max(BucketMax, value) : value;
    BucketFinite = true;
  }
  ++Count;
}

std::vector<std::vector<double>> SummaryBuilder::Finish(std::vector<std::int64_t>& samplesPerBucket) {
  if (Count > 0) {  // the last bucket is still open
    Level0.insert(Level0.end(), { BucketTime, BucketFinite ? BucketMin : kNaN, BucketFinite ? BucketMax : kNaN });
  }
  std::vector<std::vector<double>> levels;
  samplesPerBucket.clear();
  std::vector<double> current = std::move(Level0);
  std::int64_t bucket = FirstBucket;
  while (static_cast<std::int64_t>(current.size() / 3) >= MinRows) {
    std::vector<double> coarser;
    const std::size_t rows = current.size() / 3;
    for (std::size_t r = 0; r < rows; r += Factor) {
      double low = kNaN;
      double high = kNaN;
      for (std::size_t k = r; k < std::min(rows, r + Factor); ++k) {
        if (std::isfinite(current[3 * k + 1])) {
          low = std::isfinite(low) ? std::min(low, current[3 * k + 1]) : current[3 * k + 1];
          high = std::isfinite(high) ? std::max(high, current[3 * k + 2]) : current[3 * k + 2];
        }
      }
      coarser.insert(coarser.end(), { current[3 * r], low, high });
    }
    levels.push_back(std::move(current));
    samplesPerBucket.push_back(bucket);
    current = std::move(coarser);
    bucket *= Factor;
  }
  return levels;
}

} // namespace neuroplayback
