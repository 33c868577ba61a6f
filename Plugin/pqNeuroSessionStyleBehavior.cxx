#include "pqNeuroSessionStyleBehavior.h"

#include "pqNeuroArenaFraming.h"

#include <cstdlib>

#include <pqActiveObjects.h>
#include <pqApplicationCore.h>
#include <pqObjectBuilder.h>
#include <pqDataRepresentation.h>
#include <pqOutputPort.h>
#include <pqPipelineSource.h>
#include <pqRenderView.h>
#include <pqServerManagerModel.h>
#include <pqView.h>
#include <vtkDataObject.h>
#include <vtkNew.h>
#include <vtkSMDoubleVectorProperty.h>
#include <vtkSMEnumerationDomain.h>
#include <vtkSMIntVectorProperty.h>
#include <vtkSMPVRepresentationProxy.h>
#include <vtkSMParaViewPipelineControllerWithRendering.h>
#include <vtkSMProxyListDomain.h>
#include <vtkSMProxyManager.h>
#include <vtkSMSessionProxyManager.h>
#include <vtkSMStringVectorProperty.h>
#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>
#include <vtkSMSourceProxy.h>
#include <vtkSMTransferFunctionManager.h>
#include <vtkSMTransferFunctionProxy.h>
#include <vtkSMViewLayoutProxy.h>

#include <QTimer>

#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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
  if (!dataRepresentation || Suspended > 0)
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
    if (source && std::strcmp(source->GetXMLName(), "NeuroVideo") == 0)
    {
      this->applyDisplayHints(guarded, 0); // the video filter's own hints (placement, alpha)
      return;
    }
    if (source && std::strcmp(source->GetXMLName(), "NeuroSessionReader") == 0)
    {
      const int port = guarded->getOutputPortFromInput()->getPortNumber();
      if (port == 0)
      {
        this->applyStyle(guarded);
        this->showVideo(guarded->getInput(), guarded->getView());
        this->showTimeSeries(guarded->getInput(), guarded->getView());
      }
      else
      {
        this->applyDisplayHints(guarded, port);
      }
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

  // NeuroPlayback's field display (the bins built once, a colour texture per frame); ParaView's Surface
  // (the previous design) when NEUROPLAYBACK_FIELD_REPRESENTATION says so. Both honour hidden grid cells.
  const char* chosen = std::getenv("NEUROPLAYBACK_FIELD_REPRESENTATION");
  vtkSMPropertyHelper(reprProxy, "Representation").Set(chosen && *chosen ? chosen : "Neuro Field");
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
    // An NWB file opened on its own has only a NaN placeholder field: no colour legend for it.
    vtkSMPVRepresentationProxy::SetScalarBarVisibility(reprProxy, view->getProxy(), field != "no_field");
    vtkSMProxy* lut = vtkSMPropertyHelper(reprProxy, "LookupTable", true).GetAsProxy();
    if (vtkSMProxy* bar = lut ? vtkSMTransferFunctionProxy::FindScalarBarRepresentation(lut, view->getProxy()) : nullptr)
    {
      // One notation for the ticks and the range ends (ParaView's default mixes "6.6e-02" with "0.04").
      vtkSMPropertyHelper(bar, "AutomaticLabelFormat").Set(0);
      vtkSMPropertyHelper(bar, "LabelFormat").Set("%.3g");
      vtkSMPropertyHelper(bar, "RangeLabelFormat").Set("%.3g");
      bar->UpdateVTKObjects();
    }
    if (auto* renderView = qobject_cast<pqRenderView*>(view))
    {
      vtkSMProxy* viewProxy = renderView->getProxy();
      vtkSMPropertyHelper(viewProxy, "InteractionMode").Set(1); // 2-D: the arena seen from above
      // A flat arena drawn in layer order: anti-aliasing, depth peeling and level-of-detail switching
      // each cost software rendering tens of ms per frame and change nothing visible; the orientation
      // axes (4 ms a frame) point nowhere useful in a top-down arena.
      vtkSMPropertyHelper(viewProxy, "UseFXAA").Set(0);
      vtkSMPropertyHelper(viewProxy, "DepthPeeling").Set(0);
      vtkSMPropertyHelper(viewProxy, "LODThreshold").Set(1e9);
      vtkSMPropertyHelper(viewProxy, "OrientationAxesVisibility").Set(0);
      renderView->getProxy()->UpdateVTKObjects();
      // The arena fills the view (ParaView's reset fits a bounding sphere: a flat arena a quarter of it),
      // and stays fitted when the charts take their share of the window, until the user moves the camera.
      pqNeuroArenaFraming::keepFramed(renderView, source);
    }
    view->render();
  }
}

