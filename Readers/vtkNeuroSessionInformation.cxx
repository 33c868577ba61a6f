#include "vtkNeuroSessionInformation.h"

#include "FrameTimes.h"
#include "PlaybackScheduler.h"
#include "SessionError.h"
#include "vtkNeuroSessionReader.h"

#include <vtkClientServerStream.h>
#include <vtkMultiProcessStream.h>
#include <vtkObjectFactory.h>

#include <algorithm>

vtkStandardNewMacro(vtkNeuroSessionInformation);

vtkNeuroSessionInformation::vtkNeuroSessionInformation()
{
  this->RootOnly = 1; // every rank has the same session: ask rank 0 only
}

vtkNeuroSessionInformation::~vtkNeuroSessionInformation() = default;

void vtkNeuroSessionInformation::RequestFrameTimes(vtkIdType first, vtkIdType count)
{
  this->What = FrameTimes;
  this->First = first;
  this->Count = count;
}

void vtkNeuroSessionInformation::RequestEpoch(const std::string& overlay, double time, int direction)
{
  this->What = EpochNear;
  this->Overlay = overlay;
  this->Time = time;
  this->Direction = direction;
}

void vtkNeuroSessionInformation::RequestOverlayNames()
{
  this->What = OverlayNames;
}

void vtkNeuroSessionInformation::CopyFromObject(vtkObject* object)
{
  this->Answered = true;
  this->Times.clear();
  this->Problem.clear();
  auto* reader = vtkNeuroSessionReader::SafeDownCast(object);
  if (!reader)
  {
    this->Problem = "the proxy is not a NeuroPlayback session reader";
    return;
  }
  try
  {
    if (this->What == FrameTimes)
    {
      neuroplayback::FrameTimes* times = reader->GetFrameTimes();
      if (!times)
      {
        this->Problem = "no session is open";
        return;
      }
      this->FrameCount = times->Count();
      const vtkIdType end = std::min<vtkIdType>(this->First + std::max<vtkIdType>(this->Count, 0), this->FrameCount);
      for (vtkIdType frame = std::max<vtkIdType>(this->First, 0); frame < end; ++frame)
      {
        this->Times.push_back(times->TimeOf(frame));
      }
    }
    else if (this->What == OverlayNames)
    {
      this->EventOverlays = reader->GetOverlayNames("events");
      this->IntervalOverlays = reader->GetOverlayNames("intervals");
    }
    else
    {
      neuroplayback::EpochSource* epochs = reader->GetEpochs(this->Overlay.c_str());
      if (!epochs)
      {
        this->Problem = "the session has no interval overlay named '" + this->Overlay + "'";
        return;
      }
      this->EpochFound = epochs->EpochFrom(this->Time, this->Direction, this->EpochStart, this->EpochStop);
    }
  }
  catch (const neuroplayback::SessionError& error)
  {
    this->Problem = error.what();
  }
}

void vtkNeuroSessionInformation::AddInformation(vtkPVInformation* other)
{
  auto* from = vtkNeuroSessionInformation::SafeDownCast(other);
  if (from && from->Answered && !this->Answered)
  {
    this->Answered = true;
    this->FrameCount = from->FrameCount;
    this->Times = from->Times;
    this->EpochFound = from->EpochFound;
    this->EpochStart = from->EpochStart;
    this->EpochStop = from->EpochStop;
    this->EventOverlays = from->EventOverlays;
    this->IntervalOverlays = from->IntervalOverlays;
    this->Problem = from->Problem;
  }
}

void vtkNeuroSessionInformation::CopyToStream(vtkClientServerStream* stream)
{
  stream->Reset();
  *stream << vtkClientServerStream::Reply << (this->Answered ? 1 : 0) << static_cast<vtkTypeInt64>(this->FrameCount)
          << static_cast<vtkTypeInt64>(this->Times.size())
          << vtkClientServerStream::InsertArray(this->Times.data(), static_cast<int>(this->Times.size()))
          << (this->EpochFound ? 1 : 0) << this->EpochStart << this->EpochStop << this->Problem.c_str()
          << this->EventOverlays.c_str() << this->IntervalOverlays.c_str() << vtkClientServerStream::End;
}

void vtkNeuroSessionInformation::CopyFromStream(const vtkClientServerStream* stream)
{
  int answered = 0;
  vtkTypeInt64 frames = 0;
  vtkTypeInt64 count = 0;
  int found = 0;
  const char* problem = nullptr;
  const char* events = nullptr;
  const char* intervals = nullptr;
  stream->GetArgument(0, 0, &answered);
  stream->GetArgument(0, 1, &frames);
  stream->GetArgument(0, 2, &count);
  this->Times.assign(static_cast<std::size_t>(std::max<vtkTypeInt64>(count, 0)), 0.0);
  if (count > 0)
  {
    stream->GetArgument(0, 3, this->Times.data(), static_cast<vtkTypeUInt32>(count));
  }
  stream->GetArgument(0, 4, &found);
  stream->GetArgument(0, 5, &this->EpochStart);
  stream->GetArgument(0, 6, &this->EpochStop);
  stream->GetArgument(0, 7, &problem);
  stream->GetArgument(0, 8, &events);
  stream->GetArgument(0, 9, &intervals);
  this->EventOverlays = events ? events : "";
  this->IntervalOverlays = intervals ? intervals : "";
  this->Answered = answered != 0;
  this->FrameCount = static_cast<vtkIdType>(frames);
  this->EpochFound = found != 0;
  this->Problem = problem ? problem : "";
}

void vtkNeuroSessionInformation::CopyParametersToStream(vtkMultiProcessStream& stream)
{
  stream << this->What << static_cast<vtkTypeInt64>(this->First) << static_cast<vtkTypeInt64>(this->Count)
         << this->Overlay << this->Time << this->Direction;
}

void vtkNeuroSessionInformation::CopyParametersFromStream(vtkMultiProcessStream& stream)
{
  vtkTypeInt64 first = 0;
  vtkTypeInt64 count = 0;
  stream >> this->What >> first >> count >> this->Overlay >> this->Time >> this->Direction;
  this->First = static_cast<vtkIdType>(first);
  this->Count = static_cast<vtkIdType>(count);
}

void vtkNeuroSessionInformation::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Request: " << this->What << " (0 frame times, 1 epoch, 2 overlay names)\n";
  os << indent << "FrameCount: " << this->FrameCount << "\n";
  os << indent << "Times: " << this->Times.size() << " values\n";
  os << indent << "Epoch: " << (this->EpochFound ? "found" : "none") << " [" << this->EpochStart << ", "
     << this->EpochStop << "]\n";
  os << indent << "Problem: " << this->Problem << "\n";
}
