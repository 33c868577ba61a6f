#include "NwbImport.h"

#include "OverlayReading.h"
#include "RowAdapters.h"
#include "SessionError.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

namespace neuroplayback {

namespace {

using overlay_io::Seconds;
using overlay_io::ShapeText;

constexpr double Pi = 3.14159265358979323846;
// Namespaces whose types this importer knows (the rest are extensions it skips).
const std::vector<std::string> KnownNamespaces{ "core", "hdmf-common", "hdmf-experimental", "ndx-pose" };
// Rows per time block of one unit's spikes: many units stay cheap (16 cached blocks each).
constexpr std::int64_t SpikeBlockRows = 512;
// Items named in one warning or message before "... and N more".
constexpr std::size_t MaxListed = 12;
// Columns of one behavioural time series drawn as lines of one chart.
constexpr hsize_t MaxSeriesColumns = 16;
// Containers whose children are behavioural time series (each child one chart).
const std::vector<std::string> SeriesContainers{ "BehavioralTimeSeries", "PupilTracking" };

const char* const NwbLayoutHint =
  "Store it as NWB 2.x does: a SpatialSeries group with data (n, 2) or (n, 3) and timestamps (n,) seconds, "
  "or a starting_time dataset with a rate attribute (Hz).";

std::string Join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == MaxListed) {
      text += separator + "... and " + std::to_string(items.size() - MaxListed) + " more";
      break;
    }
    text += (i ? separator : "") + items[i];
  }
  return text;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string BaseName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Parent(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::string Child(const std::string& path, const std::string& name) {
  return (path == "/" ? "" : path) + "/" + name;
}

std::string Number(double value) {
  std::ostringstream text;
  text.precision(10);
  text << value;
  return text.str();
}

// Opens a group or dataset by path, following soft and external links; invalid when it cannot.
h5::Handle OpenObject(hid_t loc, const std::string& path) {
  h5::ErrorSilencer silence;
  if (H5Lexists(loc, path.c_str(), H5P_DEFAULT) <= 0) {
    return h5::Handle();
  }
  return h5::Handle(H5Oopen(loc, path.c_str(), H5P_DEFAULT));
}

bool IsGroup(hid_t object) { return H5Iget_type(object) == H5I_GROUP; }

std::string TypeOf(hid_t object) { return h5::ReadStringAttribute(object, "neurodata_type").value_or(""); }

bool KnownNamespace(const std::string& name) {
  return name.empty() || std::find(KnownNamespaces.begin(), KnownNamespaces.end(), name) != KnownNamespaces.end();
}

// "path (Type)", or "path (namespace:Type)" for a type from an extension.
std::string Describe(const std::string& path, hid_t object) {
  const std::string ns = h5::ReadStringAttribute(object, "namespace").value_or("");
  return path + " (" + (KnownNamespace(ns) ? "" : ns + ":") + TypeOf(object) + ")";
}

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

double ReadScalarDouble(hid_t group, const std::string& name, const std::string& where) {
  h5::Handle dataset = h5::OpenDataset(group, name);
  const std::vector<hsize_t> dims = h5::Shape(dataset.Get());
  hsize_t count = 1;
  for (hsize_t d : dims) {
    count *= d;
  }
  if (count != 1) {
    throw SessionError(where + "/" + name + " has shape " + ShapeText(dims) + "; it must hold one number.",
      "Write starting_time as a scalar: the time of the first sample in seconds.");
  }
  return h5::ReadAllDoubles(dataset.Get()).front();
}

// How NWB stores a series of this group's own type (a plain TimeSeries is not told to be a SpatialSeries).
std::string LayoutHintFor(hid_t group) {
  const std::string type = h5::ReadStringAttribute(group, "neurodata_type").value_or("SpatialSeries");
  if (type == "SpatialSeries") {
    return NwbLayoutHint;
  }
  return "Store it as NWB 2.x does: a " + type + " group with data (n,) or (n, k) and timestamps (n,) seconds, "
         "or a starting_time dataset with a rate attribute (Hz).";
}

Series OpenSeries(hid_t file, const std::string& where) {
  Series s;
  s.Where = where;
  h5::Handle group = OpenObject(file, where);
  if (!group.Valid() || !IsGroup(group.Get())) {
    throw SessionError(where + " could not be opened as a group (a dangling link or a damaged file).", NwbLayoutHint);
  }
  const hid_t g = group.Get();
  if (!h5::Exists(g, "data")) {
    throw SessionError(where + " has no 'data' dataset.", LayoutHintFor(g));
  }
  s.Data = h5::OpenUncachedDataset(g, "data");
  s.Dims = h5::Shape(s.Data.Get());
  if (!h5::IsNumeric(s.Data.Get())) {
    throw SessionError(where + "/data is not numeric.", "Store the samples as float64 (NaN marks a gap).");
  }
  if (s.Dims.empty() || s.Dims[0] == 0) {
    throw SessionError(where + "/data has shape " + ShapeText(s.Dims) + ": there are no samples.",
      "Write at least one sample, or remove the series.");
  }
  s.Rows = static_cast<std::int64_t>(s.Dims[0]);
  s.Conversion = h5::ReadDoubleAttribute(s.Data.Get(), "conversion").value_or(1.0);
  s.Offset = h5::ReadDoubleAttribute(s.Data.Get(), "offset").value_or(0.0);
  if (!std::isfinite(s.Conversion) || s.Conversion == 0.0 || !std::isfinite(s.Offset)) {
    throw SessionError(where + "/data has conversion = " + Number(s.Conversion) + " and offset = " + Number(s.Offset) +
        "; conversion must be a finite non-zero number and offset finite.",
      "Set conversion to the factor that turns the stored values into `unit` (1.0 when they already are) "
      "and offset to 0.0 unless the values are shifted.");
  }
  s.Unit = h5::ReadStringAttribute(s.Data.Get(), "unit").value_or("");
  s.BlockRows = overlay_io::ChunkRows(s.Data.Get());

  if (h5::Exists(g, "timestamps")) {
    h5::Handle times = h5::OpenUncachedDataset(g, "timestamps");
    s.TimesWhere = where + "/timestamps";
    const std::vector<hsize_t> dims = h5::Shape(times.Get());
    if (dims.size() != 1) {
      throw SessionError(s.TimesWhere + " has shape " + ShapeText(dims) + "; it must be 1-D (n,).",
        "Write one time in seconds per data row.");
    }
    if (static_cast<std::int64_t>(dims[0]) != s.Rows) {
      throw SessionError(s.TimesWhere + " has " + std::to_string(dims[0]) + " values but " + where + "/data has " +
          std::to_string(s.Rows) + " rows.",
        "Write one timestamp per data row (or give starting_time with a rate instead).");
    }
    if (!h5::IsNumeric(times.Get())) {
      throw SessionError(s.TimesWhere + " does not hold numbers (it is text or records).",
        "Write the timestamps as float64 seconds.");
    }
    s.TimesKey = h5::ObjectKey(times.Get());
    s.Times = std::make_unique<h5::DatasetRows>(std::move(times), H5T_NATIVE_DOUBLE);
  } else if (h5::Exists(g, "starting_time")) {
    s.TimesWhere = where + "/starting_time";
    const double start = ReadScalarDouble(g, "starting_time", where);
    h5::Handle dataset = h5::OpenDataset(g, "starting_time");
    const auto rate = h5::ReadDoubleAttribute(dataset.Get(), "rate");
    if (!rate || !std::isfinite(*rate) || *rate <= 0.0) {
      throw SessionError(s.TimesWhere + (rate ? " has rate = " + Number(*rate) + " Hz" : std::string(" has no rate attribute")) +
          "; a regular series needs a positive, finite rate.",
        "Set the rate attribute of starting_time to the sampling rate in Hz, or write timestamps.");
    }
    if (!std::isfinite(start)) {
      throw SessionError(s.TimesWhere + " is not a finite time.", "Write the time of the first sample in seconds.");
    }
    s.TimesKey = Number(start) + "@" + Number(*rate);
    s.Times = std::make_unique<RegularTimesSource>(start, *rate, s.Rows);
  } else {
    throw SessionError(where + " has neither timestamps nor starting_time.",
      "Write timestamps (n,) in seconds, or starting_time (the first sample's time) with a rate attribute in Hz.");
  }
  return s;
}

// x, y of an (n, 2) or (n, 3) series with conversion and offset applied; 1-D data is refused.
std::unique_ptr<RowSource> PlanarRows(Series& s) {
  if (s.Dims.size() == 1 || (s.Dims.size() == 2 && s.Dims[1] == 1)) {
    throw SessionError(s.Where + "/data has shape " + ShapeText(s.Dims) +
        ": a 1-D (linearised) position, which NeuroPlayback cannot place in the arena.",
      "Store x and y as (n, 2) (or x, y, z as (n, 3)); for a linear track, write a NeuroPlayback session with "
      "a track environment and the 2-D position along it.");
  }
  if (s.Dims.size() != 2 || s.Dims[1] > 3) {
    throw SessionError(s.Where + "/data has shape " + ShapeText(s.Dims) + "; a position must be (n, 2) or (n, 3).",
      "Write one (x, y) or (x, y, z) row per sample; NeuroPlayback draws x and y.");
  }
  return std::make_unique<AffineRows>(std::make_unique<ColumnRows>(s.TakeValues(), 0, 2), s.Conversion, s.Offset);
}

// True for a SpatialSeries whose data is (n,) or (n, 1): a 1-D quantity (a linearised position, a
// distance), charted as a time series rather than placed in the arena.
bool OneDimensionalData(hid_t series) {
  if (!h5::Exists(series, "data")) {
    return false;
  }
  h5::Handle data = h5::OpenDataset(series, "data");
  const std::vector<hsize_t> dims = h5::Shape(data.Get());
  return dims.size() == 1 || (dims.size() == 2 && dims[1] == 1);
}

// The unit for a chart label: NWB's spelled-out units shortened, placeholders ("n.a.", ...) dropped.
std::string LabelUnit(const std::string& unit) {
  const std::string lower = Lower(unit);
  for (const char* none : { "", "n.a.", "n/a", "na", "no unit", "no units", "none", "unknown", "unitless" }) {
    if (lower == none) {
      return "";
    }
  }
  return ShortUnits(unit);
}

// Per-column names of a multi-column series: a string-array attribute column_names, colnames or
// columns (on data, else on the series) with one entry per column; empty when there is none.
std::vector<std::string> ColumnNames(hid_t series, hid_t data, std::int64_t columns) {
  for (hid_t object : { data, series }) {
    for (const char* attribute : { "column_names", "colnames", "columns" }) {
      std::vector<std::string> names = h5::ReadStringArrayAttribute(object, attribute);
      if (static_cast<std::int64_t>(names.size()) == columns) {
        return names;
      }
    }
  }
  return {};
}

// A name usable as an array name: letters, digits, '_' and '-' kept, anything else '_'.
std::string Identifier(const std::string& text) {
  std::string name = text;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      c = '_';
    }
  }
  return name;
}

