#include "vtkNeuroOverlayRepresentation.h"

#include "DeliveredPiece.h"
#include "DrawOrder.h"
#include "FlattenedPiece.h"
#include "RasterText.h"
#include "vtkNeuroMarkerShapes.h"
#include "vtkNeuroSessionReader.h"

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkArrowSource.h>
#include <vtkBoundingBox.h>
#include <vtkCoordinate.h>
#include <vtkImageData.h>
#include <vtkImageMapper.h>
#include <vtkCellArray.h>
#include <vtkCompositeDataSet.h>
#include <vtkDataObjectTree.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkGlyph3DMapper.h>
#include <vtkIdTypeArray.h>
#include <vtkInformationIntegerRequestKey.h>
#include <vtkInformation.h>
#include <vtkInformationVector.h>
#include <vtkIntArray.h>
#include <vtkLegendBoxActor.h>
#include <vtkStringArray.h>
#include <vtkTextProperty.h>
#include <vtkMath.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkPVRenderView.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkTexture.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace
{
const char* const Names[vtkNeuroOverlayRepresentation::NumberOfOverlays] = { "Position", "Trails", "Bodyparts",
  "Skeleton", "Head Direction", "Events", "Regions", "Scale Bar", "Video" };

// What is drawn, each by one actor. Every marker overlay has its own glyph layer, so that the layers are
// drawn one after the other in z order (DrawOrder.h): one glyph mapper draws its glyphs shape by shape.
enum Layer
{
  BodypartMarkers = 0,
  EventMarkers,
  PositionMarkers, // also carries the annotation and the event legend to where the view renders
  Arrows,
  TrailLines,
  SkeletonLines,
  Static, // regions and scale bar: rebuilt only when they or their controls change
  NumberOfLayers
};
// The delivery port of the text piece (the layers are port 0).
constexpr int TextPort = 1;
// The piece's block after the layers: the videos' images (a multiblock, one image per video).
constexpr int VideoBlock = NumberOfLayers;
// Bottom to top, as the reader's z steps place them.
constexpr int LayerDrawOrder[NumberOfLayers] = { Static, TrailLines, SkeletonLines, BodypartMarkers, EventMarkers,
  PositionMarkers, Arrows };

unsigned char Faded(unsigned char alpha, double opacity)
{
  return static_cast<unsigned char>(std::lround(std::clamp(alpha * opacity, 0.0, 255.0)));
}

// The merged arrays of one layer. Each rebuild makes new objects rather than editing the last ones: a
// delivered or cached copy of an earlier frame shares its arrays, and must not see them change under it.
struct LayerArrays
{
  vtkSmartPointer<vtkPolyData> Data;
  vtkSmartPointer<vtkPoints> Points;
  vtkSmartPointer<vtkUnsignedCharArray> Colors;
  vtkSmartPointer<vtkDoubleArray> Sizes;    // markers
  vtkSmartPointer<vtkIntArray> Shapes;      // markers
  vtkSmartPointer<vtkDoubleArray> Headings; // arrows

  LayerArrays() { this->Renew(); }

  void Renew()
  {
    this->Data = vtkSmartPointer<vtkPolyData>::New();
    this->Points = vtkSmartPointer<vtkPoints>::New();
    this->Colors = vtkSmartPointer<vtkUnsignedCharArray>::New();
    this->Sizes = vtkSmartPointer<vtkDoubleArray>::New();
    this->Shapes = vtkSmartPointer<vtkIntArray>::New();
    this->Headings = vtkSmartPointer<vtkDoubleArray>::New();
    this->Points->SetDataTypeToDouble();
    this->Colors->SetName("Color");
    this->Colors->SetNumberOfComponents(4);
    this->Sizes->SetName("Size");
    this->Shapes->SetName("Marker");
    this->Headings->SetName("Heading");
    this->Headings->SetNumberOfComponents(3);
    this->Data->SetPoints(this->Points);
    this->Data->GetPointData()->SetScalars(this->Colors);
  }
};

vtkIdType PointCount(vtkPolyData* block)
{
  return block && block->GetPoints() ? block->GetNumberOfPoints() : 0;
}

// Copies a block's points and colours (alpha times opacity) to the end of a layer.
void AppendPoints(vtkPolyData* block, double opacity, LayerArrays& layer, vtkIdType at)
{
  const vtkIdType n = PointCount(block);
  if (n == 0)
  {
    return;
  }
  vtkPoints* points = block->GetPoints();
  double* out = static_cast<vtkDoubleArray*>(layer.Points->GetData())->GetPointer(3 * at);
  if (auto* doubles = vtkDoubleArray::SafeDownCast(points->GetData()))
  {
    std::memcpy(out, doubles->GetPointer(0), sizeof(double) * 3 * static_cast<std::size_t>(n));
  }
  else
  {
    for (vtkIdType i = 0; i < n; ++i)
    {
      points->GetPoint(i, out + 3 * i);
    }
  }
  unsigned char* color = layer.Colors->GetPointer(4 * at);
  auto* colors = vtkUnsignedCharArray::SafeDownCast(block->GetPointData()->GetArray("Color"));
  if (colors && colors->GetNumberOfComponents() == 4 && colors->GetNumberOfTuples() == n)
  {
    const unsigned char* in = colors->GetPointer(0);
    for (vtkIdType i = 0; i < 4 * n; i += 4)
    {
      color[i] = in[i];
      color[i + 1] = in[i + 1];
      color[i + 2] = in[i + 2];
      color[i + 3] = Faded(in[i + 3], opacity);
    }
  }
  else
  {
    for (vtkIdType i = 0; i < 4 * n; i += 4) // no colours of its own (the scale bar): white
    {
      color[i] = color[i + 1] = color[i + 2] = 255;
      color[i + 3] = Faded(255, opacity);
    }
  }
}

// Copies the cells of one kind (lines or polygons) of a block, shifted by the layer's point offset.
void AppendCells(vtkCellArray* cells, vtkIdType pointOffset, std::vector<vtkIdType>& offsets,
  std::vector<vtkIdType>& connectivity)
{
  if (!cells)
  {
    return;
  }
  const vtkIdType* ids = nullptr;
  vtkIdType size = 0;
  for (cells->InitTraversal(); cells->GetNextCell(size, ids);)
  {
    for (vtkIdType i = 0; i < size; ++i)
    {
      connectivity.push_back(ids[i] + pointOffset);
    }
    offsets.push_back(static_cast<vtkIdType>(connectivity.size()));
  }
}

// A new cell array of its own arrays each time: a delivered copy of the layer may still hold the last.
vtkSmartPointer<vtkCellArray> CellsOf(const std::vector<vtkIdType>& offsets, const std::vector<vtkIdType>& connectivity)
{
  vtkNew<vtkIdTypeArray> offsetArray;
  offsetArray->SetNumberOfTuples(static_cast<vtkIdType>(offsets.size()));
  std::copy(offsets.begin(), offsets.end(), offsetArray->GetPointer(0));
  vtkNew<vtkIdTypeArray> connectivityArray;
  connectivityArray->SetNumberOfTuples(static_cast<vtkIdType>(connectivity.size()));
  std::copy(connectivity.begin(), connectivity.end(), connectivityArray->GetPointer(0));
  auto cells = vtkSmartPointer<vtkCellArray>::New();
  cells->SetData(offsetArray, connectivityArray);
  return cells;
}

// Video v of the reader's "Video" block: its image, where to put it (x, y, z, degrees, x and y scale,
// alpha: the block's "VideoPlacement" row) and its "LayerStamp"; no image when it has nothing to show.
struct PlacedVideo
{
  vtkImageData* Image = nullptr;
  double Place[7] = {};
  double Stamp = -1.0;
};

PlacedVideo VideoAt(vtkMultiBlockDataSet* videos, unsigned int v)
{
  PlacedVideo video;
  auto* image = videos && v < videos->GetNumberOfBlocks() ? vtkImageData::SafeDownCast(videos->GetBlock(v)) : nullptr;
  auto* placement = videos ? vtkDataArray::SafeDownCast(videos->GetFieldData()->GetAbstractArray("VideoPlacement")) : nullptr;
  auto* stamps = videos ? vtkDataArray::SafeDownCast(videos->GetFieldData()->GetAbstractArray("LayerStamp")) : nullptr;
  if (!image || image->GetNumberOfPoints() == 0 || !placement || placement->GetNumberOfComponents() != 7 ||
    placement->GetNumberOfTuples() <= static_cast<vtkIdType>(v))
  {
    return video;
  }
  video.Image = image;
  placement->GetTuple(v, video.Place);
  if (stamps && stamps->GetNumberOfTuples() > static_cast<vtkIdType>(v))
  {
    video.Stamp = stamps->GetTuple1(v);
  }
  return video;
}

// Adds the arena a video covers once placed (its corners through the actor's transform), if it has
// anything to show.
void AddVideoBounds(const PlacedVideo& video, vtkBoundingBox& covered)
{
  if (!video.Image)
  {
    return;
  }
  const double* p = video.Place;
  int extent[6];
  video.Image->GetExtent(extent);
  const double angle = vtkMath::RadiansFromDegrees(p[3]);
  for (int corner = 0; corner < 4; ++corner)
  {
    const double x = p[4] * extent[corner % 2 ? 1 : 0];
    const double y = p[5] * extent[corner < 2 ? 2 : 3];
    covered.AddPoint(std::cos(angle) * x - std::sin(angle) * y + p[0], std::sin(angle) * x + std::cos(angle) * y + p[1], p[2]);
  }
}

// Sets one overlay's control; true when it changed.
template <typename T, std::size_t N>
bool SetControl(std::array<T, N>& controls, int overlay, T value)
{
  if (overlay < 0 || overlay >= static_cast<int>(N) || controls[static_cast<std::size_t>(overlay)] == value)
  {
    return false;
  }
  controls[static_cast<std::size_t>(overlay)] = value;
  return true;
}
} // namespace

