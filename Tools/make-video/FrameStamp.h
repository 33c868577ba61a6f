#pragma once
// A machine-readable frame number drawn into test videos, robust to lossy compression, crop of the
// lower part and integer downsampling (header-only, so tests can read what neuroplayback-make-video
// drew).
//
// Layout of an RGB24 image W x H (rows top to bottom):
//   band  = the top max(4, H / 8) rows (at most H);
//   cells = 20 equal cells across the band, cell i covering columns [i * W/20, (i + 1) * W/20)
//           (integer W/20; columns from 20 * (W/20) to W are left to the caller's background);
//   cell i holds bit 19 - i of the frame number (most significant bit first):
//           white (255, 255, 255) = 1, black (0, 0, 0) = 0.
// Reading averages (R + G + B) / 3 over the middle half of each cell (a quarter of the cell trimmed
// on every side, so ringing at the cell edges does not matter): >= 160 is 1, <= 96 is 0, anything
// between makes the stamp unreadable (-1). Frame numbers are 0 .. 2^20 - 1.
#include <algorithm>
#include <cstdint>

namespace neuroplayback::stamp {

constexpr int kBits = 20;
constexpr std::int64_t kMaxFrame = (std::int64_t{ 1 } << kBits) - 1;

inline int StampCellWidth(int width) { return width / kBits; }
inline int StampBandHeight(int height) { return std::min(height, std::max(4, height / 8)); }

// Draws the stamp of frame (0 .. kMaxFrame) into the top band; does nothing if the image is too small
// (W < 40 or H < 4) or the frame is out of range.
inline void DrawFrameStamp(std::uint8_t* rgb, int width, int height, std::int64_t frame) {
  const int cell = StampCellWidth(width);
  const int band = StampBandHeight(height);
  if (cell < 2 || band < 4 || frame < 0 || frame > kMaxFrame) {
    return;
  }
  for (int y = 0; y < band; ++y) {
    std::uint8_t* row = rgb + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3;
    for (int i = 0; i < kBits; ++i) {
      const bool one = ((frame >> (kBits - 1 - i)) & 1) != 0;
      std::fill(row + static_cast<std::size_t>(i * cell) * 3, row + static_cast<std::size_t>((i + 1) * cell) * 3,
        static_cast<std::uint8_t>(one ? 255 : 0));
    }
  }
}

// The frame number stamped into the image, or -1 when any cell is neither clearly black nor white.
inline std::int64_t ReadFrameStamp(const std::uint8_t* rgb, int width, int height) {
  const int cell = StampCellWidth(width);
  const int band = StampBandHeight(height);
  if (cell < 2 || band < 4) {
    return -1;
  }
  const int x0 = cell / 4;
  const int x1 = cell - cell / 4;
  const int y0 = band / 4;
  const int y1 = band - band / 4;
  std::int64_t frame = 0;
  for (int i = 0; i < kBits; ++i) {
    long sum = 0;
    long count = 0;
    for (int y = y0; y < y1; ++y) {
      const std::uint8_t* row = rgb + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3;
      for (int x = i * cell + x0; x < i * cell + x1; ++x) {
        sum += row[3 * x] + row[3 * x + 1] + row[3 * x + 2];
        count += 3;
      }
    }
    const long mean = sum / count;
    if (mean >= 160) {
      frame |= std::int64_t{ 1 } << (kBits - 1 - i);
    } else if (mean > 96) {
      return -1;
    }
  }
  return frame;
}

} // namespace neuroplayback::stamp
