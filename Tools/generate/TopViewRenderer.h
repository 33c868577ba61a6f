// Draws the tiny in-file video: a top view of the arena with the animal as a dark dot, and the
// video frame index written as bits into the top pixel row, so a test can tell which frame a
// viewer is showing.
#pragma once

#include "Geometry.h"
#include "SyntheticEnvironment.h"

#include <array>
#include <cstdint>
#include <vector>

namespace neuroplayback::generate {

class TopViewRenderer {
 public:
  TopViewRenderer(const SyntheticEnvironment& environment, int width, int height);

  // Row-major 3x3 affine from pixel (column, row) to environment (x, y). Pixel coordinates are
  // continuous with (0, 0) at the top-left corner of the image and (W, H) at its bottom-right
  // corner (neurospatial's convention), so pixel (c, r) covers [c, c+1) x [r, r+1).
  std::array<double, 9> pixelToEnvironment() const;
  std::size_t frameBytes() const { return background_.size(); }
  // rgb: H x W x 3. Row 0 column c is white if bit c of frameIndex is set, else black.
  void render(std::uint64_t frameIndex, Vec2 animalPosition, std::uint8_t* rgb) const;

 private:
  Vec2 pixelCenter(int column, int row) const;
  void setPixel(std::uint8_t* rgb, int column, int row, std::uint8_t value) const;

  int width_;
  int height_;
  double cmPerPixel_;
  double left_;  // environment x of the image's left edge
  double top_;   // environment y of the image's top edge
  std::vector<std::uint8_t> background_;
};

}  // namespace neuroplayback::generate
