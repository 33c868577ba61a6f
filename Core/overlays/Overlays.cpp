#include "Overlays.h"

#include "Hdf5.h"
#include "OverlayReading.h"
#include "VideoOverlay.h"
#include "SessionError.h"
#include "Suggestions.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace neuroplayback {


namespace {

using namespace overlay_io;

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  const std::vector<std::string> close = ClosestNames(name, candidates);
  if (close.empty()) {
    return "";
  }
  std::string text = " Did you mean '" + close[0] + "'";
  for (std::size_t i = 1; i < close.size(); ++i) {
    text += " or '" + close[i] + "'";
  }
  return text + "?";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i ? ", " : "") + names[i];
  }
  return text;
}

} // namespace


namespace {

using namespace overlay_io;

template <typename List>
int FindByName(const List& list, const std::string& name) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].Name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

template <typename List>
std::vector<std::string> NamesOf(const List& list) {
  std::vector<std::string> names;
  for (const auto& item : list) {
    names.push_back(item.Name);
  }
  return names;
}

bool Finite2(const double* xy) { return std::isfinite(xy[0]) && std::isfinite(xy[1]); }

} // namespace


MarkerShape ParseMarker(const std::string& text, const std::string& where) {
  static const std::vector<std::pair<std::vector<std::string>, MarkerShape>> Names{
    { { "o", "circle" }, MarkerShape::Circle }, { { "s", "square" }, MarkerShape::Square },
    { { "^", "triangle_up", "triangle" }, MarkerShape::TriangleUp }, { { "v", "triangle_down" }, MarkerShape::TriangleDown },
    { { "d", "D", "diamond" }, MarkerShape::Diamond }, { { "+", "plus" }, MarkerShape::Plus },
    { { "x", "cross" }, MarkerShape::Cross }, { { "*", "star" }, MarkerShape::Star },
  };
  for (const auto& [names, shape] : Names) {
    if (std::find(names.begin(), names.end(), text) != names.end()) {
      return shape;
    }
  }
  throw SessionError(where + " has marker '" + text + "', which is not a known marker.",
    "Use one of o (circle), s (square), ^, v (triangles), d (diamond), + (plus), x (cross), * (star).");
}

void MarkerSet::Clear() {
  Xy.clear();
  Colors.clear();
  Sizes.clear();
  Shapes.clear();
  Sources.clear();
}

void MarkerSet::Add(double x, double y, Rgba color, double size, MarkerShape shape, int source) {
  Xy.push_back(x);
  Xy.push_back(y);
  Colors.push_back(color);
  Sizes.push_back(size);
  Shapes.push_back(static_cast<int>(shape));
  Sources.push_back(source);
}

void LineSet::Clear() {
  Xy.clear();
  Colors.clear();
  Starts.assign(1, 0);
}

void LineSet::Add(double x, double y, Rgba color) {
  Xy.push_back(x);
  Xy.push_back(y);
  Colors.push_back(color);
}

void LineSet::EndLine() {
  const auto points = static_cast<std::int64_t>(Colors.size());
  if (points - Starts.back() < 2) {
    Xy.resize(static_cast<std::size_t>(Starts.back()) * 2);
    Colors.resize(static_cast<std::size_t>(Starts.back()));
    return;
  }
  Starts.push_back(points);
}

void ArrowSet::Clear() {
  Xy.clear();
  Vectors.clear();
  Colors.clear();
}

void OverlayFrame::Clear() {
  Positions.Clear();
  Trails.Clear();
  Bodyparts.Clear();
  Skeleton.Clear();
  Headings.Clear();
  Events.Clear();
}

double ScaleBarLength(double extent) {
  const double target = 0.2 * extent;
  if (!(target > 0.0) || !std::isfinite(target)) {
    return 1.0;
  }
  const double decade = std::pow(10.0, std::floor(std::log10(target)));
  for (double step : { 5.0, 2.0, 1.0 }) {
    if (step * decade <= target * (1 + 1e-12)) {
      return step * decade;
    }
  }
  return decade;
}

std::string ScaleBarLabel(double length, const std::string& units) {
  std::ostringstream text;
  text.precision(6);
  text << length;
  return units.empty() ? text.str() : text.str() + " " + units;
}

