#pragma once
// The guarded first open. HDF5 1.10 can crash or spin forever on a damaged file, inside the library,
// where no check of ours can stop it. So before a file's metadata is read in the user's process
// (ParaView), a child process (neuroplayback-probe) reads everything the reader will touch at open,
// plus the first and last frames, under a time limit. A crash or a timeout there refuses the file with
// a message naming the object where the child stopped; the user's process never reads it.
// POSIX only. No VTK here.
#include <cstdint>
#include <string>
#include <vector>

namespace neuroplayback {

struct ProbeVerdict {
  enum class Outcome {
    Readable,    // the child read everything (the file may still be refused with a clear message)
    Crashed,     // the child died on a signal inside the HDF5 library
    TimedOut,    // the child did not finish in time (HDF5 spinning on damaged metadata)
    Failed,      // the child exited abnormally otherwise (out of memory, ...)
    Unavailable  // the probe could not be started: the file is opened unguarded
  };
  Outcome Result = Outcome::Unavailable;
  std::string LastObject;          // the object the child was reading when it stopped ("/overlays/x@units")
  std::vector<std::string> Files;  // every file the child opened (the session, an NWB file beside it)
  std::string Detail;              // signal name, exit code, or why the probe could not start
  double Seconds = 0.0;

  bool Damaged() const { return Result == Outcome::Crashed || Result == Outcome::TimedOut || Result == Outcome::Failed; }
  // What the user reads: the file, "damaged", where, and the fix.
  std::string Message(const std::string& path) const;
};

class SessionProbe {
public:
  // probeExecutable: the neuroplayback-probe program. Verdicts are cached by the path, size and
  // modification time of every file the child opened, so reopening an unchanged file costs nothing.
  static ProbeVerdict Check(const std::string& probeExecutable, const std::string& path, const std::string& nwbBeside,
    double timeoutSeconds);
  // Runs the child without the cache.
  static ProbeVerdict Run(const std::string& probeExecutable, const std::string& path, const std::string& nwbBeside,
    double timeoutSeconds);
  static void ClearCache();

  // The probe next to a module: `moduleFile` is the path of the shared library asking, and
  // `relativeGuess` where the probe sits relative to its folder once installed. NEUROPLAYBACK_PROBE, when
  // set, names the program instead ("off" disables the guard). Returns "" when none is found.
  static std::string Locate(const std::string& moduleFile, const std::string& relativeGuess);
  // NEUROPLAYBACK_PROBE=off: the guard switched off on purpose.
  static bool SwitchedOff();
  // The time limit: NEUROPLAYBACK_PROBE_TIMEOUT (seconds) or the default.
  static double TimeoutSeconds(double fallback = 20.0);

  // The child's side (neuroplayback-probe's main): reads the file as the reader does at open, plus the
  // first and last frame of every field and every overlay, writing one line per object touched to
  // `traceFd` before touching it (no trace when negative, as in the fuzzer). Returns 0 when readable, 3 when refused with a clear message (printed
  // as "refused\t<message>").
  static int ReadInChild(const std::string& path, const std::string& nwbBeside, int traceFd);
};

} // namespace neuroplayback
