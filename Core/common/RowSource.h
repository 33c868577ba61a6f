#pragma once
// Where streamed rows come from. The HDF5 implementation is the real one; tests may count calls.
#include <cstdint>
#include <memory>
#include <vector>

namespace neuroplayback {

// Columns [First, First + Count) of a row.
struct ColumnRun {
  std::int64_t First = 0;
  std::int64_t Count = 0;
};

// How many columns ascending, non-empty runs select within rows `width` wide; -1 when they are not
// such runs, or select nothing.
inline std::int64_t SelectedColumns(const std::vector<ColumnRun>& runs, std::int64_t width) {
  std::int64_t selected = 0;
  std::int64_t next = 0;
  for (const ColumnRun& run : runs) {
    if (run.First < next || run.Count < 1 || run.First + run.Count > width) {
      return -1;
    }
    next = run.First + run.Count;
    selected += run.Count;
  }
  return selected > 0 ? selected : -1;
}

class RowSource {
public:
  virtual ~RowSource() = default;
  // Copies rows [first, first + count) into out (row-major, RowWidth() values per row).
  virtual void ReadRows(std::int64_t first, std::int64_t count, void* out) = 0;
  virtual std::int64_t RowCount() const = 0;
  virtual std::int64_t RowWidth() const = 0;
  // A source of these columns of every row (ascending runs) that reads only them (one rank's bins
  // under MPI), or null when this source cannot.
  virtual std::unique_ptr<RowSource> Columns(const std::vector<ColumnRun>& /*runs*/) const { return nullptr; }
};

} // namespace neuroplayback
