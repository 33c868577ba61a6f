"""pvpython: the helpers for large sessions: colour-range estimates from random frames, jumps
between events and intervals, playing only inside epochs, recommended settings, the one-call
show(), and several fields side by side with one colour scale, linked cameras and one time."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py
import numpy as np
from paraview import simple

import session_factory as sf
from pv_support import annotation, delete_pipeline
from image_compare import assert_matches_baseline
from neuroplayback import SessionError
from neuroplayback.paraview import (apply_recommended_settings, close_comparison, compare_fields, estimate_color_range, fields,
                                    next_event, next_interval, open_session, play_epochs, playback_cue,
                                    previous_event, previous_interval, recommended_settings, show,
                                    show_session)

RATE = 10.0
FRAMES = 200  # t = 0.0 ... 19.9 s
LICKS = np.array([1.05, 3.0, 7.52])
TRIAL_STARTS = np.array([2.0, 8.0, 14.0])
TRIAL_STOPS = np.array([5.0, 11.0, 17.0])


def add_intervals(path, name="trials", labels=("left", "right", "left")):
    with h5py.File(path, "a") as f:
        group = f.require_group("overlays").create_group(name)
        group.attrs["kind"] = "intervals"
        group.attrs["label"] = name
        group.create_dataset("start_time", data=TRIAL_STARTS)
        group.create_dataset("stop_time", data=TRIAL_STOPS)
        if labels:
            group.create_dataset("labels", data=np.array(labels, dtype=object), dtype=h5py.string_dtype())


class HelpersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-helpers-")
        bins = np.arange(11)
        peak = (np.arange(FRAMES)[:, None] * 0.05) % 11
        cls.values = np.exp(-0.5 * (bins[None, :] - peak) ** 2)
        cls.values[::7, 3] = np.nan  # NaN bins are left out of the estimate
        likelihood = 0.5 * np.roll(cls.values, 5, axis=1)
        cls.path = sf.write_session(os.path.join(cls.folder, "session.nsp"), n_frames=FRAMES, rate=RATE,
                                    fields={"posterior": cls.values, "likelihood": likelihood})
        sf.add_overlay(cls.path, "licks", "events", types={"lick": {"times": LICKS, "xy": np.full((3, 2), 15.0)}})
        add_intervals(cls.path)
        cls.view = simple.CreateRenderView()
        cls.view.ViewSize = [320, 240]

    @classmethod
    def tearDownClass(cls):
        simple.Delete(cls.view)

    def setUp(self):
        self.scene = simple.GetAnimationScene()
        self.scene.Loop = 0

    def tearDown(self):
        delete_pipeline(keep_views=(self.view,))

    def open(self):
        reader = open_session(self.path)
        show_session(reader, self.view, time_series=False)
        return reader

    def test_color_range_estimate_matches_the_percentiles_of_the_data(self):
        reader = self.open()
        estimate = estimate_color_range(reader, field="posterior", frames=FRAMES, percentiles=(1, 99))
        finite = self.values[np.isfinite(self.values)]
        # Every frame is sampled here, so the estimate is numpy's percentile of the data (linear between
        # ranks, as neurospatial), to rounding.
        low, high = np.percentile(finite, [1, 99])
        self.assertAlmostEqual(estimate["range"][0], low, delta=1e-12)
        self.assertAlmostEqual(estimate["range"][1], high, delta=1e-12)
        self.assertGreaterEqual(estimate["seconds"], 0.0)
        other = estimate_color_range(reader, field="likelihood", frames=50, percentiles=(0, 100), apply=True)
        self.assertGreaterEqual(other["range"][0], 0.5 * finite.min() - 1e-9)
        self.assertLessEqual(other["range"][1], 0.5 * finite.max() + 1e-9)
        lut = simple.GetColorTransferFunction("likelihood")
        self.assertAlmostEqual(lut.RGBPoints[0], other["range"][0])
        self.assertEqual(lut.AutomaticRescaleRangeMode, "Never")

    def test_bad_color_range_requests_are_explained(self):
        reader = self.open()
        with self.assertRaisesRegex(SessionError, "no field named 'nope'.*session_info"):
            estimate_color_range(reader, field="nope")
        with self.assertRaisesRegex(SessionError, "percentiles 0 <= low < high <= 100"):
            estimate_color_range(reader, percentiles=(99, 1))

    def test_fields_lists_every_field_with_its_range(self):
        reader = self.open()
        ranges = fields(reader)
        self.assertEqual(sorted(ranges), ["likelihood", "posterior"])
        self.assertGreater(ranges["posterior"][1], ranges["likelihood"][1])

    def test_next_and_previous_event_land_on_the_frame_showing_it(self):
        reader = self.open()
        self.scene.AnimationTime = 0.0
        hit = next_event(reader)
        # 1.05 s falls between frames 1.0 and 1.1: its frame is the first at or after it.
        self.assertAlmostEqual(hit["event_time"], 1.05)
        self.assertAlmostEqual(hit["time"], 1.1)
        self.assertEqual((hit["overlay"], hit["frame"]), ("licks", 11))
        self.assertAlmostEqual(simple.GetTimeKeeper().Time, 1.1)
        self.assertAlmostEqual(next_event(reader, "licks")["time"], 3.0)
        self.assertAlmostEqual(next_event(reader)["time"], 7.6)
        self.assertIsNone(next_event(reader))  # none left: the time stays
        self.assertAlmostEqual(simple.GetTimeKeeper().Time, 7.6)
        self.assertAlmostEqual(previous_event(reader)["time"], 3.0)
        self.assertAlmostEqual(previous_event(reader)["time"], 1.1)
        self.assertIsNone(previous_event(reader))
        with self.assertRaisesRegex(SessionError, "nope"):
            next_event(reader, "nope")

    def test_next_and_previous_interval(self):
        reader = self.open()
        self.scene.AnimationTime = 0.0
        self.assertAlmostEqual(next_interval(reader)["time"], 2.0)
        self.assertAlmostEqual(next_interval(reader, "trials")["time"], 8.0)
        self.assertAlmostEqual(next_interval(reader)["time"], 14.0)
        self.assertIsNone(next_interval(reader))
        self.assertAlmostEqual(previous_interval(reader)["time"], 8.0)
        self.assertAlmostEqual(previous_interval(reader)["time"], 2.0)

    def test_the_trial_on_screen_is_in_the_annotation(self):
        reader = self.open()
        self.assertIn("trials 1/3 [2.00, 5.00 s] left", annotation(reader, 3.0))
        self.assertIn("trials 2/3 [8.00, 11.00 s] right", annotation(reader, 8.0))
        self.assertNotIn("trials", annotation(reader, 6.0))

    def test_play_only_inside_epochs(self):
        reader = self.open()
        self.scene.AnimationTime = 0.0
        shown = []
        scene = self.scene.GetClientSideObject()
        tag = scene.AddObserver("AnimationCueTickEvent", lambda o, e: shown.append(o.GetSceneTime()))
        try:
            stats = play_epochs("trials", seconds=2.5, speed=4.0)
        finally:
            scene.RemoveObserver(tag)
        shown = shown[1:]  # the first tick redraws the frame that was on screen when Play was pressed
        inside = [t for t in shown if any(a - 1e-9 <= t <= b + 1e-9 for a, b in zip(TRIAL_STARTS, TRIAL_STOPS))]
        self.assertGreater(len(shown), 5)
        self.assertEqual(len(inside), len(shown), f"frames outside the trials were shown: {shown}")
        self.assertAlmostEqual(shown[0], TRIAL_STARTS[0])  # it jumped to the first trial's start
        self.assertGreaterEqual(max(shown), 8.0)  # it went on into the second trial
        self.assertGreater(stats["frames_shown"], 5)
        self.assertEqual(playback_cue().EpochOverlay, "")
        with self.assertRaisesRegex(SessionError, "no interval overlay named 'nope'.*Its interval overlays are '"):
            play_epochs("nope", seconds=0.2)

    def test_recommended_settings_are_applied(self):
        reader = self.open()
        settings = recommended_settings(reader)
        for name, (value, why) in settings.items():
            self.assertTrue(why, name)
        apply_recommended_settings(reader, self.view)
        self.assertEqual(self.scene.PlayMode, "Snap To TimeSteps")
        self.assertEqual(self.view.OrientationAxesVisibility, 0)
        self.assertEqual(int(reader.ExactColorRange), 0)

    def test_show_in_one_call(self):
        handles = show(self.path, view=self.view)
        self.assertEqual(handles.reader.GetPropertyValue("FileName"), self.path)
        self.assertEqual(handles.overlays["Overlays"].GetXMLName(), "NeuroOverlayRepresentation")
        self.assertEqual(handles.overlays["Overlays"].PositionVisibility, 1)
        self.assertEqual(self.view.UseFXAA, 0)  # a flat arena: no anti-aliasing or depth-peeling passes
        self.assertEqual(self.view.DepthPeeling, 0)
        self.assertEqual(self.view.OrientationAxesVisibility, 0)
        self.assertEqual(handles.charts, [])  # the session has no time series
        self.assertIsNone(handles.video)
        self.assertEqual(handles.cue.Session, handles.reader)

    def test_a_saved_state_plays_again(self):
        # The cue's link to its scene is not saved (the cycle crashed the GUI's state loading): a fresh
        # pvpython loading the state plays on the wall clock and steps one frame, the link made again.
        self.open()
        state = os.path.join(self.folder, "saved.pvsm")
        simple.SaveState(state)
        script = ("import json\nfrom paraview import simple\nfrom neuroplayback.paraview import play\n"
                  f"simple.LoadState({state!r})\nscene = simple.GetAnimationScene()\n"
                  "stats = play(seconds=0.5)\nscene.GoToFirst()\nscene.GoToNext()\n"
                  "print('RESULT', json.dumps([stats['frames_shown'], simple.GetTimeKeeper().Time]))\n")
        done = subprocess.run([shutil.which("pvpython"), "--force-offscreen-rendering", "-c", script],
                              capture_output=True, text=True, timeout=120)
        line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
        self.assertIsNotNone(line, done.stdout[-2000:] + done.stderr[-2000:])
        shown, stepped = json.loads(line[7:])
        self.assertGreater(shown, 0)
        self.assertAlmostEqual(stepped, 1.0 / RATE, places=6)

    def test_compare_fields_side_by_side(self):
        reader = self.open()
        handles = compare_fields([(reader, "posterior"), (reader, "likelihood")])
        self.addCleanup(close_comparison, handles)
        ranges = fields(reader)
        self.assertEqual(handles.range, (min(r[0] for r in ranges.values()), max(r[1] for r in ranges.values())))
        self.assertEqual(len(handles.views), 2)
        for display in handles.displays:
            self.assertEqual(display.LookupTable, handles.lut)
        # Cameras are linked: moving one moves the other.
        first, second = handles.views
        first.CameraPosition = [1.0, 2.0, 100.0]
        first.CameraFocalPoint = [1.0, 2.0, 0.0]
        simple.Render(first)
        self.assertAlmostEqual(second.CameraFocalPoint[0], 1.0, places=5)
        with self.assertRaisesRegex(SessionError, "no field named 'nope'"):
            compare_fields([(reader, "nope")])
        self.scene.AnimationTime = 4.0
        folder = os.environ.get("NEUROPLAYBACK_TEST_OUTPUT", self.folder)
        os.makedirs(folder, exist_ok=True)
        png = os.path.join(folder, "CompareFields.png")
        simple.ResetCamera(first)
        simple.SaveScreenshot(png, handles.layout, ImageResolution=[640, 240])
        assert_matches_baseline(self, png, os.path.join(os.environ["NEUROPLAYBACK_BASELINES"], "CompareFields.png"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