// One video drawn as a textured quad, placed as the reader's "VideoPlacement" says: what
// vtkPVImageSliceMapper draws for an image, without a display of its own.
struct VideoQuad
{
  vtkNew<vtkPolyData> Quad;
  vtkNew<vtkPolyDataMapper> Mapper;
  vtkNew<vtkTexture> Texture;
  vtkNew<vtkActor> Actor;
  double DrawnStamp = -1.0;

  VideoQuad()
  {
    vtkNew<vtkPoints> corners;
    corners->SetNumberOfPoints(4);
    this->Quad->SetPoints(corners);
    vtkNew<vtkCellArray> triangles;
    const vtkIdType first[3] = { 0, 1, 2 };
    const vtkIdType second[3] = { 0, 2, 3 };
    triangles->InsertNextCell(3, first);
    triangles->InsertNextCell(3, second);
    this->Quad->SetPolys(triangles);
    vtkNew<vtkFloatArray> coordinates;
    coordinates->SetNumberOfComponents(2);
    const float uv[8] = { 0.f, 0.f, 1.f, 0.f, 1.f, 1.f, 0.f, 1.f };
    for (int i = 0; i < 4; ++i)
    {
      coordinates->InsertNextTuple2(uv[2 * i], uv[2 * i + 1]);
    }
    this->Quad->GetPointData()->SetTCoords(coordinates);
    this->Mapper->SetInputData(this->Quad);
    this->Mapper->ScalarVisibilityOff();
    this->Texture->RepeatOff();
    this->Texture->InterpolateOff();
    this->Texture->SetColorModeToDirectScalars();
    this->Actor->SetMapper(this->Mapper);
    this->Actor->SetTexture(this->Texture);
    this->Actor->GetProperty()->SetAmbient(1.0);
    this->Actor->GetProperty()->SetDiffuse(0.0);
    this->Actor->GetProperty()->LightingOff(); // unlit, as the layers are: 18 ms of software GL a frame lit
    this->Actor->SetPickable(false);
    this->Actor->SetForceOpaque(true); // blended with the opaque geometry, in z order (DrawOrder.h)
    this->Actor->SetVisibility(false);
  }

