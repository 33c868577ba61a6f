"""pvpython connected to a real pvserver (loopback, the plugin loaded on both sides by PV_PLUGIN_PATH):
playback, stepping, epochs and event jumps behave as in a built-in session. The cue reaches the reader
only through its proxy (vtkNeuroSessionInformation, the Query property), never through a pointer into
the server's memory."""
import os
import sys
import tempfile
import unittest

import h5py
import numpy as np
from paraview import simple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import session_factory as sf  # noqa: E402
from pv_support import captured_messages, png_pixels, start_pvserver  # noqa: E402
from neuroplayback import SessionError  # noqa: E402
from neuroplayback.paraview import (next_event, open_session, play, play_epochs, playback_cue,  # noqa: E402
                                    show_session, time_range)

RATE = 10.0
FRAMES = 200  # t = 0.0 ... 19.9 s
TRIAL_STARTS = np.array([2.0, 8.0, 14.0])
TRIAL_STOPS = np.array([5.0, 11.0, 17.0])
SAMPLE = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Data", "sample.nsp")


class RemoteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-remote-")
        cls.path = sf.write_session(os.path.join(cls.folder, "remote.nsp"), n_frames=FRAMES, rate=RATE)
        sf.add_overlay(cls.path, "licks", "events",
                       types={"lick": {"times": np.array([1.05, 3.0, 7.52]), "xy": np.full((3, 2), 15.0)}})
        with h5py.File(cls.path, "a") as f:
            trials = f.require_group("overlays").create_group("trials")
            trials.attrs["kind"] = "intervals"
            trials.create_dataset("start_time", data=TRIAL_STARTS)
            trials.create_dataset("stop_time", data=TRIAL_STOPS)
        cls.server, port = start_pvserver(os.path.join(cls.folder, "pvserver.log"))
        simple.Connect("localhost", port)
        cls.view = simple.CreateRenderView()
        cls.view.ViewSize = [240, 180]

    @classmethod
    def tearDownClass(cls):
        simple.Delete(cls.view)
        simple.Disconnect()
        cls.server.kill()
        cls.server.wait()

    def setUp(self):
        self.assertTrue(simple.servermanager.ActiveConnection.IsRemote())
        self.scene = simple.GetAnimationScene()
        self.scene.Loop = 0
        self.reader = open_session(self.path)
        show_session(self.reader, self.view, time_series=False)

    def tearDown(self):
        for source in list(simple.GetSources().values()):
            simple.Delete(source)

    def test_play_follows_the_wall_clock(self):
        self.scene.AnimationTime = 0.0
        stats = play(seconds=1.5)
        self.assertGreater(stats["frames_shown"], 3)  # the cue scheduled the play, not ParaView's Sequence mode
        self.assertAlmostEqual(stats["achieved_speed"], 1.0, delta=0.15)

    def test_next_and_previous_move_exactly_one_data_frame(self):
        keeper = simple.GetTimeKeeper()
        self.scene.AnimationTime = 0.0
        for expected in (0.1, 0.2, 0.3):
            self.scene.GoToNext()
            self.assertAlmostEqual(keeper.Time, expected, places=9)
        self.scene.GoToPrevious()
        self.assertAlmostEqual(keeper.Time, 0.2, places=9)

    def test_play_only_inside_epochs(self):
        self.scene.AnimationTime = 0.0
        shown = []
        scene = self.scene.GetClientSideObject()  # the scene lives on the client in every session type
        tag = scene.AddObserver("AnimationCueTickEvent", lambda o, e: shown.append(o.GetSceneTime()))
        try:
            stats = play_epochs("trials", seconds=2.0, speed=4.0)
        finally:
            scene.RemoveObserver(tag)
        shown = shown[1:]  # the first tick redraws the frame on screen when Play was pressed
        self.assertGreater(stats["frames_shown"], 3)
        outside = [t for t in shown if not any(a - 1e-9 <= t <= b + 1e-9 for a, b in zip(TRIAL_STARTS, TRIAL_STOPS))]
        self.assertEqual(outside, [])
        self.assertAlmostEqual(shown[0], TRIAL_STARTS[0])
        with self.assertRaisesRegex(SessionError, "no interval overlay named 'nope'"):
            play_epochs("nope", seconds=0.2)

    def test_event_jump(self):
        self.scene.AnimationTime = 0.0
        jump = next_event(self.reader)
        self.assertAlmostEqual(jump["event_time"], 1.05)
        self.assertAlmostEqual(jump["time"], 1.1)  # the frame that first shows the event
        self.assertAlmostEqual(simple.GetTimeKeeper().Time, 1.1)
        self.assertEqual(playback_cue().Session, self.reader)

    def test_a_video_plays_without_a_word_from_the_client(self):
        # The overlay display's piece reaches the client as legacy VTK: an image carrying field data made
        # its reader warn "Not all meta data was read from the file" once per video frame.
        sample = open_session(SAMPLE)
        view = simple.CreateRenderView()
        view.ViewSize = [240, 180]
        show_session(sample, view, time_series=False)
        start = time_range(sample)[0]
        try:
            with captured_messages() as messages:
                for k in range(12):
                    view.ViewTime = start + 1.0 + k / 30.0  # a new video frame each time
                    simple.Render(view)
        finally:
            simple.Delete(view)
        self.assertEqual(messages.GetOutput().strip(), "")

    def test_the_field_cells_cross_once_and_follow_every_change(self):
        # A time step changes the field's values, not its 3,600 hexagons: only the values cross the socket.
        # Cells that change on a time step (a Threshold over time) or by a property still reach the client,
        # drawn as ParaView's Surface display draws them.
        hexes = sf.write_session(os.path.join(self.folder, "hexes.nsp"), n_frames=30, rate=10.0,
                                 environment=sf.hexagonal_environment(n=60, radius=2.0))
        reader = open_session(hexes)
        view = simple.CreateRenderView()
        view.ViewSize = [320, 240]
        try:
            display = show_session(reader, view, time_series=False, video=False)
            simple.Hide(simple.OutputPort(reader, 1), view)  # the field alone
            field = display.GetClientSideObject().GetActiveRepresentation()
            delivered = view.GetClientSideObject().GetDeliveryManager()
            sizes = []
            for k in range(4):
                view.ViewTime = 1.0 + k / 10.0
                simple.Render(view)
                sizes.append(delivered.GetDeliveredPiece(field, False, 0).GetActualMemorySize())  # KiB
            # The values: 3,600 doubles (28 KiB) and a few arrays; the cells would add over 500 KiB.
            self.assertLess(max(sizes[1:]), 100, sizes)
            lut = simple.GetColorTransferFunction("posterior")
            lut.RescaleTransferFunction(10.0, 15.0)
            self.scene.AnimationTime = 1.0
            # Frame f, bin b holds f + b / 1000: a fixed range keeps other bins on every frame.
            threshold = simple.Threshold(Input=reader, Scalars=["CELLS", "posterior"], LowerThreshold=10.5,
                                         UpperThreshold=12.0)
            surface = simple.ExtractSurface(Input=threshold)
            shown = simple.Show(surface, view)
            simple.ColorBy(shown, ("CELLS", "posterior"))
            shown.Ambient, shown.Diffuse = 1.0, 0.0  # unlit, as show_session draws a field
            simple.Hide(reader, view)

            def looks(what):
                pictures = []
                for representation in ("Neuro Field", "Surface"):
                    shown.Representation = representation
                    simple.Render(view)
                    path = os.path.join(self.folder, "cells-%s-%s.png" % (what, representation.replace(" ", "")))
                    simple.SaveScreenshot(path, view, ImageResolution=[320, 240])
                    pictures.append(png_pixels(path))
                differing = np.count_nonzero(np.abs(pictures[0] - pictures[1]).max(axis=1) > 2)
                self.assertLessEqual(differing, 40, "%s: %d pixels differ from the Surface display" % (what, differing))
                return pictures[0]

            shown.Representation = "Neuro Field"
            drawn = []
            for t in (1.0, 1.1, 1.2):  # frames 10-12: bins 500-2000, 0-1000, none but 0 (12.0)
                view.ViewTime = t
                drawn.append(looks("time-%.1f" % t))
            self.assertTrue(np.any(drawn[0] != drawn[1]), "the thresholded cells change with time")
            view.ViewTime = 1.0
            threshold.LowerThreshold = 11.0
            self.assertTrue(np.any(looks("property") != drawn[0]), "a new threshold changes the cells")
        finally:
            for proxy in (view,):
                simple.Delete(proxy)


if __name__ == "__main__":
    unittest.main(verbosity=2)
