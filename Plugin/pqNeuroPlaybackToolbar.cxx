#include "pqNeuroPlaybackToolbar.h"

#include "PlaybackClock.h"
#include "ScrubDebouncer.h"
#include "pqNeuroMovieExport.h"
#include "pqNeuroPlaybackBehavior.h"
#include "pqNeuroPython.h"
#include "pqNeuroSessionStyleBehavior.h"
#include "vtkNeuroPlaybackCue.h"
#include "vtkNeuroSessionInformation.h"

#include <vtkNew.h>

#include <pqActiveObjects.h>
#include <pqAnimationManager.h>
#include <pqAnimationScene.h>
#include <pqApplicationCore.h>
#include <pqCoreUtilities.h>
#include <pqPVApplicationCore.h>
#include <pqServer.h>
#include <pqView.h>
#include <vtkPVXMLElement.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>
#include <vtkSMProxyLocator.h>
#include <vtkSMSessionProxyManager.h>

#include <QAction>
#include <QComboBox>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QMainWindow>
#include <QMessageBox>
#include <QSlider>
#include <QStringList>
#include <QTimer>

#include <cmath>

namespace
{
constexpr double SpeedPresets[] = { 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0 };
constexpr int RealTimeIndex = 3;

// The session reader's proxy the cue schedules; the reader itself may run in a remote pvserver.
vtkSMProxy* CueReader(vtkSMProxy* cue)
{
  return cue ? vtkSMPropertyHelper(cue, "Session").GetAsProxy() : nullptr;
}
}

struct pqNeuroPlaybackToolbar::Internals
{
  neuroplayback::SteadyClock Clock;
  neuroplayback::ScrubDebouncer Scrub{ Clock, 60.0 };
  // The readout's previous sample while playing: it reports the last second or so, not the whole play.
  double ReadoutWall = -1.0;
  double ReadoutShown = 0.0;
  double ReadoutSkipped = 0.0;
};

