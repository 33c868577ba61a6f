#include "vtkNeuroVideoFilter.h"

#include "FieldPieces.h"
#include "Session.h"
#include "UpstreamSession.h"
#include "VideoFrames.h"

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

vtkNeuroVideoFilter::vtkNeuroVideoFilter()
  : Frames(new neuroplayback::VideoFrames)
{
}

vtkNeuroVideoFilter::~vtkNeuroVideoFilter() = default;

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

  const neuroplayback::ImagePlacement placed = neuroplayback::PlaceImage(video->Calibration().OutputPxToEnv(), height);
  if (placed.ShearFraction > 0.01)
  {
    vtkWarningMacro(<< neuroplayback::ShearWarning(placed.ShearFraction));
  }
  const double bounds[4] = { session->Env().Bounds()[0], session->Env().Bounds()[1], session->Env().Bounds()[2],
    session->Env().Bounds()[3] };
  const double extentSize = std::max(bounds[1] - bounds[0], bounds[3] - bounds[2]);
  // Below the field, or just above it and under the other overlays (they start one layer step up).
  const double z = (video->Below() ? -1.0 : 0.5) * 0.003 * (extentSize > 0 ? extentSize : 1.0);
  const double placement[3][3] = { { placed.X, placed.Y, z }, { 0.0, 0.0, placed.AngleDegrees },
    { placed.ScaleX, placed.ScaleY, 1.0 } };
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
  double frameTime = requested;
  try
  {
    frameTime = session->Times().TimeOf(session->Times().FrameAt(requested));
  }
  catch (const std::exception& error)
  {
    vtkErrorMacro(<< error.what());
    return 1;
  }
  vtkImageData* image = this->Frames->At(*video, frameTime);
  for (const std::string& warning : this->Frames->Warnings())
  {
    vtkWarningMacro(<< warning);
  }
  if (!this->Frames->Error().empty())
  {
    vtkErrorMacro(<< this->Frames->Error());
  }
  output->GetInformation()->Set(vtkDataObject::DATA_TIME_STEP(), frameTime);
  if (image)
  {
    // Several session frames per video frame: the same arrays, so nothing is uploaded again.
    output->ShallowCopy(image);
    output->GetInformation()->Set(vtkDataObject::DATA_TIME_STEP(), frameTime);
    this->CurrentVideoFrame = this->Frames->Frame();
    CopyPieceRegion(vtkDataObject::GetData(inputVector[0], 0), output);
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
