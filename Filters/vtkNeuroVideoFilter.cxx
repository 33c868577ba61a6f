#include "vtkNeuroVideoFilter.h"

#include "FieldPieces.h"
#include "Session.h"
#include "UpstreamSession.h"

#include <vtkExtentTranslator.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkInformation.h>
#include <vtkInformationVector.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkPointData.h>
#include <vtkStreamingDemandDrivenPipeline.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

vtkStandardNewMacro(vtkNeuroVideoFilter);

namespace
{
const char* kLabel = "NeuroPlayback Video";

neuroplayback::VideoOverlay* VideoOf(neuroplayback::Session* session, int index)
{
  if (!session)
  {
    return nullptr;
  }
  auto& videos = session->Overlays().Videos();
  return index < static_cast<int>(videos.size()) ? videos[static_cast<std::size_t>(index)].get() : nullptr;
}

// Under MPI the video is drawn by every rank, each inside its slab of the arena: the slab the reader
// gave this rank's field (Core/streaming/FieldPieces.h).
void CopyPieceRegion(vtkDataObject* field, vtkDataObject* output)
{
  if (vtkAbstractArray* region = field ? field->GetFieldData()->GetAbstractArray(neuroplayback::PieceRegionArray) : nullptr)
  {
    output->GetFieldData()->AddArray(region);
  }
}
} // namespace

int vtkNeuroVideoFilter::FillInputPortInformation(int, vtkInformation* info)
{
  info->Set(vtkAlgorithm::INPUT_REQUIRED_DATA_TYPE(), "vtkDataObject");
  return 1;
}

int vtkNeuroVideoFilter::FillOutputPortInformation(int, vtkInformation* info)
{
  info->Set(vtkDataObject::DATA_TYPE_NAME(), "vtkImageData");
  return 1;
}

int vtkNeuroVideoFilter::RequestInformation(vtkInformation*, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  std::shared_ptr<neuroplayback::Session> session = neuroplayback::UpstreamSession(this, inputVector, kLabel);
  this->NumberOfVideos = session ? static_cast<int>(session->Overlays().Videos().size()) : 0;
  neuroplayback::VideoOverlay* video = VideoOf(session.get(), this->VideoIndex);
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  const int width = video ? video->Width() : 0;
  const int height = video ? video->Height() : 0;
  const int extent[6] = { 0, std::max(0, width - 1), 0, std::max(0, height - 1), 0, 0 };
  outInfo->Set(vtkStreamingDemandDrivenPipeline::WHOLE_EXTENT(), extent, 6);
  if (!video || (session == this->HintedSession && this->VideoIndex == this->HintedIndex))
  {
    return session ? 1 : 0;
  }
  this->HintedSession = session;
  this->HintedIndex = this->VideoIndex;

  // Image point (i, j) is the centre of displayed pixel (i, H - 1 - j): pixel point (i + 0.5, H - 0.5 - j).
  const neuroplayback::Affine2D pixels = video->Calibration().OutputPxToEnv();
  const double* m = pixels.M.data();
  const double h = static_cast<double>(height);
  const double a = m[0], b = -m[1], c = m[3], d = -m[4];  // linear part with the row flip
  const double tx = m[0] * 0.5 + m[1] * (h - 0.5) + m[2];
  const double ty = m[3] * 0.5 + m[4] * (h - 0.5) + m[5];
  // Rotation, then an upper-triangular scale (QR): the Slice representation has no shear, so a
  // sheared (affine) calibration loses only its shear.
  const double angle = std::atan2(c, a);
  const double sx = std::hypot(a, c);
  const double sy = -std::sin(angle) * b + std::cos(angle) * d;
  const double shear = std::cos(angle) * b + std::sin(angle) * d;
  const double shearFraction = std::abs(shear) / std::max(std::abs(sx), std::abs(sy));
  if (shearFraction > 0.01)
  {
    vtkWarningMacro(<< "The video's calibration is sheared by " << std::round(shearFraction * 1000.0) / 10.0
                    << " % (an affine landmark fit); ParaView draws images without shear, so the video is shown "
                       "without it and its corners may sit off their landmarks. Fit with method 'similarity' "
                       "(rotation and scale only), or check the landmark coordinates.");
  }
  const double bounds[4] = { session->Env().Bounds()[0], session->Env().Bounds()[1], session->Env().Bounds()[2],
    session->Env().Bounds()[3] };
  const double extentSize = std::max(bounds[1] - bounds[0], bounds[3] - bounds[2]);
  // Below the field, or just above it and under the other overlays (they start one layer step up).
  const double z = (video->Below() ? -1.0 : 0.5) * 0.003 * (extentSize > 0 ? extentSize : 1.0);
  const double placement[3][3] = { { tx, ty, z }, { 0.0, 0.0, angle * 180.0 / 3.14159265358979323846 },
    { sx, sy, 1.0 } };
  std::copy(placement[0], placement[0] + 3, this->DisplayPosition);
  std::copy(placement[1], placement[1] + 3, this->DisplayOrientation);
  std::copy(placement[2], placement[2] + 3, this->DisplayScale);
  this->DisplayOpacity = video->Alpha();
  return 1;
}

