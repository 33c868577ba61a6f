#include "SampleStream.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuroplayback {

SampleStream::SampleStream(std::string where, std::unique_ptr<RowSource> times, std::unique_ptr<RowSource> values,
  std::int64_t blockRows, std::size_t cacheBytes, const std::string& timesWhere)
  : Name(std::move(where))
  , Times(FrameTimes::Explicit(std::move(times), std::max<std::int64_t>(2, blockRows),
      timesWhere.empty() ? Name + "/times" : timesWhere)) {
  if (values) {
    Values = std::make_unique<FieldStream>(Name, ScalarType::Float64, std::move(values), blockRows, cacheBytes);
    Values->SetReadAheadBlocks(0);
  }
}

std::int64_t SampleStream::LastAtOrBefore(double t) {
  if (!(t >= Times.First())) {
    return -1;
  }
  return Times.FrameAt(t);
}

std::int64_t SampleStream::FirstAtOrAfter(double t) {
  const std::int64_t before = LastAtOrBefore(t);
  if (before >= 0 && Times.TimeOf(before) == t) {
    return before;
  }
  return before + 1;
}

std::int64_t SampleStream::FirstAfter(double t) { return LastAtOrBefore(t) + 1; }

const double* SampleStream::Row(std::int64_t index) {
  return static_cast<const double*>(Values->Frame(index));
}

bool SampleStream::ValueAt(double t, Interp interp, bool angles, double* out, Tie tie) {
  const std::int64_t width = Width();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(t >= First() && t <= Last())) {
    std::fill(out, out + width, nan);
    return false;
  }
  const std::int64_t before = LastAtOrBefore(t);
  const double t0 = Times.TimeOf(before);
  if (t == t0 || before + 1 >= Count()) {
    const double* row = Row(before);
    std::copy(row, row + width, out);
    return true;
  }
  const double t1 = Times.TimeOf(before + 1);
  if (interp == Interp::Nearest) {
    const bool later = tie == Tie::Later ? (t - t0) >= (t1 - t) : (t - t0) > (t1 - t);
    const double* row = Row(later ? before + 1 : before);
    std::copy(row, row + width, out);
    return true;
  }
  const double w = (t - t0) / (t1 - t0);
  const double* first = Row(before);
  Scratch.assign(first, first + width);
  const double* second = Row(before + 1);
  for (std::int64_t i = 0; i < width; ++i) {
    const double a = Scratch[static_cast<std::size_t>(i)];
    const double b = second[i];
    if (angles) {
      // The short way round: interpolate the unit vectors and take the angle back.
      const double x = (1 - w) * std::cos(a) + w * std::cos(b);
      const double y = (1 - w) * std::sin(a) + w * std::sin(b);
      out[i] = std::atan2(y, x);
    } else {
      out[i] = a + w * (b - a);
    }
  }
  return true;
}

} // namespace neuroplayback
