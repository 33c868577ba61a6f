#pragma once
// Playback controls for sessions, beside ParaView's VCR toolbar: speed, every-frame mode, loop,
// a debounced frame slider, jumps to the previous/next event, the epochs to play inside, movie export, fields side by side,
// and a live readout of displayed fps, skipped frames and lag.
#include <QString>
#include <QStringList>
#include <QToolBar>

#include <memory>

class QAction;
class QComboBox;
class pqNeuroMovieExport;
class QLabel;
class QSlider;
class QTimer;

class pqNeuroPlaybackToolbar : public QToolBar
{
  Q_OBJECT

public:
  explicit pqNeuroPlaybackToolbar(QWidget* parent = nullptr);
  ~pqNeuroPlaybackToolbar() override;

private Q_SLOTS:
  void onSpeedChosen(int index);
  void stepSpeed(int direction);
  void onEveryFrameToggled(bool on);
  void onLoopToggled(bool on);
  void onSliderMoved(int frame);
  void applyScrub();
  void endScrub();
  void refresh();
  void onSceneChanged();
  void jumpToEvent(int direction);
  void onEpochsChosen(int index);
  void exportMovie();
  void compareFields();

private:
  void triggerVcr(const char* actionName);

  QComboBox* Speed;
  QComboBox* Epochs;
  QAction* PreviousEvent;
  QAction* NextEvent;
  QAction* EveryFrame;
  QAction* Loop;
  QAction* ExportMovie;
  QAction* CompareFields;
  pqNeuroMovieExport* Exporter;
  QSlider* Slider;
  QLabel* FrameLabel;
  QLabel* Readout;
  QTimer* RefreshTimer;
  // The session's event and interval overlay names, asked of the reader once per session.
  QString NamesKey;
  QStringList EventNames;
  QStringList IntervalNames;
  QTimer* ScrubTimer;
  // Fires once the slider has rested: the scrub's direct frames end with one exact, full update.
  QTimer* ScrubSettleTimer;
  double ScrubbedTime = 0.0;
  struct Internals;
  std::unique_ptr<Internals> Internal;
};
