#pragma once
// Turns the core's per-frame overlay arrays into polydata for glyph and line representations.
// Every overlay point carries its own RGBA "Color" (drawn as is, alpha included), so the style
// stored in the file reaches the screen without a lookup table per overlay.
#include "Environment.h"
#include "Overlays.h"

#include <vtkSmartPointer.h>

#include <string>

class vtkPolyData;

namespace neuroplayback {

// Markers: vertices with Color, Size (diameter, environment units), Marker (glyph table index), Source.
void FillMarkers(const MarkerSet& markers, double z, vtkPolyData* output);
// Polylines with a Color per vertex.
void FillLines(const LineSet& lines, double z, vtkPolyData* output);
// Vertices with a Heading vector (length = arrow length) and Color.
void FillArrows(const ArrowSet& arrows, double z, vtkPolyData* output);
// Regions: translucent filled polygons with a brighter outline; point regions as small discs.
vtkSmartPointer<vtkPolyData> BuildRegions(const Environment& environment, double z);
// A bar of a rounded 1-2-5 length under the arena's lower left corner, with its label.
vtkSmartPointer<vtkPolyData> BuildScaleBar(const double bounds[6], const std::string& units, double z);

} // namespace neuroplayback
