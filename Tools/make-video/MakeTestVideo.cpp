// neuroplayback-make-video: writes a test video whose every frame shows its own frame number, as big
// digits for people and as a 20-bit stamp (FrameStamp.h) for programs, over a moving grey gradient
// that gives the encoder realistic work. Used by the VideoDecoder tests and benchmarks.
#include "FrameStamp.h"
#include "VideoEncoder.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kExitRuntimeFailure = 1;
constexpr int kExitUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string Output;
  std::int64_t Frames = 300;
  double Fps = 30.0;
  int Width = 640;
  int Height = 480;
  int Gop = 0;      // 0: about 2 s
  int BFrames = -1; // -1: the encoder's default (x264 preset; none for mpeg4)
  std::string Codec = "h264";
  std::string Preset = "veryfast";
  int Crf = 23;
  bool Vfr = false;
  bool Faststart = false;
  bool Quiet = false;
  int StartFrames = 0; // the first frame's time stamp, in frames (a container start time)
};

const char* kHelp =
  "neuroplayback-make-video --output PATH [options]\n"
  "\n"
  "Writes a test video: every frame shows its frame number as large digits and as a 20-bit stamp\n"
  "(top band, 20 black/white cells, most significant bit first, white = 1; see FrameStamp.h).\n"
  "The container follows the extension of PATH: .mp4, .mov, .mkv, .avi or .ts (MPEG transport stream).\n"
  "\n"
  "  --output PATH, -o PATH  file to write (overwritten; written as PATH.partial, then renamed)\n"
  "  --frames N              number of frames, 1..1048575 (default 300)\n"
  "  --fps F                 frame rate, > 0 and <= 240 (default 30)\n"
  "  --size WxH              frame size, W 40..3840, H 16..2160, both even (default 640x480)\n"
  "  --gop G                 keyframe interval in frames, 1..10000 (default: 2 s worth)\n"
  "  --bframes B             consecutive B-frames, 0..16 (default: x264's preset, 3 for veryfast;\n"
  "                          0 for mpeg4)\n"
  "  --codec h264|mpeg4      libx264 (default) or FFmpeg's MPEG-4 part 2 encoder\n"
  "  --preset P              x264 preset: ultrafast (no B-frames), superfast, veryfast (default),\n"
  "                          faster, fast, medium, ...\n"
  "  --crf Q                 x264 quality, 0..51 (default 23)\n"
  "  --vfr                   variable frame rate: frame k at (k + 0.05 * (7k mod 10)) / F seconds\n"
  "  --faststart             MP4/MOV: put the index (moov) before the data\n"
  "  --start-frames N        the first frame at N / F seconds of the container's clock, 0..100000 (default 0)\n"
  "  --quiet, -q             no progress on stderr\n"
  "  --help, -h              this text\n"
  "\n"
  "Exit status: 0 success, 1 encoding or I/O failure, 2 bad command line.\n";

std::int64_t ParseInteger(const std::string& flag, const std::string& text, std::int64_t low, std::int64_t high) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < low || value > high) {
    throw UsageError(flag + " expects an integer in [" + std::to_string(low) + ", " + std::to_string(high) +
      "], got '" + text + "'");
  }
  return value;
}

