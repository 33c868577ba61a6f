#include "pqNeuroPlaybackBehavior.h"

#include "pqNeuroPython.h"
#include "vtkNeuroPlaybackCue.h"

#include <pqActiveObjects.h>
#include <pqAnimationManager.h>
#include <pqAnimationScene.h>
#include <pqApplicationCore.h>
#include <pqPVApplicationCore.h>
#include <pqPipelineSource.h>
#include <pqServer.h>
#include <pqServerManagerModel.h>
#include <vtkSMParaViewPipelineController.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>
#include <vtkOutputWindow.h>
#include <vtkPVXMLElement.h>
#include <vtkSMProxyLocator.h>
#include <vtkSMSessionProxyManager.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>
#include <QTimer>

#include <cstdlib>
#include <cstring>

namespace
{
bool IsSessionReader(vtkSMProxy* proxy)
{
  return proxy && std::strcmp(proxy->GetXMLName(), "NeuroSessionReader") == 0;
}

// The wait in progress, so a user action can end it early.
QPointer<QEventLoop> CurrentWait;
bool WaitInterrupted = false;

// Waits without blocking the GUI: the play loop runs inside ParaView's Play handler, so the
// event loop must keep turning for Pause and the toolbar to respond.
bool WaitKeepingGuiResponsive(double seconds)
{
  QEventLoop loop;
  QTimer timer;
  timer.setSingleShot(true);
  timer.setTimerType(Qt::PreciseTimer);
  QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
  timer.start(static_cast<int>(seconds * 1000.0 + 0.5));
  CurrentWait = &loop;
  WaitInterrupted = false;
  loop.exec();
  CurrentWait = nullptr;
  return !WaitInterrupted;
}
}

pqNeuroPlaybackBehavior::pqNeuroPlaybackBehavior(QObject* parentObject)
  : QObject(parentObject)
{
}

void pqNeuroPlaybackBehavior::startup()
{
  pqServerManagerModel* model = pqApplicationCore::instance()->getServerManagerModel();
  QObject::connect(model, &pqServerManagerModel::sourceAdded, this, &pqNeuroPlaybackBehavior::onSourceAdded);
  QObject::connect(model, &pqServerManagerModel::sourceRemoved, this, &pqNeuroPlaybackBehavior::onSourceRemoved);
  // A state file brings its own cue, without its scene (not saved): linked once the state is loaded
  // (not through onSourceAdded: the state still counts as loading while this signal is emitted).
  QObject::connect(pqApplicationCore::instance(), &pqApplicationCore::stateLoaded, this,
    [this]() { this->attachEverySession(); });
  QObject::connect(qApp, &QCoreApplication::aboutToQuit, [] { pqNeuroPlaybackBehavior::interruptWait(); });
  this->attachEverySession();
  // Opening a session runs the pvpython helpers; importing paraview.simple takes ~0.7 s the first time.
  // Done once the window is up and idle, so File > Open does not wait for it.
  QTimer::singleShot(0, this, [] {
    const QString error = pqNeuroRunPython(QString());
    if (!error.isEmpty())
    {
      vtkOutputWindowDisplayErrorText(("NeuroPlayback's Python helpers did not load: " + error + "\n").toUtf8().constData());
    }
  });
}

void pqNeuroPlaybackBehavior::shutdown()
{
  QObject::disconnect(pqApplicationCore::instance()->getServerManagerModel(), nullptr, this, nullptr);
}

void pqNeuroPlaybackBehavior::interruptWait()
{
  if (CurrentWait)
  {
    WaitInterrupted = true;
    CurrentWait->quit();
  }
}

bool pqNeuroPlaybackBehavior::stateIsLoading()
{
  pqApplicationCore* core = pqApplicationCore::instance();
  if (!core)
  {
    return false;
  }
  if (core->isLoadingState())
  {
    return true;
  }
  for (pqServer* server : core->getServerManagerModel()->findItems<pqServer*>())
  {
    if (server->proxyManager() && server->proxyManager()->GetInLoadXMLState())
    {
      return true;
    }
  }
  return false;
}

