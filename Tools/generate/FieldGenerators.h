// Per-frame spatial maps over the environment's bins.
//
// Field i cycles through three related kinds: "posterior" (a decoder's normalised posterior
// around a lagged, noisy copy of the position), "likelihood" (a broader, noisier, peak-1 bump)
// and "rate_map" (the running smoothed place-field estimate of one unit, NaN where the animal has
// not been yet). Repeats get a numeric suffix and different parameters ("posterior_2", ...).
#pragma once

#include "DeterministicRandom.h"
#include "SyntheticAnimal.h"
#include "SyntheticEnvironment.h"

#include <memory>
#include <string>
#include <vector>

namespace neuroplayback::generate {

class FieldGenerator {
 public:
  FieldGenerator(std::string name, std::string label, std::string colormap)
      : name_(std::move(name)), label_(std::move(label)), colormap_(std::move(colormap)) {}
  virtual ~FieldGenerator() = default;
  FieldGenerator(const FieldGenerator&) = delete;
  FieldGenerator& operator=(const FieldGenerator&) = delete;

  const std::string& name() const { return name_; }
  const std::string& label() const { return label_; }
  const std::string& colormap() const { return colormap_; }

  // Fills one frame's row (n_bins values). frameInterval is the time since the previous frame.
  virtual void computeFrame(const AnimalSample& frame, double frameInterval, double* row) = 0;
  // Spikes of every unit arrive here, before the frame they precede is computed.
  virtual void recordSpike(std::size_t /*unitIndex*/, Vec2 /*trackedPosition*/) {}

 private:
  std::string name_;
  std::string label_;
  std::string colormap_;
};

std::vector<std::unique_ptr<FieldGenerator>> makeFieldGenerators(int fieldCount, const BinNeighbourIndex& bins,
                                                                 double frameRate, std::uint64_t seed,
                                                                 int unitCount);

}  // namespace neuroplayback::generate
