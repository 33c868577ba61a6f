#include "vtkNeuroSessionReader.h"
#include "vtkNeuroSessionHandle.h"

#include "ColorRange.h"
#include "EnvironmentGeometry.h"
#include "FieldPieces.h"
#include "Navigation.h"
#include "OverlayGeometry.h"
#include "Session.h"
#include "SessionError.h"
#include "SessionProbe.h"
#include "VideoFrames.h"

#include <vtkCellData.h>
#include <vtkDataSet.h>
#include <vtkDoubleArray.h>
#include <vtkExtentTranslator.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkImageData.h>
#include <vtkIntArray.h>
#include <vtkInformation.h>
#include <vtkInformationIntegerKey.h>
#include <vtkInformationIntegerRequestKey.h>
#include <vtkInformationVector.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkPolyData.h>
#include <vtkStreamingDemandDrivenPipeline.h>
#include <vtkStringArray.h>
#include <vtkTable.h>
#include <vtkUnsignedCharArray.h>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>
#include <vector>

using neuroplayback::ScalarType;
using neuroplayback::Session;
using neuroplayback::SessionError;

struct vtkNeuroSessionReader::Internals
{
  std::shared_ptr<Session> OpenSession;
  // What the outputs' information carries down the pipeline to the filters (vtkNeuroSessionHandle).
  vtkSmartPointer<vtkNeuroSessionHandle> Handle;
  std::string OpenedFile;
  bool OpenedExact = false;
  std::string OpenedNwb;
  int OpenedCacheSizeMB = 0;
  neuroplayback::EnvironmentGeometry Geometry;
  // Global colour range per field, computed once per file.
  std::vector<neuroplayback::ValueRange> Ranges;
  // Overlays: the arrays of the current frame, and the static layers built once per file.
  neuroplayback::OverlayFrame Overlay;
  vtkSmartPointer<vtkPolyData> Regions;
  vtkSmartPointer<vtkPolyData> ScaleBar;
  // The overlays the session has, in the Overlays output's order. The dynamic blocks are refilled per
  // frame, then given back their style arrays (line or arrow width, the event legend), built once per
  // file; the static blocks are the objects above, never touched again.
  enum class Fill { Positions, Trails, Bodyparts, Skeleton, Headings, Events, None };
  struct Block
  {
    std::string Name;
    Fill Kind = Fill::None;
    vtkSmartPointer<vtkPolyData> Data;
    std::vector<vtkSmartPointer<vtkAbstractArray>> Style;
  };
  std::vector<Block> Blocks;
  // The videos, drawn by the overlay display from the "Video" block: one image per video (its frame at
  // the current time, decoded only when a consumer asks for VIDEO_FRAMES, the same object while the
  // video frame stays; an empty one outside the video or when not asked for). The block's field data
  // says where to put each ("VideoPlacement": x, y, z, degrees, x and y scale, alpha, a row per video)
  // and holds a "LayerStamp" per video that changes with its pixels, so the display uploads them only
  // then. Not the images' own field data: a client-server delivery marshals an image as legacy VTK,
  // whose reader warns once per image with field data ("Not all meta data was read"), every frame.
  struct VideoLayer
  {
    neuroplayback::VideoFrames Frames;
    vtkSmartPointer<vtkImageData> Empty;
    vtkSmartPointer<vtkImageData> Shown; // the frame last stamped (VideoFrames makes a new image per frame)
  };
  std::vector<std::unique_ptr<VideoLayer>> Videos;
  vtkSmartPointer<vtkMultiBlockDataSet> VideoBlock;
  vtkSmartPointer<vtkDoubleArray> VideoStamps;
  double VideoStamp = 0.0;
  // Under MPI, this rank's piece of the field: its slab, its cells and a stream of only its bins per
  // field (null when the field's source cannot read columns: then taken from the whole frame).
  struct RankPiece
  {
    std::int64_t Key[3] = { -1, -1, -1 };
    int Pieces = 1;
    neuroplayback::FieldPiece Slab;
    neuroplayback::EnvironmentGeometry Geometry;
    std::vector<std::unique_ptr<neuroplayback::FieldStream>> Streams;
    std::vector<unsigned char> Gathered;
  };
  RankPiece Piece;
  // Overlays sit above the field in this order, a small step apart, so none hides another.
  double LayerStep = 0.0;
  std::size_t ReportedWarnings = 0;
  // The epochs the playback cue plays inside, for one interval overlay of this session.
  std::unique_ptr<neuroplayback::EpochSource> Epochs;
  std::string EpochsName;
  // The last failed attempt (file, modification time, exact range): not retried or re-reported
  // within one update, but retried once the file changes.
  std::string FailedKey;
};

namespace
{
std::string AttemptKey(const std::string& file, bool exact)
{
  std::error_code error;
  const auto modified = std::filesystem::last_write_time(file, error);
  return file + "|" + std::to_string(error ? 0 : modified.time_since_epoch().count()) + "|" + (exact ? "1" : "0");
}
} // namespace

vtkStandardNewMacro(vtkNeuroSessionReader);
vtkInformationKeyMacro(vtkNeuroSessionReader, VIDEO_FRAMES_MADE, Integer);

namespace
{
// VIDEO_FRAMES travels upstream with the update request, and the executive re-executes the reader when
// the value asked for differs from the one the output was made with (VIDEO_FRAMES_MADE).
class VideoFramesRequestKey : public vtkInformationIntegerRequestKey
{
public:
  VideoFramesRequestKey()
    : vtkInformationIntegerRequestKey("VIDEO_FRAMES", "vtkNeuroSessionReader")
  {
    this->DataKey = vtkNeuroSessionReader::VIDEO_FRAMES_MADE();
  }
};
} // namespace

