"""ParaView's stock way to read a session: a Python reader publishing one TIME_STEP per frame.

This is the baseline the NeuroPlayback reader is compared with in docs/benchmarks.md: what a user
would write without the plugin, following ParaView's PythonAlgorithmExamples (VTKPythonAlgorithmBase
+ smproxy decorators). It reads the same .nsp file with h5py, publishes every frame time as a
TIME_STEP (and TimestepValues), and on each update reads the one requested frame row with h5py.
It is given its best shot: the frame times are read in one h5py call and handed to the pipeline
with one Set() call (ParaView's example appends them one by one), and only the requested frame is
read. With PublishTimeSteps = 0 the same reader publishes only TIME_RANGE: not the stock way, a
diagnostic baseline of what ParaView itself costs per time change (docs/benchmarks.md).

Grid layouts only (the benchmark sessions are grids). Load it as a Python plugin:

    from paraview.simple import *
    LoadPlugin("Benchmarks/stock_timesteps_reader.py", remote=False, ns=globals())
    reader = StockTimestepsSessionReader(FileName="session.nsp")
"""
import numpy as np

from paraview.util.vtkAlgorithm import VTKPythonAlgorithmBase, smdomain, smhint, smproperty, smproxy


@smproxy.reader(name="StockTimestepsSessionReader", label="Stock Timesteps Session Reader",
                extensions="nspstock", file_description="NeuroPlayback session, stock TIME_STEPS reader")
class StockTimestepsSessionReader(VTKPythonAlgorithmBase):
    def __init__(self):
        VTKPythonAlgorithmBase.__init__(self, nInputPorts=0, nOutputPorts=1, outputType="vtkImageData")
        self._filename = None
        self._file = None
        self._times = None
        self._field = None
        self._field_name = None
        self._grid = None  # (nx, ny, x0, y0, dx, dy, cell_of_bin)
        self._publish_time_steps = True

    @smproperty.stringvector(name="FileName")
    @smdomain.filelist()
    @smhint.filechooser(extensions="nspstock", file_description="NeuroPlayback session")
    def SetFileName(self, name):
        if self._filename != name:
            self._filename = name
            if self._file is not None:
                self._file.close()
            self._file = None
            self._times = None
            self.Modified()

    @smproperty.intvector(name="PublishTimeSteps", default_values=1)
    @smdomain.xml('<BooleanDomain name="bool"/>')
    def SetPublishTimeSteps(self, value):
        """1 (default): one TIME_STEP per frame, the stock way. 0: only TIME_RANGE, a diagnostic
        baseline showing what ParaView itself costs per time change without per-frame steps."""
        if self._publish_time_steps != bool(value):
            self._publish_time_steps = bool(value)
            self.Modified()

    def _load(self):
        if self._file is not None or not self._filename:
            return
        import h5py

        f = h5py.File(self._filename, "r")
        time = f["time"]
        if "frame_times" in time:
            self._times = np.asarray(time["frame_times"][...], dtype=np.float64)
        else:
            start = float(time.attrs["start"])
            rate = float(time.attrs["rate"])
            self._times = start + np.arange(int(time.attrs["n_frames"]), dtype=np.float64) / rate
        fields = f["fields"]
        default = fields.attrs.get("default", None)
        if isinstance(default, bytes):
            default = default.decode()
        names = sorted(fields.keys())
        self._field_name = default if default in names else names[0]
        self._field = fields[self._field_name]
        env = f["environment"]
        x_edges = env["x_edges"][...]
        y_edges = env["y_edges"][...]
        mask = env["active_mask"][...]
        nx, ny = mask.shape
        ix, iy = np.nonzero(mask)  # C order = neurospatial's active-bin order
        cell_of_bin = iy * nx + ix  # vtkImageData cells are x-fastest
        self._grid = (nx, ny, x_edges[0], y_edges[0], (x_edges[-1] - x_edges[0]) / nx,
                      (y_edges[-1] - y_edges[0]) / ny, cell_of_bin)
        self._file = f

    def _get_timesteps(self):
        self._load()
        if self._times is None or not self._publish_time_steps:
            return None
        return self._times.tolist()

    @smproperty.doublevector(name="TimestepValues", information_only="1", si_class="vtkSITimeStepsProperty")
    def GetTimestepValues(self):
        return self._get_timesteps()

    @smproperty.doublevector(name="TimeRange", information_only="1", si_class="vtkSITimeRangeProperty")
    def GetTimeRange(self):
        self._load()
        return [float(self._times[0]), float(self._times[-1])] if self._times is not None else None

    def RequestInformation(self, request, inInfoVec, outInfoVec):
        executive = self.GetExecutive()
        outInfo = outInfoVec.GetInformationObject(0)
        outInfo.Remove(executive.TIME_STEPS())
        outInfo.Remove(executive.TIME_RANGE())
        self._load()
        if self._times is None:
            return 1
        times = self._times
        if self._publish_time_steps:
            outInfo.Set(executive.TIME_STEPS(), times, len(times))
        outInfo.Set(executive.TIME_RANGE(), [float(times[0]), float(times[-1])], 2)
        nx, ny = self._grid[0], self._grid[1]
        outInfo.Set(executive.WHOLE_EXTENT(), [0, nx, 0, ny, 0, 0], 6)
        return 1

    def RequestData(self, request, inInfoVec, outInfoVec):
        from vtkmodules.util.numpy_support import numpy_to_vtk
        from vtkmodules.vtkCommonDataModel import vtkDataObject, vtkImageData

        self._load()
        executive = self.GetExecutive()
        outInfo = outInfoVec.GetInformationObject(0)
        times = self._times
        t = outInfo.Get(executive.UPDATE_TIME_STEP()) if outInfo.Has(executive.UPDATE_TIME_STEP()) else times[0]
        frame = max(0, int(np.searchsorted(times, t, side="right")) - 1)
        row = self._field[frame]
        nx, ny, x0, y0, dx, dy, cell_of_bin = self._grid
        values = np.full(nx * ny, np.nan, dtype=row.dtype)
        values[cell_of_bin] = row
        output = vtkImageData.GetData(outInfoVec, 0)
        output.SetDimensions(nx + 1, ny + 1, 1)
        output.SetOrigin(x0, y0, 0.0)
        output.SetSpacing(dx, dy, 1.0)
        array = numpy_to_vtk(values, deep=1)
        array.SetName(self._field_name)
        output.GetCellData().SetScalars(array)
        output.GetInformation().Set(vtkDataObject.DATA_TIME_STEP(), float(times[frame]))
        return 1

