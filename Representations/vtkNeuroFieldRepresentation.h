/**
 * @class vtkNeuroFieldRepresentation
 * @brief Draws a session's field (one value per bin) as fixed geometry with a colour texture.
 *
 * ParaView's Surface representation re-runs its geometry filter and re-uploads every vertex on each
 * frame, although only the bin values change. Here the cells are built once: a grid is one quad whose
 * texture has one texel per bin (an inactive bin is a transparent texel, which the GPU discards);
 * hexagons on their lattice are one quad too, each fragment finding its hexagon in the shader; other
 * layouts are their bins' cells, each vertex carrying the texture coordinate of its bin's texel. A frame
 * then only maps the bin values through ParaView's colour map into that small texture, and the GPU
 * buffers of the cells are rebuilt only when the cells change.
 *
 * It is the "Neuro Field" type of ParaView's own display (an extension of GeometryRepresentation and
 * UniformGridRepresentation), so the colour map, its editor, the colour legend, opacity and visibility
 * are ParaView's. Cell data only: the reader's fields are one value per bin. Hidden (ghost) cells, the
 * inactive bins of a grid, are not drawn. Selection (Select Cells/Points On, Hover, Find Data) names the
 * input's bins: a grid is drawn as its bins' cells for the selection render only.
 */
#ifndef vtkNeuroFieldRepresentation_h
#define vtkNeuroFieldRepresentation_h

#include "NeuroPlaybackRepresentationsModule.h"
#include "vtkPVDataRepresentation.h"

#include <memory>

class vtkFieldData;
class vtkMapper;
class vtkPolyData;
class vtkScalarsToColors;

class NEUROPLAYBACKREPRESENTATIONS_EXPORT vtkNeuroFieldRepresentation : public vtkPVDataRepresentation
{
public:
  static vtkNeuroFieldRepresentation* New();
  vtkTypeMacro(vtkNeuroFieldRepresentation, vtkPVDataRepresentation)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  void SetVisibility(bool visible) override;

  ///@{
  /// Shared with ParaView's Surface representation (same property names).
  void SetLookupTable(vtkScalarsToColors* table);
  /// ColorArrayName: a cell array's name, or empty for the solid colour.
  using Superclass::SetInputArrayToProcess;
  void SetInputArrayToProcess(int idx, int port, int connection, int association, const char* name) override;
  void SetOpacity(double opacity);
  void SetLineWidth(double width);
  void SetDiffuseColor(double r, double g, double b);
  void SetPickable(int pickable);
  void SetPosition(double x, double y, double z);
  void SetScale(double x, double y, double z);
  void SetOrientation(double x, double y, double z);
  void SetOrigin(double x, double y, double z);
  ///@}

  /// Texels per row of the colour texture of a layout that is not a grid (bins continue on the next row).
  static constexpr int TextureWidth = 2048;

  int ProcessViewRequest(vtkInformationRequestKey* request, vtkInformation* inInfo, vtkInformation* outInfo) override;

  /// The arrays whose values a hardware selection reports (null: the input's cell and point ids).
  void SetArrayIdNames(const char* pointArray, const char* cellArray) override;

  unsigned int Initialize(unsigned int minIdAvailable, unsigned int maxIdAvailable) override;
  void SetUpdateTime(double time) override;
  void MarkModified() override;

protected:
  vtkNeuroFieldRepresentation();
  ~vtkNeuroFieldRepresentation() override;

  int FillInputPortInformation(int port, vtkInformation* info) override;
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  bool AddToView(vtkView* view) override;
  bool RemoveFromView(vtkView* view) override;

private:
  // Maps the delivered values (or the solid colour) into the texture, when they or the colour map changed.
  void UpdateTexture(vtkFieldData* fields);
  // What a hardware selection draws for a grid (its bins as cells); null for the other layouts.
  vtkMapper* GridSelectionMapper();
  void SplitLattice(vtkPolyData* cells);
  vtkNeuroFieldRepresentation(const vtkNeuroFieldRepresentation&) = delete;
  void operator=(const vtkNeuroFieldRepresentation&) = delete;

  struct Internals;
  std::unique_ptr<Internals> Internal;
};

#endif
