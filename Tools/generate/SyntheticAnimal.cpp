#include "SyntheticAnimal.h"

#include <algorithm>
#include <cstdio>

namespace neuroplayback::generate {
namespace {

constexpr double kVelocityTimeConstant = 1.0;  // s: how long the animal keeps its course
constexpr double kVelocitySpread = 14.0;       // cm/s per axis: mean speed ~17 cm/s
constexpr double kSmoothingTimeConstant = 0.1; // s: velocity smoothing for heading and speed
constexpr double kWallMargin = 3.0;            // cm: the body centre stays this far from walls
constexpr double kTrackMeanSpeed = 25.0;       // cm/s
constexpr double kTrackSpeedSpread = 8.0;

}  // namespace

AnimalSample interpolateSample(const AnimalSample& before, const AnimalSample& after, double time) {
  const double span = after.time - before.time;
  const double t = span > 0.0 ? std::clamp((time - before.time) / span, 0.0, 1.0) : 1.0;
  AnimalSample sample;
  sample.time = time;
  sample.position = lerp(before.position, after.position, t);
  sample.velocity = lerp(before.velocity, after.velocity, t);
  sample.tracked = t <= 0.0 ? before.tracked : (t >= 1.0 ? after.tracked : before.tracked && after.tracked);
  return sample;
}

TrackingLossWindow TrackingLossWindow::forSession(std::int64_t frameCount, double frameRate) {
  if (frameCount < 10) {
    return {};
  }
  const auto halfSecond = static_cast<std::int64_t>(std::llround(0.5 * frameRate));
  const std::int64_t gapLength = std::max<std::int64_t>(1, std::min(halfSecond, frameCount / 50));
  const std::int64_t firstFrame = frameCount * 37 / 100;
  return {firstFrame, firstFrame + gapLength};
}

AnimalSimulator::AnimalSimulator(const SyntheticEnvironment& environment, double frameRate, std::uint64_t seed)
    : environment_(environment),
      random_(seed, RandomStreamId::Trajectory),
      step_(1.0 / frameRate),
      velocityPersistence_(std::exp(-step_ / kVelocityTimeConstant)),
      velocitySmoothing_(1.0 - std::exp(-step_ / kSmoothingTimeConstant)),
      position_(environment.startPoint) {}

AnimalSample AnimalSimulator::nextFrame(double time) {
  if (!started_) {
    started_ = true;
    if (environment_.layout == LayoutKind::Track) {
      trackEdge_ = 0;  // starts at node 0, the start of edge 0
      trackDistance_ = 0.0;
      trackDirection_ = 1;
      trackSpeed_ = kTrackMeanSpeed;
      const auto& edge = environment_.track.edges[0];
      const Vec2 along = environment_.track.nodes[static_cast<std::size_t>(edge[1])] -
                         environment_.track.nodes[static_cast<std::size_t>(edge[0])];
      velocity_ = (trackSpeed_ / length(along)) * along;
    } else {
      velocity_ = {kVelocitySpread * random_.normal(), kVelocitySpread * random_.normal()};
    }
    smoothedVelocity_ = velocity_;
  } else if (environment_.layout == LayoutKind::Track) {
    stepAlongTrack();
  } else {
    stepOpenArena();
  }
  AnimalSample sample;
  sample.time = time;
  sample.position = position_;
  sample.velocity = smoothedVelocity_;
  return sample;
}

void AnimalSimulator::updateSmoothedVelocity(Vec2 instantaneousVelocity) {
  smoothedVelocity_ = smoothedVelocity_ + velocitySmoothing_ * (instantaneousVelocity - smoothedVelocity_);
}

void AnimalSimulator::stepOpenArena() {
  // Exact OU update, so the walk looks the same at 30 Hz and at 30 kHz.
  const double noiseScale = kVelocitySpread * std::sqrt(1.0 - velocityPersistence_ * velocityPersistence_);
  velocity_.x = velocityPersistence_ * velocity_.x + noiseScale * random_.normal();
  velocity_.y = velocityPersistence_ * velocity_.y + noiseScale * random_.normal();
  position_ = position_ + step_ * velocity_;
  const double low = kWallMargin;
  const double highX = environment_.arenaMax.x - kWallMargin;
  const double highY = environment_.arenaMax.y - kWallMargin;
  // Reflect off the walls, turning the velocity component around with the position.
  if (position_.x < low) {
    position_.x = 2.0 * low - position_.x;
    velocity_.x = std::abs(velocity_.x);
  } else if (position_.x > highX) {
    position_.x = 2.0 * highX - position_.x;
    velocity_.x = -std::abs(velocity_.x);
  }
  if (position_.y < low) {
    position_.y = 2.0 * low - position_.y;
    velocity_.y = std::abs(velocity_.y);
  } else if (position_.y > highY) {
    position_.y = 2.0 * highY - position_.y;
    velocity_.y = -std::abs(velocity_.y);
  }
  // Very low frame rates can take steps longer than the arena; keep the animal inside anyway.
  position_.x = std::clamp(position_.x, low, highX);
  position_.y = std::clamp(position_.y, low, highY);
  updateSmoothedVelocity(velocity_);
}

void AnimalSimulator::stepAlongTrack() {
  const TrackLayout& track = environment_.track;
  const double noiseScale = kTrackSpeedSpread * std::sqrt(1.0 - velocityPersistence_ * velocityPersistence_);
  trackSpeed_ = kTrackMeanSpeed + velocityPersistence_ * (trackSpeed_ - kTrackMeanSpeed) + noiseScale * random_.normal();
  trackSpeed_ = std::max(trackSpeed_, 2.0);
  double remaining = trackSpeed_ * step_;
  for (int hops = 0; remaining > 0.0 && hops < 1000; ++hops) {
    const auto& edge = track.edges[trackEdge_];
    const Vec2 first = track.nodes[static_cast<std::size_t>(edge[0])];
    const Vec2 second = track.nodes[static_cast<std::size_t>(edge[1])];
    const double edgeLength = length(second - first);
    const double toEnd = trackDirection_ > 0 ? edgeLength - trackDistance_ : trackDistance_;
    if (remaining < toEnd) {
      trackDistance_ += trackDirection_ * remaining;
      break;
    }
    remaining -= toEnd;
    // At a node: continue onto a random other edge there, or turn around at a dead end.
    const std::int32_t node = trackDirection_ > 0 ? edge[1] : edge[0];
    std::vector<std::size_t> exits;
    for (std::size_t candidate = 0; candidate < track.edges.size(); ++candidate) {
      if (candidate != trackEdge_ && (track.edges[candidate][0] == node || track.edges[candidate][1] == node)) {
        exits.push_back(candidate);
      }
    }
    if (exits.empty()) {
      trackDistance_ = trackDirection_ > 0 ? edgeLength : 0.0;
      trackDirection_ = -trackDirection_;
      continue;
    }
    trackEdge_ = exits[random_.index(exits.size())];
    const auto& next = track.edges[trackEdge_];
    trackDirection_ = next[0] == node ? 1 : -1;
    trackDistance_ = trackDirection_ > 0 ? 0.0 : length(track.nodes[static_cast<std::size_t>(next[1])] -
                                                        track.nodes[static_cast<std::size_t>(next[0])]);
  }
  const auto& edge = track.edges[trackEdge_];
  const Vec2 first = track.nodes[static_cast<std::size_t>(edge[0])];
  const Vec2 second = track.nodes[static_cast<std::size_t>(edge[1])];
  const double edgeLength = length(second - first);
  position_ = lerp(first, second, trackDistance_ / edgeLength);
  velocity_ = (trackDirection_ * trackSpeed_ / edgeLength) * (second - first);
  updateSmoothedVelocity(velocity_);
}

SpikeGenerator::SpikeGenerator(const std::vector<Vec2>& binCenters, int unitCount, std::uint64_t seed)
    : random_(seed, RandomStreamId::Spikes) {
  // tab20-like palette so neighbouring units are easy to tell apart.
  static const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                         "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
                                         "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"};
  constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);
  RandomStream unitRandom(seed, RandomStreamId::PlaceUnits);
  for (int index = 0; index < unitCount; ++index) {
    PlaceUnit unit;
    char name[16];
    std::snprintf(name, sizeof(name), "unit_%02d", index);
    unit.name = name;
    unit.color = kPalette[static_cast<std::size_t>(index) % kPaletteSize];
    // Field centres on bin centres, so on the track they lie on the track.
    unit.fieldCenter = binCenters[unitRandom.index(binCenters.size())];
    unit.fieldSigma = unitRandom.uniform(6.0, 12.0);
    unit.peakRate = unitRandom.uniform(6.0, 14.0);
    unit.baselineRate = unitRandom.uniform(0.05, 0.3);
    units_.push_back(unit);
    budget_.push_back(random_.exponential());
    lastSpikeTime_.push_back(-INFINITY);
  }
}

