#include "vtkNeuroPlaybackCue.h"

#include "FrameTimes.h"
#include "PlaybackScheduler.h"
#include "SessionError.h"
#include "RowSource.h"
#include "vtkNeuroSessionInformation.h"

#include <vtkCallbackCommand.h>
#include <vtkClientServerStream.h>
#include <vtkCommand.h>
#include <vtkCompositeAnimationPlayer.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkSMAnimationScene.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>
#include <vtkSMSession.h>
#include <vtkSMStringVectorProperty.h>
#include <vtkSMSessionProxyManager.h>
#include <vtkSMTimeKeeper.h>
#include <vtkSMViewProxy.h>
#include <vtkPVView.h>
#include <vtkRenderWindow.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace
{
// The scene owns its player without an accessor; a derived scope may name the protected member.
struct ScenePlayerAccess : vtkSMAnimationScene
{
  static vtkCompositeAnimationPlayer* Get(vtkSMAnimationScene* scene)
  {
    return scene->*(&ScenePlayerAccess::AnimationPlayer);
  }
};

// ParaView's play modes (animation.xml, vtkCompositeAnimationPlayer).
constexpr int RealTimeMode = 1;
constexpr int SnapToTimeStepsMode = 2;

double ThreadCpuSeconds()
{
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

bool SleepFor(double seconds)
{
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return true;
}

// The Time Series filter's live update mode (Filters/NeuroTimeSeries.xml, EffectiveUpdateModeInfo).
constexpr int LiveCharts = 0;

// The scene's TimeKeeper object (client-side, as the scene itself), or null.
vtkSMTimeKeeper* TimeKeeperOf(vtkSMAnimationScene* scene)
{
  vtkSMProxy* proxy = scene ? scene->GetTimeKeeper() : nullptr;
  return proxy ? vtkSMTimeKeeper::SafeDownCast(proxy->GetClientSideObject()) : nullptr;
}

// Seconds between a chart view's redraws while playing, from the update mode of the Time Series filters
// it shows (the most restrictive wins); negative: not redrawn until playback stops.
double ChartRedrawInterval(vtkSMViewProxy* view)
{
  int mode = LiveCharts;
  double rate = 10.0;
  vtkSMPropertyHelper representations(view, "Representations", /*quiet=*/true);
  for (unsigned int i = 0; i < representations.GetNumberOfElements(); ++i)
  {
    vtkSMProxy* representation = representations.GetAsProxy(i);
    vtkSMProxy* input = representation && representation->GetProperty("Input")
      ? vtkSMPropertyHelper(representation, "Input").GetAsProxy()
      : nullptr;
    if (!input || !input->GetProperty("EffectiveUpdateModeInfo") ||
      vtkSMPropertyHelper(representation, "Visibility", true).GetAsInt() == 0)
    {
      continue;
    }
    input->UpdatePropertyInformation();
    mode = std::max(mode, vtkSMPropertyHelper(input, "EffectiveUpdateModeInfo").GetAsInt());
    rate = std::min(rate, vtkSMPropertyHelper(input, "LiveUpdateRate").GetAsDouble());
  }
  return mode == LiveCharts && rate > 0.0 ? 1.0 / rate : -1.0;
}

// A view the cue draws itself while playing.
struct DirectView
{
  vtkWeakPointer<vtkSMViewProxy> View;
  double MinInterval = 0.0; // wall seconds between redraws; negative: not while playing
  double LastRender = -1e300;
  bool Chart = false;
  int MultiSamples = -1; // a chart's own multisampling, given back when playback stops
  int RenderOnInteraction = -1; // likewise the chart's own render after a scene change
  unsigned long RenderObserver = 0; // with a play log: counts the chart's renders
};

// ParaView's interactor helper draws a chart again 40 ms after its scene changes; while the cue draws
// the charts itself that second render is waste (half of a chart's cost), so it is switched off
// (NeuroPlaybackCue.xml adds the property to the chart view). Returns the value it replaces, or -1.
int SetRenderOnInteraction(vtkSMViewProxy* view, int enabled)
{
  vtkSMProperty* property = view ? view->GetProperty("EnableRenderOnInteraction") : nullptr;
  if (!property)
  {
    return -1;
  }
  const int previous = vtkSMPropertyHelper(property).GetAsInt();
  vtkSMPropertyHelper(property).Set(enabled);
  return previous;
}

// A chart the cue is about to draw while playing: no multisampling (4x, which doubles a redraw in
// software GL, llvmpipe) and no second render of its own. With renders, each of its renders is counted.
void TakeChart(DirectView& entry, int* renders)
{
  vtkSMViewProxy* view = entry.View;
  vtkRenderWindow* window = view->GetRenderWindow();
  if (window && window->GetMultiSamples() > 0)
  {
    entry.MultiSamples = window->GetMultiSamples();
    window->SetMultiSamples(0);
  }
  entry.RenderOnInteraction = SetRenderOnInteraction(view, 0);
  if (window && renders)
  {
    vtkNew<vtkCallbackCommand> counter;
    counter->SetClientData(renders);
    counter->SetCallback([](vtkObject*, unsigned long, void* count, void*) { ++*static_cast<int*>(count); });
    entry.RenderObserver = window->AddObserver(vtkCommand::EndEvent, counter);
  }
}

// Playback stopped: the chart gets back what TakeChart took.
void GiveChartBack(DirectView& entry)
{
  vtkSMViewProxy* view = entry.View;
  if (vtkRenderWindow* window = view->GetRenderWindow())
  {
    if (entry.MultiSamples > 0)
    {
      window->SetMultiSamples(entry.MultiSamples);
    }
    if (entry.RenderObserver)
    {
      window->RemoveObserver(entry.RenderObserver);
    }
  }
  if (entry.RenderOnInteraction >= 0)
  {
    SetRenderOnInteraction(view, entry.RenderOnInteraction);
  }
}

// The session's frame times, asked of the reader through its proxy (vtkNeuroSessionInformation), so the
// cue works wherever the reader runs: the built-in server or a remote pvserver. FrameTimes caches the
// blocks, so a block is asked for once.
class ServerFrameTimes final : public neuroplayback::RowSource
{
public:
  ServerFrameTimes(vtkSMProxy* reader, std::int64_t count)
    : Reader(reader)
    , Count(count)
  {
  }
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override
  {
    vtkNew<vtkNeuroSessionInformation> info;
    info->RequestFrameTimes(first, count);
    if (this->Reader)
    {
      this->Reader->GatherInformation(info);
    }
    if (!this->Reader || !info->GetProblem().empty() || static_cast<std::int64_t>(info->GetTimes().size()) != count)
    {
      throw neuroplayback::SessionError("The session reader did not return frames " + std::to_string(first) + ".." +
          std::to_string(first + count) + (info->GetProblem().empty() ? "" : ": " + info->GetProblem()) + ".",
        "Reopen the session file.");
    }
    std::copy(info->GetTimes().begin(), info->GetTimes().end(), static_cast<double*>(out));
  }
  std::int64_t RowCount() const override { return this->Count; }
  std::int64_t RowWidth() const override { return 1; }

private:
  vtkWeakPointer<vtkSMProxy> Reader;
  std::int64_t Count;
};

// The epochs of one interval overlay, asked of the reader at each epoch boundary (rare).
class ServerEpochs final : public neuroplayback::EpochSource
{
public:
  ServerEpochs(vtkSMProxy* reader, std::string overlay)
    : Reader(reader)
    , Overlay(std::move(overlay))
  {
  }
  bool EpochFrom(double t, int dir, double& start, double& stop) override
  {
    if (!this->Reader)
    {
      return false;
    }
    vtkNew<vtkNeuroSessionInformation> info;
    info->RequestEpoch(this->Overlay, t, dir);
    this->Reader->GatherInformation(info);
    start = info->GetEpochStart();
    stop = info->GetEpochStop();
    return info->GetProblem().empty() && info->GetEpochFound();
  }
  // True when the reader knows the overlay (asked once, when play starts).
  bool Exists()
  {
    vtkNew<vtkNeuroSessionInformation> info;
    info->RequestEpoch(this->Overlay, 0.0, +1);
    this->Reader->GatherInformation(info);
    return info->GetProblem().empty();
  }

private:
  vtkWeakPointer<vtkSMProxy> Reader;
  std::string Overlay;
};

// The fix for a wrong epoch overlay name: the interval overlays the session has, asked through the proxy.
std::string IntervalOverlaysOf(vtkSMProxy* reader)
{
  std::string names;
  if (reader)
  {
    vtkNew<vtkNeuroSessionInformation> info;
    info->RequestOverlayNames();
    reader->GatherInformation(info);
    std::istringstream lines(info->GetIntervalOverlays());
    for (std::string name; std::getline(lines, name);)
    {
      names += (names.empty() ? "'" : ", '") + name + "'";
    }
  }
  if (names.empty())
  {
    return "It has no interval overlays at all: add one (kind intervals, e.g. trials) to the session, or set "
           "EpochOverlay to an empty string to play everything.";
  }
  return "Its interval overlays are " + names + ": set EpochOverlay to one of them, or to an empty string to "
         "play everything.";
}

// What makes the reader reopen its session: the frame times are asked for again when it changes.
std::string SessionKey(vtkSMProxy* reader)
{
  std::string key;
  for (const char* name : { "FileName", "NWBFileName", "ExactColorRange", "CacheSizeMB" })
  {
    vtkSMProperty* property = reader->GetProperty(name);
    if (vtkSMStringVectorProperty::SafeDownCast(property))
    {
      const char* value = vtkSMPropertyHelper(property).GetAsString();
      key += std::string(value ? value : "") + "\n";
    }
    else if (property)
    {
      key += std::to_string(vtkSMPropertyHelper(property).GetAsDouble()) + "\n";
    }
  }
  return key;
}
}

struct vtkNeuroPlaybackCue::Internals
{
  neuroplayback::SteadyClock Clock;
  neuroplayback::FrameTimes* Times = nullptr;
  std::unique_ptr<neuroplayback::FrameTimes> SessionTimes; // Times points here while a session is set
  std::string SessionTimesKey;                             // SessionKey() they were read for
  vtkWeakPointer<vtkSMProxy> SessionTimesReader;
  std::unique_ptr<ServerEpochs> Epochs;
  std::unique_ptr<neuroplayback::PlaybackScheduler> Scheduler;
  WaitFunction Wait = SleepFor;
  bool Started = false;
  bool Saving = false;
  int Direction = +1;
  double SaveStep = 0.0;
  int SavedStride = 1;
  double CpuSeconds = 0.0;
  double PlayStartWall = 0.0;   // the scheduler's clock starts here (Play pressed, or a loop's wrap)
  double PlayPressedWall = 0.0; // for PlayForSeconds
  unsigned long Observers[4] = { 0, 0, 0, 0 };
  // Direct playback: the views taken off the TimeKeeper while playing, and the scene's render switch.
  bool Direct = false;
  std::vector<DirectView> DirectViews;
  double ChartRedraws = 0.0;
  double LastDirectTime = std::numeric_limits<double>::quiet_NaN(); // NaN: nothing drawn yet this play
  // With a play log: what each clock on screen showed after each drawn frame (tests and benchmarks).
  bool CheckClocks = false;
  int ClockSamples = 0;
  int ArenaMismatches = 0;    // the annotation's frame was not the frame of the toolbar's time
  double ChartLagMax = 0.0;   // data seconds a chart's cursor trailed the toolbar
  bool AgreedAfterStop = true;
  int ChartRenders = 0;       // a chart drawn once per redraw, not again by its interactor
};

vtkStandardNewMacro(vtkNeuroPlaybackCue);

vtkNeuroPlaybackCue::vtkNeuroPlaybackCue()
  : Internal(new Internals)
{
  // Span the whole scene, so every scene tick reaches this cue.
  this->SetTimeMode(vtkAnimationCue::TIMEMODE_NORMALIZED);
  this->SetStartTime(0.0);
  this->SetEndTime(1.0);
}

vtkNeuroPlaybackCue::~vtkNeuroPlaybackCue()
{
  this->EndDirectPlayback();
  this->SetEpochOverlay(nullptr);
  this->Release();
  this->ObservePlayer(nullptr);
}

void vtkNeuroPlaybackCue::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Speed: " << this->Speed << "\n";
  os << indent << "ShowEveryFrame: " << this->ShowEveryFrame << "\n";
  os << indent << "DefaultOutputFrameRate: " << this->DefaultOutputFrameRate << "\n";
  os << indent << "PlayForSeconds: " << this->PlayForSeconds << "\n";
  os << indent << "DirectPlayback: " << this->DirectPlayback << "\n";
  os << indent << "EpochOverlay: " << (this->EpochOverlay ? this->EpochOverlay : "(none)") << "\n";
  os << indent << "MovieSpeed: " << this->MovieSpeed << "\n";
  os << indent << "MovieTimeRange: " << this->MovieTimeRange[0] << " " << this->MovieTimeRange[1] << "\n";
  os << indent << "MovieProgress: " << this->MovieProgress[0] << " / " << this->MovieProgress[1] << "\n";
  os << indent << "SessionProxy: " << this->SessionProxy.Get() << "\n";
  os << indent << "Scheduling: " << this->Scheduling << ", Playing: " << this->Playing
     << ", Scrubbing: " << this->Scrubbing << "\n";
  os << indent << "LastError: " << (this->LastError.empty() ? "(none)" : this->LastError) << "\n";
}

