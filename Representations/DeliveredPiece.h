#pragma once
// The one piece a NeuroPlayback representation delivers to the rendering processes, and its bounds.
#include <vtkDataObject.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkMath.h>
#include <vtkNew.h>
#include <vtkPVRenderView.h>

namespace neuroplayback {

// A number that travels with a piece in its field data (a stamp, a line width), added where the piece is
// made and read where it is drawn.
inline void AddFieldNumber(vtkDataObject* piece, const char* name, double value)
{
  vtkNew<vtkDoubleArray> number;
  number->SetName(name);
  number->InsertNextValue(value);
  piece->GetFieldData()->AddArray(number);
}

inline double FieldNumber(vtkDataObject* piece, const char* name, double fallback)
{
  vtkDataArray* array = piece ? vtkDataArray::SafeDownCast(piece->GetFieldData()->GetAbstractArray(name)) : nullptr;
  return array && array->GetNumberOfTuples() > 0 ? array->GetTuple1(0) : fallback;
}

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
