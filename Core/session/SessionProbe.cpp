#include "SessionProbe.h"

#include "ColorRange.h"
#include "FieldStream.h"
#include "Hdf5.h"
#include "Overlays.h"
#include "Session.h"
#include "TimeSeries.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <new>

extern char** environ;

namespace neuroplayback {

namespace {

// ---- child side ----
int TraceFd = -1;

void WriteAll(int fd, const std::string& text) {
  if (fd < 0) {
    return;
  }
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

// Unbuffered, so the parent has the last line even when the next HDF5 call kills the child.
void TraceToParent(const std::string& object) {
  if (object.rfind("file:", 0) == 0) {
    WriteAll(TraceFd, "file\t" + object.substr(5) + "\n");
  } else {
    WriteAll(TraceFd, "at\t" + object + "\n");
  }
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') {
      c = ' ';
    }
  }
  return text;
}

// ---- parent side ----
struct FileStamp {
  std::string Path;
  long long Size = -1;
  long long ModifiedNs = -1;
  bool operator==(const FileStamp& other) const {
    return Path == other.Path && Size == other.Size && ModifiedNs == other.ModifiedNs;
  }
};

FileStamp StampOf(const std::string& path) {
  FileStamp stamp;
  stamp.Path = path;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    stamp.Size = static_cast<long long>(info.st_size);
    stamp.ModifiedNs = static_cast<long long>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec;
  }
  return stamp;
}

struct CacheEntry {
  ProbeVerdict Verdict;
  std::vector<FileStamp> Stamps;
};

std::mutex CacheMutex;
std::map<std::string, CacheEntry>& Cache() {
  static std::map<std::string, CacheEntry> cache;
  return cache;
}

std::string SignalName(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV, a memory fault";
    case SIGBUS: return "SIGBUS, a memory fault";
    case SIGABRT: return "SIGABRT, an internal assertion";
    case SIGFPE: return "SIGFPE, an arithmetic fault";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL, killed (out of memory?)";
    default: return "signal " + std::to_string(signal);
  }
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.0f", seconds);
  return text;
}

} // namespace

std::string ProbeVerdict::Message(const std::string& path) const {
  std::string where = LastObject.empty() ? "its first bytes" : "'" + LastObject + "'";
  std::string file = "'" + path + "'";
  if (!Files.empty() && Files.back() != path) {
    file = "'" + Files.back() + "' (the NWB file beside the session '" + path + "')";
  }
  std::string what;
  switch (Result) {
    case Outcome::Crashed:
      what = "reading it crashed the HDF5 library (" + Detail + ") at " + where;
      break;
    case Outcome::TimedOut:
      what = "reading it did not finish within " + Detail + " s: the HDF5 library loops on damaged metadata at " + where;
      break;
    case Outcome::Failed:
      what = "reading it failed (" + Detail + ") at " + where;
      break;
    default:
      return "";
  }
  std::string message = "The file " + file + " is damaged: " + what +
    ". This was found by a separate check process, so ParaView did not read the file and nothing was lost. "
    "How to fix: re-copy the file from its source, or write it again; neuroplayback-validate and h5dump show "
    "the damage. The file was not modified.";
  if (Result == Outcome::TimedOut) {
    message += " If the file is intact but on a slow disk or network share, allow the check more time with "
               "the environment variable NEUROPLAYBACK_PROBE_TIMEOUT (seconds).";
  }
  return message;
}

ProbeVerdict SessionProbe::Run(const std::string& probeExecutable, const std::string& path,
  const std::string& nwbBeside, double timeoutSeconds) {
  ProbeVerdict verdict;
  const auto started = std::chrono::steady_clock::now();
  int fds[2];
  if (::pipe(fds) != 0) {
    verdict.Detail = std::string("pipe: ") + std::strerror(errno);
    return verdict;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = { probeExecutable, "--trace-fd", "1", path };
  if (!nwbBeside.empty()) {
    args.insert(args.end(), { "--nwb", nwbBeside });
  }
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  pid_t child = -1;
  const int spawned = posix_spawn(&child, probeExecutable.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    verdict.Detail = "cannot start " + probeExecutable + ": " + std::strerror(spawned);
    return verdict;
  }

  std::string pending;
  bool refused = false;
  bool timedOut = false;
  const auto deadline = started + std::chrono::duration<double>(timeoutSeconds);
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd wait{ fds[0], POLLIN, 0 };
    const int ready = ::poll(&wait, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      continue;
    }
    const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break; // the child closed its end: it finished or died
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t end;
    while ((end = pending.find('\n')) != std::string::npos) {
      const std::string line = pending.substr(0, end);
      pending.erase(0, end + 1);
      const std::size_t tab = line.find('\t');
      const std::string kind = line.substr(0, tab);
      const std::string value = tab == std::string::npos ? "" : line.substr(tab + 1);
      if (kind == "at") {
        verdict.LastObject = value;
      } else if (kind == "file") {
        verdict.Files.push_back(value);
        verdict.LastObject.clear();
      } else if (kind == "refused") {
        refused = true;
      }
    }
  }
  ::close(fds[0]);
  int status = 0;
  if (timedOut) {
    ::kill(child, SIGKILL);
  }
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  verdict.Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (timedOut) {
    verdict.Result = ProbeVerdict::Outcome::TimedOut;
    verdict.Detail = Seconds(timeoutSeconds);
  } else if (WIFSIGNALED(status)) {
    verdict.Result = ProbeVerdict::Outcome::Crashed;
    verdict.Detail = SignalName(WTERMSIG(status));
  } else if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || (WEXITSTATUS(status) == 3 && refused))) {
    verdict.Result = ProbeVerdict::Outcome::Readable;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    verdict.Result = ProbeVerdict::Outcome::Unavailable;
    verdict.Detail = "cannot run " + probeExecutable;
  } else {
    verdict.Result = ProbeVerdict::Outcome::Failed;
    verdict.Detail = WIFEXITED(status) && WEXITSTATUS(status) == 4 ? "out of memory"
                                                                    : "exit code " + std::to_string(WEXITSTATUS(status));
  }
  if (verdict.Files.empty()) {
    verdict.Files.push_back(path);
  }
  return verdict;
}

