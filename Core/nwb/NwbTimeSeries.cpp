// NWB behavioural time series (BehavioralTimeSeries, PupilTracking, 1-D SpatialSeries) as charts.
#include "NwbImport.h"

#include "NwbReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace neuroplayback {

using namespace nwb_io;

void NwbImport::ReadTimeSeries(const std::string& where) {
  Series s = OpenSeries(File.Get(), where);
  if (s.Dims.size() > 2 || (s.Dims.size() == 2 && (s.Dims[1] == 0 || s.Dims[1] > MaxSeriesColumns))) {
    throw SessionError(where + "/data has shape " + ShapeText(s.Dims) + "; a behavioural time series must be (n,) or (n, k) with 1 to " +
        std::to_string(MaxSeriesColumns) + " columns (drawn together in one chart).",
      "Write one value per sample (n,) or a few columns (n, k); store images, spectrograms or many channels elsewhere "
      "(NeuroPlayback does not chart them).");
  }
  const std::int64_t columns = s.Dims.size() == 2 ? static_cast<std::int64_t>(s.Dims[1]) : 1;
  const std::string base = BaseName(where);
  const std::string unit = LabelUnit(s.Unit);
  const std::string suffix = unit.empty() ? "" : " (" + unit + ")";
  std::vector<std::string> names;
  if (columns > 1) {
    h5::Handle group = OpenObject(File.Get(), where);
    names = ColumnNames(group.Get(), s.Data.Get(), columns);
  }
  // The columns share the data and the times: each column reads blocks of the same datasets.
  std::shared_ptr<RowSource> times(std::move(s.Times));
  std::shared_ptr<RowSource> values(s.TakeValues());
  std::vector<TimeSeries> made;
  for (std::int64_t c = 0; c < columns; ++c) {
    TimeSeriesStyle style;
    std::string name = base;
    std::string label = base;
    if (columns > 1) {
      const std::string column = names.empty() ? std::to_string(c) : names[static_cast<std::size_t>(c)];
      name = base + "_" + Identifier(column);
      label = names.empty() ? name : base + " " + column;
      style.Group = base + suffix;
    }
    style.Label = label + suffix;
    std::unique_ptr<RowSource> column = std::make_unique<SliceRows>(values, 0, s.Rows);
    if (columns > 1) {
      column = std::make_unique<ColumnRows>(std::move(column), c, 1);
    }
    made.push_back(TimeSeries::FromRows(name, std::move(style), std::make_unique<SliceRows>(times, 0, s.Rows),
      std::make_unique<AffineRows>(std::move(column), s.Conversion, s.Offset), s.BlockRows, CacheBytes,
      columns > 1 ? where + " column " + std::to_string(c) : where, s.TimesWhere));
  }
  for (TimeSeries& series : made) {
    SeriesSets.push_back(std::move(series));
  }
}

} // namespace neuroplayback
