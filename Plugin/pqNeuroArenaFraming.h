#pragma once
// Keeps a render view framed on a session's arena: fits the arena and its scale bar on screen, clear of
// the annotation and the legends (Core/common/ViewFraming), when the session is shown and again whenever the
// view's size changes (a resized window, a screenshot at another resolution) while the camera is still
// where the fit left it. Once the user pans or zooms, the camera is theirs and stays as they left it.
#include <QObject>
#include <QPointer>

#include <vtkWeakPointer.h>

#include <array>

class pqRenderView;
class vtkObject;
class vtkSMProxy;

class pqNeuroArenaFraming : public QObject
{
  Q_OBJECT

public:
  /// Frames `view` on the arena of `reader` (a NeuroSessionReader proxy) now and on later size changes.
  static void keepFramed(pqRenderView* view, vtkSMProxy* reader);
  ~pqNeuroArenaFraming() override;

private:
  pqNeuroArenaFraming(pqRenderView* view, vtkSMProxy* reader);
  void frame();
  void onViewSizeChanged(vtkObject*, unsigned long, void*);
  std::array<double, 7> camera() const; // focal point, position, parallel scale

  QPointer<pqRenderView> View;
  vtkWeakPointer<vtkSMProxy> Reader;
  unsigned long Observer = 0;
  std::array<double, 7> Fitted{};
  bool Framing = false;
};