void vtkNeuroPlaybackCue::SetSessionProxy(vtkSMProxy* reader)
{
  if (this->SessionProxy != reader)
  {
    this->SessionProxy = reader;
    this->Modified();
    this->EnsureScheduling();
  }
}

void vtkNeuroPlaybackCue::SetAnimationSceneProxy(vtkSMProxy* scene)
{
  if (this->SceneProxy != scene)
  {
    this->EndDirectPlayback();
    this->Release();
    this->SceneProxy = scene;
    this->Scene = scene ? vtkSMAnimationScene::SafeDownCast(scene->GetClientSideObject()) : nullptr;
    this->ObservePlayer(this->Scene ? ScenePlayerAccess::Get(this->Scene) : nullptr);
    this->Modified();
    this->EnsureScheduling();
  }
}

bool vtkNeuroPlaybackCue::RefuseSpeed(double speed)
{
  try
  {
    neuroplayback::PlaybackScheduler::CheckedSpeed(speed);
    return false;
  }
  catch (const neuroplayback::SessionError& error)
  {
    this->Fail(error.what()); // the speed in use stays
    return true;
  }
}

void vtkNeuroPlaybackCue::SetSpeed(double speed)
{
  if (this->RefuseSpeed(speed) || this->Speed == speed)
  {
    return;
  }
  this->Speed = speed;
  if (this->Internal->Scheduler)
  {
    this->Internal->Scheduler->SetSpeed(speed);
  }
  this->Modified();
}