// First and last value of a times source (two reads).
std::pair<double, double> Ends(RowSource& times) {
  double first = 0.0;
  double last = 0.0;
  times.ReadRows(0, 1, &first);
  times.ReadRows(times.RowCount() - 1, 1, &last);
  return { first, last };
}

double Rate(const SampleStream& samples) {
  return samples.Count() > 1 && samples.Last() > samples.First()
    ? static_cast<double>(samples.Count() - 1) / (samples.Last() - samples.First())
    : 0.0;
}

} // namespace

bool IsNwbFile(hid_t file) {
  return h5::ReadStringAttribute(file, "neurodata_type").value_or("") == "NWBFile" ||
    h5::HasAttribute(file, "nwb_version");
}

bool LooksLikeNwb(const std::string& path) {
  if (!h5::IsHdf5File(path)) {
    return false;
  }
  h5::ErrorSilencer silence;
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  return file.Valid() && IsNwbFile(file.Get());
}

double NiceStep(double target) {
  if (!(target > 0.0) || !std::isfinite(target)) {
    return 1.0;
  }
  const double decade = std::pow(10.0, std::floor(std::log10(target)));
  double best = decade;
  for (double step : { 1.0, 2.0, 5.0, 10.0 }) {
    if (std::abs(std::log(step * decade / target)) < std::abs(std::log(best / target)) - 1e-12) {
      best = step * decade;
    }
  }
  return best;
}

