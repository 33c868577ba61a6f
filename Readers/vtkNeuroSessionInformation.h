#pragma once
// The questions clients ask the open session, wherever the reader runs (the built-in server or a remote
// pvserver): the playback cue, the GUI toolbar and the pvpython helpers (this class is wrapped for Python).
// A client makes one request, calls vtkSMProxy::GatherInformation on the reader's proxy and reads the typed
// reply; the server side fills it from the reader (CopyFromObject). No pointer and no text protocol crosses
// the process boundary. When the reader cannot answer, GetProblem() says why and how to fix it.
#include "NeuroPlaybackReadersModule.h"

#include <vtkPVInformation.h>

#include <string>
#include <vector>

class NEUROPLAYBACKREADERS_EXPORT vtkNeuroSessionInformation : public vtkPVInformation
{
public:
  static vtkNeuroSessionInformation* New();
  vtkTypeMacro(vtkNeuroSessionInformation, vtkPVInformation)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  enum Request
  {
    FrameTimes = 0,   // times of frames [first, first + count), and the frame count
    EpochNear = 1,    // the epoch of an interval overlay holding a time, else the next in a direction
    OverlayNames = 2, // the names of the events and of the interval overlays
    Fields = 3,       // every field's name and colour range in use
    ColorRange = 4,   // percentiles of random frames of a field
    Neighbour = 5,    // the frame of the next or previous event or interval start from a time
    EpochsBetween = 6, // the intervals of an interval overlay overlapping [start, stop], clipped to it
    ArenaFrame = 7    // the bounds a render view of some pixels fits to show the arena clear of the annotation
  };
  void RequestFrameTimes(vtkIdType first, vtkIdType count);
  void RequestEpoch(const std::string& overlay, double time, int direction);
  void RequestOverlayNames();
  void RequestFields();
  /// field "" is the default field; percentiles 0 <= low < high <= 100.
  void RequestColorRange(const std::string& field, int frames, double low, double high, int seed);
  /// direction +1 (next) or -1 (previous); overlay "" means any overlay of that kind.
  void RequestNeighbour(int direction, bool interval, const std::string& overlay, double time);
  void RequestEpochsBetween(const std::string& overlay, double start, double stop);
  /// fontPixels: the annotation's font size (the overlay display's AnnotationFontSize).
  void RequestArenaFrame(double width, double height, double fontPixels);

  /// "" when the reader answered; otherwise what went wrong and how to fix it.
  const std::string& GetProblem() const { return this->Problem; }

  /// FrameTimes: the frame count and the times asked for.
  vtkIdType GetFrameCount() const { return this->FrameCount; }
  const std::vector<double>& GetTimes() const { return this->Numbers; }
  /// EpochNear: whether an epoch was found, and its bounds.
  bool GetEpochFound() const { return this->Found; }
  double GetEpochStart() const { return this->Number(0); }
  double GetEpochStop() const { return this->Number(1); }
  /// OverlayNames: one name per line.
  std::string GetEventOverlays() const { return this->Name(0); }
  std::string GetIntervalOverlays() const { return this->Name(1); }
  /// Fields: the names, and a (min, max) pair per field.
  const std::vector<std::string>& GetFieldNames() const { return this->Names; }
  const std::vector<double>& GetFieldRanges() const { return this->Numbers; }
  /// ColorRange: the range, the seconds it took and where it came from.
  double GetRangeMin() const { return this->Number(0); }
  double GetRangeMax() const { return this->Number(1); }
  double GetRangeSeconds() const { return this->Number(2); }
  std::string GetRangeSource() const { return this->Name(0); }
  /// Neighbour: whether there is one, the time of the frame that shows it, the event's own time, the
  /// overlay it is in and the frame.
  bool GetNeighbourFound() const { return this->Found; }
  double GetNeighbourFrameTime() const { return this->Number(0); }
  double GetNeighbourEventTime() const { return this->Number(1); }
  vtkIdType GetNeighbourFrame() const { return static_cast<vtkIdType>(this->Number(2)); }
  std::string GetNeighbourOverlay() const { return this->Name(0); }
  /// EpochsBetween: start and stop pairs.
  const std::vector<double>& GetEpochs() const { return this->Numbers; }
  /// ArenaFrame: x0 x1 y0 y1 z0 z1, for vtkSMRenderViewProxy::ResetCamera(bounds, true).
  const std::vector<double>& GetBounds() const { return this->Numbers; }

  void CopyFromObject(vtkObject* reader) override;
  void AddInformation(vtkPVInformation* other) override;
  void CopyToStream(vtkClientServerStream* stream) override;
  void CopyFromStream(const vtkClientServerStream* stream) override;
  void CopyParametersToStream(vtkMultiProcessStream& stream) override;
  void CopyParametersFromStream(vtkMultiProcessStream& stream) override;

protected:
  vtkNeuroSessionInformation();
  ~vtkNeuroSessionInformation() override;

private:
  vtkNeuroSessionInformation(const vtkNeuroSessionInformation&) = delete;
  void operator=(const vtkNeuroSessionInformation&) = delete;

  void Answer(class vtkNeuroSessionReader* reader);
  double Number(std::size_t index) const { return index < this->Numbers.size() ? this->Numbers[index] : 0.0; }
  std::string Name(std::size_t index) const { return index < this->Names.size() ? this->Names[index] : ""; }

  // The request: its kind, then its arguments (their meaning depends on the kind).
  int What = FrameTimes;
  std::vector<double> Arguments;
  std::string Text;

  // The reply.
  bool Answered = false;
  vtkIdType FrameCount = 0;
  bool Found = false;
  std::vector<double> Numbers;
  std::vector<std::string> Names;
  std::string Problem;
};