void vtkNeuroPlaybackCue::SetMovieSpeed(double speed)
{
  if (!this->RefuseSpeed(speed) && this->MovieSpeed != speed)
  {
    this->MovieSpeed = speed;
    this->Modified();
  }
}

void vtkNeuroPlaybackCue::SetShowEveryFrame(int everyFrame)
{
  everyFrame = everyFrame ? 1 : 0;
  if (this->ShowEveryFrame != everyFrame)
  {
    this->ShowEveryFrame = everyFrame;
    if (this->Internal->Scheduler)
    {
      this->Internal->Scheduler->SetMode(everyFrame ? neuroplayback::PlaybackScheduler::Mode::EveryFrame
                                                    : neuroplayback::PlaybackScheduler::Mode::WallClock);
    }
    this->Modified();
  }
}

void vtkNeuroPlaybackCue::SetEnabled(int enabled)
{
  if (this->Enabled != enabled)
  {
    this->Superclass::SetEnabled(enabled);
    if (enabled)
    {
      this->EnsureScheduling();
    }
    else
    {
      this->Release();
    }
  }
}

void vtkNeuroPlaybackCue::SetWaitFunction(WaitFunction wait)
{
  this->Internal->Wait = wait ? std::move(wait) : WaitFunction(SleepFor);
}

void vtkNeuroPlaybackCue::Fail(const std::string& message)
{
  this->LastError = message;
  vtkErrorMacro(<< message);
}

