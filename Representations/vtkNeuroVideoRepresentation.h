/**
 * @class vtkNeuroVideoRepresentation
 * @brief ParaView's Slice display for the behaviour video on the arena, drawn with the opaque geometry.
 *
 * The video frame is translucent (its alpha from the session file). Drawn as a translucent prop, it
 * would make VTK run its order-independent translucent pass on every render, about 7 ms of software GL
 * per frame in a flat arena (docs/benchmarks.md §16). This display draws it with the opaque geometry
 * instead, still blended, between the field and the overlays (Representations/DrawOrder.h).
 * Under MPI it draws only its rank's slab of the arena, as the other NeuroPlayback displays do
 * (Representations/DeliveredPiece.h). Everything else is ParaView's Slice display; the Video filter's
 * display hints pick it ("Neuro Video").
 */
#ifndef vtkNeuroVideoRepresentation_h
#define vtkNeuroVideoRepresentation_h

#include "NeuroPlaybackRepresentationsModule.h"
#include "vtkImageSliceRepresentation.h"

#include <memory>

class NEUROPLAYBACKREPRESENTATIONS_EXPORT vtkNeuroVideoRepresentation : public vtkImageSliceRepresentation
{
public:
  static vtkNeuroVideoRepresentation* New();
  vtkTypeMacro(vtkNeuroVideoRepresentation, vtkImageSliceRepresentation)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  int ProcessViewRequest(vtkInformationRequestKey* request, vtkInformation* inInfo, vtkInformation* outInfo) override;

protected:
  vtkNeuroVideoRepresentation();
  ~vtkNeuroVideoRepresentation() override;

private:
  struct Internals;
  std::unique_ptr<Internals> Internal;
  vtkNeuroVideoRepresentation(const vtkNeuroVideoRepresentation&) = delete;
  void operator=(const vtkNeuroVideoRepresentation&) = delete;
};

#endif
