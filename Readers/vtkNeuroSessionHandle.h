/**
 * @class vtkNeuroSessionHandle
 * @brief The reader's open session, handed down the pipeline in its outputs' information.
 *
 * vtkNeuroSessionReader puts a handle under SESSION() on every output port when it gives its
 * information. The key copies itself downstream through any filter that keeps VTK's default
 * information passing, so the Time Series and Video filters reach the session through the pipeline,
 * whatever sits between them and the reader, in the process (or server) where the pipeline runs.
 * The handle shares the session: a filter may keep it while the reader opens another file.
 */
#ifndef vtkNeuroSessionHandle_h
#define vtkNeuroSessionHandle_h

#include "NeuroPlaybackReadersModule.h"
#include "vtkObject.h"

#include <memory>

class vtkInformation;
class vtkInformationObjectBaseKey;
namespace neuroplayback
{
class Session;
}

class NEUROPLAYBACKREADERS_EXPORT vtkNeuroSessionHandle : public vtkObject
{
public:
  static vtkNeuroSessionHandle* New();
  vtkTypeMacro(vtkNeuroSessionHandle, vtkObject)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /// The key under which the handle travels with the pipeline information.
  static vtkInformationObjectBaseKey* SESSION();

  /// The session an information object carries, or null.
  static std::shared_ptr<neuroplayback::Session> SessionOf(vtkInformation* info);

  void SetSession(std::shared_ptr<neuroplayback::Session> session);
  const std::shared_ptr<neuroplayback::Session>& GetSession() const { return this->Session; }

protected:
  vtkNeuroSessionHandle() = default;
  ~vtkNeuroSessionHandle() override = default;

private:
  vtkNeuroSessionHandle(const vtkNeuroSessionHandle&) = delete;
  void operator=(const vtkNeuroSessionHandle&) = delete;
  std::shared_ptr<neuroplayback::Session> Session;
};

#endif