ProbeVerdict SessionProbe::Check(const std::string& probeExecutable, const std::string& path,
  const std::string& nwbBeside, double timeoutSeconds) {
  const std::string key = path + '\n' + nwbBeside;
  {
    std::lock_guard<std::mutex> lock(CacheMutex);
    const auto found = Cache().find(key);
    if (found != Cache().end()) {
      bool unchanged = true;
      for (const FileStamp& stamp : found->second.Stamps) {
        unchanged = unchanged && StampOf(stamp.Path) == stamp;
      }
      if (unchanged) {
        ProbeVerdict cached = found->second.Verdict;
        cached.Seconds = 0.0;
        return cached;
      }
    }
  }
  ProbeVerdict verdict = Run(probeExecutable, path, nwbBeside, timeoutSeconds);
  if (verdict.Result != ProbeVerdict::Outcome::Unavailable) {
    CacheEntry entry{ verdict, {} }; // Files holds the session itself (Run adds it when the child named none)
    for (const std::string& file : verdict.Files) {
      entry.Stamps.push_back(StampOf(file));
    }
    std::lock_guard<std::mutex> lock(CacheMutex);
    Cache()[key] = std::move(entry);
  }
  return verdict;
}

void SessionProbe::ClearCache() {
  std::lock_guard<std::mutex> lock(CacheMutex);
  Cache().clear();
}

bool SessionProbe::SwitchedOff() {
  const char* chosen = std::getenv("NEUROPLAYBACK_PROBE");
  return chosen && std::string(chosen) == "off";
}

std::string SessionProbe::Locate(const std::string& moduleFile, const std::string& relativeGuess) {
  if (SwitchedOff()) {
    return "";
  }
  if (const char* chosen = std::getenv("NEUROPLAYBACK_PROBE"); chosen && *chosen) {
    return chosen;
  }
  const std::filesystem::path folder = std::filesystem::path(moduleFile).parent_path();
  for (const std::filesystem::path& candidate : { folder / "neuroplayback-probe", folder / relativeGuess }) {
    std::error_code ignored;
    const std::filesystem::path normal = std::filesystem::weakly_canonical(candidate, ignored);
    if (::access(normal.c_str(), X_OK) == 0) {
      return normal.string();
    }
  }
  return "";
}

double SessionProbe::TimeoutSeconds(double fallback) {
  if (const char* text = std::getenv("NEUROPLAYBACK_PROBE_TIMEOUT")) {
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (end != text && value > 0.0) {
      return value;
    }
  }
  return fallback;
}

int SessionProbe::ReadInChild(const std::string& path, const std::string& nwbBeside, int traceFd) {
  TraceFd = traceFd;
  h5::SetTraceSink(traceFd >= 0 ? &TraceToParent : nullptr);
  try {
    std::unique_ptr<Session> session = Session::Open(path, 16u << 20, nwbBeside);
    const std::int64_t last = session->FrameCount() - 1;
    for (std::size_t i = 0; i < session->Fields().size(); ++i) {
      FieldStream& field = session->Field(i);
      field.Frame(0);
      field.Frame(last);
      if (!session->Fields()[i].FileMin || !session->Fields()[i].FileMax) {
        EstimateRange(field); // the reader samples frames across the file for the colour range
      }
    }
    OverlaySet& overlays = session->Overlays();
    OverlayFrame frame;
    for (const std::int64_t at : { std::int64_t{ 0 }, last }) {
      FrameClock clock;
      clock.Time = session->Times().TimeOf(at);
      clock.FirstTime = session->Times().First();
      clock.LastTime = session->Times().Last();
      overlays.Build(clock, frame);
      for (TimeSeries& series : overlays.Series()) {
        series.ValueAt(clock.Time);
      }
    }
  } catch (const std::bad_alloc&) {
    return 4;
  } catch (const std::exception& error) {
    WriteAll(TraceFd, "refused\t" + OneLine(error.what()) + "\n");
    return 3;
  }
  return 0;
}

} // namespace neuroplayback