Options ParseCommandLine(int argc, char** argv, bool& help) {
  Options options;
  help = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    bool hasInlineValue = false;
    if (flag.rfind("--", 0) == 0 && flag.find('=') != std::string::npos) {
      value = flag.substr(flag.find('=') + 1);
      flag = flag.substr(0, flag.find('='));
      hasInlineValue = true;
    }
    auto next = [&]() -> std::string {
      if (hasInlineValue) {
        return value;
      }
      if (i + 1 >= argc) {
        throw UsageError(flag + " needs a value");
      }
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      help = true;
    } else if (flag == "--output" || flag == "-o") {
      options.Output = next();
    } else if (flag == "--frames") {
      options.Frames = ParseInteger(flag, next(), 1, neuroplayback::stamp::kMaxFrame);
    } else if (flag == "--fps") {
      const std::string text = next();
      char* end = nullptr;
      options.Fps = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(options.Fps > 0.0) || options.Fps > 240.0) {
        throw UsageError("--fps expects a number > 0 and <= 240, got '" + text + "'");
      }
    } else if (flag == "--size") {
      const std::string text = next();
      const std::size_t x = text.find('x');
      if (x == std::string::npos) {
        throw UsageError("--size expects WxH, e.g. 640x480, got '" + text + "'");
      }
      options.Width = static_cast<int>(ParseInteger("--size width", text.substr(0, x), 40, 3840));
      options.Height = static_cast<int>(ParseInteger("--size height", text.substr(x + 1), 16, 2160));
      if (options.Width % 2 != 0 || options.Height % 2 != 0) {
        throw UsageError("--size expects an even width and height (4:2:0 video), got '" + text + "'");
      }
    } else if (flag == "--gop") {
      options.Gop = static_cast<int>(ParseInteger(flag, next(), 1, 10000));
    } else if (flag == "--bframes") {
      options.BFrames = static_cast<int>(ParseInteger(flag, next(), 0, 16));
    } else if (flag == "--codec") {
      options.Codec = next();
      if (options.Codec != "h264" && options.Codec != "mpeg4") {
        throw UsageError("--codec expects h264 or mpeg4, got '" + options.Codec + "'");
      }
    } else if (flag == "--preset") {
      options.Preset = next();
      static const char* kPresets[] = { "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
        "slower", "veryslow", "placebo" };
      if (std::find(std::begin(kPresets), std::end(kPresets), options.Preset) == std::end(kPresets)) {
        throw UsageError("--preset expects an x264 preset (ultrafast, superfast, veryfast, faster, fast, medium, "
                         "slow, slower, veryslow, placebo), got '" + options.Preset + "'");
      }
    } else if (flag == "--crf") {
      options.Crf = static_cast<int>(ParseInteger(flag, next(), 0, 51));
    } else if (flag == "--vfr" && !hasInlineValue) {
      options.Vfr = true;
    } else if (flag == "--start-frames") {
      options.StartFrames = static_cast<int>(ParseInteger(flag, next(), 0, 100000));
    } else if (flag == "--faststart" && !hasInlineValue) {
      options.Faststart = true;
    } else if ((flag == "--quiet" || flag == "-q") && !hasInlineValue) {
      options.Quiet = true;
    } else {
      throw UsageError("unknown option '" + std::string(argv[i]) + "'");
    }
  }
  if (help) {
    return options;
  }
  if (options.Output.empty()) {
    throw UsageError("--output PATH is required");
  }
  const fs::path output(options.Output);
  std::string extension = output.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
    [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension != ".mp4" && extension != ".mov" && extension != ".mkv" && extension != ".avi" && extension != ".ts") {
    throw UsageError("--output must end in .mp4, .mov, .mkv, .avi or .ts (the container), got '" + options.Output + "'");
  }
  if (options.Codec == "h264" && extension == ".avi" && options.BFrames != 0) {
    throw UsageError("H.264 with B-frames in .avi is not supported (AVI has no presentation times); "
                     "use .mp4/.mkv or pass --bframes 0");
  }
  std::error_code error;
  if (fs::is_directory(output, error)) {
    throw UsageError("--output " + options.Output + " is a directory");
  }
  if (!output.parent_path().empty() && !fs::is_directory(output.parent_path(), error)) {
    throw UsageError("--output directory " + output.parent_path().string() + " does not exist");
  }
  if (options.Gop == 0) {
    options.Gop = std::max(1, static_cast<int>(std::lround(2.0 * options.Fps)));
  }
  return options;
}