vtkInformationIntegerRequestKey* vtkNeuroSessionReader::VIDEO_FRAMES()
{
  static vtkInformationIntegerRequestKey* const key = new VideoFramesRequestKey; // owned by VTK's key manager
  return key;
}

vtkNeuroSessionReader::vtkNeuroSessionReader()
  : Internal(new Internals)
{
  this->SetNumberOfInputPorts(0);
  this->SetNumberOfOutputPorts(NumberOfPorts);
}

vtkNeuroSessionReader::~vtkNeuroSessionReader()
{
  this->SetFileName(nullptr);
}

int vtkNeuroSessionReader::CanReadFile(const char* name)
{
  if (!name)
  {
    return 0;
  }
  const std::string path(name);
  for (const std::string extension : { ".nsp", ".nwb" })
  {
    if (path.size() >= extension.size() && path.compare(path.size() - extension.size(), extension.size(), extension) == 0)
    {
      return 1;
    }
  }
  return Session::LooksLikeSession(path) ? 1 : 0;
}

namespace
{
// This module's own file, so the probe is found beside the plugin wherever it is loaded.
std::string ThisModuleFile()
{
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&ThisModuleFile), &info) != 0 && info.dli_fname)
  {
    return info.dli_fname;
  }
  return "";
}
} // namespace

bool vtkNeuroSessionReader::GuardFirstOpen(const std::string& file)
{
  using neuroplayback::SessionProbe;
  if (SessionProbe::SwitchedOff())
  {
    return true; // on purpose (benchmarks, debugging): no warning
  }
  const std::string probe = SessionProbe::Locate(ThisModuleFile(), NEUROPLAYBACK_PROBE_RELATIVE);
  neuroplayback::ProbeVerdict verdict;
  if (!probe.empty())
  {
    verdict = SessionProbe::Check(probe, file, this->NWBFileName, SessionProbe::TimeoutSeconds());
  }
  if (verdict.Result == neuroplayback::ProbeVerdict::Outcome::Unavailable)
  {
    static bool warned = false;
    if (!warned)
    {
      warned = true;
      vtkWarningMacro(<< "The damage check (neuroplayback-probe) could not run"
                      << (verdict.Detail.empty() ? std::string(" (not found beside the plugin)") : " (" + verdict.Detail + ")")
                      << ", so session files are opened without it: a damaged file can crash ParaView. How to fix: "
                         "install neuroplayback-probe with the plugin, or name it in NEUROPLAYBACK_PROBE.");
    }
    return true;
  }
  if (verdict.Damaged())
  {
    this->ReportError(verdict.Message(file));
    return false;
  }
  return true;
}

void vtkNeuroSessionReader::ReportError(const std::string& message)
{
  this->LastError = neuroplayback::Utf8Safe(message);
  vtkErrorMacro(<< this->LastError);
}

bool vtkNeuroSessionReader::EnsureSession()
{
  Internals& in = *this->Internal;
  const std::string file = this->FileName ? this->FileName : "";
  if (in.OpenSession && in.OpenedFile == file && in.OpenedExact == this->ExactColorRange &&
    in.OpenedCacheSizeMB == this->CacheSizeMB && in.OpenedNwb == this->NWBFileName)
  {
    return true;
  }
  const std::string key = AttemptKey(file, this->ExactColorRange) + "|" + this->NWBFileName;
  if (!in.OpenSession && in.FailedKey == key)
  {
    return false; // already reported; LastError still says why
  }
  in = Internals{};
  this->LastError.clear();
  // Stages of the open in ParaView's progress bar (shown when the open runs inside an update, e.g. Apply).
  this->SetProgressText("Checking the session file");
  this->UpdateProgress(0.0);
  if (!this->GuardFirstOpen(file))
  {
    in.FailedKey = key;
    return false;
  }
  try
  {
    const std::size_t cacheBytes = static_cast<std::size_t>(this->CacheSizeMB) << 20;
    this->SetProgressText(this->NWBFileName.empty() ? "Opening the session" : "Opening the session and its NWB file");
    this->UpdateProgress(0.2);
    std::unique_ptr<Session> session = Session::Open(file, cacheBytes, this->NWBFileName);
    this->SetProgressText("Building the environment and the colour ranges");
    this->UpdateProgress(0.7);
    in.Geometry = neuroplayback::BuildEnvironmentGeometry(session->Env());
    for (std::size_t i = 0; i < session->Fields().size(); ++i)
    {
      const neuroplayback::FieldInfo& info = session->Fields()[i];
      neuroplayback::FieldStream& stream = session->Field(i);
      if (this->ExactColorRange)
      {
        in.Ranges.push_back(neuroplayback::ExactRange(stream, [this](double fraction) {
          this->UpdateProgress(fraction);
          return !this->GetAbortExecute();
        }));
      }
      else if (info.FileMin && info.FileMax)
      {
        in.Ranges.push_back(neuroplayback::Widened(*info.FileMin, *info.FileMax, "file"));
      }
      else
      {
        in.Ranges.push_back(neuroplayback::EstimateRange(stream));
      }
    }
    this->UpdateProgress(1.0);
    this->SetProgressText(nullptr);
    in.OpenedFile = file;
    in.OpenedExact = this->ExactColorRange;
    in.OpenedCacheSizeMB = this->CacheSizeMB;
    in.OpenedNwb = this->NWBFileName;
    in.OpenSession = std::move(session);
  }
  catch (const SessionError& error)
  {
    in = Internals{};
    in.FailedKey = key;
    this->ReportError(error.what());
    return false;
  }
  catch (const std::exception& error)
  {
    in = Internals{};
    in.FailedKey = key;
    this->ReportError(std::string("Unexpected failure reading the session: ") + error.what());
    return false;
  }
  Session& session = *in.OpenSession;
  this->NumberOfFrames = session.FrameCount();
  this->TimeRange[0] = session.Times().First();
  this->TimeRange[1] = session.Times().Last();
  this->FrameRate = session.Times().Rate();
  const std::size_t defaultField = session.DefaultFieldIndex();
  this->DefaultFieldName = session.Fields()[defaultField].Name;
  this->ColorRange[0] = in.Ranges[defaultField].Min;
  this->ColorRange[1] = in.Ranges[defaultField].Max;
  this->LayoutName = neuroplayback::LayoutName(session.Env().Layout);
  this->Units = session.Env().Units;
  this->CurrentFrame = -1;

  double bounds[6];
  in.Geometry.Geometry->GetBounds(bounds);
  const double extent = std::max(bounds[1] - bounds[0], bounds[3] - bounds[2]);
  in.LayerStep = 0.003 * (extent > 0 ? extent : 1.0);
  in.Regions = neuroplayback::BuildRegions(session.Env(), 1 * in.LayerStep);
  in.ScaleBar = neuroplayback::BuildScaleBar(bounds, session.Env().Units, 1 * in.LayerStep);
  // What a view frames when the session is shown (the "frame" query): the arena and its scale bar.
  double arena[6];
  std::copy(bounds, bounds + 6, arena);
  if (in.ScaleBar && in.ScaleBar->GetNumberOfPoints() > 0)
  {
    double bar[6];
    in.ScaleBar->GetBounds(bar);
    for (int axis = 0; axis < 3; ++axis)
    {
      arena[2 * axis] = std::min(arena[2 * axis], bar[2 * axis]);
      arena[2 * axis + 1] = std::max(arena[2 * axis + 1], bar[2 * axis + 1]);
    }
  }
  std::copy(arena, arena + 6, this->ArenaBounds);
  vtkNew<vtkDoubleArray> outlineWidth;
  outlineWidth->SetName("LineWidth");
  outlineWidth->InsertNextValue(1.5);
  in.Regions->GetFieldData()->AddArray(outlineWidth);
  neuroplayback::OverlaySet& overlays = session.Overlays();
  auto joined = [](const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines)
    {
      text += (text.empty() ? "" : "\n") + neuroplayback::Utf8Safe(line);
    }
    return text;
  };
  this->OverlayErrors = joined(overlays.Errors());
  this->OverlayWarnings = joined(overlays.Warnings());
  for (const std::string& error : overlays.Errors())
  {
    vtkErrorMacro(<< neuroplayback::Utf8Safe(error));
  }
  for (const std::string& warning : overlays.Warnings())
  {
    vtkWarningMacro(<< neuroplayback::Utf8Safe(warning));
  }
  in.ReportedWarnings = overlays.Warnings().size();
  this->BuildOverlayOutputs();
  return true;
}