pqNeuroPlaybackToolbar::pqNeuroPlaybackToolbar(QWidget* parentObject)
  : QToolBar(tr("NeuroPlayback"), parentObject)
  , Internal(new Internals)
{
  this->setObjectName("NeuroPlaybackToolbar");

  this->Speed = new QComboBox(this);
  this->Speed->setObjectName("speed");
  this->Speed->setToolTip(tr("Playback speed: data seconds per wall second ([ slower, ] faster, \\ real time)"));
  for (double speed : SpeedPresets)
  {
    this->Speed->addItem(QString("%1x").arg(speed), speed);
  }
  this->Speed->setCurrentIndex(RealTimeIndex);
  this->addWidget(this->Speed);
  QObject::connect(this->Speed, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
    &pqNeuroPlaybackToolbar::onSpeedChosen);

  this->EveryFrame = this->addAction(tr("Every frame"));
  this->EveryFrame->setObjectName("everyFrame");
  this->EveryFrame->setCheckable(true);
  this->EveryFrame->setShortcut(QKeySequence(QStringLiteral("E")));
  this->EveryFrame->setToolTip(tr("Show every data frame; the speed becomes a ceiling (E)"));
  QObject::connect(this->EveryFrame, &QAction::toggled, this, &pqNeuroPlaybackToolbar::onEveryFrameToggled);

  this->Loop = this->addAction(tr("Loop"));
  this->Loop->setObjectName("loop");
  this->Loop->setCheckable(true);
  this->Loop->setShortcut(QKeySequence(QStringLiteral("L")));
  this->Loop->setToolTip(tr("Start again from the beginning at the end (L)"));
  QObject::connect(this->Loop, &QAction::toggled, this, &pqNeuroPlaybackToolbar::onLoopToggled);

  this->PreviousEvent = this->addAction(tr("\u25c0 Event"));
  this->PreviousEvent->setObjectName("previousEvent");
  this->PreviousEvent->setShortcut(QKeySequence(QStringLiteral("<")));
  this->PreviousEvent->setToolTip(tr("Go to the previous event or spike (<)"));
  QObject::connect(this->PreviousEvent, &QAction::triggered, this, [this] { this->jumpToEvent(-1); });
  this->NextEvent = this->addAction(tr("Event \u25b6"));
  this->NextEvent->setObjectName("nextEvent");
  this->NextEvent->setShortcut(QKeySequence(QStringLiteral(">")));
  this->NextEvent->setToolTip(tr("Go to the next event or spike (>)"));
  QObject::connect(this->NextEvent, &QAction::triggered, this, [this] { this->jumpToEvent(+1); });

  this->Epochs = new QComboBox(this);
  this->Epochs->setObjectName("epochs");
  this->Epochs->setToolTip(tr("Play the whole session, or only inside the intervals of one interval overlay "
                              "(trials, epochs), jumping the gaps"));
  this->Epochs->addItem(tr("All frames"), QString());
  this->addWidget(this->Epochs);
  QObject::connect(this->Epochs, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
    &pqNeuroPlaybackToolbar::onEpochsChosen);

  this->ExportMovie = this->addAction(tr("Export movie..."));
  this->ExportMovie->setObjectName("exportMovie");
  this->ExportMovie->setToolTip(tr("Save the arena as a movie (MP4 or PNG images), rendered by pvbatch workers "
                                   "in the background"));
  QObject::connect(this->ExportMovie, &QAction::triggered, this, &pqNeuroPlaybackToolbar::exportMovie);
  this->Exporter = new pqNeuroMovieExport(pqCoreUtilities::mainWidget() ? pqCoreUtilities::mainWidget() : this);
  QObject::connect(this->Exporter, &pqNeuroMovieExport::finished, this, [this](bool ok, const QString& message) {
    this->ExportMovie->setEnabled(true);
    this->Readout->setText(message);
    if (!ok && !message.contains(tr("cancelled")))
    {
      QMessageBox::warning(pqCoreUtilities::mainWidget(), tr("Export movie"), message);
    }
  });

  this->CompareFields = this->addAction(tr("Compare fields"));
  this->CompareFields->setObjectName("compareFields");
  this->CompareFields->setToolTip(tr("Show every field of the session side by side in a new layout: one colour "
                                     "scale, linked cameras, one time"));
  QObject::connect(this->CompareFields, &QAction::triggered, this, &pqNeuroPlaybackToolbar::compareFields);

  this->Slider = new QSlider(Qt::Horizontal, this);
  this->Slider->setObjectName("frameSlider");
  this->Slider->setMinimumWidth(180);
  this->Slider->setToolTip(tr("Scrub through the session"));
  this->addWidget(this->Slider);
  QObject::connect(this->Slider, &QSlider::valueChanged, this, &pqNeuroPlaybackToolbar::onSliderMoved);

  this->FrameLabel = new QLabel(this);
  this->FrameLabel->setObjectName("frameLabel");
  this->FrameLabel->setContentsMargins(6, 0, 6, 0);
  this->addWidget(this->FrameLabel);
  this->addSeparator();
  this->Readout = new QLabel(this);
  this->Readout->setContentsMargins(6, 0, 6, 0);
  this->Readout->setObjectName("readout");
  this->Readout->setToolTip(tr("Displayed frames per second, data frames skipped to stay on time, and how far "
                               "the frame on screen trails the wall clock"));
  this->addWidget(this->Readout);

  // Keys ParaView 5.11-5.13 leave free; window-wide so they work whatever has focus, except text fields.
  QWidget* window = pqCoreUtilities::mainWidget();
  auto addShortcut = [this, window](const QString& keys, const QString& text, auto slot) {
    auto* action = new QAction(text, this);
    action->setShortcut(QKeySequence(keys));
    action->setShortcutContext(Qt::WindowShortcut);
    QObject::connect(action, &QAction::triggered, this, slot);
    (window ? window : static_cast<QWidget*>(this))->addAction(action);
  };
  addShortcut("Space", tr("Play/Pause"), [this] { this->triggerVcr("actionVCRPlay"); });
  addShortcut(".", tr("Next frame"), [this] { this->triggerVcr("actionVCRNextFrame"); });
  addShortcut(",", tr("Previous frame"), [this] { this->triggerVcr("actionVCRPreviousFrame"); });
  addShortcut("Ctrl+Home", tr("First frame"), [this] { this->triggerVcr("actionVCRFirstFrame"); });
  addShortcut("Ctrl+End", tr("Last frame"), [this] { this->triggerVcr("actionVCRLastFrame"); });
  addShortcut("]", tr("Faster"), [this] { this->stepSpeed(+1); });
  addShortcut("[", tr("Slower"), [this] { this->stepSpeed(-1); });
  addShortcut("\\", tr("Real time"), [this] { this->Speed->setCurrentIndex(RealTimeIndex); });

  // Any VCR button ends a wait between frames at once, so Pause is never held up by slow motion.
  if (window)
  {
    for (const char* name : { "actionVCRPlay", "actionVCRReverse", "actionVCRFirstFrame", "actionVCRPreviousFrame",
           "actionVCRNextFrame", "actionVCRLastFrame" })
    {
      if (auto* vcr = window->findChild<QAction*>(name))
      {
        QObject::connect(vcr, &QAction::triggered, [] { pqNeuroPlaybackBehavior::interruptWait(); });
      }
    }
  }

  this->RefreshTimer = new QTimer(this);
  this->RefreshTimer->setInterval(250);
  QObject::connect(this->RefreshTimer, &QTimer::timeout, this, &pqNeuroPlaybackToolbar::refresh);
  this->ScrubTimer = new QTimer(this);
  this->ScrubTimer->setSingleShot(true);
  QObject::connect(this->ScrubTimer, &QTimer::timeout, this, &pqNeuroPlaybackToolbar::applyScrub);
  this->ScrubSettleTimer = new QTimer(this);
  this->ScrubSettleTimer->setSingleShot(true);
  QObject::connect(this->ScrubSettleTimer, &QTimer::timeout, this, &pqNeuroPlaybackToolbar::endScrub);
  QObject::connect(this->Slider, &QSlider::sliderReleased, this, [this]() {
    if (this->ScrubSettleTimer->isActive())
    {
      this->ScrubSettleTimer->start(0); // released: end the scrub as soon as the last frame is applied
    }
  });

  if (auto* manager = pqPVApplicationCore::instance()->animationManager())
  {
    QObject::connect(manager, &pqAnimationManager::activeSceneChanged, this, &pqNeuroPlaybackToolbar::onSceneChanged);
  }
  // A loaded state's cue is linked to its scene once the state is in (pqNeuroPlaybackBehavior): then.
  QObject::connect(pqApplicationCore::instance(), &pqApplicationCore::stateLoaded, this,
    [this]() { QTimer::singleShot(0, this, &pqNeuroPlaybackToolbar::refresh); });
  this->onSceneChanged();
  this->refresh();
  // ParaView appends plugin toolbars to a full row where the slider and readout end up hidden
  // behind the overflow arrow: start a row of their own.
  QTimer::singleShot(0, this, [this] {
    if (auto* mainWindow = qobject_cast<QMainWindow*>(pqCoreUtilities::mainWidget()))
    {
      mainWindow->insertToolBarBreak(this);
    }
  });
}

