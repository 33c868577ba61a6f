#include "pqNeuroSessionStyleBehavior.h"

#include "pqNeuroArenaFraming.h"
#include "pqNeuroPlaybackBehavior.h"
#include "pqNeuroPython.h"

#include <pqActiveObjects.h>
#include <pqApplicationCore.h>
#include <pqDataRepresentation.h>
#include <pqOutputPort.h>
#include <pqPipelineSource.h>
#include <pqRenderView.h>
#include <pqServerManagerModel.h>
#include <pqView.h>
#include <vtkOutputWindow.h>
#include <vtkSMProxy.h>

#include <QPointer>
#include <QTimer>

#include <cstring>

pqNeuroSessionStyleBehavior::pqNeuroSessionStyleBehavior(QObject* parentObject)
  : QObject(parentObject)
{
}

void pqNeuroSessionStyleBehavior::startup()
{
  pqServerManagerModel* model = pqApplicationCore::instance()->getServerManagerModel();
  QObject::connect(model, &pqServerManagerModel::representationAdded, this,
    &pqNeuroSessionStyleBehavior::onRepresentationAdded);
}

void pqNeuroSessionStyleBehavior::shutdown()
{
  pqServerManagerModel* model = pqApplicationCore::instance()->getServerManagerModel();
  QObject::disconnect(model, nullptr, this, nullptr);
}

int pqNeuroSessionStyleBehavior::Suspended = 0;

void pqNeuroSessionStyleBehavior::onRepresentationAdded(pqRepresentation* representation)
{
  auto* dataRepresentation = qobject_cast<pqDataRepresentation*>(representation);
  // A state file's displays come styled as they were saved (also when Python loads it).
  if (!dataRepresentation || Suspended > 0 || pqNeuroPlaybackBehavior::stateIsLoading())
  {
    return;
  }
  // The input is connected, and ParaView's own Show/colouring done, only after this signal:
  // style on the next turn of the event loop.
  QPointer<pqDataRepresentation> guarded(dataRepresentation);
  QTimer::singleShot(0, this, [guarded]() {
    if (!guarded || !guarded->getInput() || !qobject_cast<pqRenderView*>(guarded->getView()))
    {
      return;
    }
    auto* view = qobject_cast<pqRenderView*>(guarded->getView());
    pqPipelineSource* source = guarded->getInput();
    const char* kind = source->getProxy()->GetXMLName();
    const QString reader = pqNeuroPythonProxy(source->getProxy());
    const QString viewProxy = pqNeuroPythonProxy(view->getProxy());
    QString error;
    if (std::strcmp(kind, "NeuroVideo") == 0)
    {
      Suspension styledHere;
      // The overlay display stops drawing the videos in that view: this display draws them now.
      error = pqNeuroRunPython(QStringLiteral("style_video(simple.GetDisplayProperties(%1, %2), %1, %2)\nsimple.Render(%2)")
                                 .arg(reader, viewProxy));
    }
    else if (std::strcmp(kind, "NeuroSessionReader") == 0 && guarded->getOutputPortFromInput()->getPortNumber() == 0)
    {
      {
        Suspension styledHere;
        error = pqNeuroRunPython(QStringLiteral("style_opened_session(%1, %2)").arg(reader, viewProxy));
      }
      // What the helper made needs no Apply.
      for (pqPipelineSource* consumer : source->getAllConsumers())
      {
        const char* made = consumer->getProxy()->GetXMLName();
        if (std::strcmp(made, "NeuroTimeSeries") == 0 || std::strcmp(made, "NeuroVideo") == 0)
        {
          consumer->setModifiedState(pqProxy::UNMODIFIED);
        }
      }
      // The arena stays fitted when the charts take their share of the window, until the user moves the
      // camera; it stays the active view (the toolbar, the camera buttons and tests act on it).
      pqNeuroArenaFraming::keepFramed(view, source->getProxy());
      pqActiveObjects::instance().setActiveView(view);
      view->render();
      // The charts the helper made are drawn now too, not at the first time change: until then they
      // showed an empty, untitled plot.
      for (pqPipelineSource* consumer : source->getAllConsumers())
      {
        for (pqView* chart : consumer->getViews())
        {
          if (chart != view)
          {
            chart->render();
          }
        }
      }
    }
    if (!error.isEmpty())
    {
      vtkOutputWindowDisplayErrorText(("NeuroPlayback could not style the session: " + error + "\n").toUtf8().constData());
    }
  });
}
