#include "vtkNeuroFieldRepresentation.h"

#include "DeliveredPiece.h"
#include "DrawOrder.h"
#include "FlattenedPiece.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCellType.h>
#include <vtkCellTypes.h>
#include <vtkDataSet.h>
#include <vtkDataSetAttributes.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkInformation.h>
#include <vtkIntArray.h>
#include <vtkInformationVector.h>
#include <vtkMath.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkOpenGLActor.h>
#include <vtkOpenGLPolyDataMapper.h>
#include <vtkOpenGLShaderProperty.h>
#include <vtkPVDataDeliveryManager.h>
#include <vtkPVRenderView.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarsToColors.h>
#include <vtkShaderProperty.h>
#include <vtkSmartPointer.h>
#include <vtkTimeStamp.h>
#include <vtkTexture.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace
{
// Two pieces are delivered to the rendering processes. The frame's piece carries these field-data
// arrays; the bins' cells (with texture coordinates) go through a representation of their own,
// vtkNeuroFieldCells below, and travel with the frame's piece only when they change on a time step.
// The render side keeps its own copy of the cells and rebuilds it only when their stamp changes (so the
// GPU buffers stay).
const char* const ValuesArray = "BinValues";         // one value per texel, cell k at texel k
const char* const HiddenArray = "HiddenTexels";      // 1 where a texel is not drawn (inactive grid bins)
const char* const TextureSizeArray = "TextureSize";  // the texture's width and height
const char* const GeometryStampArray = "CellsStamp"; // changes when the cells change
const char* const OriginalCellIds = "vtkOriginalCellIds";   // ParaView's names, as its geometry filter's
const char* const OriginalPointIds = "vtkOriginalPointIds";

// What identifies the input's cells: the same numbers mean the same geometry (the reader shallow-copies
// one geometry per file into every frame's output).
std::vector<double> StructureStamp(vtkDataSet* input)
{
  std::vector<double> stamp = { static_cast<double>(input->GetDataObjectType()),
    static_cast<double>(input->GetNumberOfCells()), static_cast<double>(input->GetNumberOfPoints()) };
  double bounds[6];
  input->GetBounds(bounds);
  stamp.insert(stamp.end(), bounds, bounds + 6);
  auto objectStamp = [&stamp](vtkObject* object) {
    stamp.push_back(static_cast<double>(reinterpret_cast<std::uintptr_t>(object)));
    stamp.push_back(object ? static_cast<double>(object->GetMTime()) : 0.0);
  };
  objectStamp(input->GetCellGhostArray());
  if (auto* poly = vtkPolyData::SafeDownCast(input))
  {
    objectStamp(poly->GetPoints());
    objectStamp(poly->GetPolys());
    objectStamp(poly->GetLines());
  }
  return stamp;
}

// What the rendering side draws: the cells with texture coordinates, and the texture's layout.
struct Cells
{
  vtkSmartPointer<vtkPolyData> Geometry;
  int TextureSize[2] = { 1, 1 };
  vtkSmartPointer<vtkUnsignedCharArray> Hidden; // per texel, 1 = not drawn; null when every texel is drawn
  std::vector<vtkIdType> TexelOfCell;            // empty: cell k is texel k
};

// A 2-D grid in the XY plane: one quad, one texel per cell (cell i + nx j is texel (i, j)).
bool BuildGridQuad(vtkDataSet* input, Cells& cells)
{
  auto* image = vtkImageData::SafeDownCast(input);
  int dims[3];
  if (!image || (image->GetDimensions(dims), dims[2] != 1) || dims[0] < 2 || dims[1] < 2)
  {
    return false;
  }
  double bounds[6];
  image->GetBounds(bounds);
  vtkNew<vtkPoints> points;
  vtkNew<vtkFloatArray> tcoords;
  tcoords->SetNumberOfComponents(2);
  const double corners[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
  vtkNew<vtkCellArray> quad;
  quad->InsertNextCell(4);
  for (const auto& c : corners)
  {
    quad->InsertCellPoint(points->InsertNextPoint(bounds[c[0] > 0 ? 1 : 0], bounds[c[1] > 0 ? 3 : 2], bounds[4]));
    tcoords->InsertNextTuple(c);
  }
  cells.Geometry = vtkSmartPointer<vtkPolyData>::New();
  cells.Geometry->SetPoints(points);
  cells.Geometry->SetPolys(quad);
  cells.Geometry->GetPointData()->SetTCoords(tcoords);
  cells.TextureSize[0] = dims[0] - 1;
  cells.TextureSize[1] = dims[1] - 1;
  if (vtkUnsignedCharArray* ghosts = image->GetCellGhostArray())
  {
    cells.Hidden = vtkSmartPointer<vtkUnsignedCharArray>::New();
    cells.Hidden->SetNumberOfTuples(ghosts->GetNumberOfTuples());
    for (vtkIdType k = 0; k < ghosts->GetNumberOfTuples(); ++k)
    {
      cells.Hidden->SetValue(k, (ghosts->GetValue(k) & vtkDataSetAttributes::HIDDENCELL) ? 1 : 0);
    }
  }
  return true;
}

// Any other dataset: each visible cell as its own polygon or line, every vertex carrying the centre of
// the cell's texel (cell k is texel k of rows `width` long). The input's cell and point ids go with them,
// under ParaView's names, so that a hardware selection names the input's cells and points.
void BuildCellsWithTexels(vtkDataSet* input, Cells& cells, int width = vtkNeuroFieldRepresentation::TextureWidth)
{
  const vtkIdType count = input->GetNumberOfCells();
  const int height = static_cast<int>(std::max<vtkIdType>(1, (count + width - 1) / width));
  vtkUnsignedCharArray* ghosts = input->GetCellGhostArray();
  vtkNew<vtkPoints> points;
  points->SetDataTypeToFloat();
  vtkNew<vtkFloatArray> tcoords;
  tcoords->SetNumberOfComponents(2);
  vtkNew<vtkCellArray> polys;
  vtkNew<vtkCellArray> lines;
  vtkNew<vtkIdTypeArray> pointIds;
  pointIds->SetName(OriginalPointIds);
  std::vector<vtkIdType> lineIds, polyIds;
  vtkNew<vtkIdList> ids;
  for (vtkIdType cell = 0; cell < count; ++cell)
  {
    if (ghosts && (ghosts->GetValue(cell) & vtkDataSetAttributes::HIDDENCELL))
    {
      continue;
    }
    const int type = input->GetCellType(cell);
    const int dimension = vtkCellTypes::GetDimension(static_cast<unsigned char>(type));
    input->GetCellPoints(cell, ids);
    const vtkIdType n = ids->GetNumberOfIds();
    if (dimension < 1 || n < 2)
    {
      continue;
    }
    if (type == VTK_PIXEL && n == 4)
    {
      // A pixel's corners are in raster order; a polygon needs them around its edge.
      const vtkIdType corner = ids->GetId(2);
      ids->SetId(2, ids->GetId(3));
      ids->SetId(3, corner);
    }
    const float texel[2] = { static_cast<float>((static_cast<double>(cell % width) + 0.5) / width),
      static_cast<float>((static_cast<double>(cell / width) + 0.5) / height) };
    vtkCellArray* target = dimension == 1 ? lines.Get() : polys.Get();
    (dimension == 1 ? lineIds : polyIds).push_back(cell);
    target->InsertNextCell(static_cast<int>(n));
    for (vtkIdType k = 0; k < n; ++k)
    {
      target->InsertCellPoint(points->InsertNextPoint(input->GetPoint(ids->GetId(k))));
      tcoords->InsertNextTuple(texel);
      pointIds->InsertNextValue(ids->GetId(k));
    }
  }
  // VTK numbers a polydata's lines before its polygons.
  vtkNew<vtkIdTypeArray> cellIds;
  cellIds->SetName(OriginalCellIds);
  cellIds->SetNumberOfTuples(static_cast<vtkIdType>(lineIds.size() + polyIds.size()));
  std::copy(polyIds.begin(), polyIds.end(), std::copy(lineIds.begin(), lineIds.end(), cellIds->GetPointer(0)));
  cells.Geometry = vtkSmartPointer<vtkPolyData>::New();
  cells.Geometry->SetPoints(points);
  cells.Geometry->SetPolys(polys);
  cells.Geometry->SetLines(lines);
  cells.Geometry->GetPointData()->SetTCoords(tcoords);
  cells.Geometry->GetPointData()->AddArray(pointIds);
  cells.Geometry->GetCellData()->AddArray(cellIds);
  cells.TextureSize[0] = width;
  cells.TextureSize[1] = height;
}

// NEUROPLAYBACK_FIELD_HEXAGONS=cells draws a hexagonal layout's bins as their own cells, as before (for
// comparison).
bool HexagonsAsCells()
{
  const char* way = std::getenv("NEUROPLAYBACK_FIELD_HEXAGONS");
  return way && std::string(way) == "cells";
}

// Hexagons of one size and orientation centred on their lattice (a hexagonal layout) are drawn like a
// grid: one quad whose fragments each find their hexagon, the lattice point nearest to them, in a texture
// of one texel per lattice point. As their own cells they cost llvmpipe four triangles a bin on every
// render (10,000 bins: 20 ms a render at 1200x900, docs/benchmarks.md §38). The quad's texture
// coordinates are the lattice's axial coordinates in texels, linear in x and y, so the fragment shader
// (HexagonLookup) rounds them to the nearest lattice point. The bins' own hexagons follow the quad in
// the same polydata, for hardware selection only.
const char* const HexLatticeArray = "HexLattice"; // on such cells: the first is the quad, the rest the bins

bool BuildHexLatticeQuad(vtkDataSet* input, Cells& cells)
{
  auto* poly = vtkPolyData::SafeDownCast(input);
  const vtkIdType count = poly ? poly->GetNumberOfCells() : 0;
  if (count < 2 || poly->GetNumberOfPolys() != count || HexagonsAsCells())
  {
    return false;
  }
  double bounds[6];
  poly->GetBounds(bounds);
  if (bounds[5] != bounds[4])
  {
    return false;
  }
  vtkNew<vtkIdList> ids;
  double point[3];
  auto centre = [&](vtkIdType cell, double c[2]) {
    poly->GetCellPoints(cell, ids);
    if (ids->GetNumberOfIds() != 6)
    {
      return false;
    }
    c[0] = c[1] = 0.0;
    for (vtkIdType k = 0; k < 6; ++k)
    {
      poly->GetPoint(ids->GetId(k), point);
      c[0] += point[0] / 6.0;
      c[1] += point[1] / 6.0;
    }
    return true;
  };
  double origin[2];
  if (!centre(0, origin))
  {
    return false;
  }
  poly->GetPoint(ids->GetId(0), point);
  const double radius = std::hypot(point[0] - origin[0], point[1] - origin[1]);
  const double theta = std::atan2(point[1] - origin[1], point[0] - origin[0]);
  if (!(radius > 0.0))
  {
    return false;
  }
  // Neighbouring centres are sqrt(3) radius apart, at theta + 30 + 60 k degrees: two of them, 60 degrees
  // apart, are the lattice's axial basis.
  const double pi = vtkMath::Pi();
  const double spacing = std::sqrt(3.0) * radius;
  const double a[2] = { spacing * std::cos(theta + pi / 6), spacing * std::sin(theta + pi / 6) };
  const double b[2] = { spacing * std::cos(theta + pi / 2), spacing * std::sin(theta + pi / 2) };
  const double determinant = a[0] * b[1] - a[1] * b[0];
  auto axial = [&](double x, double y, double uv[2]) {
    const double dx = x - origin[0];
    const double dy = y - origin[1];
    uv[0] = (dx * b[1] - dy * b[0]) / determinant;
    uv[1] = (a[0] * dy - a[1] * dx) / determinant;
  };
  const double tolerance = 1e-3;
  auto whole = [tolerance](double value) { return std::abs(value - std::round(value)) < tolerance; };
  std::vector<std::array<long, 2>> lattice(static_cast<std::size_t>(count));
  long low[2] = { LONG_MAX, LONG_MAX };
  long high[2] = { LONG_MIN, LONG_MIN };
  for (vtkIdType cell = 0; cell < count; ++cell)
  {
    double c[2], uv[2];
    if (!centre(cell, c))
    {
      return false;
    }
    for (vtkIdType k = 0; k < 6; ++k)
    {
      poly->GetPoint(ids->GetId(k), point);
      const double dx = point[0] - c[0];
      const double dy = point[1] - c[1];
      if (std::abs(std::hypot(dx, dy) - radius) > tolerance * radius ||
        !whole((std::atan2(dy, dx) - theta) / (pi / 3)))
      {
        return false;
      }
    }
    axial(c[0], c[1], uv);
    if (!whole(uv[0]) || !whole(uv[1]))
    {
      return false;
    }
    for (int i = 0; i < 2; ++i)
    {
      lattice[cell][i] = std::lround(uv[i]);
      low[i] = std::min(low[i], lattice[cell][i]);
      high[i] = std::max(high[i], lattice[cell][i]);
    }
  }
  const long width = high[0] - low[0] + 1;
  const long height = high[1] - low[1] + 1;
  if (width > vtkNeuroFieldRepresentation::TextureWidth || height > vtkNeuroFieldRepresentation::TextureWidth ||
    width * height > 4 * count + 64)
  {
    return false;
  }
  std::vector<vtkIdType> cellOfTexel(static_cast<std::size_t>(width * height), -1);
  std::vector<vtkIdType> texelOfCell(static_cast<std::size_t>(count));
  for (vtkIdType cell = 0; cell < count; ++cell)
  {
    const auto texel = static_cast<std::size_t>((lattice[cell][0] - low[0]) + width * (lattice[cell][1] - low[1]));
    if (cellOfTexel[texel] >= 0)
    {
      return false;
    }
    cellOfTexel[texel] = cell;
    texelOfCell[static_cast<std::size_t>(cell)] = static_cast<vtkIdType>(texel);
  }
  // The quad, then each visible bin's hexagon; texture coordinates are axial ones, texel centres at +0.5.
  vtkUnsignedCharArray* ghosts = input->GetCellGhostArray();
  vtkNew<vtkPoints> points;
  points->SetDataTypeToFloat();
  vtkNew<vtkFloatArray> tcoords;
  tcoords->SetNumberOfComponents(2);
  vtkNew<vtkIdTypeArray> pointIds;
  pointIds->SetName(OriginalPointIds);
  vtkNew<vtkIdTypeArray> cellIds;
  cellIds->SetName(OriginalCellIds);
  vtkNew<vtkCellArray> polys;
  auto add = [&](double x, double y, vtkIdType id) {
    double uv[2];
    axial(x, y, uv);
    const float texel[2] = { static_cast<float>(uv[0] - static_cast<double>(low[0]) + 0.5), static_cast<float>(uv[1] - static_cast<double>(low[1]) + 0.5) };
    tcoords->InsertNextTuple(texel);
    pointIds->InsertNextValue(id);
    return points->InsertNextPoint(x, y, bounds[4]);
  };
  const double corners[4][2] = { { bounds[0], bounds[2] }, { bounds[1], bounds[2] }, { bounds[1], bounds[3] },
    { bounds[0], bounds[3] } };
  polys->InsertNextCell(4);
  for (const auto& corner : corners)
  {
    polys->InsertCellPoint(add(corner[0], corner[1], -1));
  }
  cellIds->InsertNextValue(-1);
  cells.Hidden = vtkSmartPointer<vtkUnsignedCharArray>::New();
  cells.Hidden->SetNumberOfTuples(width * height);
  for (vtkIdType texel = 0; texel < width * height; ++texel)
  {
    const vtkIdType cell = cellOfTexel[static_cast<std::size_t>(texel)];
    const bool hidden = cell < 0 || (ghosts && (ghosts->GetValue(cell) & vtkDataSetAttributes::HIDDENCELL));
    cells.Hidden->SetValue(texel, hidden ? 1 : 0);
  }
  for (vtkIdType cell = 0; cell < count; ++cell) // in the input's order, as the bins' own cells would be
  {
    if (cells.Hidden->GetValue(texelOfCell[static_cast<std::size_t>(cell)]))
    {
      continue;
    }
    poly->GetCellPoints(cell, ids);
    polys->InsertNextCell(6);
    for (vtkIdType k = 0; k < 6; ++k)
    {
      poly->GetPoint(ids->GetId(k), point);
      polys->InsertCellPoint(add(point[0], point[1], ids->GetId(k)));
    }
    cellIds->InsertNextValue(cell);
  }
  cells.Geometry = vtkSmartPointer<vtkPolyData>::New();
  cells.Geometry->SetPoints(points);
  cells.Geometry->SetPolys(polys);
  cells.Geometry->GetPointData()->SetTCoords(tcoords);
  cells.Geometry->GetPointData()->AddArray(pointIds);
  cells.Geometry->GetCellData()->AddArray(cellIds);
  neuroplayback::AddFieldNumber(cells.Geometry, HexLatticeArray, 1.0);
  cells.TextureSize[0] = static_cast<int>(width);
  cells.TextureSize[1] = static_cast<int>(height);
  cells.TexelOfCell = std::move(texelOfCell);
  return true;
}

// The fragment's hexagon: the lattice point nearest to its axial coordinates (cube rounding), whose
// texel holds the bin's colour; no bin there (a transparent texel, or outside the lattice's range): not
// drawn. A pixel centre exactly on an edge goes to the hexagon on its right, as OpenGL's rasterizer
// gives it to the polygon whose left edge it is on.
const char* const HexagonLookup = R"(
  vec2 axialCoordinates = tcoordVCVSOutput - vec2(0.5) + 1e-3 * dFdx(tcoordVCVSOutput);
  vec3 cube = vec3(axialCoordinates.x, -axialCoordinates.x - axialCoordinates.y, axialCoordinates.y);
  vec3 nearest = floor(cube + vec3(0.5));
  vec3 away = abs(nearest - cube);
  if (away.x > away.y && away.x > away.z) { nearest.x = -nearest.y - nearest.z; }
  else if (away.y > away.z) { nearest.y = -nearest.x - nearest.z; }
  else { nearest.z = -nearest.x - nearest.y; }
  ivec2 hexagon = ivec2(nearest.xz);
  if (any(lessThan(hexagon, ivec2(0))) || any(greaterThanEqual(hexagon, textureSize(actortexture, 0)))) { discard; }
  vec4 tcolor = texelFetch(actortexture, hexagon, 0);
  if (tcolor.a <= 0.0) { discard; }
  gl_FragData[0] = gl_FragData[0] * tcolor;
)";

// The grid's bins as their own cells, for a hardware selection: rebuilt on the rendering side from the
// quad's bounds and the texture's layout, so no second geometry is delivered on every frame.
vtkSmartPointer<vtkPolyData> GridBinCells(const double bounds[6], int nx, int ny, vtkUnsignedCharArray* hidden)
{
  vtkNew<vtkImageData> grid;
  grid->SetDimensions(nx + 1, ny + 1, 1);
  grid->SetOrigin(bounds[0], bounds[2], bounds[4]);
  grid->SetSpacing((bounds[1] - bounds[0]) / nx, (bounds[3] - bounds[2]) / ny, 1.0);
  if (hidden && hidden->GetNumberOfTuples() == static_cast<vtkIdType>(nx) * ny)
  {
    vtkUnsignedCharArray* ghosts = grid->AllocateCellGhostArray();
    for (vtkIdType k = 0; k < hidden->GetNumberOfTuples(); ++k)
    {
      ghosts->SetValue(k, hidden->GetValue(k) ? vtkDataSetAttributes::HIDDENCELL : 0);
    }
  }
  Cells cells;
  BuildCellsWithTexels(grid, cells, nx);
  return cells.Geometry;
}

// Draws the field. In a hardware-selection render it draws the bins' own cells instead of a grid's one
// quad, so that a pick names the bin (ParaView's Select Cells, Hover Cells, Find Data).
class vtkNeuroFieldActor : public vtkOpenGLActor
{
public:
  static vtkNeuroFieldActor* New();
  vtkTypeMacro(vtkNeuroFieldActor, vtkOpenGLActor)

  std::function<vtkMapper*()> SelectionMapper; // null result: select with the drawing mapper

  int RenderOpaqueGeometry(vtkViewport* viewport) override
  {
    auto* renderer = vtkRenderer::SafeDownCast(viewport);
    vtkMapper* selection =
      renderer && renderer->GetSelector() && this->SelectionMapper ? this->SelectionMapper() : nullptr;
    return this->With(selection, [&]() { return this->Superclass::RenderOpaqueGeometry(viewport); });
  }

  // After the selection render: the mapper that drew it turns its primitives into the input's ids.
  void ProcessSelectorPixelBuffers(vtkHardwareSelector* selector, std::vector<unsigned int>& offsets) override
  {
    vtkMapper* selection = this->SelectionMapper ? this->SelectionMapper() : nullptr;
    this->With(selection, [&]() {
      this->Superclass::ProcessSelectorPixelBuffers(selector, offsets);
      return 0;
    });
  }

protected:
  template <typename Work>
  int With(vtkMapper* mapper, Work work)
  {
    if (!mapper)
    {
      return work();
    }
    // Swapped without SetMapper: nothing is marked modified. The selection's cells are drawn with
    // VTK's own shaders and no texture: they are the visible bins, and only their ids are drawn.
    vtkMapper* drawing = this->Mapper;
    vtkShaderProperty* shading = this->ShaderProperty;
    vtkTexture* texture = this->Texture;
    this->Mapper = mapper;
    this->ShaderProperty = this->PlainShading;
    this->Texture = nullptr;
    const int result = work();
    this->Mapper = drawing;
    this->ShaderProperty = shading;
    this->Texture = texture;
    return result;
  }

  vtkNew<vtkOpenGLShaderProperty> PlainShading;

  vtkNeuroFieldActor() = default;
  ~vtkNeuroFieldActor() override = default;
};
vtkStandardNewMacro(vtkNeuroFieldActor);

// The field's cells as a representation of their own, added to the view beside the field display.
// ParaView drops every piece a representation delivered whenever the representation is marked
// modified, which each time step does to the field display: its cells were sent to a pvserver's client
// again on every frame (2.1 MB for 10,000 hexagons). This one has no input, so a time step leaves it
// alone and the client keeps the cells it was sent. The field display hands it its pieces.
class vtkNeuroFieldCells : public vtkPVDataRepresentation
{
public:
  static vtkNeuroFieldCells* New();
  vtkTypeMacro(vtkNeuroFieldCells, vtkPVDataRepresentation)
  int ProcessViewRequest(vtkInformationRequestKey*, vtkInformation*, vtkInformation*) override { return 1; }

protected:
  vtkNeuroFieldCells() { this->SetNumberOfInputPorts(0); }
  ~vtkNeuroFieldCells() override = default;
};
vtkStandardNewMacro(vtkNeuroFieldCells);

// NEUROPLAYBACK_FIELD_CELLS=every-frame sends the cells with every frame's piece, as before (for
// comparison).
bool CellsWithEveryFrame()
{
  const char* way = std::getenv("NEUROPLAYBACK_FIELD_CELLS");
  return way && std::string(way) == "every-frame";
}

} // namespace

