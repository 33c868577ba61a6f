#include "Session.h"

#include "MissingFile.h"

#include "NwbImport.h"
#include "RowAdapters.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace neuroplayback {

namespace {

const char* const SpecHint = "See docs/session-format-v1.md.";

std::vector<double> ReadMatrix(hid_t loc, const std::string& path, std::int64_t rows, std::int64_t cols,
  const std::string& what) {
  if (!h5::Exists(loc, path)) {
    throw SessionError("The " + what + " dataset '/environment/" + path + "' is missing.",
      std::string("Write it with shape (") + std::to_string(rows) + ", " + std::to_string(cols) + "). " + SpecHint);
  }
  h5::Handle dataset = h5::OpenDataset(loc, path);
  const std::vector<hsize_t> dims = h5::Shape(dataset.Get());
  std::int64_t count = 1;
  for (hsize_t d : dims) {
    count *= static_cast<std::int64_t>(d);
  }
  const bool rowsOk = rows < 0 || (!dims.empty() && static_cast<std::int64_t>(dims[0]) == rows);
  if (!rowsOk || count != (rows < 0 ? count : rows * cols) || (rows < 0 && count % cols != 0)) {
    std::string shape = "(";
    for (std::size_t i = 0; i < dims.size(); ++i) {
      shape += (i ? ", " : "") + std::to_string(dims[i]);
    }
    shape += ")";
    throw SessionError("/environment/" + path + " has shape " + shape + " but the " + what + " needs " +
        (rows < 0 ? std::string("a multiple of ") + std::to_string(cols) + " values" :
                    std::to_string(rows) + " x " + std::to_string(cols) + " values") + ".",
      "Write it with the shape given in docs/session-format-v1.md (n_bins must agree everywhere).");
  }
  return h5::ReadAllDoubles(dataset.Get());
}

void CheckFinite(const std::vector<double>& values, const std::string& what) {
  const auto bad = std::find_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
  if (bad != values.end()) {
    throw SessionError(what + " contains a non-finite value at index " + std::to_string(bad - values.begin()) + ".",
      "Geometry must be finite; replace NaN/Inf coordinates.");
  }
}

} // namespace

bool Session::LooksLikeSession(const std::string& path) {
  if (!h5::IsHdf5File(path)) {
    return false;
  }
  h5::ErrorSilencer silence;
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.Valid()) {
    return false;
  }
  return h5::ReadStringAttribute(file.Get(), "format").value_or("") == "neuroplayback-session" || IsNwbFile(file.Get());
}