std::vector<ChartGroup> OverlaySet::Charts() {
  std::vector<ChartGroup> charts;
  for (std::size_t i = 0; i < SeriesList.size(); ++i) {
    const TimeSeriesStyle& style = SeriesList[i].GetStyle();
    auto found = std::find_if(charts.begin(), charts.end(),
      [&](const ChartGroup& chart) { return !style.Group.empty() && chart.Name == style.Group; });
    if (found == charts.end()) {
      ChartGroup chart;
      chart.Name = style.Group.empty() ? SeriesList[i].Name() : style.Group;
      chart.Title = style.Group.empty() ? SeriesList[i].Label() : style.Group;
      chart.WindowSeconds = style.WindowSeconds;
      chart.Grouped = !style.Group.empty();
      charts.push_back(chart);
      found = charts.end() - 1;
    }
    found->Members.push_back(static_cast<int>(i));
    double low = 0.0;
    double high = 1.0;
    SeriesList[i].YLimits(low, high);
    found->YMin = found->Members.size() == 1 ? low : std::min(found->YMin, low);
    found->YMax = found->Members.size() == 1 ? high : std::max(found->YMax, high);
  }
  // Named groups first, in order of first appearance, then the ungrouped series (as the reference).
  std::stable_partition(charts.begin(), charts.end(), [](const ChartGroup& chart) { return chart.Grouped; });
  return charts;
}

bool OverlaySet::Empty() const {
  return PositionList.empty() && BodypartList.empty() && HeadingList.empty() && EventList.empty() && IntervalList.empty();
}

double OverlaySet::SkeletonWidth() const {
  double width = 1.0;
  for (const BodypartOverlay& overlay : BodypartList) {
    width = std::max(width, overlay.EdgeWidth);
  }
  return width;
}

std::int64_t OverlaySet::RowsRead() const {
  std::int64_t rows = 0;
  for (const auto& o : PositionList) {
    rows += o.Samples->RowsRead();
  }
  for (const auto& o : BodypartList) {
    rows += o.Samples->RowsRead();
  }
  for (const auto& o : HeadingList) {
    rows += o.Samples->RowsRead();
  }
  for (const auto& o : EventList) {
    for (const auto& type : o.Types) {
      rows += type.Samples ? type.Samples->RowsRead() : 0;
    }
  }
  for (const auto& o : IntervalList) {
    rows += o.Samples->RowsRead();
  }
  return rows;
}

OverlaySet OverlaySet::ForEnvironment(const Environment& environment) {
  OverlaySet set;
  for (std::int64_t bin = 0; bin < environment.BinCount; ++bin) {
    set.Centroid[0] += environment.BinCenters[static_cast<std::size_t>(2 * bin)] / static_cast<double>(environment.BinCount);
    set.Centroid[1] += environment.BinCenters[static_cast<std::size_t>(2 * bin + 1)] / static_cast<double>(environment.BinCount);
  }
  return set;
}

std::string OverlaySet::UniqueName(const std::string& name) const {
  std::vector<std::string> taken;
  for (const auto& names : { NamesOf(PositionList), NamesOf(BodypartList), NamesOf(HeadingList), NamesOf(EventList),
         NamesOf(IntervalList) }) {
    taken.insert(taken.end(), names.begin(), names.end());
  }
  for (const TimeSeries& series : SeriesList) {
    taken.push_back(series.Name());
  }
  std::string candidate = name;
  for (int suffix = 2; std::find(taken.begin(), taken.end(), candidate) != taken.end(); ++suffix) {
    candidate = name + "_" + std::to_string(suffix);
  }
  return candidate;
}

// Disabled holds one flag per drawn overlay in Build()'s order: positions, bodyparts, headings, events.
int OverlaySet::AddPosition(PositionOverlay overlay) {
  Disabled.insert(Disabled.begin() + static_cast<std::ptrdiff_t>(PositionList.size()), false);
  PositionList.push_back(std::move(overlay));
  return static_cast<int>(PositionList.size()) - 1;
}

int OverlaySet::AddBodyparts(BodypartOverlay overlay) {
  Disabled.insert(Disabled.begin() + static_cast<std::ptrdiff_t>(PositionList.size() + BodypartList.size()), false);
  BodypartList.push_back(std::move(overlay));
  return static_cast<int>(BodypartList.size()) - 1;
}

int OverlaySet::AddHeading(HeadDirectionOverlay overlay) {
  Disabled.insert(Disabled.begin() + static_cast<std::ptrdiff_t>(PositionList.size() + BodypartList.size() + HeadingList.size()), false);
  HeadingList.push_back(std::move(overlay));
  return static_cast<int>(HeadingList.size()) - 1;
}

int OverlaySet::AddEvents(EventOverlay overlay) {
  Disabled.push_back(false);
  EventList.push_back(std::move(overlay));
  return static_cast<int>(EventList.size()) - 1;
}

int OverlaySet::AddIntervals(IntervalOverlay overlay) {
  IntervalList.push_back(std::move(overlay));
  return static_cast<int>(IntervalList.size()) - 1;
}

