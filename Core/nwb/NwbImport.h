#pragma once
// NWB 2.x files (the HDF5 layout pynwb writes) read as NeuroPlayback overlays, through the HDF5 C API
// (no pynwb): Position / SpatialSeries -> position, CompassDirection -> head direction, ndx-pose
// PoseEstimation (+ Skeleton) -> bodyparts with skeleton, /units spike times -> events (one type per
// unit), TimeIntervals (/intervals/trials, epochs, ...) -> intervals plus their starts as events,
// BehavioralTimeSeries / PupilTracking children and plain TimeSeries (and 1-D SpatialSeries) in a module
// -> time series (charts), one per column.
//
// Every series is streamed like the session format's own overlays (SampleStream over RowAdapters):
// explicit `timestamps` or `starting_time` + `rate`, NWB `conversion` and `offset` applied on the fly,
// degrees turned into radians. Opening reads headers, the first and last time blocks, and a bounded
// sample of position blocks for the extent (of time series blocks for their y-range): its cost does not
// grow with the recording's length.
// The file is opened read-only. Like the rest of the core, everything runs on the calling thread.
#include "Environment.h"
#include "Hdf5.h"
#include "Overlays.h"

#include <hdf5.h>

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace neuroplayback {

// True when an open HDF5 file is NWB: root attribute neurodata_type = "NWBFile", or an nwb_version
// attribute.
bool IsNwbFile(hid_t file);
// The same for a path (cheap; false for anything that is not HDF5).
bool LooksLikeNwb(const std::string& path);

// The 1, 2 or 5 x 10^k nearest to target on a log scale (1 for a target that is not positive and finite).
double NiceStep(double target);
// A grid environment over bounds (xmin, xmax, ymin, ymax): square bins of a NiceStep size giving about
// targetBins bins along the longer side, one bin of margin on every side, every bin active. A point or
// an empty extent gets a small grid around it.
Environment GridOverExtent(const double bounds[4], const std::string& units, int targetBins = 40);
// NWB spells units out: "meters" -> "m", "centimeters" -> "cm", "pixels" -> "px"; others unchanged.
std::string ShortUnits(const std::string& unit);

class NwbImport {
public:
  // Opens the file read-only and reads every supported item into streamed overlays. Throws
  // SessionError when the file cannot be opened or is not NWB. A bad item (wrong shape, NaN or
  // non-increasing timestamps, mismatched lengths, ...) is an error naming it and the fix and is
  // left out; unsupported neurodata types and extensions are listed as a warning and skipped.
  static NwbImport Read(const std::string& path, std::size_t cacheBytesPerOverlay = 8u << 20);

  NwbImport(NwbImport&&) = default;
  NwbImport& operator=(NwbImport&&) = default;

  // True when no overlay could be read (none supported, or every one was bad).
  bool Empty() const;
  // Why an empty file shows nothing: "This NWB file has no Position, ...; found: ...", or the errors
  // of the items that were there but could not be read.
  std::string NothingToShow() const;
  const std::vector<std::string>& Errors() const { return ErrorList; }
  const std::vector<std::string>& Warnings() const { return WarningList; }
  // session_description, else identifier, else the file name.
  const std::string& Title() const { return FileTitle; }
  const std::string& Path() const { return FilePath; }

  // First and last time over every overlay read (the last interval's stop included).
  bool Span(double& first, double& last);
  // The behaviour clock: the rate of the first position (else pose, else head direction) series,
  // within [1, 1000] Hz; 30 Hz when there is none (spikes or intervals only).
  double ClockRate();
  // A grid over the position extent (else the pose extent) estimated from sampled blocks; a
  // placeholder 1 x 1 grid with a warning when the file has neither.
  Environment MakeEnvironment();
  // The share of time the first position spends in each bin of a grid environment, from the samples
  // read to size the arena (evenly spaced blocks: exact for short recordings, an estimate for long
  // ones, never a read of the whole series). Empty without position samples.
  std::vector<double> Occupancy(const Environment& environment) const;

  // Moves the overlays into set, sized for the environment (as the session format's defaults), with
  // names made unique, head directions anchored at the first position (the set's own when this file
  // has none) and events placed on it. An overlay whose times miss [first, last] is a warning and is
  // left out. This file's errors and warnings join the set's, each prefixed by messagePrefix.
  // Returns the names and kinds added.
  std::vector<std::pair<std::string, std::string>> MoveInto(OverlaySet& set, const Environment& environment,
    double first, double last, const std::string& messagePrefix = "");

  // The open file (the overlays' datasets keep it open anyway).
  h5::Handle ReleaseFile() { return std::move(File); }

private:
  NwbImport() = default;
  void Discover();
  void ReadPosition(const std::string& where);
  void ReadHeading(const std::string& where);
  void ReadPose(const std::string& where);
  void ReadUnits(const std::string& where);
  void ReadIntervals(const std::string& where);
  void ReadTimeSeries(const std::string& where);

  std::string FilePath;
  std::string FileTitle;
  h5::Handle File;
  std::size_t CacheBytes = 8u << 20;
  std::string Units;

  std::vector<PositionOverlay> Positions;
  std::vector<std::array<double, 4>> PositionBounds; // finite extent per position, or empty
  std::vector<double> PositionSamples; // the first position's (x, y) pairs read for its extent
  std::vector<BodypartOverlay> Bodyparts;
  std::vector<std::array<double, 4>> BodypartBounds;
  std::vector<HeadDirectionOverlay> Headings;
  std::vector<EventOverlay> EventSets;
  std::vector<IntervalOverlay> IntervalSets;
  std::vector<TimeSeries> SeriesSets; // one per column, a multi-column series' columns grouped

  std::vector<std::string> Found;        // every neurodata object seen: "path (type)"
  std::vector<std::string> Unsupported;  // the ones skipped: "path (type)"
  std::vector<std::string> ErrorList;
  std::vector<std::string> WarningList;
};

} // namespace neuroplayback
