#include "UpstreamSession.h"

#include "vtkNeuroSessionHandle.h"

#include <vtkAlgorithm.h>
#include <vtkInformation.h>
#include <vtkInformationVector.h>

namespace neuroplayback
{
std::shared_ptr<Session> UpstreamSession(vtkAlgorithm* filter, vtkInformationVector** inputVector, const char* label)
{
  vtkInformation* input = inputVector && inputVector[0] && inputVector[0]->GetNumberOfInformationObjects() > 0
    ? inputVector[0]->GetInformationObject(0)
    : nullptr;
  if (!input || !input->Has(vtkNeuroSessionHandle::SESSION()))
  {
    vtkErrorWithObjectMacro(filter, << label << " needs a NeuroPlayback session as its input. How to fix: select "
                                    << "the session (.nsp) in the Pipeline Browser and apply the filter to it.");
    return nullptr;
  }
  return vtkNeuroSessionHandle::SessionOf(input);
}
} // namespace neuroplayback
