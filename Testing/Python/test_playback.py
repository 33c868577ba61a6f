"""pvpython: ParaView's own play loop (scene.Play(), GoToNext, SaveAnimation) goes through the
NeuroPlayback cue: wall-clock playback with skipping, one-frame steps, movies sampled by time."""
import glob
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from paraview import simple
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader

import session_factory as sf
from pv_support import delete_pipeline
from neuroplayback import SessionError
from neuroplayback._movie import _progress_of, automatic_workers, chunk_frames, slice_bounds
from neuroplayback.paraview import (export_movie, open_session, play, playback_cue, playback_statistics,
                                    save_movie, show_session, time_range)

SAMPLE = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Data", "sample.nsp")
IRREGULAR = np.cumsum(np.r_[0.0, 0.1 + 0.04 * np.sin(np.arange(29))])


def image_pixels(path):
    reader = vtkPNGReader()
    reader.SetFileName(path)
    reader.Update()
    return bytes(vtk_to_numpy(reader.GetOutput().GetPointData().GetScalars()).tobytes())


def current_frame(reader):
    reader.UpdatePropertyInformation()
    return int(reader.GetPropertyValue("CurrentFrameInfo"))


class PlaybackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-playback-")
        cls.view = simple.CreateRenderView()
        cls.view.ViewSize = [240, 180]

    @classmethod
    def tearDownClass(cls):
        simple.Delete(cls.view)  # a view left at exit makes pvpython's GLX teardown fail

    def setUp(self):
        self.scene = simple.GetAnimationScene()
        self.scene.Loop = 0

    def tearDown(self):
        delete_pipeline(keep_views=(self.view,))  # show_session() adds line charts for the time series

    def open(self, path):
        reader = open_session(path)
        show_session(reader, self.view)
        return reader

    def test_0_play_without_a_session_keeps_paraview_behaviour(self):
        self.assertIsNone(playback_cue())
        sphere = simple.Sphere()
        simple.Show(sphere, self.view)
        self.scene.PlayMode = "Sequence"
        self.scene.NumberOfFrames = 5
        self.scene.Play()  # ParaView's own Sequence player: returns after 5 ticks
        self.assertEqual(self.scene.PlayMode, "Sequence")

    def test_play_follows_the_wall_clock_and_skips(self):
        reader = self.open(SAMPLE)
        self.scene.GoToFirst()
        start = time.perf_counter()
        stats = play(seconds=2.0, speed=1.0)
        wall = time.perf_counter() - start
        self.assertAlmostEqual(wall, 2.0, delta=0.5)
        self.assertGreater(stats["frames_skipped"], 0)  # 250 Hz data on a ~30 fps renderer
        self.assertAlmostEqual(stats["achieved_speed"], 1.0, delta=0.1)
        # The scene's time is the time of the frame on screen, about 2 s in.
        self.assertAlmostEqual(simple.GetTimeKeeper().Time, 2.0, delta=0.4)
        reader.UpdatePropertyInformation()
        self.assertGreater(current_frame(reader), 300)

    def test_charts_get_their_antialiasing_back_when_playback_stops(self):
        self.open(SAMPLE)
        charts = [v for v in simple.GetViews() if v.GetXMLName() == "XYChartView"]
        self.assertTrue(charts, "the sample has a speed chart")
        for chart in charts:
            simple.Render(chart)  # a window settles its multisampling when it first draws
        before = [chart.GetRenderWindow().GetMultiSamples() for chart in charts]
        self.scene.GoToFirst()
        play(seconds=0.5, speed=1.0)  # charts go without multisampling while playing (software GL)
        self.assertEqual([chart.GetRenderWindow().GetMultiSamples() for chart in charts], before)
        self.assertEqual([chart.EnableRenderOnInteraction for chart in charts], [1] * len(charts))

    def test_every_frame_mode_skips_nothing(self):
        reader = self.open(SAMPLE)
        self.scene.GoToFirst()
        # 2 s, not 1: with every overlay, the video and a chart the sample renders at ~5-7 fps here, and
        # the test is about skipping nothing, not about speed.
        stats = play(seconds=2.0, speed=0.1, every_frame=True)
        self.assertEqual(stats["frames_skipped"], 0)
        self.assertGreater(stats["frames_shown"], 5)
        self.assertEqual(current_frame(reader), stats["frames_shown"])  # consecutive frames from frame 0
        playback_cue().ShowEveryFrame = 0

    def test_next_and_previous_move_exactly_one_frame_with_irregular_times(self):
        reader = self.open(sf.write_session(os.path.join(self.folder, "irregular.nsp"), n_frames=30,
                                            frame_times=IRREGULAR))
        tk = simple.GetTimeKeeper()
        self.scene.GoToFirst()
        for expected in (1, 2, 3):
            self.scene.GoToNext()
            self.assertEqual(current_frame(reader), expected)
            self.assertAlmostEqual(tk.Time, IRREGULAR[expected], places=12)  # the frame's own time
        self.scene.GoToPrevious()
        self.assertEqual(current_frame(reader), 2)
        self.scene.GoToLast()
        self.assertEqual(current_frame(reader), 29)
        self.scene.GoToNext()
        self.assertEqual(current_frame(reader), 29)

    def test_bad_speeds_are_refused_with_a_fix(self):
        self.open(SAMPLE)
        for bad in (0, -1.0, float("nan")):
            with self.assertRaises(SessionError) as caught:
                play(seconds=0.1, speed=bad)
            self.assertIn("How to fix", str(caught.exception))
        cue = playback_cue()
        cue.Speed = -2.0  # straight to the proxy: refused by the cue, which keeps its speed
        cue.UpdatePropertyInformation()
        self.assertIn("not a positive number", cue.GetPropertyValue("LastError"))
        self.assertEqual(cue.GetPropertyValue("SpeedInfo"), 1.0)
        cue.Speed = 1.0

    def test_single_frame_session_plays(self):
        self.open(sf.write_session(os.path.join(self.folder, "single.nsp"), n_frames=1))
        stats = play(seconds=1.0)
        self.assertEqual(stats["frames_skipped"], 0)

    def test_reverse_play(self):
        reader = self.open(SAMPLE)
        self.scene.GoToLast()
        stats = play(seconds=1.0, speed=1.0, reverse=True)
        self.assertAlmostEqual(stats["achieved_speed"], 1.0, delta=0.15)
        self.assertLess(current_frame(reader), 2499 - 150)

    def test_save_animation_samples_by_time_not_every_frame(self):
        reader = self.open(sf.write_session(os.path.join(self.folder, "movie.nsp"), n_frames=30,
                                            frame_times=IRREGULAR))
        span = time_range(reader)[1] - time_range(reader)[0]
        playback_cue().Speed = 0.25  # a slow-motion play does not slow movies down: MovieSpeed does
        for speed, fps in ((1.0, 10), (2.0, 10)):
            playback_cue().MovieSpeed = speed
            pattern = os.path.join(self.folder, f"movie-{speed}.png")
            simple.SaveAnimation(pattern, self.view, ImageResolution=[160, 120], FrameRate=fps)
            written = len(glob.glob(os.path.join(self.folder, f"movie-{speed}.*.png")))
            self.assertEqual(written, math.floor(span * fps / speed + 1e-9) + 1, f"speed {speed}")
        playback_cue().Speed = 1.0
        playback_cue().MovieSpeed = 1.0

    def test_scrubbing_draws_through_the_direct_path_and_ends_exact(self):
        reader = self.open(SAMPLE)
        cue = playback_cue()
        first, last = time_range(reader)

        def shown_frame():
            reader.UpdatePropertyInformation()
            return reader.GetPropertyValue("CurrentFrameInfo")

        targets = [first + (last - first) * f for f in (0.73, 0.12, 0.5, 0.91)]
        direct = []
        for t in targets:  # what the toolbar's frame slider does while it moves
            cue.SMProxy.GetProperty("ScrubTime").SetElement(0, t)
            cue.SMProxy.UpdateVTKObjects()
            direct.append(shown_frame())
        self.assertEqual(len(set(direct)), len(targets), f"each position drew its own frame: {direct}")
        cue.SMProxy.InvokeCommand("EndScrub")
        # Back on the TimeKeeper: the normal pipeline time at each target shows the frame the scrub drew there.
        for t, frame in zip(targets, direct):
            self.scene.AnimationTime = t
            simple.Render(self.view)
            self.assertEqual(shown_frame(), frame)
        # Playing after a scrub works as before.
        stats = play(seconds=0.3)
        self.assertGreater(stats["frames_shown"], 0)

    def test_save_animation_respects_the_frame_window_and_time_range(self):
        reader = self.open(SAMPLE)  # 10 s: 300 movie frames at 30 fps
        pattern = os.path.join(self.folder, "window.png")
        simple.SaveAnimation(pattern, self.view, ImageResolution=[160, 120], FrameRate=30, FrameWindow=[76, 150])
        written = sorted(glob.glob(os.path.join(self.folder, "window.*.png")))
        self.assertEqual(len(written), 75)  # movie frames 76..150
        self.assertTrue(written[0].endswith(".0076.png"), written[0])
        # The helper says its speed and range in the call, and reports progress.
        first = time_range(reader)[0]
        frames = save_movie(os.path.join(self.folder, "part.png"), speed=2.0, frame_rate=10,
                            time_range=(first + 1.0, first + 3.0), ImageResolution=[160, 120], progress=False)
        self.assertEqual(frames, 11)  # 2 data seconds at 2x and 10 fps: 1 s of movie, both ends included
        self.assertEqual(len(glob.glob(os.path.join(self.folder, "part.*.png"))), 11)
        self.assertEqual(playback_cue().MovieSpeed, 1.0)  # the call's speed is not left behind

    def test_export_movie_splits_the_frames_across_pvbatch_workers(self):
        reader = self.open(SAMPLE)
        first = time_range(reader)[0]
        options = dict(reader=reader, start=first + 2.0, stop=first + 2.5, fps=30, size=(160, 120), progress=False)
        one = os.path.join(self.folder, "one", "m.png")
        two = os.path.join(self.folder, "two", "m.png")
        os.makedirs(os.path.dirname(one))
        os.makedirs(os.path.dirname(two))
        self.assertEqual(export_movie(one, workers=1, **options), 16)  # 0.5 s at 30 fps, both ends
        self.assertEqual(export_movie(two, workers=2, **options), 16)
        names = sorted(os.listdir(os.path.dirname(two)))
        self.assertEqual(names, ["m_%06d.png" % i for i in range(16)])  # one numbering across the workers
        for i in (0, 7, 8, 15):  # the same pictures, whichever worker drew them
            self.assertEqual(image_pixels(os.path.join(os.path.dirname(one), names[i])),
                             image_pixels(os.path.join(os.path.dirname(two), names[i])))
        self.assertNotEqual(image_pixels(os.path.join(os.path.dirname(two), names[0])),
                            image_pixels(os.path.join(os.path.dirname(two), names[15])))
        # An MP4: each worker encodes its slice and the slices are joined into the very file one worker
        # makes (2 s at 30 fps: two chunks of one movie second and one frame, cut between the workers).
        options.update(stop=first + 4.0, size=(320, 240))
        movies = [os.path.join(self.folder, f"movie-{n}.mp4") for n in (1, 2)]
        self.assertEqual(export_movie(movies[0], workers=1, **options), 61)
        self.assertEqual(export_movie(movies[1], workers=2, **options), 61)
        with open(movies[0], "rb") as handle:
            data = handle.read()
        with open(movies[1], "rb") as handle:
            self.assertTrue(handle.read() == data, "the 2-worker movie differs from the 1-worker one")
        self.assertIn(b"avc1", data)  # H.264
        sizes = data.find(b"stsz")
        self.assertEqual(int.from_bytes(data[sizes + 12:sizes + 16], "big"), 61)  # 61 video samples
        self.assertFalse(glob.glob(os.path.join(self.folder, ".movie-*")))  # the segments made on the way are gone
        # Each frame's time set on the TimeKeeper (the way before the workers updated their view directly,
        # kept behind a switch): the very same movie.
        with mock.patch.dict(os.environ, NEUROPLAYBACK_EXPORT_UPDATE="timekeeper"):
            self.assertEqual(export_movie(movies[1], workers=1, **options), 61)
        with open(movies[1], "rb") as handle:
            self.assertTrue(handle.read() == data, "updating through the TimeKeeper made another movie")
        # The previous way, kept behind a switch: PPM frames joined by one encoder.
        with mock.patch.dict(os.environ, NEUROPLAYBACK_EXPORT_ENCODE="after"):
            self.assertEqual(export_movie(movies[0], workers=2, **options), 61)
        with open(movies[0], "rb") as handle:
            data = handle.read()
        sizes = data.find(b"stsz")
        self.assertEqual(int.from_bytes(data[sizes + 12:sizes + 16], "big"), 61)

    def test_export_movie_picks_its_workers_from_the_cores_and_the_length(self):
        # One per core, at most 4, and none that would have fewer than 150 frames to draw.
        self.assertEqual(automatic_workers(1801, cores=2), 2)
        self.assertEqual(automatic_workers(1801, cores=64), 4)
        self.assertEqual(automatic_workers(450, cores=8), 3)
        self.assertEqual(automatic_workers(16, cores=8), 1)
        self.assertEqual(automatic_workers(0, cores=8), 1)

    def test_export_movie_cuts_chunks_of_whole_seconds_that_split_evenly(self):
        # Whole movie seconds, up to 5, and at least 12 chunks when the movie is long enough.
        self.assertEqual(chunk_frames(30, 61), 30)
        self.assertEqual(chunk_frames(30, 1801), 150)  # a 60 s movie: 5 s chunks
        self.assertEqual(chunk_frames(30, 720), 60)
        self.assertEqual(chunk_frames(30, 108001), 150)
        self.assertEqual(chunk_frames(24.5, 10), 24)
        self.assertEqual(chunk_frames(0.2, 5), 1)
        # Up to 4 workers get slices within one chunk of each other.
        for count in (61, 450, 1801, 7201):
            chunk = chunk_frames(30, count)
            for workers in (2, 3, 4):
                sizes = [last - first + 1 for first, last in slice_bounds(count, workers, chunk)]
                self.assertEqual(sum(sizes), count)
                self.assertLessEqual(max(sizes) - min(sizes), chunk + 1, (count, workers, sizes))

    def test_export_movie_of_the_epochs_only(self):
        from neuroplayback._movie import frame_times
        reader = self.open(SAMPLE)
        folder = os.path.join(self.folder, "epochs")
        os.makedirs(folder)
        # The sample's trials are [0.5, 3.0] and [4.5, 7.0] s: inside [2.5, 5.0] that leaves two pieces.
        options = dict(reader=reader, fps=10, size=(160, 120), progress=False)
        expected = len(frame_times(2.5, 3.0, 10, 1.0)) + len(frame_times(4.5, 5.0, 10, 1.0))
        self.assertEqual(export_movie(os.path.join(folder, "e.png"), start=2.5, stop=5.0, epoch="trials",
                                      workers=2, **options), expected)
        self.assertEqual(sorted(os.listdir(folder)), ["e_%06d.png" % i for i in range(expected)])
        # The second piece starts at 4.5 s: the picture a plain export starting there gives.
        plain = os.path.join(self.folder, "plain")
        os.makedirs(plain)
        export_movie(os.path.join(plain, "p.png"), start=4.5, stop=4.5, **options)
        second = len(frame_times(2.5, 3.0, 10, 1.0))
        self.assertEqual(image_pixels(os.path.join(folder, "e_%06d.png" % second)),
                         image_pixels(os.path.join(plain, "p_000000.png")))
        with self.assertRaises(SessionError) as caught:
            export_movie(os.path.join(folder, "x.png"), epoch="trial", **options)
        self.assertIn("Use one of its interval overlays: trials", str(caught.exception))
        with self.assertRaises(SessionError) as caught:
            export_movie(os.path.join(self.folder, "missing", "m.mp4"), start=1.0, stop=1.2, **options)
        self.assertIn("does not exist", str(caught.exception))
        self.assertEqual(sorted(os.listdir(folder)), ["e_%06d.png" % i for i in range(expected)])

    def test_an_interrupted_export_stops_its_workers_and_leaves_nothing(self):
        # Ctrl+C in a pvpython exporting a movie: the workers stop and no file is left in the folder.
        folder = os.path.join(self.folder, "interrupted")
        os.makedirs(folder)
        script = os.path.join(self.folder, "interrupted.py")
        python_dir = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Python")
        with open(script, "w") as handle:
            handle.write(f"""import sys
sys.path.insert(0, {python_dir!r})
from neuroplayback.paraview import export_movie, open_session
reader = open_session({SAMPLE!r})
try:
    export_movie({os.path.join(folder, "m.mp4")!r}, reader=reader, fps=30, size=(640, 480), workers=2,
                 progress=False)
except KeyboardInterrupt:
    print("interrupted", flush=True)
""")
        process = subprocess.Popen([shutil.which("pvpython"), script], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + 120
        made = 0
        while time.monotonic() < deadline and made < 3 and process.poll() is None:
            time.sleep(0.2)
            made = sum(_progress_of(p[:-len(".progress")]) for p in glob.glob(os.path.join(folder, ".m.frames-*", "*.progress")))
        self.assertGreaterEqual(made, 3, "the export did not start")
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        self.assertIn("interrupted", output)
        self.assertEqual(os.listdir(folder), [])
        time.sleep(0.5)
        workers = subprocess.run(["pgrep", "-f", folder], capture_output=True, text=True).stdout.split()
        self.assertEqual(workers, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