int OverlaySet::AddSeries(TimeSeries series, std::optional<Rgba> color) {
  series.SetColor(color ? *color : CycleColor(SeriesList.size()));
  SeriesList.push_back(std::move(series));
  return static_cast<int>(SeriesList.size()) - 1;
}

std::vector<std::string> OverlaySet::IntervalLines(double t) {
  std::vector<std::string> lines;
  for (IntervalOverlay& overlay : IntervalList) {
    if (overlay.Disabled) {
      continue;
    }
    try {
      const std::string line = overlay.Describe(t);
      if (!line.empty()) {
        lines.push_back(line);
      }
    } catch (const std::exception& error) {
      overlay.Disabled = true;
      WarningList.push_back("The overlay '" + overlay.Name + "' is turned off: " + error.what());
    }
  }
  return lines;
}

OverlaySet OverlaySet::Load(hid_t file, const Environment& environment, double sessionFirst, double sessionLast,
  std::size_t cacheBytes, const std::string& sessionDirectory) {
  OverlaySet set = ForEnvironment(environment);
  if (!h5::Exists(file, "overlays")) {
    return set;
  }
  const std::vector<double> bounds = environment.Bounds();
  const double extent = std::max(bounds[1] - bounds[0], bounds[3] - bounds[2]);
  const double unit = extent > 0 ? extent : 1.0;
  h5::Handle group = h5::OpenGroup(file, "overlays");

  // Reports a stream with no time overlap and says whether to keep it.
  auto overlaps = [&](const SampleStream& samples, const std::string& where) {
    if (samples.Last() < sessionFirst || samples.First() > sessionLast) {
      set.WarningList.push_back(where + " covers " + Seconds(samples.First()) + " to " + Seconds(samples.Last()) +
        ", which does not overlap the session's " + Seconds(sessionFirst) + " to " + Seconds(sessionLast) +
        ": it is not drawn. How to fix: put its times on the session clock (shift them by the clock offset).");
      return false;
    }
    return true;
  };

  std::vector<std::string> headingNames;
  std::vector<std::string> eventNames;
  std::vector<std::string> overlayNames;
  try {
    overlayNames = h5::ChildNames(group.Get());
  } catch (const SessionError& error) {
    set.ErrorList.push_back(std::string("No overlay is shown: ") + error.what()); // the field still plays
  }
  for (const std::string& name : overlayNames) {
    const std::string where = "/overlays/" + name;
    h5::ErrorSilencer silence;
    h5::Handle overlay(H5Gopen2(group.Get(), name.c_str(), H5P_DEFAULT));
    if (!overlay.Valid()) {
      continue; // a dataset directly under /overlays is not an overlay
    }
    const hid_t g = overlay.Get();
    const std::string kind = h5::ReadStringAttribute(g, "kind").value_or("");
    try {
    if (kind == "position") {
      PositionOverlay p;
      p.Name = name;
      p.Samples = OpenSamples(g, where, "xy", { 2 }, "(n, 2)", cacheBytes);
      p.Interpolation = ReadInterp(g, where, Interp::Linear);
      p.Color = ReadColor(g, where, "color", ParseColor("#ff0000", ""));
      p.Size = ReadPositive(g, where, "size", 0.03 * unit);
      if (h5::HasAttribute(g, "trail_samples")) {
        p.TrailSamples = h5::ReadIntAttribute(g, "trail_samples").value_or(0);
        if (p.TrailSamples < 0) {
          throw SessionError(where + " attribute trail_samples is negative.", "Set trail_samples to 0 (no trail) or more.");
        }
      }
      const auto trail = h5::ReadDoubleAttribute(g, "trail_seconds");
      if (trail && (!std::isfinite(*trail) || *trail < 0)) {
        throw SessionError(where + " attribute trail_seconds must be 0 or more seconds.", "Set trail_seconds, e.g. 2.0.");
      }
      p.TrailSeconds = trail.value_or(p.TrailSamples > 0 ? 0.0 : 2.0);
      p.TrailColor = ReadColor(g, where, "trail_color", p.Color);
      if (overlaps(*p.Samples, where)) {
        set.PositionList.push_back(std::move(p));
      }
    } else if (kind == "bodyparts") {
      BodypartOverlay b;
      b.Name = name;
      b.Parts = h5::ReadStringArrayAttribute(g, "part_names");
      if (b.Parts.empty()) {
        throw SessionError(where + " has no part_names attribute.", "Write the body part names as a string array attribute.");
      }
      const auto parts = static_cast<hsize_t>(b.Parts.size());
      b.Samples = OpenSamples(g, where, "xy", { parts, 2 }, "(n, " + std::to_string(parts) + ", 2)", cacheBytes);
      b.Interpolation = ReadInterp(g, where, Interp::Linear);
      std::vector<std::string> colors = h5::ReadStringArrayAttribute(g, "part_colors");
      if (colors.empty()) {
        colors = h5::ReadStringArrayAttribute(g, "node_colors"); // the skeleton's own node colours
      }
      if (!colors.empty() && colors.size() != b.Parts.size()) {
        throw SessionError(where + " has " + std::to_string(colors.size()) + " part colours for " +
            std::to_string(b.Parts.size()) + " parts.",
          "Give one colour per entry of part_names, in the same order.");
      }
      for (std::size_t i = 0; i < b.Parts.size(); ++i) {
        b.PartColors.push_back(colors.empty() ? CycleColor(i) : ParseColor(colors[i], where + " colour of '" + b.Parts[i] + "'"));
      }
      if (h5::Exists(g, "skeleton_edges")) {
        h5::Handle edges = h5::OpenDataset(g, "skeleton_edges");
        const auto dims = h5::Shape(edges.Get());
        if (dims.size() != 2 || dims[1] != 2) {
          throw SessionError(where + "/skeleton_edges has shape " + ShapeText(dims) + "; it must be (n_edges, 2).",
            "Write each edge as a pair of part indices or part names.");
        }
        std::vector<std::int64_t> ends;
        h5::Handle type(H5Dget_type(edges.Get()));
        if (H5Tget_class(type.Get()) == H5T_STRING) {
          // Fixed-length names are refused, as before: the format writes variable-length UTF-8.
          const std::vector<std::string> names =
            H5Tis_variable_str(type.Get()) > 0 ? h5::ReadStringDataset(edges.Get()) : std::vector<std::string>{};
          if (names.size() != dims[0] * 2) {
            throw SessionError(where + "/skeleton_edges could not be read as strings.",
              "Write part names as variable-length UTF-8 strings, or part indices as integers.");
          }
          for (const std::string& part : names) {
            const auto found = std::find(b.Parts.begin(), b.Parts.end(), part);
            if (found == b.Parts.end()) {
              throw SessionError(where + "/skeleton_edges names the part '" + part + "', which is not in part_names (" +
                  JoinNames(b.Parts) + ")." + DidYouMean(part, b.Parts),
                "Use the exact part names, or add the part to part_names and xy.");
            }
            ends.push_back(found - b.Parts.begin());
          }
        } else {
          ends = h5::ReadAllInts(edges.Get());
          for (std::int64_t end : ends) {
            if (end < 0 || end >= static_cast<std::int64_t>(parts)) {
              throw SessionError(where + "/skeleton_edges refers to part " + std::to_string(end) + " but there are only " +
                  std::to_string(parts) + " parts (0 to " + std::to_string(parts - 1) + ": " + JoinNames(b.Parts) + ").",
                "Use part indices below n_parts, or write the edges as part names.");
            }
          }
        }
        for (std::size_t i = 0; i + 1 < ends.size(); i += 2) {
          std::pair<int, int> edge{ static_cast<int>(std::min(ends[i], ends[i + 1])), static_cast<int>(std::max(ends[i], ends[i + 1])) };
          if (edge.first != edge.second && std::find(b.Edges.begin(), b.Edges.end(), edge) == b.Edges.end()) {
            b.Edges.push_back(edge);
          }
        }
      }
      b.EdgeColor = ReadColor(g, where, "edge_color", ParseColor("white", ""));
      b.EdgeWidth = ReadPositive(g, where, "edge_width", 1.0);
      b.Size = ReadPositive(g, where, "size", 0.02 * unit);
      b.SkeletonName = h5::ReadStringAttribute(g, "skeleton_name").value_or("");
      if (overlaps(*b.Samples, where)) {
        set.BodypartList.push_back(std::move(b));
      }
    } else if (kind == "head_direction") {
      HeadDirectionOverlay h;
      h.Name = name;
      h.Samples = OpenSamples(g, where, "angle", {}, "(n,)", cacheBytes);
      h.Interpolation = ReadInterp(g, where, Interp::Linear);
      h.Color = ReadColor(g, where, "color", ParseColor("yellow", ""));
      h.Length = ReadPositive(g, where, "length", 0.1 * unit);
      h.Width = ReadPositive(g, where, "width", 2.0);
      headingNames.push_back(h5::ReadStringAttribute(g, "anchor").value_or(""));
      if (overlaps(*h.Samples, where)) {
        set.HeadingList.push_back(std::move(h));
      } else {
        headingNames.pop_back();
      }
    } else if (kind == "events") {
      EventOverlay e;
      e.Name = name;
      const std::string mode = h5::ReadStringAttribute(g, "mode").value_or("cumulative");
      if (mode == "instant") {
        e.Mode = EventMode::Instant;
      } else if (mode == "cumulative") {
        e.Mode = EventMode::Cumulative;
      } else if (mode == "decay") {
        e.Mode = EventMode::Decay;
      } else {
        throw SessionError(where + " has mode = '" + mode + "'.", "Set mode to instant, cumulative or decay.");
      }
      e.DecaySeconds = ReadPositive(g, where, "decay_seconds", 0.5);
      e.Size = ReadPositive(g, where, "size", 0.025 * unit);
      const double opacity = h5::ReadDoubleAttribute(g, "opacity").value_or(0.7);
      if (!(opacity >= 0.0 && opacity <= 1.0)) {
        throw SessionError(where + " attribute opacity must be between 0 and 1.", "Set opacity, e.g. 0.7.");
      }
      e.Opacity = opacity;
      e.Interpolation = ReadInterp(g, where, Interp::Linear);
      bool needsTrajectory = false;
      std::size_t typeIndex = 0;
      for (const std::string& typeName : h5::ChildNames(g)) {
        const std::string typeWhere = where + "/" + typeName;
        h5::Handle typeGroup(H5Gopen2(g, typeName.c_str(), H5P_DEFAULT));
        if (!typeGroup.Valid()) {
          throw SessionError(typeWhere + " is not a group.",
            "Write one group per event type under " + where + ", each holding times (and optionally xy).");
        }
        EventType type;
        type.Name = typeName;
        type.Color = ReadColor(typeGroup.Get(), typeWhere, "color", CycleColor(typeIndex++));
        type.Marker = ParseMarker(h5::ReadStringAttribute(typeGroup.Get(), "marker").value_or("o"), typeWhere);
        if (!h5::Exists(typeGroup.Get(), "times")) {
          throw SessionError(typeWhere + " has no 'times' dataset.",
            "Write the event times (m,) in seconds, strictly increasing (empty if the type has no events).");
        }
        const bool fixed = h5::Exists(typeGroup.Get(), "xy");
        needsTrajectory = needsTrajectory || !fixed;
        h5::Handle times = h5::OpenUncachedDataset(typeGroup.Get(), "times");
        if (!h5::Shape(times.Get()).empty() && h5::Shape(times.Get())[0] > 0) {
          type.Samples = OpenSamples(typeGroup.Get(), typeWhere, fixed ? "xy" : nullptr, { 2 }, "(m, 2)", cacheBytes);
        }
        e.Types.push_back(std::move(type));
      }
      if (needsTrajectory) {
        eventNames.push_back(h5::ReadStringAttribute(g, "position_source").value_or(""));
      } else {
        eventNames.push_back("-");
      }
      set.EventList.push_back(std::move(e));
    } else if (kind == "timeseries") {
      TimeSeries series = TimeSeries::Load(g, name, cacheBytes, CycleColor(set.SeriesList.size()));
      if (overlaps(series.Samples(), where)) {
        set.SeriesList.push_back(std::move(series));
      }
    } else if (kind == "video") {
      std::unique_ptr<VideoOverlay> video =
        VideoOverlay::Load(g, name, sessionDirectory, EnvironmentBounds{ bounds[0], bounds[1], bounds[2], bounds[3] }, 4 * cacheBytes);
      set.WarningList.insert(set.WarningList.end(), video->Warnings().begin(), video->Warnings().end());
      const std::vector<std::string> damage = video->DamageMessages(false);
      set.WarningList.insert(set.WarningList.end(), damage.begin(), damage.end());
      set.VideoList.push_back(std::move(video));
    } else if (kind == "intervals") {
      IntervalOverlay intervals = IntervalOverlay::Load(g, name, cacheBytes);
      if (overlaps(*intervals.Samples, where)) {
        set.IntervalList.push_back(std::move(intervals));
      }
    } else {
      throw SessionError(where + " has kind = '" + kind + "', which this plugin does not know; it is skipped.",
        "Use one of position, bodyparts, head_direction, events, timeseries, video, intervals.");
    }
    } catch (const SessionError& error) {
      set.ErrorList.push_back(error.what());
    }
  }

  // Anchors refer to other overlays, so they are resolved once all are read.
  const std::vector<std::string> positionNames = NamesOf(set.PositionList);
  auto resolvePosition = [&](const std::string& anchor, const std::string& where, const char* attribute) {
    if (anchor.empty()) {
      return set.PositionList.size() == 1 ? 0 : -1;
    }
    const int found = FindByName(set.PositionList, anchor);
    if (found < 0) {
      throw SessionError(where + " attribute " + attribute + " = '" + anchor + "' is not a position overlay (there are: " +
          (positionNames.empty() ? std::string("none") : JoinNames(positionNames)) + ")." + DidYouMean(anchor, positionNames),
        std::string("Set ") + attribute + " to the name of a group under /overlays with kind = position.");
    }
    return found;
  };
  std::vector<HeadDirectionOverlay> headings;
  for (std::size_t i = 0; i < set.HeadingList.size(); ++i) {
    HeadDirectionOverlay& h = set.HeadingList[i];
    try {
    const std::string& anchor = headingNames[i];
    const std::string where = "/overlays/" + h.Name;
    const auto slash = anchor.find('/');
    if (slash != std::string::npos) {
      const std::string bodyName = anchor.substr(0, slash);
      const std::string part = anchor.substr(slash + 1);
      h.AnchorBodyparts = FindByName(set.BodypartList, bodyName);
      if (h.AnchorBodyparts < 0) {
        throw SessionError(where + " anchor '" + anchor + "' names no bodyparts overlay '" + bodyName + "'." +
            DidYouMean(bodyName, NamesOf(set.BodypartList)),
          "Write anchor as <bodyparts overlay>/<part>, e.g. bodyparts/nose, or a position overlay's name.");
      }
      const auto& parts = set.BodypartList[static_cast<std::size_t>(h.AnchorBodyparts)].Parts;
      const auto found = std::find(parts.begin(), parts.end(), part);
      if (found == parts.end()) {
        throw SessionError(where + " anchor '" + anchor + "' names the part '" + part + "', which is not one of " +
            JoinNames(parts) + "." + DidYouMean(part, parts),
          "Use one of the part names.");
      }
      h.AnchorPart = static_cast<int>(found - parts.begin());
    } else {
      h.AnchorPosition = resolvePosition(anchor, where, "anchor");
    }
    headings.push_back(std::move(h));
    } catch (const SessionError& error) {
      set.ErrorList.push_back(error.what());
    }
  }
  set.HeadingList = std::move(headings);
  std::vector<EventOverlay> events;
  for (std::size_t i = 0; i < set.EventList.size(); ++i) {
    EventOverlay& e = set.EventList[i];
    try {
      if (eventNames[i] != "-") {
        const std::string where = "/overlays/" + e.Name;
        e.PositionSource = resolvePosition(eventNames[i], where, "position_source");
        if (e.PositionSource < 0) {
          throw SessionError(where + " has event types without xy, and no position_source says which trajectory places them.",
            "Set position_source to a position overlay's name, or write xy (m, 2) for every event type.");
        }
      }
      events.push_back(std::move(e));
    } catch (const SessionError& error) {
      set.ErrorList.push_back(error.what());
    }
  }
  set.EventList = std::move(events);
  for (EventOverlay& e : set.EventList) {
    for (EventType& type : e.Types) {
      if (type.Samples && !overlaps(*type.Samples, "/overlays/" + e.Name + "/" + type.Name)) {
        type.Samples.reset();
      }
    }
  }
  set.Disabled.assign(set.PositionList.size() + set.BodypartList.size() + set.HeadingList.size() + set.EventList.size(), false);
  // A group shares one chart: its window is the first member's, so say when members disagree.
  for (const ChartGroup& chart : set.Charts()) {
    for (int member : chart.Members) {
      const TimeSeries& series = set.SeriesList[static_cast<std::size_t>(member)];
      const TimeSeries& first = set.SeriesList[static_cast<std::size_t>(chart.Members.front())];
      if (series.GetStyle().WindowSeconds != first.GetStyle().WindowSeconds) {
        set.WarningList.push_back("/overlays/" + series.Name() + " asks for a " + Seconds(series.GetStyle().WindowSeconds) +
          " window but shares the chart of group '" + chart.Name + "', which shows " +
          Seconds(first.GetStyle().WindowSeconds) + " (the window of its first series, " + first.Name() +
          "). Give every series of a group the same window_seconds.");
      }
    }
  }
  return set;
}