vtkIdType vtkNeuroPlaybackCue::GetNumberOfFrames()
{
  return this->EnsureScheduling() ? this->Internal->Times->Count() : 0;
}

vtkIdType vtkNeuroPlaybackCue::GetCurrentFrame()
{
  if (!this->EnsureScheduling())
  {
    return -1;
  }
  try
  {
    return this->Internal->Times->FrameAt(this->Scene->GetSceneTime());
  }
  catch (const std::exception&)
  {
    return -1;
  }
}

double vtkNeuroPlaybackCue::GetFrameTime(vtkIdType frame)
{
  if (!this->EnsureScheduling())
  {
    return std::nan("");
  }
  try
  {
    return this->Internal->Times->TimeOf(frame);
  }
  catch (const std::exception&)
  {
    return std::nan("");
  }
}

neuroplayback::FrameTimes* vtkNeuroPlaybackCue::SessionFrameTimes()
{
  Internals& in = *this->Internal;
  const std::string key = SessionKey(this->SessionProxy);
  if (in.SessionTimesReader == this->SessionProxy && in.SessionTimesKey == key)
  {
    return in.SessionTimes.get(); // null when the reader could not answer for this key: not asked again
  }
  in.SessionTimes.reset();
  in.SessionTimesReader = this->SessionProxy;
  in.SessionTimesKey = key;
  vtkNew<vtkNeuroSessionInformation> info;
  info->RequestFrameTimes(0, 0);
  this->SessionProxy->GatherInformation(info);
  if (!info->GetProblem().empty() || info->GetFrameCount() <= 0)
  {
    return nullptr;
  }
  try
  {
    in.SessionTimes = std::make_unique<neuroplayback::FrameTimes>(neuroplayback::FrameTimes::Explicit(
      std::make_unique<ServerFrameTimes>(this->SessionProxy, info->GetFrameCount()), 4096, "the session's frame times"));
  }
  catch (const std::exception& error)
  {
    vtkWarningMacro(<< "Playback cannot read the session's frame times: " << error.what());
  }
  return in.SessionTimes.get();
}

bool vtkNeuroPlaybackCue::EnsureScheduling()
{
  Internals& in = *this->Internal;
  // A deleted reader may live on while something still holds it (this cue's own Session property, when
  // ParaView unregistered the cue with it): a cue whose session is gone lets go of it for good, so it
  // never drives the player against the cue of a newer session.
  vtkSMSessionProxyManager* proxies = this->SessionProxy ? this->SessionProxy->GetSessionProxyManager() : nullptr;
  if (this->SessionProxy && (!proxies || !proxies->GetProxyName("sources", this->SessionProxy)))
  {
    this->SessionProxy = nullptr;
  }
  const bool realTime =
    this->SceneProxy && vtkSMPropertyHelper(this->SceneProxy, "PlayMode").GetAsInt() == RealTimeMode;
  neuroplayback::FrameTimes* times =
    (this->SessionProxy && this->Scene && this->Enabled && !realTime) ? this->SessionFrameTimes() : nullptr;
  if (!times)
  {
    this->Release();
    return false;
  }
  if (times != in.Times)
  {
    in.Times = times;
    in.Scheduler.reset(); // the session was reopened
  }
  if (!this->Scheduling)
  {
    this->Scheduling = true;
    ScenePlayerAccess::Get(this->Scene)->SetPlayMode(SnapToTimeStepsMode);
    this->SetStepWindow(this->Scene->GetSceneTime());
  }
  return true;
}

void vtkNeuroPlaybackCue::Release()
{
  if (!this->Scheduling)
  {
    return;
  }
  this->EndDirectPlayback();
  this->Scheduling = false;
  this->Internal->Times = nullptr;
  this->Internal->Scheduler.reset();
  if (!this->Scene || !this->SceneProxy)
  {
    return;
  }
  // Give the player back ParaView's mode and the TimeKeeper's time steps.
  vtkCompositeAnimationPlayer* player = ScenePlayerAccess::Get(this->Scene);
  player->SetPlayMode(vtkSMPropertyHelper(this->SceneProxy, "PlayMode").GetAsInt());
  player->RemoveAllTimeSteps();
  if (vtkSMProxy* timeKeeper = vtkSMPropertyHelper(this->SceneProxy, "TimeKeeper").GetAsProxy())
  {
    vtkSMPropertyHelper steps(timeKeeper, "TimestepValues");
    for (unsigned int i = 0; i < steps.GetNumberOfElements(); ++i)
    {
      player->AddTimeStep(steps.GetAsDouble(i));
    }
  }
}

void vtkNeuroPlaybackCue::ObservePlayer(vtkCompositeAnimationPlayer* player)
{
  Internals& in = *this->Internal;
  if (this->ObservedPlayer)
  {
    for (unsigned long& tag : in.Observers)
    {
      this->ObservedPlayer->RemoveObserver(tag);
      tag = 0;
    }
  }
  this->ObservedPlayer = player;
  if (player)
  {
    in.Observers[0] = player->AddObserver(vtkCommand::StartEvent, this, &vtkNeuroPlaybackCue::OnPlayStarted);
    in.Observers[1] = player->AddObserver(vtkCommand::ProgressEvent, this, &vtkNeuroPlaybackCue::OnFrameDone);
    in.Observers[2] = player->AddObserver(vtkCommand::EndEvent, this, &vtkNeuroPlaybackCue::OnPlayEnded);
    in.Observers[3] = player->AddObserver(vtkCommand::ModifiedEvent, this, &vtkNeuroPlaybackCue::OnPlayerModified);
  }
}

