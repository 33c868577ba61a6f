#pragma once
// Maps between frame indices and session times in O(1) (regular times) or O(log n) (explicit times)
// without ever holding all frame times in memory.
#include "BlockCache.h"
#include "RowSource.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace neuroplayback {

class FrameTimes {
public:
  // Frame i is at start + i / rate.
  static FrameTimes Regular(double start, double rate, std::int64_t count);
  // Explicit times read lazily from a one-value-per-row source, in blocks of blockSize.
  // name is the dataset path that messages give.
  static FrameTimes Explicit(std::unique_ptr<RowSource> source, std::int64_t blockSize = 4096,
    std::string name = "/time/frame_times");

  std::int64_t Count() const { return Size; }
  double First() const { return FirstTime; }
  double Last() const { return LastTime; }
  bool IsRegular() const { return Source == nullptr; }
  double Rate() const { return RegularRate; }

  double TimeOf(std::int64_t frame);
  // The latest frame at or before t; frame 0 for t before the first frame, the last for t after the end.
  std::int64_t FrameAt(double t);

  // Rows read from the source so far (to check that lookups stay logarithmic).
  std::int64_t RowsRead() const { return RowsReadCount; }

private:
  FrameTimes() = default;
  const std::vector<double>& Block(std::int64_t block);
  double BlockStart(std::int64_t block);
  void CheckBlock(std::int64_t block, const std::vector<double>& values) const;

  std::string Name = "/time/frame_times";
  std::int64_t Size = 0;
  double FirstTime = 0.0;
  double LastTime = 0.0;
  double RegularRate = 0.0;

  std::unique_ptr<RowSource> Source;
  std::int64_t BlockSize = 4096;
  std::int64_t RowsReadCount = 0;
  std::int64_t LastBlock = -1;
  BlockCache<std::vector<double>> Blocks{ 16 };
  std::unordered_map<std::int64_t, double> BlockStarts;
};

} // namespace neuroplayback
