#include "vtkNeuroSessionInformation.h"

#include "ColorRange.h"
#include "FrameTimes.h"
#include "Navigation.h"
#include "PlaybackScheduler.h"
#include "Session.h"
#include "SessionError.h"
#include "ViewFraming.h"
#include "vtkNeuroSessionReader.h"

#include <vtkClientServerStream.h>
#include <vtkMultiProcessStream.h>
#include <vtkObjectFactory.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

vtkStandardNewMacro(vtkNeuroSessionInformation);

vtkNeuroSessionInformation::vtkNeuroSessionInformation()
{
  this->RootOnly = 1; // every rank has the same session: ask rank 0 only
}

vtkNeuroSessionInformation::~vtkNeuroSessionInformation() = default;

void vtkNeuroSessionInformation::RequestFrameTimes(vtkIdType first, vtkIdType count)
{
  this->What = FrameTimes;
  this->Arguments = { static_cast<double>(first), static_cast<double>(count) };
}

void vtkNeuroSessionInformation::RequestEpoch(const std::string& overlay, double time, int direction)
{
  this->What = EpochNear;
  this->Text = overlay;
  this->Arguments = { time, static_cast<double>(direction) };
}

void vtkNeuroSessionInformation::RequestOverlayNames()
{
  this->What = OverlayNames;
  this->Arguments.clear();
}

void vtkNeuroSessionInformation::RequestFields()
{
  this->What = Fields;
  this->Arguments.clear();
}

void vtkNeuroSessionInformation::RequestColorRange(
  const std::string& field, int frames, double low, double high, int seed)
{
  this->What = ColorRange;
  this->Text = field;
  this->Arguments = { static_cast<double>(frames), low, high, static_cast<double>(seed) };
}

void vtkNeuroSessionInformation::RequestNeighbour(int direction, bool interval, const std::string& overlay, double time)
{
  this->What = Neighbour;
  this->Text = overlay;
  this->Arguments = { static_cast<double>(direction), interval ? 1.0 : 0.0, time };
}

void vtkNeuroSessionInformation::RequestEpochsBetween(const std::string& overlay, double start, double stop)
{
  this->What = EpochsBetween;
  this->Text = overlay;
  this->Arguments = { start, stop };
}

void vtkNeuroSessionInformation::RequestArenaFrame(double width, double height, double fontPixels)
{
  this->What = ArenaFrame;
  this->Arguments = { width, height, fontPixels };
}

void vtkNeuroSessionInformation::CopyFromObject(vtkObject* object)
{
  this->Answered = true;
  this->Found = false;
  this->Numbers.clear();
  this->Names.clear();
  this->Problem.clear();
  auto* reader = vtkNeuroSessionReader::SafeDownCast(object);
  if (!reader)
  {
    this->Problem = "The proxy is not a NeuroPlayback session reader.";
    return;
  }
  try
  {
    this->Answer(reader);
  }
  catch (const std::exception& error)
  {
    this->Found = false;
    this->Numbers.clear();
    this->Names.clear();
    this->Problem = error.what();
  }
}

namespace
{
double Argument(const std::vector<double>& arguments, std::size_t index)
{
  return index < arguments.size() ? arguments[index] : 0.0;
}

std::string Printed(double value)
{
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}
} // namespace