const double* vtkNeuroSessionReader::GetFieldColorRange(int index)
{
  static const double unit[2] = { 0.0, 1.0 };
  const Internals& in = *this->Internal;
  if (index < 0 || static_cast<std::size_t>(index) >= in.Ranges.size())
  {
    return unit;
  }
  this->FieldRange[0] = in.Ranges[static_cast<std::size_t>(index)].Min;
  this->FieldRange[1] = in.Ranges[static_cast<std::size_t>(index)].Max;
  return this->FieldRange;
}

std::string vtkNeuroSessionReader::GetOverlayNames(const std::string& kind)
{
  std::string names;
  if (!this->EnsureSession())
  {
    return names;
  }
  neuroplayback::OverlaySet& overlays = this->Internal->OpenSession->Overlays();
  if (kind == "events")
  {
    for (const auto& events : overlays.Events())
    {
      names += events.Name + "\n";
    }
  }
  else if (kind == "intervals")
  {
    for (const auto& intervals : overlays.Intervals())
    {
      names += intervals.Name + "\n";
    }
  }
  return names;
}

neuroplayback::EpochSource* vtkNeuroSessionReader::GetEpochs(const char* intervalOverlay)
{
  const std::string name = intervalOverlay ? intervalOverlay : "";
  if (name.empty() || !this->EnsureSession())
  {
    return nullptr;
  }
  Internals& in = *this->Internal;
  if (in.Epochs && in.EpochsName == name)
  {
    return in.Epochs.get();
  }
  in.Epochs.reset();
  for (neuroplayback::IntervalOverlay& intervals : in.OpenSession->Overlays().Intervals())
  {
    if (intervals.Name == name && !intervals.Disabled)
    {
      in.Epochs = std::make_unique<neuroplayback::IntervalEpochs>(intervals);
      in.EpochsName = name;
    }
  }
  return in.Epochs.get();
}

vtkIdType vtkNeuroSessionReader::GetOverlayRowsRead()
{
  return this->EnsureSession() ? this->Internal->OpenSession->Overlays().RowsRead() : 0;
}

