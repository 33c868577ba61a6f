// A simulated animal: where it is, how it moves, which place cells fire and how its body parts
// are arranged. Everything is driven frame by frame with O(1) state, so sessions of any length
// are generated in bounded memory.
#pragma once

#include "DeterministicRandom.h"
#include "Geometry.h"
#include "SyntheticEnvironment.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace neuroplayback::generate {

struct AnimalSample {
  double time = 0.0;
  Vec2 position;         // true position; always finite
  Vec2 velocity;         // smoothed velocity (cm/s), from which heading and speed are derived
  bool tracked = true;   // false inside the simulated tracking loss
  Vec2 trackedPosition() const { return tracked ? position : missingPoint(); }
  double heading() const { return std::atan2(velocity.y, velocity.x); }
  double speed() const { return length(velocity); }
};

// State at `time` between two frames, by linear interpolation; untracked if either side is.
AnimalSample interpolateSample(const AnimalSample& before, const AnimalSample& after, double time);

// Frames [firstFrame, endFrame) have no tracking (e.g. the LED was occluded).
struct TrackingLossWindow {
  std::int64_t firstFrame = 0;
  std::int64_t endFrame = 0;
  bool contains(std::int64_t frame) const { return frame >= firstFrame && frame < endFrame; }
  // About 0.5 s a bit past a third of the session; shorter for short sessions, none below 10 frames.
  static TrackingLossWindow forSession(std::int64_t frameCount, double frameRate);
};

// Random walk with momentum: an Ornstein-Uhlenbeck velocity, reflected at the arena walls, or
// carried along the track graph for the track layout. Steps use the nominal frame interval, so
// the path's statistics do not depend on --rate.
class AnimalSimulator {
 public:
  AnimalSimulator(const SyntheticEnvironment& environment, double frameRate, std::uint64_t seed);
  // The first call returns the starting state; each later call advances one frame.
  AnimalSample nextFrame(double time);

 private:
  void stepOpenArena();
  void stepAlongTrack();
  void updateSmoothedVelocity(Vec2 instantaneousVelocity);

  const SyntheticEnvironment& environment_;
  RandomStream random_;
  double step_;                 // nominal seconds per frame
  double velocityPersistence_;  // OU decay per step
  double velocitySmoothing_;    // EMA weight per step
  bool started_ = false;
  Vec2 position_;
  Vec2 velocity_;
  Vec2 smoothedVelocity_;
  // Track walk state: on edge trackEdge_, trackDistance_ cm from its first node, moving toward
  // its second node if trackDirection_ = +1.
  std::size_t trackEdge_ = 0;
  double trackDistance_ = 0.0;
  int trackDirection_ = 1;
  double trackSpeed_ = 0.0;
};

struct PlaceUnit {
  std::string name;
  std::string color;
  Vec2 fieldCenter;
  double fieldSigma = 0.0;  // cm
  double peakRate = 0.0;    // Hz
  double baselineRate = 0.0;
};

// Inhomogeneous Poisson spiking by time rescaling: each unit spends an Exp(1) budget of
// integrated rate, so several spikes can fall between two frames and spike times are exact
// within a frame interval.
class SpikeGenerator {
 public:
  SpikeGenerator(const std::vector<Vec2>& binCenters, int unitCount, std::uint64_t seed);

  const std::vector<PlaceUnit>& units() const { return units_; }

  // Calls onSpike(unitIndex, spikeTime, fractionOfInterval) for the spikes in (before, after].
  template <typename SpikeCallback>
  void advance(const AnimalSample& before, const AnimalSample& after, SpikeCallback&& onSpike) {
    const double interval = after.time - before.time;
    for (std::size_t unit = 0; unit < units_.size(); ++unit) {
      const double expectedSpikes = firingRate(units_[unit], after.position) * interval;
      double spent = 0.0;
      while (budget_[unit] <= expectedSpikes - spent) {
        spent += budget_[unit];
        const double fraction = spent / expectedSpikes;
        double spikeTime = before.time + fraction * interval;
        // Strictly increasing per unit even when rounding collapses two spikes together.
        if (spikeTime <= lastSpikeTime_[unit]) {
          spikeTime = std::nextafter(lastSpikeTime_[unit], INFINITY);
        }
        lastSpikeTime_[unit] = spikeTime;
        onSpike(unit, spikeTime, fraction);
        budget_[unit] = random_.exponential();
      }
      budget_[unit] -= expectedSpikes - spent;
    }
  }

 private:
  static double firingRate(const PlaceUnit& unit, Vec2 position) {
    const double d2 = squaredDistance(position, unit.fieldCenter);
    const double sigma2 = unit.fieldSigma * unit.fieldSigma;
    if (d2 > 25.0 * sigma2) {
      return unit.baselineRate;  // beyond 5 sigma the Gaussian is negligible; skip the exp
    }
    return unit.baselineRate + unit.peakRate * std::exp(-0.5 * d2 / sigma2);
  }

  std::vector<PlaceUnit> units_;
  std::vector<double> budget_;
  std::vector<double> lastSpikeTime_;
  RandomStream random_;
};

// The 8 parts of neurospatial's RAT_SKELETON placed around the animal, facing its heading.
class BodypartPoser {
 public:
  static constexpr std::size_t kPartCount = 8;
  static const std::array<const char*, kPartCount>& partNames();
  static const std::array<const char*, kPartCount>& partColors();
  static const std::vector<std::array<std::int32_t, 2>>& skeletonEdges();

  explicit BodypartPoser(std::uint64_t seed);
  // Writes kPartCount (x, y) pairs; NaN when untracked or when a part "drops out".
  void pose(const AnimalSample& sample, double* xyOut);

 private:
  RandomStream random_;
};

}  // namespace neuroplayback::generate
