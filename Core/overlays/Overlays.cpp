#include "Overlays.h"

#include "Hdf5.h"
#include "OverlayReading.h"
#include "OverlayBuilding.h"
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

} // namespace


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
      PositionOverlay p = PositionOverlay::Load(g, name, unit, cacheBytes);
      if (overlaps(*p.Samples, where)) {
        set.PositionList.push_back(std::move(p));
      }
    } else if (kind == "bodyparts") {
      BodypartOverlay b = BodypartOverlay::Load(g, name, unit, cacheBytes);
      if (overlaps(*b.Samples, where)) {
        set.BodypartList.push_back(std::move(b));
      }
    } else if (kind == "head_direction") {
      HeadDirectionOverlay h = HeadDirectionOverlay::Load(g, name, unit, cacheBytes);
      if (overlaps(*h.Samples, where)) {
        set.HeadingList.push_back(std::move(h));
      }
    } else if (kind == "events") {
      set.EventList.push_back(EventOverlay::Load(g, name, unit, cacheBytes));
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
    const std::string& anchor = h.AnchorName;
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
      if (e.NeedsTrajectory) {
        const std::string where = "/overlays/" + e.Name;
        e.PositionSource = resolvePosition(e.PositionSourceName, where, "position_source");
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

} // namespace neuroplayback