void vtkNeuroSessionReader::BuildOverlayOutputs()
{
  Internals& in = *this->Internal;
  neuroplayback::OverlaySet& overlays = in.OpenSession->Overlays();
  bool trails = false;
  for (const auto& p : overlays.Positions())
  {
    trails = trails || p.TrailSeconds > 0 || p.TrailSamples > 0;
  }
  bool skeleton = false;
  for (const auto& b : overlays.Bodyparts())
  {
    skeleton = skeleton || !b.Edges.empty();
  }
  // Only the overlays the session has get a block; the representation draws them all.
  auto number = [](const char* name, double value) {
    auto array = vtkSmartPointer<vtkDoubleArray>::New();
    array->SetName(name);
    array->InsertNextValue(value);
    return vtkSmartPointer<vtkAbstractArray>(array);
  };
  double arrowWidth = 2.0;
  for (const auto& h : overlays.HeadDirections())
  {
    arrowWidth = std::max(arrowWidth, h.Width);
  }
  // Which colour and marker is which event type or spike unit, for the overlay display's legend.
  vtkNew<vtkStringArray> labels;
  labels->SetName("LegendLabels");
  vtkNew<vtkUnsignedCharArray> colors;
  colors->SetName("LegendColors");
  colors->SetNumberOfComponents(4);
  vtkNew<vtkIntArray> markers;
  markers->SetName("LegendMarkers");
  const bool severalOverlays = overlays.Events().size() > 1;
  for (const auto& events : overlays.Events())
  {
    for (const auto& type : events.Types)
    {
      const bool unnamed = type.Name.empty() || type.Name == events.Name;
      labels->InsertNextValue(unnamed ? events.Name : severalOverlays ? events.Name + ": " + type.Name : type.Name);
      const unsigned char rgba[4] = { type.Color.R, type.Color.G, type.Color.B, type.Color.A };
      colors->InsertNextTypedTuple(rgba);
      markers->InsertNextValue(static_cast<int>(type.Marker));
    }
  }
  using Fill = Internals::Fill;
  in.Blocks.clear();
  auto add = [&in](const char* name, bool present, Fill kind, std::vector<vtkSmartPointer<vtkAbstractArray>> style = {},
               vtkSmartPointer<vtkPolyData> data = nullptr) {
    if (present)
    {
      in.Blocks.push_back({ name, kind, data ? data : vtkSmartPointer<vtkPolyData>::New(), std::move(style) });
    }
  };
  add("Position", !overlays.Positions().empty(), Fill::Positions);
  add("Trails", trails, Fill::Trails, { number("LineWidth", 2.0) });
  add("Bodyparts", !overlays.Bodyparts().empty(), Fill::Bodyparts);
  add("Skeleton", skeleton, Fill::Skeleton, { number("LineWidth", overlays.SkeletonWidth()) });
  add("Head Direction", !overlays.HeadDirections().empty(), Fill::Headings, { number("ArrowWidth", arrowWidth) });
  add("Events", !overlays.Events().empty(), Fill::Events, { labels.Get(), colors.Get(), markers.Get() });
  add("Regions", !in.OpenSession->Env().Regions.empty(), Fill::None, {}, in.Regions);
  add("Scale Bar", true, Fill::None, {}, in.ScaleBar);

  in.Videos.clear();
  in.VideoBlock = nullptr;
  in.VideoStamps = nullptr;
  vtkNew<vtkDoubleArray> placement;
  placement->SetName("VideoPlacement");
  placement->SetNumberOfComponents(7);
  for (const auto& video : overlays.Videos())
  {
    const neuroplayback::ImagePlacement placed = neuroplayback::PlaceImage(video->Calibration().OutputPxToEnv(), video->Height());
    if (placed.ShearFraction > 0.01)
    {
      vtkWarningMacro(<< neuroplayback::ShearWarning(placed.ShearFraction));
    }
    // Below the field, or just above it and under the other overlays (they start one layer step up).
    const double tuple[7] = { placed.X, placed.Y, (video->Below() ? -1.0 : 0.5) * in.LayerStep, placed.AngleDegrees,
      placed.ScaleX, placed.ScaleY, video->Alpha() };
    placement->InsertNextTuple(tuple);
    auto layer = std::make_unique<Internals::VideoLayer>();
    layer->Empty = vtkSmartPointer<vtkImageData>::New();
    in.Videos.push_back(std::move(layer));
  }
  if (!in.Videos.empty())
  {
    in.VideoBlock = vtkSmartPointer<vtkMultiBlockDataSet>::New();
    in.VideoBlock->SetNumberOfBlocks(static_cast<unsigned int>(in.Videos.size()));
    in.VideoStamps = vtkSmartPointer<vtkDoubleArray>::New();
    in.VideoStamps->SetName("LayerStamp");
    in.VideoStamps->SetNumberOfTuples(static_cast<vtkIdType>(in.Videos.size()));
    in.VideoStamps->Fill(0.0);
    in.VideoBlock->GetFieldData()->AddArray(placement);
    in.VideoBlock->GetFieldData()->AddArray(in.VideoStamps);
  }
}

int vtkNeuroSessionReader::FillOutputPortInformation(int port, vtkInformation* info)
{
  const char* type = "vtkDataSet";
  switch (port)
  {
    case OverlayPort:
      type = "vtkMultiBlockDataSet";
      break;
    case AnnotationPort:
      type = "vtkTable";
      break;
    default:
      break;
  }
  info->Set(vtkDataObject::DATA_TYPE_NAME(), type);
  return 1;
}

int vtkNeuroSessionReader::RequestDataObject(vtkInformation*, vtkInformationVector**, vtkInformationVector* outputVector)
{
  // The output type follows the layout: image data for grids, polygons/lines otherwise.
  bool grid = true;
  if (this->FileName && this->EnsureSession())
  {
    grid = this->Internal->OpenSession->Env().Layout == neuroplayback::LayoutKind::Grid;
  }
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  vtkDataObject* current = outInfo->Get(vtkDataObject::DATA_OBJECT());
  const bool matches = current && (grid ? current->IsA("vtkImageData") : current->IsA("vtkPolyData"));
  if (!matches)
  {
    vtkSmartPointer<vtkDataSet> output;
    if (grid)
    {
      output = vtkSmartPointer<vtkImageData>::New();
    }
    else
    {
      output = vtkSmartPointer<vtkPolyData>::New();
    }
    outInfo->Set(vtkDataObject::DATA_OBJECT(), output);
  }
  return 1;
}