std::unique_ptr<Session> Session::Open(const std::string& path, std::size_t cacheBytesPerField,
  const std::string& nwbBeside) {
  if (path.empty()) {
    throw SessionError("No session file name was given.", "Choose a .nsp file in File > Open or pass FileName.");
  }
  if (!std::filesystem::exists(path)) {
    throw SessionError(DescribeMissingFile(path), "Correct the file name (File > Open lists what is there).");
  }
  if (!std::ifstream(path).good()) {
    throw SessionError("Cannot read '" + path + "': the file exists but is not readable by this user.",
      "Check the file's permissions (ls -l), or copy it somewhere readable.");
  }
  if (!h5::IsHdf5File(path)) {
    throw SessionError("'" + path + "' is not an HDF5 file, or it is truncated.",
      "Session files are HDF5 (.nsp); regenerate or re-copy it, and check it with h5dump.");
  }
  std::unique_ptr<Session> session(new Session());
  session->FilePath = path;
  {
    h5::TraceFile(path);
    h5::ErrorSilencer silence;
    session->File = h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  }
  if (!session->File.Valid()) {
    throw SessionError("'" + path + "' could not be opened by HDF5 (truncated or damaged).",
      "Re-copy or regenerate the file; h5dump shows where it is damaged.");
  }
  const hid_t file = session->File.Get();
  const std::string format = h5::ReadStringAttribute(file, "format").value_or("");
  if (format != "neuroplayback-session" && IsNwbFile(file)) {
    session->OpenNwb(cacheBytesPerField);
    if (!nwbBeside.empty()) {
      session->Overlays_.AddWarning("An NWB file opened on its own shows its own behaviour; the second NWB file '" +
        nwbBeside + "' is not added. How to fix: open it beside a session with decoded fields (.nsp) instead.");
    }
    return session;
  }
  if (format != "neuroplayback-session") {
    throw SessionError("'" + path + "' is HDF5 but not a NeuroPlayback session (root attribute format = '" + format +
        "', expected 'neuroplayback-session'), nor an NWB file (no root attribute neurodata_type = 'NWBFile').",
      "Write the file with neuroplayback-generate or the neuroplayback Python writer, or export NWB 2.x with pynwb. " +
        std::string(SpecHint));
  }
  const auto version = h5::ReadIntAttribute(file, "format_version");
  if (!version) {
    throw SessionError("The root attribute format_version is missing.", "Set format_version = 1.");
  }
  if (*version != SessionLimits::SupportedVersion) {
    throw SessionError("Session format version " + std::to_string(*version) + " is not supported (this plugin reads version " +
        std::to_string(SessionLimits::SupportedVersion) + ").",
      "Update the NeuroPlayback plugin, or write the file in format version 1.");
  }
  session->SessionTitle = h5::ReadStringAttribute(file, "title").value_or("");
  for (const char* group : { "environment", "time", "fields" }) {
    if (!h5::Exists(file, group)) {
      throw SessionError(std::string("The required group '/") + group + "' is missing.",
        std::string("Add /") + group + " as described in docs/session-format-v1.md.");
    }
  }
  session->LoadEnvironment();
  session->LoadTimes();
  session->LoadFields(cacheBytesPerField);
  session->LoadOverlayList();
  session->Overlays_ = OverlaySet::Load(file, session->Environment_, session->Times_->First(), session->Times_->Last(),
    8u << 20, std::filesystem::absolute(path).parent_path().string());
  for (const std::string& warning : session->OpenWarnings) {
    session->Overlays_.AddWarning(warning);
  }
  if (!nwbBeside.empty()) {
    session->AddNwbBeside(nwbBeside, "the reader's NWB File property");
  } else if (const auto nwbPath = h5::ReadStringAttribute(file, "nwb_path"); nwbPath && !nwbPath->empty()) {
    session->AddNwbBeside(*nwbPath, "the root attribute nwb_path");
  }
  return session;
}

void Session::OpenNwb(std::size_t cacheBytesPerField) {
  File.Close(); // NwbImport opens it again, read-only
  NwbImport nwb = NwbImport::Read(FilePath);
  if (nwb.Empty()) {
    throw SessionError(nwb.NothingToShow(), "");
  }
  NwbFilePath = FilePath;
  SessionTitle = nwb.Title();
  Environment_ = nwb.MakeEnvironment();
  // Frames on a regular clock at the behaviour's rate over the data's span: O(1) whatever its length.
  double first = 0.0;
  double last = 0.0;
  nwb.Span(first, last);
  const double rate = nwb.ClockRate();
  const double frames = std::floor((last - first) * rate + 1e-6) + 1.0;
  if (!(frames >= 1.0) || frames > static_cast<double>(SessionLimits::MaxFrames)) {
    throw SessionError("The NWB data spans " + std::to_string(first) + " to " + std::to_string(last) +
        " s, which at " + std::to_string(rate) + " Hz is not a usable number of frames.",
      "Check the timestamps (seconds) of the NWB series.");
  }
  Times_ = std::make_unique<FrameTimes>(FrameTimes::Regular(first, rate, static_cast<std::int64_t>(frames)));
  // No decoded field: where the animal spent its time (the same map at every frame), or, without a
  // position, a NaN placeholder (drawn in the NaN colour), so the field port, the time range, the
  // playback cue and the overlays work as for any session.
  FieldInfo info;
  std::vector<double> occupancy = nwb.Occupancy(Environment_);
  std::unique_ptr<RowSource> rows;
  if (!occupancy.empty()) {
    info.Name = NwbOccupancyField;
    info.Label = "occupancy (share of time)";
    rows = std::make_unique<RepeatedRows>(Times_->Count(), std::move(occupancy));
  } else {
    info.Name = NwbPlaceholderField;
    info.Label = "no decoded field (NWB behaviour only)";
    rows = std::make_unique<ConstantRows>(Times_->Count(), Environment_.BinCount, std::numeric_limits<double>::quiet_NaN());
  }
  FieldInfos.push_back(info);
  Streams.push_back(std::make_unique<FieldStream>(info.Name, ScalarType::Float64, std::move(rows), 16, cacheBytesPerField));
  Overlays_ = OverlaySet::ForEnvironment(Environment_);
  for (const auto& [name, kind] : nwb.MoveInto(Overlays_, Environment_, Times_->First(), Times_->Last())) {
    OverlayList.push_back({ name, kind });
  }
  File = nwb.ReleaseFile();
}

