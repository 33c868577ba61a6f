#pragma once
// Movie export from the GUI (the NeuroPlayback toolbar's "Export movie"): a dialog for what to export,
// then pvpython running the same export_movie as scripts do (pvbatch workers, joined into one MP4 or
// kept as PNGs), as a child process whose progress lines drive a progress dialog; Cancel stops it and
// nothing is left under the target name. The GUI stays usable while it runs.
#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;
class QProgressDialog;
class QWidget;
class vtkSMProxy;

class pqNeuroMovieExport : public QObject
{
  Q_OBJECT

public:
  struct Choices
  {
    QString Session;
    QString Nwb; // the NWB file shown beside the session, or empty
    QString Path;
    double Start = 0.0;
    double Stop = 0.0;
    QString Epoch; // an interval overlay's name, or empty for the whole range
    double Fps = 30.0;
    double Speed = 1.0;
    int Width = 1280;
    int Height = 720;
    int Workers = 1;
  };

  explicit pqNeuroMovieExport(QWidget* parent);
  ~pqNeuroMovieExport() override;

  /// Asks what to export (defaults from the session and the view), then starts the export.
  void ask(vtkSMProxy* reader, const QStringList& intervalNames, double start, double stop, double speed,
    int width, int height);
  /// Starts an export with these choices; false, with the reason in lastError(), if it cannot start.
  bool start(const Choices& choices);
  bool isRunning() const;
  const QString& lastError() const { return this->LastError; }

Q_SIGNALS:
  void finished(bool ok, const QString& message);

private:
  void onOutput();
  void onFinished(int exitCode);

  QWidget* Parent;
  QProcess* Process = nullptr;
  QProgressDialog* Progress = nullptr;
  QString Target;
  QString Errors;
  QString LastError;
  bool Cancelled = false;
};