int vtkNeuroSessionReader::RequestInformation(vtkInformation*, vtkInformationVector**, vtkInformationVector* outputVector)
{
  // A refused file is reported once, by ReportError, and the request "succeeds" with no time range and
  // empty outputs: a failure returned to the executive would print the message a second time, buried in
  // a vtkInformation dump. Scripts see LastError (open_session raises it).
  // An empty handle tells the filters downstream that the session failed and has been reported.
  const auto noSession = [outputVector]() {
    vtkNew<vtkNeuroSessionHandle> none;
    for (int port = 0; port < NumberOfPorts; ++port)
    {
      outputVector->GetInformationObject(port)->Set(vtkNeuroSessionHandle::SESSION(), none);
    }
    return 1;
  };
  if (!this->FileName)
  {
    this->ReportError("No session file name was given. Choose a .nsp or .nwb file in File > Open.");
    return noSession();
  }
  if (!this->EnsureSession())
  {
    return noSession();
  }
  Internals& in = *this->Internal;
  if (!in.Handle || in.Handle->GetSession() != in.OpenSession)
  {
    in.Handle = vtkSmartPointer<vtkNeuroSessionHandle>::New();
    in.Handle->SetSession(in.OpenSession);
  }
  // Only the range: publishing one TIME_STEP per frame makes ParaView's cost grow with the frame count.
  for (int port = 0; port < NumberOfPorts; ++port)
  {
    vtkInformation* portInfo = outputVector->GetInformationObject(port);
    portInfo->Remove(vtkStreamingDemandDrivenPipeline::TIME_STEPS());
    portInfo->Set(vtkStreamingDemandDrivenPipeline::TIME_RANGE(), this->TimeRange, 2);
    portInfo->Set(vtkNeuroSessionHandle::SESSION(), in.Handle);
  }
  // Under MPI each rank reads its piece of the field: a grid a slab of columns (its bins are one run),
  // other layouts a run of bins. Overlays and the annotation come from piece 0 only.
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  if (auto* image = vtkImageData::SafeDownCast(this->Internal->Geometry.Geometry))
  {
    outInfo->Set(vtkStreamingDemandDrivenPipeline::WHOLE_EXTENT(), image->GetExtent(), 6);
    outInfo->Set(vtkAlgorithm::CAN_PRODUCE_SUB_EXTENT(), 1);
    outInfo->Set(vtkExtentTranslator::UPDATE_SPLIT_MODE(), static_cast<int>(vtkExtentTranslator::X_SLAB_MODE));
  }
  for (int port = 0; port < NumberOfPorts; ++port)
  {
    outputVector->GetInformationObject(port)->Set(vtkAlgorithm::CAN_HANDLE_PIECE_REQUEST(), 1);
  }
  return 1;
}

const neuroplayback::EnvironmentGeometry& vtkNeuroSessionReader::FieldPieceGeometry(vtkInformation* outInfo)
{
  Internals& in = *this->Internal;
  const neuroplayback::EnvironmentGeometry& whole = in.Geometry;
  const int piece = vtkStreamingDemandDrivenPipeline::GetUpdatePiece(outInfo);
  const int pieces = vtkStreamingDemandDrivenPipeline::GetUpdateNumberOfPieces(outInfo);
  const neuroplayback::Environment& environment = in.OpenSession->Env();
  const bool grid = vtkImageData::SafeDownCast(whole.Geometry) != nullptr;
  // A grid's piece is the x-slab of the extent ParaView asks for; other layouts split by piece number.
  std::int64_t key[3] = { piece, pieces, 0 };
  if (grid)
  {
    int extent[6] = { 0, static_cast<int>(environment.GridX), 0, 0, 0, 0 };
    if (outInfo->Has(vtkStreamingDemandDrivenPipeline::UPDATE_EXTENT()))
    {
      outInfo->Get(vtkStreamingDemandDrivenPipeline::UPDATE_EXTENT(), extent);
    }
    key[1] = std::max(0, extent[0]);
    key[2] = std::min<std::int64_t>(extent[1], environment.GridX);
    if (key[1] == 0 && key[2] == environment.GridX)
    {
      return whole;
    }
  }
  else if (pieces <= 1 || piece < 0 || piece >= pieces)
  {
    return whole;
  }
  if (!std::equal(key, key + 3, in.Piece.Key))
  {
    in.Piece = Internals::RankPiece();
    std::copy(key, key + 3, in.Piece.Key);
    in.Piece.Pieces = pieces;
    if (grid)
    {
      in.Piece.Slab = neuroplayback::GridColumnsPiece(environment, key[1], key[2]);
      in.Piece.Geometry = neuroplayback::GridColumns(environment, whole, key[1], key[2], in.Piece.Slab.Bins());
    }
    else
    {
      in.Piece.Slab = neuroplayback::SlabOfEnvironment(environment, piece, pieces);
      in.Piece.Geometry = neuroplayback::CellsOfBins(whole, in.Piece.Slab.Bins());
    }
    for (std::size_t i = 0; i < in.OpenSession->Fields().size(); ++i)
    {
      in.Piece.Streams.push_back(in.OpenSession->Field(i).Slab(in.Piece.Slab.Runs));
    }
  }
  return in.Piece.Geometry;
}

namespace
{
template <typename ArrayT, typename ValueT>
vtkSmartPointer<vtkDataArray> MakeFieldArray(const ValueT* values, std::int64_t bins,
  const std::vector<std::int64_t>& cellOfBin, std::int64_t cells)
{
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfTuples(cells);
  auto* out = array->GetPointer(0);
  if (cellOfBin.empty())
  {
    std::copy(values, values + bins, out);
  }
  else
  {
    std::fill(out, out + cells, std::numeric_limits<ValueT>::quiet_NaN());
    for (std::int64_t bin = 0; bin < bins; ++bin)
    {
      out[cellOfBin[static_cast<std::size_t>(bin)]] = values[bin];
    }
  }
  return array;
}
} // namespace

