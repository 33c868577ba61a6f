#include "vtkNeuroVideoRepresentation.h"

#include "DeliveredPiece.h"

#include <vtkActor.h>
#include <vtkInformation.h>
#include <vtkObjectFactory.h>
#include <vtkPVImageSliceMapper.h>
#include <vtkPVLODActor.h>
#include <vtkPVView.h>

namespace
{
// ParaView's slice mapper draws through an inner polygon mapper, which does not see the clipping
// planes set on the slice mapper: this one hands them on (under MPI, each rank's slab of the arena).
class ClippedSliceMapper : public vtkPVImageSliceMapper
{
public:
  static ClippedSliceMapper* New();
  vtkTypeMacro(ClippedSliceMapper, vtkPVImageSliceMapper)

  void Render(vtkRenderer* renderer, vtkActor* actor) override
  {
    if (this->PolyDataActor && this->PolyDataActor->GetMapper() &&
      this->PolyDataActor->GetMapper()->GetClippingPlanes() != this->ClippingPlanes)
    {
      this->PolyDataActor->GetMapper()->SetClippingPlanes(this->ClippingPlanes);
    }
    this->Superclass::Render(renderer, actor);
  }

protected:
  ClippedSliceMapper() = default;
  ~ClippedSliceMapper() override = default;
};
vtkStandardNewMacro(ClippedSliceMapper);
} // namespace

struct vtkNeuroVideoRepresentation::Internals
{
  neuroplayback::PieceClip Clip;
};

vtkStandardNewMacro(vtkNeuroVideoRepresentation);

vtkNeuroVideoRepresentation::vtkNeuroVideoRepresentation()
  : Internal(new Internals)
{
  this->GetActor()->SetForceOpaque(true);
  this->SliceMapper->Delete();
  this->SliceMapper = ClippedSliceMapper::New();
  this->Actor->SetMapper(this->SliceMapper);
}

vtkNeuroVideoRepresentation::~vtkNeuroVideoRepresentation() = default;

int vtkNeuroVideoRepresentation::ProcessViewRequest(
  vtkInformationRequestKey* request, vtkInformation* inInfo, vtkInformation* outInfo)
{
  if (!this->Superclass::ProcessViewRequest(request, inInfo, outInfo))
  {
    return 0;
  }
  if (request == vtkPVView::REQUEST_RENDER())
  {
    this->Internal->Clip.Apply(vtkPVView::GetDeliveredPiece(inInfo, this), { this->SliceMapper });
  }
  return 1;
}

void vtkNeuroVideoRepresentation::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Drawn with the opaque geometry (ForceOpaque), clipped to its rank's slab under MPI\n";
}