pqNeuroPlaybackToolbar::~pqNeuroPlaybackToolbar() = default;

void pqNeuroPlaybackToolbar::onSceneChanged()
{
  pqAnimationScene* scene = pqNeuroPlaybackBehavior::activeScene();
  if (!scene)
  {
    return;
  }
  // Queued: the signal comes while the scene is still changing time, before the frame on screen is known.
  QObject::connect(scene, &pqAnimationScene::animationTime, this, &pqNeuroPlaybackToolbar::refresh,
    static_cast<Qt::ConnectionType>(Qt::QueuedConnection | Qt::UniqueConnection));
  QObject::connect(scene, QOverload<>::of(&pqAnimationScene::beginPlay), this->RefreshTimer, QOverload<>::of(&QTimer::start),
    Qt::UniqueConnection);
  QObject::connect(scene, QOverload<>::of(&pqAnimationScene::endPlay), this->RefreshTimer, &QTimer::stop, Qt::UniqueConnection);
  QObject::connect(scene, QOverload<>::of(&pqAnimationScene::endPlay), this, &pqNeuroPlaybackToolbar::refresh, Qt::UniqueConnection);
  QObject::connect(scene, &pqAnimationScene::loopChanged, this, &pqNeuroPlaybackToolbar::refresh, Qt::UniqueConnection);
  // A session opened or closed: the cue, the event overlays and the epochs to offer change.
  QObject::connect(scene, &pqAnimationScene::cuesChanged, this, &pqNeuroPlaybackToolbar::refresh, Qt::UniqueConnection);
  QObject::connect(scene, &pqAnimationScene::clockTimeRangesChanged, this, &pqNeuroPlaybackToolbar::refresh,
    Qt::UniqueConnection);
}