Environment GridOverExtent(const double bounds[4], const std::string& units, int targetBins) {
  double xmin = bounds[0];
  double xmax = bounds[1];
  double ymin = bounds[2];
  double ymax = bounds[3];
  if (!(std::isfinite(xmin) && std::isfinite(xmax) && std::isfinite(ymin) && std::isfinite(ymax)) || xmin > xmax ||
    ymin > ymax) {
    xmin = ymin = 0.0;
    xmax = ymax = 1.0;
  }
  double extent = std::max(xmax - xmin, ymax - ymin);
  if (!(extent > 0.0)) {
    // One point: a small arena around it, scaled to its magnitude.
    extent = std::max({ 1.0, std::abs(xmin), std::abs(ymin) }) * 0.1;
    xmin -= extent / 2;
    xmax += extent / 2;
    ymin -= extent / 2;
    ymax += extent / 2;
  }
  const double bin = NiceStep(extent / std::max(1, targetBins));
  Environment e;
  e.Layout = LayoutKind::Grid;
  e.Units = units;
  const double x0 = std::floor(xmin / bin) * bin - bin;
  const double y0 = std::floor(ymin / bin) * bin - bin;
  e.GridX = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((xmax + bin - x0) / bin - 1e-9)));
  e.GridY = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((ymax + bin - y0) / bin - 1e-9)));
  for (std::int64_t i = 0; i <= e.GridX; ++i) {
    e.XEdges.push_back(x0 + static_cast<double>(i) * bin);
  }
  for (std::int64_t i = 0; i <= e.GridY; ++i) {
    e.YEdges.push_back(y0 + static_cast<double>(i) * bin);
  }
  e.ActiveMask.assign(static_cast<std::size_t>(e.GridX * e.GridY), 1);
  e.BinCount = e.GridX * e.GridY;
  // Active bins in C order of the x-major mask (ix * n_y + iy), as neurospatial orders them.
  for (std::int64_t ix = 0; ix < e.GridX; ++ix) {
    for (std::int64_t iy = 0; iy < e.GridY; ++iy) {
      e.BinCenters.push_back(x0 + (static_cast<double>(ix) + 0.5) * bin);
      e.BinCenters.push_back(y0 + (static_cast<double>(iy) + 0.5) * bin);
    }
  }
  return e;
}

std::string ShortUnits(const std::string& unit) {
  static const std::vector<std::pair<std::vector<std::string>, std::string>> Names{
    { { "m", "meter", "meters", "metre", "metres" }, "m" },
    { { "cm", "centimeter", "centimeters", "centimetre", "centimetres" }, "cm" },
    { { "mm", "millimeter", "millimeters", "millimetre", "millimetres" }, "mm" },
    { { "px", "pixel", "pixels" }, "px" },
  };
  const std::string lower = Lower(unit);
  for (const auto& [names, shortName] : Names) {
    if (std::find(names.begin(), names.end(), lower) != names.end()) {
      return shortName;
    }
  }
  return unit;
}

NwbImport NwbImport::Read(const std::string& path, std::size_t cacheBytesPerOverlay) {
  if (!h5::IsHdf5File(path)) {
    throw SessionError("'" + path + "' is not an HDF5 file, or it is truncated.",
      "NWB files are HDF5; re-copy or re-export it, and check it with h5dump.");
  }
  NwbImport nwb;
  nwb.FilePath = path;
  nwb.CacheBytes = cacheBytesPerOverlay;
  {
    h5::TraceFile(path);
    h5::ErrorSilencer silence;
    nwb.File = h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  }
  if (!nwb.File.Valid()) {
    throw SessionError("'" + path + "' could not be opened by HDF5 (truncated or damaged).",
      "Re-copy or re-export the file; h5dump shows where it is damaged.");
  }
  if (!IsNwbFile(nwb.File.Get())) {
    throw SessionError("'" + path + "' is HDF5 but not an NWB file (no root attribute neurodata_type = 'NWBFile' or nwb_version).",
      "Export it with pynwb (NWB 2.x), or write a NeuroPlayback session (.nsp).");
  }
  nwb.FileTitle = std::filesystem::path(path).filename().string();
  for (const char* name : { "session_description", "identifier" }) {
    if (h5::Exists(nwb.File.Get(), name)) {
      h5::Handle dataset = h5::OpenDataset(nwb.File.Get(), name);
      const std::vector<std::string> text = h5::ReadStringDataset(dataset.Get());
      if (!text.empty() && !text.front().empty()) {
        nwb.FileTitle = text.front();
        break;
      }
    }
  }
  nwb.Discover();
  return nwb;
}