void OverlaySet::Build(const FrameClock& clock, OverlayFrame& out, unsigned kinds) {
  out.Clear();
  std::size_t index = 0;
  unsigned kind = PositionKind;
  auto guarded = [&](const std::string& name, auto&& build) {
    const std::size_t slot = index++;
    if (Disabled[slot] || !(kinds & kind)) {
      return;
    }
    try {
      build();
    } catch (const std::exception& error) {
      Disabled[slot] = true;
      WarningList.push_back("The overlay '" + name + "' is turned off: " + error.what());
    }
  };
  for (PositionOverlay& p : PositionList) {
    guarded(p.Name, [&] { BuildPosition(p, clock, out); });
  }
  kind = BodypartKind;
  for (BodypartOverlay& b : BodypartList) {
    guarded(b.Name, [&] { BuildBodyparts(b, clock, out); });
  }
  kind = HeadingKind;
  for (HeadDirectionOverlay& h : HeadingList) {
    guarded(h.Name, [&] { BuildHeading(h, clock, out); });
  }
  kind = EventKind;
  int source = 0;
  for (EventOverlay& e : EventList) {
    guarded(e.Name, [&] { BuildEvents(e, source, clock, out); });
    source += static_cast<int>(e.Types.size());
  }
}

void OverlaySet::BuildPosition(PositionOverlay& p, const FrameClock& clock, OverlayFrame& out) {
  const int source = static_cast<int>(&p - PositionList.data());
  SampleStream& samples = *p.Samples;
  double here[2];
  samples.ValueAt(clock.Time, p.Interpolation, false, here);
  if (Finite2(here)) {
    out.Positions.Add(here[0], here[1], p.Color, p.Size, MarkerShape::Circle, source);
  }
  if (p.TrailSeconds <= 0.0 && p.TrailSamples <= 0) {
    return;
  }
  const std::int64_t last = samples.LastAtOrBefore(clock.Time);
  if (last < 0 || clock.Time > samples.Last() + (p.TrailSeconds > 0 ? p.TrailSeconds : 0.0)) {
    return;
  }
  std::int64_t first = p.TrailSamples > 0 ? std::max<std::int64_t>(0, last - p.TrailSamples + 1)
                                          : samples.FirstAtOrAfter(clock.Time - p.TrailSeconds);
  // Very long trails are thinned to a bounded number of vertices.
  constexpr std::int64_t MaxTrailPoints = 20000;
  const std::int64_t stride = std::max<std::int64_t>(1, (last - first + 1 + MaxTrailPoints - 1) / MaxTrailPoints);
  auto fade = [&](std::int64_t index, double t) {
    const double age = p.TrailSamples > 0 ? static_cast<double>(last - index + 1) / static_cast<double>(p.TrailSamples)
                                          : (clock.Time - t) / p.TrailSeconds;
    return p.TrailColor.WithAlpha(1.0 - std::clamp(age, 0.0, 1.0));
  };
  for (std::int64_t i = first; i <= last; i += stride) {
    const double t = samples.TimeOf(i);
    const double* xy = samples.Row(i);
    if (!Finite2(xy)) {
      out.Trails.EndLine(); // a gap in the input breaks the trail
      continue;
    }
    out.Trails.Add(xy[0], xy[1], fade(i, t));
  }
  if (Finite2(here) && samples.TimeOf(last) < clock.Time) {
    out.Trails.Add(here[0], here[1], p.TrailColor);
  }
  out.Trails.EndLine();
}

