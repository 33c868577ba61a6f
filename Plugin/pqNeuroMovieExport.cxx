#include "pqNeuroMovieExport.h"

#include "pqNeuroPython.h"

#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <dlfcn.h>

namespace
{
// The folder this plugin was loaded from: the export's pvpython and pvbatch workers load it from there.
QString PluginFolder()
{
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&PluginFolder), &info) != 0 && info.dli_fname)
  {
    return QFileInfo(QString::fromLocal8Bit(info.dli_fname)).absolutePath();
  }
  return QString();
}

QString Pvpython()
{
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath("pvpython");
  return QFileInfo(beside).isExecutable() ? beside : QStandardPaths::findExecutable("pvpython");
}
}

pqNeuroMovieExport::pqNeuroMovieExport(QWidget* parentWidget)
  : QObject(parentWidget)
  , Parent(parentWidget)
{
}

pqNeuroMovieExport::~pqNeuroMovieExport()
{
  if (this->isRunning())
  {
    this->Process->terminate(); // the export cleans up on SIGTERM; its workers die with it
    this->Process->waitForFinished(10000);
  }
}

bool pqNeuroMovieExport::isRunning() const
{
  return this->Process && this->Process->state() != QProcess::NotRunning;
}

void pqNeuroMovieExport::ask(vtkSMProxy* reader, const QStringList& intervalNames, double start, double stop,
  double speed, int width, int height)
{
  const char* file = reader ? vtkSMPropertyHelper(reader, "FileName").GetAsString() : nullptr;
  if (!file || !*file)
  {
    Q_EMIT this->finished(false, tr("Export movie: no session is open."));
    return;
  }
  const QFileInfo session(QString::fromUtf8(file));

  QDialog dialog(this->Parent);
  dialog.setObjectName("NeuroMovieExportDialog");
  dialog.setWindowTitle(tr("Export movie"));
  auto* form = new QFormLayout(&dialog);

  auto* path = new QLineEdit(session.dir().filePath(session.completeBaseName() + ".mp4"), &dialog);
  path->setObjectName("moviePath");
  path->setToolTip(tr("An .mp4 (H.264), .mkv or .mov file, or a name ending in .png for numbered PNG images"));
  auto* browse = new QPushButton(tr("Browse..."), &dialog);
  QObject::connect(browse, &QPushButton::clicked, &dialog, [&dialog, path] {
    const QString chosen = QFileDialog::getSaveFileName(&dialog, tr("Export movie"), path->text(),
      tr("Movie (*.mp4 *.mkv *.mov);;PNG images (*.png)"));
    if (!chosen.isEmpty())
    {
      path->setText(chosen);
    }
  });
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path, 1);
  pathRow->addWidget(browse);
  form->addRow(tr("File"), pathRow);

  auto seconds = [&dialog](const char* name, double value, double low, double high) {
    auto* box = new QDoubleSpinBox(&dialog);
    box->setObjectName(name);
    box->setDecimals(3);
    box->setRange(low, high);
    box->setValue(value);
    box->setSuffix(" s");
    return box;
  };
  auto* from = seconds("movieStart", start, start, stop);
  auto* to = seconds("movieStop", stop, start, stop);
  form->addRow(tr("From"), from);
  form->addRow(tr("To"), to);

  auto* epoch = new QComboBox(&dialog);
  epoch->setObjectName("movieEpoch");
  epoch->addItem(tr("Everything in the range"), QString());
  for (const QString& name : intervalNames)
  {
    epoch->addItem(tr("Only inside %1").arg(name), name);
  }
  epoch->setEnabled(!intervalNames.isEmpty());
  form->addRow(tr("Epochs"), epoch);

  auto* fps = new QDoubleSpinBox(&dialog);
  fps->setObjectName("movieFps");
  fps->setRange(1.0, 240.0);
  fps->setValue(30.0);
  form->addRow(tr("Frames per second"), fps);
  auto* pace = new QDoubleSpinBox(&dialog);
  pace->setObjectName("movieSpeed");
  pace->setDecimals(3);
  pace->setRange(0.001, 1000.0);
  pace->setValue(speed);
  pace->setSuffix("x");
  pace->setToolTip(tr("Data seconds per movie second: each movie frame advances speed / fps in data time"));
  form->addRow(tr("Speed"), pace);

  auto* wide = new QSpinBox(&dialog);
  wide->setObjectName("movieWidth");
  wide->setRange(16, 7680);
  wide->setValue(width);
  auto* high = new QSpinBox(&dialog);
  high->setObjectName("movieHeight");
  high->setRange(16, 4320);
  high->setValue(height);
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(wide);
  sizeRow->addWidget(high);
  form->addRow(tr("Size (pixels)"), sizeRow);

  auto* workers = new QSpinBox(&dialog);
  workers->setObjectName("movieWorkers");
  workers->setRange(1, 64);
  workers->setValue(std::max(1, std::min(4, QThread::idealThreadCount())));
  workers->setToolTip(tr("pvbatch processes rendering contiguous parts of the movie in parallel"));
  form->addRow(tr("Workers"), workers);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  buttons->setObjectName("movieButtons");
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
  buttons->button(QDialogButtonBox::Ok)->setObjectName("movieExport");
  QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);

  if (dialog.exec() != QDialog::Accepted)
  {
    return;
  }
  Choices choices;
  choices.Session = session.absoluteFilePath();
  const char* nwb = vtkSMPropertyHelper(reader, "NWBFileName").GetAsString();
  choices.Nwb = QString::fromUtf8(nwb ? nwb : "");
  choices.Path = path->text().trimmed();
  choices.Start = from->value();
  choices.Stop = to->value();
  choices.Epoch = epoch->currentData().toString();
  choices.Fps = fps->value();
  choices.Speed = pace->value();
  choices.Width = wide->value();
  choices.Height = high->value();
  choices.Workers = workers->value();
  if (!this->start(choices))
  {
    Q_EMIT this->finished(false, this->LastError);
  }
}

