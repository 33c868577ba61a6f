/**
 * @class vtkNeuroPlaybackCue
 * @brief Animation cue that makes ParaView's own play loop follow the wall clock for a session.
 *
 * Added to the animation scene, it drives the scene's player: after each frame reaches the screen it
 * asks a PlaybackScheduler which frame is due (data time = start + speed x elapsed wall time), waits
 * if that frame is not due yet and skips the frames it is too late for. It feeds the chosen time to
 * the scene's Snap To TimeSteps player one step at a time, so nothing per frame is published:
 * cost stays O(log n) at millions of frames. Outside play it keeps the neighbouring frames as the
 * player's steps, so VCR Next/Previous move exactly one data frame. While ParaView saves an
 * animation it samples data time at speed / output frame rate instead.
 * While playing (DirectPlayback, the default) the views are taken off the TimeKeeper: each due frame is
 * handed straight to the views on their own processes (view time, view update, render), so ParaView's
 * per-proxy bookkeeping (domains, data information of every port) does not run per frame, charts redraw
 * at their update mode's rate, and the arena is drawn before the time toolbar moves. On pause, step,
 * scrub and save the normal pipeline time applies.
 * The scene's Real Time mode, or disabling the cue, gives ParaView its own behaviour back.
 */
#ifndef vtkNeuroPlaybackCue_h
#define vtkNeuroPlaybackCue_h

#include "NeuroPlaybackPlaybackModule.h"
#include "vtkPVAnimationCue.h"
#include "vtkWeakPointer.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

namespace neuroplayback
{
class FrameTimes;
}

class vtkCompositeAnimationPlayer;
class vtkSMAnimationScene;
class vtkSMProxy;

class NEUROPLAYBACKPLAYBACK_EXPORT vtkNeuroPlaybackCue : public vtkPVAnimationCue
{
public:
  static vtkNeuroPlaybackCue* New();
  vtkTypeMacro(vtkNeuroPlaybackCue, vtkPVAnimationCue)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /// The session reader proxy whose frames are scheduled.
  void SetSessionProxy(vtkSMProxy* reader);
  /// The animation scene proxy whose play loop this cue drives.
  void SetAnimationSceneProxy(vtkSMProxy* scene);

  /// Data seconds per wall second. Zero, negative or non-finite values are refused with an error.
  void SetSpeed(double speed);
  vtkGetMacro(Speed, double);
  /// Show every frame (the speed becomes a ceiling) instead of skipping to stay on time.
  void SetShowEveryFrame(int everyFrame);
  vtkGetMacro(ShowEveryFrame, int);
  /// Data seconds per second of a saved movie (Save Animation), apart from the playing Speed so that a
  /// slow-motion play does not silently slow the next movie down. Refused like Speed when not positive.
  void SetMovieSpeed(double speed);
  vtkGetMacro(MovieSpeed, double);
  /// The data times a saved movie spans; an empty range (first > last, the default) spans the whole
  /// session, or Save Animation's FrameWindow counted in movie frames (MovieSpeed / frame rate apart).
  vtkSetVector2Macro(MovieTimeRange, double);
  vtkGetVector2Macro(MovieTimeRange, double);
  /// Frames of the movie being saved: written so far and in all (0, 0 when not saving).
  vtkGetVector2Macro(MovieProgress, int);
  /// Movie frame rate used when a save does not say (ParaView's Save Animation does).
  vtkSetClampMacro(DefaultOutputFrameRate, double, 1.0, 1000.0);
  vtkGetMacro(DefaultOutputFrameRate, double);
  /// Stop a play after this many wall seconds (0: play to the end). For scripts and benchmarks.
  vtkSetClampMacro(PlayForSeconds, double, 0.0, 1e9);
  vtkGetMacro(PlayForSeconds, double);
  void SetEnabled(int enabled) override;
  /// While playing, hand each due frame straight to the views instead of a full ParaView time update
  /// per frame (on by default; 0 restores the per-frame scene update, for comparison).
  vtkSetClampMacro(DirectPlayback, int, 0, 1);
  vtkGetMacro(DirectPlayback, int);
  /// Play only inside the intervals of this interval overlay (trials, epochs), jumping the gaps;
  /// empty plays everything. Takes effect at the next Play.
  vtkSetStringMacro(EpochOverlay);
  vtkGetStringMacro(EpochOverlay);

  // Nothing is key-framed: the cue drives the player, not a property.
  void BeginUpdateAnimationValues() override {}
  void SetAnimationValue(int, double) override {}
  void EndUpdateAnimationValues() override {}

