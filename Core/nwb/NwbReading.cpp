#include "NwbReading.h"

#include "SessionError.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace neuroplayback::nwb_io {

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
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

} // namespace neuroplayback::nwb_io