namespace
{
// Sets one property from its text form: numbers, enumeration entries or strings. A separator other
// than ' ' splits vector values (the chart hints use '|'; numbers are also split at spaces).
void SetFromText(vtkSMProxy* proxy, const std::string& name, std::string value, char separator = ' ')
{
  vtkSMProperty* property = proxy ? proxy->GetProperty(name.c_str()) : nullptr;
  if (!property)
  {
    return;
  }
  if (vtkSMStringVectorProperty::SafeDownCast(property))
  {
    std::vector<std::string> items{ value };
    if (separator != ' ')
    {
      items.clear();
      std::istringstream parts(value);
      for (std::string item; std::getline(parts, item, separator);)
      {
        items.push_back(item);
      }
    }
    vtkSMPropertyHelper helper(property);
    helper.SetNumberOfElements(static_cast<unsigned int>(items.size()));
    for (unsigned int i = 0; i < items.size(); ++i)
    {
      helper.Set(i, items[i].c_str());
    }
    return;
  }
  std::replace(value.begin(), value.end(), separator, ' ');
  std::istringstream words(value);
  if (auto* ints = vtkSMIntVectorProperty::SafeDownCast(property))
  {
    auto* enumeration = ints->FindDomain<vtkSMEnumerationDomain>();
    int valid = 0;
    const int entry = enumeration ? enumeration->GetEntryValue(value.c_str(), valid) : 0;
    if (valid)
    {
      vtkSMPropertyHelper(property).Set(entry);
      return;
    }
    std::vector<int> values;
    for (double v = 0; words >> v;)
    {
      values.push_back(static_cast<int>(v));
    }
    vtkSMPropertyHelper(property).Set(values.data(), static_cast<unsigned int>(values.size()));
  }
  else if (vtkSMDoubleVectorProperty::SafeDownCast(property))
  {
    std::vector<double> values;
    for (double v = 0; words >> v;)
    {
      values.push_back(v);
    }
    vtkSMPropertyHelper(property).Set(values.data(), static_cast<unsigned int>(values.size()));
  }
}

// The glyph source for GlyphType: our marker table, or one of the representation's own choices.
vtkSMProxy* GlyphSource(vtkSMProxy* representation, const std::string& value)
{
  vtkSMProperty* property = representation->GetProperty("GlyphType");
  if (!property)
  {
    return nullptr;
  }
  if (value == "NeuroMarkerShapes")
  {
    vtkSMSessionProxyManager* manager = representation->GetSessionProxyManager();
    vtkSmartPointer<vtkSMProxy> shapes;
    shapes.TakeReference(manager->NewProxy("neuroplayback_glyphs", "NeuroMarkerShapes"));
    if (!shapes)
    {
      return nullptr;
    }
    shapes->UpdateVTKObjects();
    // Registered as the representation's helper, as ParaView does for its own glyph sources, so
    // it is saved with the state and hidden from the pipeline browser.
    const std::string group = std::string("pq_helper_proxies.") + representation->GetGlobalIDAsString();
    manager->RegisterProxy(group.c_str(), "GlyphType", shapes);
    return shapes;
  }
  auto* choices = property->FindDomain<vtkSMProxyListDomain>();
  for (unsigned int i = 0; choices && i < choices->GetNumberOfProxies(); ++i)
  {
    vtkSMProxy* choice = choices->GetProxy(i);
    if (value == choice->GetXMLLabel() || value == choice->GetXMLName())
    {
      return choice;
    }
  }
  return nullptr;
}
} // namespace

