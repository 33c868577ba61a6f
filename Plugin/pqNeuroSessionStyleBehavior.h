#pragma once
// Styles a NeuroPlayback session the moment it is shown in the GUI: colours by the default field
// with the session-wide colour range, fixed while time changes, and a 2-D view of the arena; each
// overlay port as the reader's display hints say (the file's style and the defaults); the time series
// in line charts under the render view, one per group, through the NeuroPlayback Time Series filter.
#include <QObject>
#include <QPointer>
#include <QSet>

class pqDataRepresentation;
class pqPipelineSource;
class pqRepresentation;
class pqView;

class pqNeuroSessionStyleBehavior : public QObject
{
  Q_OBJECT

public:
  explicit pqNeuroSessionStyleBehavior(QObject* parent = nullptr);
  ~pqNeuroSessionStyleBehavior() override = default;

  // pqAutoStartInterface entry points.
  void startup();
  void shutdown();

  /// While alive, displays shown are left as made: the pvpython helpers run from the GUI (Compare
  /// fields) style their own displays.
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
  void applyStyle(pqDataRepresentation* representation);
  void applyDisplayHints(pqDataRepresentation* representation, int port);
  void showTimeSeries(pqPipelineSource* reader, pqView* renderView);
  void showVideo(pqPipelineSource* reader, pqView* renderView);
};
