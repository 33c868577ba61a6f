#pragma once
// The overlays of a session (/overlays): position with trail, bodyparts with skeleton, head direction
// and events, plus the time series (TimeSeries.h). Each is streamed by time window; Build() gives what
// to draw at one frame as plain arrays (no VTK), and the videos (VideoOverlay.h).
#include "Color.h"
#include "Environment.h"
#include "Intervals.h"
#include "SampleStream.h"
#include "TimeSeries.h"
#include "VideoOverlay.h"

#include <hdf5.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neuroplayback {

// Marker shapes, in the order of the glyph table (matplotlib's letters in the file).
enum class MarkerShape { Circle = 0, Square, TriangleUp, TriangleDown, Diamond, Plus, Cross, Star, Count };
MarkerShape ParseMarker(const std::string& text, const std::string& where);

enum class EventMode { Instant, Cumulative, Decay };

// Which overlay kinds Build() draws (a bit mask; benchmarks time them one by one).
enum OverlayKinds : unsigned { PositionKind = 1, BodypartKind = 2, HeadingKind = 4, EventKind = 8, AllKinds = 15 };

// The frame being drawn. PreviousTime is -infinity on the first frame.
struct FrameClock {
  double Time = 0.0;
  double PreviousTime = -std::numeric_limits<double>::infinity();
  double FirstTime = 0.0;
  double LastTime = 0.0;
};

// Points drawn as glyphs: marker shape, size (diameter, environment units) and colour per point.
struct MarkerSet {
  std::vector<double> Xy;
  std::vector<Rgba> Colors;
  std::vector<double> Sizes;
  std::vector<int> Shapes;
  std::vector<int> Sources; // which overlay, part or event type the point belongs to
  void Clear();
  void Add(double x, double y, Rgba color, double size, MarkerShape shape, int source);
  std::size_t Count() const { return Sizes.size(); }
};

// Polylines with a colour per vertex (alpha fades trails). Line k is [Starts[k], Starts[k + 1]).
struct LineSet {
  std::vector<double> Xy;
  std::vector<Rgba> Colors;
  std::vector<std::int64_t> Starts{ 0 };
  void Clear();
  void Add(double x, double y, Rgba color);
  // Ends the current line; a line of fewer than 2 points is dropped.
  void EndLine();
  std::size_t LineCount() const { return Starts.size() - 1; }
};

// Arrows from an anchor along a vector whose length is the arrow's length in environment units.
struct ArrowSet {
  std::vector<double> Xy;
  std::vector<double> Vectors;
  std::vector<Rgba> Colors;
  void Clear();
  std::size_t Count() const { return Colors.size(); }
};

struct OverlayFrame {
  MarkerSet Positions;
  LineSet Trails;
  MarkerSet Bodyparts;
  LineSet Skeleton;
  ArrowSet Headings;
  MarkerSet Events;
  void Clear();
};

struct PositionOverlay {
  std::string Name;
  std::unique_ptr<SampleStream> Samples; // (n, 2)
  Interp Interpolation = Interp::Linear;
  Rgba Color;
  double Size = 1.0;
  double TrailSeconds = 0.0;     // trail by age, or
  std::int64_t TrailSamples = 0; // trail by sample count
  Rgba TrailColor;
  // Reads a group of this kind under /overlays (the arena's larger side, `unit`, scales the default
  // sizes); throws SessionError naming the group and the fix.
  static PositionOverlay Load(hid_t group, const std::string& name, double unit, std::size_t cacheBytes);
};

struct BodypartOverlay {
  std::string Name;
  std::unique_ptr<SampleStream> Samples; // (n, n_parts, 2)
  Interp Interpolation = Interp::Linear;
  std::vector<std::string> Parts;
  std::vector<Rgba> PartColors;
  std::vector<std::pair<int, int>> Edges;
  Rgba EdgeColor;
  double EdgeWidth = 1.0;
  double Size = 1.0;
  std::string SkeletonName;
  // Reads a group of this kind under /overlays (the arena's larger side, `unit`, scales the default
  // sizes); throws SessionError naming the group and the fix.
  static BodypartOverlay Load(hid_t group, const std::string& name, double unit, std::size_t cacheBytes);
};

struct HeadDirectionOverlay {
  std::string Name;
  std::unique_ptr<SampleStream> Samples; // (n,) radians
  Interp Interpolation = Interp::Linear;
  Rgba Color;
  double Length = 1.0;
  double Width = 2.0;
  int AnchorPosition = -1; // index into the position overlays, or
  int AnchorBodyparts = -1; // index into the bodypart overlays, with
  int AnchorPart = -1;
  std::string AnchorName; // as written (a position overlay, or bodyparts/part); resolved into the indices
  // Reads a group of this kind under /overlays (the arena's larger side, `unit`, scales the default
  // sizes); throws SessionError naming the group and the fix.
  static HeadDirectionOverlay Load(hid_t group, const std::string& name, double unit, std::size_t cacheBytes);
};

struct EventType {
  std::string Name;
  std::unique_ptr<SampleStream> Samples; // times, with (m, 2) positions or none; null when empty
  Rgba Color;
  MarkerShape Marker = MarkerShape::Circle;
  // Cumulative mode keeps the shown events [CachedBegin, CachedEnd) between frames.
  std::deque<std::pair<double, double>> Cached;
  std::int64_t CachedBegin = 0;
  std::int64_t CachedEnd = 0;
};

