/**
 * @class vtkNeuroVideoFilter
 * @brief The session's behaviour video frame at the current time, registered to the arena.
 *
 * Input: a vtkNeuroSessionReader. Output: a 2-D vtkImageData of the displayed image (after crop and
 * downsample) with unsigned char RGB point scalars "RGB", in pixel units with row 0 at the bottom.
 * The Display* information says where its display puts it (an actor transform from the calibration,
 * above or below the field) and with which opacity (the overlay's alpha). Outside the video's time span
 * the image is empty (nothing is drawn, rather than a stale frame).
 */
#ifndef vtkNeuroVideoFilter_h
#define vtkNeuroVideoFilter_h

#include "NeuroPlaybackFiltersModule.h"
#include "vtkDataObjectAlgorithm.h"
#include "vtkImageData.h"
#include "vtkSmartPointer.h"

#include <memory>
#include <string>

namespace neuroplayback
{
class Session;
class VideoFrames;
}

class NEUROPLAYBACKFILTERS_EXPORT vtkNeuroVideoFilter : public vtkDataObjectAlgorithm
{
public:
  static vtkNeuroVideoFilter* New();
  vtkTypeMacro(vtkNeuroVideoFilter, vtkDataObjectAlgorithm)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /// Which video overlay of the session (in file order).
  vtkSetClampMacro(VideoIndex, int, 0, 1000);
  vtkGetMacro(VideoIndex, int);
  /// The display's placement and opacity for this video (valid after UpdateInformation): Position,
  /// Orientation (degrees) and Scale of the image actor, from the calibration; Opacity from its alpha.
  vtkGetVector3Macro(DisplayPosition, double);
  vtkGetVector3Macro(DisplayOrientation, double);
  vtkGetVector3Macro(DisplayScale, double);
  vtkGetMacro(DisplayOpacity, double);
  /// The video frame shown by the last update (-1: none, outside the video).
  vtkGetMacro(CurrentVideoFrame, vtkIdType);
  /// Videos in the session.
  vtkGetMacro(NumberOfVideos, int);

protected:
  vtkNeuroVideoFilter();
  ~vtkNeuroVideoFilter() override;

  int FillInputPortInformation(int port, vtkInformation* info) override;
  int FillOutputPortInformation(int port, vtkInformation* info) override;
  int RequestInformation(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  int RequestUpdateExtent(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;

private:
  vtkNeuroVideoFilter(const vtkNeuroVideoFilter&) = delete;
  void operator=(const vtkNeuroVideoFilter&) = delete;

  int VideoIndex = 0;
  int NumberOfVideos = 0;
  vtkIdType CurrentVideoFrame = -1;
  double DisplayPosition[3] = { 0.0, 0.0, 0.0 };
  double DisplayOrientation[3] = { 0.0, 0.0, 0.0 };
  double DisplayScale[3] = { 1.0, 1.0, 1.0 };
  double DisplayOpacity = 1.0;
  std::unique_ptr<neuroplayback::VideoFrames> Frames; // decodes, keeps the shown frame's image, says damage once
  std::shared_ptr<neuroplayback::Session> HintedSession; // the session the Display* values describe
  int HintedIndex = -1;
};

#endif
