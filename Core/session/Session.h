#pragma once
// A session file opened read-only: environment, frame times and lazily streamed fields.
// Opening reads only headers and the environment; its cost does not grow with the frame count.
// An NWB file opens as a session too (NwbImport.h): its behaviour becomes overlays over a grid sized
// from the position extent, on a regular clock at the behaviour's rate, with a NaN placeholder field.
// A session's root attribute nwb_path adds an NWB file's overlays beside its own.
#include "Environment.h"
#include "FieldStream.h"
#include "FrameTimes.h"
#include "Hdf5.h"
#include "Overlays.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neuroplayback {

struct OverlayInfo {
  std::string Name;
  std::string Kind;
};

struct SessionLimits {
  static constexpr std::int64_t MaxBins = 10'000'000;
  static constexpr std::int64_t MaxFrames = std::int64_t{ 1 } << 40;
  static constexpr std::int64_t MaxGridCells = 100'000'000;
  static constexpr int SupportedVersion = 1;
};

struct FieldInfo {
  std::string Name;
  std::string Label;
  std::string Colormap;
  std::optional<double> FileMin;
  std::optional<double> FileMax;
};

class Session {
public:
  // Throws SessionError naming the problem and the fix. Never writes to the file. Opens .nsp
  // sessions and NWB files.
  // nwbBeside: an NWB file whose behaviour joins the session's overlays (relative to the session's
  // folder, or absolute); it takes the place of the file's own nwb_path attribute.
  static std::unique_ptr<Session> Open(const std::string& path, std::size_t cacheBytesPerField = 64u << 20,
    const std::string& nwbBeside = "");
  // True when the file is HDF5 and says it is a NeuroPlayback session or an NWB file (cheap; for
  // reader detection).
  static bool LooksLikeSession(const std::string& path);

  // The name of the placeholder field of an NWB file opened on its own (NaN everywhere).
  static constexpr const char* NwbPlaceholderField = "no_field";
  // An NWB file opened on its own with a position: the share of time spent in each bin.
  static constexpr const char* NwbOccupancyField = "occupancy";
  // The NWB file whose overlays this session shows (the file itself, or its nwb_path), or "".
  const std::string& NwbPath() const { return NwbFilePath; }

  const std::string& Path() const { return FilePath; }
  const std::string& Title() const { return SessionTitle; }
  const Environment& Env() const { return Environment_; }
  FrameTimes& Times() { return *Times_; }
  std::int64_t FrameCount() const { return Times_->Count(); }

  const std::vector<FieldInfo>& Fields() const { return FieldInfos; }
  std::size_t DefaultFieldIndex() const { return DefaultField; }
  FieldStream& Field(std::size_t index) { return *Streams.at(index); }
  // Every group under /overlays, by name and kind.
  const std::vector<OverlayInfo>& OverlayGroups() const { return OverlayList; }
  // The drawable overlays (position, bodyparts, head direction, events), streamed.
  OverlaySet& Overlays() { return Overlays_; }

private:
  Session() = default;
  void LoadEnvironment();
  void LoadTimes();
  void LoadFields(std::size_t cacheBytesPerField);
  void LoadOverlayList();
  void OpenNwb(std::size_t cacheBytesPerField);
  // namedBy says in messages where the path came from ("the root attribute nwb_path", ...).
  void AddNwbBeside(const std::string& nwbPath, const std::string& namedBy);

  std::string FilePath;
  std::string SessionTitle;
  h5::Handle File;
  h5::Handle NwbFile; // an nwb_path file beside the session
  std::string NwbFilePath;
  Environment Environment_;
  std::unique_ptr<FrameTimes> Times_;
  std::vector<FieldInfo> FieldInfos;
  std::vector<std::unique_ptr<FieldStream>> Streams;
  std::size_t DefaultField = 0;
  std::vector<OverlayInfo> OverlayList;
  OverlaySet Overlays_;
  std::vector<std::string> OpenWarnings; // from before the overlays load (a damaged region), joined to theirs
};

} // namespace neuroplayback