int vtkNeuroSessionReader::RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector* outputVector)
{
  if (!this->EnsureSession())
  {
    return this->RefuseQuietly(outputVector);
  }
  Internals& in = *this->Internal;
  Session& session = *in.OpenSession;
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  auto* output = vtkDataSet::GetData(outInfo);
  if (!output)
  {
    this->ReportError("Internal error: the output is not a dataset.");
    return 0;
  }

  // Every port shows the same frame: the time any of them asks for.
  double requested = this->TimeRange[0];
  for (int port = 0; port < NumberOfPorts; ++port)
  {
    vtkInformation* portInfo = outputVector->GetInformationObject(port);
    if (portInfo->Has(vtkStreamingDemandDrivenPipeline::UPDATE_TIME_STEP()))
    {
      requested = portInfo->Get(vtkStreamingDemandDrivenPipeline::UPDATE_TIME_STEP());
      break;
    }
  }
  try
  {
    const std::int64_t frame = session.Times().FrameAt(requested);
    const double frameTime = session.Times().TimeOf(frame);
    const neuroplayback::EnvironmentGeometry& geometry = this->FieldPieceGeometry(outInfo);
    const bool wholeField = &geometry == &in.Geometry;
    output->ShallowCopy(geometry.Geometry);
    for (std::size_t i = 0; i < session.Fields().size(); ++i)
    {
      neuroplayback::FieldStream& stream = session.Field(i);
      const void* values = nullptr;
      if (wholeField)
      {
        values = stream.Frame(frame);
      }
      else if (in.Piece.Streams[i])
      {
        values = in.Piece.Streams[i]->Frame(frame);
      }
      else // a source that cannot read columns (or no bins): this piece's bins of the whole frame
      {
        const auto* frameValues = static_cast<const unsigned char*>(stream.Frame(frame));
        const std::size_t size = stream.ValueSize();
        in.Piece.Gathered.clear();
        for (const neuroplayback::ColumnRun& run : in.Piece.Slab.Runs)
        {
          in.Piece.Gathered.insert(in.Piece.Gathered.end(), frameValues + run.First * static_cast<std::int64_t>(size),
            frameValues + (run.First + run.Count) * static_cast<std::int64_t>(size));
        }
        values = in.Piece.Gathered.data();
      }
      vtkSmartPointer<vtkDataArray> array;
      if (stream.Type() == ScalarType::Float32)
      {
        array = MakeFieldArray<vtkFloatArray>(static_cast<const float*>(values), geometry.BinCount,
          geometry.CellOfBin, geometry.CellCount);
      }
      else
      {
        array = MakeFieldArray<vtkDoubleArray>(static_cast<const double*>(values), geometry.BinCount,
          geometry.CellOfBin, geometry.CellCount);
      }
      array->SetName(stream.Name().c_str());
      output->GetCellData()->AddArray(array);
      if (i == session.DefaultFieldIndex())
      {
        output->GetCellData()->SetActiveScalars(stream.Name().c_str());
      }
    }
    vtkNew<vtkIdTypeArray> frameIndex;
    frameIndex->SetName("FrameIndex");
    frameIndex->InsertNextValue(frame);
    vtkNew<vtkDoubleArray> frameTimeArray;
    frameTimeArray->SetName("FrameTime");
    frameTimeArray->InsertNextValue(frameTime);
    vtkNew<vtkDoubleArray> colorRange;
    colorRange->SetName("ColorRange");
    colorRange->SetNumberOfComponents(2);
    colorRange->InsertNextTuple(this->ColorRange);
    output->GetFieldData()->AddArray(frameIndex);
    output->GetFieldData()->AddArray(frameTimeArray);
    output->GetFieldData()->AddArray(colorRange);
    output->GetInformation()->Set(vtkDataObject::DATA_TIME_STEP(), frameTime);
    this->FillOverlays(outputVector, frame, frameTime);
    if (!wholeField)
    {
      this->MarkPiece(outputVector, in.Piece.Key[0], in.Piece.Pieces, in.Piece.Slab.XMin, in.Piece.Slab.XMax);
    }
    this->CurrentFrame = frame;
    this->FieldPiece[0] = geometry.BinCount;
    this->FieldPiece[1] = static_cast<vtkIdType>(session.Env().BinCount);
    this->FieldPiece[2] = wholeField ? 1 : static_cast<vtkIdType>(in.Piece.Slab.Runs.size());
    std::fill(this->CacheStatistics, this->CacheStatistics + 4, 0);
    for (std::size_t i = 0; i < session.Fields().size(); ++i)
    {
      const neuroplayback::FieldStreamStats& stats =
        wholeField || !in.Piece.Streams[i] ? session.Field(i).Stats() : in.Piece.Streams[i]->Stats();
      this->CacheStatistics[0] += stats.Requests;
      this->CacheStatistics[1] += stats.Hits;
      this->CacheStatistics[2] += stats.BlockReads;
      this->CacheStatistics[3] += stats.FramesRead;
    }
  }
  catch (const std::exception& error)
  {
    this->ReportError(error.what());
    return this->RefuseQuietly(outputVector);
  }
  this->LastError.clear();
  return 1;
}

void vtkNeuroSessionReader::MarkPiece(vtkInformationVector* outputVector, std::int64_t piece, int pieces, double xMin, double xMax)
{
  // Every rank draws its slab of every layer (the representations clip there), so ParaView's depth
  // compositing gives one process's picture; the text and legends are drawn once, by piece 0.
  vtkNew<vtkDoubleArray> region;
  region->SetName(neuroplayback::PieceRegionArray);
  region->SetNumberOfComponents(4);
  const double tuple[4] = { static_cast<double>(piece), static_cast<double>(pieces), xMin, xMax };
  region->InsertNextTuple(tuple);
  vtkDataObject::GetData(outputVector, FieldPort)->GetFieldData()->AddArray(region);
  vtkDataObject* overlays = vtkDataObject::GetData(outputVector, OverlayPort);
  overlays->GetFieldData()->AddArray(region);
  if (piece != 0)
  {
    overlays->GetFieldData()->RemoveArray("Annotation");
    vtkDataObject::GetData(outputVector, AnnotationPort)->Initialize();
    if (auto* blocks = vtkMultiBlockDataSet::SafeDownCast(overlays))
    {
      for (unsigned int b = 0; b < blocks->GetNumberOfBlocks(); ++b)
      {
        if (vtkDataObject* block = blocks->GetBlock(b))
        {
          for (const char* legend : { "LegendLabels", "LegendColors", "LegendMarkers" })
          {
            block->GetFieldData()->RemoveArray(legend);
          }
        }
      }
    }
  }
}

