#pragma once
// Time series overlays (speed, LFP, ...) drawn in a chart beside the field: a window of samples
// around the current time, streamed from disk. A window wider than the screen can resolve is drawn
// as a min/max envelope read from a multi-resolution summary stored beside the samples, so a
// 10-minute window costs about what a 2-second one does.
#include "Color.h"
#include "FieldStream.h"
#include "SampleStream.h"

#include <hdf5.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback {

// When a chart redraws during playback (neurospatial's update_mode): at most a few times a second,
// only once playback stops, or only when asked. A stopped chart is always exact in the first two.
enum class ChartUpdateMode { Live = 0, OnPause = 1, Manual = 2 };

struct TimeSeriesStyle {
  std::string Label;  // legend and readout text; the overlay name when empty
  Rgba Color;  // white
  std::string Group;  // series of one group share a chart; each ungrouped series gets its own
  double WindowSeconds = 2.0;
  bool Normalize = false;
  double Vmin = std::numeric_limits<double>::quiet_NaN();  // fixed y-limits when finite
  double Vmax = std::numeric_limits<double>::quiet_NaN();
  double LineWidth = 1.5;
  Interp Interpolation = Interp::Linear;
  ChartUpdateMode UpdateMode = ChartUpdateMode::Live;
};

// What one series draws for a window: (time, value) rows; a NaN value breaks the line.
struct SeriesWindow {
  std::vector<double> Times;
  std::vector<double> Values;
  bool Envelope = false;      // rows are bucket minima and maxima, not samples
  std::int64_t Samples = 0;   // raw samples the window covers
  std::int64_t Bucket = 1;    // samples per row pair (1 for raw samples)
  void Clear();
};

// One level of the summary: bucket b holds [time of sample b*SamplesPerBucket, min, max] over the
// bucket's finite samples (NaN when it has none).
struct SummaryLevel {
  std::int64_t SamplesPerBucket = 0;
  std::unique_ptr<FieldStream> Rows;
};

class TimeSeries {
public:
  // Reads one /overlays/<name> group of kind timeseries: times, values, style attributes and the
  // optional summary. Throws SessionError naming the problem and the fix. Without a color attribute
  // the line takes defaultColor (the caller cycles tab10: white would vanish on the chart's background).
  static TimeSeries Load(hid_t group, const std::string& name, std::size_t cacheBytes, Rgba defaultColor = CycleColor(0));
  // A series streamed from row sources (the NWB import): times (n, 1) in seconds and values (n, 1),
  // read in blocks of blockRows. The first and last time blocks are checked here (NaN or non-increasing
  // times throw SessionError naming timesWhere); there is no summary, so a wide window is an envelope
  // of the samples and the data range is estimated from a bounded number of blocks (open time does not
  // grow with n). where names the series in messages (the name when empty).
  static TimeSeries FromRows(const std::string& name, TimeSeriesStyle style, std::unique_ptr<RowSource> times,
    std::unique_ptr<RowSource> values, std::int64_t blockRows, std::size_t cacheBytes, const std::string& where = "",
    const std::string& timesWhere = "");

  const std::string& Name() const { return SeriesName; }
  const std::string& Label() const { return Style.Label.empty() ? SeriesName : Style.Label; }
  const TimeSeriesStyle& GetStyle() const { return Style; }
  // For series read from elsewhere, before they join an OverlaySet: a unique name, the tab10 colour.
  void Rename(std::string name) { SeriesName = std::move(name); }
  void SetColor(Rgba color) { Style.Color = color; }
  SampleStream& Samples() { return *Stream; }
  bool HasSummary() const { return !Levels.empty(); }
  // A series that met a bad block while streaming is turned off (reported once by whoever caught
  // it); the others still draw.
  bool IsOff() const { return Off; }
  void TurnOff() { Off = true; }
  std::size_t LevelCount() const { return Levels.size(); }

  // Rows for the samples in [t0, t1], plus one on each side so the line reaches the edges. At most
  // about 2 * maxBuckets rows: beyond that, a min/max envelope from the finest summary level that fits.
  // Without a stored summary it is computed from the raw samples; once a window spans more than
  // LazySummarySamples, the summary is built in memory in one streaming pass (about n / 16 rows of 3
  // doubles), so wider windows stop costing in proportion to their width. Values are normalised when
  // the style says so.
  void Window(double t0, double t1, std::int64_t maxBuckets, SeriesWindow& out);
  // The value at t (interpolated as the style says, normalised if asked); NaN outside the series.
  double ValueAt(double t);
  // Y-axis limits: vmin/vmax when given, [0, 1] when normalised, else the data range with a 5 % margin.
  void YLimits(double& low, double& high) const;
  // The finite data range (from the coarsest summary level, else from blocks spread over the series).
  double DataMin() const { return Min; }
  double DataMax() const { return Max; }
  std::int64_t RowsRead() const;
  static constexpr std::int64_t LazySummarySamples = 65536;

private:
  void BuildSummaryInMemory();
  double Shown(double v) const;
  // One envelope bucket: a (low, high) row pair at t, or one NaN row when low is NaN.
  void AppendBucket(double t, double low, double high, std::int64_t bucket, SeriesWindow& out) const;
  void EnvelopeFromSummary(SummaryLevel& level, std::int64_t first, std::int64_t last, SeriesWindow& out);
  void EnvelopeFromSamples(std::int64_t first, std::int64_t last, std::int64_t bucket, SeriesWindow& out);
  void EstimateRange();

  std::string SeriesName;
  TimeSeriesStyle Style;
  std::unique_ptr<SampleStream> Stream;
  std::vector<SummaryLevel> Levels;  // finest first
  bool SummaryBuilt = false;         // built in memory once (series without a stored summary)
  bool Off = false;
  double Min = std::numeric_limits<double>::quiet_NaN();
  double Max = std::numeric_limits<double>::quiet_NaN();
};

// Builds the summary levels while samples are appended in time order, in memory proportional to
// n / FirstBucket (for writers: the generator and the Python writer do the same).
class SummaryBuilder {
public:
  static constexpr std::int64_t FirstBucket = 16;
  static constexpr std::int64_t Factor = 8;
  static constexpr std::int64_t MinRows = 64;  // a level with fewer buckets is not worth storing

  void Add(double time, double value);
  // Level k holds buckets of FirstBucket * Factor^k samples, rows of [t_first, min, max].
  std::vector<std::vector<double>> Finish(std::vector<std::int64_t>& samplesPerBucket);

private:
  std::int64_t Count = 0;
  std::vector<double> Level0;
  double BucketTime = 0.0;
  double BucketMin = 0.0;
  double BucketMax = 0.0;
  bool BucketFinite = false;
};

} // namespace neuroplayback