void NwbImport::Discover() {
  const hid_t file = File.Get();
  // Where behaviour is looked for, in the reference's priority: processing/behavior, the other
  // processing modules by name, then acquisition.
  std::vector<std::string> locations;
  if (h5::Exists(file, "processing")) {
    h5::Handle processing = h5::OpenGroup(file, "processing");
    std::vector<std::string> modules = h5::ChildNames(processing.Get());
    std::stable_partition(modules.begin(), modules.end(), [](const std::string& name) { return name == "behavior"; });
    for (const std::string& module : modules) {
      locations.push_back("/processing/" + module);
    }
  }
  locations.push_back("/acquisition");

  std::set<std::string> seen; // objects already taken, so a link to one is not read twice
  auto firstVisit = [&](hid_t object) {
    const std::string key = h5::ObjectKey(object);
    return key.empty() || seen.insert(key).second;
  };
  // Candidates per kind with the index of the location they were found in.
  std::vector<std::pair<std::size_t, std::string>> positions;
  std::vector<std::pair<std::size_t, std::string>> headings;
  std::vector<std::pair<std::size_t, std::string>> poses;
  std::vector<std::string> units;
  std::vector<std::string> intervals;
  std::vector<std::string> timeSeries; // every one in every location: each is its own chart

  for (std::size_t loc = 0; loc < locations.size(); ++loc) {
    const std::string& location = locations[loc];
    h5::Handle group = OpenObject(file, location);
    if (!group.Valid() || !IsGroup(group.Get())) {
      continue;
    }
    for (const std::string& name : h5::ChildNames(group.Get())) {
      const std::string path = Child(location, name);
      h5::Handle child = OpenObject(file, path);
      if (!child.Valid()) {
        WarningList.push_back(path + " is a link to nothing (dangling); it is skipped. How to fix: remove the link or "
                                     "add what it points to.");
        continue;
      }
      const std::string type = TypeOf(child.Get());
      if (type.empty() || !IsGroup(child.Get())) {
        continue;
      }
      Found.push_back(Describe(path, child.Get()));
      if (!firstVisit(child.Get())) {
        continue;
      }
      if (type == "Position" || type == "CompassDirection") {
        auto& list = type == "Position" ? positions : headings;
        for (const std::string& seriesName : h5::ChildNames(child.Get())) {
          const std::string seriesPath = Child(path, seriesName);
          h5::Handle series = OpenObject(file, seriesPath);
          if (!series.Valid() || !IsGroup(series.Get())) {
            continue;
          }
          if (firstVisit(series.Get())) {
            list.emplace_back(loc, seriesPath);
          }
        }
      } else if (std::find(SeriesContainers.begin(), SeriesContainers.end(), type) != SeriesContainers.end()) {
        std::size_t children = 0;
        for (const std::string& seriesName : h5::ChildNames(child.Get())) {
          const std::string seriesPath = Child(path, seriesName);
          h5::Handle series = OpenObject(file, seriesPath);
          if (!series.Valid() || !IsGroup(series.Get())) {
            continue;
          }
          ++children;
          if (firstVisit(series.Get())) {
            timeSeries.push_back(seriesPath);
          }
        }
        if (children == 0) {
          WarningList.push_back(Found.back() + " holds no TimeSeries, so there is nothing to chart for it. How to fix: "
                                               "nothing, unless it should: then add its TimeSeries (data and timestamps).");
        }
      } else if (type == "TimeSeries" && KnownNamespace(h5::ReadStringAttribute(child.Get(), "namespace").value_or(""))) {
        timeSeries.push_back(path);
      } else if (type == "SpatialSeries") {
        if (OneDimensionalData(child.Get())) {
          timeSeries.push_back(path); // a 1-D SpatialSeries (a distance, a linearised position): a chart
        } else {
          positions.emplace_back(loc, path);
        }
      } else if (type == "PoseEstimation") {
        poses.emplace_back(loc, path);
      } else if (type == "TimeIntervals") {
        intervals.push_back(path);
      } else if (type == "Units") {
        units.push_back(path);
      } else if (type != "Skeletons" && type != "Skeleton") {
        Unsupported.push_back(Found.back());
      }
    }
  }
  for (const char* where : { "/intervals" }) {
    h5::Handle group = OpenObject(file, where);
    if (!group.Valid() || !IsGroup(group.Get())) {
      continue;
    }
    for (const std::string& name : h5::ChildNames(group.Get())) {
      const std::string path = Child(where, name);
      h5::Handle child = OpenObject(file, path);
      if (!child.Valid() || !IsGroup(child.Get())) {
        continue;
      }
      const std::string type = TypeOf(child.Get());
      Found.push_back(Describe(path, child.Get()));
      if (!firstVisit(child.Get())) {
        continue;
      }
      if (type == "TimeIntervals" || (h5::Exists(child.Get(), "start_time") && h5::Exists(child.Get(), "stop_time"))) {
        intervals.push_back(path);
      } else {
        Unsupported.push_back(Found.back());
      }
    }
  }
  {
    h5::Handle table = OpenObject(file, "/units");
    if (table.Valid() && IsGroup(table.Get())) {
      Found.push_back(Describe("/units", table.Get()));
      if (firstVisit(table.Get())) {
        units.insert(units.begin(), "/units");
      }
    }
  }

  // One location per kind: the first in priority order that holds it (as the reference picks).
  auto fromFirstLocation = [&](const std::vector<std::pair<std::size_t, std::string>>& list, const char* what) {
    std::vector<std::string> chosen;
    std::vector<std::string> skipped;
    for (const auto& [loc, path] : list) {
      (loc == list.front().first ? chosen : skipped).push_back(path);
    }
    if (!skipped.empty()) {
      WarningList.push_back(std::string(what) + " is also stored in " + Join(skipped) + "; only the data in " +
        locations[list.front().first] + " is shown (priority processing/behavior > processing/* > acquisition). "
        "How to fix: nothing, if that is the copy to see; else move the one to show into processing/behavior.");
    }
    return chosen;
  };
  for (const std::string& path : fromFirstLocation(positions, "Position data")) {
    try {
      ReadPosition(path);
    } catch (const SessionError& error) {
      ErrorList.push_back(error.what());
    }
  }
  for (const std::string& path : fromFirstLocation(headings, "CompassDirection data")) {
    try {
      ReadHeading(path);
    } catch (const SessionError& error) {
      ErrorList.push_back(error.what());
    }
  }
  for (const std::string& path : fromFirstLocation(poses, "PoseEstimation data")) {
    try {
      ReadPose(path);
    } catch (const SessionError& error) {
      ErrorList.push_back(error.what());
    }
  }
  for (const std::string& path : units) {
    try {
      ReadUnits(path);
    } catch (const SessionError& error) {
      ErrorList.push_back(error.what());
    }
  }
  for (const std::string& path : intervals) {
    try {
      ReadIntervals(path);
    } catch (const SessionError& error) {
      ErrorList.push_back(error.what());
    }
  }
  for (const std::string& path : timeSeries) {
    try {
      ReadTimeSeries(path);
    } catch (const SessionError& error) {
      ErrorList.push_back(error.what());
    }
  }

  std::vector<std::string> extensions;
  if (h5::Exists(file, "specifications")) {
    h5::Handle specs = h5::OpenGroup(file, "specifications");
    for (const std::string& name : h5::ChildNames(specs.Get())) {
      if (!KnownNamespace(name)) {
        extensions.push_back(name);
      }
    }
  }
  if (!extensions.empty()) {
    WarningList.push_back("This NWB file uses extensions NeuroPlayback does not read: " + Join(extensions) +
      "; their data is skipped. How to fix: nothing, unless it holds behaviour: then store that as core Position, "
      "CompassDirection, BehavioralTimeSeries / TimeSeries, units or TimeIntervals, or ndx-pose PoseEstimation.");
  }
  if (!Unsupported.empty()) {
    WarningList.push_back("Skipped NWB data NeuroPlayback does not show: " + Join(Unsupported) +
      ". How to fix: nothing, unless it is behaviour to see: NeuroPlayback reads Position/SpatialSeries, "
      "CompassDirection, ndx-pose PoseEstimation, BehavioralTimeSeries and TimeSeries (charts), units and TimeIntervals.");
  }
}

void NwbImport::ReadPosition(const std::string& where) {
  Series s = OpenSeries(File.Get(), where);
  const std::string unit = ShortUnits(s.Unit);
  std::unique_ptr<RowSource> xy = PlanarRows(s);
  std::array<double, 4> bounds{};
  const bool finite = EstimateExtent(*xy, bounds.data(), 32, 4096, Positions.empty() ? &PositionSamples : nullptr);
  PositionOverlay p;
  p.Name = BaseName(where);
  p.Samples = s.Stream(std::move(xy), CacheBytes);
  p.Color = Positions.empty() ? ParseColor("#ff0000", "") : CycleColor(Positions.size());
  p.TrailColor = p.Color;
  p.TrailSeconds = 2.0;
  if (!finite) {
    WarningList.push_back(where + "/data has no finite (x, y) in the blocks sampled for the arena's extent. How to fix: "
                                  "check the data (NaN marks a gap; an all-NaN position shows nothing).");
  } else if (Units.empty()) {
    Units = unit;
  }
  PositionBounds.push_back(finite ? bounds : std::array<double, 4>{ NAN, NAN, NAN, NAN });
  Positions.push_back(std::move(p));
}

