#include "FlattenedPiece.h"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkIntArray.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkProcessModule.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace neuroplayback {
namespace {

// The tree's shape, node by node in preorder: a kind, and a multiblock's number of blocks after it.
constexpr const char* TreeArray = "np:Tree";
constexpr const char* Prefix = "np:";
enum NodeKind : int
{
  Empty = 0,
  MultiBlock = 1,
  Poly = 2,
  Image = 3
};

// A tree array's name: "np:<node>:<what>", what being a letter and, for attribute arrays, their name.
std::string Entry(int node, const std::string& what)
{
  return Prefix + std::to_string(node) + ":" + what;
}

// The same values under another name (shared, for numbers).
vtkSmartPointer<vtkAbstractArray> Renamed(vtkAbstractArray* array, const char* name)
{
  vtkSmartPointer<vtkAbstractArray> copy;
  copy.TakeReference(array->NewInstance());
  auto* numbers = vtkDataArray::SafeDownCast(array);
  if (numbers)
  {
    vtkDataArray::SafeDownCast(copy)->ShallowCopy(numbers);
  }
  else
  {
    copy->DeepCopy(array);
  }
  copy->SetName(name);
  return copy;
}

void Add(vtkFieldData* target, vtkAbstractArray* array, const std::string& name)
{
  if (array)
  {
    target->AddArray(Renamed(array, name.c_str()));
  }
}

void AddAttributes(vtkFieldData* target, int node, vtkFieldData* arrays, char letter, vtkAbstractArray* scalars)
{
  for (int a = 0; arrays && a < arrays->GetNumberOfArrays(); ++a)
  {
    vtkAbstractArray* array = arrays->GetAbstractArray(a);
    if (array && array->GetName())
    {
      // An upper-case letter marks the active scalars (a texture and a colour mapping read them).
      const char mark = array == scalars ? static_cast<char>(letter - 'a' + 'A') : letter;
      Add(target, array, Entry(node, std::string(1, mark) + array->GetName()));
    }
  }
}

void Flatten(vtkDataObject* object, bool root, vtkIntArray* tree, int& nodes, vtkFieldData* target)
{
  const int node = nodes++;
  if (auto* blocks = vtkMultiBlockDataSet::SafeDownCast(object))
  {
    tree->InsertNextValue(MultiBlock);
    tree->InsertNextValue(static_cast<int>(blocks->GetNumberOfBlocks()));
    if (!root)
    {
      AddAttributes(target, node, blocks->GetFieldData(), 'f', nullptr);
    }
    for (unsigned int b = 0; b < blocks->GetNumberOfBlocks(); ++b)
    {
      Flatten(blocks->GetBlock(b), false, tree, nodes, target);
    }
    return;
  }
  auto* poly = vtkPolyData::SafeDownCast(object);
  auto* image = vtkImageData::SafeDownCast(object);
  if (!poly && !image)
  {
    tree->InsertNextValue(Empty);
    return;
  }
  tree->InsertNextValue(poly ? Poly : Image);
  if (poly)
  {
    Add(target, poly->GetPoints() ? poly->GetPoints()->GetData() : nullptr, Entry(node, "P"));
    const std::pair<vtkCellArray*, const char*> cells[4] = { { poly->GetVerts(), "V" }, { poly->GetLines(), "L" },
      { poly->GetPolys(), "Y" }, { poly->GetStrips(), "S" } };
    for (const auto& [array, letter] : cells)
    {
      if (array && array->GetNumberOfCells() > 0)
      {
        Add(target, array->GetOffsetsArray(), Entry(node, std::string(letter) + "o"));
        Add(target, array->GetConnectivityArray(), Entry(node, std::string(letter) + "c"));
      }
    }
  }
  else
  {
    vtkNew<vtkIntArray> extent;
    extent->SetNumberOfValues(6);
    image->GetExtent(extent->GetPointer(0));
    Add(target, extent, Entry(node, "E"));
    vtkNew<vtkDoubleArray> geometry;
    geometry->SetNumberOfValues(6);
    image->GetOrigin(geometry->GetPointer(0));
    image->GetSpacing(geometry->GetPointer(3));
    Add(target, geometry, Entry(node, "G"));
  }
  auto* dataSet = vtkDataSet::SafeDownCast(object);
  AddAttributes(target, node, dataSet->GetPointData(), 'p', dataSet->GetPointData()->GetScalars());
  AddAttributes(target, node, dataSet->GetCellData(), 'c', dataSet->GetCellData()->GetScalars());
  if (!root)
  {
    AddAttributes(target, node, dataSet->GetFieldData(), 'f', nullptr);
  }
}

// The flattened arrays of each node, by the letter(s) after "np:<node>:".
using NodeArrays = std::map<int, std::map<std::string, vtkAbstractArray*>>;

void PutAttribute(vtkDataObject* object, const std::string& what, vtkAbstractArray* array)
{
  auto* dataSet = vtkDataSet::SafeDownCast(object);
  const char letter = what[0];
  vtkSmartPointer<vtkAbstractArray> named = Renamed(array, what.c_str() + 1);
  if (letter == 'f')
  {
    object->GetFieldData()->AddArray(named);
  }
  else if (dataSet && (letter == 'p' || letter == 'P'))
  {
    dataSet->GetPointData()->AddArray(named);
  }
  else if (dataSet && (letter == 'c' || letter == 'C'))
  {
    dataSet->GetCellData()->AddArray(named);
  }
  if (dataSet && letter == 'P')
  {
    dataSet->GetPointData()->SetActiveScalars(what.c_str() + 1);
  }
  else if (dataSet && letter == 'C')
  {
    dataSet->GetCellData()->SetActiveScalars(what.c_str() + 1);
  }
}

vtkSmartPointer<vtkDataObject> Restore(vtkIntArray* tree, vtkIdType& at, int& node, NodeArrays& arrays)
{
  if (at >= tree->GetNumberOfTuples())
  {
    return nullptr;
  }
  const int kind = tree->GetValue(at++);
  const int self = node++;
  auto& own = arrays[self];
  vtkSmartPointer<vtkDataObject> object;
  if (kind == MultiBlock && at < tree->GetNumberOfTuples())
  {
    auto blocks = vtkSmartPointer<vtkMultiBlockDataSet>::New();
    const int count = tree->GetValue(at++);
    blocks->SetNumberOfBlocks(static_cast<unsigned int>(count));
    for (int b = 0; b < count; ++b)
    {
      blocks->SetBlock(static_cast<unsigned int>(b), Restore(tree, at, node, arrays));
    }
    object = blocks;
  }
  else if (kind == Poly)
  {
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    if (auto* points = vtkDataArray::SafeDownCast(own["P"]))
    {
      vtkNew<vtkPoints> shared;
      shared->SetData(points);
      poly->SetPoints(shared);
    }
    const std::pair<const char*, void (vtkPolyData::*)(vtkCellArray*)> cells[4] = { { "V", &vtkPolyData::SetVerts },
      { "L", &vtkPolyData::SetLines }, { "Y", &vtkPolyData::SetPolys }, { "S", &vtkPolyData::SetStrips } };
    for (const auto& [letter, set] : cells)
    {
      auto* offsets = vtkDataArray::SafeDownCast(own[std::string(letter) + "o"]);
      auto* connectivity = vtkDataArray::SafeDownCast(own[std::string(letter) + "c"]);
      vtkNew<vtkCellArray> array;
      if (offsets && connectivity && array->SetData(offsets, connectivity))
      {
        (poly.Get()->*set)(array);
      }
    }
    object = poly;
  }
  else if (kind == Image)
  {
    auto image = vtkSmartPointer<vtkImageData>::New();
    auto* extent = vtkIntArray::SafeDownCast(own["E"]);
    auto* geometry = vtkDoubleArray::SafeDownCast(own["G"]);
    if (extent && extent->GetNumberOfValues() == 6 && geometry && geometry->GetNumberOfValues() == 6)
    {
      image->SetExtent(extent->GetPointer(0));
      image->SetOrigin(geometry->GetPointer(0));
      image->SetSpacing(geometry->GetPointer(3));
    }
    object = image;
  }
  for (const auto& [what, array] : own)
  {
    if (object && array && what.size() > 1 && std::strchr("fpPcC", what[0]))
    {
      PutAttribute(object, what, array);
    }
  }
  return object;
}

} // namespace

