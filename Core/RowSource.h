#pragma once
// Where streamed rows come from. The HDF5 implementation is the real one; tests may count calls.
#include <cstdint>

namespace neuroplayback {

class RowSource {
public:
  virtual ~RowSource() = default;
  // Copies rows [first, first + count) into out (row-major, RowWidth() values per row).
  virtual void ReadRows(std::int64_t first, std::int64_t count, void* out) = 0;
  virtual std::int64_t RowCount() const = 0;
  virtual std::int64_t RowWidth() const = 0;
};

} // namespace neuroplayback
