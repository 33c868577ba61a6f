#pragma once
// Colours as the session file writes them: "#rrggbb", "#rrggbbaa" or a common name ("red", "cyan").
#include <cstdint>
#include <string>

namespace neuroplayback {

struct Rgba {
  std::uint8_t R = 255;
  std::uint8_t G = 255;
  std::uint8_t B = 255;
  std::uint8_t A = 255;

  Rgba WithAlpha(double alpha) const;
  bool operator==(const Rgba& other) const { return R == other.R && G == other.G && B == other.B && A == other.A; }
};

// Throws SessionError naming `where` when the text is not a colour.
Rgba ParseColor(const std::string& text, const std::string& where);
// Matplotlib's tab10 cycle, the reference's default per event type and body part.
Rgba CycleColor(std::size_t index);

} // namespace neuroplayback
