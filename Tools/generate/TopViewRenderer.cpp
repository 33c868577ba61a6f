#include "TopViewRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace neuroplayback::generate {
namespace {

constexpr std::uint8_t kOutsideGrey = 60;
constexpr std::uint8_t kArenaGrey = 150;
constexpr std::uint8_t kTrackGrey = 210;
constexpr std::uint8_t kAnimalGrey = 15;
constexpr double kAnimalRadius = 3.5;  // cm
constexpr double kTrackHalfWidth = 3.0;  // cm

double distanceToSegment(Vec2 point, Vec2 start, Vec2 end) {
  const Vec2 along = end - start;
  const double lengthSquared = along.x * along.x + along.y * along.y;
  const double t = lengthSquared > 0.0
                       ? std::clamp(((point.x - start.x) * along.x + (point.y - start.y) * along.y) / lengthSquared,
                                    0.0, 1.0)
                       : 0.0;
  return length(point - lerp(start, end, t));
}

}  // namespace

TopViewRenderer::TopViewRenderer(const SyntheticEnvironment& environment, int width, int height)
    : width_(width), height_(height) {
  // Fit the arena plus a 5 cm margin, centred, keeping pixels square.
  const Vec2 arenaSize = environment.arenaMax - environment.arenaMin;
  cmPerPixel_ = std::max((arenaSize.x + 10.0) / width_, (arenaSize.y + 10.0) / height_);
  const Vec2 center = lerp(environment.arenaMin, environment.arenaMax, 0.5);
  left_ = center.x - 0.5 * cmPerPixel_ * width_;
  top_ = center.y + 0.5 * cmPerPixel_ * height_;

  background_.assign(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_) * 3, kOutsideGrey);
  for (int row = 0; row < height_; ++row) {
    for (int column = 0; column < width_; ++column) {
      const Vec2 point = pixelCenter(column, row);
      const bool inArena = point.x >= environment.arenaMin.x && point.x <= environment.arenaMax.x &&
                           point.y >= environment.arenaMin.y && point.y <= environment.arenaMax.y;
      if (!inArena) {
        continue;
      }
      std::uint8_t value = kArenaGrey;
      if (environment.layout == LayoutKind::Track) {
        for (const auto& edge : environment.track.edges) {
          if (distanceToSegment(point, environment.track.nodes[static_cast<std::size_t>(edge[0])],
                                environment.track.nodes[static_cast<std::size_t>(edge[1])]) <= kTrackHalfWidth) {
            value = kTrackGrey;
          }
        }
      }
      setPixel(background_.data(), column, row, value);
    }
  }
}

std::array<double, 9> TopViewRenderer::pixelToEnvironment() const {
  return {cmPerPixel_, 0.0, left_, 0.0, -cmPerPixel_, top_, 0.0, 0.0, 1.0};
}

Vec2 TopViewRenderer::pixelCenter(int column, int row) const {
  return {left_ + cmPerPixel_ * (column + 0.5), top_ - cmPerPixel_ * (row + 0.5)};
}

void TopViewRenderer::setPixel(std::uint8_t* rgb, int column, int row, std::uint8_t value) const {
  std::uint8_t* pixel = rgb + (static_cast<std::size_t>(row) * static_cast<std::size_t>(width_) +
                               static_cast<std::size_t>(column)) * 3;
  pixel[0] = value;
  pixel[1] = value;
  pixel[2] = value;
}

void TopViewRenderer::render(std::uint64_t frameIndex, Vec2 animalPosition, std::uint8_t* rgb) const {
  std::memcpy(rgb, background_.data(), background_.size());
  // Only visit the dot's bounding box; at least ~1.5 px so it stays visible in tiny videos.
  const double radius = std::max(kAnimalRadius, 1.5 * cmPerPixel_);
  const double centerColumn = (animalPosition.x - left_) / cmPerPixel_;
  const double centerRow = (top_ - animalPosition.y) / cmPerPixel_;
  const double radiusPixels = radius / cmPerPixel_;
  const int firstColumn = std::max(0, static_cast<int>(std::floor(centerColumn - radiusPixels)));
  const int lastColumn = std::min(width_ - 1, static_cast<int>(std::ceil(centerColumn + radiusPixels)));
  const int firstRow = std::max(1, static_cast<int>(std::floor(centerRow - radiusPixels)));
  const int lastRow = std::min(height_ - 1, static_cast<int>(std::ceil(centerRow + radiusPixels)));
  for (int row = firstRow; row <= lastRow; ++row) {
    for (int column = firstColumn; column <= lastColumn; ++column) {
      if (squaredDistance(pixelCenter(column, row), animalPosition) <= radius * radius) {
        setPixel(rgb, column, row, kAnimalGrey);
      }
    }
  }
  for (int column = 0; column < width_; ++column) {
    const bool bitSet = column < 64 && ((frameIndex >> column) & 1U) != 0;
    setPixel(rgb, column, 0, bitSet ? 255 : 0);
  }
}

}  // namespace neuroplayback::generate
