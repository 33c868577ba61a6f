#pragma once
// The GUI runs NeuroPlayback's pvpython helpers (neuroplayback.paraview) for what scripts do too, so that
// how a session looks, how playback attaches and how fields are compared are written once, in Python.
#include <QString>

class vtkSMProxy;

/// Where the GUI finds NeuroPlayback's Python package: NEUROPLAYBACK_PYTHON_DIR, else the source tree the
/// plugin was built from.
QString pqNeuroPythonFolder();

/// A Python expression that evaluates to the server-manager proxy (the Python proxy of paraview.simple).
QString pqNeuroPythonProxy(vtkSMProxy* proxy);

/// Runs `statements` in the GUI's Python after `from paraview import simple` and
/// `from neuroplayback.paraview import *`; returns "" or what went wrong (the exception's message).
QString pqNeuroRunPython(const QString& statements);
