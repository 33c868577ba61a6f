#include "UpstreamSession.h"

#include "vtkNeuroSessionReader.h"

#include <vtkAlgorithm.h>

namespace neuroplayback
{
Session* UpstreamSession(vtkAlgorithm* filter, const char* label)
{
  vtkAlgorithm* upstream = filter->GetNumberOfInputConnections(0) > 0 ? filter->GetInputAlgorithm(0, 0) : nullptr;
  auto* reader = vtkNeuroSessionReader::SafeDownCast(upstream);
  // Walk up through pass-through algorithms ParaView may insert.
  for (int depth = 0; !reader && upstream && upstream->GetNumberOfInputPorts() > 0 && depth < 8; ++depth)
  {
    upstream = upstream->GetNumberOfInputConnections(0) > 0 ? upstream->GetInputAlgorithm(0, 0) : nullptr;
    reader = vtkNeuroSessionReader::SafeDownCast(upstream);
  }
  if (!reader)
  {
    vtkErrorWithObjectMacro(filter, << label << " needs a NeuroPlayback session as its input. How to fix: select "
                                    << "the session (.nsp) in the Pipeline Browser and apply the filter to it.");
    return nullptr;
  }
  return reader->GetSession();
}
} // namespace neuroplayback
