#include "RasterText.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <fstream>

namespace neuroplayback {

RasterText::RasterText(const std::string& fontFile, int pixelSize)
{
  FT_Library library = nullptr;
  if (fontFile.empty() || FT_Init_FreeType(&library) != 0)
  {
    return;
  }
  Library = library;
  FT_Face face = nullptr;
  if (FT_New_Face(library, fontFile.c_str(), 0, &face) != 0)
  {
    return;
  }
  if (FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(std::max(6, pixelSize))) != 0)
  {
    FT_Done_Face(face);
    return;
  }
  Face = face;
  Ascender = static_cast<int>(face->size->metrics.ascender >> 6);
  LineHeight = static_cast<int>(face->size->metrics.height >> 6);
}

RasterText::~RasterText()
{
  if (Face)
  {
    FT_Done_Face(static_cast<FT_Face>(Face));
  }
  if (Library)
  {
    FT_Done_FreeType(static_cast<FT_Library>(Library));
  }
}

std::string RasterText::FindSystemFont()
{
  for (const char* path : { "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
         "/usr/share/fonts/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf" })
  {
    if (std::ifstream(path).good())
    {
      return path;
    }
  }
  return "";
}

const RasterText::Glyph& RasterText::GlyphOf(unsigned char c)
{
  auto found = Cache.find(c);
  if (found != Cache.end())
  {
    return found->second;
  }
  Glyph glyph;
  auto face = static_cast<FT_Face>(Face);
  if (FT_Load_Char(face, c, FT_LOAD_RENDER) == 0)
  {
    const FT_GlyphSlot slot = face->glyph;
    glyph.Left = slot->bitmap_left;
    glyph.Top = slot->bitmap_top;
    glyph.Advance = static_cast<int>(slot->advance.x >> 6);
    glyph.Width = static_cast<int>(slot->bitmap.width);
    glyph.Rows = static_cast<int>(slot->bitmap.rows);
    glyph.Coverage.resize(static_cast<std::size_t>(glyph.Width * glyph.Rows));
    for (int row = 0; row < glyph.Rows; ++row)
    {
      const unsigned char* source = slot->bitmap.buffer + row * slot->bitmap.pitch;
      std::copy(source, source + glyph.Width, glyph.Coverage.begin() + row * glyph.Width);
    }
  }
  return Cache.emplace(c, std::move(glyph)).first->second;
}

void RasterText::Render(
  const std::string& text, const unsigned char rgb[3], std::vector<unsigned char>& rgba, int& width, int& height)
{
  width = height = 0;
  rgba.clear();
  if (!Face)
  {
    return;
  }
  std::vector<std::string> lines(1);
  for (char c : text)
  {
    if (c == '\n')
    {
      lines.emplace_back();
    }
    else
    {
      lines.back() += c;
    }
  }
  constexpr int Pad = 2; // room for the outline
  for (const std::string& line : lines)
  {
    int pen = 0;
    for (char c : line)
    {
      pen += GlyphOf(static_cast<unsigned char>(c)).Advance;
    }
    width = std::max(width, pen);
  }
  width += 2 * Pad;
  height = static_cast<int>(lines.size()) * LineHeight + 2 * Pad;
  // Coverage of the text, then of its outline (the text dilated by one pixel).
  std::vector<unsigned char> ink(static_cast<std::size_t>(width * height), 0);
  for (std::size_t k = 0; k < lines.size(); ++k)
  {
    int pen = Pad;
    const int baseline = Pad + static_cast<int>(k) * LineHeight + Ascender; // from the top
    for (char c : lines[k])
    {
      const Glyph& glyph = GlyphOf(static_cast<unsigned char>(c));
      for (int row = 0; row < glyph.Rows; ++row)
      {
        const int y = baseline - glyph.Top + row;
        if (y < 0 || y >= height)
        {
          continue;
        }
        for (int col = 0; col < glyph.Width; ++col)
        {
          const int x = pen + glyph.Left + col;
          if (x >= 0 && x < width)
          {
            unsigned char& cell = ink[static_cast<std::size_t>(y * width + x)];
            cell = std::max(cell, glyph.Coverage[static_cast<std::size_t>(row * glyph.Width + col)]);
          }
        }
      }
      pen += glyph.Advance;
    }
  }
  rgba.assign(static_cast<std::size_t>(4 * width * height), 0);
  for (int y = 0; y < height; ++y)
  {
    for (int x = 0; x < width; ++x)
    {
      unsigned char outline = 0;
      for (int dy = -1; dy <= 1; ++dy)
      {
        for (int dx = -1; dx <= 1; ++dx)
        {
          const int yy = y + dy;
          const int xx = x + dx;
          if (yy >= 0 && yy < height && xx >= 0 && xx < width)
          {
            outline = std::max(outline, ink[static_cast<std::size_t>(yy * width + xx)]);
          }
        }
      }
      const unsigned char coverage = ink[static_cast<std::size_t>(y * width + x)];
      // Bottom-up rows for VTK; text colour over a dark outline, alpha from the outline's coverage.
      unsigned char* out = &rgba[static_cast<std::size_t>(4 * ((height - 1 - y) * width + x))];
      for (int channel = 0; channel < 3; ++channel)
      {
        out[channel] = static_cast<unsigned char>(rgb[channel] * coverage / 255);
      }
      out[3] = static_cast<unsigned char>(std::max<int>(coverage, outline * 3 / 5));
    }
  }
}

} // namespace neuroplayback
