#include "vtkNeuroSessionHandle.h"

#include "Session.h"

#include <vtkInformation.h>
#include <vtkInformationObjectBaseKey.h>
#include <vtkObjectFactory.h>
#include <vtkStreamingDemandDrivenPipeline.h>

namespace
{
// VTK's object key is not passed downstream; this one copies itself with the information request, as
// TIME_RANGE is, so that pass-through filters between the reader and ours carry it.
class SessionKey : public vtkInformationObjectBaseKey
{
public:
  SessionKey()
    : vtkInformationObjectBaseKey("SESSION", "vtkNeuroSessionHandle", "vtkNeuroSessionHandle")
  {
  }
  void CopyDefaultInformation(vtkInformation* request, vtkInformation* fromInfo, vtkInformation* toInfo) override
  {
    if (request->Has(vtkDemandDrivenPipeline::REQUEST_INFORMATION()))
    {
      this->ShallowCopy(fromInfo, toInfo);
    }
  }
};
} // namespace

vtkStandardNewMacro(vtkNeuroSessionHandle);

vtkInformationObjectBaseKey* vtkNeuroSessionHandle::SESSION()
{
  // Owned by VTK's key manager, which deletes every key at exit.
  static SessionKey* key = new SessionKey;
  return key;
}

std::shared_ptr<neuroplayback::Session> vtkNeuroSessionHandle::SessionOf(vtkInformation* info)
{
  auto* handle = info ? vtkNeuroSessionHandle::SafeDownCast(info->Get(SESSION())) : nullptr;
  return handle ? handle->GetSession() : nullptr;
}

void vtkNeuroSessionHandle::SetSession(std::shared_ptr<neuroplayback::Session> session)
{
  if (session != this->Session)
  {
    this->Session = std::move(session);
    this->Modified();
  }
}

void vtkNeuroSessionHandle::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Session: " << (this->Session ? "open" : "(none)") << "\n";
}
