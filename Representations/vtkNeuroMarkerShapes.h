/**
 * @class vtkNeuroMarkerShapes
 * @brief The glyph table of overlay markers: one filled 2-D shape per block, one unit across.
 *
 * Block k is the shape whose index the overlays write in their "Marker" array: circle, square,
 * triangle up, triangle down, diamond, plus, cross, star (matplotlib's o s ^ v d + x *). Used as the
 * glyph source of the 3D Glyphs representation with a composite glyph table, so every marker is
 * drawn by the GPU glyph mapper with its own shape, size and colour.
 */
#ifndef vtkNeuroMarkerShapes_h
#define vtkNeuroMarkerShapes_h

#include "NeuroPlaybackRepresentationsModule.h"
#include "vtkMultiBlockDataSetAlgorithm.h"

class NEUROPLAYBACKREPRESENTATIONS_EXPORT vtkNeuroMarkerShapes : public vtkMultiBlockDataSetAlgorithm
{
public:
  static vtkNeuroMarkerShapes* New();
  vtkTypeMacro(vtkNeuroMarkerShapes, vtkMultiBlockDataSetAlgorithm)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  static constexpr int NumberOfShapes = 8;

protected:
  vtkNeuroMarkerShapes();
  ~vtkNeuroMarkerShapes() override = default;
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;

private:
  vtkNeuroMarkerShapes(const vtkNeuroMarkerShapes&) = delete;
  void operator=(const vtkNeuroMarkerShapes&) = delete;
};

#endif
