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

// Whether the pieces this process makes are moved to another process to be drawn (it is a pvserver's
// data server): only then is flattening worth its copy.
bool PiecesCrossProcesses();

// The tree as one polydata. The root's own field data keeps its names and types (the piece's region
// under MPI is read from the flattened piece as from the tree). Multiblocks, polydata and images only;
// active attributes (scalars, texture coordinates...) and array classes are kept.
vtkSmartPointer<vtkDataObject> FlattenTree(vtkDataObject* tree);

// The tree back from a flattened piece, sharing its arrays; any other piece is returned as it is.
vtkSmartPointer<vtkDataObject> RestoreTree(vtkDataObject* delivered);

} // namespace neuroplayback