void pqNeuroPlaybackToolbar::triggerVcr(const char* actionName)
{
  QWidget* window = pqCoreUtilities::mainWidget();
  if (auto* action = window ? window->findChild<QAction*>(actionName) : nullptr)
  {
    if (action->isEnabled())
    {
      action->trigger();
    }
  }
}

void pqNeuroPlaybackToolbar::onSpeedChosen(int index)
{
  if (vtkSMProxy* cue = pqNeuroPlaybackBehavior::findCue())
  {
    vtkSMPropertyHelper(cue, "Speed").Set(this->Speed->itemData(index).toDouble());
    cue->UpdateVTKObjects();
  }
}

void pqNeuroPlaybackToolbar::stepSpeed(int direction)
{
  const int index = this->Speed->currentIndex() + direction;
  if (index >= 0 && index < this->Speed->count())
  {
    this->Speed->setCurrentIndex(index);
  }
}

void pqNeuroPlaybackToolbar::onEveryFrameToggled(bool on)
{
  if (vtkSMProxy* cue = pqNeuroPlaybackBehavior::findCue())
  {
    vtkSMPropertyHelper(cue, "ShowEveryFrame").Set(on ? 1 : 0);
    cue->UpdateVTKObjects();
  }
}

void pqNeuroPlaybackToolbar::onLoopToggled(bool on)
{
  if (pqAnimationScene* scene = pqNeuroPlaybackBehavior::activeScene())
  {
    vtkSMPropertyHelper(scene->getProxy(), "Loop").Set(on ? 1 : 0);
    scene->getProxy()->UpdateVTKObjects();
  }
}

void pqNeuroPlaybackToolbar::jumpToEvent(int direction)
{
  vtkSMProxy* cue = pqNeuroPlaybackBehavior::findCue();
  vtkSMProxy* reader = CueReader(cue);
  pqAnimationScene* scene = pqNeuroPlaybackBehavior::activeScene();
  if (!reader || !scene)
  {
    return;
  }
  vtkNew<vtkNeuroSessionInformation> info;
  info->RequestNeighbour(direction > 0 ? +1 : -1, false, "", scene->getAnimationTime());
  reader->GatherInformation(info);
  if (!info->GetProblem().empty())
  {
    this->Readout->setText(QString::fromStdString(info->GetProblem()));
  }
  else if (info->GetNeighbourFound())
  {
    scene->setAnimationTime(info->GetNeighbourFrameTime());
  }
}

void pqNeuroPlaybackToolbar::onEpochsChosen(int index)
{
  if (vtkSMProxy* cue = pqNeuroPlaybackBehavior::findCue())
  {
    vtkSMPropertyHelper(cue, "EpochOverlay").Set(this->Epochs->itemData(index).toString().toUtf8().constData());
    cue->UpdateVTKObjects();
  }
}

void pqNeuroPlaybackToolbar::exportMovie()
{
  vtkNeuroPlaybackCue* cue = pqNeuroPlaybackBehavior::findCueObject();
  vtkSMProxy* reader = CueReader(pqNeuroPlaybackBehavior::findCue());
  if (!cue || !reader || cue->GetNumberOfFrames() < 1)
  {
    this->Readout->setText(tr("Export movie: open a session first."));
    return;
  }
  pqServer* server = pqActiveObjects::instance().activeServer();
  if (server && server->isRemote())
  {
    QMessageBox::warning(pqCoreUtilities::mainWidget(), tr("Export movie"),
      tr("Export movie runs pvbatch on this machine, but the session is on a remote server. How to fix: run "
         "export_movie(...) in pvpython on the server (see the README's Movie export)."));
    return;
  }
  int width = 1280;
  int height = 720;
  if (pqView* view = pqActiveObjects::instance().activeView())
  {
    const QSize size = view->getSize();
    if (size.width() >= 16 && size.height() >= 16)
    {
      width = size.width() / 2 * 2;
      height = size.height() / 2 * 2;
    }
  }
  this->ExportMovie->setEnabled(false);
  this->Exporter->ask(reader, this->IntervalNames, cue->GetFrameTime(0), cue->GetFrameTime(cue->GetNumberOfFrames() - 1),
    this->Speed->currentData().toDouble(), width, height);
  this->ExportMovie->setEnabled(!this->Exporter->isRunning());
}

