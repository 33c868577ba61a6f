"""pvpython: sessions written by the Python writer (neuroplayback.writer, plain numpy + h5py) open in
the real reader with the values written: every layout, several fields, explicit and regular times,
every overlay kind (positions of several animals, pose + skeleton, head direction, events fixed /
on a trajectory / on a position overlay, time series with their min/max summary, stored and
external video with calibrations, intervals, regions), neurospatial-shaped objects converted by
duck typing, a memmap larger than the writer's blocks streamed with bounded memory, and bad input
refused before any file exists, with what / why / how-to-fix messages. Also: the writer needs no
network, and `import neuroplayback` pulls in neither numpy nor h5py."""
import glob
import math
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
import unittest
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE))), "Python")
sys.path.insert(0, HERE)
sys.path.insert(0, PYTHON_DIR)
import h5py
import numpy as np
from paraview import servermanager, simple
from paraview.vtk.util.numpy_support import vtk_to_numpy

import session_factory as sf
from pv_support import (BODYPARTS, EVENTS, HEADING, POSITION, REGIONS, SKELETON, TRAILS, annotation, colors,
                        delete_pipeline, fetch, output_folder, sha, xy)
from neuroplayback import SessionWriteError
from neuroplayback import _arrays
from neuroplayback.paraview import open_session, overlay_problems, session_info, show_video, time_series
from neuroplayback.writer import (BodypartOverlay, EventOverlay, HeadDirectionOverlay, IntervalOverlay,
                                  PositionOverlay, Skeleton, TimeSeriesOverlay, VideoOverlay, calibrate_video,
                                  grid_environment, hexagonal_environment, mesh_environment, point_region,
                                  track_environment, write_session)

BINARY_DIR = os.environ.get("NEUROPLAYBACK_BINARY_DIR", "")
VALIDATE = os.path.join(BINARY_DIR, "bin", "neuroplayback-validate")
MAKE_VIDEO = os.path.join(BINARY_DIR, "bin", "neuroplayback-make-video")


def cell_values(data, name):
    return vtk_to_numpy(data.GetCellData().GetArray(name)).astype(np.float64)


def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def plain_python():
    """A python3 with numpy and h5py but no ParaView (Debian's), for the subprocess tests."""
    for candidate in ("/usr/bin/python3", shutil.which("python3"), sys.executable):
        if candidate and subprocess.run([candidate, "-c", "import numpy, h5py"], capture_output=True).returncode == 0:
            return candidate
    return None


def grid_cells(env_mask, values):
    """Bin values (x-major active bins) placed on VTK's x-fastest cells, NaN on inactive cells."""
    nx, ny = env_mask.shape
    cells = np.full(nx * ny, np.nan)
    k = 0
    for ix in range(nx):
        for iy in range(ny):
            if env_mask[ix, iy]:
                cells[iy * nx + ix] = values[k]
                k += 1
    return cells


# ---- Stand-ins shaped like neurospatial's objects (attributes as neurospatial 0.8 names them) ----

class FakeAffine2D:
    def __init__(self, A):
        self.A = np.asarray(A, dtype=float)


@dataclass
class FakeVideoCalibration:
    transform_px_to_cm: FakeAffine2D
    frame_size_px: tuple


class FakePolygon:  # shapely.geometry.Polygon: exterior.coords is the closed ring
    def __init__(self, ring):
        ring = [tuple(p) for p in ring]
        self.exterior = type("Ring", (), {"coords": ring + ring[:1]})()


@dataclass(frozen=True)
class FakeRegion:
    name: str
    kind: str
    data: object
    metadata: dict = field(default_factory=dict)


class FakeRegions(dict):  # neurospatial's Regions is a mapping name -> Region
    pass


class FakeRegularGridLayout:
    _layout_type_tag = "RegularGrid"
    layout_type = "grid"
    is_linearized_track = False


class FakeHexagonalLayout:
    _layout_type_tag = "Hexagonal"
    layout_type = "hexagonal"
    is_linearized_track = False

    def __init__(self, radius):
        self.hex_radius_, self.hex_orientation_, self.grid_edges = radius, 0.0, ()


class FakeDelaunay:
    def __init__(self, points, simplices):
        self.points, self.simplices = points, simplices


class FakeMeshLayout:
    _layout_type_tag = "TriangularMesh"
    layout_type = "mesh"
    is_linearized_track = False

    def __init__(self, points, simplices, active):
        self._full_delaunay_tri = FakeDelaunay(points, simplices)
        self._active_original_simplex_indices = active
        self.grid_edges = ()


class FakeGraph:  # the networkx calls the converter makes: nodes[n]["pos"], edges
    def __init__(self, pos, edges):
        self._pos, self.edges = pos, edges
        self.nodes = {name: {"pos": p} for name, p in pos.items()}


class FakeGraphLayout:
    """A straight 60 cm track from (0, 5) along +x, 1-D edges every 10 cm with one inactive bin."""
    _layout_type_tag = "Graph"
    layout_type = "graph"
    is_linearized_track = True

    def __init__(self):
        self.grid_edges = (np.arange(0.0, 61.0, 10.0),)
        self.active_mask = np.array([True, True, False, True, True, True])
        self.linear_bin_centers_ = (self.grid_edges[0][:-1] + 5.0)[self.active_mask]
        self._build_params_used = {"graph_definition": FakeGraph({"a": (0.0, 5.0), "b": (60.0, 5.0)}, [("a", "b")])}

    def linear_to_nd(self, linear):
        linear = np.asarray(linear, dtype=float)
        return np.stack([linear, np.full_like(linear, 5.0)], axis=1)


class FakeEnvironment:
    """neurospatial.Environment's attributes: name, layout, bin_centers, grid_edges, active_mask,
    units, regions, _is_fitted, _layout_type_used (what layout_type returns)."""

    def __init__(self, layout, bin_centers, grid_edges=(), active_mask=None, units="cm", regions=None):
        self.name, self.layout = "arena", layout
        self.bin_centers = np.asarray(bin_centers, dtype=float)
        self.grid_edges, self.active_mask, self.units = grid_edges, active_mask, units
        self.regions = regions if regions is not None else FakeRegions()
        self._is_fitted, self._layout_type_used = True, layout._layout_type_tag
        self.dimension_ranges = list(zip(self.bin_centers.min(axis=0), self.bin_centers.max(axis=0)))

    @property
    def n_bins(self):
        return len(self.bin_centers)

    @property
    def layout_type(self):
        return self._layout_type_used


@dataclass
class NsPositionOverlay:
    positions: np.ndarray
    times: np.ndarray = None
    color: str = "red"
    size: float = 10.0
    trail_length: int = None
    interp: str = "linear"


@dataclass(frozen=True)
class NsSkeleton:
    name: str
    nodes: tuple
    edges: tuple
    node_colors: dict = None
    edge_color: str = "white"
    edge_width: float = 1.0


@dataclass
class NsBodypartOverlay:
    data: dict
    times: np.ndarray = None
    skeleton: NsSkeleton = None
    colors: dict = None
    interp: str = "linear"