void vtkNeuroPlaybackCue::OnPlayerModified(vtkObject*, unsigned long, void*)
{
  // ParaView resets the play mode whenever data changes (UpdateAnimationUsingDataTimeSteps);
  // take the player back unless the user chose Real Time.
  if (this->Scheduling && !this->InHandler && this->SceneProxy &&
    vtkSMPropertyHelper(this->SceneProxy, "PlayMode").GetAsInt() != RealTimeMode)
  {
    vtkCompositeAnimationPlayer* player = ScenePlayerAccess::Get(this->Scene);
    if (player->GetPlayMode() != SnapToTimeStepsMode)
    {
      this->InHandler = true;
      player->SetPlayMode(SnapToTimeStepsMode);
      this->InHandler = false;
    }
  }
}

void vtkNeuroPlaybackCue::StartCueInternal()
{
  this->Superclass::StartCueInternal();
  Internals& in = *this->Internal;
  in.Started = false; // a (re)start of the play loop begins at the frame it ticks first
  if (this->Playing)
  {
    // A looping scene restarts the player: the data clock starts again from the wrap, not from Play.
    in.PlayStartWall = in.Clock.Now();
  }
}

void vtkNeuroPlaybackCue::TickInternal(double, double, double)
{
  // The time passed to cues is normalised to the cue; the scene's time is the session time.
  if (this->Playing && this->Internal->Direct)
  {
    this->RenderDirect(this->Scene->GetSceneTime());
    return;
  }
  if (!this->Playing && this->EnsureScheduling())
  {
    this->SetStepWindow(this->Scene->GetSceneTime());
  }
}

void vtkNeuroPlaybackCue::SetPlayerSteps(std::initializer_list<double> times)
{
  // The player steps only through the times it holds; these replace the TimeKeeper's.
  vtkCompositeAnimationPlayer* player = ScenePlayerAccess::Get(this->Scene);
  player->RemoveAllTimeSteps();
  for (double time : times)
  {
    player->AddTimeStep(time);
  }
}

void vtkNeuroPlaybackCue::GetPlayedRange(double range[2]) const
{
  // A save plays a window of the scene; a normal play the whole scene.
  this->Scene->GetPlaybackTimeWindow(range);
  if (range[0] > range[1])
  {
    range[0] = this->Scene->GetStartTime();
    range[1] = this->Scene->GetEndTime();
  }
}

void vtkNeuroPlaybackCue::SetStepWindow(double time)
{
  // The steps either side of the frame on screen, plus the current time itself so the player always
  // finds a step at or after it: Next and Previous then move exactly one data frame.
  Internals& in = *this->Internal;
  try
  {
    const auto frame = in.Times->FrameAt(time);
    const double previous = frame > 0 ? in.Times->TimeOf(frame - 1) : time;
    const double next = frame + 1 < in.Times->Count() ? in.Times->TimeOf(frame + 1) : time;
    this->SetPlayerSteps({ previous, time, next });
  }
  catch (const std::exception& error)
  {
    this->SetPlayerSteps({ time });
    this->Fail(error.what());
  }
}

void vtkNeuroPlaybackCue::FinishPlay(double current)
{
  // With only the current time left the player finds no further step and ends the loop
  // (or restarts it when the scene loops).
  this->SetPlayerSteps({ current });
  double range[2];
  this->GetPlayedRange(range);
  if (this->Internal->Direction < 0 && current > range[0])
  {
    this->Scene->Stop(); // backwards the player would otherwise tick the same time again
  }
}

void vtkNeuroPlaybackCue::OnPlayStarted(vtkObject*, unsigned long, void* callData)
{
  if (!this->EnsureScheduling())
  {
    return;
  }
  Internals& in = *this->Internal;
  const bool reverse = callData && *static_cast<bool*>(callData);
  in.Direction = reverse ? -1 : +1;
  in.Started = false;
  // ParaView's Save Animation renders and captures each frame itself (and consumes the scene meanwhile).
  in.Saving = this->Scene->GetOverrideStillRender() && this->SaveAnimationProxy();
  vtkCompositeAnimationPlayer* player = ScenePlayerAccess::Get(this->Scene);
  player->SetPlayMode(SnapToTimeStepsMode); // whatever a released cue of an older session restored
  in.SavedStride = player->GetStride();
  // One step ahead is all the player is ever given, so it must take exactly one step.
  player->SetStride(1);
  if (in.Saving)
  {
    // A movie frame every MovieSpeed / frame rate data seconds, over the window asked for.
    const double frameStep = this->MovieSpeed / this->OutputFrameRate();
    in.SaveStep = frameStep * in.SavedStride;
    double window[2];
    this->MovieWindow(frameStep, window);
    this->Scene->SetPlaybackTimeWindow(window);
    this->MovieProgress[0] = 0;
    this->MovieProgress[1] = 1 + static_cast<int>(std::floor((window[1] - window[0]) / in.SaveStep + 1e-9));
  }
  if (!in.Scheduler)
  {
    in.Scheduler = std::make_unique<neuroplayback::PlaybackScheduler>(*in.Times, in.Clock);
  }
  in.Scheduler->SetSpeed(this->Speed);
  in.Scheduler->SetMode(this->ShowEveryFrame ? neuroplayback::PlaybackScheduler::Mode::EveryFrame
                                             : neuroplayback::PlaybackScheduler::Mode::WallClock);
  in.Scheduler->ResetStatistics();
  in.CpuSeconds = 0.0;
  in.ChartRedraws = 0.0;
  in.PlayStartWall = in.Clock.Now();
  in.PlayPressedWall = in.PlayStartWall;
  this->LastError.clear();
  const std::string epochs = this->EpochOverlay ? this->EpochOverlay : "";
  in.Epochs.reset();
  if (!epochs.empty() && this->SessionProxy)
  {
    in.Epochs = std::make_unique<ServerEpochs>(this->SessionProxy, epochs);
    if (!in.Epochs->Exists())
    {
      in.Epochs.reset();
    }
  }
  in.Scheduler->SetEpochs(in.Epochs.get());
  if (!epochs.empty() && !in.Scheduler->GetEpochs())
  {
    this->LastError = "The session has no interval overlay named '" + epochs +
      "', so playback is not limited to epochs. " + IntervalOverlaysOf(this->SessionProxy);
    vtkWarningMacro(<< this->LastError);
  }
  this->Playing = true;
  in.CheckClocks = std::getenv("NEUROPLAYBACK_PLAYBACK_LOG") != nullptr;
  in.ClockSamples = in.ArenaMismatches = 0;
  in.ChartLagMax = 0.0;
  in.ChartRenders = 0;
  in.AgreedAfterStop = true;
  this->Scrubbing = false; // playing takes the direct path over from a scrub
  if (this->DirectPlayback && !in.Saving)
  {
    this->BeginDirectPlayback();
  }
}

