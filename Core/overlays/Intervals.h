#pragma once
// Interval overlays (trials, epochs): a start and stop time and an optional label per interval,
// streamed like every other overlay (start times are the sample times, stop times the values), so
// finding the interval at a time costs O(log n) reads and a label is read only when shown.
#include "Color.h"
#include "Hdf5.h"
#include "SampleStream.h"

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <string>

namespace neuroplayback {

// One label per interval, read on demand.
class LabelSource {
public:
  virtual ~LabelSource() = default;
  virtual std::string LabelOf(std::int64_t index) = 0;
};

// A 1-D string dataset: the format's `labels`, an NWB text column.
class StringColumn : public LabelSource {
public:
  explicit StringColumn(h5::Handle dataset) : Dataset(std::move(dataset)) {}
  std::string LabelOf(std::int64_t index) override;

private:
  h5::Handle Dataset;
};

// An NWB ragged text column (e.g. TimeIntervals' tags): the strings of row i are
// values[index[i - 1] : index[i]] (a VectorIndex of end offsets), joined by ", ".
class RaggedStringColumn : public LabelSource {
public:
  RaggedStringColumn(h5::Handle values, h5::Handle index) : Values(std::move(values)), Index(std::move(index)) {}
  std::string LabelOf(std::int64_t index) override;

private:
  h5::Handle Values;
  h5::Handle Index;
};

struct IntervalOverlay {
  std::string Name;   // overlay name, e.g. "trials"
  std::string Label;  // display label (attr label, else Name)
  Rgba Color;
  std::unique_ptr<SampleStream> Samples; // times = start_time, values = stop_time (width 1), streamed
  std::unique_ptr<LabelSource> Labels;   // null when there are no labels
  bool Disabled = false; // set when a bad row was met while streaming (reported once)

  // index of the interval containing t, or -1 (O(log n), streamed). Intervals are expected not to
  // overlap; where they do, the latest start among the few before t whose interval holds t wins.
  std::int64_t IndexAt(double t);
  std::string LabelOf(std::int64_t index); // "" when no labels (read one string on demand)
  std::int64_t Count() const { return Samples ? Samples->Count() : 0; }
  // The stop time of an interval; throws SessionError when it is not finite or before its start.
  double StopOf(std::int64_t index);
  // "trials 12/40 [3.20, 8.10 s] correct" for the interval at t (1-based), or "" outside every one.
  std::string Describe(double t);

  // Reads /overlays/<name> of kind intervals: start_time (n,), stop_time (n,), optional labels (n,),
  // attrs label and color. Checks the first and last intervals; the rest are checked when read.
  static IntervalOverlay Load(hid_t group, const std::string& name, std::size_t cacheBytes);

private:
  std::int64_t CachedLabelIndex = -1;
  std::string CachedLabel;
};

} // namespace neuroplayback
