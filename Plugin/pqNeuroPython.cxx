// Python first: Qt's "slots" macro would break Python's headers after any Qt header.
#include <vtkPython.h>

#include "pqNeuroPython.h"

#include <vtkPythonInterpreter.h>
#include <vtkSMProxy.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtGlobal>

#include <dlfcn.h>

namespace
{
QString Quoted(const QString& text)
{
  return QString::fromUtf8(QJsonDocument(QJsonArray{ text }).toJson(QJsonDocument::Compact)) + "[0]";
}
} // namespace

QString pqNeuroPythonFolder()
{
  const QString fromEnvironment = qEnvironmentVariable("NEUROPLAYBACK_PYTHON_DIR");
  if (!fromEnvironment.isEmpty())
  {
    return fromEnvironment;
  }
  // An installed plugin carries the package beside it, in python/ (cmake --install).
  Dl_info plugin{};
  if (dladdr(reinterpret_cast<void*>(&pqNeuroPythonFolder), &plugin) != 0 && plugin.dli_fname)
  {
    const QString beside = QFileInfo(QString::fromLocal8Bit(plugin.dli_fname)).absoluteDir().filePath("python");
    if (QFileInfo::exists(QDir(beside).filePath("neuroplayback/paraview.py")))
    {
      return beside;
    }
  }
#ifdef NEUROPLAYBACK_PYTHON_DIR
  return QStringLiteral(NEUROPLAYBACK_PYTHON_DIR);
#else
  return QString();
#endif
}

QString pqNeuroPythonProxy(vtkSMProxy* proxy)
{
  // By global id: names in the Pipeline Browser need not be unique.
  return QStringLiteral("servermanager._getPyProxy(servermanager.ActiveConnection.Session.GetRemoteObject(%1))")
    .arg(proxy ? proxy->GetGlobalID() : 0);
}

QString pqNeuroRunPython(const QString& statements)
{
  QString body;
  for (const QString& line : statements.split('\n'))
  {
    body += "    " + line + "\n";
  }
  // Run in a namespace of its own, so the GUI's Python shell (__main__) does not get the helpers' names.
  const QString source = QStringLiteral("error = ''\n"
                                        "try:\n"
                                        "    import sys\n"
                                        "    if %1 not in sys.path:\n"
                                        "        sys.path.insert(0, %1)\n"
                                        "    from paraview import simple, servermanager\n"
                                        "    from neuroplayback.paraview import *\n"
                                        "%2"
                                        "except Exception as failure:\n"
                                        "    error = str(failure) or repr(failure)\n")
                           .arg(Quoted(pqNeuroPythonFolder()), body);
  // Names of this call's own: a helper may spin the event loop (a render's progress), and a styling
  // queued meanwhile (a state file shows several displays) then runs inside this one.
  static int depth = 0;
  const QString suffix = QString::number(depth);
  const struct Nesting
  {
    Nesting() { ++depth; }
    ~Nesting() { --depth; }
  } nesting;
  const QString code = QStringLiteral("_neuroplayback_namespace%2 = {}\n"
                                      "exec(compile(%1, '<NeuroPlayback GUI>', 'exec'), _neuroplayback_namespace%2)\n"
                                      "_neuroplayback_error%2 = _neuroplayback_namespace%2['error']\n"
                                      "del _neuroplayback_namespace%2\n")
                         .arg(Quoted(source), suffix);
  vtkPythonInterpreter::Initialize(); // false when Python was initialized before: not a failure
  if (!vtkPythonInterpreter::IsInitialized() || vtkPythonInterpreter::RunSimpleString(code.toUtf8().constData()) != 0)
  {
    return QStringLiteral("Python could not run NeuroPlayback's helpers (see the Output Messages).");
  }
  vtkPythonScopeGilEnsurer gil;
  QString error;
  PyObject* main = PyImport_AddModule("__main__");
  const QByteArray errorName = ("_neuroplayback_error" + suffix).toUtf8();
  PyObject* message = main ? PyObject_GetAttrString(main, errorName.constData()) : nullptr;
  if (message && PyUnicode_Check(message))
  {
    error = QString::fromUtf8(PyUnicode_AsUTF8(message));
  }
  Py_XDECREF(message);
  if (!error.isEmpty() && error.contains("No module named 'neuroplayback'"))
  {
    error += QStringLiteral(" How to fix: set NEUROPLAYBACK_PYTHON_DIR to the folder holding the neuroplayback "
                            "package (the project's Python folder); it was looked for in '%1'.")
               .arg(pqNeuroPythonFolder());
  }
  return error;
}
