#pragma once
// The one piece a NeuroPlayback representation delivers to the rendering processes, and its bounds.
#include <vtkAbstractMapper.h>
#include <vtkDataObject.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkMath.h>
#include <vtkNew.h>
#include <vtkPVRenderView.h>
#include <vtkPlane.h>
#include <vtkPlaneCollection.h>

#include <array>
#include <cmath>
#include <initializer_list>

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

// Under MPI each rank draws only its slab of the arena along x (PieceRegionArray, named in
// Core/streaming/FieldPieces.h too, where the reader and the Video filter write it): piece, pieces, xmin, xmax.
constexpr const char* PieceRegionArray = "PieceRegion";

// REQUEST_UPDATE: hands the piece to the view (delivered where it renders) with its bounds, if any.
// A rank's slab (under MPI) must be drawn where it is and composited, never merged onto the client
// (the merged piece would keep one rank's texels and slab): it reports a size far above any remote
// render threshold, so ParaView renders on the server.
// The size a piece reports to the view: a rank's slab's far above any remote render threshold, any
// other its own (0). `slabOf` is the piece that carries the region (the same piece, or the frame's).
inline unsigned long DeliverySize(vtkDataObject* slabOf)
{
  return slabOf && slabOf->GetFieldData()->GetAbstractArray(PieceRegionArray) ? (1ul << 30) : 0ul;
}

inline void SetPieceAndBounds(vtkInformation* info, vtkPVDataRepresentation* representation, vtkDataObject* piece,
  const double bounds[6])
{
  vtkPVView::SetPiece(info, representation, piece, DeliverySize(piece));
  if (vtkMath::AreBoundsInitialized(bounds))
  {
    vtkPVRenderView::SetGeometryBounds(info, representation, bounds);
  }
}

inline void CopyPieceRegion(vtkDataObject* from, vtkDataObject* to)
{
  vtkAbstractArray* region = from ? from->GetFieldData()->GetAbstractArray(PieceRegionArray) : nullptr;
  if (region)
  {
    to->GetFieldData()->AddArray(region);
  }
  else
  {
    to->GetFieldData()->RemoveArray(PieceRegionArray);
  }
}

// Clips mappers to the slab a delivered piece carries, so ParaView's depth compositing of the ranks'
// images equals one process's picture, translucent layers included. Without a region, no clipping.
class PieceClip
{
public:
  void Apply(vtkDataObject* piece, std::initializer_list<vtkAbstractMapper*> mappers)
  {
    vtkDataArray* region = piece ? vtkDataArray::SafeDownCast(piece->GetFieldData()->GetAbstractArray(PieceRegionArray)) : nullptr;
    std::array<double, 4> value = { 0.0, 1.0, -INFINITY, INFINITY };
    if (region && region->GetNumberOfComponents() == 4 && region->GetNumberOfTuples() > 0)
    {
      region->GetTuple(0, value.data());
    }
    if (value != this->Applied)
    {
      this->Applied = value;
      this->Planes->RemoveAllItems();
      if (std::isfinite(value[2]))
      {
        vtkNew<vtkPlane> left; // keeps x >= xmin
        left->SetOrigin(value[2], 0.0, 0.0);
        left->SetNormal(1.0, 0.0, 0.0);
        this->Planes->AddItem(left);
      }
      if (std::isfinite(value[3]))
      {
        vtkNew<vtkPlane> right; // keeps x <= xmax
        right->SetOrigin(value[3], 0.0, 0.0);
        right->SetNormal(-1.0, 0.0, 0.0);
        this->Planes->AddItem(right);
      }
    }
    for (vtkAbstractMapper* mapper : mappers)
    {
      vtkPlaneCollection* wanted = this->Planes->GetNumberOfItems() > 0 ? this->Planes.Get() : nullptr;
      if (mapper && mapper->GetClippingPlanes() != wanted)
      {
        mapper->SetClippingPlanes(wanted);
      }
    }
  }

private:
  std::array<double, 4> Applied = { 0.0, 1.0, -INFINITY, INFINITY };
  vtkNew<vtkPlaneCollection> Planes;
};

} // namespace neuroplayback
