#pragma once
// Styles a NeuroPlayback session the moment ParaView shows it in the GUI, with the same pvpython helpers
// scripts call (neuroplayback.paraview): the field's first display in a render view gets
// style_opened_session (the fixed colour range, the overlays, the video, the charts under the view, the
// arena framed), and a video filter's display style_video. Only what the GUI alone needs stays here:
// keeping the arena framed while the window is resized.
#include <QObject>

class pqRepresentation;

class pqNeuroSessionStyleBehavior : public QObject
{
  Q_OBJECT

public:
  explicit pqNeuroSessionStyleBehavior(QObject* parent = nullptr);
  ~pqNeuroSessionStyleBehavior() override = default;

  // pqAutoStartInterface entry points.
  void startup();
  void shutdown();

  /// While alive, displays shown are left as made: the Python helpers run from the GUI (this behaviour's
  /// own, and Compare fields) style the displays they make themselves.
  class Suspension
  {
  public:
    Suspension() { ++Suspended; }
    ~Suspension() { --Suspended; }
    Suspension(const Suspension&) = delete;
    Suspension& operator=(const Suspension&) = delete;
  };

private Q_SLOTS:
  void onRepresentationAdded(pqRepresentation* representation);

private:
  static int Suspended;
};
