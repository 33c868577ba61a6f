#include "OverlayGeometry.h"

#include <vtkAppendPolyData.h>
#include <vtkCellArray.h>
#include <vtkDoubleArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkTransform.h>
#include <vtkTransformPolyDataFilter.h>
#include <vtkUnsignedCharArray.h>
#include <vtkVectorText.h>

#include <algorithm>
#include <cmath>

namespace neuroplayback {

namespace {
vtkSmartPointer<vtkUnsignedCharArray> ColorArray(const std::vector<Rgba>& colors)
{
  auto array = vtkSmartPointer<vtkUnsignedCharArray>::New();
  array->SetName("Color");
  array->SetNumberOfComponents(4);
  array->SetNumberOfTuples(static_cast<vtkIdType>(colors.size()));
  unsigned char* out = array->GetPointer(0);
  for (const Rgba& c : colors)
  {
    *out++ = c.R;
    *out++ = c.G;
    *out++ = c.B;
    *out++ = c.A;
  }
  return array;
}

vtkSmartPointer<vtkPoints> PointsOf(const std::vector<double>& xy, double z)
{
  auto points = vtkSmartPointer<vtkPoints>::New();
  points->SetDataTypeToDouble();
  const auto count = static_cast<vtkIdType>(xy.size() / 2);
  points->SetNumberOfPoints(count);
  for (vtkIdType i = 0; i < count; ++i)
  {
    points->SetPoint(i, xy[static_cast<std::size_t>(2 * i)], xy[static_cast<std::size_t>(2 * i + 1)], z);
  }
  return points;
}

vtkSmartPointer<vtkCellArray> Vertices(vtkIdType count)
{
  auto cells = vtkSmartPointer<vtkCellArray>::New();
  vtkNew<vtkIdTypeArray> offsets;
  vtkNew<vtkIdTypeArray> connectivity;
  offsets->SetNumberOfTuples(count + 1);
  connectivity->SetNumberOfTuples(count);
  for (vtkIdType i = 0; i <= count; ++i)
  {
    offsets->SetValue(i, i);
  }
  for (vtkIdType i = 0; i < count; ++i)
  {
    connectivity->SetValue(i, i);
  }
  cells->SetData(offsets, connectivity);
  return cells;
}

template <typename ArrayT, typename ValueT>
void AddArray(vtkPolyData* output, const char* name, const std::vector<ValueT>& values)
{
  vtkNew<ArrayT> array;
  array->SetName(name);
  array->SetNumberOfTuples(static_cast<vtkIdType>(values.size()));
  std::copy(values.begin(), values.end(), array->GetPointer(0));
  output->GetPointData()->AddArray(array);
}
} // namespace

void FillMarkers(const MarkerSet& markers, double z, vtkPolyData* output)
{
  output->Initialize();
  output->SetPoints(PointsOf(markers.Xy, z));
  output->SetVerts(Vertices(static_cast<vtkIdType>(markers.Count())));
  output->GetPointData()->SetScalars(ColorArray(markers.Colors));
  AddArray<vtkDoubleArray>(output, "Size", markers.Sizes);
  AddArray<vtkIntArray>(output, "Marker", markers.Shapes);
  AddArray<vtkIntArray>(output, "Source", markers.Sources);
}

void FillLines(const LineSet& lines, double z, vtkPolyData* output)
{
  output->Initialize();
  output->SetPoints(PointsOf(lines.Xy, z));
  vtkNew<vtkCellArray> cells;
  for (std::size_t k = 0; k < lines.LineCount(); ++k)
  {
    cells->InsertNextCell(static_cast<int>(lines.Starts[k + 1] - lines.Starts[k]));
    for (std::int64_t i = lines.Starts[k]; i < lines.Starts[k + 1]; ++i)
    {
      cells->InsertCellPoint(static_cast<vtkIdType>(i));
    }
  }
  output->SetLines(cells);
  output->GetPointData()->SetScalars(ColorArray(lines.Colors));
}

void FillArrows(const ArrowSet& arrows, double z, vtkPolyData* output)
{
  output->Initialize();
  output->SetPoints(PointsOf(arrows.Xy, z));
  output->SetVerts(Vertices(static_cast<vtkIdType>(arrows.Count())));
  output->GetPointData()->SetScalars(ColorArray(arrows.Colors));
  vtkNew<vtkDoubleArray> heading;
  heading->SetName("Heading");
  heading->SetNumberOfComponents(3);
  for (std::size_t i = 0; i < arrows.Count(); ++i)
  {
    heading->InsertNextTuple3(arrows.Vectors[2 * i], arrows.Vectors[2 * i + 1], 0.0);
  }
  output->GetPointData()->SetVectors(heading);
}

vtkSmartPointer<vtkPolyData> BuildRegions(const Environment& environment, double z)
{
  const std::vector<double> bounds = environment.Bounds();
  const double radius = 0.015 * std::max(bounds[1] - bounds[0], bounds[3] - bounds[2]);
  vtkNew<vtkPoints> points;
  vtkNew<vtkCellArray> polygons;
  vtkNew<vtkCellArray> outlines;
  std::vector<Rgba> colors;
  vtkNew<vtkIntArray> regionIndex;
  regionIndex->SetName("Region");
  const Rgba fill = ParseColor("#ffffff4d", "region");  // white at the reference's region_alpha 0.3
  const Rgba edge = ParseColor("#ffffffd9", "region");
  int index = 0;
  for (const Region& region : environment.Regions)
  {
    std::vector<double> ring = region.Coords;
    if (!region.IsPolygon && ring.size() >= 2)
    {
      const double cx = ring[0];
      const double cy = ring[1];
      ring.clear();
      for (int k = 0; k < 24; ++k)
      {
        ring.push_back(cx + radius * std::cos(2 * M_PI * k / 24));
        ring.push_back(cy + radius * std::sin(2 * M_PI * k / 24));
      }
    }
    const auto count = static_cast<vtkIdType>(ring.size() / 2);
    if (count < 3)
    {
      continue;
    }
    // Fill and outline get their own points so each can carry its own alpha.
    for (int pass = 0; pass < 2; ++pass)
    {
      const vtkIdType first = points->GetNumberOfPoints();
      for (vtkIdType i = 0; i < count; ++i)
      {
        points->InsertNextPoint(ring[static_cast<std::size_t>(2 * i)], ring[static_cast<std::size_t>(2 * i + 1)], z);
        colors.push_back(pass == 0 ? fill : edge);
        regionIndex->InsertNextValue(index);
      }
      vtkCellArray* cells = pass == 0 ? polygons.Get() : outlines.Get();
      cells->InsertNextCell(static_cast<int>(pass == 0 ? count : count + 1));
      for (vtkIdType i = 0; i < count; ++i)
      {
        cells->InsertCellPoint(first + i);
      }
      if (pass == 1)
      {
        cells->InsertCellPoint(first); // closed outline
      }
    }
    ++index;
  }
  auto output = vtkSmartPointer<vtkPolyData>::New();
  output->SetPoints(points);
  output->SetPolys(polygons);
  output->SetLines(outlines);
  output->GetPointData()->SetScalars(ColorArray(colors));
  output->GetPointData()->AddArray(regionIndex);
  return output;
}

vtkSmartPointer<vtkPolyData> BuildScaleBar(const double bounds[6], const std::string& units, double z)
{
  const double width = bounds[1] - bounds[0];
  const double height = bounds[3] - bounds[2];
  const double extent = std::max(width, height);
  const double length = ScaleBarLength(width > 0 ? width : extent);
  const double thickness = 0.012 * extent;
  // Lower left, under the arena: ParaView's colour legend takes the lower right corner.
  const double left = bounds[0];
  const double right = left + length;
  const double top = bounds[2] - 0.04 * extent;

  vtkNew<vtkPolyData> bar;
  vtkNew<vtkPoints> corners;
  corners->InsertNextPoint(left, top - thickness, z);
  corners->InsertNextPoint(right, top - thickness, z);
  corners->InsertNextPoint(right, top, z);
  corners->InsertNextPoint(left, top, z);
  vtkNew<vtkCellArray> quad;
  const vtkIdType ids[4] = { 0, 1, 2, 3 };
  quad->InsertNextCell(4, ids);
  bar->SetPoints(corners);
  bar->SetPolys(quad);

  // The label in the same world units, centred under the bar, so it scales with the arena.
  vtkNew<vtkVectorText> text;
  text->SetText(ScaleBarLabel(length, units).c_str());
  text->Update();
  double textBounds[6];
  text->GetOutput()->GetBounds(textBounds);
  const double textHeight = 0.045 * extent;
  const double scale = textHeight / std::max(1e-12, textBounds[3] - textBounds[2]);
  vtkNew<vtkTransform> place;
  place->Translate(left + 0.5 * length - 0.5 * scale * (textBounds[1] - textBounds[0]),
    top - thickness - 0.02 * extent - textHeight, z);
  place->Scale(scale, scale, 1.0);
  place->Translate(-textBounds[0], -textBounds[2], 0.0);
  vtkNew<vtkTransformPolyDataFilter> moved;
  moved->SetInputConnection(text->GetOutputPort());
  moved->SetTransform(place);

  vtkNew<vtkAppendPolyData> both;
  both->AddInputData(bar);
  both->AddInputConnection(moved->GetOutputPort());
  both->Update();
  auto output = vtkSmartPointer<vtkPolyData>::New();
  output->ShallowCopy(both->GetOutput());
  output->GetPointData()->Initialize();
  vtkNew<vtkDoubleArray> lengthArray;
  lengthArray->SetName("ScaleBarLength");
  lengthArray->InsertNextValue(length);
  output->GetFieldData()->AddArray(lengthArray);
  return output;
}

} // namespace neuroplayback
