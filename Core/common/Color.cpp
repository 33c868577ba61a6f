#include "Color.h"

#include "SessionError.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <utility>

namespace neuroplayback {

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

const std::array<std::pair<const char*, const char*>, 18> Named{ {
  { "white", "#ffffff" }, { "black", "#000000" }, { "red", "#ff0000" }, { "green", "#008000" },
  { "lime", "#00ff00" }, { "blue", "#0000ff" }, { "cyan", "#00ffff" }, { "magenta", "#ff00ff" },
  { "yellow", "#ffff00" }, { "orange", "#ffa500" }, { "purple", "#800080" }, { "gray", "#808080" },
  { "grey", "#808080" }, { "pink", "#ffc0cb" }, { "brown", "#a52a2a" }, { "gold", "#ffd700" },
  { "lightgray", "#d3d3d3" }, { "darkgray", "#a9a9a9" },
} };
} // namespace

Rgba Rgba::WithAlpha(double alpha) const {
  Rgba out = *this;
  out.A = static_cast<std::uint8_t>(std::lround(std::clamp(alpha, 0.0, 1.0) * A));
  return out;
}

Rgba ParseColor(const std::string& text, const std::string& where) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [name, hex] : Named) {
    if (lower == name) {
      return ParseColor(hex, where);
    }
  }
  const bool shapeOk = (lower.size() == 7 || lower.size() == 9) && lower[0] == '#' &&
    std::all_of(lower.begin() + 1, lower.end(), [](char c) { return HexDigit(c) >= 0; });
  if (!shapeOk) {
    throw SessionError(where + " is '" + text + "', which is not a colour.",
      "Write \"#rrggbb\", \"#rrggbbaa\" or a basic name such as \"red\" or \"cyan\".");
  }
  auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(HexDigit(lower[at]) * 16 + HexDigit(lower[at + 1])); };
  Rgba color{ byte(1), byte(3), byte(5), 255 };
  if (lower.size() == 9) {
    color.A = byte(7);
  }
  return color;
}

Rgba CycleColor(std::size_t index) {
  static const std::array<const char*, 10> Tab10{ "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };
  return ParseColor(Tab10[index % Tab10.size()], "tab10");
}

} // namespace neuroplayback