pqAnimationScene* pqNeuroPlaybackBehavior::activeScene()
{
  auto* core = pqPVApplicationCore::instance();
  return core && core->animationManager() ? core->animationManager()->getActiveScene() : nullptr;
}

vtkSMProxy* pqNeuroPlaybackBehavior::findCue()
{
  pqAnimationScene* scene = activeScene();
  if (!scene)
  {
    return nullptr;
  }
  vtkSMPropertyHelper cues(scene->getProxy(), "Cues");
  for (unsigned int i = 0; i < cues.GetNumberOfElements(); ++i)
  {
    vtkSMProxy* cue = cues.GetAsProxy(i);
    if (cue && std::strcmp(cue->GetXMLName(), "NeuroPlaybackCue") == 0)
    {
      return cue;
    }
  }
  return nullptr;
}

vtkNeuroPlaybackCue* pqNeuroPlaybackBehavior::findCueObject()
{
  vtkSMProxy* cue = findCue();
  return cue ? vtkNeuroPlaybackCue::SafeDownCast(cue->GetClientSideObject()) : nullptr;
}

void pqNeuroPlaybackBehavior::attachEverySession()
{
  for (pqPipelineSource* source : pqApplicationCore::instance()->getServerManagerModel()->findItems<pqPipelineSource*>())
  {
    if (IsSessionReader(source->getProxy()))
    {
      this->attach(source->getProxy());
    }
  }
}

void pqNeuroPlaybackBehavior::onSourceAdded(pqPipelineSource* source)
{
  // While a state file loads, its scene and cues are not there yet: attached once it is loaded.
  if (source && IsSessionReader(source->getProxy()) && !stateIsLoading())
  {
    this->attach(source->getProxy());
  }
}

void pqNeuroPlaybackBehavior::attach(vtkSMProxy* reader)
{
  pqAnimationScene* scene = activeScene();
  if (!scene)
  {
    return;
  }
  // The cue is made and attached by the pvpython helper (attach_playback), as in scripts.
  const QString error = pqNeuroRunPython(
    QStringLiteral("attach_playback(%1, %2)").arg(pqNeuroPythonProxy(reader), pqNeuroPythonProxy(scene->getProxy())));
  vtkSMProxy* cue = findCue();
  if (!cue || !error.isEmpty())
  {
    vtkOutputWindowDisplayErrorText(
      ("NeuroPlayback could not attach wall-clock playback: " + error + "\n").toUtf8().constData());
    return;
  }
  // GUI tests and benchmarks bound a play (a looping one never ends) without a widget for it.
  if (const char* seconds = std::getenv("NEUROPLAYBACK_PLAY_FOR_SECONDS"))
  {
    vtkSMPropertyHelper(cue, "PlayForSeconds").Set(std::atof(seconds));
  }
  cue->UpdateVTKObjects();
  if (auto* cueObject = vtkNeuroPlaybackCue::SafeDownCast(cue->GetClientSideObject()))
  {
    cueObject->SetWaitFunction(WaitKeepingGuiResponsive);
  }
}

void pqNeuroPlaybackBehavior::onSourceRemoved(pqPipelineSource* source)
{
  vtkSMProxy* cue = findCue();
  if (!cue || !source || vtkSMPropertyHelper(cue, "Session").GetAsProxy() != source->getProxy())
  {
    return;
  }
  // Hand the clock to another open session, or give ParaView its own play modes back.
  pqServerManagerModel* model = pqApplicationCore::instance()->getServerManagerModel();
  for (pqPipelineSource* other : model->findItems<pqPipelineSource*>())
  {
    if (other != source && IsSessionReader(other->getProxy()))
    {
      vtkSMPropertyHelper(cue, "Session").Set(other->getProxy());
      cue->UpdateVTKObjects();
      return;
    }
  }
  vtkSMPropertyHelper(cue, "Session").Set(static_cast<vtkSMProxy*>(nullptr));
  cue->UpdateVTKObjects();
  if (pqAnimationScene* scene = activeScene())
  {
    vtkSMPropertyHelper(scene->getProxy(), "Cues").Remove(cue);
    scene->getProxy()->UpdateVTKObjects();
  }
  vtkNew<vtkSMParaViewPipelineController> controller;
  controller->UnRegisterProxy(cue);
}