void pqNeuroSessionStyleBehavior::applyDisplayHints(pqDataRepresentation* representation, int port)
{
  vtkSMProxy* reprProxy = representation->getProxy();
  vtkSMProxy* source = representation->getInput()->getProxy();
  source->UpdatePropertyInformation();
  std::istringstream lines(vtkSMPropertyHelper(source, "DisplayHints").GetAsString());
  for (std::string line; std::getline(lines, line);)
  {
    std::istringstream fields(line);
    std::string portText, name, value;
    std::getline(fields, portText, '\t');
    std::getline(fields, name, '\t');
    std::getline(fields, value);
    if (portText != std::to_string(port))
    {
      continue;
    }
    if (name == "Representation")
    {
      vtkSMRepresentationProxy::SetRepresentationType(reprProxy, value.c_str());
    }
    else if (name == "GlyphType")
    {
      if (vtkSMProxy* glyph = GlyphSource(reprProxy, value))
      {
        vtkSMPropertyHelper(reprProxy, "GlyphType").Set(glyph);
      }
    }
    else if (name == "ColorArrayName")
    {
      const auto comma = value.find(',');
      const std::string array = comma == std::string::npos ? std::string() : value.substr(comma + 1);
      vtkSMPropertyHelper(reprProxy, "ColorArrayName").SetInputArrayToProcess(vtkDataObject::POINT, array.c_str());
    }
    else if (name.find('.') != std::string::npos)
    {
      const std::string owner = name.substr(0, name.find('.'));
      vtkSMProxy* sub = vtkSMPropertyHelper(reprProxy, owner.c_str(), true).GetAsProxy();
      SetFromText(sub, name.substr(name.find('.') + 1), value);
      if (sub)
      {
        sub->UpdateVTKObjects();
      }
    }
    else
    {
      SetFromText(reprProxy, name, value);
    }
  }
  reprProxy->UpdateVTKObjects();
  if (pqView* view = representation->getView())
  {
    // Overlay colours are the points' own RGBA, not a value mapped through a colour legend.
    const char* colorArray = vtkSMPropertyHelper(reprProxy, "ColorArrayName", true).GetAsString(4);
    // Only when ParaView made a legend (a lookup table) for it; asking otherwise logs a warning.
    if (colorArray && std::strcmp(colorArray, "Color") == 0 &&
      vtkSMPropertyHelper(reprProxy, "LookupTable", true).GetAsProxy())
    {
      vtkSMPVRepresentationProxy::SetScalarBarVisibility(reprProxy, view->getProxy(), false);
    }
    view->render();
  }
}