struct vtkNeuroFieldRepresentation::Internals
{
  // Data side.
  std::vector<double> Stamp;
  Cells Built;
  double GeometryStamp = 0.0;
  bool CellsChanged = false; // by the last RequestData
  // The cells' own representation and its piece. They are handed to the view again after any change
  // but a time step's (the same calls reach the client and the server, so both hand them over and the
  // client asks for them), and whenever they change here.
  vtkNew<vtkNeuroFieldCells> CellsShown;
  vtkSmartPointer<vtkPolyData> CellsPiece = vtkSmartPointer<vtkPolyData>::New();
  bool CellsWanted = true;
  bool TimeStepping = false;
  const bool CellsWithEveryFrame = ::CellsWithEveryFrame();
  // The piece as handed to the view (flattened on a pvserver) and as drawn (FlattenedPiece.h).
  neuroplayback::FlattenedDelivery Delivery;
  double Bounds[6] = { 0, -1, 0, -1, 0, -1 };

  // Render side.
  vtkNew<vtkPolyData> Drawn; // the mapper's input: changed only when the delivered cells' stamp changes
  double DrawnStamp = -1.0;
  vtkNew<vtkPolyDataMapper> Mapper;
  vtkNew<vtkNeuroFieldActor> Actor;
  int DrawnTexture[2] = { 0, 0 }; // the delivered texture layout, and the hidden texels
  vtkSmartPointer<vtkUnsignedCharArray> DrawnHidden;
  bool DrawnLattice = false;                 // a hexagon lattice's quad (BuildHexLatticeQuad)
  vtkNew<vtkPolyData> LatticeBins;           // and its bins' hexagons, for a hardware selection
  vtkNew<vtkPolyDataMapper> SelectionMapper; // a grid's bins as cells, built at the first selection
  double SelectionStamp = -1.0;
  neuroplayback::PieceClip Clip; // under MPI, this rank's slab
  vtkNew<vtkTexture> Texture;
  vtkNew<vtkImageData> Colors;
  vtkSmartPointer<vtkScalarsToColors> LookupTable;
  bool MappedSolid = false;
  vtkMTimeType MappedValuesTime = 0; // a new values array has a new modification time
  vtkMTimeType MappedTableTime = 0;
  double SolidColor[3] = { 1.0, 1.0, 1.0 };
  vtkTimeStamp SolidColorTime;
  std::string ColorArray; // empty: the solid colour
};

