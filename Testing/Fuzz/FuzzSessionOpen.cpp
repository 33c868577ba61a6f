// libFuzzer target: a session file's bytes are opened as the reader opens them, plus the first and
// last frame of every field and every overlay at the first and last time (the damage probe's reads,
// Core/session/SessionProbe.h). Our code must turn any bytes into a SessionError, never a crash, a leak or an
// unbounded allocation. Crashes inside HDF5 1.10 itself are expected on some inputs: that is why the
// reader runs these same reads in a child process first. See README.md here for how to run and triage.
#include "SessionProbe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {
std::string ScratchPath() {
  return "/dev/shm/neuroplayback-fuzz-" + std::to_string(::getpid()) + ".nsp";
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = ScratchPath();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return 0;
  }
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0) {
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  neuroplayback::SessionProbe::ReadInChild(path, "", -1);
  return 0;
}
