#pragma once
// The displayed frame of one behaviour video at a session time, as VTK image data: the reader's
// Overlays output carries it to the overlay display, and the Video filter outputs it.
#include "VideoOverlay.h"

#include <vtkImageData.h>
#include <vtkSmartPointer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neuroplayback {

class VideoFrames {
public:
  // The image (unsigned char RGB point scalars "RGB", in pixel units, row 0 at the bottom) of the video
  // frame shown at a session frame's time, or null outside the video or when the frame cannot be
  // decoded. While the video frame stays, the same object is returned, so nothing is uploaded again.
  vtkImageData* At(VideoOverlay& video, double frameTime);
  // The video frame of the last At (-1: none).
  std::int64_t Frame() const { return this->ShownFrame; }
  // What the last At found that the user should hear, each said once: damage per damaged stretch
  // (warnings), and a decoding failure (an error) when it is not damage already said.
  const std::vector<std::string>& Warnings() const { return this->NewWarnings; }
  const std::string& Error() const { return this->NewError; }

private:
  std::int64_t ShownFrame = -1;
  vtkSmartPointer<vtkImageData> Image;
  std::size_t ReportedDamage = 0;
  std::string LastFailure;
  std::vector<std::string> NewWarnings;
  std::string NewError;
};

} // namespace neuroplayback
