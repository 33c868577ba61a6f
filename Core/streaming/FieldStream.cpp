#include "FieldStream.h"

#include <algorithm>
#include <cstring>

namespace neuroplayback {

FieldStream::FieldStream(std::string name, ScalarType type, std::unique_ptr<RowSource> source,
  std::int64_t blockFrames, std::size_t cacheBytes)
  : FieldName(std::move(name))
  , ValueType(type)
  , Source(std::move(source))
  , FramesPerBlock(std::max<std::int64_t>(1, blockFrames))
  , CacheBytes(cacheBytes)
  , Blocks(std::max<std::size_t>(4, cacheBytes / std::max<std::size_t>(1, BlockBytes()))) {}

std::size_t FieldStream::BlockBytes() const {
  return static_cast<std::size_t>(FramesPerBlock * BinCount()) * ValueSize();
}

void FieldStream::ClearCache() { Blocks.Clear(); }

std::unique_ptr<FieldStream> FieldStream::Slab(const std::vector<ColumnRun>& bins) const {
  std::unique_ptr<RowSource> columns = Source->Columns(bins);
  if (!columns) {
    return nullptr;
  }
  auto slab = std::make_unique<FieldStream>(FieldName, ValueType, std::move(columns), FramesPerBlock, CacheBytes);
  slab->ReadAheadBlocks = ReadAheadBlocks;
  slab->WholeBlockReads = WholeBlockReads;
  return slab;
}

void FieldStream::LoadBlocks(std::int64_t firstBlock, std::int64_t count) {
  const std::int64_t firstFrame = firstBlock * FramesPerBlock;
  const std::int64_t frames = std::min(count * FramesPerBlock, FrameCount() - firstFrame);
  const std::size_t rowBytes = static_cast<std::size_t>(BinCount()) * ValueSize();
  std::vector<unsigned char> buffer(static_cast<std::size_t>(frames) * rowBytes);
  Source->ReadRows(firstFrame, frames, buffer.data());
  ++Counters.BlockReads;
  Counters.FramesRead += frames;
  for (std::int64_t b = 0; b * FramesPerBlock < frames; ++b) {
    const std::int64_t rows = std::min(FramesPerBlock, frames - b * FramesPerBlock);
    const auto begin = buffer.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(b * FramesPerBlock) * rowBytes);
    std::vector<unsigned char> block(begin, begin + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(rows) * rowBytes));
    Blocks.Insert(firstBlock + b, std::move(block));
  }
}

const void* FieldStream::Frame(std::int64_t frame) {
  frame = std::clamp<std::int64_t>(frame, 0, FrameCount() - 1);
  ++Counters.Requests;
  if (PreviousFrame >= 0 && frame != PreviousFrame) {
    const int step = frame > PreviousFrame ? 1 : -1;
    // Only a short hop counts as travel; a long jump is a seek and should not trigger read-ahead.
    const bool nearby = std::abs(frame - PreviousFrame) <= 2 * FramesPerBlock;
    Direction = nearby ? step : 0;
  }
  PreviousFrame = frame;

  const std::int64_t block = frame / FramesPerBlock;
  std::vector<unsigned char>* found = Blocks.Find(block);
  if (found) {
    ++Counters.Hits;
  } else {
    const std::int64_t blockCount = (FrameCount() + FramesPerBlock - 1) / FramesPerBlock;
    std::int64_t first = block;
    std::int64_t count = 1;
    if (Direction > 0) {
      count = std::min(1 + ReadAheadBlocks, blockCount - block);
    } else if (Direction < 0) {
      first = std::max<std::int64_t>(0, block - ReadAheadBlocks);
      count = block - first + 1;
    }
    LoadBlocks(first, count);
    found = Blocks.Find(block);
  }
  const std::size_t rowBytes = static_cast<std::size_t>(BinCount()) * ValueSize();
  return found->data() + static_cast<std::size_t>(frame % FramesPerBlock) * rowBytes;
}

void FieldStream::ReadFramesUncached(std::int64_t first, std::int64_t count, std::vector<double>& out) {
  first = std::clamp<std::int64_t>(first, 0, FrameCount() - 1);
  count = std::clamp<std::int64_t>(count, 0, FrameCount() - first);
  const auto values = static_cast<std::size_t>(count * BinCount());
  out.resize(values);
  if (ValueType == ScalarType::Float64) {
    Source->ReadRows(first, count, out.data());
    return;
  }
  std::vector<float> floats(values);
  Source->ReadRows(first, count, floats.data());
  std::copy(floats.begin(), floats.end(), out.begin());
}

void FieldStream::ReadFrameUncached(std::int64_t frame, std::vector<double>& out) {
  frame = std::clamp<std::int64_t>(frame, 0, FrameCount() - 1);
  const auto bins = static_cast<std::size_t>(BinCount());
  const std::size_t rowBytes = bins * ValueSize();
  std::vector<unsigned char> row(rowBytes);
  // A cached block serves the row without disturbing the cache's recency order.
  if (const std::vector<unsigned char>* cached = Blocks.Peek(frame / FramesPerBlock)) {
    std::memcpy(row.data(), cached->data() + static_cast<std::size_t>(frame % FramesPerBlock) * rowBytes, rowBytes);
  } else {
    Source->ReadRows(frame, 1, row.data());
  }
  out.resize(bins);
  if (ValueType == ScalarType::Float64) {
    std::memcpy(out.data(), row.data(), rowBytes);
  } else {
    std::vector<float> values(bins);
    std::memcpy(values.data(), row.data(), rowBytes);
    std::copy(values.begin(), values.end(), out.begin());
  }
}

} // namespace neuroplayback