// What the picture looks like, apart from the stamp and the digits: a grey diagonal gradient moving
// 3 px per frame. Each row is a window into one precomputed strip, so a frame costs H memcpy calls.
class Background {
public:
  Background(int width, int height)
    : Width(width)
    , NoiseRows(std::min(height, 240))
    , Strip(static_cast<std::size_t>(width + kPeriod) * 3)
    , Noise(static_cast<std::size_t>(width) * static_cast<std::size_t>(NoiseRows) * 3 * kNoiseFrames) {
    std::uint32_t state = 2463534242u; // xorshift32: same noise every run
    for (auto& value : Noise) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      value = static_cast<std::int8_t>(static_cast<int>(state % 21) - 10);
    }
    for (int x = 0; x < width + kPeriod; ++x) {
      const double phase = 2.0 * 3.14159265358979 * (x % kPeriod) / kPeriod;
      const auto grey = static_cast<std::uint8_t>(std::lround(128.0 + 48.0 * std::sin(phase)));
      // A slight colour tint so the chroma planes are not empty.
      Strip[3 * static_cast<std::size_t>(x)] = grey;
      Strip[3 * static_cast<std::size_t>(x) + 1] = static_cast<std::uint8_t>(std::min(255, grey + 8));
      Strip[3 * static_cast<std::size_t>(x) + 2] = static_cast<std::uint8_t>(std::max(0, grey - 8));
    }
  }
  void Draw(std::uint8_t* rgb, int height, std::int64_t frame) const {
    const std::size_t rowBytes = static_cast<std::size_t>(Width) * 3;
    // Camera-like noise: one of kNoiseFrames fixed patterns, shifted down by a varying number of rows,
    // so consecutive frames never share it and the encoder spends bits as on real footage.
    const std::int8_t* noise = Noise.data() + static_cast<std::size_t>(frame % kNoiseFrames) * rowBytes;
    const auto shift = static_cast<int>((frame / kNoiseFrames) % NoiseRows);
    for (int y = 0; y < height; ++y) {
      const auto offset = static_cast<std::size_t>((3 * frame + y) % kPeriod);
      const std::uint8_t* from = Strip.data() + 3 * offset;
      const std::int8_t* grain = noise + static_cast<std::size_t>((y + shift) % NoiseRows) * kNoiseFrames * rowBytes;
      std::uint8_t* row = rgb + static_cast<std::size_t>(y) * rowBytes;
      for (std::size_t i = 0; i < rowBytes; ++i) {
        row[i] = static_cast<std::uint8_t>(from[i] + grain[i]); // 72..184 + [-10, 10]: no overflow
      }
    }
  }

private:
  static constexpr int kPeriod = 256;
  static constexpr int kNoiseFrames = 7;
  int Width;
  int NoiseRows; // patterns repeat down the frame, to bound memory for large frames
  std::vector<std::uint8_t> Strip;
  std::vector<std::int8_t> Noise;
};

void FillRect(std::uint8_t* rgb, int width, int height, int x0, int y0, int w, int h, std::uint8_t value) {
  const int x1 = std::min(width, x0 + w);
  const int y1 = std::min(height, y0 + h);
  for (int y = std::max(0, y0); y < y1; ++y) {
    std::uint8_t* row = rgb + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3;
    std::fill(row + 3 * std::max(0, x0), row + 3 * std::max(0, x1), value);
  }
}

// The frame number as seven-segment digits, white on a dark box, centred.
void DrawDigits(std::uint8_t* rgb, int width, int height, std::int64_t frame) {
  // Segments a (top), b (top right), c (bottom right), d (bottom), e (bottom left), f (top left), g.
  static const std::array<unsigned, 10> kSegments = { 0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F };
  const std::string text = std::to_string(frame);
  const int digits = static_cast<int>(text.size());
  int digitHeight = std::max(7, height / 4);
  int digitWidth = digitHeight / 2;
  int gap = std::max(1, digitWidth / 3);
  // Narrow frames: shrink until the number fits with a margin.
  while (digitHeight > 7 && digits * (digitWidth + gap) + gap > width - 4) {
    --digitHeight;
    digitWidth = digitHeight / 2;
    gap = std::max(1, digitWidth / 3);
  }
  const int t = std::max(1, digitHeight / 8);
  const int boxWidth = digits * (digitWidth + gap) + gap;
  const int boxHeight = digitHeight + 2 * gap;
  const int left = (width - boxWidth) / 2;
  const int top = (height - boxHeight) / 2;
  FillRect(rgb, width, height, left, top, boxWidth, boxHeight, 24);
  for (int i = 0; i < digits; ++i) {
    const unsigned on = kSegments[static_cast<std::size_t>(text[static_cast<std::size_t>(i)] - '0')];
    const int x = left + gap + i * (digitWidth + gap);
    const int y = top + gap;
    const int half = digitHeight / 2;
    auto seg = [&](unsigned bit, int sx, int sy, int sw, int sh) {
      if (on & (1u << bit)) {
        FillRect(rgb, width, height, sx, sy, sw, sh, 235);
      }
    };
    seg(0, x, y, digitWidth, t);
    seg(1, x + digitWidth - t, y, t, half);
    seg(2, x + digitWidth - t, y + half, t, digitHeight - half);
    seg(3, x, y + digitHeight - t, digitWidth, t);
    seg(4, x, y + half, t, digitHeight - half);
    seg(5, x, y, t, half);
    seg(6, x, y + half - t / 2, digitWidth, t);
  }
}

