#pragma once
// A piece carried across processes as one dataset: the arrays of a tree of multiblocks, polydata and
// images in one polydata's field data, numbers as their raw bytes.
//
// Why: between a pvserver and its client ParaView moves each delivered piece through VTK's legacy writer
// and reader, at -O0. Their cost is per dataset (the overlay display's multiblock of 9 datasets, 40 KB:
// 5.7 ms to write and 6.3 ms to read every frame; as one dataset 0.9 ms each way) and, for typed arrays,
// per value (each is swapped and parsed one by one; bytes are copied): docs/benchmarks.md §35.
#include <vtkSmartPointer.h>

class vtkDataObject;

namespace neuroplayback {

// A representation's piece on its way to the view and back, in its two halves: flattened where the
// pieces this process makes are moved to another process to be drawn (a pvserver's data server; only
// then is the copy worth it), and restored where it is drawn, once per delivery (not at every camera
// move). Multiblocks, polydata and images; active attributes (scalars, texture coordinates...) and array
// classes are kept. The root's own field data keeps its names and types: the piece's region under MPI
// is read from the flattened piece as from the piece.
class FlattenedDelivery
{
public:
  // RequestData: what to hand the view for this piece.
  void Send(vtkDataObject* piece);
  vtkDataObject* Sent() const { return this->SentPiece; }
  // REQUEST_RENDER: the piece as it was made, from the one the view delivered.
  vtkDataObject* Receive(vtkDataObject* delivered);

private:
  vtkSmartPointer<vtkDataObject> SentPiece;
  vtkSmartPointer<vtkDataObject> Delivered;
  vtkSmartPointer<vtkDataObject> Restored;
};

} // namespace neuroplayback
