#pragma once
// Fixed-size histogram for percentiles of long runs (lag, display intervals) in O(1) memory.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace neuroplayback {

class Histogram {
public:
  Histogram(double binWidth, std::size_t binCount) : Width(binWidth), Bins(binCount + 1, 0) {}

  void Add(double value) {
    value = std::max(0.0, value);
    const auto bin = std::min(static_cast<std::size_t>(value / Width), Bins.size() - 1);
    ++Bins[bin];
    ++Total;
    Max = std::max(Max, value);
  }

  // Upper edge of the bin holding quantile q in [0, 1]; values past the last bin report the maximum.
  double Quantile(double q) const {
    if (Total == 0) {
      return 0.0;
    }
    const auto rank = static_cast<std::int64_t>(q * static_cast<double>(Total - 1)) + 1;
    std::int64_t seen = 0;
    for (std::size_t bin = 0; bin < Bins.size(); ++bin) {
      seen += Bins[bin];
      if (seen >= rank) {
        return bin + 1 == Bins.size() ? Max : std::min(Max, (static_cast<double>(bin) + 1.0) * Width);
      }
    }
    return Max;
  }

  std::int64_t Count() const { return Total; }
  double Maximum() const { return Max; }
  void Clear() {
    std::fill(Bins.begin(), Bins.end(), 0);
    Total = 0;
    Max = 0.0;
  }

private:
  double Width;
  std::vector<std::int64_t> Bins;
  std::int64_t Total = 0;
  double Max = 0.0;
};

} // namespace neuroplayback