void NwbImport::ReadHeading(const std::string& where) {
  Series s = OpenSeries(File.Get(), where);
  std::unique_ptr<RowSource> angle;
  if (s.Dims.size() == 1 || (s.Dims.size() == 2 && s.Dims[1] == 1)) {
    const std::string unit = Lower(s.Unit);
    double scale = 1.0;
    if (unit.rfind("deg", 0) == 0) {
      scale = Pi / 180.0;
    } else if (unit.rfind("rad", 0) != 0) {
      WarningList.push_back(where + "/data has unit '" + s.Unit + "', not radians or degrees: it is read as radians. "
        "How to fix: set the unit attribute of data to 'radians' or 'degrees'.");
    }
    angle = std::make_unique<AffineRows>(s.TakeValues(), s.Conversion * scale, s.Offset * scale);
  } else if (s.Dims.size() == 2 && s.Dims[1] == 2) {
    angle = std::make_unique<VectorAngleRows>(std::make_unique<AffineRows>(s.TakeValues(), s.Conversion, s.Offset));
  } else {
    throw SessionError(where + "/data has shape " + ShapeText(s.Dims) +
        "; a head direction must be angles (n,) or (n, 1), or direction vectors (n, 2).",
      "Write one angle per sample (unit 'radians' or 'degrees', 0 along +x, counter-clockwise) or (dx, dy) per sample.");
  }
  HeadDirectionOverlay h;
  h.Name = BaseName(where);
  h.Samples = s.Stream(std::move(angle), CacheBytes);
  h.Color = ParseColor("yellow", "");
  Headings.push_back(std::move(h));
}

void NwbImport::ReadPose(const std::string& where) {
  const hid_t file = File.Get();
  h5::Handle group = h5::OpenGroup(file, where);
  std::vector<std::string> series;
  for (const std::string& name : h5::ChildNames(group.Get())) {
    h5::Handle child = OpenObject(group.Get(), name);
    if (child.Valid() && IsGroup(child.Get()) &&
      (TypeOf(child.Get()) == "PoseEstimationSeries" || h5::Exists(child.Get(), "data"))) {
      series.push_back(name);
    }
  }
  if (series.empty()) {
    throw SessionError(where + " (PoseEstimation) has no PoseEstimationSeries.",
      "Add one PoseEstimationSeries per body part, each with data (n, 2) and timestamps.");
  }

  // The skeleton: nodes and edges on the PoseEstimation itself (ndx-pose 0.1), behind its `skeleton`
  // link (ndx-pose 0.2+), or the only Skeleton in the module's Skeletons.
  std::string skeletonWhere;
  h5::Handle skeleton;
  if (h5::Exists(group.Get(), "nodes")) {
    skeletonWhere = where;
    skeleton = OpenObject(file, where);
  } else if (h5::Exists(group.Get(), "skeleton")) {
    skeletonWhere = where + "/skeleton";
    skeleton = OpenObject(file, skeletonWhere);
  } else {
    std::vector<std::string> candidates;
    h5::Handle module = OpenObject(file, Parent(where));
    for (const std::string& name : module.Valid() ? h5::ChildNames(module.Get()) : std::vector<std::string>{}) {
      h5::Handle child = OpenObject(module.Get(), name);
      if (child.Valid() && IsGroup(child.Get()) && TypeOf(child.Get()) == "Skeletons") {
        for (const std::string& skeletonName : h5::ChildNames(child.Get())) {
          candidates.push_back(Child(Child(Parent(where), name), skeletonName));
        }
      }
    }
    if (candidates.size() == 1) {
      skeletonWhere = candidates.front();
      skeleton = OpenObject(file, skeletonWhere);
    } else if (candidates.size() > 1) {
      WarningList.push_back(where + " has no skeleton link and its module holds several skeletons (" + Join(candidates) +
        "): no skeleton is drawn. How to fix: link the PoseEstimation's skeleton to one of them.");
    }
  }
  std::vector<std::string> nodes;
  std::vector<std::int64_t> edgeEnds;
  if (!skeletonWhere.empty()) {
    if (!skeleton.Valid() || !IsGroup(skeleton.Get()) || !h5::Exists(skeleton.Get(), "nodes")) {
      WarningList.push_back(skeletonWhere + " is not a skeleton with nodes; no skeleton is drawn. How to fix: link a "
                                            "Skeleton with nodes (names) and edges (m, 2) node indices.");
    } else {
      h5::Handle nodeSet = h5::OpenDataset(skeleton.Get(), "nodes");
      nodes = h5::ReadStringDataset(nodeSet.Get());
      if (h5::Exists(skeleton.Get(), "edges")) {
        h5::Handle edges = h5::OpenDataset(skeleton.Get(), "edges");
        const std::vector<hsize_t> dims = h5::Shape(edges.Get());
        h5::Handle type(H5Dget_type(edges.Get()));
        if (dims.size() != 2 || dims[1] != 2 || H5Tget_class(type.Get()) != H5T_INTEGER) {
          WarningList.push_back(skeletonWhere + "/edges has shape " + ShapeText(dims) +
            "; it must be (m, 2) integer node indices. The skeleton is not drawn (the parts are). How to fix: write "
            "each edge as two indices into nodes.");
        } else {
          edgeEnds = h5::ReadAllInts(edges.Get());
          for (std::int64_t end : edgeEnds) {
            if (end < 0 || end >= static_cast<std::int64_t>(nodes.size())) {
              WarningList.push_back(skeletonWhere + "/edges refers to node " + std::to_string(end) + " but there are " +
                std::to_string(nodes.size()) + " nodes (" + Join(nodes) +
                "). The skeleton is not drawn (the parts are). How to fix: use indices 0 to n_nodes - 1.");
              edgeEnds.clear();
              break;
            }
          }
        }
      }
    }
  }

  // Parts in the skeleton's node order, then any series the skeleton does not name.
  std::vector<std::string> parts;
  for (const std::string& node : nodes) {
    if (std::find(series.begin(), series.end(), node) != series.end() &&
      std::find(parts.begin(), parts.end(), node) == parts.end()) {
      parts.push_back(node);
    }
  }
  for (const std::string& name : series) {
    if (std::find(parts.begin(), parts.end(), name) == parts.end()) {
      parts.push_back(name);
    }
  }

  std::vector<std::unique_ptr<RowSource>> columns;
  Series first;
  std::pair<double, double> firstEnds{ 0.0, 0.0 };
  std::string unit;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Series s = OpenSeries(file, Child(where, parts[i]));
    if (i == 0) {
      unit = ShortUnits(s.Unit);
    } else {
      if (s.Rows != first.Rows) {
        throw SessionError(s.Where + " has " + std::to_string(s.Rows) + " samples but " + first.Where + " has " +
            std::to_string(first.Rows) + "; the parts of one PoseEstimation must share their samples.",
          "Write every PoseEstimationSeries on the same timestamps (NaN where a part was not tracked).");
      }
      if (s.TimesKey != first.TimesKey) {
        const std::pair<double, double> ends = Ends(*s.Times);
        if (ends != firstEnds) {
          throw SessionError(s.TimesWhere + " runs from " + Seconds(ends.first) + " to " + Seconds(ends.second) + " but " +
              first.TimesWhere + " from " + Seconds(firstEnds.first) + " to " + Seconds(firstEnds.second) +
              "; the parts of one PoseEstimation must share their timestamps.",
            "Write every PoseEstimationSeries on the same timestamps (link them to the first part's).");
        }
      }
    }
    columns.push_back(PlanarRows(s));
    if (i == 0) {
      first = std::move(s);
      firstEnds = Ends(*first.Times);
    }
  }
  std::unique_ptr<RowSource> stacked = std::make_unique<StackedRows>(std::move(columns));
  std::array<double, 4> bounds{};
  const bool finite = EstimateExtent(*stacked, bounds.data());

  BodypartOverlay b;
  b.Name = BaseName(where);
  b.Parts = parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    b.PartColors.push_back(CycleColor(i));
  }
  std::vector<std::string> dropped;
  for (std::size_t i = 0; i + 1 < edgeEnds.size(); i += 2) {
    const std::string& a = nodes[static_cast<std::size_t>(edgeEnds[i])];
    const std::string& c = nodes[static_cast<std::size_t>(edgeEnds[i + 1])];
    const auto from = std::find(parts.begin(), parts.end(), a);
    const auto to = std::find(parts.begin(), parts.end(), c);
    if (from == parts.end() || to == parts.end()) {
      dropped.push_back(a + "-" + c);
      continue;
    }
    std::pair<int, int> edge{ static_cast<int>(std::min(from - parts.begin(), to - parts.begin())),
      static_cast<int>(std::max(from - parts.begin(), to - parts.begin())) };
    if (edge.first != edge.second && std::find(b.Edges.begin(), b.Edges.end(), edge) == b.Edges.end()) {
      b.Edges.push_back(edge);
    }
  }
  if (!dropped.empty()) {
    WarningList.push_back(skeletonWhere + " has edges to nodes without a PoseEstimationSeries in " + where + " (" +
      Join(dropped) + "); those edges are not drawn. How to fix: add a PoseEstimationSeries named after each node.");
  }
  b.EdgeColor = ParseColor("white", "");
  b.SkeletonName = skeletonWhere.empty() ? "" : BaseName(skeletonWhere == where + "/skeleton" ? where : skeletonWhere);
  first.Where = where;
  b.Samples = first.Stream(std::move(stacked), CacheBytes);
  if (finite && Units.empty()) {
    Units = unit;
  }
  BodypartBounds.push_back(finite ? bounds : std::array<double, 4>{ NAN, NAN, NAN, NAN });
  Bodyparts.push_back(std::move(b));
}

