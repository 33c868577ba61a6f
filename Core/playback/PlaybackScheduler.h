#pragma once
// Decides which frame to show during playback: data time follows the wall clock at the chosen speed,
// frames are skipped when rendering lags and waited for when it runs ahead. Pure C++, no VTK.
#include "FrameTimes.h"
#include "Histogram.h"
#include "PlaybackClock.h"

#include <cstdint>

namespace neuroplayback {

struct PlaybackStatistics {
  std::int64_t FramesShown = 0;
  std::int64_t FramesSkipped = 0;
  double SkippedPercent = 0.0;   // skipped / (shown + skipped)
  double PlayingSeconds = 0.0;   // wall time spanned by the presented frames, pauses excluded
  double DisplayRate = 0.0;      // frames presented per wall second
  double AchievedSpeed = 0.0;    // data seconds advanced per wall second
  double LagP50Ms = 0.0;         // wall-clock lag: (data time due - data time shown) / speed
  double LagP99Ms = 0.0;
  double LagMaxMs = 0.0;
  double DisplayIntervalP50Ms = 0.0;
  double LagLastMs = 0.0;        // lag of the frame shown last: what the screen shows now
};

// The parts of the session playback may show when it plays only inside epochs (trials, ...).
class EpochSource {
public:
  virtual ~EpochSource() = default;
  // The epoch [start, stop] holding t or, failing that, the nearest one in direction dir (+1: the first
  // starting after t; -1: the last ending before t). False when there is none.
  virtual bool EpochFrom(double t, int dir, double& start, double& stop) = 0;
};

class PlaybackScheduler {
public:
  // WallClock skips frames to stay on time; EveryFrame shows each frame and treats the speed as a ceiling.
  enum class Mode { WallClock, EveryFrame };

  struct Decision {
    enum class Kind { Show, Wait, End };
    Kind What = Kind::End;
    std::int64_t Frame = -1;  // for Show
    double WaitSeconds = 0.0; // for Wait: wall time until the next frame is due
  };

  PlaybackScheduler(FrameTimes& times, const PlaybackClock& clock);

  // Throws SessionError for zero, negative or non-finite speeds.
  static double CheckedSpeed(double speed);
  void SetSpeed(double speed);
  double Speed() const { return SpeedFactor; }
  void SetMode(Mode mode) { PlayMode = mode; }
  Mode GetMode() const { return PlayMode; }
  void SetLoop(bool loop) { Loop = loop; }
  bool GetLoop() const { return Loop; }
  // Plays only inside these epochs, jumping over the gaps between them; null plays everything.
  // The source must outlive the scheduler or be replaced first.
  void SetEpochs(EpochSource* epochs) { Epochs = epochs; }
  EpochSource* GetEpochs() const { return Epochs; }
  // +1 forwards, -1 backwards; the data time due carries on from where it is.
  void SetDirection(int direction);
  int Direction() const { return Dir; }

  // Starts playing from the frame already on screen. `startedAt` (clock seconds, default now) backdates
  // the start to when the user pressed Play, if the frame on screen was redrawn since.
  void Start(std::int64_t frameOnScreen, int direction = +1, double startedAt = -1.0);
  void Pause();
  void Resume();
  // Moves the play head (a scrub or step during play) without counting it as shown or skipped.
  void Seek(std::int64_t frameOnScreen);
  bool IsPlaying() const { return Playing; }

  // What to do now that the previous frame is on screen.
  Decision Next();
  // Reports that `frame` has reached the screen, for the statistics.
  void Presented(std::int64_t frame);

  double DueTime() const;
  std::int64_t FrameOnScreen() const { return Shown; }
  PlaybackStatistics Statistics() const;
  void ResetStatistics();

private:
  double DueAt(double now) const;
  void Anchor(double dataTime, double wallTime);
  Decision EndOrLoop(double now);
  Decision ShowFrame(std::int64_t frame);
  enum class EpochCheck { Inside, Jumped, NoneLeft };
  // With epochs: whether dataTime is inside one; if in a gap, re-anchors at the entry of the next
  // epoch in the playing direction and gives its first frame.
  EpochCheck CheckEpoch(double dataTime, double now, std::int64_t& entryFrame);
  std::int64_t FirstFrameAtOrAfter(double t);
  // The frame a play in the current direction ends on once it is past every epoch (the last epoch's
  // stop going forwards, the first epoch's start going backwards); -1 when there are none.
  std::int64_t FinalFrameOfLastEpoch(double dataTime);

  FrameTimes& Times;
  const PlaybackClock& Clock;
  double SpeedFactor = 1.0;
  Mode PlayMode = Mode::WallClock;
  bool Loop = false;
  int Dir = +1;
  bool Playing = false;
  double AnchorData = 0.0;
  double AnchorWall = 0.0;
  std::int64_t Shown = -1;
  EpochSource* Epochs = nullptr;
  // The next presented frame follows a loop or an epoch jump: not a run of skipped frames.
  bool Discontinuous = false;
  // Wall time from choosing a frame to it reaching the screen (pipeline + render), smoothed: frames are
  // chosen for the moment they will appear, not the moment they are chosen.
  double LatencyEstimate = 0.0;
  double ChosenAt = -1.0;

  // Statistics.
  std::int64_t ShownCount = 0;
  std::int64_t SkippedCount = 0;
  std::int64_t PreviousPresented = -1;
  double PreviousPresentedWall = -1.0;
  double PlayingWall = 0.0;
  double DataAdvanced = 0.0;
  double LastLagMs = 0.0;
  Histogram LagMs{ 0.1, 20000 };
  Histogram IntervalMs{ 0.1, 20000 };
};

} // namespace neuroplayback