@dataclass
class NsHeadDirectionOverlay:
    headings: np.ndarray
    times: np.ndarray = None
    color: str = "hsv"
    length: float = 15.0
    width: float = 3.0
    interp: str = "linear"


@dataclass
class NsEventOverlay:
    event_times: object
    event_positions: object = None
    positions: np.ndarray = None
    position_times: np.ndarray = None
    interp: str = "linear"
    colors: object = None
    size: float = 8.0
    opacity: float = 0.7
    decay_frames: int = None
    markers: object = None
    border_color: str = "white"
    border_width: float = 0.05


@dataclass
class NsTimeSeriesOverlay:
    data: np.ndarray
    times: np.ndarray
    label: str = ""
    color: str = "white"
    window_seconds: float = 2.0
    linewidth: float = 1.0
    alpha: float = 1.0
    group: str = None
    normalize: bool = False
    show_cursor: bool = True
    cursor_color: str = "red"
    vmin: float = None
    vmax: float = None
    interp: str = "linear"
    update_mode: str = "live"


@dataclass
class NsVideoOverlay:
    source: object
    calibration: object = None
    times: np.ndarray = None
    alpha: float = 0.5
    z_order: str = "above"
    crop: tuple = None
    downsample: int = 1
    interp: str = "nearest"
    cache_size: int = 100
    prefetch_ahead: int = 0


@dataclass
class NsObjectVectorOverlay:
    object_positions: np.ndarray
    animal_positions: np.ndarray


class Tracked:
    """An array-like over a memmap that records every block the writer reads."""

    def __init__(self, array):
        self.array, self.shape, self.dtype, self.reads = array, array.shape, array.dtype, []

    def __getitem__(self, key):
        self.reads.append((key.start or 0, key.stop))
        return self.array[key]


class Failing(Tracked):
    """Fails on its third block: a write that breaks half way."""

    def __getitem__(self, key):
        if len(self.reads) == 2:
            raise OSError("disk went away")
        return super().__getitem__(key)


class WriterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = output_folder("np-writer-")

    def tearDown(self):
        delete_pipeline()

    def path(self, name):
        return os.path.join(self.folder, name)

    def assert_valid(self, path):
        if os.path.exists(VALIDATE):
            result = subprocess.run([VALIDATE, path], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    # ---- fields and layouts ----

    def test_every_layout_round_trips_field_values_and_times(self):
        rng = np.random.default_rng(3)
        mask = np.ones((4, 3), bool)
        mask[0, 0] = mask[3, 2] = False
        hex_centers = sf.hexagonal_environment(n=3)["bin_centers"]
        mesh = sf.mesh_environment()
        track = sf.track_environment()
        cases = {
            "grid": (grid_environment(-20 + 10.0 * np.arange(5), 5 + 5.0 * np.arange(4), mask), np.float32,
                     dict(frame_times=np.cumsum(rng.uniform(0.01, 0.2, 30)))),
            "hexagonal": (hexagonal_environment(hex_centers, 5.0), np.float32, dict(frame_rate=20.0, start=1.5)),
            "mesh": (mesh_environment(mesh["vertices"], mesh["triangles"]), np.float64,
                     dict(frame_times=np.linspace(-1.0, 2.0, 30))),
            "track": (track_environment(track["bin_segments"], linear_position=np.arange(6) * 10.0), np.float32,
                      dict(frame_rate=500.0)),
        }
        for layout, (env, dtype, timing) in cases.items():
            with self.subTest(layout=layout):
                values = rng.normal(size=(30, env.n_bins)).astype(dtype)
                values[3, 2] = np.nan
                path = write_session(self.path(f"layout-{layout}.nsp"), env, values, field_names="posterior",
                                     title=f"{layout} session", **timing)
                self.assert_valid(path)
                times = timing.get("frame_times")
                if times is None:
                    times = timing.get("start", 0.0) + np.arange(30) / timing["frame_rate"]
                reader = open_session(path)
                info = session_info(reader)
                self.assertEqual(info["layout"], layout)
                self.assertEqual(info["frames"], 30)
                self.assertEqual(info["field"], "posterior")
                self.assertAlmostEqual(info["time_range"][0], times[0], places=9)
                self.assertAlmostEqual(info["time_range"][1], times[-1], places=9)
                self.assertEqual(info["color_range"], (float(np.nanmin(values)), float(np.nanmax(values))))
                for frame in (0, 3, 17, 29):
                    data = fetch(reader, times[frame] + 1e-9)
                    self.assertEqual(data.GetFieldData().GetArray("FrameIndex").GetValue(0), frame)
                    got = cell_values(data, "posterior")
                    expected = grid_cells(mask, values[frame]) if layout == "grid" else values[frame]
                    np.testing.assert_array_equal(got, expected.astype(np.float64), err_msg=f"{layout} frame {frame}")
                if layout != "grid":  # cells sit on the bin centres: the geometry was written in true coordinates
                    data = fetch(reader, times[0])
                    for k in range(env.n_bins):
                        cell = data.GetCell(k)
                        points = [cell.GetPoints().GetPoint(i)[:2] for i in range(cell.GetNumberOfPoints())]
                        np.testing.assert_allclose(np.mean(points, axis=0), env.bin_centers[k], atol=1e-6)
                with h5py.File(path, "r") as f:
                    self.assertEqual(f["fields/posterior"].dtype, np.dtype(dtype))
                    self.assertEqual(f.attrs["created_by"].split()[0], "neuroplayback.writer")
                simple.Delete(reader)

    def test_several_fields_lists_of_frames_and_colour_ranges(self):
        env = grid_environment(np.linspace(0, 30, 4), np.linspace(0, 20, 3))
        t = np.arange(12) / 4.0
        a = np.arange(12 * 6, dtype=np.float64).reshape(12, 6)
        frames = [row * -1.0 for row in a]  # neurospatial's list of 1-D frames
        path = write_session(self.path("multi.nsp"), env, {"posterior": a, "likelihood": frames}, frame_times=t,
                             default_field="likelihood", vmax=50.0, cmap="hot")
        reader = open_session(path)
        info = session_info(reader)
        self.assertEqual(info["field"], "likelihood")
        self.assertEqual(info["color_range"], (-71.0, 50.0))  # only the missing bound comes from the data
        data = fetch(reader, t[5])
        cells = grid_cells(np.ones((3, 2), bool), a[5])
        np.testing.assert_array_equal(cell_values(data, "posterior"), cells)
        np.testing.assert_array_equal(cell_values(data, "likelihood"), -cells)
        with h5py.File(path, "r") as f:
            self.assertEqual(f["fields/posterior"].attrs["colormap"], "Black-Body Radiation")
        shared = write_session(self.path("shared.nsp"), env, [a, -a], frame_times=t, shared_color_range=True)
        with h5py.File(shared, "r") as f:
            self.assertEqual(sorted(f["fields"]), ["field_1", "field_2"])
            for name in ("field_1", "field_2"):
                self.assertEqual((f["fields"][name].attrs["vmin"], f["fields"][name].attrs["vmax"]), (-71.0, 71.0))
        per_field = write_session(self.path("per-field.nsp"), env, {"posterior": a, "likelihood": -a}, frame_times=t,
                                  vmin={"posterior": 0.0}, vmax={"posterior": 1.0, "likelihood": 5.0})
        with h5py.File(per_field, "r") as f:
            self.assertEqual((f["fields/posterior"].attrs["vmin"], f["fields/posterior"].attrs["vmax"]), (0.0, 1.0))
            self.assertEqual((f["fields/likelihood"].attrs["vmin"], f["fields/likelihood"].attrs["vmax"]),
                             (float(np.nanmin(-a)), 5.0))
        with self.assertRaisesRegex(SessionWriteError, "names field 'posterio'.*Did you mean 'posterior'"):
            write_session(self.path("bad-range.nsp"), env, {"posterior": a}, frame_times=t, vmin={"posterio": 0.0})
        constant = write_session(self.path("constant.nsp"), env, np.full((3, 6), np.nan), frame_rate=1.0)
        with h5py.File(constant, "r") as f:  # no finite value: (0, 1), as neurospatial
            self.assertEqual((f["fields/field"].attrs["vmin"], f["fields/field"].attrs["vmax"]), (0.0, 1.0))

    def test_a_memmap_larger_than_the_blocks_streams_with_bounded_memory(self):
        n_frames, n_bins = 4000, 2500  # 40 MB of float32
        env = grid_environment(np.linspace(0, 100, 51), np.linspace(0, 100, 51))
        source = np.memmap(self.path("big.f32"), dtype=np.float32, mode="w+", shape=(n_frames, n_bins))
        for first in range(0, n_frames, 500):  # frame f, bin b holds f + b / 4096, exactly in float32
            frames = np.arange(first, first + 500, dtype=np.float64)[:, None]
            source[first:first + 500] = frames + np.arange(n_bins)[None, :] / 4096.0
        source.flush()
        del source
        tracked = Tracked(np.memmap(self.path("big.f32"), dtype=np.float32, mode="r", shape=(n_frames, n_bins)))
        saved = _arrays.COPY_BLOCK_BYTES
        _arrays.COPY_BLOCK_BYTES = 1 << 20
        tracemalloc.start()
        try:
            path = write_session(self.path("big.nsp"), env, tracked, frame_rate=500.0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            _arrays.COPY_BLOCK_BYTES = saved
        row = n_bins * 4
        self.assertGreater(len(tracked.reads), 40)
        self.assertLessEqual(max(stop - first for first, stop in tracked.reads) * row, 1 << 20)
        self.assertLess(peak, 8 << 20, "writing a 40 MB memmap must not hold it in memory")
        with h5py.File(path, "r") as f:
            dataset = f["fields/field"]
            chunk = dataset.chunks
            self.assertEqual(chunk[1], n_bins)
            self.assertTrue(64 << 10 <= chunk[0] * row <= 4 << 20, chunk)
            self.assertEqual((dataset.attrs["vmin"], dataset.attrs["vmax"]), (0.0, 3999 + 2499 / 4096.0))
        reader = open_session(path)
        cells = np.arange(n_bins).reshape(50, 50).T.ravel()  # cell iy * 50 + ix holds bin ix * 50 + iy
        for frame in (0, 1234, 3999):
            got = cell_values(fetch(reader, frame / 500.0), "field")
            np.testing.assert_array_equal(got, frame + cells / 4096.0)
        # A read-only memmap's pages are unmapped once copied: the process does not end up mapping the field.
        plain = np.memmap(self.path("big.f32"), dtype=np.float32, mode="r", shape=(n_frames, n_bins))
        before = rss_kb()
        write_session(self.path("big-plain.nsp"), env, plain, frame_rate=500.0)
        self.assertLess(rss_kb() - before, 20_000, "the 40 MB field stayed mapped")
        # An h5py dataset is a source too (streamed the same way).
        with h5py.File(path, "r") as f:
            copy = write_session(self.path("from-h5py.nsp"), env, f["fields/field"], frame_rate=500.0)
        with h5py.File(copy, "r") as f:
            self.assertEqual(f["fields/field"][3999, 2499], np.float32(3999 + 2499 / 4096.0))

    # ---- overlays ----

    def overlay_session(self):
        """One session with every overlay kind, written once and shared by the tests that read it."""
        if getattr(WriterTest, "_overlays", None) is None:
            WriterTest._overlays = self.write_overlay_session()
        return WriterTest._overlays

    def write_overlay_session(self):
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4),
                               regions={"goal": [[5, 5], [15, 5], [10, 15]]})
        t = np.arange(50) / 10.0  # frames at 0.0 .. 4.9 s
        values = (np.arange(50)[:, None] + np.arange(env.n_bins)[None, :] / 1000.0).astype(np.float32)
        tt = np.arange(200) / 40.0  # tracking at 40 Hz
        rat = np.stack([20 + 10 * np.cos(tt), 15 + 10 * np.sin(tt)], axis=1)
        mouse = np.stack([5 + tt, 5 + 0 * tt], axis=1)
        mouse[60:70] = np.nan  # a tracking gap
        pose = {"nose": rat + [1.0, 0.0], "left_ear": rat + [0.0, 1.0], "tail": rat - [2.0, 0.0]}
        pose["tail"][:, :] = np.where(tt[:, None] > 3.0, np.nan, pose["tail"])  # the tail is lost after 3 s
        heading = np.unwrap(np.arctan2(np.cos(tt), -np.sin(tt)))
        frames = np.zeros((20, 12, 16, 3), np.uint8)
        frames[:, :, :, 0] = (np.arange(20) * 10)[:, None, None]
        frames[:, :, :, 1] = (np.arange(16) * 15)[None, None, :]
        frames[:, :, :, 2] = (np.arange(12) * 20)[None, :, None]
        spike_t = np.array([0.05, 0.25, 0.45, 0.31])  # unsorted: the writer sorts them
        long_t = np.arange(200_000) / 500.0 - 200.0  # 400 s of LFP, -200 .. 200 s
        lfp = np.sin(2 * np.pi * long_t / 7.0) + 0.1 * np.cos(2 * np.pi * 31 * long_t)
        lfp[100_000:105_000] = np.nan  # a 10 s gap at 0 .. 10 s
        lfp[125_000], lfp[50_000] = 5.0, -4.0  # extremes inside a 300 s window around 2 s (at 50 s and -100 s)
        lfp[190_000], lfp[5_000] = 9.0, -9.0  # and outside it (180 s, -190 s)
        overlays = [
            PositionOverlay({"rat": rat, "mouse": mouse}, times=tt, color={"rat": "#ff3030", "mouse": "cyan"},
                            trail_length=1.0, size=2.0),
            BodypartOverlay(pose, times=tt, skeleton=Skeleton.from_edge_list([("nose", "left_ear"), ("nose", "tail")],
                                                                            edge_color="#e0e0e0", edge_width=2.0),
                            colors={"nose": "white", "left_ear": (0.25, 0.75, 1.0)}, name="pose"),
            HeadDirectionOverlay(heading, times=tt, anchor="rat", length=4.0, color="#00ff00"),
            EventOverlay({"a": spike_t, "b": [0.3]}, event_positions={"a": [[1, 1], [2, 2], [3, 3], [4, 4]],
                                                                      "b": [[9, 9]]},
                         colors={"a": "red", "b": "blue"}, markers={"a": "^", "b": "s"}, name="spikes"),
            EventOverlay([1.0, 2.0], positions=rat, position_times=tt, mode="instant", colors="magenta",
                         name="rewards"),
            EventOverlay([3.0], position_source="rat", mode="decay", decay_seconds=0.5, name="licks"),
            TimeSeriesOverlay(np.hypot(*np.gradient(rat, tt, axis=0).T), tt, label="speed", color="orange",
                              window_seconds=1.0),
            TimeSeriesOverlay(lfp, long_t, label="CA1", group="LFP", window_seconds=300.0, update_mode="on_pause"),
            VideoOverlay(frames, times=np.arange(20) * 0.25, calibration=calibrate_video(cm_per_px=2.5), alpha=0.4,
                         z_order="below"),
            IntervalOverlay([0.0, 2.0], [1.5, 4.0], labels=["left", "right"], label="trials", color="gold"),
        ]
        path = write_session(self.path("overlays.nsp"), env, values, frame_times=t, overlays=overlays,
                             regions=[point_region("start", (35, 25))], title="every overlay")
        return path, dict(t=t, tt=tt, rat=rat, mouse=mouse, pose=pose, heading=heading, frames=frames, lfp=lfp,
                          long_t=long_t)

    def test_every_overlay_kind_round_trips(self):
        path, d = self.overlay_session()
        self.assert_valid(path)
        before = sha(path)
        reader = open_session(path)
        self.assertEqual(overlay_problems(reader), ([], []))
        tt, rat, mouse = d["tt"], d["rat"], d["mouse"]

        def at(track, t):
            return np.array([np.interp(t, tt, track[:, 0]), np.interp(t, tt, track[:, 1])])

        # Positions: two animals, interpolated between samples; the mouse's gap draws nothing.
        for t in (0.7, 2.3):
            markers = fetch(reader, t, POSITION)
            points = {tuple(np.round(c[:3])): p for p, c in zip(xy(markers), colors(markers))}
            np.testing.assert_allclose(points[(255, 48, 48)], at(rat, t), atol=1e-9)
            np.testing.assert_allclose(points[(0, 255, 255)], at(mouse, t), atol=1e-9)
        self.assertEqual(len(xy(fetch(reader, 1.6, POSITION))), 1)  # mouse samples 60-69 (1.5-1.725 s) are NaN
        self.assertGreater(fetch(reader, 2.3, TRAILS).GetNumberOfPoints(), 40)
        # Pose: parts in the file's colours, the skeleton's edges; the lost tail and its edge are not drawn.
        parts = fetch(reader, 2.3, BODYPARTS)
        np.testing.assert_allclose(xy(parts), [at(rat, 2.3) + [1, 0], at(rat, 2.3) + [0, 1], at(rat, 2.3) - [2, 0]],
                                   atol=1e-9)
        self.assertEqual([list(c) for c in colors(parts)[:2, :3]], [[255, 255, 255], [64, 191, 255]])
        self.assertEqual(fetch(reader, 2.3, SKELETON).GetNumberOfLines(), 2)
        self.assertEqual(fetch(reader, 3.5, BODYPARTS).GetNumberOfPoints(), 2)
        self.assertEqual(fetch(reader, 3.5, SKELETON).GetNumberOfLines(), 1)
        # Head direction: at the rat, length 4, angle interpolated on the circle.
        arrow = fetch(reader, 1.01, HEADING)
        np.testing.assert_allclose(xy(arrow)[0], at(rat, 1.0), atol=1e-9)
        vector = vtk_to_numpy(arrow.GetPointData().GetArray("Heading"))[0]
        angle = np.interp(1.0, tt, d["heading"])
        np.testing.assert_allclose(vector[:2], [4 * math.cos(angle), 4 * math.sin(angle)], atol=1e-9)
        self.assertEqual(list(colors(arrow)[0]), [0, 255, 0, 255])
        # Events: cumulative fixed ones (sorted), instant ones on the trajectory, decaying ones on 'rat'.
        events = fetch(reader, 0.3, EVENTS)
        self.assertEqual(sorted(map(tuple, xy(events))), [(1.0, 1.0), (2.0, 2.0), (9.0, 9.0)])
        markers = vtk_to_numpy(events.GetPointData().GetArray("Marker"))
        self.assertEqual(len(set(markers.tolist())), 2)
        at_one = xy(fetch(reader, 1.0, EVENTS))
        self.assertTrue(any(np.allclose(p, at(rat, 1.0)) for p in at_one), at_one)  # reward at 1.0 s on the rat
        self.assertFalse(any(np.allclose(p, at(rat, 1.0)) for p in xy(fetch(reader, 1.1, EVENTS))))  # instant
        licks = [p for p in xy(fetch(reader, 3.2, EVENTS)) if np.allclose(p, at(rat, 3.0))]
        self.assertEqual(len(licks), 1)  # 0.2 s after the lick: still fading
        self.assertFalse(any(np.allclose(p, at(rat, 3.0)) for p in xy(fetch(reader, 3.6, EVENTS))))
        # Regions (the environment's polygon and the extra point), intervals in the annotation.
        self.assertEqual(fetch(reader, 0.0, REGIONS).GetNumberOfPolys(), 2)
        self.assertIn("trials 1/2 [0.00, 1.50 s] left", annotation(reader, 1.0))
        self.assertIn("trials 2/2 [2.00, 4.00 s] right", annotation(reader, 3.0))
        self.assertNotIn("trials", annotation(reader, 1.8))
        self.assertEqual(sha(path), before, "the reader must never modify the file")

    def test_time_series_windows_and_summary(self):
        path, d = self.overlay_session()
        with h5py.File(path, "r") as f:  # the summary matches the test factory's independent builder
            group = f["overlays/CA1/summary"]
            expected = sf.summary_levels(d["long_t"], d["lfp"])
            self.assertEqual(len(group), len(expected))
            for k, (bucket, rows) in enumerate(expected):
                self.assertEqual(group[f"level_{k}"].attrs["samples_per_bucket"], bucket)
                np.testing.assert_array_equal(group[f"level_{k}"][...], rows)
            self.assertNotIn("summary", f["overlays/speed"])  # 200 samples: too short to need one
        reader = open_session(path)
        series = time_series(reader)
        series.UpdatePipeline(2.0)
        series.UpdatePropertyInformation()
        self.assertEqual(series.GetPropertyValue("EffectiveUpdateModeInfo"), 1)  # CA1's on_pause wins
        output = servermanager.Fetch(series)
        tables = {output.GetMetaData(i).Get(output.NAME()): output.GetBlock(i) for i in range(output.GetNumberOfBlocks())}
        self.assertEqual(sorted(tables), ["CA1", "speed"])
        # speed: a 1 s window of raw samples, the file's values.
        speed = tables["speed"]
        times = vtk_to_numpy(speed.GetColumnByName("Time"))
        values = vtk_to_numpy(speed.GetColumnByName("speed"))
        first = int(np.searchsorted(d["tt"], 1.5, side="right")) - 1
        expected = np.hypot(*np.gradient(d["rat"], d["tt"], axis=0).T)
        np.testing.assert_array_equal(times, d["tt"][first:first + len(times)])
        np.testing.assert_array_equal(values, expected[first:first + len(times)])
        # CA1: a 300 s window is an envelope from the summary with the true extremes and the NaN gap.
        ca1 = tables["CA1"]
        self.assertGreater(int(ca1.GetFieldData().GetArray("SamplesPerRowPair").GetValue(0)), 1)
        got = vtk_to_numpy(ca1.GetColumnByName("CA1"))
        self.assertEqual((float(np.nanmin(got)), float(np.nanmax(got))), (-4.0, 5.0))
        self.assertTrue(np.isnan(got).any())

    def test_stored_video_frames_and_calibration(self):
        path, d = self.overlay_session()
        reader = open_session(path)
        video = simple.NeuroPlaybackVideo(Input=reader)
        for t, k in ((1.0, 4), (1.1, 4), (1.2, 5), (4.7, 19)):  # nearest video frame (0.25 s apart)
            video.UpdatePipeline(t)
            image = servermanager.Fetch(video)
            dims = image.GetDimensions()
            rgb = vtk_to_numpy(image.GetPointData().GetArray("RGB")).reshape(dims[1], dims[0], 3)[::-1]
            np.testing.assert_array_equal(rgb, d["frames"][k], err_msg=f"t = {t}")
        display = show_video(reader, simple.CreateView("RenderView"))
        self.assertAlmostEqual(display.Scale[0], 2.5, places=6)  # cm_per_px
        self.assertAlmostEqual(display.Opacity, 0.4)

    @unittest.skipUnless(os.path.exists(MAKE_VIDEO), "neuroplayback-make-video is not built")
    def test_external_video_landmarks_and_nwb_path(self):
        folder = tempfile.mkdtemp(dir=self.folder)
        video = os.path.join(folder, "media", "behaviour.mp4")
        os.makedirs(os.path.dirname(video))
        subprocess.run([MAKE_VIDEO, "--output", video, "--frames", "60", "--fps", "30", "--size", "160x120",
                        "--quiet"], check=True)
        nwb = os.path.join(folder, "session.nwb")
        with h5py.File(nwb, "w") as f:
            f.attrs["neurodata_type"] = "NWBFile"
        env = grid_environment(np.linspace(0, 160, 17), np.linspace(0, 120, 13))
        overlay = VideoOverlay(video, time_offset=0.5, alpha=0.6, crop=(0, 0, 160, 60), downsample=2,
                               calibration=calibrate_video(landmarks_px=[[0, 0], [160, 0], [0, 120], [160, 120]],
                                                           landmarks_env=[[0, 120], [160, 120], [0, 0], [160, 0]]))
        path = write_session(os.path.join(folder, "session.nsp"), env, np.zeros((100, env.n_bins)), frame_rate=50.0,
                             overlays=[overlay])
        # nwb_path is stored relative to the session's folder (checked here without the reader: the NWB
        # import is another part of the plugin, and this file is a stand-in).
        with_nwb = write_session(os.path.join(folder, "with-nwb.nsp"), env, np.zeros((100, env.n_bins)),
                                 frame_rate=50.0, nwb_path=nwb)
        with h5py.File(with_nwb, "r") as f:
            self.assertEqual(f.attrs["nwb_path"], "session.nwb")
        with self.assertRaises(SessionWriteError) as caught:
            write_session(os.path.join(folder, "x.nsp"), env, np.zeros((100, env.n_bins)), frame_rate=50.0,
                          nwb_path="missing.nwb")
        self.assertIn("nwb_path 'missing.nwb' does not exist", str(caught.exception))
        with h5py.File(path, "r") as f:
            self.assertEqual(f["overlays/video"].attrs["external_path"], os.path.join("media", "behaviour.mp4"))
            self.assertEqual(f["overlays/video"].attrs["landmark_fit"], "similarity")
        reader = open_session(path)
        self.assertEqual([e for e in overlay_problems(reader)[0] if "video" in e], [])
        filter_ = simple.NeuroPlaybackVideo(Input=reader)
        filter_.UpdatePipeline(0.5 + 10 / 30.0 + 0.001)
        filter_.UpdatePropertyInformation()
        self.assertEqual(filter_.GetPropertyValue("CurrentVideoFrameInfo"), 10)
        image = servermanager.Fetch(filter_)
        self.assertEqual(image.GetDimensions()[:2], (80, 30))  # crop and downsample

    # ---- neurospatial objects ----

    def test_neurospatial_objects_are_converted_by_their_attributes(self):
        rate = 10.0
        t = np.arange(40) / rate
        mask = np.ones((4, 3), bool)
        mask[3, 2] = False
        x_edges, y_edges = np.linspace(0, 40, 5), np.linspace(0, 30, 4)
        ix, iy = np.nonzero(mask)
        centers = np.stack([(x_edges[ix] + x_edges[ix + 1]) / 2, (y_edges[iy] + y_edges[iy + 1]) / 2], axis=1)
        regions = FakeRegions(goal=FakeRegion("goal", "polygon", FakePolygon([(5, 5), (15, 5), (10, 15)])),
                              home=FakeRegion("home", "point", np.array([35.0, 25.0])))
        grid = FakeEnvironment(FakeRegularGridLayout(), centers, (x_edges, y_edges), mask, "cm", regions)
        hexes = sf.hexagonal_environment(n=3)
        mesh = sf.mesh_environment()
        simplices = np.vstack([mesh["triangles"], [[0, 1, 2]]])  # the last one is inactive
        graph = FakeGraphLayout()
        environments = {
            "grid": grid,
            "hexagonal": FakeEnvironment(FakeHexagonalLayout(5.0), hexes["bin_centers"]),
            "mesh": FakeEnvironment(FakeMeshLayout(mesh["vertices"], simplices, np.arange(4)), mesh["bin_centers"]),
            "track": FakeEnvironment(graph, graph.linear_to_nd(graph.linear_bin_centers_),
                                     graph.grid_edges, graph.active_mask),
        }
        for layout, env in environments.items():
            with self.subTest(layout=layout):
                values = np.arange(40 * env.n_bins, dtype=np.float32).reshape(40, env.n_bins)
                path = write_session(self.path(f"ns-{layout}.nsp"), env, values, frame_times=t)
                reader = open_session(path)
                self.assertEqual(session_info(reader)["layout"], layout)
                got = cell_values(fetch(reader, t[7]), "field")
                np.testing.assert_array_equal(got, grid_cells(mask, values[7]) if layout == "grid" else values[7])
                if layout == "track":  # the 1-D bin edges were projected onto the track
                    with h5py.File(path, "r") as f:
                        np.testing.assert_allclose(f["environment/bin_segments"][2], [[30, 5], [40, 5]])
                        np.testing.assert_allclose(f["environment/track_nodes"][...], [[0, 5], [60, 5]])
                if layout == "grid":
                    self.assertEqual(fetch(reader, 0.0, REGIONS).GetNumberOfPolys(), 2)
                simple.Delete(reader)

        tt = np.arange(160) / 40.0
        rat = np.stack([20 + 10 * np.cos(tt), 15 + 10 * np.sin(tt)], axis=1)
        skeleton = NsSkeleton("mouse", ("nose", "tail_base"), (("nose", "tail_base"),),
                              node_colors={"nose": "red", "tail_base": "blue"}, edge_color="yellow", edge_width=3.0)
        frames = np.zeros((40, 6, 8, 3), np.uint8)
        frames[:, :, :, 0] = np.arange(40)[:, None, None]
        overlays = [
            NsPositionOverlay(positions=rat, times=tt, color="cyan", trail_length=15),
            NsBodypartOverlay(data={"nose": rat + 1.0, "tail_base": rat - 1.0}, times=tt, skeleton=skeleton),
            NsHeadDirectionOverlay(headings=np.stack([np.cos(tt), np.sin(tt)], axis=1), times=tt),
            NsEventOverlay(event_times={"cell_1": np.array([0.5, 1.5])}, positions=rat, position_times=tt,
                           decay_frames=5),
            NsTimeSeriesOverlay(data=np.sin(tt), times=tt, label="theta", window_seconds=1.0),
            NsVideoOverlay(source=frames, calibration=FakeVideoCalibration(
                FakeAffine2D([[5.0, 0.0, 0.0], [0.0, -5.0, 30.0], [0.0, 0.0, 1.0]]), (8, 6))),
            NsObjectVectorOverlay(np.zeros((1, 2)), rat),
        ]
        with self.assertWarnsRegex(UserWarning, "ObjectVectorOverlay"):
            path = write_session(self.path("ns-overlays.nsp"), grid, np.zeros((40, grid.n_bins)), frame_times=t,
                                 overlays=overlays)
        with h5py.File(path, "r") as f:
            o = f["overlays"]
            self.assertEqual(sorted(o), ["bodyparts", "events", "head_direction", "position", "theta", "video"])
            self.assertAlmostEqual(o["position"].attrs["trail_seconds"], 15 / rate)  # frames -> seconds
            self.assertNotIn("size", o["position"].attrs)  # points are not environment units
            self.assertEqual(o["events"].attrs["mode"], "decay")
            self.assertAlmostEqual(o["events"].attrs["decay_seconds"], 5 / rate)
            np.testing.assert_allclose(o["events/cell_1/xy"][...], [rat[20], rat[60]])  # at 0.5 s and 1.5 s
            self.assertEqual(o["head_direction"].attrs["color"], "#ffff00")  # 'hsv' is no colour: yellow
            np.testing.assert_allclose(o["head_direction/angle"][:40], np.arctan2(np.sin(tt), np.cos(tt))[:40])
            self.assertEqual(list(o["bodyparts"].attrs["part_colors"]), ["#ff0000", "#0000ff"])
            self.assertEqual(o["bodyparts"].attrs["edge_color"], "#ffff00")
            self.assertEqual(o["bodyparts"].attrs["skeleton_name"], "mouse")
            np.testing.assert_array_equal(o["video/times"][...], t)  # one video frame per session frame
            np.testing.assert_array_equal(o["video/px_to_env"][...], [[5, 0, 0], [0, -5, 30], [0, 0, 1]])
            self.assertEqual(o["theta"].attrs["label"], "theta")
        reader = open_session(path)
        self.assertEqual(overlay_problems(reader), ([], []))
        np.testing.assert_allclose(xy(fetch(reader, 1.0, POSITION))[0], rat[40], atol=1e-9)
        self.assertEqual(fetch(reader, 1.0, SKELETON).GetNumberOfLines(), 1)

    def test_head_direction_vectors_give_a_direction_only(self):
        # Kept on purpose (README, issue 17 item 2): (n, 2) heading vectors become angles when written and
        # angles are interpolated on the circle, so a vector's length does not pull the heading.
        # neurospatial interpolates the raw vectors: halfway from (1, 0) to (0, 3) it points at 71.6 deg.
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        t = np.arange(10) / 10.0
        tt = np.array([0.0, 0.4, 0.9])
        overlays = [PositionOverlay(np.full((3, 2), 20.0), times=tt, name="rat"),
                    HeadDirectionOverlay(np.array([[1.0, 0.0], [0.0, 3.0], [0.0, 3.0]]), times=tt, anchor="rat")]
        reader = open_session(write_session(self.path("heading.nsp"), env, np.zeros((10, 12)), frame_times=t,
                                            overlays=overlays))
        vector = vtk_to_numpy(fetch(reader, 0.2, HEADING).GetPointData().GetArray("Heading"))[0]
        self.assertAlmostEqual(math.degrees(math.atan2(vector[1], vector[0])), 45.0, places=6)

    def test_one_event_position_is_shared_by_every_event_type_as_in_neurospatial(self):
        # neurospatial broadcasts a plain (1, 2) event_positions to every event type, also when its object
        # keeps that array under the default type name 'event' (issue 17, item 4).
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        t = np.arange(10) / 10.0
        times = {"lick": np.array([0.2]), "reward": np.array([0.4, 0.6])}
        for k, given in enumerate((np.array([[5.0, 6.0]]), {"event": np.array([[5.0, 6.0]])})):
            with self.subTest(given=type(given).__name__):
                path = write_session(self.path(f"shared-{k}.nsp"), env, np.zeros((10, 12)), frame_times=t,
                                     overlays=[NsEventOverlay(event_times=times, event_positions=given)])
                with h5py.File(path, "r") as f:
                    np.testing.assert_array_equal(f["overlays/events/lick/xy"][...], [[5, 6]])
                    np.testing.assert_array_equal(f["overlays/events/reward/xy"][...], [[5, 6], [5, 6]])

    # ---- bad input ----

    def test_bad_input_is_refused_before_any_file_exists(self):
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        t = np.arange(10) / 10.0
        good = np.zeros((10, env.n_bins))
        xy10 = np.ones((10, 2))
        cases = {
            "1-D field": (dict(fields=np.zeros(12), frame_times=t), ["has shape (12,)", "(n_frames, n_bins)"]),
            "bin count": (dict(fields=np.zeros((10, 11)), frame_times=t), ["11 values per frame", "12 bins"]),
            "no times": (dict(), ["frame_times is missing"]),
            "NaN time": (dict(frame_times=np.r_[t[:4], np.nan, t[5:]]), ["frame_times[4] = nan is not finite"]),
            "unsorted times": (dict(frame_times=t[[0, 1, 2, 4, 3, 5, 6, 7, 8, 9]]),
                               ["not strictly increasing at index 4", "np.argsort"]),
            "times length": (dict(frame_times=t[:9]), ["frame_times has shape (9,)", "(10,)"]),
            "position shape": (dict(overlays=[PositionOverlay(np.ones((10, 3)), times=t)]),
                               ["positions has shape (10, 3) but needs (n, 2)"]),
            "position transposed": (dict(overlays=[PositionOverlay(np.ones((2, 10)), times=t)]),
                                    ["positions has shape (2, 10) but needs (n, 2)", "Pass positions.T"]),
            "field transposed": (dict(fields=np.zeros((12, 10)), frame_times=np.arange(12) / 10.0),
                                 ["it looks transposed", "Pass the field's .T"]),
            "times in ms": (dict(overlays=[PositionOverlay(xy10, times=t * 1000 + 5)]),
                            ["do not overlap", "look like milliseconds"]),
            "series without times": (dict(overlays=[TimeSeriesOverlay(np.zeros(10))]),
                                     ["times is not given", "neurospatial's TimeSeriesOverlay requires times"]),
            "position times": (dict(overlays=[PositionOverlay(xy10, times=t[::-1])]),
                               ["times is not strictly increasing at index 1"]),
            "times count": (dict(overlays=[PositionOverlay(xy10, times=t[:8])]),
                            ["times has 8 entries but positions has 10 samples"]),
            "infinite": (dict(overlays=[PositionOverlay(np.r_[xy10[:9], [[np.inf, 0]]], times=t)]),
                         ["positions[9] is infinite", "NaN"]),
            "skeleton": (dict(overlays=[BodypartOverlay({"nose": xy10, "left_ear": xy10}, times=t,
                                                        skeleton=[("nose", "left_eer")])]),
                         ["names the part 'left_eer'", "Did you mean 'left_ear'?"]),
            "colour": (dict(overlays=[PositionOverlay(xy10, times=t, color="#ff00zz")]),
                       ["color = '#ff00zz' is not a colour", "'#rrggbb'"]),
            "marker": (dict(overlays=[EventOverlay([0.5], event_positions=[[1, 1]], markers="hexagon")]),
                       ["'hexagon' is not a marker"]),
            "anchor": (dict(overlays=[PositionOverlay(xy10, times=t, name="rat"),
                                      HeadDirectionOverlay(np.zeros(10), times=t, anchor="rta")]),
                       ["anchor = 'rta' is not a position overlay", "Did you mean 'rat'?"]),
            "no trajectory": (dict(overlays=[EventOverlay([0.5])]), ["no position overlay", "position_source"]),
            "decay without mode": (dict(overlays=[EventOverlay([0.5], event_positions=[[1, 1]], decay_seconds=1.0)]),
                                   ["decay_seconds is set but mode = 'cumulative'", "mode='decay'"]),
            "series inf": (dict(overlays=[TimeSeriesOverlay(np.r_[np.zeros(9), np.inf], t)]), ["data[9] is infinite"]),
            "series limits": (dict(overlays=[TimeSeriesOverlay(np.zeros(10), t, vmin=2.0, vmax=1.0)]),
                              ["vmin = 2 is not below vmax = 1"]),
            "no overlap": (dict(overlays=[PositionOverlay(xy10, times=t + 100.0)]),
                           ["do not overlap the session's frames", "clock offset"]),
            "video dtype": (dict(overlays=[VideoOverlay(np.zeros((10, 4, 4, 3)), times=t)]),
                            ["must be (n, H, W, 3) uint8 RGB", "uint8"]),
            "video crop": (dict(overlays=[VideoOverlay(np.zeros((10, 4, 4, 3), np.uint8), times=t, crop=(2, 0, 4, 4))]),
                           ["reaches outside the 4 x 4 frame"]),
            "video missing": (dict(overlays=[VideoOverlay("no-such-video.mp4", time_offset=0.0)]),
                              ["source 'no-such-video.mp4' does not exist", "copy the file"]),
            "interval": (dict(overlays=[IntervalOverlay([0.0, 0.5], [0.4, 0.2])]),
                         ["interval 1 stops at 0.2 s, before it starts (0.5 s)"]),
            "same names": (dict(overlays=[PositionOverlay(xy10, times=t, name="a"),
                                          PositionOverlay(xy10, times=t, name="a")]),
                           ["Two overlays are named 'a'"]),
            "transposed mask": (lambda: grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4),
                                                         np.ones((3, 4), bool)), ["looks transposed", "mask.T"]),
            "landmarks": (lambda: calibrate_video(landmarks_px=[[0, 0], [1, 1], [2, 2]],
                                                  landmarks_env=[[0, 0], [1, 0], [0, 1]]),
                          ["landmarks_px lie on one line"]),
            "not an overlay": (dict(overlays=[object()]), ["overlays[0] is a object, which is not an overlay"]),
            "series update mode": (dict(overlays=[TimeSeriesOverlay(np.zeros(10), t, update_mode="paused")]),
                                   ["update_mode = 'paused' is not one of live, on_pause, manual"]),
        }
        for name, (arguments, expected) in cases.items():
            with self.subTest(case=name):
                path = self.path(f"bad-{name.replace(' ', '-')}.nsp")
                with self.assertRaises(SessionWriteError) as caught:
                    if callable(arguments):
                        arguments()
                    else:
                        call = dict(fields=good, frame_times=t)
                        call.update(arguments)
                        if name == "no times":
                            del call["frame_times"]
                        write_session(path, env, **call)
                message = str(caught.exception)
                for text in expected:
                    self.assertIn(text, message)
                self.assertIn("How to fix:", message)
                self.assertTrue(caught.exception.what and caught.exception.fix)
                self.assertFalse(os.path.exists(path), "nothing is written for bad input")
        self.assertEqual(glob.glob(os.path.join(self.folder, ".*.partial")), [])

    def test_progress_is_shown_while_fields_are_written(self):
        import contextlib
        import io
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        text = io.StringIO()
        with contextlib.redirect_stderr(text):
            write_session(self.path("progress.nsp"), env, np.zeros((100, 12)), frame_rate=10.0, progress=True)
        self.assertIn("writing fields", text.getvalue())  # tqdm's bar when installed, else a line
        self.assertIn("100", text.getvalue())
        quiet = io.StringIO()
        with contextlib.redirect_stderr(quiet):  # small fields: no progress unless asked
            write_session(self.path("quiet.nsp"), env, np.zeros((100, 12)), frame_rate=10.0)
        self.assertEqual(quiet.getvalue(), "")

    def test_events_on_a_trajectory_take_the_later_sample_at_a_halfway_tie(self):
        # As neurospatial's EventOverlay with interp="nearest" (issue 17, item 1): an event exactly halfway
        # between two tracking samples sits on the later one; when that one is a gap, nothing is drawn.
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        t = np.arange(10) / 10.0
        tt = np.array([0.0, 0.2, 0.4, 0.6, 0.8])
        rat = np.array([[1, 1], [3, 3], [5, 5], [np.nan, np.nan], [9, 9]], float)
        overlays = [PositionOverlay(rat, times=tt, name="rat"),
                    EventOverlay([0.1], positions=rat, position_times=tt, interp="nearest", mode="instant",
                                 name="written"),
                    EventOverlay([0.1, 0.5], position_source="rat", interp="nearest", mode="instant", name="read")]
        reader = open_session(write_session(self.path("ties.nsp"), env, np.zeros((10, 12)), frame_times=t,
                                            overlays=overlays))
        np.testing.assert_allclose(xy(fetch(reader, 0.1, EVENTS)), [[3, 3], [3, 3]])
        self.assertEqual(len(xy(fetch(reader, 0.5, EVENTS))), 0)

    def test_units_that_look_wrong_are_warned_about(self):
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        t = np.arange(10) / 10.0
        with self.assertWarnsRegex(UserWarning, r"trail_length = 50 s is longer than the whole session .*in frames"):
            write_session(self.path("trail.nsp"), env, np.zeros((10, 12)), frame_times=t,
                          overlays=[PositionOverlay(np.ones((10, 2)), times=t, trail_length=50)])
        with self.assertWarnsRegex(UserWarning, "if they are milliseconds, divide them by 1000"):
            write_session(self.path("ms.nsp"), env, np.zeros((10, 12)), frame_times=t * 40.0)  # 4 "s" apart: 250 Hz in ms

    def test_an_existing_file_is_kept_and_a_failed_write_leaves_nothing(self):
        env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
        t = np.arange(10) / 10.0
        path = write_session(self.path("keep.nsp"), env, np.zeros((10, 12)), frame_times=t)
        before = sha(path)
        with self.assertRaises(SessionWriteError) as caught:
            write_session(path, env, np.ones((10, 12)), frame_times=t)
        self.assertIn("already exists", str(caught.exception))
        self.assertIn("overwrite=True", str(caught.exception))
        self.assertEqual(sha(path), before)
        write_session(path, env, np.ones((10, 12)), frame_times=t, overwrite=True)
        self.assertNotEqual(sha(path), before)
        with self.assertRaises(SessionWriteError) as caught:
            write_session(self.path("no-such-folder/x.nsp"), env, np.zeros((10, 12)), frame_times=t)
        self.assertIn("does not exist", str(caught.exception))
        # A source that fails half way through: the exception comes through, no file and no temporary remain.
        folder = tempfile.mkdtemp(dir=self.folder)
        source = np.zeros((40_000, 12), np.float32)  # 3 chunks of 16384 frames: 3 blocks when blocks are small
        before = sha(path)
        saved = _arrays.COPY_BLOCK_BYTES
        _arrays.COPY_BLOCK_BYTES = 1024
        try:
            with self.assertRaisesRegex(OSError, "disk went away"):
                write_session(os.path.join(folder, "broken.nsp"), env, Failing(source), frame_rate=100.0)
            # Replacing an existing file with a write that fails keeps the old file as it was.
            with self.assertRaisesRegex(OSError, "disk went away"):
                write_session(path, env, Failing(source), frame_rate=100.0, overwrite=True)
        finally:
            _arrays.COPY_BLOCK_BYTES = saved
        self.assertEqual(os.listdir(folder), [])
        self.assertEqual(sha(path), before)
        self.assertEqual(glob.glob(os.path.join(self.folder, ".*.partial")), [])

    # ---- environment of the package ----

    def test_the_python_folder_installs_with_pip(self):
        # `pip install ./Python` gives the writer in any environment, numpy and h5py its only needs (issue
        # 17, item 11); here offline, with the setuptools already installed.
        python = plain_python()
        if python is None or subprocess.run([python, "-c", "import setuptools, pip"], capture_output=True).returncode:
            self.skipTest("no python3 with numpy, h5py, pip and setuptools")
        folder = tempfile.mkdtemp(dir=self.folder)
        source = os.path.join(folder, "Python")  # a copy: pip leaves build files beside the sources
        shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        site = os.path.join(folder, "site")
        done = subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                               "--target", site, source], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        script = textwrap.dedent("""
            import sys
            import numpy as np
            import neuroplayback
            from neuroplayback import write_session, grid_environment
            t = np.arange(10) / 10.0
            env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
            write_session(sys.argv[1], env, np.zeros((10, env.n_bins)), frame_times=t)
            print(neuroplayback.__file__)
        """)
        target = os.path.join(folder, "installed.nsp")
        ran = subprocess.run([python, "-c", script, target], capture_output=True, text=True, cwd=folder,
                             env=dict(os.environ, PYTHONPATH=site))
        self.assertEqual(ran.returncode, 0, ran.stderr)
        self.assertTrue(ran.stdout.strip().startswith(site), ran.stdout)  # the installed copy, not the sources
        self.assert_valid(target)

    def test_writing_needs_no_network(self):
        python = plain_python()
        if python is None:
            self.skipTest("no python3 with numpy and h5py")
        folder = tempfile.mkdtemp(dir=self.folder)
        script = os.path.join(folder, "offline.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent(f"""
                import socket, sys
                def refuse(*args, **kwargs):
                    raise OSError("network access attempted")
                socket.socket = socket.create_connection = socket.getaddrinfo = refuse
                sys.path.insert(0, {PYTHON_DIR!r})
                import numpy as np
                from neuroplayback.writer import (grid_environment, write_session, PositionOverlay,
                                                  TimeSeriesOverlay, EventOverlay, VideoOverlay)
                t = np.arange(100) / 10.0
                env = grid_environment(np.linspace(0, 40, 5), np.linspace(0, 30, 4))
                xy = np.stack([t, t], axis=1)
                write_session(sys.argv[1], env, np.random.default_rng(0).random((100, env.n_bins)), frame_times=t,
                              overlays=[PositionOverlay(xy, times=t), TimeSeriesOverlay(np.sin(t), t, label="s"),
                                        EventOverlay([1.0, 2.0]),
                                        VideoOverlay(np.zeros((100, 4, 4, 3), np.uint8), times=t)])
                print("OK")
            """))
        runs = [[python, script, os.path.join(folder, "patched.nsp")]]
        if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
            runs.append(["unshare", "-n", python, script, os.path.join(folder, "no-network.nsp")])
        for command in runs:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.strip(), "OK")
            self.assertTrue(os.path.exists(command[-1]))
            self.assert_valid(command[-1])

    def test_importing_the_package_loads_neither_numpy_nor_h5py(self):
        python = plain_python() or sys.executable
        code = ("import sys; sys.path.insert(0, %r); import neuroplayback; "
                "bad = [m for m in ('numpy', 'h5py') if m in sys.modules]; "
                "assert not bad, bad; print(neuroplayback.SessionWriteError.__name__)") % PYTHON_DIR
        result = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "SessionWriteError")
        star = ("import sys; sys.path.insert(0, %r); from neuroplayback import *; "
                "print(write_session.__name__, grid_environment.__name__, SessionWriteError.__name__)") % PYTHON_DIR
        result = subprocess.run([python, "-c", star], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["write_session", "grid_environment", "SessionWriteError"])


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
