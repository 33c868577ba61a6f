#pragma once
// What the NWB importer's readers share (NwbImport.cpp, NwbBehavior.cpp, ...): limits, path and text
// helpers, and one NWB TimeSeries opened with its times. Internal to the nwb package.
#include "Hdf5.h"
#include "NwbImport.h"
#include "OverlayReading.h"
#include "RowAdapters.h"
#include "SampleStream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace neuroplayback::nwb_io {

using overlay_io::Seconds;
using overlay_io::ShapeText;

constexpr double Pi = 3.14159265358979323846;
// Namespaces whose types this importer knows (the rest are extensions it skips).
inline const std::vector<std::string> KnownNamespaces{ "core", "hdmf-common", "hdmf-experimental", "ndx-pose" };
// Rows per time block of one unit's spikes: many units stay cheap (16 cached blocks each).
constexpr std::int64_t SpikeBlockRows = 512;
// Items named in one warning or message before "... and N more".
constexpr std::size_t MaxListed = 12;
// Columns of one behavioural time series drawn as lines of one chart.
constexpr hsize_t MaxSeriesColumns = 16;
// Containers whose children are behavioural time series (each child one chart).
inline const std::vector<std::string> SeriesContainers{ "BehavioralTimeSeries", "PupilTracking" };

inline const char* const NwbLayoutHint =
  "Store it as NWB 2.x does: a SpatialSeries group with data (n, 2) or (n, 3) and timestamps (n,) seconds, "
  "or a starting_time dataset with a rate attribute (Hz).";

// Items joined with `separator`, at most MaxListed of them, then "... and N more".
std::string Join(const std::vector<std::string>& items, const std::string& separator = ", ");
std::string Lower(std::string text);
std::string BaseName(const std::string& path);
std::string Parent(const std::string& path);
std::string Child(const std::string& path, const std::string& name);
// Ten significant digits.
std::string Number(double value);
// Opens a group or dataset by path, following soft and external links; invalid when it cannot.
h5::Handle OpenObject(hid_t loc, const std::string& path);
bool IsGroup(hid_t object);
// The neurodata_type attribute, or "".
std::string TypeOf(hid_t object);
bool KnownNamespace(const std::string& name);
// "path (Type)", or "path (namespace:Type)" for a type from an extension.
std::string Describe(const std::string& path, hid_t object);

// One NWB TimeSeries opened: its data dataset with conversion, offset and unit, and its times.
struct Series {
  std::string Where;
  h5::Handle Data;
  std::vector<hsize_t> Dims;
  std::int64_t Rows = 0;
  double Conversion = 1.0;
  double Offset = 0.0;
  std::string Unit;
  std::unique_ptr<RowSource> Times;
  std::string TimesWhere;
  std::string TimesKey; // the timestamps object, or "start@rate", to tell shared clocks apart
  std::int64_t BlockRows = 4096;

  std::unique_ptr<RowSource> TakeValues() { return std::make_unique<h5::DatasetRows>(std::move(Data), H5T_NATIVE_DOUBLE); }
  std::unique_ptr<SampleStream> Stream(std::unique_ptr<RowSource> values, std::size_t cacheBytes) {
    return std::make_unique<SampleStream>(Where, std::move(Times), std::move(values), BlockRows, cacheBytes, TimesWhere);
  }
};

// A dataset holding one number (starting_time).
double ReadScalarDouble(hid_t group, const std::string& name, const std::string& where);
// How NWB stores a series of this group's own type (a plain TimeSeries is not told to be a SpatialSeries).
std::string LayoutHintFor(hid_t group);
// Opens the TimeSeries group at `where`: data, conversion, offset, unit and its times (timestamps or
// starting_time + rate). Throws SessionError naming what is missing or wrong.
Series OpenSeries(hid_t file, const std::string& where);
// x, y of an (n, 2) or (n, 3) series with conversion and offset applied; 1-D data is refused.
std::unique_ptr<RowSource> PlanarRows(Series& s);
// True for a SpatialSeries whose data is (n,) or (n, 1): a 1-D quantity, charted rather than placed.
bool OneDimensionalData(hid_t series);
// The unit for a chart label: NWB's spelled-out units shortened, placeholders ("n.a.", ...) dropped.
std::string LabelUnit(const std::string& unit);
// Per-column names of a multi-column series (column_names, colnames or columns); empty when none fits.
std::vector<std::string> ColumnNames(hid_t series, hid_t data, std::int64_t columns);
// A name usable as an array name: letters, digits, '_' and '-' kept, anything else '_'.
std::string Identifier(const std::string& text);
// First and last value of a times source (two reads).
std::pair<double, double> Ends(RowSource& times);
// Samples per second over the stream's span; 0 for fewer than two samples.
double Rate(const SampleStream& samples);

} // namespace neuroplayback::nwb_io