  // A delivered video: the texture changes only with the stamp, the placement only when it moves.
  void Show(const PlacedVideo& video, double opacityFactor, bool visible)
  {
    if (!video.Image)
    {
      this->Actor->SetVisibility(false);
      return;
    }
    if (video.Stamp != this->DrawnStamp)
    {
      this->DrawnStamp = video.Stamp;
      int extent[6];
      video.Image->GetExtent(extent);
      const double corners[4][2] = { { 0.0, 0.0 }, { 1.0, 0.0 }, { 1.0, 1.0 }, { 0.0, 1.0 } };
      vtkPoints* points = this->Quad->GetPoints();
      for (int i = 0; i < 4; ++i)
      {
        // The image's first to last point, as ParaView's Slice display spans it.
        points->SetPoint(i, extent[0] + corners[i][0] * (extent[1] - extent[0]),
          extent[2] + corners[i][1] * (extent[3] - extent[2]), 0.0);
      }
      points->Modified();
      this->Texture->SetInputData(video.Image);
    }
    const double* place = video.Place;
    this->Actor->SetPosition(place[0], place[1], place[2]);
    this->Actor->SetOrientation(0.0, 0.0, place[3]);
    this->Actor->SetScale(place[4], place[5], 1.0);
    this->Actor->GetProperty()->SetOpacity(std::clamp(place[6] * opacityFactor, 0.0, 1.0));
    this->Actor->SetVisibility(visible);
  }
};

struct vtkNeuroOverlayRepresentation::Internals
{
  std::array<int, NumberOfOverlays> Visible;
  std::array<double, NumberOfOverlays> Size;
  std::array<double, NumberOfOverlays> Opacity;
  std::array<LayerArrays, NumberOfLayers> Layers;
  std::array<vtkNew<vtkGlyph3DMapper>, 3> MarkerMappers; // bodyparts, events, position
  vtkNew<vtkGlyph3DMapper> ArrowMapper;
  std::array<vtkNew<vtkPolyDataMapper>, 3> LineMappers; // trails, skeleton, static
  std::array<vtkNew<vtkActor>, NumberOfLayers> Actors;
  vtkNew<vtkNeuroMarkerShapes> Shapes;
  vtkNew<vtkArrowSource> Arrow;
  double ArrowWidth = -1.0;
  // The static layer's inputs when it was last built: the blocks' modification times and the controls.
  std::array<vtkMTimeType, 2> StaticInputTimes{}; // regions, scale bar
  vtkMTimeType StaticControlsTime = 0;
  vtkTimeStamp ControlsChanged;
  double StaticStamp = 0.0; // counts the static layer's rebuilds; travels with it as "LayerStamp"
  double Bounds[6];
  // The one delivered piece, the layers as blocks (ParaView delivers every piece of a representation
  // whenever it re-executes, so five pieces cost five deliveries per frame), as handed to the view
  // (flattened on a pvserver) and as drawn (FlattenedPiece.h).
  neuroplayback::FlattenedDelivery Delivery;
  // The annotation and the legend's entries: drawn in the view's 2-D renderer, which is the client's
  // when a remote server renders the arena, so this piece is also delivered to the client.
  vtkSmartPointer<vtkPolyData> TextPiece;
  // Render side: each mapper's own copy of its layer. The static layer's is replaced only when its stamp
  // changes, so its GPU buffers are not rebuilt on every frame.
  std::array<vtkNew<vtkPolyData>, NumberOfLayers> Drawn;
  std::array<vtkMTimeType, NumberOfLayers> DrawnTimes{};
  double DrawnStaticStamp = -1.0;
  neuroplayback::PieceClip Clip; // under MPI, this rank's slab
  // The videos' quads, made as the delivered piece brings videos (added to the view's renderer then).
  std::vector<std::unique_ptr<VideoQuad>> Videos;
  // The event legend, rebuilt only when its entries change.
  vtkNew<vtkLegendBoxActor> Legend;
  std::string LegendText;
  bool LegendHasEntries = false;
  // The annotation: text from the delivered markers piece, drawn by RasterText into an image.
  std::unique_ptr<neuroplayback::RasterText> Text;
  int TextFontSize = 0;
  std::string Font;
  std::string DrawnText;
  vtkNew<vtkImageData> TextImage;
  vtkNew<vtkImageMapper> TextMapper;
  vtkNew<vtkActor2D> TextActor;
  vtkNew<vtkCoordinate> TextCorner;
  std::vector<unsigned char> TextPixels;

  Internals()
  {
    this->Visible.fill(1);
    this->Size.fill(1.0);
    this->Opacity.fill(1.0);
    vtkMath::UninitializeBounds(this->Bounds);
  }
};

vtkStandardNewMacro(vtkNeuroOverlayRepresentation);

