// neuroplayback-generate: deterministic synthetic session files for tests, demos and benchmarks.
#include "GeneratorOptions.h"
#include "Hdf5Writer.h"
#include "SessionWriter.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
using neuroplayback::generate::GeneratorOptions;
using neuroplayback::generate::UsageError;

constexpr int kExitRuntimeFailure = 1;
constexpr int kExitUsage = 2;

int reportUsageError(const std::string& message) {
  std::fprintf(stderr, "neuroplayback-generate: error: %s\nRun 'neuroplayback-generate --help' for usage.\n",
               message.c_str());
  return kExitUsage;
}

// Refuse to clobber before doing any work; the check is repeated just before the final rename.
void checkOutputPath(const GeneratorOptions& options) {
  const fs::path output(options.outputPath);
  std::error_code error;
  if (fs::is_directory(output, error)) {
    throw UsageError("--output " + options.outputPath + " is a directory");
  }
  if (fs::exists(output, error) && !options.overwrite) {
    throw UsageError("--output " + options.outputPath + " already exists; pass --force to overwrite it");
  }
  const fs::path parent = output.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error)) {
    throw UsageError("--output directory " + parent.string() + " does not exist");
  }
}

}  // namespace

int main(int argc, char** argv) {
  GeneratorOptions options;
  try {
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    if (neuroplayback::generate::parseCommandLine(arguments, options) ==
        neuroplayback::generate::ParseResult::ShowHelp) {
      std::fputs(neuroplayback::generate::helpText().c_str(), stdout);
      return 0;
    }
    checkOutputPath(options);
  } catch (const UsageError& error) {
    return reportUsageError(error.what());
  }

  neuroplayback::generate::h5::silenceDefaultErrorPrinting();
  // Write next to the target and rename at the end, so an interrupted run never leaves a
  // truncated file under the requested name.
  const std::string partialPath = options.outputPath + ".partial";
  std::error_code ignored;
  try {
    neuroplayback::generate::writeSyntheticSession(options, partialPath);
    if (!options.overwrite && fs::exists(options.outputPath, ignored)) {
      throw UsageError("--output " + options.outputPath + " appeared while generating; pass --force to overwrite it");
    }
    fs::rename(partialPath, options.outputPath);
  } catch (const UsageError& error) {
    fs::remove(partialPath, ignored);
    return reportUsageError(error.what());
  } catch (const std::exception& error) {
    fs::remove(partialPath, ignored);
    std::fprintf(stderr, "neuroplayback-generate: error: %s\n", error.what());
    return kExitRuntimeFailure;
  }
  return 0;
}
