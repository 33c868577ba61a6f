#include "FlattenedPiece.h"

#include <vtkByteSwap.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkTypeInt64Array.h>
#include <vtkTypeInt32Array.h>
#include <vtkTypeFloat32Array.h>
#include <vtkTypeFloat64Array.h>
#include <vtkTypeUInt8Array.h>
#include <vtkImageData.h>
#include <vtkIntArray.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkProcessModule.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace neuroplayback {
namespace {

// The tree's shape, node by node in preorder: a kind, and a multiblock's number of blocks after it.
constexpr const char* TreeArray = "np:Tree";
// Four bytes of 0x01020304 as the flattening process stores numbers: a reader of the other byte order
// swaps the raw arrays.
constexpr const char* OrderArray = "np:Order";
constexpr const char* Prefix = "np:";
constexpr std::uint32_t OrderMark = 0x01020304u;
enum NodeKind : int
{
  Empty = 0,
  MultiBlock = 1,
  Poly = 2,
  Image = 3
};

// A tree array's name: "np:<node>:<what>". For attribute arrays, what is a letter for where the array
// was (p point, c cell, f field data), its attribute ('-', or 'a' + vtkDataSetAttributes::AttributeTypes:
// a texture reads the active texture coordinates, a colour mapping the active scalars) and its name.
// Numbers travel as their raw bytes, what then ending in "|<array class>|<components>": VTK's legacy writer
// and reader swap and parse every value of a typed array at -O0, and copy bytes as they are.
std::string Entry(int node, const std::string& what)
{
  return Prefix + std::to_string(node) + ":" + what;
}

// The array classes the pieces hold, carried as bytes and rebuilt as the same class (what SafeDownCast on
// the render side expects); any other array travels typed.
template <class T>
vtkDataArray* Make()
{
  return T::New();
}
using Factory = vtkDataArray* (*)();
const std::pair<const char*, Factory> PackedClasses[] = { { "vtkDoubleArray", &Make<vtkDoubleArray> },
  { "vtkFloatArray", &Make<vtkFloatArray> }, { "vtkIntArray", &Make<vtkIntArray> },
  { "vtkUnsignedCharArray", &Make<vtkUnsignedCharArray> }, { "vtkIdTypeArray", &Make<vtkIdTypeArray> },
  { "vtkTypeInt64Array", &Make<vtkTypeInt64Array> }, { "vtkTypeInt32Array", &Make<vtkTypeInt32Array> },
  { "vtkTypeFloat32Array", &Make<vtkTypeFloat32Array> }, { "vtkTypeFloat64Array", &Make<vtkTypeFloat64Array> },
  { "vtkTypeUInt8Array", &Make<vtkTypeUInt8Array> } };

Factory FactoryOf(const std::string& name)
{
  for (const auto& [className, make] : PackedClasses)
  {
    if (name == className)
    {
      return make;
    }
  }
  return nullptr;
}

void Add(vtkFieldData* target, vtkAbstractArray* array, const std::string& name)
{
  if (!array)
  {
    return;
  }
  auto* numbers = vtkDataArray::SafeDownCast(array);
  if (numbers && numbers->HasStandardMemoryLayout() && FactoryOf(numbers->GetClassName()))
  {
    vtkNew<vtkUnsignedCharArray> bytes;
    const vtkIdType size = numbers->GetNumberOfValues() * numbers->GetDataTypeSize();
    bytes->SetNumberOfValues(size);
    if (size > 0)
    {
      std::memcpy(bytes->GetPointer(0), numbers->GetVoidPointer(0), static_cast<std::size_t>(size));
    }
    bytes->SetName((name + "|" + numbers->GetClassName() + "|" + std::to_string(numbers->GetNumberOfComponents())).c_str());
    target->AddArray(bytes);
    return;
  }
  vtkSmartPointer<vtkAbstractArray> copy;
  copy.TakeReference(array->NewInstance());
  copy->DeepCopy(array);
  copy->SetName(name.c_str());
  target->AddArray(copy);
}

void AddAttributes(vtkFieldData* target, int node, vtkFieldData* arrays, char letter)
{
  auto* attributes = vtkDataSetAttributes::SafeDownCast(arrays);
  for (int a = 0; arrays && a < arrays->GetNumberOfArrays(); ++a)
  {
    vtkAbstractArray* array = arrays->GetAbstractArray(a);
    if (array)
    {
      // Unnamed arrays too: a texture's coordinates often are.
      const int type = attributes ? attributes->IsArrayAnAttribute(a) : -1;
      const char mark = type >= 0 ? static_cast<char>('a' + type) : '-';
      Add(target, array, Entry(node, std::string{ letter, mark } + (array->GetName() ? array->GetName() : "")));
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
      AddAttributes(target, node, blocks->GetFieldData(), 'f');
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
  AddAttributes(target, node, dataSet->GetPointData(), 'p');
  AddAttributes(target, node, dataSet->GetCellData(), 'c');
  if (!root)
  {
    AddAttributes(target, node, dataSet->GetFieldData(), 'f');
  }
}

// An entry's array as it was: numbers rebuilt from their bytes (swapped if the writer's byte order was
// the other), anything else copied. Sets what to the entry's name without its class suffix.
vtkSmartPointer<vtkAbstractArray> Unpack(vtkAbstractArray* entry, std::string& what, bool swap)
{
  auto* bytes = vtkUnsignedCharArray::SafeDownCast(entry);
  const std::size_t last = what.rfind('|');
  const std::size_t before = last == std::string::npos || last == 0 ? std::string::npos : what.rfind('|', last - 1);
  if (!bytes || before == std::string::npos)
  {
    // A copy: the entry belongs to the delivered piece, which may be drawn again.
    vtkSmartPointer<vtkAbstractArray> copy;
    copy.TakeReference(entry->NewInstance());
    copy->DeepCopy(entry);
    return copy;
  }
  const std::string className = what.substr(before + 1, last - before - 1);
  const int components = std::atoi(what.c_str() + last + 1);
  what.erase(before);
  const Factory make = FactoryOf(className);
  vtkSmartPointer<vtkDataArray> array;
  if (make)
  {
    array.TakeReference(make());
  }
  if (!array || components < 1)
  {
    return nullptr;
  }
  const int size = array->GetDataTypeSize();
  const vtkIdType values = bytes->GetNumberOfValues() / size;
  array->SetNumberOfComponents(components);
  array->SetNumberOfTuples(values / components);
  if (values > 0)
  {
    std::memcpy(array->GetVoidPointer(0), bytes->GetPointer(0), static_cast<std::size_t>(values / components * components * size));
    if (swap && size > 1)
    {
      vtkByteSwap::SwapVoidRange(array->GetVoidPointer(0), array->GetNumberOfValues(), size);
    }
  }
  return array;
}

// The flattened arrays of each node, by what follows "np:<node>:" (type suffix removed).
using NodeArrays = std::map<int, std::map<std::string, vtkSmartPointer<vtkAbstractArray>>>;

void PutAttribute(vtkDataObject* object, const std::string& what, vtkAbstractArray* array)
{
  if (what.size() < 2 || !array)
  {
    return;
  }
  auto* dataSet = vtkDataSet::SafeDownCast(object);
  const char letter = what[0];
  const int type = what[1] == '-' ? -1 : what[1] - 'a';
  array->SetName(what.size() > 2 ? what.c_str() + 2 : nullptr);
  vtkDataSetAttributes* attributes = nullptr;
  if (letter == 'f')
  {
    object->GetFieldData()->AddArray(array);
  }
  else if (dataSet && letter == 'p')
  {
    attributes = dataSet->GetPointData();
  }
  else if (dataSet && letter == 'c')
  {
    attributes = dataSet->GetCellData();
  }
  if (attributes)
  {
    const int index = attributes->AddArray(array);
    if (type >= 0 && type < vtkDataSetAttributes::NUM_ATTRIBUTES)
    {
      attributes->SetActiveAttribute(index, type);
    }
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
  auto find = [&own](const std::string& what) -> vtkAbstractArray* {
    auto entry = own.find(what);
    return entry == own.end() ? nullptr : entry->second.Get();
  };
  vtkSmartPointer<vtkDataObject> object;
  if (kind == MultiBlock && at < tree->GetNumberOfTuples())
  {
    auto blocks = vtkSmartPointer<vtkMultiBlockDataSet>::New();
    const int count = tree->GetValue(at++);
    blocks->SetNumberOfBlocks(static_cast<unsigned int>(std::max(0, count)));
    for (int b = 0; b < count; ++b)
    {
      blocks->SetBlock(static_cast<unsigned int>(b), Restore(tree, at, node, arrays));
    }
    object = blocks;
  }
  else if (kind == Poly)
  {
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    if (auto* points = vtkDataArray::SafeDownCast(find("P")))
    {
      vtkNew<vtkPoints> shared;
      shared->SetData(points);
      poly->SetPoints(shared);
    }
    const std::pair<const char*, void (vtkPolyData::*)(vtkCellArray*)> cells[4] = { { "V", &vtkPolyData::SetVerts },
      { "L", &vtkPolyData::SetLines }, { "Y", &vtkPolyData::SetPolys }, { "S", &vtkPolyData::SetStrips } };
    for (const auto& [letter, set] : cells)
    {
      auto* offsets = vtkDataArray::SafeDownCast(find(std::string(letter) + "o"));
      auto* connectivity = vtkDataArray::SafeDownCast(find(std::string(letter) + "c"));
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
    auto* extent = vtkIntArray::SafeDownCast(find("E"));
    auto* geometry = vtkDoubleArray::SafeDownCast(find("G"));
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
    if (object && std::strchr("fpc", what[0]))
    {
      PutAttribute(object, what, array);
    }
  }
  return object;
}

vtkSmartPointer<vtkDataObject> FlattenTree(vtkDataObject* tree)
{
  auto flat = vtkSmartPointer<vtkPolyData>::New();
  vtkFieldData* target = flat->GetFieldData();
  // First: VTK's legacy writer drops a whole field data whose first array is empty.
  vtkNew<vtkIntArray> shape;
  shape->SetName(TreeArray);
  target->AddArray(shape);
  vtkNew<vtkUnsignedCharArray> order;
  order->SetName(OrderArray);
  order->SetNumberOfValues(4);
  std::memcpy(order->GetPointer(0), &OrderMark, 4);
  target->AddArray(order);
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
  vtkFieldData* fields = delivered ? delivered->GetFieldData() : nullptr;
  auto* tree = fields ? vtkIntArray::SafeDownCast(fields->GetAbstractArray(TreeArray)) : nullptr;
  auto* order = fields ? vtkUnsignedCharArray::SafeDownCast(fields->GetAbstractArray(OrderArray)) : nullptr;
  if (!tree || !order || order->GetNumberOfValues() != 4)
  {
    return delivered;
  }
  std::uint32_t mark = 0;
  std::memcpy(&mark, order->GetPointer(0), 4);
  const bool swap = mark != OrderMark;
  NodeArrays arrays;
  std::vector<vtkAbstractArray*> rootFields;
  for (int a = 0; a < fields->GetNumberOfArrays(); ++a)
  {
    vtkAbstractArray* array = fields->GetAbstractArray(a);
    const char* name = array ? array->GetName() : nullptr;
    if (!name || array == tree || array == order)
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
      std::string what = colon + 1;
      vtkSmartPointer<vtkAbstractArray> unpacked = Unpack(array, what, swap);
      if (unpacked && !what.empty())
      {
        arrays[std::atoi(number)][what] = unpacked;
      }
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

} // namespace

void FlattenedDelivery::Send(vtkDataObject* piece)
{
  const int process = vtkProcessModule::GetProcessType();
  const bool crosses = process == vtkProcessModule::PROCESS_SERVER || process == vtkProcessModule::PROCESS_DATA_SERVER;
  this->SentPiece = crosses && piece ? FlattenTree(piece) : vtkSmartPointer<vtkDataObject>(piece);
}

vtkDataObject* FlattenedDelivery::Receive(vtkDataObject* delivered)
{
  if (delivered != this->Delivered)
  {
    this->Delivered = delivered;
    this->Restored = RestoreTree(delivered);
  }
  return this->Restored;
}

} // namespace neuroplayback
