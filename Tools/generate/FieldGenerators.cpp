#include "FieldGenerators.h"

#include <algorithm>
#include <cmath>

namespace neuroplayback::generate {
namespace {

struct BumpParameters {
  double sigma = 6.0;          // cm
  double lagSeconds = 0.15;    // the decoded position trails the animal
  double noiseSigma = 2.0;     // cm, decoding error
  double noiseSeconds = 0.3;   // decoding error correlation time
  bool normaliseToSum = true;  // posterior (sums to 1) or likelihood (peak 1)
};

// A Gaussian bump centred on a decoded position. Only bins within 4 sigma are evaluated (the
// rest are exactly 0), which is what keeps millions of frames cheap.
class GaussianBumpField final : public FieldGenerator {
 public:
  GaussianBumpField(std::string name, std::string label, std::string colormap, const BumpParameters& parameters,
                    const BinNeighbourIndex& bins, double frameRate, std::uint64_t seed, std::uint64_t streamOffset)
      : FieldGenerator(std::move(name), std::move(label), std::move(colormap)),
        parameters_(parameters),
        bins_(bins),
        random_(seed, RandomStreamId::FieldDecoderNoise, streamOffset),
        lagWeight_(1.0 - std::exp(-1.0 / (frameRate * parameters.lagSeconds))),
        noisePersistence_(std::exp(-1.0 / (frameRate * parameters.noiseSeconds))) {}

  void computeFrame(const AnimalSample& frame, double /*frameInterval*/, double* row) override {
    advanceDecoder(frame.position);
    const Vec2 center = decodedPosition_ + decodingError_;
    std::fill(row, row + bins_.binCount(), 0.0);
    const double inverseTwoSigma2 = 0.5 / (parameters_.sigma * parameters_.sigma);
    double total = 0.0;
    bins_.forEachWithin(center, 4.0 * parameters_.sigma, [&](std::uint32_t bin, double d2) {
      const double weight = std::exp(-d2 * inverseTwoSigma2);
      row[bin] = weight;
      total += weight;
    });
    if (total == 0.0) {
      // Decoded outside all bins (possible on a track): the mass goes to the nearest bin.
      row[bins_.nearestBin(center)] = 1.0;
      return;
    }
    if (parameters_.normaliseToSum) {
      const double scale = 1.0 / total;
      bins_.forEachWithin(center, 4.0 * parameters_.sigma, [&](std::uint32_t bin, double) { row[bin] *= scale; });
    }
  }

 private:
  void advanceDecoder(Vec2 truePosition) {
    if (!started_) {
      started_ = true;
      decodedPosition_ = truePosition;
      return;
    }
    decodedPosition_ = decodedPosition_ + lagWeight_ * (truePosition - decodedPosition_);
    const double noiseScale = parameters_.noiseSigma * std::sqrt(1.0 - noisePersistence_ * noisePersistence_);
    decodingError_.x = noisePersistence_ * decodingError_.x + noiseScale * random_.normal();
    decodingError_.y = noisePersistence_ * decodingError_.y + noiseScale * random_.normal();
  }

  BumpParameters parameters_;
  const BinNeighbourIndex& bins_;
  RandomStream random_;
  double lagWeight_;
  double noisePersistence_;
  bool started_ = false;
  Vec2 decodedPosition_;
  Vec2 decodingError_;
};

// Running place-field estimate of one unit: Gaussian-smoothed spike count / smoothed occupancy,
// NaN until a bin has enough occupancy. Grows in as the animal explores, like an online rate map.
class RateMapField final : public FieldGenerator {
 public:
  RateMapField(std::string name, std::string label, std::string colormap, const BinNeighbourIndex& bins,
               std::size_t unitIndex)
      : FieldGenerator(std::move(name), std::move(label), std::move(colormap)),
        bins_(bins),
        unitIndex_(unitIndex),
        occupancySeconds_(bins.binCount(), 0.0),
        spikeCounts_(bins.binCount(), 0.0) {}

  void computeFrame(const AnimalSample& frame, double frameInterval, double* row) override {
    if (frame.tracked && frameInterval > 0.0) {
      deposit(frame.position, frameInterval, occupancySeconds_);
    }
    for (std::size_t bin = 0; bin < bins_.binCount(); ++bin) {
      row[bin] = occupancySeconds_[bin] >= kMinimumOccupancySeconds ? spikeCounts_[bin] / occupancySeconds_[bin]
                                                                    : kNaN;
    }
  }

  void recordSpike(std::size_t unitIndex, Vec2 trackedPosition) override {
    if (unitIndex == unitIndex_ && !std::isnan(trackedPosition.x)) {
      deposit(trackedPosition, 1.0, spikeCounts_);
    }
  }

 private:
  static constexpr double kSmoothingSigma = 4.0;  // cm
  static constexpr double kMinimumOccupancySeconds = 0.05;

  void deposit(Vec2 position, double amount, std::vector<double>& target) {
    const double inverseTwoSigma2 = 0.5 / (kSmoothingSigma * kSmoothingSigma);
    bins_.forEachWithin(position, 3.0 * kSmoothingSigma,
                        [&](std::uint32_t bin, double d2) { target[bin] += amount * std::exp(-d2 * inverseTwoSigma2); });
  }

  const BinNeighbourIndex& bins_;
  std::size_t unitIndex_;
  std::vector<double> occupancySeconds_;
  std::vector<double> spikeCounts_;
};

}  // namespace

std::vector<std::unique_ptr<FieldGenerator>> makeFieldGenerators(int fieldCount, const BinNeighbourIndex& bins,
                                                                 double frameRate, std::uint64_t seed,
                                                                 int unitCount) {
  std::vector<std::unique_ptr<FieldGenerator>> fields;
  for (int index = 0; index < fieldCount; ++index) {
    const int repeat = index / 3;  // 0 for the first of each kind
    const std::string suffix = repeat == 0 ? std::string() : "_" + std::to_string(repeat + 1);
    const std::string labelSuffix = repeat == 0 ? std::string() : " #" + std::to_string(repeat + 1);
    const auto streamOffset = static_cast<std::uint64_t>(index);
    switch (index % 3) {
      case 0: {
        BumpParameters parameters;
        parameters.sigma = 6.0 + 1.5 * repeat;
        parameters.lagSeconds = 0.15 * (1 + repeat);
        fields.push_back(std::make_unique<GaussianBumpField>("posterior" + suffix, "Decoded posterior" + labelSuffix,
                                                             "Viridis (matplotlib)", parameters, bins, frameRate,
                                                             seed, streamOffset));
        break;
      }
      case 1: {
        BumpParameters parameters;
        parameters.sigma = 9.0 + 1.5 * repeat;
        parameters.lagSeconds = 0.05 * (1 + repeat);
        parameters.noiseSigma = 4.0;
        parameters.noiseSeconds = 0.2;
        parameters.normaliseToSum = false;
        fields.push_back(std::make_unique<GaussianBumpField>("likelihood" + suffix, "Likelihood" + labelSuffix,
                                                             "Inferno (matplotlib)", parameters, bins, frameRate,
                                                             seed, streamOffset));
        break;
      }
      default: {
        const std::size_t unit = unitCount > 0 ? static_cast<std::size_t>(repeat % unitCount) : 0;
        const std::string unitName = (unit < 10 ? "unit_0" : "unit_") + std::to_string(unit);
        fields.push_back(std::make_unique<RateMapField>("rate_map" + suffix, "Rate map of " + unitName + " (Hz)",
                                                        "Plasma (matplotlib)", bins, unit));
        break;
      }
    }
  }
  return fields;
}

}  // namespace neuroplayback::generate
