#pragma once
// The order in which a flat arena's props are drawn. NeuroPlayback's displays draw their translucent
// props with the opaque geometry (ForceOpaque, still blended), which spares software GL VTK's
// order-independent translucent pass (benchmarks §16). Blending then follows the draw order, so the
// renderer draws its props bottom to top: the reader lifts each layer a small z step above the last
// (the video just below or above the field, the overlays above it), and the props are kept sorted by
// the middle of their z range (a head-direction arrow is a 3-D glyph that reaches below its layer). Props drawn in the translucent pass (a user's translucent surface) are unaffected.
#include <vtkMath.h>
#include <vtkProp.h>
#include <vtkPropCollection.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace neuroplayback
{
// Sorts the renderer's props by the middle of their z range (stable; props without bounds last). Nothing changes,
// and nothing is modified, when they already are in that order.
inline void DrawBottomToTop(vtkRenderer* renderer)
{
  vtkPropCollection* props = renderer ? renderer->GetViewProps() : nullptr;
  if (!props || props->GetNumberOfItems() < 2)
  {
    return;
  }
  struct Entry
  {
    vtkSmartPointer<vtkProp> Prop;
    double Z;
  };
  std::vector<Entry> entries;
  for (int i = 0; i < props->GetNumberOfItems(); ++i)
  {
    auto* prop = vtkProp::SafeDownCast(props->GetItemAsObject(i));
    const double* bounds = prop && prop->GetVisibility() ? prop->GetBounds() : nullptr;
    const bool valid = bounds && vtkMath::AreBoundsInitialized(bounds) && bounds[4] <= bounds[5];
    entries.push_back({ prop, valid ? 0.5 * (bounds[4] + bounds[5]) : std::numeric_limits<double>::infinity() });
  }
  const auto lower = [](const Entry& a, const Entry& b) { return a.Z < b.Z; };
  if (std::is_sorted(entries.begin(), entries.end(), lower))
  {
    return;
  }
  std::stable_sort(entries.begin(), entries.end(), lower);
  props->RemoveAllItems();
  for (const Entry& entry : entries)
  {
    props->AddItem(entry.Prop);
  }
}
} // namespace neuroplayback