vtkNeuroOverlayRepresentation::vtkNeuroOverlayRepresentation()
  : Internal(new Internals)
{
  Internals& in = *this->Internal;
  in.Shapes->Update();
  in.Font = neuroplayback::RasterText::FindSystemFont();
  in.TextMapper->SetInputData(in.TextImage);
  in.TextMapper->SetColorWindow(255.0);
  in.TextMapper->SetColorLevel(127.5);
  in.TextActor->SetMapper(in.TextMapper);
  in.TextCorner->SetCoordinateSystemToNormalizedViewport();
  in.TextCorner->SetValue(0.0, 1.0);
  in.TextActor->GetPositionCoordinate()->SetCoordinateSystemToDisplay();
  in.TextActor->GetPositionCoordinate()->SetReferenceCoordinate(in.TextCorner);
  in.TextActor->SetVisibility(false);
  in.TextActor->SetPickable(false);
  in.Legend->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  in.Legend->GetPosition2Coordinate()->SetCoordinateSystemToNormalizedViewport();
  in.Legend->BorderOff();
  in.Legend->UseBackgroundOn();
  in.Legend->SetBackgroundColor(0.1, 0.1, 0.12);
  in.Legend->SetBackgroundOpacity(0.6);
  in.Legend->GetEntryTextProperty()->SetColor(1.0, 1.0, 1.0);
  in.Legend->GetEntryTextProperty()->SetFontSize(14);
  in.Legend->SetVisibility(false);
  in.Legend->SetPickable(false);
  for (auto& mapper : in.MarkerMappers)
  {
    mapper->SetUseSourceTableTree(true);
    mapper->SetSourceTableTree(vtkDataObjectTree::SafeDownCast(in.Shapes->GetOutputDataObject(0)));
    mapper->SetSourceIndexing(true);
    mapper->SetSourceIndexArray("Marker");
    mapper->SetScaleArray("Size");
    mapper->SetScaleModeToScaleByMagnitude();
    mapper->SetScaling(true);
    mapper->SetOrient(false);
  }
  in.ArrowMapper->SetSourceConnection(in.Arrow->GetOutputPort());
  in.ArrowMapper->SetOrientationArray("Heading");
  in.ArrowMapper->SetOrientationModeToDirection();
  in.ArrowMapper->SetOrient(true);
  in.ArrowMapper->SetScaleArray("Heading");
  in.ArrowMapper->SetScaleModeToScaleByMagnitude();
  in.ArrowMapper->SetScaling(true);
  vtkMapper* mappers[NumberOfLayers] = { in.MarkerMappers[0], in.MarkerMappers[1], in.MarkerMappers[2],
    in.ArrowMapper, in.LineMappers[0], in.LineMappers[1], in.LineMappers[2] };
  for (int layer = 0; layer < NumberOfLayers; ++layer)
  {
    // Each point's RGBA as is: the file's colours and alpha (fades, translucent regions).
    mappers[layer]->SetScalarVisibility(true);
    mappers[layer]->SetScalarModeToUsePointFieldData();
    mappers[layer]->SelectColorArray("Color");
    mappers[layer]->SetColorModeToDirectScalars();
    mappers[layer]->SetInputDataObject(in.Drawn[static_cast<std::size_t>(layer)]);
    in.Actors[static_cast<std::size_t>(layer)]->SetMapper(mappers[layer]);
    vtkProperty* property = in.Actors[static_cast<std::size_t>(layer)]->GetProperty();
    property->SetAmbient(1.0);
    property->SetDiffuse(0.0);
    property->SetSpecular(0.0);
    // Lighting adds nothing to an ambient-only colour, but lit, VTK's fragment shader still runs every
    // light of ParaView's light kit per pixel (docs/benchmarks.md §34).
    property->LightingOff();
    in.Actors[static_cast<std::size_t>(layer)]->SetPickable(false);
    // Drawn with the opaque geometry, still blended, bottom to top (DrawOrder.h): a translucent prop would
    // make VTK run its order-independent translucent pass on every render, about 7 ms of software GL.
    in.Actors[static_cast<std::size_t>(layer)]->SetForceOpaque(true);
  }
}

vtkNeuroOverlayRepresentation::~vtkNeuroOverlayRepresentation() = default;

void vtkNeuroOverlayRepresentation::SetEventLegendVisibility(int visible)
{
  visible = visible ? 1 : 0;
  if (this->EventLegendVisibility != visible)
  {
    this->EventLegendVisibility = visible;
    this->MarkModified();
  }
}

void vtkNeuroOverlayRepresentation::SetAnnotationVisibility(int visible)
{
  visible = visible ? 1 : 0;
  if (this->AnnotationVisibility != visible)
  {
    this->AnnotationVisibility = visible;
    this->MarkModified();
  }
}

void vtkNeuroOverlayRepresentation::SetAnnotationFontSize(int size)
{
  size = std::clamp(size, 6, 200);
  if (this->AnnotationFontSize != size)
  {
    this->AnnotationFontSize = size;
    this->MarkModified();
  }
}

const char* vtkNeuroOverlayRepresentation::GetAnnotationFont()
{
  return this->Internal->Font.c_str();
}

const char* vtkNeuroOverlayRepresentation::GetEventLegendText()
{
  return this->Internal->LegendText.c_str();
}

namespace
{
// Rebuilds the legend from LegendLabels / LegendColors / LegendMarkers (the Events block's, carried by
// the delivered markers piece) when they changed; returns whether it has entries.
bool UpdateLegend(vtkFieldData* fields, vtkDataObjectTree* shapes, vtkLegendBoxActor* legend, std::string& text)
{
  auto* labels = fields ? vtkStringArray::SafeDownCast(fields->GetAbstractArray("LegendLabels")) : nullptr;
  auto* colors = fields ? vtkUnsignedCharArray::SafeDownCast(fields->GetAbstractArray("LegendColors")) : nullptr;
  auto* markers = fields ? vtkIntArray::SafeDownCast(fields->GetAbstractArray("LegendMarkers")) : nullptr;
  const vtkIdType count = labels && colors && markers && colors->GetNumberOfComponents() == 4 &&
      colors->GetNumberOfTuples() == labels->GetNumberOfValues() && markers->GetNumberOfValues() == labels->GetNumberOfValues()
    ? labels->GetNumberOfValues()
    : 0;
  // Past a dozen entries a legend stops being read: the rest are counted.
  constexpr vtkIdType MaxEntries = 12;
  const vtkIdType shown = std::min(count, MaxEntries);
  std::string next;
  for (vtkIdType i = 0; i < count; ++i)
  {
    next += labels->GetValue(i) + "\n";
  }
  if (next == text && legend->GetNumberOfEntries() == static_cast<int>(shown + (count > shown ? 1 : 0)))
  {
    return count > 0;
  }
  text = next;
  legend->SetNumberOfEntries(static_cast<int>(shown + (count > shown ? 1 : 0)));
  auto* table = vtkMultiBlockDataSet::SafeDownCast(shapes);
  for (vtkIdType i = 0; i < shown; ++i)
  {
    const unsigned char* c = colors->GetPointer(4 * i);
    double rgb[3] = { c[0] / 255.0, c[1] / 255.0, c[2] / 255.0 };
    const int marker = markers->GetValue(i);
    auto* symbol = table && marker >= 0 && static_cast<unsigned int>(marker) < table->GetNumberOfBlocks()
      ? vtkPolyData::SafeDownCast(table->GetBlock(static_cast<unsigned int>(marker)))
      : nullptr;
    legend->SetEntry(static_cast<int>(i), symbol, labels->GetValue(i).c_str(), rgb);
  }
  if (count > shown)
  {
    double grey[3] = { 0.8, 0.8, 0.8 };
    const std::string more = "... " + std::to_string(count - shown) + " more";
    // A symbol that draws nothing (one point, no cell), not none: VTK prints "Symbol is not defined" on
    // stdout for an entry without one, and an empty symbol is an error of its transform filter.
    vtkNew<vtkPoints> origin;
    origin->InsertNextPoint(0.0, 0.0, 0.0);
    vtkNew<vtkPolyData> noSymbol;
    noSymbol->SetPoints(origin);
    legend->SetEntry(static_cast<int>(shown), noSymbol.Get(), more.c_str(), grey);
  }
  // The box grows with its entries (the text is scaled to fit it), so small views stay readable. Where
  // it sits is PlaceLegendClearOfText's.
  const double height = std::min(0.05 * static_cast<double>(shown + (count > shown ? 1 : 0)), 0.45);
  legend->SetPosition2(0.19, height);
  return count > 0;
}
} // namespace