void NwbImport::ReadUnits(const std::string& where) {
  h5::Handle group = h5::OpenGroup(File.Get(), where);
  const hid_t g = group.Get();
  if (!h5::Exists(g, "spike_times")) {
    WarningList.push_back(where + " has no spike_times column; it is skipped. How to fix: write spike_times and "
                                  "spike_times_index (a ragged column) to see the spikes.");
    return;
  }
  const std::string timesWhere = where + "/spike_times";
  h5::Handle spikes = h5::OpenDataset(g, "spike_times");
  const std::vector<hsize_t> dims = h5::Shape(spikes.Get());
  if (dims.size() != 1) {
    throw SessionError(timesWhere + " has shape " + ShapeText(dims) + "; it must be 1-D: every unit's spike times, one after another.",
      "Write spike_times as a ragged column: the times of all units concatenated, with spike_times_index.");
  }
  if (!h5::IsNumeric(spikes.Get())) {
    throw SessionError(timesWhere + " does not hold numbers (it is text or records).",
      "Write the spike times as float64 seconds.");
  }
  const auto total = static_cast<std::int64_t>(dims[0]);
  std::vector<std::int64_t> ends;
  if (h5::Exists(g, "spike_times_index")) {
    h5::Handle index = h5::OpenDataset(g, "spike_times_index");
    if (h5::Shape(index.Get()).size() != 1) {
      throw SessionError(where + "/spike_times_index has shape " + ShapeText(h5::Shape(index.Get())) + "; it must be 1-D (n_units,).",
        "Write one end offset into spike_times per unit (a VectorIndex).");
    }
    ends = h5::ReadAllInts(index.Get());
  } else {
    ends = { total }; // one unit without an index
  }
  for (std::size_t u = 0; u < ends.size(); ++u) {
    const std::int64_t begin = u ? ends[u - 1] : 0;
    if (ends[u] < begin || ends[u] > total) {
      throw SessionError(where + "/spike_times_index[" + std::to_string(u) + "] = " + std::to_string(ends[u]) +
          (ends[u] > total ? " is beyond the " + std::to_string(total) + " spike times."
                           : " is below the previous end offset (" + std::to_string(begin) + ")."),
        "spike_times_index holds each unit's end offset into spike_times: non-decreasing, the last equal to len(spike_times).");
    }
  }
  std::vector<std::int64_t> ids;
  if (h5::Exists(g, "id")) {
    h5::Handle id = h5::OpenDataset(g, "id");
    if (h5::Shape(id.Get()).size() == 1 && h5::Shape(id.Get())[0] == ends.size()) {
      ids = h5::ReadAllInts(id.Get());
    } else {
      WarningList.push_back(where + "/id does not have one value per unit (" + std::to_string(ends.size()) +
        "); units are numbered from 0 instead. How to fix: write one id per row of spike_times_index.");
    }
  }
  auto source = std::make_shared<h5::DatasetRows>(std::move(spikes), H5T_NATIVE_DOUBLE);
  EventOverlay e;
  e.Name = BaseName(where);
  e.Mode = EventMode::Decay;
  e.DecaySeconds = 0.5;
  for (std::size_t u = 0; u < ends.size(); ++u) {
    const std::int64_t begin = u ? ends[u - 1] : 0;
    const std::string id = std::to_string(ids.empty() ? static_cast<std::int64_t>(u) : ids[u]);
    EventType type;
    type.Name = "unit " + id;
    type.Color = CycleColor(u);
    if (ends[u] > begin) {
      try {
        type.Samples = std::make_unique<SampleStream>(where + " unit " + id,
          std::make_unique<SliceRows>(source, begin, ends[u] - begin), nullptr, SpikeBlockRows, 0,
          timesWhere + " of unit " + id + " (rows " + std::to_string(begin) + " to " + std::to_string(ends[u] - 1) + ")");
      } catch (const SessionError& error) {
        ErrorList.push_back(std::string(error.what()) + " (unit " + id + " is left out)");
        continue;
      }
    }
    e.Types.push_back(std::move(type));
  }
  if (!e.Types.empty()) {
    EventSets.push_back(std::move(e));
  }
}

