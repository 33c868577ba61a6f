#pragma once
// Builds the VTK geometry of an environment once per file: one cell per bin, in true coordinates.
#include "Environment.h"

#include <vtkSmartPointer.h>

#include <cstdint>
#include <vector>

class vtkDataSet;

namespace neuroplayback {

struct EnvironmentGeometry {
  vtkSmartPointer<vtkDataSet> Geometry;
  // Cell index of each bin; empty means cell k is bin k.
  std::vector<std::int64_t> CellOfBin;
  std::int64_t CellCount = 0;
};

// Throws SessionError when the geometry cannot be represented (e.g. non-uniform grid edges).
EnvironmentGeometry BuildEnvironmentGeometry(const Environment& environment);

} // namespace neuroplayback