// Runs on the process that holds the reader (rank 0 of the server). Each answer throws SessionError,
// with its fix, for a request the session cannot answer.
void vtkNeuroSessionInformation::Answer(vtkNeuroSessionReader* reader)
{
  const std::vector<double>& a = this->Arguments;
  if (this->What == OverlayNames)
  {
    this->Names = { reader->GetOverlayNames("events"), reader->GetOverlayNames("intervals") };
    return;
  }
  if (this->What == EpochNear)
  {
    neuroplayback::EpochSource* epochs = reader->GetEpochs(this->Text.c_str());
    if (!epochs)
    {
      this->Problem = "the session has no interval overlay named '" + this->Text + "'";
      return;
    }
    double start = 0.0, stop = 0.0;
    this->Found = epochs->EpochFrom(Argument(a, 0), static_cast<int>(Argument(a, 1)), start, stop);
    this->Numbers = { start, stop };
    return;
  }
  if (this->What == ArenaFrame)
  {
    // Needs no session: the arena bounds are known after RequestInformation.
    const double* b = reader->ArenaBounds;
    neuroplayback::ScreenText annotation;
    reader->AnnotationBox(Argument(a, 2) > 0 ? Argument(a, 2) : 16.0, annotation.Width, annotation.Height);
    const neuroplayback::Bounds2D framed = neuroplayback::FrameArena(
      neuroplayback::Bounds2D{ b[0], b[1], b[2], b[3] }, Argument(a, 0), Argument(a, 1), annotation);
    this->Numbers = { framed.X0, framed.X1, framed.Y0, framed.Y1, b[4], b[4] };
    return;
  }

  neuroplayback::Session* session = reader->EnsureSession() ? reader->GetSession() : nullptr;
  if (!session)
  {
    this->Problem = reader->LastError.empty() ? std::string("No session is open.") : reader->LastError;
    return;
  }
  if (this->What == FrameTimes)
  {
    neuroplayback::FrameTimes& times = session->Times();
    this->FrameCount = times.Count();
    const vtkIdType first = std::max<vtkIdType>(static_cast<vtkIdType>(Argument(a, 0)), 0);
    const vtkIdType end = std::min<vtkIdType>(first + std::max<vtkIdType>(static_cast<vtkIdType>(Argument(a, 1)), 0),
      this->FrameCount);
    for (vtkIdType frame = first; frame < end; ++frame)
    {
      this->Numbers.push_back(times.TimeOf(frame));
    }
  }
  else if (this->What == Fields)
  {
    for (std::size_t i = 0; i < session->Fields().size(); ++i)
    {
      const double* range = reader->GetFieldColorRange(static_cast<int>(i));
      this->Names.push_back(session->Fields()[i].Name);
      this->Numbers.insert(this->Numbers.end(), { range[0], range[1] });
    }
  }
  else if (this->What == ColorRange)
  {
    std::size_t field = session->DefaultFieldIndex();
    if (!this->Text.empty())
    {
      field = session->Fields().size();
      for (std::size_t i = 0; i < session->Fields().size(); ++i)
      {
        field = session->Fields()[i].Name == this->Text ? i : field;
      }
      if (field == session->Fields().size())
      {
        throw neuroplayback::SessionError("The session has no field named '" + this->Text + "'.",
          "Use one of the names session_info() lists under 'fields'.");
      }
    }
    const double frames = Argument(a, 0), low = Argument(a, 1), high = Argument(a, 2), seed = Argument(a, 3);
    if (!(frames >= 1) || !(low >= 0 && low < high && high <= 100) || seed < 0)
    {
      throw neuroplayback::SessionError("Bad colour-range request: " + Printed(frames) + " frames, percentiles (" +
          Printed(low) + ", " + Printed(high) + ").",
        "Ask for at least 1 frame and percentiles 0 <= low < high <= 100, e.g. 1000 frames, (1, 99).");
    }
    const auto started = std::chrono::steady_clock::now();
    const neuroplayback::ValueRange range = neuroplayback::EstimateRange(
      session->Field(field), static_cast<int>(frames), static_cast<std::uint64_t>(seed), low, high);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    this->Numbers = { range.Min, range.Max, seconds };
    this->Names = { range.Source };
  }
  else if (this->What == Neighbour)
  {
    const bool next = Argument(a, 0) > 0;
    const auto target =
      Argument(a, 1) != 0 ? neuroplayback::NavigationTarget::Interval : neuroplayback::NavigationTarget::Event;
    neuroplayback::FrameTimes& times = session->Times();
    const std::int64_t frame = times.FrameAt(Argument(a, 2));
    // Frame f shows the events in (t[f-1], t[f]]: "next" is after them, "previous" before them.
    const double from = next ? times.TimeOf(frame)
                             : (frame > 0 ? times.TimeOf(frame - 1) : -std::numeric_limits<double>::infinity());
    const auto hit = next ? neuroplayback::NextOf(session->Overlays(), target, this->Text, from)
                          : neuroplayback::PreviousOf(session->Overlays(), target, this->Text, from);
    if (!hit || hit->EventTime > times.Last())
    {
      return;
    }
    // The frame an event belongs to: the first at or after it.
    std::int64_t shown = times.FrameAt(hit->EventTime);
    if (times.TimeOf(shown) < hit->EventTime && shown + 1 < times.Count())
    {
      ++shown;
    }
    this->Found = true;
    this->Numbers = { times.TimeOf(shown), hit->EventTime, static_cast<double>(shown) };
    this->Names = { hit->Overlay };
  }
  else if (this->What == EpochsBetween)
  {
    neuroplayback::EpochSource* epochs = reader->GetEpochs(this->Text.c_str());
    if (!epochs)
    {
      std::string names;
      std::istringstream lines(reader->GetOverlayNames("intervals"));
      for (std::string line; std::getline(lines, line);)
      {
        names += (names.empty() ? "" : ", ") + line;
      }
      throw neuroplayback::SessionError("The session has no interval overlay named '" + this->Text + "'.",
        names.empty() ? std::string("This session has no interval overlays; export a time range instead.")
                      : "Use one of its interval overlays: " + names + ".");
    }
    const double t0 = Argument(a, 0), t1 = Argument(a, 1);
    double start = 0.0, stop = 0.0;
    for (double t = t0; t <= t1 && epochs->EpochFrom(t, +1, start, stop) && start <= t1;
         t = std::nextafter(stop, std::numeric_limits<double>::infinity()))
    {
      this->Numbers.insert(this->Numbers.end(), { std::max(start, t0), std::min(stop, t1) });
    }
  }
}

