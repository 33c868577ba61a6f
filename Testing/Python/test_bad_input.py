"""pvpython: every malformed session gets a clear message naming the problem and the fix,
a Python exception, no crash, and the file is left untouched."""
import hashlib
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py
import numpy as np

import session_factory as sf
from neuroplayback import SessionError
from neuroplayback.paraview import open_session

SAMPLE = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Data", "sample.nsp")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class BadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-bad-")

    def path(self, name):
        return os.path.join(self.folder, name)

    def assertRejected(self, path, *phrases):
        before = digest(path)
        with self.assertRaises(SessionError) as caught:
            open_session(path)
        message = str(caught.exception)
        for phrase in phrases:
            self.assertIn(phrase, message)
        self.assertIn("How to fix:", message)
        self.assertEqual(digest(path), before, "the reader must never modify the user's file")
        return message

    def test_not_hdf5(self):
        path = self.path("text.nsp")
        with open(path, "w") as f:
            f.write("not a session\n")
        self.assertRejected(path, "not an HDF5 file")

    def test_truncated(self):
        path = self.path("truncated.nsp")
        with open(SAMPLE, "rb") as src, open(path, "wb") as dst:
            dst.write(src.read()[: os.path.getsize(SAMPLE) // 2])
        with self.assertRaises(SessionError):
            open_session(path)

    def test_hdf5_but_not_a_session(self):
        path = self.path("other.nsp")
        with h5py.File(path, "w") as f:
            f["x"] = np.arange(3)
        self.assertRejected(path, "not a NeuroPlayback session")

    def test_unknown_version(self):
        path = sf.write_session(self.path("v9.nsp"), root_attrs={"format_version": 9})
        self.assertRejected(path, "version 9 is not supported")

    def test_missing_groups(self):
        for group in ("environment", "time", "fields"):
            with self.subTest(group=group):
                path = sf.write_session(self.path(f"no-{group}.nsp"), skip=(group,))
                self.assertRejected(path, f"'/{group}' is missing")

    def test_field_with_wrong_rank(self):
        path = sf.write_session(self.path("rank.nsp"), fields={"posterior": np.zeros(50, np.float32)})
        self.assertRejected(path, "must be 2-D")

    def test_field_bin_count_mismatch(self):
        env = sf.grid_environment()
        path = sf.write_session(self.path("bins.nsp"), environment=env,
                                fields={"posterior": np.zeros((50, 99), np.float32)})
        self.assertRejected(path, "99 bins per frame", f"n_bins = {len(env['bin_centers'])}")

    def test_field_frame_count_mismatch(self):
        env = sf.grid_environment()
        path = sf.write_session(self.path("frames.nsp"), environment=env, n_frames=50,
                                fields={"posterior": np.zeros((40, len(env["bin_centers"])), np.float32)})
        self.assertRejected(path, "40 frames", "/time has 50")

    def test_environment_bin_count_mismatch(self):
        env = sf.grid_environment()
        env["n_bins"] = 5
        path = sf.write_session(self.path("envbins.nsp"), environment=env,
                                fields={"posterior": np.zeros((50, 5), np.float32)})
        self.assertRejected(path, "bin_centers")

    def test_mask_disagrees_with_bin_count(self):
        env = sf.grid_environment()
        env["active_mask"] = np.ones_like(env["active_mask"])
        path = sf.write_session(self.path("mask.nsp"), environment=env)
        self.assertRejected(path, "active_mask has 12 active cells")

    def test_non_increasing_frame_times(self):
        times = np.arange(50) / 10.0
        times[20] = times[19]
        path = sf.write_session(self.path("repeat.nsp"), frame_times=times)
        self.assertRejected(path, "not strictly increasing", "frame 20")

    def test_non_finite_frame_times(self):
        times = np.arange(50) / 10.0
        times[3] = np.nan
        path = sf.write_session(self.path("nan-times.nsp"), frame_times=times)
        self.assertRejected(path, "non-finite", "frame 3")

    def test_zero_frames(self):
        env = sf.grid_environment()
        path = sf.write_session(self.path("empty.nsp"), environment=env, n_frames=0, frame_times=np.zeros(0),
                                fields={"posterior": np.zeros((0, len(env["bin_centers"])), np.float32)})
        self.assertRejected(path, "no frames")

    def test_bad_regular_rate(self):
        path = sf.write_session(self.path("rate.nsp"), regular=True, rate=0.0)
        self.assertRejected(path, "rate must be a positive")

    def test_absurd_dimensions(self):
        env = sf.grid_environment()
        env["n_bins"] = 10 ** 12
        path = sf.write_session(self.path("absurd.nsp"), environment=env)
        self.assertRejected(path, "out of range")

    def test_unknown_layout(self):
        env = sf.grid_environment()
        env["layout"] = "spiral"
        path = sf.write_session(self.path("layout.nsp"), environment=env)
        self.assertRejected(path, "layout 'spiral'")

    def test_mesh_with_bad_vertex_index(self):
        env = sf.mesh_environment()
        env["triangles"] = env["triangles"].copy()
        env["triangles"][2, 1] = 42
        path = sf.write_session(self.path("mesh.nsp"), environment=env)
        self.assertRejected(path, "vertex 42")

    def test_missing_file(self):
        with self.assertRaises(FileNotFoundError):
            open_session(self.path("does-not-exist.nsp"))
        # A mistyped name: the message gives the full path and the closest names in its folder.
        sf.write_session(self.path("rat12-day3.nsp"))
        with self.assertRaises(FileNotFoundError) as caught:
            open_session(self.path("rat12-day2.nsp"))
        self.assertIn(os.path.abspath(self.path("rat12-day2.nsp")), str(caught.exception))
        self.assertIn("closest names are 'rat12-day3.nsp'", str(caught.exception))
        with self.assertRaises(FileNotFoundError) as caught:
            open_session(self.path(os.path.join("no-such-folder", "s.nsp")))
        self.assertIn("no-such-folder' does not exist either", str(caught.exception))

    def test_reader_recovers_after_a_bad_file(self):
        bad = self.path("recover.nsp")
        with open(bad, "w") as f:
            f.write("junk")
        with self.assertRaises(SessionError):
            open_session(bad)
        good = sf.write_session(self.path("good.nsp"))
        self.assertIsNotNone(open_session(good))


if __name__ == "__main__":
    unittest.main(verbosity=2)
