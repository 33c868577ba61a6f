#pragma once
// Lines of text drawn into an RGBA image in this plugin's optimised code, with FreeType glyphs
// rasterised once and cached. ParaView's own text path (-O0 in Debian) re-rasterises a whole string on
// every change, which for a readout that changes every frame cost more than the rest of the frame.
// No VTK here.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback {

class RasterText {
public:
  // A font file (TrueType) at a pixel size; Ok() is false when no font could be loaded.
  RasterText(const std::string& fontFile, int pixelSize);
  ~RasterText();
  RasterText(const RasterText&) = delete;
  RasterText& operator=(const RasterText&) = delete;

  bool Ok() const { return Face != nullptr; }
  // The first font file of the usual system places that exists (DejaVu Sans Mono first), or "".
  static std::string FindSystemFont();

  // Draws `text` (lines separated by '\n', ASCII/Latin-1 bytes) in `rgb` with a dark outline, left
  // aligned. `rgba` is resized to width x height, rows bottom-up (VTK's image order).
  void Render(const std::string& text, const unsigned char rgb[3], std::vector<unsigned char>& rgba, int& width,
    int& height);

private:
  struct Glyph {
    int Left = 0;     // bitmap origin from the pen, pixels right
    int Top = 0;      // bitmap top above the baseline, pixels
    int Advance = 0;  // pen step, pixels
    int Width = 0;
    int Rows = 0;
    std::vector<unsigned char> Coverage; // Rows x Width, top-down
  };
  const Glyph& GlyphOf(unsigned char c);

  void* Library = nullptr; // FT_Library
  void* Face = nullptr;    // FT_Face
  int Ascender = 0;
  int LineHeight = 0;
  std::map<unsigned char, Glyph> Cache;
};

} // namespace neuroplayback