void OverlaySet::BuildBodyparts(BodypartOverlay& b, const FrameClock& clock, OverlayFrame& out) {
  Scratch.resize(b.Parts.size() * 2);
  b.Samples->ValueAt(clock.Time, b.Interpolation, false, Scratch.data());
  for (std::size_t part = 0; part < b.Parts.size(); ++part) {
    const double* xy = &Scratch[2 * part];
    if (Finite2(xy)) {
      out.Bodyparts.Add(xy[0], xy[1], b.PartColors[part], b.Size, MarkerShape::Circle, static_cast<int>(part));
    }
  }
  for (const auto& [from, to] : b.Edges) {
    const double* a = &Scratch[2 * static_cast<std::size_t>(from)];
    const double* c = &Scratch[2 * static_cast<std::size_t>(to)];
    if (Finite2(a) && Finite2(c)) { // an edge with a missing end is skipped
      out.Skeleton.Add(a[0], a[1], b.EdgeColor);
      out.Skeleton.Add(c[0], c[1], b.EdgeColor);
      out.Skeleton.EndLine();
    }
  }
}

bool OverlaySet::AnchorAt(const HeadDirectionOverlay& h, double t, double* xy) {
  if (h.AnchorPosition >= 0) {
    PositionOverlay& p = PositionList[static_cast<std::size_t>(h.AnchorPosition)];
    p.Samples->ValueAt(t, p.Interpolation, false, xy);
  } else if (h.AnchorBodyparts >= 0) {
    BodypartOverlay& b = BodypartList[static_cast<std::size_t>(h.AnchorBodyparts)];
    std::vector<double> parts(b.Parts.size() * 2);
    b.Samples->ValueAt(t, b.Interpolation, false, parts.data());
    xy[0] = parts[2 * static_cast<std::size_t>(h.AnchorPart)];
    xy[1] = parts[2 * static_cast<std::size_t>(h.AnchorPart) + 1];
  } else {
    xy[0] = Centroid[0];
    xy[1] = Centroid[1];
  }
  return Finite2(xy);
}

