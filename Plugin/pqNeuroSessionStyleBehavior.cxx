#include "pqNeuroSessionStyleBehavior.h"

#include <pqApplicationCore.h>
#include <pqDataRepresentation.h>
#include <pqOutputPort.h>
#include <pqPipelineSource.h>
#include <pqRenderView.h>
#include <pqServerManagerModel.h>
#include <pqView.h>
#include <vtkDataObject.h>
#include <vtkSMPVRepresentationProxy.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>
#include <vtkSMSourceProxy.h>
#include <vtkSMTransferFunctionManager.h>
#include <vtkSMTransferFunctionProxy.h>

#include <QTimer>

#include <cstring>
#include <string>

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

void pqNeuroSessionStyleBehavior::onRepresentationAdded(pqRepresentation* representation)
{
  auto* dataRepresentation = qobject_cast<pqDataRepresentation*>(representation);
  if (!dataRepresentation)
  {
    return;
  }
  // The input is connected, and ParaView's own Show/colouring done, only after this signal:
  // style on the next turn of the event loop.
  QPointer<pqDataRepresentation> guarded(dataRepresentation);
  QTimer::singleShot(0, this, [this, guarded]() {
    if (!guarded || !guarded->getInput())
    {
      return;
    }
    vtkSMProxy* source = guarded->getInput()->getProxy();
    if (source && std::strcmp(source->GetXMLName(), "NeuroSessionReader") == 0)
    {
      this->applyStyle(guarded);
    }
  });
}

void pqNeuroSessionStyleBehavior::applyStyle(pqDataRepresentation* representation)
{
  vtkSMProxy* reprProxy = representation->getProxy();
  vtkSMProxy* source = representation->getInput()->getProxy();
  source->UpdatePropertyInformation();
  const std::string field = vtkSMPropertyHelper(source, "DefaultFieldName").GetAsString();
  double range[2] = { 0.0, 1.0 };
  vtkSMPropertyHelper(source, "ColorRangeInfo").Get(range, 2);
  if (field.empty())
  {
    return;
  }

  // Surface honours hidden (inactive) grid cells, which the Slice representation would draw.
  vtkSMPropertyHelper(reprProxy, "Representation").Set("Surface");
  // Unlit, flat colours: the colour of a bin is exactly its colour-map entry.
  vtkSMPropertyHelper(reprProxy, "Ambient").Set(1.0);
  vtkSMPropertyHelper(reprProxy, "Diffuse").Set(0.0);
  vtkSMPVRepresentationProxy::SetScalarColoring(reprProxy, field.c_str(), vtkDataObject::CELL);
  if (vtkSMProxy* lut = vtkSMPropertyHelper(reprProxy, "LookupTable", true).GetAsProxy())
  {
    vtkSMTransferFunctionProxy::ApplyPreset(lut, "Viridis (matplotlib)", false);
    // One range for the whole session, so a colour means the same value on every frame.
    vtkSMPropertyHelper(lut, "AutomaticRescaleRangeMode").Set(vtkSMTransferFunctionManager::NEVER);
    vtkSMTransferFunctionProxy::RescaleTransferFunction(lut, range[0], range[1], false);
    const double nanColor[3] = { 0.6, 0.6, 0.6 };
    vtkSMPropertyHelper(lut, "NanColor").Set(nanColor, 3);
    if (vtkSMProxy* opacity = vtkSMPropertyHelper(lut, "ScalarOpacityFunction", true).GetAsProxy())
    {
      vtkSMTransferFunctionProxy::RescaleTransferFunction(opacity, range[0], range[1], false);
    }
    lut->UpdateVTKObjects();
  }
  reprProxy->UpdateVTKObjects();

  if (pqView* view = representation->getView())
  {
    vtkSMPVRepresentationProxy::SetScalarBarVisibility(reprProxy, view->getProxy(), true);
    if (auto* renderView = qobject_cast<pqRenderView*>(view))
    {
      vtkSMPropertyHelper(renderView->getProxy(), "InteractionMode").Set(1); // 2-D: the arena seen from above
      renderView->getProxy()->UpdateVTKObjects();
      renderView->resetDisplay();
    }
    view->render();
  }
}