vtkStandardNewMacro(vtkNeuroFieldRepresentation);

vtkNeuroFieldRepresentation::vtkNeuroFieldRepresentation()
  : Internal(new Internals)
{
  Internals& in = *this->Internal;
  in.Delivery.Send(vtkSmartPointer<vtkPolyData>::New()); // an empty piece until the first update
  in.Mapper->ScalarVisibilityOff();
  in.Mapper->SetInputData(in.Drawn);
  in.SelectionMapper->ScalarVisibilityOff();
  this->SetArrayIdNames(nullptr, nullptr);
  in.Actor->SetMapper(in.Mapper);
  in.Actor->SelectionMapper = [this]() { return this->GridSelectionMapper(); };
  in.Texture->InterpolateOff();
  in.Texture->RepeatOff();
  in.Texture->EdgeClampOn();
  in.Texture->SetInputData(in.Colors);
  // Unlit: a bin shows exactly its colour-map colour (the texture times a white ambient term). Lighting
  // off too, though it adds nothing here: lit, VTK's fragment shader still runs every light of ParaView's
  // light kit per pixel, the costliest part of the frame on software GL (docs/benchmarks.md §34).
  vtkProperty* property = in.Actor->GetProperty();
  property->SetAmbient(1.0);
  property->SetDiffuse(0.0);
  property->SetSpecular(0.0);
  property->SetAmbientColor(1.0, 1.0, 1.0);
  property->LightingOff();
}