void Session::AddNwbBeside(const std::string& nwbPath, const std::string& namedBy) {
  namespace fs = std::filesystem;
  const fs::path given(nwbPath);
  const fs::path resolved = given.is_absolute() ? given : fs::absolute(FilePath).parent_path() / given;
  const std::string prefix = "NWB file " + given.filename().string() + ": ";
  std::error_code error;
  if (!fs::is_regular_file(resolved, error)) {
    Overlays_.AddWarning("The NWB file '" + resolved.string() + "' named by " + namedBy + " = '" + nwbPath +
      "' does not exist, so its overlays are not shown. How to fix: put the NWB file there, or give its "
      "path (relative to the session file's folder, or absolute).");
    return;
  }
  try {
    NwbImport nwb = NwbImport::Read(resolved.string());
    if (nwb.Empty()) {
      Overlays_.AddError(prefix + nwb.NothingToShow());
      return;
    }
    for (const auto& [name, kind] : nwb.MoveInto(Overlays_, Environment_, Times_->First(), Times_->Last(), prefix)) {
      OverlayList.push_back({ name, kind });
    }
    NwbFile = nwb.ReleaseFile();
    NwbFilePath = resolved.string();
  } catch (const SessionError& failure) {
    Overlays_.AddError("The NWB file named by " + namedBy + " ('" + resolved.string() + "') could not be read: " + failure.what());
  }
}

