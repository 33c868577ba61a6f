// Questions scripts ask the open session without a pipeline update: colour-range estimates, jumps
// between events and intervals, the fields and their ranges, and the epochs the playback cue plays.
#include "vtkNeuroSessionReader.h"

#include "ColorRange.h"
#include "Navigation.h"
#include "PlaybackScheduler.h"
#include "Session.h"
#include "SessionError.h"
#include "ViewFraming.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace
{
std::vector<std::string> SplitTabs(const std::string& text)
{
  std::vector<std::string> parts;
  std::istringstream stream(text);
  for (std::string part; std::getline(stream, part, '\t');)
  {
    parts.push_back(part);
  }
  return parts;
}

std::string Number(double value)
{
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

double ParseNumber(const std::string& text, const char* what)
{
  try
  {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size())
    {
      return value;
    }
  }
  catch (const std::exception&)
  {
  }
  throw neuroplayback::SessionError(
    std::string("The query's ") + what + " '" + text + "' is not a number.", "Pass a number.");
}
} // namespace

void vtkNeuroSessionReader::SetQuery(const char* query)
{
  std::vector<std::string> parts = SplitTabs(query ? query : "");
  if (!parts.empty() && !parts[0].empty() && parts[0][0] == '#')
  {
    parts.erase(parts.begin()); // a nonce, so that asking the same question twice reaches the reader
  }
  if (parts.empty() || parts[0].empty())
  {
    this->QueryResult.clear();
    return;
  }
  if (!this->EnsureSession())
  {
    this->QueryResult = "error\t" + this->LastError;
    return;
  }
  try
  {
    this->QueryResult = this->AnswerQuery(parts);
  }
  catch (const std::exception& error)
  {
    this->QueryResult = std::string("error\t") + error.what();
  }
}