const char* vtkNeuroOverlayRepresentation::OverlayName(int overlay)
{
  return overlay >= 0 && overlay < NumberOfOverlays ? Names[overlay] : "";
}

int vtkNeuroOverlayRepresentation::FillInputPortInformation(int, vtkInformation* info)
{
  info->Set(vtkAlgorithm::INPUT_REQUIRED_DATA_TYPE(), "vtkMultiBlockDataSet");
  info->Set(vtkAlgorithm::INPUT_IS_OPTIONAL(), 1);
  return 1;
}

void vtkNeuroOverlayRepresentation::SetVisibility(bool visible)
{
  Internals& in = *this->Internal;
  for (auto& actor : in.Actors)
  {
    actor->SetVisibility(visible);
  }
  for (auto& video : in.Videos)
  {
    if (!visible)
    {
      video->Actor->SetVisibility(false); // shown again by the next render's delivered piece
    }
  }
  in.Legend->SetVisibility(visible && in.LegendHasEntries);
  if (!visible)
  {
    in.TextActor->SetVisibility(false);
  }
  this->Superclass::SetVisibility(visible);
}

void vtkNeuroOverlayRepresentation::SetOverlayVisibility(int overlay, int visible)
{
  if (SetControl(this->Internal->Visible, overlay, visible ? 1 : 0))
  {
    this->ControlChanged();
  }
}

void vtkNeuroOverlayRepresentation::SetOverlaySize(int overlay, double factor)
{
  if (SetControl(this->Internal->Size, overlay, std::isfinite(factor) ? std::clamp(factor, 0.0, 100.0) : 1.0))
  {
    this->ControlChanged();
  }
}

void vtkNeuroOverlayRepresentation::SetOverlayOpacity(int overlay, double factor)
{
  if (SetControl(this->Internal->Opacity, overlay, std::isfinite(factor) ? std::clamp(factor, 0.0, 1.0) : 1.0))
  {
    this->ControlChanged();
  }
}

void vtkNeuroOverlayRepresentation::ControlChanged()
{
  this->Internal->ControlsChanged.Modified();
  this->MarkModified();
}

int vtkNeuroOverlayRepresentation::GetOverlayVisibility(int overlay) const
{
  return overlay >= 0 && overlay < NumberOfOverlays ? this->Internal->Visible[overlay] : 0;
}

double vtkNeuroOverlayRepresentation::GetOverlaySize(int overlay) const
{
  return overlay >= 0 && overlay < NumberOfOverlays ? this->Internal->Size[overlay] : 0.0;
}

double vtkNeuroOverlayRepresentation::GetOverlayOpacity(int overlay) const
{
  return overlay >= 0 && overlay < NumberOfOverlays ? this->Internal->Opacity[overlay] : 0.0;
}

int vtkNeuroOverlayRepresentation::RequestUpdateExtent(
  vtkInformation* request, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  if (!this->Superclass::RequestUpdateExtent(request, inputVector, outputVector))
  {
    return 0;
  }
  for (int i = 0; i < inputVector[0]->GetNumberOfInformationObjects(); ++i)
  {
    inputVector[0]->GetInformationObject(i)->Set(vtkNeuroSessionReader::VIDEO_FRAMES(), this->Internal->Visible[Video]);
  }
  return 1;
}

