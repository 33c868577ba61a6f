"""pvpython: the session reader exposes every layout as a lazily streamed, time-varying dataset."""
import math
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from paraview import servermanager
from paraview import simple

import session_factory as sf
from neuroplayback.paraview import cache_statistics, open_session, session_info, time_range


def fetch(reader, t):
    reader.UpdatePipeline(t)
    return servermanager.Fetch(reader)


def frame_index(data):
    return data.GetFieldData().GetArray("FrameIndex").GetValue(0)


class ReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-reader-")

    def path(self, name):
        return os.path.join(self.folder, name)

    def test_publishes_time_range_not_per_frame_steps(self):
        reader = open_session(sf.write_session(self.path("range.nsp"), n_frames=50, rate=10.0, start=2.0))
        self.assertEqual(list(reader.TimestepValues), [])
        self.assertEqual(time_range(reader), (2.0, 2.0 + 49 / 10.0))
        self.assertEqual(session_info(reader)["frames"], 50)
        self.assertAlmostEqual(session_info(reader)["rate_hz"], 10.0)

    def test_time_maps_to_frame_at_or_before_it(self):
        reader = open_session(sf.write_session(self.path("snap.nsp"), n_frames=50, rate=10.0))
        for t, expected in [(0.0, 0), (2.0, 20), (2.05, 20), (2.0999, 20), (2.1, 21), (-3.0, 0), (99.0, 49)]:
            self.assertEqual(frame_index(fetch(reader, t)), expected, f"t = {t}")
        data = fetch(reader, 2.05)
        self.assertAlmostEqual(data.GetFieldData().GetArray("FrameTime").GetValue(0), 2.0)

    def test_animation_scene_time_moves_the_field(self):
        reader = open_session(sf.write_session(self.path("scene.nsp"), n_frames=50, rate=10.0, start=1.0))
        view = simple.CreateRenderView()
        simple.Show(reader, view)
        scene = simple.GetAnimationScene()
        self.assertEqual((scene.StartTime, scene.EndTime), (1.0, 5.9))
        for t, expected in [(3.05, 20), (5.9, 49), (1.0, 0)]:
            scene.AnimationTime = t
            simple.Render(view)
            reader.UpdatePropertyInformation()
            self.assertEqual(reader.GetPropertyValue("CurrentFrameInfo"), expected, f"t = {t}")
        simple.Delete(view)  # a render view left alive at exit trips a GLX error in teardown
        simple.Delete(reader)

    def test_irregular_and_regular_times(self):
        times = np.cumsum(np.r_[0.5, np.linspace(0.01, 0.2, 39)])
        reader = open_session(sf.write_session(self.path("irregular.nsp"), n_frames=40, frame_times=times))
        for frame in (0, 7, 39):
            self.assertEqual(frame_index(fetch(reader, times[frame] + 1e-9)), frame)
            self.assertEqual(frame_index(fetch(reader, times[frame] - 1e-9)), max(0, frame - 1))
        regular = open_session(sf.write_session(self.path("regular.nsp"), n_frames=30, rate=250.0,
                                                start=1.0, regular=True))
        self.assertEqual(frame_index(fetch(regular, 1.0 + 12 / 250.0 + 1e-7)), 12)

    def test_grid_cells_hold_bin_values_in_true_coordinates(self):
        env = sf.grid_environment(nx=4, ny=3, x0=-20.0, y0=5.0, dx=10.0, dy=5.0, inactive=((0, 0), (3, 2)))
        reader = open_session(sf.write_session(self.path("grid.nsp"), environment=env, n_frames=20))
        data = fetch(reader, 0.7)
        self.assertEqual(data.GetClassName(), "vtkImageData")
        self.assertEqual(list(data.GetBounds()[:4]), [-20.0, 20.0, 5.0, 20.0])
        values = data.GetCellData().GetArray("posterior")
        ghosts = data.GetCellData().GetArray("vtkGhostType")
        self.assertIsNotNone(ghosts, "inactive bins must be blanked")
        # Active bins are numbered x-major (ix * ny + iy); VTK cells are x-fastest (iy * nx + ix).
        bin_index = 0
        for ix in range(4):
            for iy in range(3):
                cell = iy * 4 + ix
                if (ix, iy) in ((0, 0), (3, 2)):
                    self.assertTrue(math.isnan(values.GetValue(cell)))
                    self.assertNotEqual(ghosts.GetValue(cell), 0)
                    continue
                self.assertAlmostEqual(values.GetValue(cell), 7 + bin_index / 1000.0, places=4)
                self.assertEqual(ghosts.GetValue(cell), 0)
                center = [0.0] * 3
                data.GetCell(cell).GetBounds()
                bounds = data.GetCell(cell).GetBounds()
                self.assertAlmostEqual((bounds[0] + bounds[1]) / 2, env["bin_centers"][bin_index][0])
                self.assertAlmostEqual((bounds[2] + bounds[3]) / 2, env["bin_centers"][bin_index][1])
                bin_index += 1

    def test_polygon_layouts(self):
        for name, env, cell_type, points_per_cell in [
            ("hex", sf.hexagonal_environment(), "polygon", 6),
            ("mesh", sf.mesh_environment(), "triangle", 3),
            ("track", sf.track_environment(), "line", 2),
        ]:
            with self.subTest(layout=name):
                reader = open_session(sf.write_session(self.path(f"{name}.nsp"), environment=env, n_frames=10))
                data = fetch(reader, 0.3)
                self.assertEqual(data.GetClassName(), "vtkPolyData")
                n_bins = len(env["bin_centers"])
                self.assertEqual(data.GetNumberOfCells(), n_bins)
                values = data.GetCellData().GetArray("posterior")
                for k in range(n_bins):
                    self.assertAlmostEqual(values.GetValue(k), 3 + k / 1000.0, places=4)
                    cell = data.GetCell(k)
                    self.assertEqual(cell.GetNumberOfPoints(), points_per_cell)
                    # The cell's centroid is the bin centre: geometry is in true coordinates.
                    centroid = np.mean([cell.GetPoints().GetPoint(i)[:2] for i in range(points_per_cell)], axis=0)
                    np.testing.assert_allclose(centroid, env["bin_centers"][k], atol=1e-6)

    def test_multiple_fields_are_arrays_on_one_geometry(self):
        env = sf.grid_environment()
        n_bins = len(env["bin_centers"])
        fields = {"posterior": sf.frame_values(10, n_bins), "likelihood": -sf.frame_values(10, n_bins)}
        reader = open_session(sf.write_session(self.path("multi.nsp"), environment=env, n_frames=10, fields=fields))
        data = fetch(reader, 0.5)
        self.assertIsNotNone(data.GetCellData().GetArray("posterior"))
        self.assertIsNotNone(data.GetCellData().GetArray("likelihood"))
        cell = env["bin_centers"].shape[0] and 1  # cell 1 = ix 1, iy 0 = bin 2 in x-major order
        self.assertAlmostEqual(data.GetCellData().GetArray("likelihood").GetValue(cell),
                               -data.GetCellData().GetArray("posterior").GetValue(cell))

    def test_nan_values_pass_through(self):
        env = sf.grid_environment(inactive=())
        values = sf.frame_values(5, len(env["bin_centers"]))
        values[2, 4] = np.nan
        reader = open_session(sf.write_session(self.path("nan.nsp"), environment=env, n_frames=5,
                                               fields={"posterior": values}))
        data = fetch(reader, 0.2)
        array = data.GetCellData().GetArray("posterior")
        nan_cells = [c for c in range(array.GetNumberOfTuples()) if math.isnan(array.GetValue(c))]
        self.assertEqual(len(nan_cells), 1)

    def test_color_range_from_file_estimate_and_exact(self):
        env = sf.grid_environment()
        with_range = open_session(sf.write_session(self.path("vrange.nsp"), environment=env, vmin=-1.0, vmax=3.0))
        self.assertEqual(session_info(with_range)["color_range"], (-1.0, 3.0))
        estimated = open_session(sf.write_session(self.path("estimate.nsp"), environment=env, n_frames=500))
        low, high = session_info(estimated)["color_range"]
        self.assertGreater(low, 0.0)      # 1st percentile, not the minimum
        self.assertLess(high, 499.011)    # 99th percentile, not the maximum
        self.assertGreater(high - low, 300.0)
        exact = open_session(self.path("estimate.nsp"), exact_color_range=True)
        low, high = session_info(exact)["color_range"]
        self.assertEqual(low, 0.0)
        self.assertAlmostEqual(high, 499.010, places=3)

    def test_opens_through_open_data_file(self):
        path = sf.write_session(self.path("factory.nsp"))
        reader = simple.OpenDataFile(path)
        self.assertIsNotNone(reader)
        self.assertEqual(reader.GetXMLName(), "NeuroSessionReader")

    def test_reads_only_the_frames_asked_for(self):
        reader = open_session(sf.write_session(self.path("lazy.nsp"), n_frames=400, chunk_frames=8))
        for t in (0.0, 10.0, 20.0, 39.9):
            fetch(reader, t)
        stats = cache_statistics(reader)
        block_reads, frames_read = stats["block_reads"], stats["frames_read"]
        self.assertLessEqual(block_reads, 5)
        self.assertLessEqual(frames_read, 5 * 8 * 2)  # a block (plus read-ahead) per distinct seek, never all 400


if __name__ == "__main__":
    unittest.main(verbosity=2)