void vtkNeuroPlaybackCue::BeginDirectPlayback()
{
  Internals& in = *this->Internal;
  vtkSMTimeKeeper* timeKeeper = TimeKeeperOf(this->Scene);
  if (in.Direct || !timeKeeper || this->Scene->GetOverrideStillRender())
  {
    return; // already drawing the frames (this cue, or another on the same scene)
  }
  in.DirectViews.clear();
  for (unsigned int i = 0; i < this->Scene->GetNumberOfViewProxies(); ++i)
  {
    vtkSMViewProxy* view = this->Scene->GetViewProxy(i);
    if (!view)
    {
      continue;
    }
    // Off the TimeKeeper, a time change no longer marks the view for a full proxy-level update.
    timeKeeper->RemoveView(view);
    DirectView entry;
    entry.View = view;
    entry.Chart = view->IsA("vtkSMContextViewProxy");
    entry.MinInterval = entry.Chart ? ChartRedrawInterval(view) : 0.0;
    if (entry.Chart)
    {
      TakeChart(entry, in.CheckClocks ? &in.ChartRenders : nullptr);
    }
    in.DirectViews.push_back(entry);
  }
  // The cue draws each frame itself: after the frame's data, before the time toolbar moves. (Not while
  // something else overrides the scene's renders: returned above.)
  this->Scene->SetOverrideStillRender(true);
  in.LastDirectTime = std::numeric_limits<double>::quiet_NaN();
  in.Direct = true;
}

void vtkNeuroPlaybackCue::RenderDirect(double time)
{
  Internals& in = *this->Internal;
  // The TimeKeeper says the time being drawn (the time cue would set it too, maybe after this cue).
  if (vtkSMProxy* timeKeeper = this->Scene->GetTimeKeeper())
  {
    vtkSMPropertyHelper(timeKeeper, "Time").Set(time);
    timeKeeper->UpdateVTKObjects();
  }
  const double now = in.Clock.Now();
  // A wrap or a jump over a gap between epochs moves the charts at once, not at their next live redraw.
  const double step = (time - in.LastDirectTime) * in.Direction;
  // (Not while scrubbing: every position is a jump there, and the charts are made exact when it ends.)
  const bool jumped =
    !this->Scrubbing && !std::isnan(in.LastDirectTime) && (step < 0.0 || step > 0.5 * this->Speed);
  in.LastDirectTime = time;
  for (DirectView& entry : in.DirectViews)
  {
    vtkSMViewProxy* view = entry.View;
    if (!view || entry.MinInterval < 0.0 || (!jumped && now - entry.LastRender < entry.MinInterval))
    {
      continue;
    }
    entry.LastRender = now;
    in.ChartRedraws += entry.Chart ? 1.0 : 0.0;
    // The view's own objects (on the server when there is one) take the time and update their
    // representations; no proxy-level update, so no domains or data information per frame.
    vtkClientServerStream stream;
    stream << vtkClientServerStream::Invoke << VTKOBJECT(view) << "SetViewTime" << time
           << vtkClientServerStream::End;
    stream << vtkClientServerStream::Invoke << VTKOBJECT(view) << "Update" << vtkClientServerStream::End;
    view->GetSession()->ExecuteStream(view->GetLocation(), stream);
    view->StillRender();
  }
  if (in.CheckClocks)
  {
    this->CheckClocks(time, false);
  }
}

void vtkNeuroPlaybackCue::ScrubTo(double time)
{
  if (this->Playing || !this->Scene || !this->EnsureScheduling() || !std::isfinite(time))
  {
    return;
  }
  if (!this->Scrubbing)
  {
    this->BeginDirectPlayback();
    if (!this->Internal->Direct)
    {
      return; // something else drives the scene's renders (Save Animation)
    }
    this->Scrubbing = true;
  }
  this->RenderDirect(time);
}

void vtkNeuroPlaybackCue::EndScrub()
{
  if (!this->Scrubbing)
  {
    return;
  }
  this->Scrubbing = false;
  this->EndDirectPlayback();
}

