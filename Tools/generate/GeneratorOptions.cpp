#include "GeneratorOptions.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

namespace neuroplayback::generate {
namespace {

constexpr std::int64_t kMaxFrames = 10'000'000'000LL;  // far below the format's 2^40 limit
constexpr double kMaxFrameRate = 100'000.0;

std::string quoted(const std::string& text) { return "'" + text + "'"; }

std::int64_t parseInteger(const std::string& flag, const std::string& text, std::int64_t minimum,
                          std::int64_t maximum) {
  const std::string range = "an integer in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "]";
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || value < minimum || value > maximum) {
    throw UsageError(flag + " expects " + range + ", got " + quoted(text));
  }
  return value;
}

// Range check on (minimum, maximum] or [minimum, maximum], described in the message.
double parseNumber(const std::string& flag, const std::string& text, double minimum, bool minimumAllowed,
                   double maximum, const std::string& unit) {
  char bounds[128];
  std::snprintf(bounds, sizeof(bounds), "a number %s %g and <= %g%s", minimumAllowed ? ">=" : ">", minimum, maximum,
                unit.empty() ? "" : (" (" + unit + ")").c_str());
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const bool aboveMinimum = minimumAllowed ? value >= minimum : value > minimum;
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value) ||
      !aboveMinimum || value > maximum) {
    throw UsageError(flag + " expects " + bounds + ", got " + quoted(text));
  }
  return value;
}

std::uint64_t parseSeed(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || text[0] == '+' || end != text.c_str() + text.size() || errno == ERANGE) {
    throw UsageError("--seed expects an integer in [0, 18446744073709551615], got " + quoted(text));
  }
  return value;
}

// Walks argv, handing out values for flags that take them; accepts "--flag value" and "--flag=value".
class ArgumentCursor {
 public:
  explicit ArgumentCursor(const std::vector<std::string>& arguments) : arguments_(arguments) {}

  bool next() {
    if (index_ >= arguments_.size()) {
      return false;
    }
    const std::string& argument = arguments_[index_++];
    const std::size_t equals = argument.find('=');
    if (argument.rfind("--", 0) == 0 && equals != std::string::npos) {
      flag_ = argument.substr(0, equals);
      inlineValue_ = argument.substr(equals + 1);
    } else {
      flag_ = argument;
      inlineValue_.reset();
    }
    return true;
  }

  const std::string& flag() const { return flag_; }

  std::string value(const std::string& what) {
    if (inlineValue_) {
      std::string value = *inlineValue_;
      inlineValue_.reset();
      return value;
    }
    if (index_ >= arguments_.size()) {
      throw UsageError(flag_ + " expects " + what);
    }
    return arguments_[index_++];
  }

  void expectNoValue() const {
    if (inlineValue_) {
      throw UsageError(flag_ + " takes no value, got " + quoted(*inlineValue_));
    }
  }

 private:
  const std::vector<std::string>& arguments_;
  std::size_t index_ = 0;
  std::string flag_;
  std::optional<std::string> inlineValue_;
};

}  // namespace

std::string GeneratorOptions::describeSettings() const {
  std::ostringstream text;
  text.precision(17);
  text << "layout=" << layoutName(layout);
  if (layout == LayoutKind::Grid) {
    text << " grid=" << gridCellsX << "x" << gridCellsY;
  } else {
    text << " bin_size=" << effectiveBinSize();
  }
  text << " frames=" << frameCount << " rate=" << frameRate << " fields=" << fieldCount
       << " dtype=" << (valueType == FieldValueType::Float32 ? "float32" : "float64")
       << " times=" << (timeMode == FrameTimeMode::Explicit ? "explicit" : "regular")
       << " compression=" << compressionLevel << " range=" << (writeValueRange ? 1 : 0) << " units=" << unitCount;
  if (writeVideo) {
    text << " video=" << videoWidth << "x" << videoHeight << "@" << videoFps;
  } else {
    text << " video=none";
  }
  text << " nan_fraction=" << nanFraction << " seed=" << seed;
  return text.str();
}