int vtkNeuroSessionReader::RefuseQuietly(vtkInformationVector* outputVector)
{
  for (int port = 0; port < outputVector->GetNumberOfInformationObjects(); ++port)
  {
    if (vtkDataObject* output = vtkDataObject::GetData(outputVector, port))
    {
      output->Initialize(); // nothing stale from an earlier frame or file
    }
  }
  return 1;
}

void vtkNeuroSessionReader::FillOverlays(vtkInformationVector* outputVector, std::int64_t frame, double frameTime)
{
  Internals& in = *this->Internal;
  Session& session = *in.OpenSession;
  neuroplayback::FrameClock clock;
  clock.Time = frameTime;
  clock.FirstTime = this->TimeRange[0];
  clock.LastTime = this->TimeRange[1];
  if (frame > 0)
  {
    clock.PreviousTime = session.Times().TimeOf(frame - 1);
  }
  neuroplayback::OverlaySet& overlays = session.Overlays();
  overlays.Build(clock, in.Overlay);
  for (std::size_t i = in.ReportedWarnings; i < overlays.Warnings().size(); ++i)
  {
    vtkWarningMacro(<< overlays.Warnings()[i]);
  }
  in.ReportedWarnings = overlays.Warnings().size();

  const double step = in.LayerStep;
  auto* output = vtkMultiBlockDataSet::GetData(outputVector, OverlayPort);
  output->SetNumberOfBlocks(static_cast<unsigned int>(in.Blocks.size()));
  for (std::size_t b = 0; b < in.Blocks.size(); ++b)
  {
    const Internals::Block& block = in.Blocks[b];
    // Each kind a small z step above the last, so none hides another.
    switch (block.Kind)
    {
      case Internals::Fill::Positions:
        neuroplayback::FillMarkers(in.Overlay.Positions, 6 * step, block.Data);
        break;
      case Internals::Fill::Trails:
        neuroplayback::FillLines(in.Overlay.Trails, 2 * step, block.Data);
        break;
      case Internals::Fill::Bodyparts:
        neuroplayback::FillMarkers(in.Overlay.Bodyparts, 4 * step, block.Data);
        break;
      case Internals::Fill::Skeleton:
        neuroplayback::FillLines(in.Overlay.Skeleton, 3 * step, block.Data);
        break;
      case Internals::Fill::Headings:
        neuroplayback::FillArrows(in.Overlay.Headings, 7 * step, block.Data);
        break;
      case Internals::Fill::Events:
        neuroplayback::FillMarkers(in.Overlay.Events, 5 * step, block.Data);
        break;
      case Internals::Fill::None:
        break;
    }
    for (const auto& array : block.Style)
    {
      block.Data->GetFieldData()->AddArray(array);
    }
    output->SetBlock(static_cast<unsigned int>(b), block.Data);
    output->GetMetaData(static_cast<unsigned int>(b))->Set(vtkCompositeDataSet::NAME(), block.Name.c_str());
  }
  if (in.VideoBlock)
  {
    vtkInformation* overlayInfo = outputVector->GetInformationObject(OverlayPort);
    this->FillVideos(frameTime, overlayInfo->Has(VIDEO_FRAMES()) && overlayInfo->Get(VIDEO_FRAMES()) != 0);
    const auto b = static_cast<unsigned int>(in.Blocks.size());
    output->SetNumberOfBlocks(b + 1);
    output->SetBlock(b, in.VideoBlock);
    output->GetMetaData(b)->Set(vtkCompositeDataSet::NAME(), "Video");
  }

  const std::string text = this->AnnotationText(frameTime, frame);
  // The overlay display draws the same text itself (ParaView's text display re-rasterises it at -O0).
  vtkNew<vtkStringArray> overlayText;
  overlayText->SetName("Annotation");
  overlayText->InsertNextValue(text);
  output->GetFieldData()->AddArray(overlayText);
  auto* annotation = vtkTable::GetData(outputVector, AnnotationPort);
  vtkNew<vtkStringArray> column;
  column->SetName("Text");
  column->InsertNextValue(text);
  annotation->Initialize();
  annotation->AddColumn(column);
}

void vtkNeuroSessionReader::FillVideos(double frameTime, bool decode)
{
  Internals& in = *this->Internal;
  auto& videos = in.OpenSession->Overlays().Videos();
  for (std::size_t v = 0; v < in.Videos.size() && v < videos.size(); ++v)
  {
    Internals::VideoLayer& layer = *in.Videos[v];
    vtkImageData* image = nullptr;
    if (decode)
    {
      image = layer.Frames.At(*videos[v], frameTime);
      for (const std::string& warning : layer.Frames.Warnings())
      {
        vtkWarningMacro(<< neuroplayback::Utf8Safe(warning));
      }
      if (!layer.Frames.Error().empty())
      {
        vtkErrorMacro(<< neuroplayback::Utf8Safe(layer.Frames.Error()));
      }
    }
    if (image && image != layer.Shown)
    {
      // A new video frame: a stamp the display compares before uploading pixels.
      layer.Shown = image;
      in.VideoStamps->SetValue(static_cast<vtkIdType>(v), in.VideoStamp += 1.0);
      in.VideoStamps->Modified();
    }
    in.VideoBlock->SetBlock(static_cast<unsigned int>(v), image ? image : layer.Empty.Get());
  }
}