struct EventOverlay {
  std::string Name;
  std::vector<EventType> Types;
  EventMode Mode = EventMode::Cumulative;
  double DecaySeconds = 0.5;
  double Size = 1.0;
  double Opacity = 0.7;
  int PositionSource = -1; // position overlay for events without their own positions
  Interp Interpolation = Interp::Linear;
  bool NeedsTrajectory = false; // some types have no xy: placed on the position overlay named
  std::string PositionSourceName; // as written (position_source); resolved into PositionSource
  // Reads a group of this kind under /overlays (the arena's larger side, `unit`, scales the default
  // sizes); throws SessionError naming the group and the fix.
  static EventOverlay Load(hid_t group, const std::string& name, double unit, std::size_t cacheBytes);
};

// One chart of time series: a named group on shared axes, or one ungrouped series.
struct ChartGroup {
  std::string Name;
  std::string Title;
  std::vector<int> Members;  // indices into OverlaySet::Series()
  double WindowSeconds = 2.0;  // the first member's (a group shares one window)
  double YMin = 0.0;  // union of the members' limits
  double YMax = 1.0;
  bool Grouped = false;
};

class OverlaySet {
public:
  // Most recent events kept on screen per event overlay in cumulative mode.
  static constexpr std::int64_t MaxCumulativeEvents = 1'000'000;

  // Reads /overlays (kinds position, bodyparts, head_direction, events, timeseries, video, intervals). Only headers and the first and last time blocks are read. A bad overlay is an
  // error (Errors()) and is left out; one with no time overlap with the session is a warning
  // (Warnings()) and is left out too. The field and the other overlays still play.
  // sessionDirectory resolves a video's relative external_path.
  static OverlaySet Load(hid_t file, const Environment& environment, double sessionFirst, double sessionLast,
    std::size_t cacheBytesPerOverlay = 8u << 20, const std::string& sessionDirectory = "");
  // No overlays yet, over this environment (its centroid anchors headings that have no anchor).
  static OverlaySet ForEnvironment(const Environment& environment);

  // Overlays read from elsewhere (the NWB import) join the file's own, before the first Build().
  // Anchors and position sources are indices into this set's lists. Each returns the new index.
  // A name already in use gets a suffix: UniqueName("position") is "position_2" when taken.
  std::string UniqueName(const std::string& name) const;
  int AddPosition(PositionOverlay overlay);
  int AddBodyparts(BodypartOverlay overlay);
  int AddHeading(HeadDirectionOverlay overlay);
  int AddEvents(EventOverlay overlay);
  int AddIntervals(IntervalOverlay overlay);
  // A time series drawn by the Time Series filter and read out in the annotation. Without a colour it
  // takes tab10 by its place among the series (as a series without a color attribute in the file).
  int AddSeries(TimeSeries series, std::optional<Rgba> color = std::nullopt);
  void AddError(const std::string& message) { ErrorList.push_back(message); }
  void AddWarning(const std::string& message) { WarningList.push_back(message); }

  // What to draw at a frame. An overlay that fails while streaming (a bad block of times) is turned
  // off with a warning; the others still draw.
  void Build(const FrameClock& clock, OverlayFrame& out, unsigned kinds = AllKinds);

  const std::vector<std::string>& Errors() const { return ErrorList; }
  const std::vector<std::string>& Warnings() const { return WarningList; }
  bool Empty() const;
  const std::vector<PositionOverlay>& Positions() const { return PositionList; }
  const std::vector<BodypartOverlay>& Bodyparts() const { return BodypartList; }
  const std::vector<HeadDirectionOverlay>& HeadDirections() const { return HeadingList; }
  const std::vector<EventOverlay>& Events() const { return EventList; }
  // Streams move their read position: navigation between events needs them writable.
  std::vector<EventOverlay>& MutableEvents() { return EventList; }
  std::vector<TimeSeries>& Series() { return SeriesList; }
  std::vector<std::unique_ptr<VideoOverlay>>& Videos() { return VideoList; }
  std::vector<IntervalOverlay>& Intervals() { return IntervalList; }
  // One line per interval overlay whose interval holds t ("trials 12/40 [3.20, 8.10 s] correct"). An
  // overlay that meets a bad row is turned off with a warning; the others still describe.
  std::vector<std::string> IntervalLines(double t);
  // The charts the time series are drawn in: named groups first, then each ungrouped series.
  std::vector<ChartGroup> Charts();
  // Widest skeleton edge width, for the line representation.
  double SkeletonWidth() const;
  std::int64_t RowsRead() const;

private:
  void BuildPosition(PositionOverlay& overlay, const FrameClock& clock, OverlayFrame& out);
  void BuildBodyparts(BodypartOverlay& overlay, const FrameClock& clock, OverlayFrame& out);
  void BuildHeading(HeadDirectionOverlay& overlay, const FrameClock& clock, OverlayFrame& out);
  void BuildEvents(EventOverlay& overlay, int firstSource, const FrameClock& clock, OverlayFrame& out);
  bool EventPosition(const EventOverlay& overlay, EventType& type, std::int64_t index, double* xy);
  bool AnchorAt(const HeadDirectionOverlay& overlay, double t, double* xy);

  std::vector<PositionOverlay> PositionList;
  std::vector<BodypartOverlay> BodypartList;
  std::vector<HeadDirectionOverlay> HeadingList;
  std::vector<EventOverlay> EventList;
  std::vector<TimeSeries> SeriesList;
  std::vector<std::unique_ptr<VideoOverlay>> VideoList;
  std::vector<IntervalOverlay> IntervalList;
  std::vector<bool> Disabled; // by overlay order: positions, bodyparts, headings, events
  std::vector<std::string> ErrorList;
  std::vector<std::string> WarningList;
  double Centroid[2] = { 0.0, 0.0 };
  std::vector<double> Scratch;
};

// The largest 1-2-5 length (1, 2, 5, 10, 20, ...) not above a fifth of the extent.
double ScaleBarLength(double extent);
// "10 cm", "2.5 m": the length without trailing zeros and the units.
std::string ScaleBarLabel(double length, const std::string& units);

} // namespace neuroplayback