vtkNeuroFieldRepresentation::~vtkNeuroFieldRepresentation() = default;

int vtkNeuroFieldRepresentation::FillInputPortInformation(int, vtkInformation* info)
{
  info->Set(vtkAlgorithm::INPUT_REQUIRED_DATA_TYPE(), "vtkDataSet");
  info->Set(vtkAlgorithm::INPUT_IS_OPTIONAL(), 1);
  return 1;
}

void vtkNeuroFieldRepresentation::SetVisibility(bool visible)
{
  this->Internal->Actor->SetVisibility(visible);
  this->Internal->CellsShown->SetVisibility(visible);
  this->Superclass::SetVisibility(visible);
}

void vtkNeuroFieldRepresentation::SetLookupTable(vtkScalarsToColors* table)
{
  if (this->Internal->LookupTable != table)
  {
    this->Internal->LookupTable = table;
    this->Internal->MappedTableTime = 0;
    this->Modified();
  }
}

void vtkNeuroFieldRepresentation::SetInputArrayToProcess(
  int idx, int port, int connection, int association, const char* name)
{
  this->Superclass::SetInputArrayToProcess(idx, port, connection, association, name);
  const bool cells = association == vtkDataObject::FIELD_ASSOCIATION_CELLS;
  this->Internal->ColorArray = cells && name ? name : "";
  this->MarkModified();
}

