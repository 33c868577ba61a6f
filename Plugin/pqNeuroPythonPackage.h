#pragma once
// Where the GUI finds NeuroPlayback's Python package (the pvpython helpers that the toolbar's movie
// export and field comparison run): NEUROPLAYBACK_PYTHON_DIR, else the source tree the plugin was built
// from.
#include <QString>
#include <QtGlobal>

inline QString pqNeuroPythonFolder()
{
  const QString fromEnvironment = qEnvironmentVariable("NEUROPLAYBACK_PYTHON_DIR");
  if (!fromEnvironment.isEmpty())
  {
    return fromEnvironment;
  }
#ifdef NEUROPLAYBACK_PYTHON_DIR
  return QStringLiteral(NEUROPLAYBACK_PYTHON_DIR);
#else
  return QString();
#endif
}
