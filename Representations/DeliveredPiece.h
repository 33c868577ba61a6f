#pragma once
// The one piece a NeuroPlayback representation delivers to the rendering processes, and its bounds.
#include <vtkMath.h>
#include <vtkPVRenderView.h>

namespace neuroplayback {

// REQUEST_UPDATE: hands the piece to the view (delivered where it renders) with its bounds, if any.
inline void SetPieceAndBounds(vtkInformation* info, vtkPVDataRepresentation* representation, vtkDataObject* piece,
  const double bounds[6])
{
  vtkPVView::SetPiece(info, representation, piece);
  if (vtkMath::AreBoundsInitialized(bounds))
  {
    vtkPVRenderView::SetGeometryBounds(info, representation, bounds);
  }
}

} // namespace neuroplayback