void vtkNeuroFieldRepresentation::SetOpacity(double opacity)
{
  this->Internal->Actor->GetProperty()->SetOpacity(opacity);
}

void vtkNeuroFieldRepresentation::SetLineWidth(double width)
{
  this->Internal->Actor->GetProperty()->SetLineWidth(static_cast<float>(width));
}

void vtkNeuroFieldRepresentation::SetDiffuseColor(double r, double g, double b)
{
  Internals& in = *this->Internal;
  in.SolidColor[0] = r;
  in.SolidColor[1] = g;
  in.SolidColor[2] = b;
  in.SolidColorTime.Modified();
}

void vtkNeuroFieldRepresentation::SetPickable(int pickable)
{
  this->Internal->Actor->SetPickable(pickable);
}

void vtkNeuroFieldRepresentation::SetPosition(double x, double y, double z)
{
  this->Internal->Actor->SetPosition(x, y, z);
}

void vtkNeuroFieldRepresentation::SetScale(double x, double y, double z)
{
  this->Internal->Actor->SetScale(x, y, z);
}

void vtkNeuroFieldRepresentation::SetOrientation(double x, double y, double z)
{
  this->Internal->Actor->SetOrientation(x, y, z);
}

void vtkNeuroFieldRepresentation::SetOrigin(double x, double y, double z)
{
  this->Internal->Actor->SetOrigin(x, y, z);
}

