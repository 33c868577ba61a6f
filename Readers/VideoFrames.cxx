#include "VideoFrames.h"

#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <exception>

namespace neuroplayback {

vtkImageData* VideoFrames::At(VideoOverlay& video, double frameTime)
{
  this->NewWarnings.clear();
  this->NewError.clear();
  auto reportDamage = [this, &video]() {
    const std::vector<std::string> damage = video.DamageMessages(true);
    for (std::size_t k = this->ReportedDamage; k < damage.size(); ++k)
    {
      this->NewWarnings.push_back(damage[k]);
    }
    this->ReportedDamage = std::max(this->ReportedDamage, damage.size());
  };
  try
  {
    const std::int64_t frame = video.FrameAt(frameTime);
    if (frame >= 0 && frame == this->ShownFrame && this->Image)
    {
      return this->Image;
    }
    auto image = video.Image(frame);
    reportDamage();
    this->ShownFrame = -1;
    this->Image = nullptr;
    if (!image)
    {
      return nullptr; // outside the video: nothing, rather than a stale frame
    }
    const int width = video.Width();
    const int height = video.Height();
    // A new object per video frame: a delivered or cached copy of the last one keeps its pixels.
    this->Image = vtkSmartPointer<vtkImageData>::New();
    this->Image->SetExtent(0, width - 1, 0, height - 1, 0, 0);
    vtkNew<vtkUnsignedCharArray> rgb;
    rgb->SetName("RGB");
    rgb->SetNumberOfComponents(3);
    rgb->SetNumberOfTuples(static_cast<vtkIdType>(width) * height);
    unsigned char* out = rgb->GetPointer(0);
    const std::size_t rowBytes = static_cast<std::size_t>(width) * 3;
    for (int j = 0; j < height; ++j)
    {
      // VTK's rows go up, the video's go down.
      std::copy_n(image->data() + static_cast<std::size_t>(height - 1 - j) * rowBytes, rowBytes,
        out + static_cast<std::size_t>(j) * rowBytes);
    }
    this->Image->GetPointData()->SetScalars(rgb);
    this->ShownFrame = frame;
    return this->Image;
  }
  catch (const std::exception& error)
  {
    // A frame that cannot be decoded shows nothing. The decoder counts it as damage, said once per
    // damaged stretch; anything else is said once per distinct message.
    reportDamage();
    if (this->ReportedDamage == 0 && this->LastFailure != error.what())
    {
      this->LastFailure = error.what();
      this->NewError = error.what();
    }
    this->ShownFrame = -1;
    this->Image = nullptr;
    return nullptr;
  }
}

} // namespace neuroplayback
