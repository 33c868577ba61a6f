#include "vtkNeuroMarkerShapes.h"

#include <vtkCellArray.h>
#include <vtkInformation.h>
#include <vtkInformationVector.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkTriangleFilter.h>

#include <cmath>
#include <utility>
#include <vector>

vtkStandardNewMacro(vtkNeuroMarkerShapes);

namespace
{
using Outline = std::vector<std::pair<double, double>>;

Outline Regular(int sides, double radius, double startAngle)
{
  Outline ring;
  for (int k = 0; k < sides; ++k)
  {
    const double a = startAngle + 2.0 * M_PI * k / sides;
    ring.emplace_back(radius * std::cos(a), radius * std::sin(a));
  }
  return ring;
}

Outline Star()
{
  Outline ring;
  for (int k = 0; k < 10; ++k)
  {
    const double a = M_PI / 2 + M_PI * k / 5;
    const double r = k % 2 == 0 ? 0.5 : 0.2;
    ring.emplace_back(r * std::cos(a), r * std::sin(a));
  }
  return ring;
}

Outline PlusShape(double angle)
{
  const double w = 0.12; // half the bar width
  const Outline plus{ { w, -0.5 }, { w, -w }, { 0.5, -w }, { 0.5, w }, { w, w }, { w, 0.5 }, { -w, 0.5 }, { -w, w },
    { -0.5, w }, { -0.5, -w }, { -w, -w }, { -w, -0.5 } };
  Outline ring;
  for (const auto& [x, y] : plus)
  {
    ring.emplace_back(x * std::cos(angle) - y * std::sin(angle), x * std::sin(angle) + y * std::cos(angle));
  }
  return ring;
}

vtkSmartPointer<vtkPolyData> Filled(const Outline& ring)
{
  vtkNew<vtkPoints> points;
  vtkNew<vtkCellArray> polygon;
  polygon->InsertNextCell(static_cast<int>(ring.size()));
  for (const auto& [x, y] : ring)
  {
    polygon->InsertCellPoint(points->InsertNextPoint(x, y, 0.0));
  }
  vtkNew<vtkPolyData> shape;
  shape->SetPoints(points);
  shape->SetPolys(polygon);
  // Concave shapes (plus, cross, star) are triangulated here, once, so every renderer fills them right.
  vtkNew<vtkTriangleFilter> triangles;
  triangles->SetInputData(shape);
  triangles->Update();
  auto out = vtkSmartPointer<vtkPolyData>::New();
  out->ShallowCopy(triangles->GetOutput());
  return out;
}
} // namespace

vtkNeuroMarkerShapes::vtkNeuroMarkerShapes()
{
  this->SetNumberOfInputPorts(0);
}

int vtkNeuroMarkerShapes::RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector* outputVector)
{
  auto* output = vtkMultiBlockDataSet::GetData(outputVector, 0);
  const double h = std::sqrt(3.0) / 2.0;
  const std::vector<Outline> shapes{
    Regular(32, 0.5, 0.0),                        // o circle
    Regular(4, 0.5 * std::sqrt(2.0), M_PI / 4),   // s square, one unit across
    { { -0.5, -h / 3 }, { 0.5, -h / 3 }, { 0.0, 2 * h / 3 } },   // ^
    { { -0.5, h / 3 }, { 0.0, -2 * h / 3 }, { 0.5, h / 3 } },    // v
    Regular(4, 0.5, 0.0),                         // d diamond
    PlusShape(0.0),                               // +
    PlusShape(M_PI / 4),                          // x
    Star(),                                       // *
  };
  output->SetNumberOfBlocks(static_cast<unsigned int>(shapes.size()));
  for (std::size_t k = 0; k < shapes.size(); ++k)
  {
    output->SetBlock(static_cast<unsigned int>(k), Filled(shapes[k]));
  }
  return 1;
}

void vtkNeuroMarkerShapes::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "NumberOfShapes: " << NumberOfShapes << "\n";
}