void OverlaySet::BuildHeading(HeadDirectionOverlay& h, const FrameClock& clock, OverlayFrame& out) {
  double angle = 0.0;
  double anchor[2];
  if (!h.Samples->ValueAt(clock.Time, h.Interpolation, true, &angle) || !std::isfinite(angle) ||
    !AnchorAt(h, clock.Time, anchor)) {
    return;
  }
  out.Headings.Xy.insert(out.Headings.Xy.end(), { anchor[0], anchor[1] });
  out.Headings.Vectors.insert(out.Headings.Vectors.end(), { h.Length * std::cos(angle), h.Length * std::sin(angle) });
  out.Headings.Colors.push_back(h.Color);
}

bool OverlaySet::EventPosition(const EventOverlay& e, EventType& type, std::int64_t index, double* xy) {
  if (type.Samples->Width() == 2) {
    const double* row = type.Samples->Row(index);
    xy[0] = row[0];
    xy[1] = row[1];
  } else {
    // Placed on the trajectory at the event's own time; nowhere when there is no trajectory (NWB
    // spikes without position: still navigable, not drawn).
    if (e.PositionSource < 0 || static_cast<std::size_t>(e.PositionSource) >= PositionList.size()) {
      return false;
    }
    PositionOverlay& p = PositionList[static_cast<std::size_t>(e.PositionSource)];
    p.Samples->ValueAt(type.Samples->TimeOf(index), e.Interpolation, false, xy, Tie::Later); // as neurospatial
  }
  return Finite2(xy);
}