int vtkNeuroVideoFilter::RequestUpdateExtent(vtkInformation*, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  // The input (the field) is the link to the session and tells this rank's slab under MPI: ask for the
  // piece the field's own display asks for (so the reader does not run twice), never the video's extent.
  vtkInformation* inInfo = inputVector[0]->GetInformationObject(0);
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  if (inInfo && inInfo->Has(vtkStreamingDemandDrivenPipeline::WHOLE_EXTENT()))
  {
    int whole[6];
    int piece[6];
    inInfo->Get(vtkStreamingDemandDrivenPipeline::WHOLE_EXTENT(), whole);
    const int number = vtkStreamingDemandDrivenPipeline::GetUpdatePiece(outInfo);
    const int pieces = vtkStreamingDemandDrivenPipeline::GetUpdateNumberOfPieces(outInfo);
    vtkNew<vtkExtentTranslator> translator;
    translator->PieceToExtentThreadSafe(number, pieces, 0, whole, piece, vtkExtentTranslator::X_SLAB_MODE, 0);
    inInfo->Set(vtkStreamingDemandDrivenPipeline::UPDATE_EXTENT(), piece, 6);
  }
  return 1;
}

int vtkNeuroVideoFilter::RequestData(vtkInformation*, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  std::shared_ptr<neuroplayback::Session> session = neuroplayback::UpstreamSession(this, inputVector, kLabel);
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  auto* output = vtkImageData::GetData(outInfo);
  const vtkIdType previousFrame = this->CurrentVideoFrame;
  output->Initialize();
  this->CurrentVideoFrame = -1;
  neuroplayback::VideoOverlay* video = VideoOf(session.get(), this->VideoIndex);
  if (!video)
  {
    return session ? 1 : 0;
  }
  double requested = session->Times().First();
  if (outInfo->Has(vtkStreamingDemandDrivenPipeline::UPDATE_TIME_STEP()))
  {
    requested = outInfo->Get(vtkStreamingDemandDrivenPipeline::UPDATE_TIME_STEP());
  }
  // Damage the decoder meets while playing is said once per damaged stretch (overlay_problems() lists it too).
  auto reportDamage = [this, video]() {
    const std::vector<std::string> damage = video->DamageMessages(true);
    for (std::size_t k = this->ReportedDamage; k < damage.size(); ++k)
    {
      vtkWarningMacro(<< damage[k]);
    }
    this->ReportedDamage = std::max(this->ReportedDamage, damage.size());
  };
  try
  {
    const double frameTime = session->Times().TimeOf(session->Times().FrameAt(requested));
    const std::int64_t frame = video->FrameAt(frameTime);
    auto image = video->Image(frame);
    reportDamage();
    output->GetInformation()->Set(vtkDataObject::DATA_TIME_STEP(), frameTime);
    if (!image)
    {
      return 1; // outside the video: nothing, rather than a stale frame
    }
    if (frame >= 0 && frame == previousFrame && this->LastImage)
    {
      this->CurrentVideoFrame = frame;
      // Several session frames per video frame: hand out the same arrays, so nothing is re-uploaded.
      output->ShallowCopy(this->LastImage);
      output->GetInformation()->Set(vtkDataObject::DATA_TIME_STEP(), frameTime);
      CopyPieceRegion(vtkDataObject::GetData(inputVector[0], 0), output);
      return 1;
    }
    const int width = video->Width();
    const int height = video->Height();
    output->SetExtent(0, width - 1, 0, height - 1, 0, 0);
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
    output->GetPointData()->SetScalars(rgb);
    this->CurrentVideoFrame = frame;
    this->LastImage = vtkSmartPointer<vtkImageData>::New();
    this->LastImage->ShallowCopy(output);
    CopyPieceRegion(vtkDataObject::GetData(inputVector[0], 0), output);
  }
  catch (const std::exception& error)
  {
    // A frame that cannot be decoded shows nothing. The decoder counts it as damage, which the warning
    // above names once per damaged stretch; anything else is said once per distinct message.
    reportDamage();
    if (this->ReportedDamage == 0 && this->LastFailure != error.what())
    {
      this->LastFailure = error.what();
      vtkErrorMacro(<< error.what());
    }
    output->Initialize();
    this->CurrentVideoFrame = -1;
    return 1;
  }
  return 1;
}

void vtkNeuroVideoFilter::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "VideoIndex: " << this->VideoIndex << "\n";
  os << indent << "NumberOfVideos: " << this->NumberOfVideos << "\n";
  os << indent << "CurrentVideoFrame: " << this->CurrentVideoFrame << "\n";
  os << indent << "DisplayPosition: " << this->DisplayPosition[0] << " " << this->DisplayPosition[1] << " "
     << this->DisplayPosition[2] << "\n";
  os << indent << "DisplayOrientation: " << this->DisplayOrientation[2] << " degrees\n";
  os << indent << "DisplayScale: " << this->DisplayScale[0] << " " << this->DisplayScale[1] << "\n";
  os << indent << "DisplayOpacity: " << this->DisplayOpacity << "\n";
}
