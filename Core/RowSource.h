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
