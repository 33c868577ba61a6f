/**
 * @class vtkNeuroOverlayRepresentation
 * @brief Draws every overlay of a NeuroPlayback session (one multiblock input) with a few actors.
 *
 * The reader's Overlays output holds one named block per overlay the session has (Position, Trails,
 * Bodyparts, Skeleton, Head Direction, Events, Regions, Scale Bar, Video). Instead of one ParaView display
 * per overlay, each paying ParaView's per-display bookkeeping on every frame, this representation merges
 * the blocks in its own (optimised) code into layers drawn directly: markers (a glyph mapper per marker
 * overlay, with the marker-shape table), heading arrows (one glyph mapper), trails, skeleton, the static
 * layer (regions and scale bar, rebuilt only when they change) and one textured quad per video (its
 * texture uploaded only when the video frame changes). Per-overlay visibility, size and opacity are
 * properties of the representation; a size or opacity is applied to the arrays here, so the GPU draws
 * the final values. Colours are each point's own RGBA "Color" (no lookup table).
 */
#ifndef vtkNeuroOverlayRepresentation_h
#define vtkNeuroOverlayRepresentation_h

#include "NeuroPlaybackRepresentationsModule.h"
#include "vtkPVDataRepresentation.h"

#include <memory>

class vtkDataObject;
class vtkMultiBlockDataSet;

class NEUROPLAYBACKREPRESENTATIONS_EXPORT vtkNeuroOverlayRepresentation : public vtkPVDataRepresentation
{
public:
  static vtkNeuroOverlayRepresentation* New();
  vtkTypeMacro(vtkNeuroOverlayRepresentation, vtkPVDataRepresentation)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /// The overlays, in the order of the reader's block names.
  enum Overlay
  {
    Position = 0,
    Trails,
    Bodyparts,
    Skeleton,
    HeadDirection,
    Events,
    Regions,
    ScaleBar,
    Video,
    NumberOfOverlays
  };
  /// The block name of an overlay ("Position", "Head Direction", ...).
  static const char* OverlayName(int overlay);

  void SetVisibility(bool visible) override;

  /// Per overlay: shown or not, a size factor (marker diameter, arrow length or line width; 1 = as the
  /// session file says) and an opacity factor (0-1, times the file's alpha).
  void SetOverlayVisibility(int overlay, int visible);
  void SetOverlaySize(int overlay, double factor);
  void SetOverlayOpacity(int overlay, double factor);
  int GetOverlayVisibility(int overlay) const;
  double GetOverlaySize(int overlay) const;
  double GetOverlayOpacity(int overlay) const;

// One setter per overlay and control, so each is a named property in the Properties panel and pvpython.
#define vtkNeuroOverlayControls(Name)                                                                      \
  void Set##Name##Visibility(int v) { this->SetOverlayVisibility(Name, v); }                               \
  void Set##Name##Size(double v) { this->SetOverlaySize(Name, v); }                                        \
  void Set##Name##Opacity(double v) { this->SetOverlayOpacity(Name, v); }
  vtkNeuroOverlayControls(Position)
  vtkNeuroOverlayControls(Trails)
  vtkNeuroOverlayControls(Bodyparts)
  vtkNeuroOverlayControls(Skeleton)
  vtkNeuroOverlayControls(HeadDirection)
  vtkNeuroOverlayControls(Events)
  vtkNeuroOverlayControls(Regions)
  vtkNeuroOverlayControls(ScaleBar)
#undef vtkNeuroOverlayControls
  /// The behaviour videos: shown or not, and a factor on their alpha (no size: the calibration places them).
  void SetVideoVisibility(int v) { this->SetOverlayVisibility(Video, v); }
  void SetVideoOpacity(double v) { this->SetOverlayOpacity(Video, v); }

  /// A legend of the event types and spike units: which colour and marker is which (upper right).
  void SetEventLegendVisibility(int visible);
  vtkGetMacro(EventLegendVisibility, int);
  /// The legend's lines, one per event type (for scripts and tests); empty without events. Valid after
  /// a render.
  const char* GetEventLegendText();

  /// The time annotation (time, frame, readouts, the interval on screen) in the upper left corner, drawn
  /// from glyphs cached in this plugin's code: ParaView's own text display re-rasterises the whole text
  /// at -O0 whenever it changes, which is every frame.
  void SetAnnotationVisibility(int visible);
  vtkGetMacro(AnnotationVisibility, int);
  /// Pixel height of the annotation's font.
  void SetAnnotationFontSize(int size);
  vtkGetMacro(AnnotationFontSize, int);
  /// The font file the annotation is drawn with; empty when none was found (then show the reader's
  /// Annotation output with ParaView's text display instead).
  const char* GetAnnotationFont();

  /// Which overlays the input has, one bit per Overlay (for the GUI and scripts).
  int GetPresentOverlays() const { return this->PresentOverlays; }

  int ProcessViewRequest(vtkInformationRequestKey* request, vtkInformation* inInfo, vtkInformation* outInfo) override;

protected:
  vtkNeuroOverlayRepresentation();
  ~vtkNeuroOverlayRepresentation() override;

  int FillInputPortInformation(int port, vtkInformation* info) override;
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  // Asks the reader for the videos' frames only while they are shown.
  int RequestUpdateExtent(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  bool AddToView(vtkView* view) override;
  bool RemoveFromView(vtkView* view) override;

private:
  // A per-overlay control changed: the layers are rebuilt at the next update.
  void ControlChanged();
  // Draws the annotation and the event legend carried by the delivered markers layer (each redrawn only
  // when it changed), so they appear wherever the view renders, client or server.
  void DrawTextLayers(vtkDataObject* markers);
  // Sets a delivered layer's line width or arrow width, which travel with it.
  void ApplyLayerStyle(int layer, vtkDataObject* block);
  // Draws the videos of the delivered piece, one textured quad each.
  void DrawVideos(vtkMultiBlockDataSet* videos);
  // Moves the legend under the annotation where the text would reach it.
  void PlaceLegendClearOfText();
  vtkNeuroOverlayRepresentation(const vtkNeuroOverlayRepresentation&) = delete;
  void operator=(const vtkNeuroOverlayRepresentation&) = delete;

  int PresentOverlays = 0;
  int EventLegendVisibility = 1;
  int AnnotationVisibility = 1;
  int AnnotationFontSize = 16;

  struct Internals;
  std::unique_ptr<Internals> Internal;
};

#endif
