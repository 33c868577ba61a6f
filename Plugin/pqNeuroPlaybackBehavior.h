#pragma once
// Attaches the wall-clock playback cue to the animation scene whenever a session is opened, so
// ParaView's VCR toolbar plays sessions on time; the most recently opened session sets the clock.
#include <QObject>

class pqAnimationScene;
class pqPipelineSource;
class vtkNeuroPlaybackCue;
class vtkSMProxy;

class pqNeuroPlaybackBehavior : public QObject
{
  Q_OBJECT

public:
  explicit pqNeuroPlaybackBehavior(QObject* parent = nullptr);
  ~pqNeuroPlaybackBehavior() override = default;

  void startup();
  void shutdown();

  /// The active animation scene, or null before ParaView has one.
  static pqAnimationScene* activeScene();
  /// The scene's playback cue proxy, or null when no session is attached.
  static vtkSMProxy* findCue();
  static vtkNeuroPlaybackCue* findCueObject();
  /// Asks a play in progress to stop waiting (pressing Pause, a step, quitting).
  static void interruptWait();
  /// A state file is loading, through the GUI's Load State or from Python (paraview.simple.LoadState,
  /// for which ParaView's own isLoadingState() stays false): its displays come styled as saved, and
  /// its cue is attached once it is in.
  static bool stateIsLoading();

private Q_SLOTS:
  void onSourceAdded(pqPipelineSource* source);
  void onSourceRemoved(pqPipelineSource* source);

private:
  void attach(vtkSMProxy* reader);
  void attachEverySession(); // the sessions already open (at start-up, after a state is loaded)
};
