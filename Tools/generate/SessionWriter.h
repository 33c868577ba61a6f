// Writes one synthetic session file (docs/session-format-v1.md) in bounded memory.
#pragma once

#include "GeneratorOptions.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace neuroplayback::generate {

struct GenerationSummary {
  std::int64_t frameCount = 0;
  std::size_t binCount = 0;
  std::size_t fieldCount = 0;
  std::uint64_t spikeCount = 0;
  std::int64_t videoFrameCount = 0;
};

// Throws UsageError when the options describe a session the format cannot hold (e.g. one frame
// of a field larger than the 4 MiB chunk limit), and std::runtime_error on I/O failures.
GenerationSummary writeSyntheticSession(const GeneratorOptions& options, const std::string& path);

}  // namespace neuroplayback::generate