void pqNeuroPlaybackToolbar::compareFields()
{
  vtkSMProxy* reader = CueReader(pqNeuroPlaybackBehavior::findCue());
  const char* name = reader ? reader->GetSessionProxyManager()->GetProxyName("sources", reader) : nullptr;
  if (!name)
  {
    this->Readout->setText(tr("Compare fields: open a session first."));
    return;
  }
  // The layout is made by the pvpython helper (compare_session_fields), so the GUI and scripts lay
  // fields out the same way.
  pqNeuroSessionStyleBehavior::Suspension styledByTheHelper;
  const QString error =
    pqNeuroRunPython("compare_session_fields(" + pqNeuroPythonProxy(reader) + ")\nsimple.Render()");
  if (!error.isEmpty())
  {
    QMessageBox::warning(pqCoreUtilities::mainWidget(), tr("Compare fields"), error);
  }
}

void pqNeuroPlaybackToolbar::onSliderMoved(int frame)
{
  this->Internal->Scrub.Request(frame);
  if (!this->ScrubTimer->isActive())
  {
    this->ScrubTimer->start(static_cast<int>(std::ceil(this->Internal->Scrub.SecondsUntilReady() * 1000.0)));
  }
}

void pqNeuroPlaybackToolbar::applyScrub()
{
  // The latest slider position wins; at most 60 are applied per second however fast the drag.
  const auto frame = this->Internal->Scrub.Take();
  vtkNeuroPlaybackCue* cue = pqNeuroPlaybackBehavior::findCueObject();
  pqAnimationScene* scene = pqNeuroPlaybackBehavior::activeScene();
  if (frame && cue && scene)
  {
    const double time = cue->GetFrameTime(static_cast<vtkIdType>(*frame));
    if (std::isfinite(time) && !cue->IsPlaying() && cue->GetDirectPlayback())
    {
      // Stopped: each position is drawn through the direct path (no proxy-level update); the exact,
      // full update runs once, when the slider rests.
      cue->ScrubTo(time);
      this->ScrubbedTime = time;
      this->ScrubSettleTimer->start(this->Slider->isSliderDown() ? 400 : 200);
    }
    else if (std::isfinite(time))
    {
      scene->setAnimationTime(time);
    }
  }
  if (this->Internal->Scrub.HasPending())
  {
    this->ScrubTimer->start(static_cast<int>(std::ceil(this->Internal->Scrub.SecondsUntilReady() * 1000.0)));
  }
}

void pqNeuroPlaybackToolbar::endScrub()
{
  vtkNeuroPlaybackCue* cue = pqNeuroPlaybackBehavior::findCueObject();
  if (this->ScrubTimer->isActive() || this->Slider->isSliderDown())
  {
    this->ScrubSettleTimer->start(200); // still moving: wait for it to rest
    return;
  }
  if (cue && cue->IsScrubbing())
  {
    cue->EndScrub();
    if (pqAnimationScene* scene = pqNeuroPlaybackBehavior::activeScene())
    {
      scene->setAnimationTime(this->ScrubbedTime);
    }
  }
}