int vtkNeuroOverlayRepresentation::RequestData(
  vtkInformation* request, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  Internals& in = *this->Internal;
  std::array<vtkPolyData*, NumberOfOverlays> blocks{};
  std::array<vtkDataObject*, NumberOfOverlays> blockObjects{};
  this->PresentOverlays = 0;
  vtkMultiBlockDataSet* input =
    inputVector[0]->GetNumberOfInformationObjects() ? vtkMultiBlockDataSet::GetData(inputVector[0], 0) : nullptr;
  if (input)
  {
    for (unsigned int b = 0; b < input->GetNumberOfBlocks(); ++b)
    {
      const char* name = input->HasMetaData(b) ? input->GetMetaData(b)->Get(vtkCompositeDataSet::NAME()) : nullptr;
      for (int k = 0; name && k < NumberOfOverlays; ++k)
      {
        if (std::strcmp(name, Names[k]) == 0)
        {
          blockObjects[k] = input->GetBlock(b);
          blocks[k] = vtkPolyData::SafeDownCast(blockObjects[k]);
          this->PresentOverlays |= 1 << k;
        }
      }
    }
  }
  auto shown = [&](int k) { return blocks[k] && in.Visible[k] ? blocks[k] : nullptr; };

  // Markers: bodyparts, events and the position, a glyph layer each.
  const std::pair<Layer, int> markerLayers[3] = { { BodypartMarkers, Bodyparts }, { EventMarkers, Events },
    { PositionMarkers, Position } };
  for (const auto& [layerIndex, k] : markerLayers)
  {
    LayerArrays& layer = in.Layers[layerIndex];
    layer.Renew();
    vtkPolyData* block = shown(k);
    const vtkIdType n = PointCount(block);
    layer.Points->SetNumberOfPoints(n);
    layer.Colors->SetNumberOfTuples(n);
    layer.Sizes->SetNumberOfTuples(n);
    layer.Shapes->SetNumberOfTuples(n);
    if (n > 0)
    {
      AppendPoints(block, in.Opacity[k], layer, 0);
      vtkDataArray* sizes = block->GetPointData()->GetArray("Size");
      vtkDataArray* shapes = block->GetPointData()->GetArray("Marker");
      for (vtkIdType i = 0; i < n; ++i)
      {
        layer.Sizes->SetValue(i, (sizes ? sizes->GetTuple1(i) : 1.0) * in.Size[k]);
        layer.Shapes->SetValue(i, shapes ? static_cast<int>(shapes->GetTuple1(i)) : 0);
      }
    }
    layer.Data->GetPointData()->AddArray(layer.Sizes);
    layer.Data->GetPointData()->AddArray(layer.Shapes);
    layer.Sizes->Modified();
    layer.Shapes->Modified();
    layer.Colors->Modified();
    layer.Points->Modified();
    layer.Data->Modified();
  }
  {
    in.TextPiece = vtkSmartPointer<vtkPolyData>::New();
    vtkNew<vtkStringArray> annotation;
    annotation->SetName("Annotation");
    auto* text = input ? vtkStringArray::SafeDownCast(input->GetFieldData()->GetAbstractArray("Annotation")) : nullptr;
    annotation->InsertNextValue(text && text->GetNumberOfValues() > 0 && this->AnnotationVisibility ? text->GetValue(0) : "");
    in.TextPiece->GetFieldData()->AddArray(annotation);
  }

  // Heading arrows: the vector is the arrow (its length, times the size factor).
  {
    LayerArrays& layer = in.Layers[Arrows];
    layer.Renew();
    vtkPolyData* block = shown(HeadDirection);
    const vtkIdType n = PointCount(block);
    layer.Points->SetNumberOfPoints(n);
    layer.Colors->SetNumberOfTuples(n);
    layer.Headings->SetNumberOfTuples(n);
    if (n > 0)
    {
      AppendPoints(block, in.Opacity[HeadDirection], layer, 0);
      vtkDataArray* headings = block->GetPointData()->GetArray("Heading");
      for (vtkIdType i = 0; i < n; ++i)
      {
        double v[3] = { 0.0, 0.0, 0.0 };
        if (headings && headings->GetNumberOfComponents() == 3)
        {
          headings->GetTuple(i, v);
        }
        layer.Headings->SetTuple3(i, v[0] * in.Size[HeadDirection], v[1] * in.Size[HeadDirection], v[2]);
      }
      neuroplayback::AddFieldNumber(layer.Data, "ArrowWidth", neuroplayback::FieldNumber(block, "ArrowWidth", 2.0));
    }
    layer.Data->GetPointData()->AddArray(layer.Headings);
    layer.Headings->Modified();
    layer.Colors->Modified();
    layer.Points->Modified();
    layer.Data->Modified();
  }

  // Trails and skeleton: polylines with a colour per vertex.
  const std::pair<Layer, int> lineLayers[2] = { { TrailLines, Trails }, { SkeletonLines, Skeleton } };
  for (const auto& [layerIndex, k] : lineLayers)
  {
    LayerArrays& layer = in.Layers[layerIndex];
    layer.Renew();
    vtkPolyData* block = shown(k);
    const vtkIdType n = PointCount(block);
    layer.Points->SetNumberOfPoints(n);
    layer.Colors->SetNumberOfTuples(n);
    std::vector<vtkIdType> offsets{ 0 };
    std::vector<vtkIdType> connectivity;
    if (n > 0)
    {
      AppendPoints(block, in.Opacity[k], layer, 0);
      AppendCells(block->GetLines(), 0, offsets, connectivity);
    }
    layer.Data->SetLines(CellsOf(offsets, connectivity));
    const double width = neuroplayback::FieldNumber(blocks[k], "LineWidth", 2.0) * in.Size[k];
    neuroplayback::AddFieldNumber(layer.Data, "LineWidth", width);
    layer.Colors->Modified();
    layer.Points->Modified();
    layer.Data->Modified();
  }

  // Regions and scale bar: the reader hands out the same objects every frame, so this is rebuilt only
  // when they or their controls change.
  {
    const std::array<vtkMTimeType, 2> inputTimes = { blockObjects[Regions] ? blockObjects[Regions]->GetMTime() : 0,
      blockObjects[ScaleBar] ? blockObjects[ScaleBar]->GetMTime() : 0 };
    if (inputTimes != in.StaticInputTimes || in.ControlsChanged.GetMTime() != in.StaticControlsTime)
    {
      in.StaticInputTimes = inputTimes;
      in.StaticControlsTime = in.ControlsChanged.GetMTime();
      LayerArrays& layer = in.Layers[Static];
      layer.Renew();
      const vtkIdType n = PointCount(shown(Regions)) + PointCount(shown(ScaleBar));
      layer.Points->SetNumberOfPoints(n);
      layer.Colors->SetNumberOfTuples(n);
      std::vector<vtkIdType> lineOffsets{ 0 };
      std::vector<vtkIdType> lineIds;
      std::vector<vtkIdType> polyOffsets{ 0 };
      std::vector<vtkIdType> polyIds;
      vtkIdType at = 0;
      for (int k : { Regions, ScaleBar })
      {
        vtkPolyData* block = shown(k);
        if (PointCount(block) == 0)
        {
          continue;
        }
        AppendPoints(block, in.Opacity[k], layer, at);
        AppendCells(block->GetLines(), at, lineOffsets, lineIds);
        AppendCells(block->GetPolys(), at, polyOffsets, polyIds);
        at += PointCount(block);
      }
      layer.Data->SetLines(CellsOf(lineOffsets, lineIds));
      layer.Data->SetPolys(CellsOf(polyOffsets, polyIds));
      neuroplayback::AddFieldNumber(layer.Data, "LayerStamp", in.StaticStamp += 1.0);
      const double width = neuroplayback::FieldNumber(blocks[Regions], "LineWidth", 1.5) * in.Size[Regions];
      neuroplayback::AddFieldNumber(layer.Data, "LineWidth", width);
      layer.Colors->Modified();
      layer.Points->Modified();
      layer.Data->Modified();
    }
  }

  for (const char* name : { "LegendLabels", "LegendColors", "LegendMarkers" })
  {
    vtkFieldData* target = in.TextPiece->GetFieldData();
    vtkAbstractArray* source = blocks[Events] && in.Visible[Events] && this->EventLegendVisibility
      ? blocks[Events]->GetFieldData()->GetAbstractArray(name)
      : nullptr;
    if (source)
    {
      target->AddArray(source);
    }
    else
    {
      target->RemoveArray(name);
    }
  }

  vtkBoundingBox covered;
  for (auto& layer : in.Layers)
  {
    if (layer.Data->GetNumberOfPoints() > 0)
    {
      covered.AddBounds(layer.Data->GetBounds());
    }
  }
  // The videos' images as the reader made them (the same object while a video frame stays), and the
  // arena they cover in the bounds (the view's clipping range must reach a video below the field).
  vtkNew<vtkMultiBlockDataSet> videos;
  auto* videoInput = in.Visible[Video] ? vtkMultiBlockDataSet::SafeDownCast(blockObjects[Video]) : nullptr;
  if (videoInput)
  {
    // A copy: the reader updates its stamps in place, and this piece may outlive the frame (a cache).
    videos->GetFieldData()->DeepCopy(videoInput->GetFieldData());
  }
  for (unsigned int v = 0; videoInput && v < videoInput->GetNumberOfBlocks(); ++v)
  {
    videos->SetBlock(v, videoInput->GetBlock(v));
    AddVideoBounds(VideoAt(videoInput, v), covered);
  }
  vtkMath::UninitializeBounds(in.Bounds);
  if (covered.IsValid())
  {
    covered.GetBounds(in.Bounds);
  }
  vtkNew<vtkMultiBlockDataSet> piece;
  neuroplayback::CopyPieceRegion(input, piece);
  piece->SetNumberOfBlocks(NumberOfLayers + 1);
  for (int layer = 0; layer < NumberOfLayers; ++layer)
  {
    piece->SetBlock(static_cast<unsigned int>(layer), in.Layers[static_cast<std::size_t>(layer)].Data);
  }
  piece->SetBlock(VideoBlock, videos);
  in.Delivery.Send(piece);
  return this->Superclass::RequestData(request, inputVector, outputVector);
}