void vtkNeuroSessionInformation::AddInformation(vtkPVInformation* other)
{
  auto* from = vtkNeuroSessionInformation::SafeDownCast(other);
  if (from && from->Answered && !this->Answered)
  {
    this->Answered = true;
    this->FrameCount = from->FrameCount;
    this->Found = from->Found;
    this->Numbers = from->Numbers;
    this->Names = from->Names;
    this->Problem = from->Problem;
  }
}

void vtkNeuroSessionInformation::CopyToStream(vtkClientServerStream* stream)
{
  stream->Reset();
  *stream << vtkClientServerStream::Reply << (this->Answered ? 1 : 0) << static_cast<vtkTypeInt64>(this->FrameCount)
          << (this->Found ? 1 : 0) << this->Problem.c_str() << static_cast<vtkTypeInt64>(this->Numbers.size())
          << vtkClientServerStream::InsertArray(this->Numbers.data(), static_cast<int>(this->Numbers.size()))
          << static_cast<vtkTypeInt64>(this->Names.size());
  for (const std::string& name : this->Names)
  {
    *stream << name.c_str();
  }
  *stream << vtkClientServerStream::End;
}

void vtkNeuroSessionInformation::CopyFromStream(const vtkClientServerStream* stream)
{
  int answered = 0, found = 0;
  vtkTypeInt64 frames = 0, numbers = 0, names = 0;
  const char* problem = nullptr;
  stream->GetArgument(0, 0, &answered);
  stream->GetArgument(0, 1, &frames);
  stream->GetArgument(0, 2, &found);
  stream->GetArgument(0, 3, &problem);
  stream->GetArgument(0, 4, &numbers);
  this->Numbers.assign(static_cast<std::size_t>(std::max<vtkTypeInt64>(numbers, 0)), 0.0);
  if (numbers > 0)
  {
    stream->GetArgument(0, 5, this->Numbers.data(), static_cast<vtkTypeUInt32>(numbers));
  }
  stream->GetArgument(0, 6, &names);
  this->Names.clear();
  for (int i = 0; i < names; ++i)
  {
    const char* name = nullptr;
    stream->GetArgument(0, 7 + i, &name);
    this->Names.emplace_back(name ? name : "");
  }
  this->Answered = answered != 0;
  this->FrameCount = static_cast<vtkIdType>(frames);
  this->Found = found != 0;
  this->Problem = problem ? problem : "";
}

void vtkNeuroSessionInformation::CopyParametersToStream(vtkMultiProcessStream& stream)
{
  stream << this->What << this->Text << static_cast<unsigned int>(this->Arguments.size());
  for (double argument : this->Arguments)
  {
    stream << argument;
  }
}

void vtkNeuroSessionInformation::CopyParametersFromStream(vtkMultiProcessStream& stream)
{
  unsigned int count = 0;
  stream >> this->What >> this->Text >> count;
  this->Arguments.assign(count, 0.0);
  for (double& argument : this->Arguments)
  {
    stream >> argument;
  }
}

void vtkNeuroSessionInformation::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Request: " << this->What << " (see the Request enumeration), text '" << this->Text << "', "
     << this->Arguments.size() << " numbers\n";
  os << indent << "Answered: " << this->Answered << "\n";
  os << indent << "FrameCount: " << this->FrameCount << "\n";
  os << indent << "Found: " << this->Found << "\n";
  os << indent << "Numbers: " << this->Numbers.size() << " values\n";
  os << indent << "Names: " << this->Names.size() << "\n";
  os << indent << "Problem: " << this->Problem << "\n";
}