void pqNeuroPlaybackToolbar::refresh()
{
  vtkNeuroPlaybackCue* cue = pqNeuroPlaybackBehavior::findCueObject();
  const bool active = cue && cue->IsScheduling();
  this->Speed->setEnabled(active);
  this->EveryFrame->setEnabled(active);
  this->Slider->setEnabled(active);
  vtkSMProxy* reader = active ? CueReader(pqNeuroPlaybackBehavior::findCue()) : nullptr;
  // Asked of the reader once per session (this runs every 250 ms while playing).
  const char* file = reader ? vtkSMPropertyHelper(reader, "FileName").GetAsString() : nullptr;
  const QString namesKey = reader ? QString::number(reinterpret_cast<quintptr>(reader)) + QString::fromUtf8(file ? file : "") : QString();
  if (namesKey != this->NamesKey)
  {
    this->NamesKey = namesKey;
    this->EventNames.clear();
    this->IntervalNames.clear();
    if (reader)
    {
      vtkNew<vtkNeuroSessionInformation> names;
      names->RequestOverlayNames();
      reader->GatherInformation(names);
      this->EventNames = QString::fromStdString(names->GetEventOverlays()).split('\n', Qt::SkipEmptyParts);
      this->IntervalNames = QString::fromStdString(names->GetIntervalOverlays()).split('\n', Qt::SkipEmptyParts);
    }
  }
  const QStringList& events = this->EventNames;
  this->PreviousEvent->setEnabled(!events.isEmpty());
  this->NextEvent->setEnabled(!events.isEmpty());
  const QStringList& intervals = this->IntervalNames;
  if (intervals.size() != this->Epochs->count() - 1 ||
    (!intervals.isEmpty() && intervals.last() != this->Epochs->itemData(this->Epochs->count() - 1).toString()))
  {
    this->Epochs->blockSignals(true);
    while (this->Epochs->count() > 1)
    {
      this->Epochs->removeItem(1);
    }
    for (const QString& name : intervals)
    {
      this->Epochs->addItem(tr("Only %1").arg(name), name);
    }
    this->Epochs->setCurrentIndex(0);
    this->Epochs->blockSignals(false);
    this->onEpochsChosen(0);
  }
  this->Epochs->setVisible(!intervals.isEmpty());
  if (pqAnimationScene* scene = pqNeuroPlaybackBehavior::activeScene())
  {
    const bool loop = vtkSMPropertyHelper(scene->getProxy(), "Loop").GetAsInt() != 0;
    if (this->Loop->isChecked() != loop)
    {
      this->Loop->blockSignals(true);
      this->Loop->setChecked(loop);
      this->Loop->blockSignals(false);
    }
  }
  if (!active)
  {
    this->FrameLabel->setText(tr("no session"));
    this->Readout->clear();
    return;
  }
  const vtkIdType frames = cue->GetNumberOfFrames();
  const vtkIdType frame = cue->GetCurrentFrame();
  if (!this->Slider->isSliderDown())
  {
    this->Slider->blockSignals(true);
    this->Slider->setRange(0, static_cast<int>(frames - 1));
    this->Slider->setValue(static_cast<int>(frame));
    this->Slider->blockSignals(false);
  }
  const QLocale locale = QLocale::system();
  this->FrameLabel->setText(tr("frame %1 / %2").arg(locale.toString(static_cast<qlonglong>(frame)),
    locale.toString(static_cast<qlonglong>(frames - 1))));
  const double* stats = cue->GetStatistics();
  Internals& in = *this->Internal;
  const double now = in.Clock.Now();
  if (!cue->IsPlaying())
  {
    // Stopped: the whole play's figures.
    in.ReadoutWall = -1.0;
    if (stats[0] > 1)
    {
      this->Readout->setText(tr("%1 fps · %2% skipped · lag p99 %3 ms")
                               .arg(stats[3], 0, 'f', 1)
                               .arg(stats[2], 0, 'f', 0)
                               .arg(stats[5], 0, 'f', 0));
    }
  }
  else if (in.ReadoutWall < 0.0 || stats[0] < in.ReadoutShown)
  {
    in.ReadoutWall = now;
    in.ReadoutShown = stats[0];
    in.ReadoutSkipped = stats[1];
  }
  else if (now - in.ReadoutWall >= 0.9)
  {
    // Playing: what the last second looked like, so a slowdown shows at once.
    const double shown = stats[0] - in.ReadoutShown;
    const double skipped = stats[1] - in.ReadoutSkipped;
    this->Readout->setText(tr("%1 fps · %2% skipped · lag %3 ms")
                             .arg(shown / (now - in.ReadoutWall), 0, 'f', 1)
                             .arg(shown + skipped > 0 ? 100.0 * skipped / (shown + skipped) : 0.0, 0, 'f', 0)
                             .arg(stats[11], 0, 'f', 0));
    in.ReadoutWall = now;
    in.ReadoutShown = stats[0];
    in.ReadoutSkipped = stats[1];
  }
  if (std::abs(cue->GetSpeed() - this->Speed->currentData().toDouble()) > 1e-12)
  {
    const int index = this->Speed->findData(cue->GetSpeed());
    if (index >= 0)
    {
      this->Speed->blockSignals(true);
      this->Speed->setCurrentIndex(index);
      this->Speed->blockSignals(false);
    }
  }
}