int vtkNeuroOverlayRepresentation::ProcessViewRequest(
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
    vtkPVView::SetPiece(inInfo, this, in.TextPiece, 0, TextPort);
    vtkPVRenderView::SetDeliverToClientAndRenderingProcesses(inInfo, this, true, false, TextPort);
  }
  else if (request == vtkPVView::REQUEST_RENDER())
  {
    auto* piece = vtkMultiBlockDataSet::SafeDownCast(in.Delivery.Receive(vtkPVView::GetDeliveredPiece(inInfo, this)));
    for (int layer = 0; layer < NumberOfLayers; ++layer)
    {
      const auto index = static_cast<std::size_t>(layer);
      auto* block = piece && static_cast<int>(piece->GetNumberOfBlocks()) == NumberOfLayers + 1
        ? vtkPolyData::SafeDownCast(piece->GetBlock(static_cast<unsigned int>(layer)))
        : nullptr;
      if (!block)
      {
        if (in.Drawn[index]->GetNumberOfPoints() > 0)
        {
          in.Drawn[index]->Initialize();
        }
        in.DrawnTimes[index] = 0;
        continue;
      }
      if (layer == Static)
      {
        const double stamp = neuroplayback::FieldNumber(block, "LayerStamp", -1.0);
        if (stamp == in.DrawnStaticStamp)
        {
          continue;
        }
        in.DrawnStaticStamp = stamp;
      }
      else if (block->GetMTime() == in.DrawnTimes[index])
      {
        continue;
      }
      in.Drawn[index]->ShallowCopy(block);
      in.DrawnTimes[index] = block->GetMTime();
      this->ApplyLayerStyle(layer, block);
    }
    this->DrawVideos(piece && static_cast<int>(piece->GetNumberOfBlocks()) == NumberOfLayers + 1
        ? vtkMultiBlockDataSet::SafeDownCast(piece->GetBlock(VideoBlock))
        : nullptr);
    in.Clip.Apply(piece, { in.MarkerMappers[0].Get(), in.MarkerMappers[1].Get(), in.MarkerMappers[2].Get(),
      in.ArrowMapper.Get(), in.LineMappers[0].Get(), in.LineMappers[1].Get(), in.LineMappers[2].Get() });
    for (auto& video : in.Videos)
    {
      in.Clip.Apply(piece, { video->Mapper.Get() });
    }
    this->DrawTextLayers(vtkPVView::GetDeliveredPiece(inInfo, this, TextPort));
    if (auto* view = vtkPVRenderView::SafeDownCast(this->GetView()))
    {
      neuroplayback::DrawBottomToTop(view->GetRenderer()); // the layers blend in their z order
    }
  }
  return 1;
}

void vtkNeuroOverlayRepresentation::ApplyLayerStyle(int layer, vtkDataObject* block)
{
  // Applied where the layer is drawn, from what travels with it: on a pvserver's client the
  // representation that made the piece is in another process.
  Internals& in = *this->Internal;
  if (layer == Arrows)
  {
    const double width = neuroplayback::FieldNumber(block, "ArrowWidth", 2.0);
    if (width != in.ArrowWidth)
    {
      // The shaft and tip scale with the width attribute (2 = VTK's default arrow).
      in.ArrowWidth = width;
      in.Arrow->SetShaftRadius(0.015 * width);
      in.Arrow->SetTipRadius(0.05 * width);
    }
  }
  else if (layer == TrailLines || layer == SkeletonLines || layer == Static)
  {
    const double width = neuroplayback::FieldNumber(block, "LineWidth", 1.0);
    in.Actors[static_cast<std::size_t>(layer)]->GetProperty()->SetLineWidth(static_cast<float>(std::max(0.0, width)));
  }
}