void Session::LoadEnvironment() {
  h5::Handle group = h5::OpenGroup(File.Get(), "environment");
  const hid_t env = group.Get();
  Environment& e = Environment_;
  const std::string layout = h5::ReadStringAttribute(env, "layout").value_or("");
  if (layout == "grid") {
    e.Layout = LayoutKind::Grid;
  } else if (layout == "hexagonal") {
    e.Layout = LayoutKind::Hexagonal;
  } else if (layout == "mesh") {
    e.Layout = LayoutKind::Mesh;
  } else if (layout == "track") {
    e.Layout = LayoutKind::Track;
  } else {
    throw SessionError("/environment has layout '" + layout + "', which is not a known layout kind.",
      "Set the attribute layout to one of grid, hexagonal, mesh, track.");
  }
  e.Units = h5::ReadStringAttribute(env, "units").value_or("");
  const auto bins = h5::ReadIntAttribute(env, "n_bins");
  if (!bins) {
    throw SessionError("/environment is missing the integer attribute n_bins.", "Set n_bins to the number of active bins.");
  }
  if (*bins <= 0 || *bins > SessionLimits::MaxBins) {
    throw SessionError("/environment n_bins = " + std::to_string(*bins) + " is out of range (1 to " +
        std::to_string(SessionLimits::MaxBins) + ").",
      "Set n_bins to the number of active bins.");
  }
  e.BinCount = *bins;
  e.BinCenters = ReadMatrix(env, "bin_centers", e.BinCount, 2, "bin centres (n_bins x 2)");
  CheckFinite(e.BinCenters, "/environment/bin_centers");

  switch (e.Layout) {
    case LayoutKind::Grid: {
      if (!h5::Exists(env, "x_edges") || !h5::Exists(env, "y_edges")) {
        throw SessionError("A grid environment needs /environment/x_edges and /environment/y_edges.",
          "Write the n_x + 1 and n_y + 1 bin edges along x and y.");
      }
      h5::Handle xEdges = h5::OpenDataset(env, "x_edges");
      h5::Handle yEdges = h5::OpenDataset(env, "y_edges");
      const auto xDims = h5::Shape(xEdges.Get());
      const auto yDims = h5::Shape(yEdges.Get());
      if (xDims.size() != 1 || yDims.size() != 1 || xDims[0] < 2 || yDims[0] < 2) {
        throw SessionError("/environment/x_edges and y_edges must be 1-D with at least 2 values.",
          "Write the bin edges along each axis.");
      }
      e.GridX = static_cast<std::int64_t>(xDims[0]) - 1;
      e.GridY = static_cast<std::int64_t>(yDims[0]) - 1;
      if (e.GridX * e.GridY > SessionLimits::MaxGridCells) {
        throw SessionError("The grid has " + std::to_string(e.GridX) + " x " + std::to_string(e.GridY) +
            " cells, more than the limit of " + std::to_string(SessionLimits::MaxGridCells) + ".",
          "Use coarser bins.");
      }
      e.XEdges = h5::ReadAllDoubles(xEdges.Get());
      e.YEdges = h5::ReadAllDoubles(yEdges.Get());
      for (const auto* edges : { &e.XEdges, &e.YEdges }) {
        CheckFinite(*edges, "/environment grid edges");
        for (std::size_t i = 1; i < edges->size(); ++i) {
          if (!((*edges)[i] > (*edges)[i - 1])) {
            throw SessionError("/environment grid edges are not strictly increasing at index " + std::to_string(i) + ".",
              "Write increasing bin edges.");
          }
        }
      }
      if (!h5::Exists(env, "active_mask")) {
        throw SessionError("A grid environment needs /environment/active_mask (n_x x n_y, uint8).",
          "Write 1 for every active bin and 0 elsewhere.");
      }
      h5::Handle mask = h5::OpenDataset(env, "active_mask");
      const auto maskDims = h5::Shape(mask.Get());
      if (maskDims.size() != 2 || static_cast<std::int64_t>(maskDims[0]) != e.GridX ||
        static_cast<std::int64_t>(maskDims[1]) != e.GridY) {
        throw SessionError("/environment/active_mask must have shape (n_x, n_y) = (" + std::to_string(e.GridX) + ", " +
            std::to_string(e.GridY) + ") to match the edges.",
          "Write the mask x-major, as neurospatial's active_mask.");
      }
      e.ActiveMask = h5::ReadAllBytes(mask.Get());
      const auto active = std::count_if(e.ActiveMask.begin(), e.ActiveMask.end(), [](std::uint8_t v) { return v != 0; });
      if (active != e.BinCount) {
        throw SessionError("/environment/active_mask has " + std::to_string(active) + " active cells but n_bins = " +
            std::to_string(e.BinCount) + ".",
          "n_bins must equal the number of non-zero mask entries.");
      }
      break;
    }
    case LayoutKind::Hexagonal: {
      e.HexRadius = h5::ReadDoubleAttribute(env, "hex_radius").value_or(0.0);
      e.HexOrientation = h5::ReadDoubleAttribute(env, "hex_orientation").value_or(0.0);
      if (!(e.HexRadius > 0.0) || !std::isfinite(e.HexRadius)) {
        throw SessionError("A hexagonal environment needs a positive attribute hex_radius.",
          "Set hex_radius to the centre-to-vertex distance of the hexagons.");
      }
      break;
    }
    case LayoutKind::Mesh: {
      e.Vertices = ReadMatrix(env, "vertices", -1, 2, "mesh vertices (n_vertices x 2)");
      CheckFinite(e.Vertices, "/environment/vertices");
      if (!h5::Exists(env, "triangles")) {
        throw SessionError("A mesh environment needs /environment/triangles (n_bins x 3).", "Write one triangle per bin.");
      }
      h5::Handle triangles = h5::OpenDataset(env, "triangles");
      const auto dims = h5::Shape(triangles.Get());
      if (dims.size() != 2 || dims[1] != 3 || static_cast<std::int64_t>(dims[0]) != e.BinCount) {
        throw SessionError("/environment/triangles must have shape (n_bins, 3) = (" + std::to_string(e.BinCount) + ", 3).",
          "Write one triangle (three vertex indices) per bin.");
      }
      e.Triangles = h5::ReadAllInts(triangles.Get());
      const auto vertexCount = static_cast<std::int64_t>(e.Vertices.size() / 2);
      for (std::size_t i = 0; i < e.Triangles.size(); ++i) {
        if (e.Triangles[i] < 0 || e.Triangles[i] >= vertexCount) {
          throw SessionError("/environment/triangles refers to vertex " + std::to_string(e.Triangles[i]) +
              " but there are only " + std::to_string(vertexCount) + " vertices.",
            "Vertex indices start at 0 and must be below n_vertices.");
        }
      }
      break;
    }
    case LayoutKind::Track: {
      e.BinSegments = ReadMatrix(env, "bin_segments", e.BinCount, 4, "track bin segments (n_bins x 2 x 2)");
      CheckFinite(e.BinSegments, "/environment/bin_segments");
      break;
    }
  }

  // Regions are optional decoration: a damaged one is left out with a warning, as a bad overlay is.
  if (h5::Exists(env, "regions")) {
    std::vector<std::string> names;
    try {
      names = h5::ChildNames(h5::OpenGroup(env, "regions").Get());
    } catch (const SessionError& error) {
      OpenWarnings.push_back("The regions are not shown: " + std::string(error.what()));
    }
    for (const std::string& name : names) {
      try {
        h5::Handle region = h5::OpenGroup(env, "regions/" + name);
        Region r;
        r.Name = name;
        r.IsPolygon = h5::ReadStringAttribute(region.Get(), "kind").value_or("polygon") != "point";
        if (h5::Exists(region.Get(), "coords")) {
          r.Coords = ReadMatrix(region.Get(), "coords", -1, 2, "region coordinates");
        }
        e.Regions.push_back(std::move(r));
      } catch (const SessionError& error) {
        OpenWarnings.push_back("The region '" + name + "' is not shown: " + std::string(error.what()));
      }
    }
  }
}