std::string FormatDuration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return text;
}

neuroplayback::VideoEncoderSettings EncoderSettings(const Options& options, const std::string& partialPath) {
  neuroplayback::VideoEncoderSettings settings;
  settings.Output = options.Output;
  settings.PartialPath = partialPath;
  settings.Fps = options.Fps;
  settings.Width = options.Width;
  settings.Height = options.Height;
  settings.Gop = options.Gop;
  settings.BFrames = options.BFrames;
  settings.Codec = options.Codec;
  settings.Preset = options.Preset;
  settings.Crf = options.Crf;
  settings.Vfr = options.Vfr;
  settings.Faststart = options.Faststart;
  settings.StartFrames = options.StartFrames;
  return settings;
}

void MakeVideo(const Options& options, const std::string& partialPath) {
  neuroplayback::VideoEncoder encoder(EncoderSettings(options, partialPath));
  Background background(options.Width, options.Height);
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(options.Width) * static_cast<std::size_t>(options.Height) * 3);
  const bool terminal = isatty(STDERR_FILENO) == 1;
  const auto start = Clock::now();
  auto lastPrint = start;
  for (std::int64_t frame = 0; frame < options.Frames; ++frame) {
    background.Draw(rgb.data(), options.Height, frame);
    DrawDigits(rgb.data(), options.Width, options.Height, frame);
    neuroplayback::stamp::DrawFrameStamp(rgb.data(), options.Width, options.Height, frame);
    encoder.Add(rgb.data(), frame);
    const auto now = Clock::now();
    if (!options.Quiet && std::chrono::duration<double>(now - lastPrint).count() >= (terminal ? 0.5 : 5.0)) {
      lastPrint = now;
      const double elapsed = std::chrono::duration<double>(now - start).count();
      const double fps = static_cast<double>(frame + 1) / elapsed;
      std::fprintf(stderr, "%sneuroplayback-make-video: %5.1f%%  %6.0f frames/s  ETA %s%s", terminal ? "\r" : "",
        100.0 * static_cast<double>(frame + 1) / static_cast<double>(options.Frames), fps,
        FormatDuration(static_cast<double>(options.Frames - frame - 1) / fps).c_str(), terminal ? "   " : "\n");
      std::fflush(stderr);
    }
  }
  encoder.Finish();
  if (!options.Quiet) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::error_code error;
    const auto bytes = fs::file_size(partialPath, error);
    std::fprintf(stderr, "%sneuroplayback-make-video: wrote %s: %lld frames %dx%d at %g fps (%s, GOP %d), %.1f MB in %.1f s\n",
      terminal ? "\r\033[K" : "", options.Output.c_str(), static_cast<long long>(options.Frames), options.Width,
      options.Height, options.Fps, options.Codec.c_str(), options.Gop, error ? 0.0 : static_cast<double>(bytes) / 1e6,
      elapsed);
  }
}

} // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    bool help = false;
    options = ParseCommandLine(argc, argv, help);
    if (help) {
      std::fputs(kHelp, stdout);
      return 0;
    }
  } catch (const UsageError& error) {
    std::fprintf(stderr, "neuroplayback-make-video: error: %s\nRun 'neuroplayback-make-video --help' for usage.\n",
      error.what());
    return kExitUsage;
  }
  // Written next to the target and renamed at the end: an interrupted run leaves no truncated video.
  const std::string partialPath = options.Output + ".partial";
  std::error_code ignored;
  try {
    MakeVideo(options, partialPath);
    fs::rename(partialPath, options.Output);
  } catch (const std::exception& error) {
    fs::remove(partialPath, ignored);
    std::fprintf(stderr, "neuroplayback-make-video: error: %s\n", error.what());
    return kExitRuntimeFailure;
  }
  return 0;
}
