// neuroplayback-probe: the guarded first open's child process (Core/session/SessionProbe.h). It reads a session
// file as the ParaView reader does at open, plus the first and last frames, and reports each object it
// is about to touch, so that when the HDF5 library crashes or hangs on a damaged file, the reader (its
// parent) can refuse the file and say where. Never writes to the file.
//
//   neuroplayback-probe [--trace-fd N] [--nwb NWB_FILE] SESSION
//
// Exit codes: 0 readable, 3 refused with a message (printed as "refused<TAB>message"), 4 out of memory,
// 2 bad arguments; a signal means the HDF5 library crashed.
#include "SessionProbe.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// Sanitizers reserve terabytes of address space for their shadow memory: no address-space limit then.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NEUROPLAYBACK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NEUROPLAYBACK_SANITIZED 1
#endif
#endif

int main(int argc, char** argv) {
  int traceFd = 1;
  std::string nwb;
  std::string session;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--trace-fd" && i + 1 < argc) {
      traceFd = std::atoi(argv[++i]);
    } else if (arg == "--nwb" && i + 1 < argc) {
      nwb = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::printf("usage: neuroplayback-probe [--trace-fd N] [--nwb NWB_FILE] SESSION\n");
      return 0;
    } else if (session.empty()) {
      session = arg;
    } else {
      std::fprintf(stderr, "neuroplayback-probe: unexpected argument '%s'\n", arg.c_str());
      return 2;
    }
  }
  if (session.empty()) {
    std::fprintf(stderr, "usage: neuroplayback-probe [--trace-fd N] [--nwb NWB_FILE] SESSION\n");
    return 2;
  }
  // A damaged size field must fail fast as an allocation error, not swap the user's machine.
#ifndef NEUROPLAYBACK_SANITIZED
  const rlim_t limit = rlim_t{ 8 } << 30;
  rlimit current{};
  if (getrlimit(RLIMIT_AS, &current) == 0 && (current.rlim_max == RLIM_INFINITY || current.rlim_max > limit)) {
    current.rlim_cur = limit;
    setrlimit(RLIMIT_AS, &current);
  }
#endif
  return neuroplayback::SessionProbe::ReadInChild(session, nwb, traceFd);
}