void vtkNeuroPlaybackCue::CheckClocks(double time, bool stopped)
{
  // The time toolbar shows the scene time; the annotation the frame the reader made last; a chart's
  // cursor its view's time. Read back from each, not from what this cue asked for.
  Internals& in = *this->Internal;
  if (!in.Times || !this->SessionProxy)
  {
    return;
  }
  const double due = in.Times->TimeOf(in.Times->FrameAt(time));
  this->SessionProxy->UpdatePropertyInformation(this->SessionProxy->GetProperty("CurrentFrameInfo"));
  const auto annotated = vtkSMPropertyHelper(this->SessionProxy, "CurrentFrameInfo").GetAsIdType();
  const bool arenaAgrees = annotated >= 0 && in.Times->TimeOf(annotated) == due;
  double chartLag = 0.0;
  for (DirectView& entry : in.DirectViews)
  {
    auto* chart = entry.Chart && entry.View ? vtkPVView::SafeDownCast(entry.View->GetClientSideObject()) : nullptr;
    if (chart)
    {
      chartLag = std::max(chartLag, std::abs(due - in.Times->TimeOf(in.Times->FrameAt(chart->GetViewTime()))));
    }
  }
  if (stopped)
  {
    in.AgreedAfterStop = arenaAgrees && chartLag == 0.0;
    return;
  }
  ++in.ClockSamples;
  in.ArenaMismatches += arenaAgrees ? 0 : 1;
  in.ChartLagMax = std::max(in.ChartLagMax, chartLag);
}

void vtkNeuroPlaybackCue::EndDirectPlayback()
{
  Internals& in = *this->Internal;
  if (!in.Direct)
  {
    return;
  }
  in.Direct = false;
  vtkSMTimeKeeper* timeKeeper = TimeKeeperOf(this->Scene);
  if (this->Scene)
  {
    this->Scene->SetOverrideStillRender(false);
  }
  // Back on the TimeKeeper at the time on screen; one full update brings every proxy, domain, data
  // information and chart (on pause, manual) up to date with the frame shown.
  for (DirectView& entry : in.DirectViews)
  {
    if (vtkSMViewProxy* view = entry.View)
    {
      if (timeKeeper)
      {
        timeKeeper->AddView(view);
      }
      if (entry.Chart)
      {
        GiveChartBack(entry);
      }
      static_cast<vtkSMProxy*>(view)->MarkDirty(view);
    }
  }
  for (DirectView& entry : in.DirectViews)
  {
    if (vtkSMViewProxy* view = entry.View)
    {
      view->StillRender();
    }
  }
  if (in.CheckClocks && this->Scene)
  {
    this->CheckClocks(this->Scene->GetSceneTime(), true);
  }
  in.DirectViews.clear();
}

vtkSMProxy* vtkNeuroPlaybackCue::SaveAnimationProxy() const
{
  // ParaView's Save Animation proxy consumes the scene proxy while it saves.
  for (unsigned int i = 0; this->SceneProxy && i < this->SceneProxy->GetNumberOfConsumers(); ++i)
  {
    vtkSMProxy* consumer = this->SceneProxy->GetConsumerProxy(i);
    if (consumer && consumer->GetProperty("FrameRate") && consumer->GetProperty("AnimationScene"))
    {
      return consumer;
    }
  }
  return nullptr;
}

double vtkNeuroPlaybackCue::OutputFrameRate() const
{
  vtkSMProxy* save = this->SaveAnimationProxy();
  const double rate = save ? vtkSMPropertyHelper(save, "FrameRate").GetAsDouble() : 0.0;
  return rate > 0.0 ? rate : this->DefaultOutputFrameRate;
}

void vtkNeuroPlaybackCue::MovieWindow(double frameStep, double window[2]) const
{
  const double first = this->Scene->GetStartTime();
  const double last = this->Scene->GetEndTime();
  window[0] = first;
  window[1] = last;
  if (this->MovieTimeRange[0] <= this->MovieTimeRange[1])
  {
    window[0] = std::clamp(this->MovieTimeRange[0], first, last);
    window[1] = std::clamp(this->MovieTimeRange[1], window[0], last);
    return;
  }
  // Save Animation's FrameWindow, in movie frames. ParaView fills it from the scene's own frames when
  // not given: [0, -1] in Snap To TimeSteps (no time steps are published), [0, NumberOfFrames - 1] in
  // Sequence; either means the whole session.
  vtkSMProxy* save = this->SaveAnimationProxy();
  if (!save || !save->GetProperty("FrameWindow") || !this->SceneProxy)
  {
    return;
  }
  int frames[2] = { 0, -1 };
  vtkSMPropertyHelper(save, "FrameWindow").Get(frames, 2);
  const bool sequenceDefault = vtkSMPropertyHelper(this->SceneProxy, "PlayMode").GetAsInt() == 0 &&
    frames[0] == 0 && frames[1] == vtkSMPropertyHelper(this->SceneProxy, "NumberOfFrames").GetAsInt() - 1;
  if (frames[0] < 0 || frames[1] < frames[0] || sequenceDefault)
  {
    return;
  }
  window[0] = std::min(first + frames[0] * frameStep, last);
  window[1] = std::clamp(first + frames[1] * frameStep, window[0], last);
}