void vtkNeuroOverlayRepresentation::DrawVideos(vtkMultiBlockDataSet* videos)
{
  Internals& in = *this->Internal;
  auto* view = vtkPVRenderView::SafeDownCast(this->GetView());
  const unsigned int count = videos ? videos->GetNumberOfBlocks() : 0;
  while (view && in.Videos.size() < count)
  {
    in.Videos.push_back(std::make_unique<VideoQuad>());
    view->GetRenderer()->AddActor(in.Videos.back()->Actor);
  }
  for (std::size_t v = 0; v < in.Videos.size(); ++v)
  {
    in.Videos[v]->Show(VideoAt(videos, static_cast<unsigned int>(v)), in.Opacity[Video], this->GetVisibility());
  }
}

void vtkNeuroOverlayRepresentation::DrawTextLayers(vtkDataObject* markers)
{
  Internals& in = *this->Internal;
  std::string text;
  vtkFieldData* fields = markers ? markers->GetFieldData() : nullptr;
  if (fields)
  {
    auto* array = vtkStringArray::SafeDownCast(fields->GetAbstractArray("Annotation"));
    text = array && array->GetNumberOfValues() > 0 ? array->GetValue(0) : "";
  }
  in.LegendHasEntries = UpdateLegend(fields, vtkDataObjectTree::SafeDownCast(in.Shapes->GetOutputDataObject(0)),
    in.Legend, in.LegendText);
  in.Legend->SetVisibility(in.LegendHasEntries && this->GetVisibility());
  if (!in.Text || in.TextFontSize != this->AnnotationFontSize)
  {
    in.Text = std::make_unique<neuroplayback::RasterText>(in.Font, this->AnnotationFontSize);
    in.TextFontSize = this->AnnotationFontSize;
    in.DrawnText = "\x01"; // redraw
  }
  const bool shown = !text.empty() && in.Text->Ok() && this->GetVisibility();
  in.TextActor->SetVisibility(shown);
  if (shown && text != in.DrawnText)
  {
    in.DrawnText = text;
    const unsigned char white[3] = { 255, 255, 255 };
    int width = 0;
    int height = 0;
    in.Text->Render(text, white, in.TextPixels, width, height);
    in.TextImage->SetDimensions(std::max(1, width), std::max(1, height), 1);
    in.TextImage->AllocateScalars(VTK_UNSIGNED_CHAR, 4);
    auto* pixels = static_cast<unsigned char*>(in.TextImage->GetScalarPointer());
    std::copy(in.TextPixels.begin(), in.TextPixels.end(), pixels);
    in.TextImage->Modified();
    // The image's lower left corner, so that its top sits 6 px under the view's upper left corner.
    in.TextActor->GetPositionCoordinate()->SetValue(6.0, -6.0 - height);
  }
  this->PlaceLegendClearOfText();
}

void vtkNeuroOverlayRepresentation::PlaceLegendClearOfText()
{
  // The legend's top right corner: near the view's, or under the annotation when a narrow view has the
  // text reach it.
  constexpr double Left = 0.79; // of the view's width; the box is 0.19 wide (UpdateLegend)
  Internals& in = *this->Internal;
  auto* view = vtkPVRenderView::SafeDownCast(this->GetView());
  const int* size = view ? view->GetRenderer()->GetSize() : nullptr;
  const bool sized = size && size[0] > 0 && size[1] > 0;
  int dims[3] = { 0, 0, 0 };
  in.TextImage->GetDimensions(dims);
  const bool reaches = sized && in.TextActor->GetVisibility() && 6.0 + dims[0] > Left * size[0];
  const double top = reaches ? std::max(0.5, 1.0 - (12.0 + dims[1]) / size[1]) : 0.97;
  in.Legend->SetPosition(Left, top - in.Legend->GetPosition2()[1]);
}

bool vtkNeuroOverlayRepresentation::AddToView(vtkView* view)
{
  auto* renderView = vtkPVRenderView::SafeDownCast(view);
  if (!renderView)
  {
    return false;
  }
  // Lowest layer first: translucent layers then blend in order without depth peeling.
  for (int layer : LayerDrawOrder)
  {
    renderView->GetRenderer()->AddActor(this->Internal->Actors[static_cast<std::size_t>(layer)]);
  }
  renderView->GetNonCompositedRenderer()->AddActor(this->Internal->Legend);
  renderView->GetNonCompositedRenderer()->AddActor(this->Internal->TextActor);
  return this->Superclass::AddToView(view);
}

bool vtkNeuroOverlayRepresentation::RemoveFromView(vtkView* view)
{
  auto* renderView = vtkPVRenderView::SafeDownCast(view);
  if (!renderView)
  {
    return false;
  }
  for (auto& actor : this->Internal->Actors)
  {
    renderView->GetRenderer()->RemoveActor(actor);
  }
  for (auto& video : this->Internal->Videos)
  {
    renderView->GetRenderer()->RemoveActor(video->Actor);
  }
  this->Internal->Videos.clear();
  renderView->GetNonCompositedRenderer()->RemoveActor(this->Internal->Legend);
  renderView->GetNonCompositedRenderer()->RemoveActor(this->Internal->TextActor);
  return this->Superclass::RemoveFromView(view);
}

void vtkNeuroOverlayRepresentation::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  for (int k = 0; k < NumberOfOverlays; ++k)
  {
    os << indent << Names[k] << ": visible " << this->Internal->Visible[k] << ", size " << this->Internal->Size[k]
       << ", opacity " << this->Internal->Opacity[k] << "\n";
  }
  os << indent << "PresentOverlays: " << this->PresentOverlays << "\n";
  os << indent << "EventLegendVisibility: " << this->EventLegendVisibility << "\n";
  os << indent << "AnnotationVisibility: " << this->AnnotationVisibility << "\n";
  os << indent << "AnnotationFontSize: " << this->AnnotationFontSize << "\n";
}
