#pragma once
// Streams one field (n_frames x n_bins) frame by frame through a bounded block cache.
// Blocks are aligned with the file's chunks, so one miss costs one chunk read; when playback
// moves steadily in one direction, a miss also reads the next blocks in that direction.
#include "BlockCache.h"
#include "RowSource.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback {

enum class ScalarType { Float32, Float64 };

struct FieldStreamStats {
  std::int64_t Requests = 0;
  std::int64_t Hits = 0;
  std::int64_t BlockReads = 0;   // source calls
  std::int64_t FramesRead = 0;   // rows fetched from the source, read-ahead included
};

class FieldStream {
public:
  FieldStream(std::string name, ScalarType type, std::unique_ptr<RowSource> source, std::int64_t blockFrames,
    std::size_t cacheBytes);

  const std::string& Name() const { return FieldName; }
  ScalarType Type() const { return ValueType; }
  std::size_t ValueSize() const { return ValueType == ScalarType::Float32 ? 4 : 8; }
  std::int64_t FrameCount() const { return Source->RowCount(); }
  std::int64_t BinCount() const { return Source->RowWidth(); }
  std::int64_t BlockFrames() const { return FramesPerBlock; }

  // n_bins values of the frame, as Type(); valid until the next call. The frame index is clamped.
  const void* Frame(std::int64_t frame);
  // Copies one frame as doubles without touching the cache (used for sampling).
  void ReadFrameUncached(std::int64_t frame, std::vector<double>& out);
  // Copies the frames [first, first + count) as doubles, frame after frame, in one source read and
  // without touching the cache (sampling a compressed field: one chunk inflated for many frames).
  void ReadFramesUncached(std::int64_t first, std::int64_t count, std::vector<double>& out);
  // True when reading one frame costs reading its whole block (a compressed chunk is inflated whole),
  // so sampling should take many frames of a few blocks rather than one frame of many.
  void SetWholeBlockReads(bool whole) { WholeBlockReads = whole; }
  bool ReadsWholeBlocks() const { return WholeBlockReads; }

  // A stream of these runs of bins only, reading only them from the source (one rank's piece under
  // MPI); null when the source cannot read columns. Its cache is its own.
  std::unique_ptr<FieldStream> Slab(const std::vector<ColumnRun>& bins) const;

  void SetReadAheadBlocks(std::int64_t blocks) { ReadAheadBlocks = blocks < 0 ? 0 : blocks; }
  const FieldStreamStats& Stats() const { return Counters; }
  std::size_t CachedBytes() const { return Blocks.Size() * BlockBytes(); }
  void ClearCache();

private:
  std::size_t BlockBytes() const;
  void LoadBlocks(std::int64_t firstBlock, std::int64_t count);

  std::string FieldName;
  ScalarType ValueType;
  std::unique_ptr<RowSource> Source;
  std::int64_t FramesPerBlock;
  std::size_t CacheBytes;
  std::int64_t ReadAheadBlocks = 1;
  bool WholeBlockReads = false;

  BlockCache<std::vector<unsigned char>> Blocks;
  std::int64_t PreviousFrame = -1;
  int Direction = 0;
  FieldStreamStats Counters;
};

} // namespace neuroplayback