std::string vtkNeuroSessionReader::AnswerQuery(const std::vector<std::string>& parts)
{
  neuroplayback::Session& session = *this->GetSession();
  const std::string& what = parts[0];
  if (what == "fields")
  {
    std::string answer = "ok";
    for (std::size_t i = 0; i < session.Fields().size(); ++i)
    {
      const double* range = this->GetFieldColorRange(static_cast<int>(i));
      answer += "\t" + session.Fields()[i].Name + "\t" + Number(range[0]) + "\t" + Number(range[1]);
    }
    return answer;
  }
  if (what == "range" && parts.size() == 6)
  {
    std::size_t field = session.DefaultFieldIndex();
    if (!parts[1].empty())
    {
      field = session.Fields().size();
      for (std::size_t i = 0; i < session.Fields().size(); ++i)
      {
        field = session.Fields()[i].Name == parts[1] ? i : field;
      }
      if (field == session.Fields().size())
      {
        throw neuroplayback::SessionError("The session has no field named '" + parts[1] + "'.",
          "Use one of the names session_info() lists under 'fields'.");
      }
    }
    const double frames = ParseNumber(parts[2], "frame count");
    const double low = ParseNumber(parts[3], "low percentile");
    const double high = ParseNumber(parts[4], "high percentile");
    const double seed = ParseNumber(parts[5], "seed");
    if (!(frames >= 1) || !(low >= 0 && low < high && high <= 100) || seed < 0)
    {
      throw neuroplayback::SessionError("Bad colour-range request: " + parts[2] + " frames, percentiles (" +
          parts[3] + ", " + parts[4] + ").",
        "Ask for at least 1 frame and percentiles 0 <= low < high <= 100, e.g. 1000 frames, (1, 99).");
    }
    const auto started = std::chrono::steady_clock::now();
    const neuroplayback::ValueRange range = neuroplayback::EstimateRange(session.Field(field),
      static_cast<int>(std::min<double>(frames, std::numeric_limits<int>::max())),
      static_cast<std::uint64_t>(seed), low, high);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return "ok\t" + Number(range.Min) + "\t" + Number(range.Max) + "\t" + Number(seconds) + "\t" + range.Source;
  }
  if (what == "navigate" && parts.size() == 5)
  {
    const bool next = parts[1] == "next";
    if (!next && parts[1] != "previous")
    {
      throw neuroplayback::SessionError("Unknown direction '" + parts[1] + "'.", "Use next or previous.");
    }
    if (parts[2] != "event" && parts[2] != "interval")
    {
      throw neuroplayback::SessionError("Unknown target '" + parts[2] + "'.", "Use event or interval.");
    }
    const auto target =
      parts[2] == "event" ? neuroplayback::NavigationTarget::Event : neuroplayback::NavigationTarget::Interval;
    neuroplayback::FrameTimes& times = session.Times();
    const std::int64_t frame = times.FrameAt(ParseNumber(parts[4], "time"));
    // Frame f shows the events in (t[f-1], t[f]]: "next" is after them, "previous" before them.
    const double from = next ? times.TimeOf(frame)
                             : (frame > 0 ? times.TimeOf(frame - 1) : -std::numeric_limits<double>::infinity());
    const auto hit = next ? neuroplayback::NextOf(session.Overlays(), target, parts[3], from)
                          : neuroplayback::PreviousOf(session.Overlays(), target, parts[3], from);
    if (!hit || hit->EventTime > times.Last())
    {
      return "none";
    }
    // The frame an event belongs to: the first at or after it.
    std::int64_t shown = times.FrameAt(hit->EventTime);
    if (times.TimeOf(shown) < hit->EventTime && shown + 1 < times.Count())
    {
      ++shown;
    }
    return "ok\t" + Number(times.TimeOf(shown)) + "\t" + Number(hit->EventTime) + "\t" + hit->Overlay + "\t" +
      std::to_string(shown);
  }
  if (what == "epochs" && parts.size() == 4)
  {
    // The intervals of an interval overlay that overlap [t0, t1], clipped to it: start and stop pairs.
    neuroplayback::EpochSource* epochs = this->GetEpochs(parts[1].c_str());
    if (!epochs)
    {
      std::string names;
      std::istringstream lines(this->GetOverlayNames("intervals"));
      for (std::string line; std::getline(lines, line);)
      {
        names += (names.empty() ? "" : ", ") + line;
      }
      throw neuroplayback::SessionError("The session has no interval overlay named '" + parts[1] + "'.",
        names.empty() ? std::string("This session has no interval overlays; export a time range instead.")
                      : "Use one of its interval overlays: " + names + ".");
    }
    const double t0 = ParseNumber(parts[2], "start"), t1 = ParseNumber(parts[3], "stop");
    std::string answer = "ok";
    double start = 0.0, stop = 0.0;
    for (double t = t0; t <= t1 && epochs->EpochFrom(t, +1, start, stop) && start <= t1;
         t = std::nextafter(stop, std::numeric_limits<double>::infinity()))
    {
      answer += "\t" + Number(std::max(start, t0)) + "\t" + Number(std::min(stop, t1));
    }
    return answer;
  }
  if (what == "frame" && (parts.size() == 3 || parts.size() == 4))
  {
    // The bounds a render view of this many pixels fits on screen to show the arena (ViewFraming.h),
    // clear of the annotation drawn at this font size in pixels (the overlay display's, 16 by default).
    const double* a = this->ArenaBounds;
    const double fontPixels = parts.size() == 4 ? ParseNumber(parts[3], "annotation font size") : 16.0;
    neuroplayback::ScreenText annotation;
    this->AnnotationBox(fontPixels, annotation.Width, annotation.Height);
    const neuroplayback::Bounds2D framed = neuroplayback::FrameArena(neuroplayback::Bounds2D{ a[0], a[1], a[2], a[3] },
      ParseNumber(parts[1], "view width"), ParseNumber(parts[2], "view height"), annotation);
    const double z = a[4];
    return "ok\t" + Number(framed.X0) + "\t" + Number(framed.X1) + "\t" + Number(framed.Y0) + "\t" +
      Number(framed.Y1) + "\t" + Number(z) + "\t" + Number(z);
  }
  throw neuroplayback::SessionError("Unknown query '" + what + "' with " + std::to_string(parts.size() - 1) +
      " arguments.",
    "Use the neuroplayback.paraview helpers (estimate_color_range, next_event, ...) rather than raw queries.");
}