void OverlaySet::BuildEvents(EventOverlay& e, int firstSource, const FrameClock& clock, OverlayFrame& out) {
  double xy[2];
  for (std::size_t k = 0; k < e.Types.size(); ++k) {
    EventType& type = e.Types[k];
    const int source = firstSource + static_cast<int>(k);
    if (!type.Samples) {
      continue;
    }
    SampleStream& samples = *type.Samples;
    // An event belongs to the first frame at or after its time, and never before the first frame.
    const std::int64_t end = clock.Time > clock.LastTime ? samples.Count() : samples.FirstAfter(clock.Time);
    const std::int64_t sessionBegin = samples.FirstAtOrAfter(clock.FirstTime);
    if (e.Mode == EventMode::Cumulative) {
      const std::int64_t begin = std::max(sessionBegin, end - MaxCumulativeEvents);
      const bool reuse = begin >= type.CachedBegin && begin <= type.CachedEnd && end >= begin;
      if (!reuse) {
        type.Cached.clear();
        type.CachedBegin = type.CachedEnd = begin;
      }
      if (end < type.CachedEnd) {
        type.Cached.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, end - type.CachedBegin)));
        type.CachedEnd = std::max(end, type.CachedBegin);
      }
      for (std::int64_t i = type.CachedEnd; i < end; ++i) {
        if (!EventPosition(e, type, i, xy)) {
          xy[0] = xy[1] = std::numeric_limits<double>::quiet_NaN();
        }
        type.Cached.emplace_back(xy[0], xy[1]);
      }
      type.CachedEnd = std::max(type.CachedEnd, end);
      while (type.CachedBegin < begin && !type.Cached.empty()) {
        type.Cached.pop_front();
        ++type.CachedBegin;
      }
      const Rgba color = type.Color.WithAlpha(e.Opacity);
      for (const auto& [x, y] : type.Cached) {
        if (std::isfinite(x) && std::isfinite(y)) {
          out.Events.Add(x, y, color, e.Size, type.Marker, source);
        }
      }
      continue;
    }
    // Instant: events of this frame, i.e. after the previous frame's time. Decay: also the recent
    // ones, fading linearly to nothing decay_seconds after their time.
    const std::int64_t ownFrame = std::max(sessionBegin, samples.FirstAfter(clock.PreviousTime));
    const std::int64_t begin = e.Mode == EventMode::Instant
      ? ownFrame
      : std::max(sessionBegin, std::min(ownFrame, samples.FirstAfter(clock.Time - e.DecaySeconds)));
    for (std::int64_t i = begin; i < end; ++i) {
      if (!EventPosition(e, type, i, xy)) {
        continue;
      }
      double opacity = e.Opacity;
      if (e.Mode == EventMode::Decay && i < ownFrame) {
        opacity *= 1.0 - std::clamp((clock.Time - samples.TimeOf(i)) / e.DecaySeconds, 0.0, 1.0);
      }
      out.Events.Add(xy[0], xy[1], type.Color.WithAlpha(opacity), e.Size, type.Marker, source);
    }
  }
}

} // namespace neuroplayback
