#pragma once
// A piece of several datasets carried across processes as one: the arrays of a tree of multiblocks,
// polydata and images in one polydata's field data.
//
// Why: between a pvserver and its client ParaView moves each delivered piece through VTK's legacy writer
// and reader, whose cost is per dataset, not per byte. The overlay display's piece (a multiblock of 8
// polydata and images, 40 KB) took 5.7 ms to write on the server and 6.3 ms to read on the client every
// frame at -O0; flattened, the same arrays take 0.9 ms each way (docs/benchmarks.md §35).
#include <vtkSmartPointer.h>

class vtkDataObject;

namespace neuroplayback {

// Whether the pieces this process makes are moved to another process to be drawn (it is a pvserver's
// data server): only then is flattening worth its copy.
bool PiecesCrossProcesses();

// The tree as one polydata. The root's own field data keeps its names (the piece's region under MPI
// is read from the flattened piece as from the tree). Multiblocks, polydata and images only.
vtkSmartPointer<vtkDataObject> FlattenTree(vtkDataObject* tree);

// The tree back from a flattened piece, sharing its arrays; any other piece is returned as it is.
vtkSmartPointer<vtkDataObject> RestoreTree(vtkDataObject* delivered);

} // namespace neuroplayback
