#include "NwbImport.h"

#include "NwbReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

namespace neuroplayback {

using namespace nwb_io;

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
