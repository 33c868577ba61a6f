#pragma once
// Errors raised while reading a session: each says what is wrong and how to fix it.
#include <stdexcept>
#include <string>

namespace neuroplayback {

// Text from a file (names, attributes) can hold bytes that are not UTF-8 when the file is damaged.
// Messages carry it to ParaView's properties and Python, which need valid UTF-8 (Python would see
// bytes): invalid bytes become "\xNN".
inline std::string Utf8Safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = byte(i);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size() && !(length == 2 && c < 0xC2);
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (byte(i + k) & 0xC0) == 0x80;
    }
    if (valid && length == 1 && c < 0x20 && c != '\n' && c != '\t') {
      valid = false; // control characters from a damaged name are escaped too
    }
    if (valid) {
      out.append(text, i, length);
      i += length;
    } else {
      static const char digits[] = "0123456789abcdef";
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 0xF];
      ++i;
    }
  }
  return out;
}

class SessionError : public std::runtime_error {
public:
  SessionError(const std::string& problem, const std::string& fix)
    : std::runtime_error(Utf8Safe(problem) + (fix.empty() ? std::string() : " How to fix: " + Utf8Safe(fix)))
    , Problem(Utf8Safe(problem))
    , Fix(Utf8Safe(fix)) {}

  const std::string Problem;
  const std::string Fix;
};

} // namespace neuroplayback
