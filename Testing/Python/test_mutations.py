"""pvpython: broken files never crash ParaView. Starting from a valid session (every overlay kind, a time
series, intervals, a stored video) and a valid NWB file, every dataset and attribute is broken in turn
(deleted, emptied, made scalar, given the wrong type, an extra dimension, NaN, reversed) and the file is
opened, played at a few times with every port, the time-series and the video filter updated. Each must
either open (the broken part reported and left out) or raise SessionError naming the problem; the file must
not change. A crash or hang fails the whole test process."""
import hashlib
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py
import numpy as np
from paraview import servermanager, simple

import make_nwb as nwb
import session_factory as sf
from neuroplayback import SessionError
from neuroplayback.paraview import open_session, overlay_problems, playback_cue, time_range
from pv_support import output_folder, sha

N_FRAMES, RATE = 50, 10.0  # add_all_overlays places 20 events per type on 4 x N_FRAMES samples


def dataset_paths(path):
    found = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) else None)
    return found


def attribute_paths(path):
    found = []
    with h5py.File(path, "r") as f:
        for key in f.attrs:
            found.append(("/", key))
        f.visititems(lambda name, obj: found.extend((name, key) for key in obj.attrs))
    return found


def break_dataset(f, name, how):
    data = f[name]
    values = data[()]
    attrs = dict(data.attrs)
    del f[name]
    if how == "deleted":
        return
    if how == "empty":
        new = f.create_dataset(name, shape=(0,) + tuple(values.shape[1:]) if np.ndim(values) else (0,), dtype=data.dtype
                               if data.dtype.kind != "O" else h5py.string_dtype())
    elif how == "scalar":
        new = f.create_dataset(name, data=np.float64(3.5))
    elif how == "text":
        new = f.create_dataset(name, data=np.array(["x"] * max(1, len(np.atleast_1d(values))), dtype=object),
                               dtype=h5py.string_dtype())
    elif how == "extra_dimension":
        new = f.create_dataset(name, data=np.asarray(values)[..., None] if np.ndim(values) else np.zeros((2, 2, 2)))
    elif how == "nan":
        numeric = np.asarray(values)
        new = f.create_dataset(name, data=np.full(numeric.shape, np.nan) if numeric.dtype.kind in "fiu" else numeric)
    elif how == "reversed":
        numeric = np.asarray(values)
        new = f.create_dataset(name, data=numeric[::-1] if numeric.ndim else numeric)
    for key, value in attrs.items():
        new.attrs[key] = value


def break_attribute(f, where, key, how):
    obj = f[where]
    if how == "deleted":
        del obj.attrs[key]
    elif how == "wrong_type":
        value = obj.attrs[key]
        obj.attrs[key] = "nonsense" if not isinstance(value, (str, bytes)) else np.float64(-7.0)
    elif how == "negative":
        obj.attrs[key] = np.float64(-1.0)


class MutationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = output_folder("np-mutations-")
        env = sf.grid_environment(nx=6, ny=5)
        cls.session = sf.write_session(os.path.join(cls.folder, "good.nsp"), environment=env, n_frames=N_FRAMES,
                                       rate=RATE, vmin=0.0, vmax=100.0)
        sf.add_all_overlays(cls.session, env, n_frames=N_FRAMES, rate=RATE)
        t = np.arange(0, N_FRAMES / RATE, 0.01)
        sf.add_time_series(cls.session, "speed", t, np.sin(t), {"label": "Speed", "color": "#30a0ff"})
        sf.add_overlay(cls.session, "trials", "intervals", {"start_time": [0.5, 2.0], "stop_time": [1.5, 3.0],
                                                            "labels": np.array(["a", "b"], dtype=object)})
        sf.add_overlay(cls.session, "video", "video", {"frames": np.full((8, 10, 12, 3), 120, dtype=np.uint8),
                                                       "times": np.arange(8) * 0.5}, {"cm_per_px": 5.0})
        reader = open_session(cls.session)  # the starting point is valid: every break below is the only problem
        assert overlay_problems(reader) == ([], []), overlay_problems(reader)
        playback_cue().Session = None
        simple.Delete(reader)
        cls.nwb = os.path.join(cls.folder, "good.nwb")
        nwb.write_behaviour_nwb(cls.nwb)
        cls.scene = simple.GetAnimationScene()

    def exercise(self, path, label):
        """Opens a broken copy and plays it; returns "opened" or "refused". Fails on anything else."""
        before = sha(path)
        try:
            reader = open_session(path)
        except SessionError as error:
            self.assertTrue(str(error).strip(), f"{label}: empty message")
            # The file is intact HDF5: a message must name what is wrong in it, not blame damage.
            self.assertNotIn("truncated or damaged", str(error), label)
            self.assertEqual(sha(path), before, f"{label}: the file was modified")
            return "refused"
        try:
            first, last = time_range(reader)
            series = simple.NeuroPlaybackTimeSeries(Input=reader)
            video = simple.NeuroPlaybackVideo(Input=reader)
            for index, t in enumerate((first, 0.5 * (first + last), last + 1.0)):
                reader.UpdatePipeline(t)
                if index == 1:  # every port once, brought to this process as a view would take it
                    for port in range(3):
                        servermanager.Fetch(reader, idx=port)
                series.UpdatePipeline(t)
                video.UpdatePipeline(t)
            errors, warnings = overlay_problems(reader)
            for message in errors + warnings:
                self.assertTrue(message.strip(), f"{label}: empty overlay message")
                self.assertNotIn("truncated or damaged", message, label)
        finally:
            cue = playback_cue()
            if cue is not None:
                cue.Session = None  # the cue holds the reader: let it (and its open file) go
            for source in list(simple.GetSources().values()):
                simple.Delete(source)
        self.assertEqual(sha(path), before, f"{label}: the file was modified")
        return "opened"

    def mutate_all(self, original, suffix):
        outcomes = {}
        counter = [0]

        def fresh_copy():
            # A new name each time: a reader that has not let go of the last copy keeps it locked.
            counter[0] += 1
            previous = os.path.join(self.folder, f"broken-{counter[0] - 1}{suffix}")
            if os.path.exists(previous):
                os.remove(previous)
            copy = os.path.join(self.folder, f"broken-{counter[0]}{suffix}")
            shutil.copyfile(original, copy)
            return copy

        for name in dataset_paths(original):
            for how in ("deleted", "empty", "scalar", "text", "extra_dimension", "nan", "reversed"):
                copy = fresh_copy()
                with h5py.File(copy, "a") as f:
                    break_dataset(f, name, how)
                label = f"{os.path.basename(original)}:{name} {how}"
                with self.subTest(label):
                    outcomes[label] = self.exercise(copy, label)
        for where, key in attribute_paths(original):
            for how in ("deleted", "wrong_type", "negative"):
                copy = fresh_copy()
                with h5py.File(copy, "a") as f:
                    break_attribute(f, where, key, how)
                label = f"{os.path.basename(original)}:{where}@{key} {how}"
                with self.subTest(label):
                    outcomes[label] = self.exercise(copy, label)
        return outcomes

    def test_every_broken_session_dataset_and_attribute_is_survived(self):
        outcomes = self.mutate_all(self.session, ".nsp")
        self.assertGreater(len(outcomes), 250)
        self.assertIn("opened", outcomes.values())
        self.assertIn("refused", outcomes.values())

    def test_every_broken_nwb_dataset_and_attribute_is_survived(self):
        outcomes = self.mutate_all(self.nwb, ".nwb")
        self.assertGreater(len(outcomes), 250)
        self.assertIn("opened", outcomes.values())


if __name__ == "__main__":
    unittest.main(verbosity=1)
