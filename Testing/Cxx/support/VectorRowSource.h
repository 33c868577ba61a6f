#pragma once
// An in-memory RowSource for unit tests that counts how often and how much it is read.
#include "RowSource.h"

#include <cstring>
#include <vector>

namespace neuroplayback::testing {

template <typename T>
class VectorRowSource : public RowSource {
public:
  VectorRowSource(std::vector<T> values, std::int64_t width, std::int64_t* calls = nullptr)
    : Values(std::move(values)), Width(width), Calls(calls) {}
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override {
    if (Calls) {
      ++*Calls;
    }
    std::memcpy(out, Values.data() + first * Width, static_cast<std::size_t>(count * Width) * sizeof(T));
  }
  std::int64_t RowCount() const override { return static_cast<std::int64_t>(Values.size()) / Width; }
  std::int64_t RowWidth() const override { return Width; }

private:
  std::vector<T> Values;
  std::int64_t Width;
  std::int64_t* Calls;
};

} // namespace neuroplayback::testing