std::string vtkNeuroSessionReader::AnnotationText(double frameTime, std::int64_t frame)
{
  std::ostringstream text;
  text.setf(std::ios::fixed);
  text.precision(3);
  text << "t = " << frameTime << " s    frame " << frame << " / " << (this->NumberOfFrames - 1)
       << this->TimeSeriesReadout(frameTime);
  return text.str();
}

void vtkNeuroSessionReader::AnnotationBox(double fontPixels, double& width, double& height)
{
  // The longest first line (the last frame's time and number) over the readout's lines, drawn in a
  // monospace font: 0.6 em a character, 1.2 em a line, 6 px from the corner plus the outline's pad.
  const std::string text = this->AnnotationText(this->TimeRange[1], std::max<std::int64_t>(0, this->NumberOfFrames - 1));
  std::size_t lines = 0, longest = 0;
  for (std::size_t start = 0; start <= text.size();)
  {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    longest = std::max(longest, end - start);
    ++lines;
    start = end + 1;
  }
  width = 6.0 + 4.0 + 0.6 * fontPixels * static_cast<double>(longest);
  height = 6.0 + 4.0 + 1.2 * fontPixels * static_cast<double>(lines);
}

std::string vtkNeuroSessionReader::TimeSeriesReadout(double frameTime)
{
  std::ostringstream readout;
  readout.setf(std::ios::fixed);
  readout.precision(2);
  for (neuroplayback::TimeSeries& series : this->Internal->OpenSession->Overlays().Series())
  {
    double value = std::numeric_limits<double>::quiet_NaN();
    if (!series.IsOff())
    {
      try
      {
        value = series.ValueAt(frameTime);
      }
      catch (const std::exception& error)
      {
        series.TurnOff(); // the chart filter reports it too, if shown; the field and other readouts go on
        vtkWarningMacro(<< "The time series '" << series.Name() << "' is turned off: " << error.what());
      }
    }
    readout << "\n" << series.Label() << ": ";
    if (std::isfinite(value))
    {
      readout << value;
    }
    else
    {
      readout << "-";
    }
  }
  // The trial or epoch on screen, if any ("trials 12/40 [3.20, 8.10 s] correct").
  for (const std::string& line : this->Internal->OpenSession->Overlays().IntervalLines(frameTime))
  {
    readout << "\n" << line;
  }
  return readout.str();
}

int vtkNeuroSessionReader::GetTimeSeriesCount()
{
  return this->EnsureSession() ? static_cast<int>(this->Internal->OpenSession->Overlays().Series().size()) : 0;
}

int vtkNeuroSessionReader::GetVideoCount()
{
  return this->EnsureSession() ? static_cast<int>(this->Internal->OpenSession->Overlays().Videos().size()) : 0;
}

const char* vtkNeuroSessionReader::GetOverlayWarnings()
{
  this->OverlayWarningsNow = this->OverlayWarnings;
  if (this->Internal->OpenSession)
  {
    for (const auto& video : this->Internal->OpenSession->Overlays().Videos())
    {
      for (const std::string& message : video->DamageMessages(true))
      {
        this->OverlayWarningsNow += (this->OverlayWarningsNow.empty() ? "" : "\n") + neuroplayback::Utf8Safe(message);
      }
    }
  }
  return this->OverlayWarningsNow.c_str();
}

neuroplayback::Session* vtkNeuroSessionReader::GetSession()
{
  return this->EnsureSession() ? this->Internal->OpenSession.get() : nullptr;
}

double vtkNeuroSessionReader::GetFrameTime(vtkIdType frame)
{
  if (!this->EnsureSession())
  {
    return std::numeric_limits<double>::quiet_NaN();
  }
  try
  {
    return this->Internal->OpenSession->Times().TimeOf(frame);
  }
  catch (const std::exception& error)
  {
    this->ReportError(error.what());
    return std::numeric_limits<double>::quiet_NaN();
  }
}

neuroplayback::FrameTimes* vtkNeuroSessionReader::GetFrameTimes()
{
  return this->EnsureSession() ? &this->Internal->OpenSession->Times() : nullptr;
}

vtkIdType vtkNeuroSessionReader::GetFrameAtTime(double time)
{
  if (!this->EnsureSession())
  {
    return -1;
  }
  try
  {
    return this->Internal->OpenSession->Times().FrameAt(time);
  }
  catch (const std::exception& error)
  {
    this->ReportError(error.what());
    return -1;
  }
}

void vtkNeuroSessionReader::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "FileName: " << (this->FileName ? this->FileName : "(none)") << "\n";
  os << indent << "NumberOfFrames: " << this->NumberOfFrames << "\n";
  os << indent << "TimeRange: " << this->TimeRange[0] << " " << this->TimeRange[1] << "\n";
  os << indent << "ColorRange: " << this->ColorRange[0] << " " << this->ColorRange[1] << "\n";
  os << indent << "ExactColorRange: " << this->ExactColorRange << "\n";
  os << indent << "CacheSizeMB: " << this->CacheSizeMB << "\n";
  os << indent << "NWBFileName: " << (this->NWBFileName.empty() ? "(none)" : this->NWBFileName) << "\n";
  os << indent << "LayoutName: " << this->LayoutName << "\n";
  os << indent << "DefaultFieldName: " << this->DefaultFieldName << "\n";
  os << indent << "FrameRate: " << this->FrameRate << "\n";
  os << indent << "CurrentFrame: " << this->CurrentFrame << "\n";
  os << indent << "LastError: " << (this->LastError.empty() ? "(none)" : this->LastError) << "\n";
}
