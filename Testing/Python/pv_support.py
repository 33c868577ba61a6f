"""Helpers the pvpython tests share: the reader's ports and overlay names, fetching one at a time, points and
arrays as numpy, the annotation text, file hashes (to prove a file was not modified), cleaning up the pipeline between
tests, starting a pvserver and reading a screenshot's pixels."""
import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time

import numpy as np
from paraview import servermanager, simple
from paraview.vtk.util.numpy_support import vtk_to_numpy

from neuroplayback.paraview import overlay_data

FIELD, OVERLAYS, ANNOTATION = 0, 1, 2
# Overlays are blocks of the Overlays output, fetched by name.
POSITION, TRAILS, BODYPARTS, SKELETON, HEADING, EVENTS, REGIONS, SCALEBAR = (
    "Position", "Trails", "Bodyparts", "Skeleton", "Head Direction", "Events", "Regions", "Scale Bar")


def fetch(reader, t, port=FIELD):
    """The reader's output `port` at time t, brought to this process; an overlay name gives that block of
    the Overlays output (empty polydata when the session has no such overlay)."""
    if isinstance(port, str):
        from paraview.vtk import vtkPolyData
        block = overlay_data(reader, port, t)
        return vtkPolyData() if block is None else block
    reader.UpdatePipeline(t)
    return servermanager.Fetch(reader, idx=port)


def xy(data):
    """The points' (x, y), shape (n, 2)."""
    if data.GetNumberOfPoints() == 0:
        return np.zeros((0, 2))
    return vtk_to_numpy(data.GetPoints().GetData())[:, :2]


def point_array(data, name):
    return vtk_to_numpy(data.GetPointData().GetArray(name))


def colors(data):
    """Each point's RGBA "Color"."""
    return point_array(data, "Color")


def annotation(reader, t):
    """The text in the arena's corner at time t (time, frame, readouts, the interval on screen)."""
    return fetch(reader, t, ANNOTATION).GetColumnByName("Text").GetValue(0)


def series_tables(series, t):
    """{series name: (times, values, CurrentValue, SamplesPerRowPair)} from the Time Series filter at t."""
    series.UpdatePipeline(t)
    output = servermanager.Fetch(series)
    result = {}
    for i in range(output.GetNumberOfBlocks()):
        table = output.GetBlock(i)
        name = output.GetMetaData(i).Get(output.NAME())
        fields = table.GetFieldData()
        result[name] = (vtk_to_numpy(table.GetColumnByName("Time")).copy(),
                        vtk_to_numpy(table.GetColumnByName(name)).copy(),
                        fields.GetArray("CurrentValue").GetValue(0),
                        int(fields.GetArray("SamplesPerRowPair").GetValue(0)))
    return result


def png_pixels(path):
    """A PNG's pixels as an int array, one row per pixel."""
    from paraview.vtk.vtkIOImage import vtkPNGReader
    reader = vtkPNGReader()
    reader.SetFileName(path)
    reader.Update()
    return vtk_to_numpy(reader.GetOutput().GetPointData().GetScalars()).astype(int)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def output_folder(prefix):
    """A new folder for a test's files under NEUROPLAYBACK_TEST_OUTPUT (ctest's), else the system's temp."""
    output = os.environ.get("NEUROPLAYBACK_TEST_OUTPUT")
    if output:
        os.makedirs(output, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=output)


def delete_pipeline(keep_views=()):
    """Deletes every source, then every view not kept. Views left behind pile up, are rendered on every
    later frame, and break pvpython's GLX teardown at exit."""
    for source in list(simple.GetSources().values()):
        simple.Delete(source)
    for view in simple.GetViews():
        if view not in keep_views:
            simple.Delete(view)


@contextlib.contextmanager
def captured_messages():
    """VTK's warnings and errors said inside the block, in this process, kept instead of printed: the
    yielded window's GetOutput() is their text."""
    from vtkmodules.vtkCommonCore import vtkOutputWindow, vtkStringOutputWindow
    previous = vtkOutputWindow.GetInstance()
    messages = vtkStringOutputWindow()
    vtkOutputWindow.SetInstance(messages)
    try:
        yield messages
    finally:
        vtkOutputWindow.SetInstance(previous)


def start_pvserver(log_path, arguments=(), launcher=(), env=None, seconds=120):
    """A pvserver (`launcher` before it, e.g. mpiexec) on a free port of localhost, its console in
    `log_path` (a pipe nobody reads would block it once full); (process, port) once it accepts a
    connection, or once it ended or `seconds` passed (the connection then says why)."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    with open(log_path, "w") as log:
        server = subprocess.Popen(list(launcher) + [shutil.which("pvserver"), "--server-port=%d" % port] +
                                  list(arguments), stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        with open(log_path, errors="replace") as log:
            if "Accepting connection" in log.read():
                break
        time.sleep(0.2)
    return server, port