void Session::LoadTimes() {
  h5::Handle group = h5::OpenGroup(File.Get(), "time");
  if (h5::Exists(group.Get(), "frame_times")) {
    h5::Handle dataset = h5::OpenUncachedDataset(group.Get(), "frame_times");
    if (h5::Shape(dataset.Get()).size() != 1) {
      throw SessionError("/time/frame_times must be 1-D (n_frames,).", "Write one time in seconds per frame.");
    }
    if (h5::Shape(dataset.Get())[0] == 0) {
      throw SessionError("The session has no frames: /time/frame_times is empty.", "Write at least one frame time.");
    }
    if (!h5::IsNumeric(dataset.Get())) {
      throw SessionError("/time/frame_times does not hold numbers (it is text or records).",
        "Write the frame times as float64 seconds.");
    }
    Times_ = std::make_unique<FrameTimes>(
      FrameTimes::Explicit(std::make_unique<h5::DatasetRows>(std::move(dataset), H5T_NATIVE_DOUBLE)));
  } else {
    const auto start = h5::ReadDoubleAttribute(group.Get(), "start");
    const auto rate = h5::ReadDoubleAttribute(group.Get(), "rate");
    const auto frames = h5::ReadIntAttribute(group.Get(), "n_frames");
    if (!start || !rate || !frames) {
      throw SessionError("/time has neither a frame_times dataset nor the attributes start, rate and n_frames.",
        "Write explicit frame times, or regular times as start (s), rate (Hz) and n_frames.");
    }
    if (*frames > SessionLimits::MaxFrames) {
      throw SessionError("/time n_frames = " + std::to_string(*frames) + " is absurdly large.", "Check n_frames.");
    }
    Times_ = std::make_unique<FrameTimes>(FrameTimes::Regular(*start, *rate, *frames));
  }
}

