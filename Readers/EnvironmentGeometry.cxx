#include "EnvironmentGeometry.h"

#include "SessionError.h"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataSetAttributes.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace neuroplayback {

namespace {

double UniformSpacing(const std::vector<double>& edges, const char* axis) {
  const double spacing = (edges.back() - edges.front()) / static_cast<double>(edges.size() - 1);
  for (std::size_t i = 1; i < edges.size(); ++i) {
    if (std::abs((edges[i] - edges[i - 1]) - spacing) > 1e-6 * std::abs(spacing) + 1e-12) {
      throw SessionError(std::string("The grid's ") + axis + "_edges are not uniformly spaced (at index " +
          std::to_string(i) + ").",
        "Write uniformly spaced edges, as neurospatial's regular grids have.");
    }
  }
  return spacing;
}

// Grid cells with no bin (inactive, or outside a rank's piece of bins) are hidden: not drawn, not picked,
// not in the data range.
void HideCellsWithoutBins(vtkImageData* image, const EnvironmentGeometry& geometry) {
  if (static_cast<std::int64_t>(geometry.CellOfBin.size()) >= geometry.CellCount) {
    return;
  }
  vtkNew<vtkUnsignedCharArray> ghosts;
  ghosts->SetName(vtkDataSetAttributes::GhostArrayName());
  ghosts->SetNumberOfTuples(geometry.CellCount);
  ghosts->FillValue(vtkDataSetAttributes::HIDDENCELL);
  for (std::int64_t cell : geometry.CellOfBin) {
    ghosts->SetValue(cell, 0);
  }
  image->GetCellData()->AddArray(ghosts);
}

EnvironmentGeometry BuildGrid(const Environment& e) {
  EnvironmentGeometry result;
  vtkNew<vtkImageData> image;
  image->SetDimensions(static_cast<int>(e.GridX + 1), static_cast<int>(e.GridY + 1), 1);
  image->SetOrigin(e.XEdges.front(), e.YEdges.front(), 0.0);
  image->SetSpacing(UniformSpacing(e.XEdges, "x"), UniformSpacing(e.YEdges, "y"), 1.0);
  result.CellOfBin = e.GridCellOfBin();
  result.CellCount = e.GridX * e.GridY;
  result.BinCount = e.BinCount;
  HideCellsWithoutBins(image, result);
  result.Geometry = image;
  return result;
}

EnvironmentGeometry BuildPolygons(const Environment& e) {
  vtkNew<vtkPoints> points;
  points->SetDataTypeToDouble();
  vtkNew<vtkCellArray> cells;
  vtkNew<vtkPolyData> poly;
  if (e.Layout == LayoutKind::Hexagonal) {
    const double pi = std::acos(-1.0);
    for (std::int64_t bin = 0; bin < e.BinCount; ++bin) {
      const double cx = e.BinCenters[static_cast<std::size_t>(2 * bin)];
      const double cy = e.BinCenters[static_cast<std::size_t>(2 * bin + 1)];
      cells->InsertNextCell(6);
      for (int k = 0; k < 6; ++k) {
        // Orientation 0 is "point-up": the first vertex straight above the centre.
        const double angle = pi / 2.0 + e.HexOrientation + k * pi / 3.0;
        cells->InsertCellPoint(points->InsertNextPoint(cx + e.HexRadius * std::cos(angle), cy + e.HexRadius * std::sin(angle), 0.0));
      }
    }
    poly->SetPolys(cells);
  } else if (e.Layout == LayoutKind::Mesh) {
    for (std::size_t i = 0; i + 1 < e.Vertices.size(); i += 2) {
      points->InsertNextPoint(e.Vertices[i], e.Vertices[i + 1], 0.0);
    }
    for (std::int64_t bin = 0; bin < e.BinCount; ++bin) {
      cells->InsertNextCell(3);
      for (int k = 0; k < 3; ++k) {
        cells->InsertCellPoint(e.Triangles[static_cast<std::size_t>(3 * bin + k)]);
      }
    }
    poly->SetPolys(cells);
  } else {
    for (std::int64_t bin = 0; bin < e.BinCount; ++bin) {
      const double* s = &e.BinSegments[static_cast<std::size_t>(4 * bin)];
      cells->InsertNextCell(2);
      cells->InsertCellPoint(points->InsertNextPoint(s[0], s[1], 0.0));
      cells->InsertCellPoint(points->InsertNextPoint(s[2], s[3], 0.0));
    }
    poly->SetLines(cells);
  }
  poly->SetPoints(points);
  EnvironmentGeometry result;
  result.Geometry = poly;
  result.CellCount = e.BinCount;
  result.BinCount = e.BinCount;
  return result;
}

} // namespace

EnvironmentGeometry BuildEnvironmentGeometry(const Environment& environment) {
  return environment.Layout == LayoutKind::Grid ? BuildGrid(environment) : BuildPolygons(environment);
}

EnvironmentGeometry GridColumns(const Environment& e, const EnvironmentGeometry& whole, std::int64_t firstColumn,
  std::int64_t endColumn, const std::vector<std::int64_t>& bins) {
  auto* wholeImage = vtkImageData::SafeDownCast(whole.Geometry);
  firstColumn = std::clamp<std::int64_t>(firstColumn, 0, e.GridX);
  endColumn = std::clamp<std::int64_t>(endColumn, firstColumn, e.GridX);
  EnvironmentGeometry result;
  vtkNew<vtkImageData> image;
  image->SetOrigin(wholeImage->GetOrigin());
  image->SetSpacing(wholeImage->GetSpacing());
  image->SetExtent(static_cast<int>(firstColumn), static_cast<int>(endColumn), 0, static_cast<int>(e.GridY), 0, 0);
  const std::int64_t width = endColumn - firstColumn;
  result.CellCount = width * e.GridY;
  result.BinCount = static_cast<std::int64_t>(bins.size());
  for (std::int64_t bin : bins) {
    const std::int64_t cell = whole.CellOfBin[static_cast<std::size_t>(bin)];
    result.CellOfBin.push_back((cell % e.GridX - firstColumn) + width * (cell / e.GridX));
  }
  HideCellsWithoutBins(image, result);
  result.Geometry = image;
  return result;
}

EnvironmentGeometry CellsOfBins(const EnvironmentGeometry& whole, const std::vector<std::int64_t>& bins) {
  auto* poly = vtkPolyData::SafeDownCast(whole.Geometry);
  EnvironmentGeometry result;
  result.BinCount = static_cast<std::int64_t>(bins.size());
  result.CellCount = result.BinCount;
  vtkNew<vtkCellArray> cells;
  vtkNew<vtkIdList> ids;
  for (std::int64_t bin : bins) {
    poly->GetCellPoints(bin, ids);
    cells->InsertNextCell(ids);
  }
  vtkNew<vtkPolyData> part;
  part->SetPoints(poly->GetPoints()); // shared: only this piece's cells use them
  if (poly->GetNumberOfLines() > 0) {
    part->SetLines(cells);
  } else {
    part->SetPolys(cells);
  }
  result.Geometry = part;
  return result;
}

} // namespace neuroplayback
