#pragma once
// RowSources that reshape another source block by block, so data stored in other layouts (NWB
// series, ragged spike tables, per-part pose series) streams through the same SampleStream and
// FrameTimes as the session format's own datasets. Every adapter reads and writes doubles, reads
// only the rows asked for, and keeps at most one block of scratch memory.
#include "RowSource.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace neuroplayback {

// Times start + i / rate, as FrameTimes::Regular computes them, so overlay samples and frames on
// the same regular clock agree exactly.
class RegularTimesSource : public RowSource {
public:
  RegularTimesSource(double start, double rate, std::int64_t count);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Count; }
  std::int64_t RowWidth() const override { return 1; }

private:
  double Start;
  double Rate;
  std::int64_t Count;
};

// Every value the same (a NaN placeholder field for an NWB file opened on its own).
// Rows held in memory (row-major, width values each): a summary built on demand.
class MemoryRows : public RowSource {
public:
  MemoryRows(std::vector<double> values, std::int64_t width) : Values(std::move(values)), Width(width) {}
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Width > 0 ? static_cast<std::int64_t>(Values.size()) / Width : 0; }
  std::int64_t RowWidth() const override { return Width; }

private:
  std::vector<double> Values;
  std::int64_t Width;
};

// The same row every time: a time-independent field (an NWB file's occupancy) as a stream of frames.
class RepeatedRows : public RowSource {
public:
  RepeatedRows(std::int64_t rows, std::vector<double> row) : Rows(rows), Row(std::move(row)) {}
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Rows; }
  std::int64_t RowWidth() const override { return static_cast<std::int64_t>(Row.size()); }
  std::unique_ptr<RowSource> Columns(const std::vector<ColumnRun>& runs) const override;

private:
  std::int64_t Rows;
  std::vector<double> Row;
};

class ConstantRows : public RowSource {
public:
  ConstantRows(std::int64_t rows, std::int64_t width, double value);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Rows; }
  std::int64_t RowWidth() const override { return Width; }
  std::unique_ptr<RowSource> Columns(const std::vector<ColumnRun>& runs) const override;

private:
  std::int64_t Rows;
  std::int64_t Width;
  double Value;
};

// Rows [first, first + count) of a shared source: one unit's spikes in a flat spike_times dataset.
class SliceRows : public RowSource {
public:
  SliceRows(std::shared_ptr<RowSource> source, std::int64_t first, std::int64_t count);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Count; }
  std::int64_t RowWidth() const override { return Source->RowWidth(); }

private:
  std::shared_ptr<RowSource> Source;
  std::int64_t First;
  std::int64_t Count;
};

// Columns [firstColumn, firstColumn + columnCount) of every row: x and y of an (n, 3) series.
class ColumnRows : public RowSource {
public:
  ColumnRows(std::unique_ptr<RowSource> source, std::int64_t firstColumn, std::int64_t columnCount);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Source->RowCount(); }
  std::int64_t RowWidth() const override { return Columns; }

private:
  std::unique_ptr<RowSource> Source;
  std::int64_t FirstColumn;
  std::int64_t Columns;
  std::vector<double> Scratch;
};

// value * scale + offset: NWB's conversion and offset, degrees to radians, a clock offset.
class AffineRows : public RowSource {
public:
  AffineRows(std::unique_ptr<RowSource> source, double scale, double offset);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Source->RowCount(); }
  std::int64_t RowWidth() const override { return Source->RowWidth(); }

private:
  std::unique_ptr<RowSource> Source;
  double Scale;
  double Offset;
};

// The angle atan2(y, x) of (x, y) rows: a direction stored as a vector. NaN in, NaN out.
class VectorAngleRows : public RowSource {
public:
  explicit VectorAngleRows(std::unique_ptr<RowSource> source);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Source->RowCount(); }
  std::int64_t RowWidth() const override { return 1; }

private:
  std::unique_ptr<RowSource> Source;
  std::vector<double> Scratch;
};

// Several sources with the same row count side by side: row i is part 0's row i, then part 1's,
// ... (body parts stacked into one (n, n_parts * width) stream).
class StackedRows : public RowSource {
public:
  // Throws SessionError when the parts differ in row count (the caller names them first).
  explicit StackedRows(std::vector<std::unique_ptr<RowSource>> parts);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Rows; }
  std::int64_t RowWidth() const override { return Width; }

private:
  std::vector<std::unique_ptr<RowSource>> Parts;
  std::int64_t Rows = 0;
  std::int64_t Width = 0;
  std::vector<double> Scratch;
};

// The bounding box of the finite (x, y) pairs in a source (each row holds one or more pairs),
// from at most maxBlocks evenly spaced blocks of blockRows rows: open time stays constant however
// long the recording. Returns false when no finite pair was seen. When samples is given, the finite
// pairs read are appended to it (x0, y0, x1, y1, ...), e.g. for an occupancy estimate.
bool EstimateExtent(RowSource& xy, double bounds[4], std::int64_t maxBlocks = 32, std::int64_t blockRows = 4096,
  std::vector<double>* samples = nullptr);

} // namespace neuroplayback