int vtkNeuroFieldRepresentation::RequestData(
  vtkInformation* request, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  Internals& in = *this->Internal;
  vtkDataSet* input = inputVector[0]->GetNumberOfInformationObjects() > 0 ? vtkDataSet::GetData(inputVector[0], 0) : nullptr;
  in.CellsChanged = false;
  if (!input || input->GetNumberOfCells() == 0)
  {
    in.CellsChanged = !in.Stamp.empty(); // a client's input is always empty: it never changes
    in.Stamp.clear();
    in.Built = Cells();
    if (in.CellsChanged)
    {
      in.GeometryStamp += 1.0;
      in.CellsPiece = vtkSmartPointer<vtkPolyData>::New();
    }
    in.Delivery.Send(vtkSmartPointer<vtkPolyData>::New());
    vtkMath::UninitializeBounds(in.Bounds);
    return this->Superclass::RequestData(request, inputVector, outputVector);
  }
  std::vector<double> stamp = StructureStamp(input);
  if (stamp != in.Stamp)
  {
    in.Built = Cells();
    if (!BuildGridQuad(input, in.Built) && !BuildHexLatticeQuad(input, in.Built))
    {
      BuildCellsWithTexels(input, in.Built);
    }
    in.GeometryStamp += 1.0;
    in.Stamp = std::move(stamp);
    input->GetBounds(in.Bounds);
    in.CellsChanged = true;
    in.CellsPiece = vtkSmartPointer<vtkPolyData>::New();
    in.CellsPiece->ShallowCopy(in.Built.Geometry);
    neuroplayback::AddFieldNumber(in.CellsPiece, GeometryStampArray, in.GeometryStamp);
  }
  // A new piece each frame, so the delivery sees a new object. The cells (shared, not copied) travel
  // with it when they changed on a time step: the client did not ask for the cells' own piece then.
  auto piece = vtkSmartPointer<vtkPolyData>::New();
  if (in.CellsWithEveryFrame || (in.CellsChanged && !in.CellsWanted))
  {
    piece->ShallowCopy(in.Built.Geometry);
  }
  neuroplayback::AddFieldNumber(piece, GeometryStampArray, in.GeometryStamp);
  vtkNew<vtkIntArray> size;
  size->SetName(TextureSizeArray);
  size->SetNumberOfComponents(2);
  size->InsertNextTypedTuple(in.Built.TextureSize);
  piece->GetFieldData()->AddArray(size);
  if (in.Built.Hidden)
  {
    in.Built.Hidden->SetName(HiddenArray);
    piece->GetFieldData()->AddArray(in.Built.Hidden);
  }
  vtkDataArray* array = in.ColorArray.empty() ? nullptr : input->GetCellData()->GetArray(in.ColorArray.c_str());
  if (array && array->GetNumberOfComponents() == 1)
  {
    const vtkIdType cells = input->GetNumberOfCells();
    vtkNew<vtkDoubleArray> texels;
    texels->SetName(ValuesArray);
    texels->SetNumberOfTuples(static_cast<vtkIdType>(in.Built.TextureSize[0]) * in.Built.TextureSize[1]);
    double* target = texels->GetPointer(0);
    // Cell k's value goes to texel k, or to its lattice point's texel; texels without a bin are NaN
    // (hidden or past the last cell anyway).
    const std::vector<vtkIdType>& texelOf = in.Built.TexelOfCell;
    const vtkIdType copied =
      std::min(cells, texelOf.empty() ? texels->GetNumberOfTuples() : static_cast<vtkIdType>(texelOf.size()));
    std::fill(target, target + texels->GetNumberOfTuples(), std::numeric_limits<double>::quiet_NaN());
    auto copy = [&](auto value) {
      for (vtkIdType k = 0; k < copied; ++k)
      {
        target[texelOf.empty() ? k : texelOf[static_cast<std::size_t>(k)]] = value(k);
      }
    };
    if (auto* floats = vtkFloatArray::SafeDownCast(array))
    {
      copy([values = floats->GetPointer(0)](vtkIdType k) { return static_cast<double>(values[k]); });
    }
    else if (auto* doubles = vtkDoubleArray::SafeDownCast(array))
    {
      copy([values = doubles->GetPointer(0)](vtkIdType k) { return values[k]; });
    }
    else
    {
      copy([array](vtkIdType k) { return array->GetComponent(k, 0); });
    }
    piece->GetFieldData()->AddArray(texels);
  }
  neuroplayback::CopyPieceRegion(input, piece);
  in.Delivery.Send(piece);
  return this->Superclass::RequestData(request, inputVector, outputVector);
}