ParseResult parseCommandLine(const std::vector<std::string>& arguments, GeneratorOptions& options) {
  ArgumentCursor cursor(arguments);
  bool framesGiven = false;
  std::optional<double> durationSeconds;
  bool gridGiven = false;
  bool binSizeGiven = false;
  while (cursor.next()) {
    const std::string flag = cursor.flag();
    if (flag == "--help" || flag == "-h") {
      return ParseResult::ShowHelp;
    } else if (flag == "--output" || flag == "-o") {
      options.outputPath = cursor.value("a file path");
      if (options.outputPath.empty()) {
        throw UsageError("--output expects a non-empty file path");
      }
    } else if (flag == "--force") {
      cursor.expectNoValue();
      options.overwrite = true;
    } else if (flag == "--frames") {
      options.frameCount = parseInteger(flag, cursor.value("an integer in [1, 10000000000]"), 1, kMaxFrames);
      framesGiven = true;
    } else if (flag == "--rate") {
      options.frameRate = parseNumber(flag, cursor.value("a number > 0 and <= 100000 (Hz)"), 0.0, false, kMaxFrameRate, "Hz");
    } else if (flag == "--duration") {
      durationSeconds = parseNumber(flag, cursor.value("a number > 0 (seconds)"), 0.0, false, 1.0e8, "seconds");
    } else if (flag == "--layout") {
      const std::string name = cursor.value("grid, hexagonal, mesh or track");
      if (name == "grid") {
        options.layout = LayoutKind::Grid;
      } else if (name == "hexagonal") {
        options.layout = LayoutKind::Hexagonal;
      } else if (name == "mesh") {
        options.layout = LayoutKind::Mesh;
      } else if (name == "track") {
        options.layout = LayoutKind::Track;
      } else {
        throw UsageError("--layout expects one of grid, hexagonal, mesh, track; got " + quoted(name));
      }
    } else if (flag == "--grid") {
      options.gridCellsX = static_cast<int>(parseInteger("--grid NX", cursor.value("two integers NX NY, each in [1, 1000]"), 1, 1000));
      options.gridCellsY = static_cast<int>(parseInteger("--grid NY", cursor.value("two integers NX NY, each in [1, 1000]"), 1, 1000));
      gridGiven = true;
    } else if (flag == "--bin-size") {
      options.binSize = parseNumber(flag, cursor.value("a number in [0.5, 50] (cm)"), 0.5, true, 50.0, "cm");
      binSizeGiven = true;
    } else if (flag == "--fields") {
      options.fieldCount = static_cast<int>(parseInteger(flag, cursor.value("an integer in [1, 12]"), 1, 12));
    } else if (flag == "--dtype") {
      const std::string name = cursor.value("float32 or float64");
      if (name == "float32") {
        options.valueType = FieldValueType::Float32;
      } else if (name == "float64") {
        options.valueType = FieldValueType::Float64;
      } else {
        throw UsageError("--dtype expects float32 or float64, got " + quoted(name));
      }
    } else if (flag == "--times") {
      const std::string name = cursor.value("explicit or regular");
      if (name == "explicit") {
        options.timeMode = FrameTimeMode::Explicit;
      } else if (name == "regular") {
        options.timeMode = FrameTimeMode::Regular;
      } else {
        throw UsageError("--times expects explicit or regular, got " + quoted(name));
      }
    } else if (flag == "--compression") {
      options.compressionLevel = static_cast<int>(parseInteger(flag, cursor.value("a gzip level in [0, 9]"), 0, 9));
    } else if (flag == "--no-range") {
      cursor.expectNoValue();
      options.writeValueRange = false;
    } else if (flag == "--units") {
      options.unitCount = static_cast<int>(parseInteger(flag, cursor.value("an integer in [0, 100]"), 0, 100));
    } else if (flag == "--no-video") {
      cursor.expectNoValue();
      options.writeVideo = false;
    } else if (flag == "--video-fps") {
      options.videoFps = parseNumber(flag, cursor.value("a number > 0 and <= 240 (Hz)"), 0.0, false, 240.0, "Hz");
    } else if (flag == "--video-size") {
      const std::string size = cursor.value("WxH with W in [16, 1920] and H in [16, 1080], e.g. 64x48");
      const std::size_t separator = size.find('x');
      const std::string sizeError =
          "--video-size expects WxH with W in [16, 1920] and H in [16, 1080], e.g. 64x48; got " + quoted(size);
      if (separator == std::string::npos) {
        throw UsageError(sizeError);
      }
      try {
        options.videoWidth = static_cast<int>(parseInteger("--video-size W", size.substr(0, separator), 16, 1920));
        options.videoHeight = static_cast<int>(parseInteger("--video-size H", size.substr(separator + 1), 16, 1080));
      } catch (const UsageError&) {
        throw UsageError(sizeError);
      }
    } else if (flag == "--nan-fraction") {
      options.nanFraction = parseNumber(flag, cursor.value("a number in [0, 1]"), 0.0, true, 1.0, "");
    } else if (flag == "--seed") {
      options.seed = parseSeed(cursor.value("an integer in [0, 18446744073709551615]"));
    } else if (flag == "--quiet" || flag == "-q") {
      cursor.expectNoValue();
      options.quiet = true;
    } else {
      throw UsageError("unknown option " + quoted(flag));
    }
  }

  if (options.outputPath.empty()) {
    throw UsageError("--output PATH is required");
  }
  if (durationSeconds) {
    if (framesGiven) {
      throw UsageError("--frames and --duration are mutually exclusive (frames = duration * rate)");
    }
    const double frames = std::round(*durationSeconds * options.frameRate);
    if (frames < 1.0 || frames > static_cast<double>(kMaxFrames)) {
      throw UsageError("--duration * --rate must give between 1 and " + std::to_string(kMaxFrames) +
                       " frames, got " + quoted(std::to_string(frames)));
    }
    options.frameCount = static_cast<std::int64_t>(frames);
  }
  if (gridGiven && options.layout != LayoutKind::Grid) {
    throw UsageError("--grid only applies to --layout grid; use --bin-size for " +
                     std::string(layoutName(options.layout)));
  }
  if (binSizeGiven && options.layout == LayoutKind::Grid) {
    throw UsageError("--bin-size applies to hexagonal, mesh and track layouts; use --grid NX NY for grid");
  }
  return ParseResult::Run;
}

