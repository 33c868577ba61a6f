#include "vtkNeuroVideoRepresentation.h"

#include <vtkObjectFactory.h>
#include <vtkPVLODActor.h>

vtkStandardNewMacro(vtkNeuroVideoRepresentation);

vtkNeuroVideoRepresentation::vtkNeuroVideoRepresentation()
{
  this->GetActor()->SetForceOpaque(true);
}

void vtkNeuroVideoRepresentation::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Drawn with the opaque geometry (ForceOpaque)\n";
}
