#pragma once
// One overlay's samples: strictly increasing times and fixed-width rows of values, both read
// lazily in blocks, so a window costs the same at minute 1 and at hour 2 of a session.
// Alignment follows the reference (neurospatial _align_to_frame_times): linear or nearest
// inside the overlay's own time span, NaN outside it; angles are interpolated on the circle.
#include "FieldStream.h"
#include "FrameTimes.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback {

enum class Interp { Linear, Nearest };
// Which sample "nearest" takes when t is exactly halfway. neurospatial aligns overlays to frames with
// the earlier one, but places events on a trajectory and reads a series' cursor value with the later.
enum class Tie { Earlier, Later };

class SampleStream {
public:
  // where names the overlay in messages, timesWhere its times (where + "/times" when empty); values
  // may be null (times only). Both sources must have the same number of rows (the caller checks
  // shapes and says how to fix them).
  SampleStream(std::string where, std::unique_ptr<RowSource> times, std::unique_ptr<RowSource> values,
    std::int64_t blockRows, std::size_t cacheBytes, const std::string& timesWhere = "");

  const std::string& Where() const { return Name; }
  std::int64_t Count() const { return Times.Count(); }
  std::int64_t Width() const { return Values ? Values->BinCount() : 0; }
  double First() const { return Times.First(); }
  double Last() const { return Times.Last(); }

  double TimeOf(std::int64_t index) { return Times.TimeOf(index); }
  // The last sample at or before t; -1 when t is before the first sample.
  std::int64_t LastAtOrBefore(double t);
  // The first sample at or after t; Count() when t is after the last sample.
  std::int64_t FirstAtOrAfter(double t);
  // The first sample strictly after t; Count() when none.
  std::int64_t FirstAfter(double t);
  // Width() doubles; valid until the next Row() call.
  const double* Row(std::int64_t index);

  // Width() aligned values at t. Returns false and writes NaN outside [First(), Last()].
  // Nearest-sample ties go as tie says. NaN samples give NaN (a gap), never an error.
  bool ValueAt(double t, Interp interp, bool angles, double* out, Tie tie = Tie::Earlier);

  std::int64_t RowsRead() const { return Times.RowsRead() + (Values ? Values->Stats().FramesRead : 0); }

private:
  std::string Name;
  FrameTimes Times;
  std::unique_ptr<FieldStream> Values;
  std::vector<double> Scratch;
};

} // namespace neuroplayback