void pqNeuroSessionStyleBehavior::showTimeSeries(pqPipelineSource* reader, pqView* renderView)
{
  if (!reader || !qobject_cast<pqRenderView*>(renderView))
  {
    return;
  }
  vtkSMProxy* readerProxy = reader->getProxy();
  readerProxy->UpdatePropertyInformation();
  if (vtkSMPropertyHelper(readerProxy, "TimeSeriesCountInfo").GetAsInt() == 0)
  {
    return;
  }
  for (pqPipelineSource* consumer : reader->getAllConsumers())
  {
    if (std::strcmp(consumer->getProxy()->GetXMLName(), "NeuroTimeSeries") == 0)
    {
      return; // already shown once; the user decides from here
    }
  }
  pqObjectBuilder* builder = pqApplicationCore::instance()->getObjectBuilder();
  pqPipelineSource* series = builder->createFilter("filters", "NeuroTimeSeries", reader);
  vtkSMViewLayoutProxy* layout = vtkSMViewLayoutProxy::FindLayout(renderView->getViewProxy());
  if (!series || !layout)
  {
    return;
  }
  series->rename("Time Series"); // in the Pipeline Browser, as show_session() names it
  auto* seriesProxy = vtkSMSourceProxy::SafeDownCast(series->getProxy());
  seriesProxy->UpdatePipelineInformation();
  // chart -> (target, property, value) in file order
  std::map<int, std::vector<std::vector<std::string>>> charts;
  std::istringstream lines(vtkSMPropertyHelper(seriesProxy, "ChartHints").GetAsString());
  for (std::string line; std::getline(lines, line);)
  {
    std::vector<std::string> fields;
    std::istringstream parts(line);
    for (std::string field; std::getline(parts, field, '\t');)
    {
      fields.push_back(field);
    }
    fields.resize(4);
    charts[std::stoi(fields[0])].push_back({ fields[1], fields[2], fields[3] });
  }
  vtkNew<vtkSMParaViewPipelineControllerWithRendering> controller;
  // The render view keeps the top; the charts share the bottom, one above the other.
  int cell = layout->SplitVertical(layout->GetViewLocation(renderView->getViewProxy()), 0.62) + 1;
  int index = 0;
  const int count = static_cast<int>(charts.size());
  for (const auto& chart : charts)
  {
    if (index < count - 1)
    {
      cell = layout->SplitVertical(cell, 1.0 / (count - index));
    }
    pqView* chartView = builder->createView("XYChartView", renderView->getServer());
    if (!chartView)
    {
      return;
    }
    layout->AssignView(cell, chartView->getViewProxy());
    ++cell;
    ++index;
    // The controller updates the filter first, which a representation for a chart needs.
    vtkSMProxy* representation = controller->Show(seriesProxy, 0, chartView->getViewProxy());
    if (!representation)
    {
      return;
    }
    for (const std::vector<std::string>& hint : chart.second)
    {
      SetFromText(hint[0] == "view" ? chartView->getProxy() : representation, hint[1], hint[2], '|');
    }
    representation->UpdateVTKObjects();
    chartView->getProxy()->UpdateVTKObjects();
    chartView->render();
  }
  series->setModifiedState(pqProxy::UNMODIFIED);
  // The arena stays the active view (the toolbar, the camera buttons and tests act on it).
  pqActiveObjects::instance().setActiveView(renderView);
  renderView->render();
}

void pqNeuroSessionStyleBehavior::showVideo(pqPipelineSource* reader, pqView* renderView)
{
  if (!reader || !qobject_cast<pqRenderView*>(renderView))
  {
    return;
  }
  vtkSMProxy* readerProxy = reader->getProxy();
  readerProxy->UpdatePropertyInformation();
  const int videos = vtkSMPropertyHelper(readerProxy, "VideoCountInfo").GetAsInt();
  for (pqPipelineSource* consumer : reader->getAllConsumers())
  {
    if (std::strcmp(consumer->getProxy()->GetXMLName(), "NeuroVideo") == 0)
    {
      return; // already shown (or removed by the user on purpose)
    }
  }
  // One filter per video (several cameras, or a top and a side view), each placed by its calibration.
  pqObjectBuilder* builder = pqApplicationCore::instance()->getObjectBuilder();
  for (int index = 0; index < videos; ++index)
  {
    pqPipelineSource* video = builder->createFilter("filters", "NeuroVideo", reader);
    if (!video)
    {
      return;
    }
    video->rename(index == 0 ? QString("Video") : QString("Video %1").arg(index + 1)); // as show_videos() names them
    auto* videoProxy = vtkSMSourceProxy::SafeDownCast(video->getProxy());
    vtkSMPropertyHelper(videoProxy, "VideoIndex").Set(index);
    videoProxy->UpdateVTKObjects();
    videoProxy->UpdatePipelineInformation();
    // onRepresentationAdded styles it from the filter's display hints.
    vtkNew<vtkSMParaViewPipelineControllerWithRendering> controller;
    controller->Show(videoProxy, 0, renderView->getViewProxy());
    video->setModifiedState(pqProxy::UNMODIFIED);
  }
}
