#include "FrameTimes.h"

#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace neuroplayback {

namespace {
std::string Describe(const std::string& name, std::int64_t index, double value) {
  std::ostringstream text;
  text.precision(17);
  text << (name == "/time/frame_times" ? "frame " : "sample ") << index << " (t = " << value << ")";
  return text.str();
}
} // namespace

FrameTimes FrameTimes::Regular(double start, double rate, std::int64_t count) {
  if (count <= 0) {
    throw SessionError("The session has no frames (n_frames = " + std::to_string(count) + ").",
      "Write at least one frame; /time/n_frames must be positive.");
  }
  if (!std::isfinite(start)) {
    throw SessionError("/time/start is not a finite number.", "Set /time start to the time of the first frame in seconds.");
  }
  if (!std::isfinite(rate) || rate <= 0.0) {
    throw SessionError("/time/rate must be a positive, finite frame rate in Hz.",
      "Set /time rate to the sampling rate, e.g. 500.");
  }
  FrameTimes times;
  times.Size = count;
  times.FirstTime = start;
  times.RegularRate = rate;
  times.LastTime = start + static_cast<double>(count - 1) / rate;
  return times;
}

FrameTimes FrameTimes::Explicit(std::unique_ptr<RowSource> source, std::int64_t blockSize, std::string name) {
  FrameTimes times;
  times.Name = std::move(name);
  times.Size = source->RowCount();
  if (times.Size <= 0) {
    throw SessionError(times.Name + " is empty.", "Write at least one time.");
  }
  times.Source = std::move(source);
  times.BlockSize = std::max<std::int64_t>(2, blockSize);
  // The first and last blocks are checked on open; the rest when a lookup first touches them.
  times.FirstTime = times.Block(0).front();
  const std::int64_t lastBlock = (times.Size - 1) / times.BlockSize;
  times.LastTime = times.Block(lastBlock).back();
  if (times.Size > 1 && !(times.LastTime > times.FirstTime)) {
    throw SessionError(times.Name + " is not increasing: the last time is not after the first.",
      "Times must be strictly increasing seconds; sort them or fix the clock.");
  }
  if (times.Size > 1) {
    times.RegularRate = static_cast<double>(times.Size - 1) / (times.LastTime - times.FirstTime);
  }
  return times;
}

void FrameTimes::CheckBlock(std::int64_t block, const std::vector<double>& values) const {
  const std::int64_t base = block * BlockSize;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw SessionError(Name + " has a non-finite value at " +
          Describe(Name, base + static_cast<std::int64_t>(i), values[i]) + ".",
        "Every time must be a finite number of seconds; drop or re-time that sample.");
    }
    if (i > 0 && !(values[i] > values[i - 1])) {
      throw SessionError(Name + " is not strictly increasing at " +
          Describe(Name, base + static_cast<std::int64_t>(i), values[i]) + ", after " +
          Describe(Name, base + static_cast<std::int64_t>(i) - 1, values[i - 1]) + ".",
        "Sort by time and remove duplicates (neuroplayback-validate lists every violation).");
    }
  }
}

const std::vector<double>& FrameTimes::Block(std::int64_t block) {
  if (const std::vector<double>* cached = Blocks.Find(block)) {
    return *cached;
  }
  const std::int64_t first = block * BlockSize;
  const std::int64_t count = std::min(BlockSize, Size - first);
  std::vector<double> values(static_cast<std::size_t>(count));
  Source->ReadRows(first, count, values.data());
  RowsReadCount += count;
  CheckBlock(block, values);
  BlockStarts[block] = values.front();
  return Blocks.Insert(block, std::move(values));
}

double FrameTimes::BlockStart(std::int64_t block) {
  auto found = BlockStarts.find(block);
  if (found != BlockStarts.end()) {
    return found->second;
  }
  double value = 0.0;
  Source->ReadRows(block * BlockSize, 1, &value);
  RowsReadCount += 1;
  if (!std::isfinite(value)) {
    throw SessionError(Name + " has a non-finite value at " + Describe(Name, block * BlockSize, value) + ".",
      "Every time must be a finite number of seconds.");
  }
  if (value < FirstTime || value > LastTime) {
    throw SessionError(Name + " is not increasing: " + Describe(Name, block * BlockSize, value) +
        " lies outside the span of the first and last times.",
      "Sort by time; check the file with neuroplayback-validate.");
  }
  BlockStarts[block] = value;
  return value;
}

double FrameTimes::TimeOf(std::int64_t frame) {
  frame = std::clamp<std::int64_t>(frame, 0, Size - 1);
  if (IsRegular()) {
    return FirstTime + static_cast<double>(frame) / RegularRate;
  }
  return Block(frame / BlockSize)[static_cast<std::size_t>(frame % BlockSize)];
}

std::int64_t FrameTimes::FrameAt(double t) {
  if (!(t > FirstTime)) { // also catches NaN
    return 0;
  }
  if (t >= LastTime) {
    return Size - 1;
  }
  if (IsRegular()) {
    auto frame = static_cast<std::int64_t>(std::floor((t - FirstTime) * RegularRate));
    frame = std::clamp<std::int64_t>(frame, 0, Size - 1);
    // Guard floating-point rounding at frame boundaries so TimeOf(FrameAt(t)) <= t always holds.
    while (frame > 0 && TimeOf(frame) > t) {
      --frame;
    }
    while (frame + 1 < Size && TimeOf(frame + 1) <= t) {
      ++frame;
    }
    return frame;
  }
  const std::int64_t blockCount = (Size + BlockSize - 1) / BlockSize;
  std::int64_t block = -1;
  // Playback moves forward a little at a time: try the last block and its successor first.
  for (std::int64_t guess : {LastBlock, LastBlock + 1}) {
    if (guess >= 0 && guess < blockCount && BlockStart(guess) <= t &&
        (guess + 1 == blockCount || BlockStart(guess + 1) > t)) {
      block = guess;
      break;
    }
  }
  if (block < 0) {
    std::int64_t low = 0;
    std::int64_t high = blockCount - 1;
    while (low < high) {
      const std::int64_t mid = (low + high + 1) / 2;
      if (BlockStart(mid) <= t) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    block = low;
  }
  LastBlock = block;
  const std::vector<double>& values = Block(block);
  const auto after = std::upper_bound(values.begin(), values.end(), t);
  const auto offset = static_cast<std::int64_t>(after - values.begin()) - 1;
  return block * BlockSize + std::max<std::int64_t>(0, offset);
}

} // namespace neuroplayback