std::string helpText() {
  return R"(neuroplayback-generate: write a deterministic synthetic NeuroPlayback session (.nsp, HDF5)
following docs/session-format-v1.md.

Usage: neuroplayback-generate --output PATH [options]

Output
  --output PATH, -o PATH  session file to write (required)
  --force                 overwrite PATH if it exists (otherwise refuse)
  --quiet, -q             no progress on stderr

Time
  --frames N              number of frames, 1..10000000000 (default 5000)
  --rate HZ               frame rate, > 0 and <= 100000 (default 500)
  --duration SECONDS      instead of --frames: frames = round(duration * rate)
  --times explicit|regular
                          explicit: /time/frame_times with small jitter (irregular but strictly
                          increasing; first and last frame exactly on the nominal clock);
                          regular: /time attrs start, rate, n_frames (default explicit)

Environment (arena 100 x 100 cm)
  --layout grid|hexagonal|mesh|track      (default grid)
  --grid NX NY            grid cells, 1..1000 each (default 50 50); corner cells are masked out
  --bin-size CM           0.5..50, for hexagonal (hexagon width, default 2.5), mesh (triangle
                          edge, default 4) and track (bin length, default 1)

Fields (/fields, shape (n_frames, n_bins), chunked along time)
  --fields N              1..12 (default 1): posterior, likelihood, rate_map, posterior_2, ...
  --dtype float32|float64 (default float32)
  --compression LEVEL     gzip level 0..9, 0 = none (default 0); shuffle is used when > 0
  --no-range              do not write vmin/vmax attrs (by default they are computed while writing)
  --nan-fraction F        fraction of field values set to NaN, 0..1 (default 0.001)

Overlays (/overlays: position, bodyparts, head_direction, spikes, speed, video)
  --units N               place-cell units in the "spikes" events overlay, 0..100 (default 20)
  --no-video              no video overlay
  --video-fps HZ          video frame rate, > 0 and <= 240 (default 30)
  --video-size WxH        video frame size, W 16..1920, H 16..1080 (default 64x48)

Other
  --seed S                0..2^64-1 (default 1); same arguments + seed = byte-identical file
  --help, -h              this text

Exit status: 0 success, 1 runtime failure (I/O, HDF5), 2 bad command line.
)";
}

}  // namespace neuroplayback::generate