void Session::LoadFields(std::size_t cacheBytesPerField) {
  h5::Handle group = h5::OpenGroup(File.Get(), "fields");
  const std::vector<std::string> names = h5::ChildNames(group.Get());
  if (names.empty()) {
    throw SessionError("/fields has no field.", "Write at least one dataset /fields/<name> of shape (n_frames, n_bins).");
  }
  for (const std::string& name : names) {
    const std::string where = "/fields/" + name;
    h5::Handle dataset = h5::OpenUncachedDataset(group.Get(), name);
    const auto dims = h5::Shape(dataset.Get());
    if (dims.size() != 2) {
      throw SessionError(where + " has " + std::to_string(dims.size()) + " dimensions; a field must be 2-D (n_frames, n_bins).",
        "Reshape it to (n_frames, n_bins).");
    }
    if (static_cast<std::int64_t>(dims[1]) != Environment_.BinCount) {
      throw SessionError(where + " has " + std::to_string(dims[1]) + " bins per frame but the environment has n_bins = " +
          std::to_string(Environment_.BinCount) + ".",
        "Write one value per active bin, in the environment's bin order.");
    }
    if (static_cast<std::int64_t>(dims[0]) != Times_->Count()) {
      throw SessionError(where + " has " + std::to_string(dims[0]) + " frames but /time has " +
          std::to_string(Times_->Count()) + ".",
        "Write one frame time per field frame.");
    }
    h5::Handle fileType(H5Dget_type(dataset.Get()));
    if (H5Tget_class(fileType.Get()) != H5T_FLOAT) {
      throw SessionError(where + " is not floating point.", "Store fields as float32 or float64.");
    }
    const bool isDouble = H5Tget_size(fileType.Get()) > 4;
    std::int64_t blockFrames = 16;
    bool filtered = false;  // compressed (or otherwise filtered): a frame read inflates its whole chunk
    {
      h5::Handle create(H5Dget_create_plist(dataset.Get()));
      if (H5Pget_layout(create.Get()) == H5D_CHUNKED) {
        hsize_t chunk[2] = { 0, 0 };
        if (H5Pget_chunk(create.Get(), 2, chunk) == 2 && chunk[0] > 0) {
          blockFrames = static_cast<std::int64_t>(chunk[0]);
        }
        // A frame read inflates or reads its whole chunk: a chunk beyond a few hundred MB cannot be
        // streamed (and a chunk far larger than the dataset is a damaged header).
        const double chunkBytes = static_cast<double>(chunk[0]) * static_cast<double>(dims[1]) * (isDouble ? 8.0 : 4.0);
        if (chunkBytes > 256.0 * (1 << 20)) {
          throw SessionError(where + " is stored in chunks of " + std::to_string(chunk[0]) + " frames (" +
              std::to_string(static_cast<long long>(chunkBytes / (1 << 20))) +
              " MB each): too large to stream one frame at a time, or its header is damaged.",
            "Write the field chunked along time with a few frames per chunk, as the NeuroPlayback writer does; "
            "if it already is, re-copy the file.");
        }
        filtered = H5Pget_nfilters(create.Get()) > 0;
      }
    }
    FieldInfo info;
    info.Name = name;
    info.Label = h5::ReadStringAttribute(dataset.Get(), "label").value_or(name);
    info.Colormap = h5::ReadStringAttribute(dataset.Get(), "colormap").value_or("");
    info.FileMin = h5::ReadDoubleAttribute(dataset.Get(), "vmin");
    info.FileMax = h5::ReadDoubleAttribute(dataset.Get(), "vmax");
    FieldInfos.push_back(info);
    const hid_t memType = isDouble ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
    Streams.push_back(std::make_unique<FieldStream>(name, isDouble ? ScalarType::Float64 : ScalarType::Float32,
      std::make_unique<h5::DatasetRows>(std::move(dataset), memType), blockFrames, cacheBytesPerField));
    Streams.back()->SetWholeBlockReads(filtered);
  }
  const std::string preferred = h5::ReadStringAttribute(group.Get(), "default").value_or("");
  const auto found = std::find(names.begin(), names.end(), preferred);
  DefaultField = found == names.end() ? 0 : static_cast<std::size_t>(found - names.begin());
}

void Session::LoadOverlayList() {
  if (!h5::Exists(File.Get(), "overlays")) {
    return;
  }
  h5::Handle group = h5::OpenGroup(File.Get(), "overlays");
  std::vector<std::string> names;
  try {
    names = h5::ChildNames(group.Get());
  } catch (const SessionError&) {
    return; // OverlaySet::Load reports the damaged group and the field still plays
  }
  for (const std::string& name : names) {
    h5::ErrorSilencer silence;
    h5::Handle overlay(H5Oopen(group.Get(), name.c_str(), H5P_DEFAULT));
    OverlayList.push_back({ name, overlay.Valid() ? h5::ReadStringAttribute(overlay.Get(), "kind").value_or("") : "" });
  }
}

} // namespace neuroplayback