void NwbImport::ReadIntervals(const std::string& where) {
  using namespace overlay_io;
  h5::Handle group = h5::OpenGroup(File.Get(), where);
  const hid_t g = group.Get();
  IntervalOverlay intervals;
  intervals.Name = BaseName(where);
  intervals.Label = intervals.Name;
  intervals.Color = ParseColor("white", "");
  intervals.Samples = OpenSamples(g, where, "stop_time", {}, "(n,)", CacheBytes, "start_time");
  const auto count = static_cast<hsize_t>(intervals.Count());
  auto text = [&](const std::string& name) {
    if (!h5::Exists(g, name)) {
      return false;
    }
    h5::Handle dataset = h5::OpenDataset(g, name);
    h5::Handle type(H5Dget_type(dataset.Get()));
    return H5Tget_class(type.Get()) == H5T_STRING && h5::Shape(dataset.Get()).size() == 1;
  };
  // Labels: the ragged tags column, else the first other text column in colnames order.
  std::vector<std::string> columns{ "tags" };
  for (const std::string& name : h5::ReadStringArrayAttribute(g, "colnames")) {
    if (name != "tags" && name != "start_time" && name != "stop_time") {
      columns.push_back(name);
    }
  }
  for (const std::string& name : columns) {
    if (!text(name)) {
      continue;
    }
    if (h5::Exists(g, name + "_index")) {
      h5::Handle index = h5::OpenDataset(g, name + "_index");
      const std::vector<hsize_t> dims = h5::Shape(index.Get());
      if (dims.size() != 1 || dims[0] != count) {
        WarningList.push_back(where + "/" + name + "_index has shape " + ShapeText(dims) + " for " + std::to_string(count) +
          " intervals; the labels are not shown. How to fix: write one end offset per interval.");
        continue;
      }
      intervals.Labels = std::make_unique<RaggedStringColumn>(h5::OpenDataset(g, name), std::move(index));
    } else {
      h5::Handle dataset = h5::OpenDataset(g, name);
      if (h5::Shape(dataset.Get())[0] != count) {
        WarningList.push_back(where + "/" + name + " has " + std::to_string(h5::Shape(dataset.Get())[0]) + " values for " +
          std::to_string(count) + " intervals; the labels are not shown. How to fix: write one per interval.");
        continue;
      }
      intervals.Labels = std::make_unique<StringColumn>(std::move(dataset));
    }
    break;
  }
  intervals.StopOf(0);
  intervals.StopOf(intervals.Count() - 1);

  // Their starts as events too: a marker where the animal was when each one began.
  EventOverlay starts;
  starts.Name = intervals.Name + "_start";
  starts.Mode = EventMode::Decay;
  starts.DecaySeconds = 1.0;
  EventType type;
  type.Name = intervals.Name;
  type.Color = ParseColor("white", "");
  type.Marker = MarkerShape::Diamond;
  type.Samples = OpenSamples(g, where, nullptr, {}, "", CacheBytes, "start_time");
  starts.Types.push_back(std::move(type));
  IntervalSets.push_back(std::move(intervals));
  EventSets.push_back(std::move(starts));
}

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

bool NwbImport::Empty() const {
  return Positions.empty() && Bodyparts.empty() && Headings.empty() && EventSets.empty() && IntervalSets.empty() &&
    SeriesSets.empty();
}

std::string NwbImport::NothingToShow() const {
  if (!ErrorList.empty()) {
    return "None of the behaviour data in the NWB file '" + FilePath + "' could be read: " + Join(ErrorList, " ");
  }
  return "This NWB file ('" + FilePath +
    "') has no Position, CompassDirection, PoseEstimation, units or TimeIntervals data, nor behavioural time series "
    "(BehavioralTimeSeries, TimeSeries), that NeuroPlayback can show; "
    "found: " + (Found.empty() ? std::string("no neurodata groups at all") : Join(Found)) +
    ". How to fix: add the behaviour as NWB 2.x stores it (processing/behavior/Position/<SpatialSeries> with data "
    "(n, 2) and timestamps, CompassDirection, ndx-pose PoseEstimation, BehavioralTimeSeries/<TimeSeries>, /units "
    "spike_times, /intervals/trials), or open "
    "a NeuroPlayback session (.nsp) with decoded fields.";
}

bool NwbImport::Span(double& first, double& last) {
  first = std::numeric_limits<double>::infinity();
  last = -first;
  auto add = [&](double a, double b) {
    first = std::min(first, a);
    last = std::max(last, b);
  };
  for (const auto& p : Positions) {
    add(p.Samples->First(), p.Samples->Last());
  }
  for (const auto& b : Bodyparts) {
    add(b.Samples->First(), b.Samples->Last());
  }
  for (const auto& h : Headings) {
    add(h.Samples->First(), h.Samples->Last());
  }
  for (const auto& e : EventSets) {
    for (const auto& type : e.Types) {
      if (type.Samples) {
        add(type.Samples->First(), type.Samples->Last());
      }
    }
  }
  for (auto& i : IntervalSets) {
    add(i.Samples->First(), std::max(i.Samples->Last(), i.StopOf(i.Count() - 1)));
  }
  for (auto& series : SeriesSets) {
    add(series.Samples().First(), series.Samples().Last());
  }
  return first <= last;
}

double NwbImport::ClockRate() {
  double rate = 0.0;
  for (const auto& p : Positions) {
    rate = rate > 0 ? rate : Rate(*p.Samples);
  }
  for (const auto& b : Bodyparts) {
    rate = rate > 0 ? rate : Rate(*b.Samples);
  }
  for (const auto& h : Headings) {
    rate = rate > 0 ? rate : Rate(*h.Samples);
  }
  return rate > 0 ? std::clamp(rate, 1.0, 1000.0) : 30.0;
}

Environment NwbImport::MakeEnvironment() {
  double bounds[4] = { std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity() };
  auto add = [&](const std::vector<std::array<double, 4>>& list) {
    for (const auto& b : list) {
      if (std::isfinite(b[0])) {
        bounds[0] = std::min(bounds[0], b[0]);
        bounds[1] = std::max(bounds[1], b[1]);
        bounds[2] = std::min(bounds[2], b[2]);
        bounds[3] = std::max(bounds[3], b[3]);
      }
    }
  };
  add(PositionBounds);
  if (!(bounds[0] <= bounds[1])) {
    add(BodypartBounds);
  }
  if (!(bounds[0] <= bounds[1])) {
    WarningList.push_back("This NWB file has no position or pose to size the arena from: a placeholder 1 x 1 arena is "
                          "shown (spikes and intervals are navigable, not placed). How to fix: add Position data, or "
                          "open the NWB file beside a session (the session's root attribute nwb_path).");
    const double unit[4] = { 0.0, 1.0, 0.0, 1.0 };
    Environment e = GridOverExtent(unit, "", 1);
    return e;
  }
  return GridOverExtent(bounds, Units);
}