int vtkNeuroFieldRepresentation::ProcessViewRequest(
  vtkInformationRequestKey* request, vtkInformation* inInfo, vtkInformation* outInfo)
{
  if (!this->Superclass::ProcessViewRequest(request, inInfo, outInfo))
  {
    return 0;
  }
  Internals& in = *this->Internal;
  if (request == vtkPVView::REQUEST_UPDATE())
  {
    neuroplayback::SetPieceAndBounds(inInfo, this, in.Delivery.Sent(), in.Bounds);
    auto* view = vtkPVView::SafeDownCast(this->GetView());
    if (!in.CellsWithEveryFrame && view && view->GetDeliveryManager())
    {
      if (in.CellsWanted || in.CellsChanged)
      {
        view->GetDeliveryManager()->ClearCache(in.CellsShown); // else the view keeps the piece it has
        in.CellsWanted = false;
        in.CellsChanged = false;
      }
      // The same piece again is ignored; a piece the view dropped is handed over again.
      vtkPVView::SetPiece(inInfo, in.CellsShown, in.CellsPiece, neuroplayback::DeliverySize(in.Delivery.Sent()));
    }
  }
  else if (request == vtkPVView::REQUEST_RENDER())
  {
    auto* piece = vtkPolyData::SafeDownCast(in.Delivery.Receive(vtkPVView::GetDeliveredPiece(inInfo, this)));
    const double wanted = neuroplayback::FieldNumber(piece, GeometryStampArray, -1.0);
    if (wanted != in.DrawnStamp)
    {
      // New cells: the GPU buffers are rebuilt once, not on every frame.
      vtkPolyData* cells = piece && piece->GetNumberOfPoints() > 0 ? piece : nullptr;
      if (!cells && wanted >= 0.0)
      {
        auto* own = vtkPolyData::SafeDownCast(vtkPVView::GetDeliveredPiece(inInfo, in.CellsShown));
        cells = neuroplayback::FieldNumber(own, GeometryStampArray, -1.0) == wanted ? own : nullptr;
        // Not delivered (it should never be): nothing is drawn until the next update asks again.
        in.CellsWanted = in.CellsWanted || !cells;
      }
      in.Drawn->Initialize();
      in.LatticeBins->Initialize();
      in.DrawnLattice = cells && neuroplayback::FieldNumber(cells, HexLatticeArray, 0.0) > 0.0;
      if (in.DrawnLattice)
      {
        this->SplitLattice(cells);
      }
      else if (cells)
      {
        in.Drawn->CopyStructure(cells);
        in.Drawn->GetPointData()->PassData(cells->GetPointData());
        in.Drawn->GetCellData()->PassData(cells->GetCellData());
      }
      vtkShaderProperty* shading = in.Actor->GetShaderProperty();
      if (in.DrawnLattice)
      {
        shading->AddFragmentShaderReplacement("//VTK::TCoord::Impl", true, HexagonLookup, false);
      }
      else
      {
        shading->ClearFragmentShaderReplacement("//VTK::TCoord::Impl", true);
      }
      in.DrawnStamp = cells || wanted < 0.0 ? wanted : -1.0;
    }
    this->UpdateTexture(piece ? piece->GetFieldData() : nullptr);
    in.Clip.Apply(piece, { in.Mapper.Get(), in.SelectionMapper.Get() });
    if (auto* view = vtkPVRenderView::SafeDownCast(this->GetView()))
    {
      neuroplayback::DrawBottomToTop(view->GetRenderer()); // what blends over the field comes after it
    }
  }
  return 1;
}

void vtkNeuroFieldRepresentation::SplitLattice(vtkPolyData* cells)
{
  // The first cell, the quad, is drawn; the others, the bins' hexagons, are drawn in selection renders
  // only (vtkNeuroFieldActor: without the lookup or the texture). Both share the points.
  Internals& in = *this->Internal;
  vtkCellArray* polys = cells->GetPolys();
  vtkDataArray* cellIds = cells->GetCellData()->GetArray(OriginalCellIds);
  if (!polys || polys->GetNumberOfCells() < 1 || !cellIds)
  {
    return;
  }
  vtkNew<vtkIdList> ids;
  vtkNew<vtkCellArray> quad;
  vtkNew<vtkCellArray> bins;
  vtkNew<vtkIdTypeArray> binIds;
  binIds->SetName(OriginalCellIds);
  for (vtkIdType cell = 0; cell < polys->GetNumberOfCells(); ++cell)
  {
    polys->GetCellAtId(cell, ids);
    (cell == 0 ? quad.Get() : bins.Get())->InsertNextCell(ids);
    if (cell > 0)
    {
      binIds->InsertNextValue(static_cast<vtkIdType>(cellIds->GetComponent(cell, 0)));
    }
  }
  in.Drawn->SetPoints(cells->GetPoints());
  in.Drawn->SetPolys(quad);
  in.Drawn->GetPointData()->SetTCoords(cells->GetPointData()->GetTCoords());
  in.LatticeBins->SetPoints(cells->GetPoints());
  in.LatticeBins->SetPolys(bins);
  in.LatticeBins->GetPointData()->PassData(cells->GetPointData());
  in.LatticeBins->GetCellData()->AddArray(binIds);
}

vtkMapper* vtkNeuroFieldRepresentation::GridSelectionMapper()
{
  Internals& in = *this->Internal;
  // Other layouts draw their bins' own cells, with the input's ids: they select as drawn.
  if (in.DrawnLattice)
  {
    if (in.SelectionMapper->GetInput() != in.LatticeBins.Get())
    {
      in.SelectionMapper->SetInputData(in.LatticeBins);
    }
    in.SelectionStamp = -1.0;
    return in.SelectionMapper;
  }
  if (in.Drawn->GetNumberOfCells() == 0 || in.Drawn->GetCellData()->GetArray(OriginalCellIds) ||
    in.DrawnTexture[0] < 1 || in.DrawnTexture[1] < 1)
  {
    return nullptr;
  }
  if (in.SelectionStamp != in.DrawnStamp)
  {
    in.SelectionMapper->SetInputData(
      GridBinCells(in.Drawn->GetBounds(), in.DrawnTexture[0], in.DrawnTexture[1], in.DrawnHidden));
    in.SelectionStamp = in.DrawnStamp;
  }
  return in.SelectionMapper;
}

void vtkNeuroFieldRepresentation::SetArrayIdNames(const char* pointArray, const char* cellArray)
{
  // As ParaView's own representations: a selection reports these arrays' values (the input's ids, or
  // another array ParaView asks for).
  for (vtkPolyDataMapper* mapper : { this->Internal->Mapper.Get(), this->Internal->SelectionMapper.Get() })
  {
    if (auto* opengl = vtkOpenGLPolyDataMapper::SafeDownCast(mapper))
    {
      opengl->SetPointIdArrayName(pointArray ? pointArray : OriginalPointIds);
      opengl->SetCellIdArrayName(cellArray ? cellArray : OriginalCellIds);
    }
  }
}

