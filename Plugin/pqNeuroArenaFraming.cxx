#include "pqNeuroArenaFraming.h"

#include "vtkNeuroSessionInformation.h"

#include <pqDataRepresentation.h>
#include <pqPipelineSource.h>
#include <pqRenderView.h>
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkNew.h>
#include <vtkSMProperty.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMRenderViewProxy.h>

#include <algorithm>
#include <cmath>

void pqNeuroArenaFraming::keepFramed(pqRenderView* view, vtkSMProxy* reader)
{
  if (!view || !reader)
  {
    return;
  }
  // One per view: the session shown last is the one framed.
  auto* framing = view->findChild<pqNeuroArenaFraming*>(QString(), Qt::FindDirectChildrenOnly);
  if (!framing)
  {
    framing = new pqNeuroArenaFraming(view, reader);
  }
  framing->Reader = reader;
  framing->frame();
}

pqNeuroArenaFraming::pqNeuroArenaFraming(pqRenderView* view, vtkSMProxy* reader)
  : QObject(view)
  , View(view)
  , Reader(reader)
{
  // ViewSize follows the widget, and a screenshot at another resolution sets it before it renders.
  if (vtkSMProperty* size = view->getProxy()->GetProperty("ViewSize"))
  {
    this->Observer = size->AddObserver(vtkCommand::ModifiedEvent, this, &pqNeuroArenaFraming::onViewSizeChanged);
  }
}

pqNeuroArenaFraming::~pqNeuroArenaFraming()
{
  if (this->View && this->Observer)
  {
    if (vtkSMProperty* size = this->View->getProxy()->GetProperty("ViewSize"))
    {
      size->RemoveObserver(this->Observer);
    }
  }
}

std::array<double, 7> pqNeuroArenaFraming::camera() const
{
  std::array<double, 7> state{};
  vtkCamera* camera = this->View ? this->View->getRenderViewProxy()->GetActiveCamera() : nullptr;
  if (camera)
  {
    camera->GetFocalPoint(state.data());
    camera->GetPosition(state.data() + 3);
    state[6] = camera->GetParallelScale();
  }
  return state;
}

void pqNeuroArenaFraming::onViewSizeChanged(vtkObject*, unsigned long, void*)
{
  if (this->Framing || !this->View)
  {
    return;
  }
  const std::array<double, 7> now = this->camera();
  const double scale = std::max(1e-12, std::abs(this->Fitted[6]));
  const bool untouched = std::equal(now.begin(), now.end(), this->Fitted.begin(),
    [scale](double a, double b) { return std::abs(a - b) <= 1e-6 * scale; });
  if (untouched)
  {
    this->frame();
  }
}

void pqNeuroArenaFraming::frame()
{
  if (!this->View || !this->Reader)
  {
    return;
  }
  int size[2] = { 0, 0 };
  vtkSMPropertyHelper(this->View->getProxy(), "ViewSize").Get(size, 2);
  if (size[0] < 2 || size[1] < 2)
  {
    return;
  }
  // The annotation's font, so that the arena stays clear of its lines.
  int font = 16;
  for (pqRepresentation* shown : this->View->getRepresentations())
  {
    auto* display = qobject_cast<pqDataRepresentation*>(shown);
    vtkSMProperty* property = display ? display->getProxy()->GetProperty("AnnotationFontSize") : nullptr;
    if (property && display->getInput() && display->getInput()->getProxy() == this->Reader)
    {
      font = vtkSMPropertyHelper(property).GetAsInt();
    }
  }
  vtkNew<vtkNeuroSessionInformation> info;
  info->RequestArenaFrame(size[0], size[1], font);
  this->Reader->GatherInformation(info);
  if (!info->GetProblem().empty() || info->GetBounds().size() != 6)
  {
    return;
  }
  double bounds[6];
  std::copy(info->GetBounds().begin(), info->GetBounds().end(), bounds);
  this->Framing = true;
  vtkSMRenderViewProxy* proxy = this->View->getRenderViewProxy();
  proxy->ResetCamera(); // ParaView's own reset first: the clipping range
  proxy->ResetCamera(bounds, true);
  this->Framing = false;
  this->Fitted = this->camera();
}
