// neuroplayback-validate: checks a whole session file, streaming, without modifying it.
// The reader checks lazily (only what it touches); this tool checks everything up front and
// lists every violation, so a writer can be fixed once.
#include "Hdf5.h"
#include "Session.h"
#include "SessionError.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using neuroplayback::SessionError;
namespace h5 = neuroplayback::h5;

constexpr int MaxListed = 20;

// Streams a 1-D time dataset in blocks and reports non-finite and non-increasing samples.
int CheckTimes(hid_t file, const std::string& path) {
  h5::Handle dataset = h5::OpenDataset(file, path);
  const std::vector<hsize_t> dims = h5::Shape(dataset.Get());
  if (dims.size() != 1) {
    std::printf("  ERROR %s: must be 1-D, has %zu dimensions\n", path.c_str(), dims.size());
    return 1;
  }
  const hsize_t count = dims[0];
  const hsize_t block = 1 << 16;
  std::vector<double> values;
  double previous = -INFINITY;
  int problems = 0;
  for (hsize_t first = 0; first < count; first += block) {
    const hsize_t n = std::min(block, count - first);
    values.resize(n);
    h5::ReadRows(dataset.Get(), first, n, H5T_NATIVE_DOUBLE, values.data());
    for (hsize_t i = 0; i < n; ++i) {
      const double v = values[i];
      const char* problem = !std::isfinite(v) ? "non-finite" : (first + i > 0 && !(v > previous)) ? "not increasing" : nullptr;
      if (problem && ++problems <= MaxListed) {
        std::printf("  ERROR %s[%llu] = %.17g: %s (previous %.17g). Times must be finite, strictly increasing "
                    "seconds: sort them and drop duplicates.\n", path.c_str(),
          static_cast<unsigned long long>(first + i), v, problem, previous);
      }
      if (std::isfinite(v)) {
        previous = v;
      }
    }
  }
  if (problems > MaxListed) {
    std::printf("  ... and %d more problems in %s\n", problems - MaxListed, path.c_str());
  }
  std::printf("  %s %s: %llu samples\n", problems ? "BAD" : "ok ", path.c_str(), static_cast<unsigned long long>(count));
  return problems ? 1 : 0;
}

void CollectTimeDatasets(hid_t loc, const std::string& prefix, std::vector<std::string>& out) {
  for (const std::string& name : h5::ChildNames(loc)) {
    const std::string path = prefix + "/" + name;
    h5::ErrorSilencer silence;
    // H5Oopen + H5Iget_type has the same signature in HDF5 1.10 and 1.12+.
    h5::Handle object(H5Oopen(loc, name.c_str(), H5P_DEFAULT));
    const H5I_type_t type = object.Valid() ? H5Iget_type(object.Get()) : H5I_BADID;
    if (type == H5I_GROUP) {
      CollectTimeDatasets(object.Get(), path, out);
    } else if (type == H5I_DATASET && (name == "times" || name == "start_time")) {
      out.push_back(path);
    }
  }
}

int Usage() {
  std::fprintf(stderr,
    "Usage: neuroplayback-validate SESSION.nsp\n"
    "Checks a NeuroPlayback session file completely (structure, every frame time, every overlay time)\n"
    "and lists what is wrong with how to fix it. Opens the file read-only. Exit code 0 when valid.\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    return Usage();
  }
  const std::string path = argv[1];
  std::printf("Validating %s\n", path.c_str());
  int failures = 0;
  try {
    auto session = neuroplayback::Session::Open(path);
    std::printf("  ok  structure: %s layout, %lld bins, %lld frames, %zu field(s), %zu overlay(s)\n",
      neuroplayback::LayoutName(session->Env().Layout), static_cast<long long>(session->Env().BinCount),
      static_cast<long long>(session->FrameCount()), session->Fields().size(), session->OverlayGroups().size());
    // What the reader would leave out (errors) or mention (warnings) when opening it.
    for (const std::string& error : session->Overlays().Errors()) {
      std::printf("  ERROR %s\n", error.c_str());
      ++failures;
    }
    for (const std::string& warning : session->Overlays().Warnings()) {
      std::printf("  warning %s\n", warning.c_str());
    }
  } catch (const SessionError& error) {
    std::printf("  ERROR %s\n", error.what());
    return 1;
  }
  h5::ErrorSilencer silence;
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  try {
    if (h5::Exists(file.Get(), "time/frame_times")) {
      failures += CheckTimes(file.Get(), "time/frame_times");
    }
    if (h5::Exists(file.Get(), "overlays")) {
      h5::Handle overlays = h5::OpenGroup(file.Get(), "overlays");
      std::vector<std::string> timeDatasets;
      CollectTimeDatasets(overlays.Get(), "overlays", timeDatasets);
      for (const std::string& dataset : timeDatasets) {
        failures += CheckTimes(file.Get(), dataset);
      }
    }
  } catch (const SessionError& error) {
    std::printf("  ERROR %s\n", error.what());
    return 1;
  }
  if (failures) {
    std::printf("INVALID: %d problem(s), each listed above with its fix.\n", failures);
    return 1;
  }
  std::printf("VALID\n");
  return 0;
}
