#include "vtkNeuroPlaybackCue.h"

#include "FrameTimes.h"
#include "PlaybackScheduler.h"
#include "SessionError.h"
#include "vtkNeuroSessionReader.h"

#include <vtkCommand.h>
#include <vtkCompositeAnimationPlayer.h>
#include <vtkObjectFactory.h>
#include <vtkSMAnimationScene.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>

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
}

struct vtkNeuroPlaybackCue::Internals
{
  neuroplayback::SteadyClock Clock;
  neuroplayback::FrameTimes* Times = nullptr;
  std::unique_ptr<neuroplayback::PlaybackScheduler> Scheduler;
  WaitFunction Wait = SleepFor;
  bool Started = false;
  bool Saving = false;
  int Direction = +1;
  double SaveStep = 0.0;
  int SavedStride = 1;
  double CpuSeconds = 0.0;
  double PlayStartWall = 0.0;
  unsigned long Observers[4] = { 0, 0, 0, 0 };
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
  this->SetEpochOverlay(nullptr);
  this->Release();
  this->ObservePlayer(nullptr);
}

void vtkNeuroPlaybackCue::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Speed: " << this->Speed << "\n";
  os << indent << "ShowEveryFrame: " << this->ShowEveryFrame << "\n";
  os << indent << "Scheduling: " << this->Scheduling << "\n";
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
    this->Release();
    this->SceneProxy = scene;
    this->Scene = scene ? vtkSMAnimationScene::SafeDownCast(scene->GetClientSideObject()) : nullptr;
    this->ObservePlayer(this->Scene ? ScenePlayerAccess::Get(this->Scene) : nullptr);
    this->Modified();
    this->EnsureScheduling();
  }
}

void vtkNeuroPlaybackCue::SetSpeed(double speed)
{
  try
  {
    speed = neuroplayback::PlaybackScheduler::CheckedSpeed(speed);
  }
  catch (const neuroplayback::SessionError& error)
  {
    this->Fail(error.what());
    return;
  }
  if (this->Speed != speed)
  {
    this->Speed = speed;
    if (this->Internal->Scheduler)
    {
      this->Internal->Scheduler->SetSpeed(speed);
    }
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

bool vtkNeuroPlaybackCue::EnsureScheduling()
{
  Internals& in = *this->Internal;
  auto* reader = this->SessionProxy
    ? vtkNeuroSessionReader::SafeDownCast(this->SessionProxy->GetClientSideObject())
    : nullptr;
  const bool realTime =
    this->SceneProxy && vtkSMPropertyHelper(this->SceneProxy, "PlayMode").GetAsInt() == RealTimeMode;
  // Reading frame times needs the reader in this process (built-in server); elsewhere ParaView keeps
  // its own play modes.
  neuroplayback::FrameTimes* times = (reader && this->Scene && this->Enabled && !realTime)
    ? reader->GetFrameTimes()
    : nullptr;
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
  this->Internal->Started = false; // a (re)start of the play loop begins at the frame it ticks first
}

void vtkNeuroPlaybackCue::TickInternal(double, double, double)
{
  // The time passed to cues is normalised to the cue; the scene's time is the session time.
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
  in.Saving = this->Scene->GetOverrideStillRender();
  vtkCompositeAnimationPlayer* player = ScenePlayerAccess::Get(this->Scene);
  in.SavedStride = player->GetStride();
  // One step ahead is all the player is ever given, so it must take exactly one step.
  player->SetStride(1);
  in.SaveStep = this->Speed * in.SavedStride / this->OutputFrameRate();
  if (!in.Scheduler)
  {
    in.Scheduler = std::make_unique<neuroplayback::PlaybackScheduler>(*in.Times, in.Clock);
  }
  in.Scheduler->SetSpeed(this->Speed);
  in.Scheduler->SetMode(this->ShowEveryFrame ? neuroplayback::PlaybackScheduler::Mode::EveryFrame
                                             : neuroplayback::PlaybackScheduler::Mode::WallClock);
  in.Scheduler->ResetStatistics();
  in.CpuSeconds = 0.0;
  in.PlayStartWall = in.Clock.Now();
  this->LastError.clear();
  const std::string epochs = this->EpochOverlay ? this->EpochOverlay : "";
  auto* reader = vtkNeuroSessionReader::SafeDownCast(this->SessionProxy->GetClientSideObject());
  in.Scheduler->SetEpochs(reader ? reader->GetEpochs(epochs.c_str()) : nullptr);
  if (!epochs.empty() && !in.Scheduler->GetEpochs())
  {
    this->LastError = "The session has no interval overlay named '" + epochs +
      "', so playback is not limited to epochs. Set EpochOverlay to the name of an overlay of kind "
      "intervals (trials, epochs), or to an empty string to play everything.";
    vtkWarningMacro(<< this->LastError);
  }
  this->Playing = true;
}

double vtkNeuroPlaybackCue::OutputFrameRate() const
{
  // ParaView's Save Animation proxy consumes the scene proxy while it saves: use its frame rate.
  if (this->SceneProxy)
  {
    for (unsigned int i = 0; i < this->SceneProxy->GetNumberOfConsumers(); ++i)
    {
      vtkSMProxy* consumer = this->SceneProxy->GetConsumerProxy(i);
      if (consumer && consumer->GetProperty("FrameRate") && consumer->GetProperty("AnimationScene"))
      {
        const double rate = vtkSMPropertyHelper(consumer, "FrameRate").GetAsDouble();
        if (rate > 0.0)
        {
          return rate;
        }
      }
    }
  }
  return this->DefaultOutputFrameRate;
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
    if (this->PlayForSeconds > 0.0 && in.Clock.Now() - in.PlayStartWall >= this->PlayForSeconds)
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
      "seconds_played", "cue_cpu_ms_per_frame" };
    out << "{\"speed\": " << this->Speed << ", \"every_frame\": " << this->ShowEveryFrame
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
    stats.FramesShown > 0 ? 1000.0 * in.CpuSeconds / static_cast<double>(stats.FramesShown) : 0.0 };
  std::copy(values, values + NumberOfStatistics, this->Statistics);
}

void vtkNeuroPlaybackCue::ResetStatistics()
{
  if (this->Internal->Scheduler)
  {
    this->Internal->Scheduler->ResetStatistics();
  }
  this->Internal->CpuSeconds = 0.0;
  std::fill(this->Statistics, this->Statistics + NumberOfStatistics, 0.0);
}
