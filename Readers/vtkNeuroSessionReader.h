/**
 * @class vtkNeuroSessionReader
 * @brief Reads a NeuroPlayback session (.nsp) as a time-varying dataset with lazily streamed fields.
 *
 * Output port 0 is the field over the environment: vtkImageData for grid layouts (inactive bins
 * blanked), vtkPolyData for hexagonal, mesh and track layouts. Every field of the session is a cell
 * array on that geometry. Port 1 holds the overlays at the same frame: a vtkMultiBlockDataSet with one
 * named polydata block per overlay the session has (Position, Trails, Bodyparts, Skeleton, Head
 * Direction, Events, Regions, Scale Bar), whose points carry their own RGBA "Color"; it is drawn by
 * one vtkNeuroOverlayRepresentation. Port 2 is a text annotation with the time and the time series'
 * values. Few ports on purpose: ParaView gathers information for every port of a source on each update.
 * The time-series charts and the video are filters on this reader (Filters/), which share its open
 * session. Only TIME_RANGE is published (never one TIME_STEP per frame), so time handling costs
 * O(log n) in the number of frames; a requested time shows the frame at or before it.
 */
#ifndef vtkNeuroSessionReader_h
#define vtkNeuroSessionReader_h

#include "NeuroPlaybackReadersModule.h"
#include "vtkDataObjectAlgorithm.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback
{
class EpochSource;
struct EnvironmentGeometry;
class FrameTimes;
class Session;
}

class vtkInformationIntegerKey;
class vtkInformationIntegerRequestKey;

class NEUROPLAYBACKREADERS_EXPORT vtkNeuroSessionReader : public vtkDataObjectAlgorithm
{
public:
  static vtkNeuroSessionReader* New();
  vtkTypeMacro(vtkNeuroSessionReader, vtkDataObjectAlgorithm)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  vtkSetStringMacro(FileName);
  vtkGetStringMacro(FileName);

  /// 1 for files this reader should open: a .nsp or .nwb file (so it can explain what is wrong with a
  /// bad one) or any HDF5 file whose root says it is a NeuroPlayback session or an NWB file.
  int CanReadFile(const char* name);

  /// When on, the colour range is the exact min/max over every frame (streams the whole field once,
  /// with progress). When off (default), the file's vmin/vmax or an estimate from random frames.
  vtkSetMacro(ExactColorRange, bool);
  vtkGetMacro(ExactColorRange, bool);
  vtkBooleanMacro(ExactColorRange, bool);

  /// An NWB file whose behaviour (position, pose, head direction, spikes, trials, time series) is shown
  /// beside the session's own overlays, without changing either file; relative to the session's folder
  /// or absolute. Empty: the session's nwb_path attribute, if any.
  vtkSetStdStringFromCharMacro(NWBFileName);
  vtkGetCharFromStdStringMacro(NWBFileName);

  /// Bytes of field data kept in memory per field.
  vtkSetClampMacro(CacheSizeMB, int, 4, 65536);
  vtkGetMacro(CacheSizeMB, int);

  /// Global colour range of the default field (valid after UpdateInformation).
  vtkGetVector2Macro(ColorRange, double);
  /// The session's first and last frame times.
  vtkGetVector2Macro(TimeRange, double);
  vtkGetMacro(NumberOfFrames, vtkIdType);
  vtkGetMacro(CurrentFrame, vtkIdType);
  /// Mean frame rate in Hz.
  vtkGetMacro(FrameRate, double);
  /// Empty when the last update succeeded; otherwise what went wrong and how to fix it.
  const char* GetLastError() const { return this->LastError.c_str(); }
  /// The default field name, layout and units, for scripts and the GUI.
  const char* GetDefaultFieldName() const { return this->DefaultFieldName.c_str(); }
  const char* GetLayoutName() const { return this->LayoutName.c_str(); }
  const char* GetUnits() const { return this->Units.c_str(); }

  /// Time of a frame and the frame at or before a time; O(log n).
  double GetFrameTime(vtkIdType frame);
  vtkIdType GetFrameAtTime(double time);
  /// The session's frame times, for vtkNeuroSessionInformation beside this reader (wherever the reader
  /// runs); null when no session is open. Valid until the session is reopened (file or cache size change).
  neuroplayback::FrameTimes* GetFrameTimes();

  /// The output ports, in order.
  enum OutputPorts
  {
    FieldPort = 0,
    OverlayPort,
    AnnotationPort,
    NumberOfPorts
  };