bool pqNeuroMovieExport::start(const Choices& choices)
{
  if (this->isRunning())
  {
    this->LastError = tr("Export movie: an export is already running. How to fix: wait for it, or cancel it.");
    return false;
  }
  const QString pvpython = Pvpython();
  const QString script = QDir(pqNeuroPythonFolder()).filePath("neuroplayback/_movie.py");
  if (pvpython.isEmpty())
  {
    this->LastError = tr("Export movie needs pvpython, which is neither beside ParaView nor on PATH. How to fix: "
                         "install ParaView's command-line tools (Debian: paraview).");
    return false;
  }
  if (!QFileInfo::exists(script))
  {
    this->LastError = tr("Export movie needs NeuroPlayback's Python package, not found at %1. How to fix: set "
                         "NEUROPLAYBACK_PYTHON_DIR to the folder that holds the neuroplayback package.")
                        .arg(script);
    return false;
  }
  QJsonObject options;
  options["session"] = choices.Session;
  options["nwb"] = choices.Nwb;
  options["path"] = choices.Path;
  options["start"] = choices.Start;
  options["stop"] = choices.Stop;
  options["epoch"] = choices.Epoch;
  options["fps"] = choices.Fps;
  options["speed"] = choices.Speed;
  options["size"] = QJsonArray{ choices.Width, choices.Height };
  options["workers"] = choices.Workers;

  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  const QString plugins = PluginFolder();
  if (!plugins.isEmpty())
  {
    const QString current = environment.value("PV_PLUGIN_PATH");
    environment.insert("PV_PLUGIN_PATH", current.isEmpty() ? plugins : plugins + QDir::listSeparator() + current);
  }
  this->Process = new QProcess(this);
  this->Process->setProcessEnvironment(environment);
  this->Process->setProcessChannelMode(QProcess::SeparateChannels);
  QObject::connect(this->Process, &QProcess::readyReadStandardOutput, this, &pqNeuroMovieExport::onOutput);
  QObject::connect(this->Process, &QProcess::readyReadStandardError, this,
    [this] { this->Errors += QString::fromUtf8(this->Process->readAllStandardError()); });
  QObject::connect(this->Process, QOverload<int, QProcess::ExitStatus>::of(&QProcess::finished), this,
    [this](int exitCode, QProcess::ExitStatus) { this->onFinished(exitCode); });

  this->Target = choices.Path;
  this->Errors.clear();
  this->Cancelled = false;
  this->Progress = new QProgressDialog(tr("Exporting %1...").arg(QFileInfo(choices.Path).fileName()), tr("Cancel"),
    0, 100, this->Parent);
  this->Progress->setObjectName("NeuroMovieExportProgress");
  this->Progress->setWindowTitle(tr("Export movie"));
  this->Progress->setWindowModality(Qt::NonModal);
  this->Progress->setAutoClose(false);
  this->Progress->setAutoReset(false);
  this->Progress->setMinimumDuration(0);
  this->Progress->setValue(0);
  QObject::connect(this->Progress, &QProgressDialog::canceled, this, [this] {
    if (this->isRunning())
    {
      this->Cancelled = true;
      this->Progress->setLabelText(tr("Cancelling..."));
      this->Process->terminate(); // SIGTERM: the export stops its workers and removes what it wrote
    }
  });
  this->Progress->show();
  this->Process->start(pvpython, { script, "--export", QString::fromUtf8(QJsonDocument(options).toJson(QJsonDocument::Compact)) });
  return true;
}

void pqNeuroMovieExport::onOutput()
{
  static const QRegularExpression percent(QStringLiteral("about (\\d+)% of (\\d+) frames"));
  while (this->Process->canReadLine())
  {
    const QString line = QString::fromUtf8(this->Process->readLine()).trimmed();
    const QRegularExpressionMatch match = percent.match(line);
    if (match.hasMatch() && this->Progress)
    {
      this->Progress->setValue(std::min(99, match.captured(1).toInt()));
      this->Progress->setLabelText(tr("Exporting %1: %2 frames").arg(QFileInfo(this->Target).fileName(), match.captured(2)));
    }
  }
}

void pqNeuroMovieExport::onFinished(int exitCode)
{
  this->Errors += QString::fromUtf8(this->Process->readAllStandardError());
  if (this->Progress)
  {
    this->Progress->hide();
    this->Progress->deleteLater();
    this->Progress = nullptr;
  }
  this->Process->deleteLater();
  this->Process = nullptr;
  if (exitCode == 0)
  {
    Q_EMIT this->finished(true, tr("Exported %1").arg(this->Target));
    return;
  }
  if (this->Cancelled)
  {
    Q_EMIT this->finished(false, tr("The export was cancelled; nothing was written under %1.").arg(this->Target));
    return;
  }
  // The export's last stderr lines hold its one-line reason (a SessionError), after ParaView's noise.
  QStringList lines = this->Errors.split('\n', Qt::SkipEmptyParts);
  const QString reason = lines.isEmpty() ? tr("pvpython exited with code %1.").arg(exitCode) : lines.last().trimmed();
  Q_EMIT this->finished(false, tr("Export movie failed: %1").arg(reason));
}