void vtkNeuroFieldRepresentation::UpdateTexture(vtkFieldData* fields)
{
  Internals& in = *this->Internal;
  vtkDataArray* texels = fields ? fields->GetArray(ValuesArray) : nullptr;
  auto* size = fields ? vtkIntArray::SafeDownCast(fields->GetArray(TextureSizeArray)) : nullptr;
  auto* hidden = fields ? vtkUnsignedCharArray::SafeDownCast(fields->GetArray(HiddenArray)) : nullptr;
  if (!size || size->GetNumberOfTuples() != 1)
  {
    in.Actor->SetTexture(nullptr);
    return;
  }
  const int width = size->GetValue(0);
  const int height = size->GetValue(1);
  in.DrawnTexture[0] = width;
  in.DrawnTexture[1] = height;
  in.DrawnHidden = hidden;
  const vtkIdType count = static_cast<vtkIdType>(width) * height;
  const bool solid = !texels || !in.LookupTable || texels->GetNumberOfTuples() != count;
  const bool changed = solid ? !in.MappedSolid || in.Colors->GetMTime() < in.SolidColorTime
                             : texels->GetMTime() != in.MappedValuesTime ||
                               in.LookupTable->GetMTime() != in.MappedTableTime;
  if (!changed && in.Actor->GetTexture())
  {
    return;
  }
  // RGB when every texel is opaque: VTK then skips scanning the texture for translucency.
  const bool opaque = !hidden && (solid || in.LookupTable->IsOpaque(texels, VTK_COLOR_MODE_MAP_SCALARS, -1));
  const int components = opaque ? 3 : 4;
  vtkSmartPointer<vtkUnsignedCharArray> colors;
  if (solid)
  {
    colors = vtkSmartPointer<vtkUnsignedCharArray>::New();
    colors->SetNumberOfComponents(components);
    colors->SetNumberOfTuples(count);
    unsigned char rgba[4] = { 255, 255, 255, 255 };
    for (int c = 0; c < 3; ++c)
    {
      rgba[c] = static_cast<unsigned char>(std::lround(255.0 * std::clamp(in.SolidColor[c], 0.0, 1.0)));
    }
    for (vtkIdType k = 0; k < count; ++k)
    {
      colors->SetTypedTuple(k, rgba);
    }
  }
  else
  {
    // ParaView's colour map, as its own mappers apply it (log scale, NaN and out-of-range colours).
    colors.TakeReference(in.LookupTable->MapScalars(texels, VTK_COLOR_MODE_MAP_SCALARS, -1, opaque ? VTK_RGB : VTK_RGBA));
  }
  if (hidden && hidden->GetNumberOfTuples() <= count)
  {
    // A transparent texel is discarded by VTK's texture shader: the bin is not drawn at all.
    unsigned char* rgba = colors->GetPointer(0);
    const unsigned char* mask = hidden->GetPointer(0);
    for (vtkIdType k = 0; k < hidden->GetNumberOfTuples(); ++k)
    {
      if (mask[k])
      {
        rgba[4 * k + 3] = 0;
      }
    }
  }
  in.Colors->SetDimensions(width, height, 1);
  in.Colors->GetPointData()->SetScalars(colors);
  in.Colors->Modified();
  in.MappedSolid = solid;
  in.MappedValuesTime = solid ? 0 : texels->GetMTime();
  in.MappedTableTime = solid ? 0 : in.LookupTable->GetMTime();
  in.Actor->SetTexture(in.Texture);
}

bool vtkNeuroFieldRepresentation::AddToView(vtkView* view)
{
  auto* renderView = vtkPVRenderView::SafeDownCast(view);
  if (!renderView)
  {
    return false;
  }
  renderView->GetRenderer()->AddActor(this->Internal->Actor);
  renderView->RegisterPropForHardwareSelection(this, this->Internal->Actor);
  if (!this->Superclass::AddToView(view))
  {
    return false;
  }
  this->Internal->CellsWanted = true;
  view->AddRepresentation(this->Internal->CellsShown);
  return true;
}

bool vtkNeuroFieldRepresentation::RemoveFromView(vtkView* view)
{
  auto* renderView = vtkPVRenderView::SafeDownCast(view);
  if (!renderView)
  {
    return false;
  }
  renderView->GetRenderer()->RemoveActor(this->Internal->Actor);
  renderView->UnRegisterPropForHardwareSelection(this, this->Internal->Actor);
  view->RemoveRepresentation(this->Internal->CellsShown);
  return this->Superclass::RemoveFromView(view);
}

unsigned int vtkNeuroFieldRepresentation::Initialize(unsigned int minIdAvailable, unsigned int maxIdAvailable)
{
  // The cells' representation needs an id of its own, the same on the client and the servers.
  minIdAvailable = this->Internal->CellsShown->Initialize(minIdAvailable, maxIdAvailable);
  return this->Superclass::Initialize(minIdAvailable, maxIdAvailable);
}

void vtkNeuroFieldRepresentation::SetUpdateTime(double time)
{
  this->Internal->TimeStepping = true;
  this->Superclass::SetUpdateTime(time);
  this->Internal->TimeStepping = false;
}

void vtkNeuroFieldRepresentation::MarkModified()
{
  if (!this->Internal->TimeStepping)
  {
    this->Internal->CellsWanted = true;
  }
  this->Superclass::MarkModified();
}

void vtkNeuroFieldRepresentation::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  const Internals& in = *this->Internal;
  os << indent << "Cells drawn: " << in.Drawn->GetNumberOfCells() << "\n";
  os << indent << "Texture: " << in.Built.TextureSize[0] << " x " << in.Built.TextureSize[1] << "\n";
  os << indent << "LookupTable: " << in.LookupTable.Get() << "\n";
  os << indent << "Opacity: " << in.Actor->GetProperty()->GetOpacity() << "\n";
}