  /// Overlay problems, one per line: errors found on open (the overlay is left out), and warnings
  /// found on open or since (damage a video's decoder met while playing).
  const char* GetOverlayErrors() const { return this->OverlayErrors.c_str(); }
  const char* GetOverlayWarnings();
  /// Time-series overlays in the session (drawn by vtkNeuroTimeSeriesFilter in line charts).
  int GetTimeSeriesCount();
  /// Video overlays that opened (drawn by vtkNeuroVideoFilter).
  int GetVideoCount();
  /// Asked for on the Overlays port by a consumer that draws the videos (the overlay display, while its
  /// VideoVisibility is on): only then are the videos' frames decoded into the "Video" block, so a script
  /// or a display that does not draw them pays nothing for them. A request key: a change re-executes.
  static vtkInformationIntegerRequestKey* VIDEO_FRAMES();
  /// The value of VIDEO_FRAMES the Overlays output was made with (on its data object's information).
  static vtkInformationIntegerKey* VIDEO_FRAMES_MADE();
  /// Overlay rows read from disk so far (to check that overlays stream by window).
  vtkIdType GetOverlayRowsRead();

  /// Field cache counters summed over fields: requests, hits, source block reads, frames read.
  vtkGetVector4Macro(CacheStatistics, vtkIdType);
  /// The bins this process read at the last update: how many, the environment's total, and in how
  /// many runs. All of them in one process; one rank's slab under MPI (Core/streaming/FieldPieces.h).
  vtkGetVector3Macro(FieldPiece, vtkIdType);

  /// The global colour range of field `index` (valid after UpdateInformation); {0, 1} when out of range.
  const double* GetFieldColorRange(int index);

  /// The names of the drawn overlays of one kind ("events", "intervals"), one per line.
  std::string GetOverlayNames(const std::string& kind);

  /// The intervals of an interval overlay as epochs for the playback cue; null when there is no
  /// session or no such overlay. Valid until the session is reopened.
  neuroplayback::EpochSource* GetEpochs(const char* intervalOverlay);

protected:
  vtkNeuroSessionReader();
  ~vtkNeuroSessionReader() override;

  int FillOutputPortInformation(int port, vtkInformation* info) override;
  int RequestDataObject(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  int RequestInformation(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;

private:
  // Answers clients' questions (frame times, colour ranges, navigation...) from the open session.
  friend class vtkNeuroSessionInformation;

  vtkNeuroSessionReader(const vtkNeuroSessionReader&) = delete;
  void operator=(const vtkNeuroSessionReader&) = delete;

  bool EnsureSession();
  // The open session, or null (the filters downstream get it with the pipeline: vtkNeuroSessionHandle).
  neuroplayback::Session* GetSession();
  void ReportError(const std::string& message);
  // After ReportError in a request: empties the outputs and returns 1, so the executive does not print
  // the message again inside a vtkInformation dump.
  int RefuseQuietly(vtkInformationVector* outputVector);
  // The whole geometry, or this rank's piece of it (with its streams) when the request asks for one.
  const neuroplayback::EnvironmentGeometry& FieldPieceGeometry(vtkInformation* outInfo);
  // Tells the displays downstream which slab of the arena this rank draws (PieceRegion arrays).
  void MarkPiece(vtkInformationVector* outputVector, std::int64_t piece, int pieces, double xMin, double xMax);
  // The guarded first open (Core/session/SessionProbe.h): false, with the error reported, when a child process
  // reading the file crashed or hung.
  bool GuardFirstOpen(const std::string& file);
  // The Overlays output's blocks (with their style arrays), once per file.
  void BuildOverlayOutputs();
  void FillOverlays(vtkInformationVector* outputVector, std::int64_t frame, double frameTime);
  // The videos' images at a frame's time (when decode; else their placement only), in the Overlays
  // output's "Video" block.
  void FillVideos(double frameTime, bool decode);
  // The time series' values at frameTime, one "label: value" line each, for the annotation.
  std::string TimeSeriesReadout(double frameTime);
  // The annotation drawn at the top left: time, frame and the readout's lines.
  std::string AnnotationText(double frameTime, std::int64_t frame);
  // Its largest box on screen, in pixels, at this font size (what a view's framing keeps clear).
  void AnnotationBox(double fontPixels, double& width, double& height);

  char* FileName = nullptr;
  bool ExactColorRange = false;
  int CacheSizeMB = 128;
  double ColorRange[2] = { 0.0, 1.0 };
  double ArenaBounds[6] = { 0.0, 1.0, 0.0, 1.0, 0.0, 0.0 }; // the environment and its scale bar
  double TimeRange[2] = { 0.0, 0.0 };
  vtkIdType NumberOfFrames = 0;
  vtkIdType CurrentFrame = -1;
  double FrameRate = 0.0;
  vtkIdType CacheStatistics[4] = { 0, 0, 0, 0 };
  vtkIdType FieldPiece[3] = { 0, 0, 0 };
  std::string LastError;
  std::string DefaultFieldName;
  std::string LayoutName;
  std::string Units;
  std::string OverlayErrors;
  std::string OverlayWarnings;
  std::string OverlayWarningsNow; // OverlayWarnings and the damage found since, as last asked for
  std::string NWBFileName;
  double FieldRange[2] = { 0.0, 1.0 };

  struct Internals;
  std::unique_ptr<Internals> Internal;
};

#endif