const std::array<const char*, BodypartPoser::kPartCount>& BodypartPoser::partNames() {
  static const std::array<const char*, kPartCount> names = {
      "nose", "left_ear", "right_ear", "neck", "body_center", "tail_base", "tail_mid", "tail_tip"};
  return names;
}

const std::array<const char*, BodypartPoser::kPartCount>& BodypartPoser::partColors() {
  static const std::array<const char*, kPartCount> colors = {"#ff4040", "#ffa040", "#ffa040", "#ffe040",
                                                             "#40c040", "#40a0ff", "#6060ff", "#a040ff"};
  return colors;
}

const std::vector<std::array<std::int32_t, 2>>& BodypartPoser::skeletonEdges() {
  // RAT_SKELETON edges: nose-neck, ears-neck, then down the spine to the tail tip.
  static const std::vector<std::array<std::int32_t, 2>> edges = {{0, 3}, {1, 3}, {2, 3}, {3, 4},
                                                                 {4, 5}, {5, 6}, {6, 7}};
  return edges;
}

BodypartPoser::BodypartPoser(std::uint64_t seed) : random_(seed, RandomStreamId::Bodyparts) {}

void BodypartPoser::pose(const AnimalSample& sample, double* xyOut) {
  // Offsets in the animal's frame: (forward, left), cm.
  static const std::array<Vec2, kPartCount> kBodyOffsets = {
      Vec2{10.0, 0.0}, Vec2{6.0, 2.5}, Vec2{6.0, -2.5}, Vec2{4.0, 0.0},
      Vec2{0.0, 0.0},  Vec2{-7.0, 0.0}, Vec2{-14.0, 0.0}, Vec2{-21.0, 0.0}};
  constexpr double kJitter = 0.3;        // cm of pose-estimation noise
  constexpr double kDropoutChance = 0.01;  // per part and sample: a few NaN samples
  const double heading = sample.heading();
  const Vec2 forward{std::cos(heading), std::sin(heading)};
  const Vec2 left{-forward.y, forward.x};
  // The tail sways from side to side, more towards the tip.
  const double sway = std::sin(2.0 * kPi * 1.5 * sample.time);
  for (std::size_t part = 0; part < kPartCount; ++part) {
    // Always draw the same number of random values, so dropouts do not shift later samples.
    const double jitterX = kJitter * random_.normal();
    const double jitterY = kJitter * random_.normal();
    const bool dropped = random_.uniform() < kDropoutChance;
    double lateral = kBodyOffsets[part].y;
    if (part == 6) {
      lateral += 1.5 * sway;
    } else if (part == 7) {
      lateral += 3.5 * sway;
    }
    if (!sample.tracked || dropped) {
      xyOut[2 * part] = kNaN;
      xyOut[2 * part + 1] = kNaN;
      continue;
    }
    const Vec2 point = sample.position + kBodyOffsets[part].x * forward + lateral * left;
    xyOut[2 * part] = point.x + jitterX;
    xyOut[2 * part + 1] = point.y + jitterY;
  }
}

}  // namespace neuroplayback::generate
