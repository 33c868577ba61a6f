#include "RowAdapters.h"

#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuroplayback {

RegularTimesSource::RegularTimesSource(double start, double rate, std::int64_t count)
  : Start(start), Rate(rate), Count(count) {}

void RegularTimesSource::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  auto* values = static_cast<double*>(out);
  for (std::int64_t i = 0; i < count; ++i) {
    values[i] = Start + static_cast<double>(first + i) / Rate;
  }
}

ConstantRows::ConstantRows(std::int64_t rows, std::int64_t width, double value)
  : Rows(rows), Width(width), Value(value) {}

void MemoryRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  std::copy_n(Values.begin() + first * Width, count * Width, static_cast<double*>(out));
}

void RepeatedRows::ReadRows(std::int64_t, std::int64_t count, void* out) {
  auto* rows = static_cast<double*>(out);
  for (std::int64_t i = 0; i < count; ++i) {
    std::copy(Row.begin(), Row.end(), rows + i * static_cast<std::int64_t>(Row.size()));
  }
}

void ConstantRows::ReadRows(std::int64_t, std::int64_t count, void* out) {
  std::fill_n(static_cast<double*>(out), count * Width, Value);
}

std::unique_ptr<RowSource> RepeatedRows::Columns(const std::vector<ColumnRun>& runs) const {
  if (SelectedColumns(runs, RowWidth()) < 0) {
    return nullptr;
  }
  std::vector<double> row;
  for (const ColumnRun& run : runs) {
    row.insert(row.end(), Row.begin() + run.First, Row.begin() + run.First + run.Count);
  }
  return std::make_unique<RepeatedRows>(Rows, std::move(row));
}

std::unique_ptr<RowSource> ConstantRows::Columns(const std::vector<ColumnRun>& runs) const {
  const std::int64_t selected = SelectedColumns(runs, Width);
  return selected < 0 ? nullptr : std::make_unique<ConstantRows>(Rows, selected, Value);
}

SliceRows::SliceRows(std::shared_ptr<RowSource> source, std::int64_t first, std::int64_t count)
  : Source(std::move(source)), First(first), Count(count) {}

void SliceRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  Source->ReadRows(First + first, count, out);
}

ColumnRows::ColumnRows(std::unique_ptr<RowSource> source, std::int64_t firstColumn, std::int64_t columnCount)
  : Source(std::move(source)), FirstColumn(firstColumn), Columns(columnCount) {}

void ColumnRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  const std::int64_t width = Source->RowWidth();
  if (width == Columns && FirstColumn == 0) {
    Source->ReadRows(first, count, out);
    return;
  }
  Scratch.resize(static_cast<std::size_t>(count * width));
  Source->ReadRows(first, count, Scratch.data());
  auto* values = static_cast<double*>(out);
  for (std::int64_t row = 0; row < count; ++row) {
    const double* from = Scratch.data() + row * width + FirstColumn;
    std::copy(from, from + Columns, values + row * Columns);
  }
}

AffineRows::AffineRows(std::unique_ptr<RowSource> source, double scale, double offset)
  : Source(std::move(source)), Scale(scale), Offset(offset) {}

void AffineRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  Source->ReadRows(first, count, out);
  if (Scale == 1.0 && Offset == 0.0) {
    return;
  }
  auto* values = static_cast<double*>(out);
  for (std::int64_t i = 0; i < count * Source->RowWidth(); ++i) {
    values[i] = values[i] * Scale + Offset;
  }
}

VectorAngleRows::VectorAngleRows(std::unique_ptr<RowSource> source) : Source(std::move(source)) {}

void VectorAngleRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  const std::int64_t width = Source->RowWidth();
  Scratch.resize(static_cast<std::size_t>(count * width));
  Source->ReadRows(first, count, Scratch.data());
  auto* values = static_cast<double*>(out);
  for (std::int64_t row = 0; row < count; ++row) {
    const double x = Scratch[static_cast<std::size_t>(row * width)];
    const double y = Scratch[static_cast<std::size_t>(row * width + 1)];
    // atan2 of a NaN component is NaN already; (0, 0) has no direction.
    values[row] = (x == 0.0 && y == 0.0) ? std::numeric_limits<double>::quiet_NaN() : std::atan2(y, x);
  }
}

StackedRows::StackedRows(std::vector<std::unique_ptr<RowSource>> parts) : Parts(std::move(parts)) {
  for (std::size_t i = 0; i < Parts.size(); ++i) {
    if (i > 0 && Parts[i]->RowCount() != Rows) {
      throw SessionError("Stacked parts differ in length: part " + std::to_string(i) + " has " +
          std::to_string(Parts[i]->RowCount()) + " rows, part 0 has " + std::to_string(Rows) + ".",
        "Give every part the same samples (one row per time stamp).");
    }
    Rows = Parts[i]->RowCount();
    Width += Parts[i]->RowWidth();
  }
}

void StackedRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  auto* values = static_cast<double*>(out);
  std::int64_t column = 0;
  for (const auto& part : Parts) {
    const std::int64_t width = part->RowWidth();
    Scratch.resize(static_cast<std::size_t>(count * width));
    part->ReadRows(first, count, Scratch.data());
    for (std::int64_t row = 0; row < count; ++row) {
      const double* from = Scratch.data() + row * width;
      std::copy(from, from + width, values + row * Width + column);
    }
    column += width;
  }
}

bool EstimateExtent(RowSource& xy, double bounds[4], std::int64_t maxBlocks, std::int64_t blockRows,
  std::vector<double>* samples) {
  const std::int64_t rows = xy.RowCount();
  const std::int64_t width = xy.RowWidth();
  const double infinity = std::numeric_limits<double>::infinity();
  bounds[0] = bounds[2] = infinity;
  bounds[1] = bounds[3] = -infinity;
  if (rows <= 0 || width < 2) {
    return false;
  }
  blockRows = std::max<std::int64_t>(1, std::min(blockRows, rows));
  const std::int64_t blocks = std::min<std::int64_t>(std::max<std::int64_t>(1, maxBlocks), (rows + blockRows - 1) / blockRows);
  std::vector<double> block(static_cast<std::size_t>(blockRows * width));
  bool found = false;
  for (std::int64_t b = 0; b < blocks; ++b) {
    // Evenly spaced, the first block at the start and the last at the end.
    const std::int64_t first = blocks > 1 ? (rows - blockRows) * b / (blocks - 1) : 0;
    xy.ReadRows(first, blockRows, block.data());
    for (std::int64_t row = 0; row < blockRows; ++row) {
      for (std::int64_t pair = 0; pair + 1 < width; pair += 2) {
        const double x = block[static_cast<std::size_t>(row * width + pair)];
        const double y = block[static_cast<std::size_t>(row * width + pair + 1)];
        if (std::isfinite(x) && std::isfinite(y)) {
          bounds[0] = std::min(bounds[0], x);
          bounds[1] = std::max(bounds[1], x);
          bounds[2] = std::min(bounds[2], y);
          bounds[3] = std::max(bounds[3], y);
          found = true;
          if (samples) {
            samples->push_back(x);
            samples->push_back(y);
          }
        }
      }
    }
  }
  return found;
}

} // namespace neuroplayback