bool PiecesCrossProcesses()
{
  const int type = vtkProcessModule::GetProcessType();
  return type == vtkProcessModule::PROCESS_SERVER || type == vtkProcessModule::PROCESS_DATA_SERVER;
}

vtkSmartPointer<vtkDataObject> FlattenTree(vtkDataObject* tree)
{
  auto flat = vtkSmartPointer<vtkPolyData>::New();
  vtkFieldData* target = flat->GetFieldData();
  // First: VTK's legacy writer drops a whole field data whose first array is empty.
  vtkNew<vtkIntArray> shape;
  shape->SetName(TreeArray);
  target->AddArray(shape);
  int nodes = 0;
  Flatten(tree, true, shape, nodes, target);
  for (int a = 0; tree && a < tree->GetFieldData()->GetNumberOfArrays(); ++a)
  {
    vtkAbstractArray* array = tree->GetFieldData()->GetAbstractArray(a);
    if (array && array->GetName())
    {
      target->AddArray(array);
    }
  }
  return flat;
}

vtkSmartPointer<vtkDataObject> RestoreTree(vtkDataObject* delivered)
{
  auto* tree = delivered ? vtkIntArray::SafeDownCast(delivered->GetFieldData()->GetAbstractArray(TreeArray)) : nullptr;
  if (!tree)
  {
    return delivered;
  }
  NodeArrays arrays;
  std::vector<vtkAbstractArray*> rootFields;
  vtkFieldData* fields = delivered->GetFieldData();
  for (int a = 0; a < fields->GetNumberOfArrays(); ++a)
  {
    vtkAbstractArray* array = fields->GetAbstractArray(a);
    const char* name = array ? array->GetName() : nullptr;
    if (!name || array == tree)
    {
      continue;
    }
    if (std::strncmp(name, Prefix, std::strlen(Prefix)) != 0)
    {
      rootFields.push_back(array);
      continue;
    }
    const char* number = name + std::strlen(Prefix);
    const char* colon = std::strchr(number, ':');
    if (colon)
    {
      arrays[std::atoi(number)][colon + 1] = array;
    }
  }
  vtkIdType at = 0;
  int node = 0;
  vtkSmartPointer<vtkDataObject> restored = Restore(tree, at, node, arrays);
  for (vtkAbstractArray* array : rootFields)
  {
    if (restored)
    {
      restored->GetFieldData()->AddArray(array);
    }
  }
  return restored;
}

} // namespace neuroplayback