  /// Statistics of the current or last play, in this order: frames shown, frames skipped,
  /// % skipped, displayed frames per second, lag p50 (ms), lag p99 (ms), lag max (ms), achieved speed,
  /// median display interval (ms), seconds played, cue CPU time per shown frame (ms), lag of the last
  /// shown frame (ms), chart redraws.
  static constexpr int NumberOfStatistics = 13;
  double* GetStatistics() VTK_SIZEHINT(13);
  void ResetStatistics();

  /// True when the cue is scheduling the scene (a session is attached and the mode is not Real Time).
  bool IsScheduling() const { return this->Scheduling; }
  bool IsPlaying() const { return this->Playing; }
  vtkIdType GetNumberOfFrames();
  /// The frame at the scene's current time.
  vtkIdType GetCurrentFrame();
  /// The time of a frame (clamped to the session), NaN when no session is attached.
  double GetFrameTime(vtkIdType frame);
  /// Scrubbing (the toolbar's frame slider): while stopped, shows the frame at `time` through the
  /// direct path (the views' own time, update and render; no proxy-level update), the same path as
  /// playing. EndScrub() puts the views back on the TimeKeeper and brings everything up to date once
  /// (call it when the scrubbing stops, then set the scene's time). Ignored while playing.
  void ScrubTo(double time);
  void EndScrub();
  bool IsScrubbing() const { return this->Scrubbing; }
  /// Empty unless the last play or speed change failed; says what went wrong and how to fix it.
  const char* GetLastError() const { return this->LastError.c_str(); }

  /// Waits about `seconds` of wall time; returns false if the user asked playback to stop meanwhile.
  /// The default sleeps; the GUI installs one that keeps Qt responsive.
  using WaitFunction = std::function<bool(double seconds)>;
  void SetWaitFunction(WaitFunction wait);

protected:
  vtkNeuroPlaybackCue();
  ~vtkNeuroPlaybackCue() override;

  void StartCueInternal() override;
  void TickInternal(double currenttime, double deltatime, double clocktime) override;

private:
  vtkNeuroPlaybackCue(const vtkNeuroPlaybackCue&) = delete;
  void operator=(const vtkNeuroPlaybackCue&) = delete;

  bool EnsureScheduling();
  // The session's frame times, read through the reader's proxy (built-in or remote); null when the
  // reader has no session.
  neuroplayback::FrameTimes* SessionFrameTimes();
  void Release();
  void ObservePlayer(vtkCompositeAnimationPlayer* player);
  void OnPlayStarted(vtkObject*, unsigned long, void* callData);
  void OnFrameDone(vtkObject*, unsigned long, void*);
  void OnPlayEnded(vtkObject*, unsigned long, void*);
  void OnPlayerModified(vtkObject*, unsigned long, void*);
  void SetPlayerSteps(std::initializer_list<double> times);
  void GetPlayedRange(double range[2]) const;
  void SetStepWindow(double time);
  void FinishPlay(double current);
  double OutputFrameRate() const;
  vtkSMProxy* SaveAnimationProxy() const;
  void MovieWindow(double frameStep, double window[2]) const;
  void UpdateStatistics();
  void BeginDirectPlayback();
  void EndDirectPlayback();
  void RenderDirect(double time);
  void CheckClocks(double time, bool stopped);
  void Fail(const std::string& message);
  // True (and the reason reported) when a speed is zero, negative or not finite.
  bool RefuseSpeed(double speed);

  double Speed = 1.0;
  int ShowEveryFrame = 0;
  double DefaultOutputFrameRate = 30.0;
  double PlayForSeconds = 0.0;
  int DirectPlayback = 1;
  double MovieSpeed = 1.0;
  double MovieTimeRange[2] = { 0.0, -1.0 };
  int MovieProgress[2] = { 0, 0 };
  char* EpochOverlay = nullptr;
  double Statistics[NumberOfStatistics] = {};
  std::string LastError;
  bool Scheduling = false;
  bool Playing = false;
  bool Scrubbing = false;
  bool InHandler = false;

  vtkWeakPointer<vtkSMProxy> SessionProxy;
  vtkWeakPointer<vtkSMProxy> SceneProxy;
  vtkWeakPointer<vtkSMAnimationScene> Scene;
  vtkWeakPointer<vtkCompositeAnimationPlayer> ObservedPlayer;

  struct Internals;
  std::unique_ptr<Internals> Internal;
};

#endif