void vtkNeuroPlaybackCue::OnFrameDone(vtkObject*, unsigned long, void*)
{
  if (!this->Playing || !this->Scheduling)
  {
    return;
  }
  Internals& in = *this->Internal;
  const double current = this->Scene->GetSceneTime();
  double cpuStart = ThreadCpuSeconds();
  try
  {
    if (in.Saving)
    {
      // A movie samples data time at a fixed step per output frame, whatever the render takes.
      double range[2];
      this->GetPlayedRange(range);
      const double last = range[1];
      const double next = current + in.Direction * in.SaveStep;
      this->MovieProgress[0] = std::min(this->MovieProgress[0] + 1, this->MovieProgress[1]);
      if (next > last + 1e-12 * std::abs(last))
      {
        this->FinishPlay(current);
      }
      else
      {
        this->SetPlayerSteps({ current, std::min(next, last) });
      }
      return;
    }
    neuroplayback::PlaybackScheduler& scheduler = *in.Scheduler;
    const auto frame = in.Times->FrameAt(current);
    if (!in.Started)
    {
      // The clock started when Play was pressed, before ParaView redrew the starting frame.
      scheduler.Start(frame, in.Direction, in.PlayStartWall);
      in.Started = true;
    }
    else
    {
      scheduler.Presented(frame);
    }
    if (this->PlayForSeconds > 0.0 && in.Clock.Now() - in.PlayPressedWall >= this->PlayForSeconds)
    {
      this->FinishPlay(current);
      this->Scene->Stop();
      in.CpuSeconds += ThreadCpuSeconds() - cpuStart;
      return;
    }
    while (true)
    {
      const auto decision = scheduler.Next();
      using Kind = neuroplayback::PlaybackScheduler::Decision::Kind;
      if (decision.What == Kind::Show)
      {
        this->SetPlayerSteps({ current, in.Times->TimeOf(decision.Frame) });
        break;
      }
      if (decision.What == Kind::End)
      {
        this->FinishPlay(current);
        break;
      }
      in.CpuSeconds += ThreadCpuSeconds() - cpuStart;
      const bool keepPlaying = in.Wait(decision.WaitSeconds);
      cpuStart = ThreadCpuSeconds();
      if (!keepPlaying)
      {
        this->FinishPlay(current);
        this->Scene->Stop();
        break;
      }
    }
  }
  catch (const std::exception& error)
  {
    // A bad block of frame times found mid-play: stop cleanly with the reader's explanation.
    this->Fail(error.what());
    this->FinishPlay(current);
    this->Scene->Stop();
  }
  in.CpuSeconds += ThreadCpuSeconds() - cpuStart;
}

void vtkNeuroPlaybackCue::OnPlayEnded(vtkObject*, unsigned long, void*)
{
  if (!this->Playing)
  {
    return;
  }
  this->Playing = false;
  Internals& in = *this->Internal;
  this->EndDirectPlayback();
  if (this->Scene && this->Scheduling)
  {
    ScenePlayerAccess::Get(this->Scene)->SetStride(in.SavedStride);
    this->SetStepWindow(this->Scene->GetSceneTime());
  }
  if (in.Scheduler)
  {
    in.Scheduler->Pause();
  }
  this->UpdateStatistics();
  // A machine-readable record of each play, for tests and benchmarks driving the GUI.
  if (const char* log = std::getenv("NEUROPLAYBACK_PLAYBACK_LOG"))
  {
    std::ofstream out(log, std::ios::app);
    const char* names[NumberOfStatistics] = { "frames_shown", "frames_skipped", "skipped_percent",
      "display_fps", "lag_p50_ms", "lag_p99_ms", "lag_max_ms", "achieved_speed", "display_interval_p50_ms",
      "seconds_played", "cue_cpu_ms_per_frame", "lag_last_ms", "chart_redraws" };
    out << "{\"speed\": " << this->Speed << ", \"every_frame\": " << this->ShowEveryFrame
        << ", \"direct\": " << this->DirectPlayback << ", \"clock_samples\": " << in.ClockSamples
        << ", \"arena_clock_mismatches\": " << in.ArenaMismatches << ", \"chart_lag_max_s\": " << in.ChartLagMax
        << ", \"chart_renders\": " << in.ChartRenders
        << ", \"clocks_agree_after_stop\": " << (in.AgreedAfterStop ? "true" : "false")
        << ", \"saving\": " << (in.Saving ? "true" : "false")
        << ", \"last_frame\": " << this->GetCurrentFrame();
    for (int i = 0; i < NumberOfStatistics; ++i)
    {
      out << ", \"" << names[i] << "\": " << this->Statistics[i];
    }
    out << "}\n";
  }
}

double* vtkNeuroPlaybackCue::GetStatistics()
{
  // Percentiles are computed when read (toolbar, scripts, the play log), not on every frame.
  this->UpdateStatistics();
  return this->Statistics;
}

void vtkNeuroPlaybackCue::UpdateStatistics()
{
  const Internals& in = *this->Internal;
  if (!in.Scheduler)
  {
    return;
  }
  const auto stats = in.Scheduler->Statistics();
  const double values[NumberOfStatistics] = { static_cast<double>(stats.FramesShown),
    static_cast<double>(stats.FramesSkipped), stats.SkippedPercent, stats.DisplayRate, stats.LagP50Ms,
    stats.LagP99Ms, stats.LagMaxMs, stats.AchievedSpeed, stats.DisplayIntervalP50Ms, stats.PlayingSeconds,
    stats.FramesShown > 0 ? 1000.0 * in.CpuSeconds / static_cast<double>(stats.FramesShown) : 0.0,
    stats.LagLastMs, in.ChartRedraws };
  std::copy(values, values + NumberOfStatistics, this->Statistics);
}

void vtkNeuroPlaybackCue::ResetStatistics()
{
  if (this->Internal->Scheduler)
  {
    this->Internal->Scheduler->ResetStatistics();
  }
  this->Internal->CpuSeconds = 0.0;
  this->Internal->ChartRedraws = 0.0;
  std::fill(this->Statistics, this->Statistics + NumberOfStatistics, 0.0);
}
