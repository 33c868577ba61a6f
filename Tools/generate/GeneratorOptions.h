// Command-line options of neuroplayback-generate.
#pragma once

#include "SyntheticEnvironment.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroplayback::generate {

enum class FieldValueType { Float32, Float64 };
enum class FrameTimeMode { Explicit, Regular };

struct GeneratorOptions {
  std::string outputPath;
  bool overwrite = false;
  std::int64_t frameCount = 5000;
  double frameRate = 500.0;
  LayoutKind layout = LayoutKind::Grid;
  int gridCellsX = 50;
  int gridCellsY = 50;
  double binSize = 0.0;  // cm; 0 = the layout's default
  int fieldCount = 1;
  FieldValueType valueType = FieldValueType::Float32;
  FrameTimeMode timeMode = FrameTimeMode::Explicit;
  int compressionLevel = 0;
  bool writeValueRange = true;
  int unitCount = 20;
  bool writeVideo = true;
  double videoFps = 30.0;
  int videoWidth = 64;
  int videoHeight = 48;
  double nanFraction = 0.001;
  std::uint64_t seed = 1;
  bool quiet = false;

  double effectiveBinSize() const { return binSize > 0.0 ? binSize : defaultBinSize(layout); }
  // Everything that changes the file's contents, in a fixed order (stored in the file).
  std::string describeSettings() const;
};

// Bad command line: the message names the flag and its valid range. Exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ParseResult { Run, ShowHelp };

ParseResult parseCommandLine(const std::vector<std::string>& arguments, GeneratorOptions& options);
std::string helpText();

}  // namespace neuroplayback::generate