std::vector<double> NwbImport::Occupancy(const Environment& environment) const {
  if (PositionSamples.empty() || environment.Layout != LayoutKind::Grid || environment.XEdges.size() < 2 ||
    environment.YEdges.size() < 2) {
    return {};
  }
  const double x0 = environment.XEdges.front();
  const double y0 = environment.YEdges.front();
  const double dx = (environment.XEdges.back() - x0) / static_cast<double>(environment.GridX);
  const double dy = (environment.YEdges.back() - y0) / static_cast<double>(environment.GridY);
  std::vector<double> share(static_cast<std::size_t>(environment.BinCount), 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < PositionSamples.size(); i += 2) {
    const auto ix = static_cast<std::int64_t>(std::floor((PositionSamples[i] - x0) / dx));
    const auto iy = static_cast<std::int64_t>(std::floor((PositionSamples[i + 1] - y0) / dy));
    if (ix >= 0 && ix < environment.GridX && iy >= 0 && iy < environment.GridY) {
      share[static_cast<std::size_t>(ix * environment.GridY + iy)] += 1.0; // every bin is active (GridOverExtent)
      total += 1.0;
    }
  }
  if (total == 0.0) {
    return {};
  }
  for (double& value : share) {
    value /= total;
  }
  return share;
}

std::vector<std::pair<std::string, std::string>> NwbImport::MoveInto(OverlaySet& set, const Environment& environment,
  double first, double last, const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> added;
  for (const std::string& message : ErrorList) {
    set.AddError(prefix + message);
  }
  for (const std::string& message : WarningList) {
    set.AddWarning(prefix + message);
  }
  const std::vector<double> bounds = environment.Bounds();
  const double extent = std::max(bounds[1] - bounds[0], bounds[3] - bounds[2]);
  const double unit = extent > 0 ? extent : 1.0;
  auto overlaps = [&](double a, double b, const std::string& where) {
    if (b < first || a > last) {
      set.AddWarning(prefix + where + " covers " + Seconds(a) + " to " + Seconds(b) + ", which does not overlap the session's " +
        Seconds(first) + " to " + Seconds(last) +
        ": it is not drawn. How to fix: put the NWB times on the session clock (shift them by the clock offset).");
      return false;
    }
    return true;
  };

  int anchor = -1; // the first position of this file, in the set
  for (PositionOverlay& p : Positions) {
    if (!overlaps(p.Samples->First(), p.Samples->Last(), p.Samples->Where())) {
      continue;
    }
    p.Size = 0.03 * unit;
    p.Name = set.UniqueName(p.Name);
    added.emplace_back(p.Name, "position");
    const int index = set.AddPosition(std::move(p));
    anchor = anchor < 0 ? index : anchor;
  }
  int poseAnchor = -1;
  for (BodypartOverlay& b : Bodyparts) {
    if (!overlaps(b.Samples->First(), b.Samples->Last(), b.Samples->Where())) {
      continue;
    }
    b.Size = 0.02 * unit;
    b.Name = set.UniqueName(b.Name);
    added.emplace_back(b.Name, "bodyparts");
    const int index = set.AddBodyparts(std::move(b));
    poseAnchor = poseAnchor < 0 ? index : poseAnchor;
  }
  // Without a position of its own, the NWB data is placed on the session's (when it has one).
  if (anchor < 0 && !set.Positions().empty()) {
    anchor = 0;
  }
  for (HeadDirectionOverlay& h : Headings) {
    if (!overlaps(h.Samples->First(), h.Samples->Last(), h.Samples->Where())) {
      continue;
    }
    h.Length = 0.1 * unit;
    h.Width = 2.0;
    h.AnchorPosition = anchor;
    if (anchor < 0 && poseAnchor >= 0) {
      // The head, else the nose, else the first part of the first pose.
      const auto& parts = set.Bodyparts()[static_cast<std::size_t>(poseAnchor)].Parts;
      int part = 0;
      for (const char* preferred : { "nose", "head" }) {
        for (std::size_t i = 0; i < parts.size(); ++i) {
          if (Lower(parts[i]).find(preferred) != std::string::npos) {
            part = static_cast<int>(i);
          }
        }
      }
      h.AnchorBodyparts = poseAnchor;
      h.AnchorPart = part;
    }
    h.Name = set.UniqueName(h.Name);
    added.emplace_back(h.Name, "head_direction");
    set.AddHeading(std::move(h));
  }
  std::vector<std::string> unplaced;
  for (EventOverlay& e : EventSets) {
    std::size_t outside = 0;
    for (EventType& type : e.Types) {
      if (type.Samples && (type.Samples->Last() < first || type.Samples->First() > last)) {
        type.Samples.reset();
        ++outside;
      }
    }
    if (outside > 0) {
      set.AddWarning(prefix + "/" + e.Name + ": " + std::to_string(outside) + " of " + std::to_string(e.Types.size()) +
        " event types have no events between " + Seconds(first) + " and " + Seconds(last) +
        " and are not drawn. How to fix: put the NWB times on the session clock.");
    }
    e.Size = 0.025 * unit;
    e.PositionSource = anchor;
    if (anchor < 0) {
      unplaced.push_back(e.Name);
    }
    e.Name = set.UniqueName(e.Name);
    added.emplace_back(e.Name, "events");
    set.AddEvents(std::move(e));
  }
  if (!unplaced.empty()) {
    set.AddWarning(prefix + "The events of " + Join(unplaced) +
      " are not drawn on the arena: there is no position to place them on (they are still navigable). How to fix: "
      "add Position data to the NWB file, or open it beside a session with a position overlay (nwb_path).");
  }
  for (IntervalOverlay& i : IntervalSets) {
    if (!overlaps(i.Samples->First(), i.StopOf(i.Count() - 1), i.Samples->Where())) {
      continue;
    }
    i.Name = set.UniqueName(i.Name);
    added.emplace_back(i.Name, "intervals");
    set.AddIntervals(std::move(i));
  }
  // Time series: charts under the arena, tab10 by their place among the set's series.
  for (TimeSeries& series : SeriesSets) {
    if (!overlaps(series.Samples().First(), series.Samples().Last(), series.Samples().Where())) {
      continue;
    }
    series.Rename(set.UniqueName(series.Name()));
    added.emplace_back(series.Name(), "timeseries");
    set.AddSeries(std::move(series));
  }
  SeriesSets.clear();
  Positions.clear();
  Bodyparts.clear();
  Headings.clear();
  EventSets.clear();
  IntervalSets.clear();
  return added;
}

} // namespace neuroplayback
