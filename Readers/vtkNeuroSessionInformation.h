#pragma once
// What the playback cue asks the session reader, wherever the reader runs (the built-in server or a
// remote pvserver): a block of frame times, or the epoch of an interval overlay near a time. The cue
// sets a request, calls vtkSMProxy::GatherInformation on the reader's proxy, and reads the reply; the
// server side fills it from the reader (CopyFromObject). No raw pointer crosses the process boundary.
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
    FrameTimes = 0, // times of frames [First, First + Count), and the frame count
    EpochNear = 1,   // the epoch of interval overlay Overlay holding Time, else the next in Direction
    OverlayNames = 2 // the names of the events and of the interval overlays
  };
  void RequestFrameTimes(vtkIdType first, vtkIdType count);
  void RequestEpoch(const std::string& overlay, double time, int direction);
  void RequestOverlayNames();

  // Replies.
  vtkIdType GetFrameCount() const { return this->FrameCount; }
  const std::vector<double>& GetTimes() const { return this->Times; }
  bool GetEpochFound() const { return this->EpochFound; }
  double GetEpochStart() const { return this->EpochStart; }
  double GetEpochStop() const { return this->EpochStop; }
  // One name per line.
  const std::string& GetEventOverlays() const { return this->EventOverlays; }
  const std::string& GetIntervalOverlays() const { return this->IntervalOverlays; }
  // "" when the reader answered; otherwise why not (no session open, no such overlay).
  const std::string& GetProblem() const { return this->Problem; }

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

  int What = FrameTimes;
  vtkIdType First = 0;
  vtkIdType Count = 0;
  std::string Overlay;
  double Time = 0.0;
  int Direction = 1;

  bool Answered = false;
  vtkIdType FrameCount = 0;
  std::vector<double> Times;
  bool EpochFound = false;
  double EpochStart = 0.0;
  double EpochStop = 0.0;
  std::string EventOverlays;
  std::string IntervalOverlays;
  std::string Problem;
};
