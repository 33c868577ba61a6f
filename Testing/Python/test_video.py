"""pvpython: the behaviour video shows exactly the right frame for the session time (an external
H.264 file made at test time, each frame stamped with its number), lands on the arena where its
calibration says, disappears outside its time span, and a missing or corrupt video is explained
while the rest of the session still opens."""
import hashlib
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py
import numpy as np
from paraview import servermanager, simple
from paraview.vtk.util.numpy_support import vtk_to_numpy

import session_factory as sf
from image_compare import assert_matches_baseline
from pv_support import captured_messages, output_folder
from neuroplayback.paraview import (open_session, overlay_data, overlay_problems, show, show_overlays, show_session,
                                    show_video, show_videos)

FPS, N_VIDEO, W, H = 30.0, 150, 160, 120
OFFSET = 0.5  # session time of video frame 0
MAKE_VIDEO = os.path.join(os.environ.get("NEUROPLAYBACK_BINARY_DIR", ""), "bin", "neuroplayback-make-video")


def read_stamp(rgb):
    """The frame number drawn by neuroplayback-make-video (Tools/make-video/FrameStamp.h), rows top down."""
    height, width = rgb.shape[:2]
    band, cell = max(4, height // 8), width // 20
    value = 0
    for i in range(20):
        patch = rgb[band // 4: band - band // 4, i * cell + cell // 4: (i + 1) * cell - cell // 4].mean()
        if 96 < patch < 160:
            return -1
        value = (value << 1) | int(patch >= 160)
    return value


def image_rows(data):
    """The video filter's image as (H, W, 3), rows top to bottom (VTK's go up)."""
    if data.GetNumberOfPoints() == 0:
        return None
    dims = data.GetDimensions()
    rgb = vtk_to_numpy(data.GetPointData().GetArray("RGB")).reshape(dims[1], dims[0], 3)
    return rgb[::-1]


class VideoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = output_folder("np-video-")
        cls.video = os.path.join(cls.folder, "behaviour.mp4")
        subprocess.run([MAKE_VIDEO, "--output", cls.video, "--frames", str(N_VIDEO), "--fps", str(FPS),
                        "--size", f"{W}x{H}", "--gop", "30", "--quiet"], check=True)

    def tearDown(self):
        # Views left at exit break pvpython's GLX teardown once any view has rendered.
        for source in list(simple.GetSources().values()):
            simple.Delete(source)
        for view in simple.GetViews():
            simple.Delete(view)

    def session(self, name, video_attrs, video_data=None, frames=500, rate=100.0):
        path = os.path.join(self.folder, name)
        env = sf.grid_environment(nx=16, ny=12, dx=10.0, dy=10.0, inactive=())
        field = np.zeros((frames, 16 * 12), dtype=np.float32)
        sf.write_session(path, environment=env, n_frames=frames, rate=rate, fields={"posterior": field},
                         vmin=0.0, vmax=1.0)
        sf.add_overlay(path, "video", "video", video_data or {}, video_attrs)
        return path

    def external(self, name, **extra):
        # Landmarks: the frame's corners on a 160 x 120 cm arena, pixel row 0 at the top.
        attrs = {"external_path": os.path.basename(self.video), "time_offset": OFFSET, "alpha": 0.6}
        attrs.update(extra)
        data = {"landmarks_px": [[0, 0], [W, 0], [0, H], [W, H]],
                "landmarks_env": [[0, 120], [160, 120], [0, 0], [160, 0]]}
        return self.session(name, attrs, data)

    def noisy_copy(self, name):
        """The test video with noise over its middle fifth: damage its decoder finds while playing."""
        with open(self.video, "rb") as f:
            noisy = bytearray(f.read())
        for i in range(len(noisy) * 2 // 5, len(noisy) * 3 // 5, 7):
            noisy[i] = (noisy[i] * 31 + 17) % 256
        with open(os.path.join(self.folder, name), "wb") as f:
            f.write(bytes(noisy))

    def test_random_seeks_are_frame_accurate(self):
        reader = open_session(self.external("accurate.nsp"))
        video = simple.NeuroPlaybackVideo(Input=reader)
        rng = np.random.default_rng(7)
        # The session ends at 4.99 s, video frame 134: random seeks inside it, then stepping back.
        frames = list(rng.integers(0, 134, 60)) + list(range(40, 20, -1))
        for k in frames:
            t = OFFSET + k / FPS + 0.004  # the session frame at or before lands within a frame of it
            frame_time = np.floor(t * 100.0) / 100.0
            expected = int(np.floor((frame_time - OFFSET) * FPS + 0.5 - 1e-9))
            video.UpdatePipeline(t)
            shown = image_rows(servermanager.Fetch(video))
            self.assertIsNotNone(shown, f"no image at t={t}")
            self.assertEqual(read_stamp(shown), expected, f"t={t}")
            video.UpdatePropertyInformation()
            self.assertEqual(video.GetPropertyValue("CurrentVideoFrameInfo"), expected)

    def test_a_filter_between_the_reader_and_the_video_changes_nothing(self):
        # The session comes with the pipeline information, so any pass-through filter may sit between.
        reader = open_session(self.external("between.nsp"))
        video = simple.NeuroPlaybackVideo(Input=simple.PassArrays(Input=reader))
        for k in (3, 77, 12):
            video.UpdatePipeline(OFFSET + k / FPS + 0.004)
            self.assertEqual(read_stamp(image_rows(servermanager.Fetch(video))), k)

    def test_nothing_outside_the_video(self):
        reader = open_session(self.external("outside.nsp"))
        video = simple.NeuroPlaybackVideo(Input=reader)
        video.UpdatePipeline(0.2)  # before the video starts at 0.5 s
        self.assertIsNone(image_rows(servermanager.Fetch(video)))
        video.UpdatePipeline(OFFSET + 0.001)
        self.assertEqual(read_stamp(image_rows(servermanager.Fetch(video))), 0)

    def test_nothing_just_before_the_first_frame_or_after_the_last(self):
        # Without times, as with them: the video spans its first to its last frame's time (the format spec).
        video = simple.NeuroPlaybackVideo(Input=open_session(self.external("edges.nsp")))
        video.UpdatePipeline(0.49)  # 10 ms (0.3 frame) before frame 0 at 0.5 s
        self.assertIsNone(image_rows(servermanager.Fetch(video)))
        video.UpdatePipeline(0.50)
        self.assertEqual(read_stamp(image_rows(servermanager.Fetch(video))), 0)
        # time_offset -4 s: the last frame, 149, is at 0.9667 s.
        video = simple.NeuroPlaybackVideo(Input=open_session(self.external("ending.nsp", time_offset=-4.0)))
        video.UpdatePipeline(0.96)
        self.assertEqual(read_stamp(image_rows(servermanager.Fetch(video))), N_VIDEO - 1)
        video.UpdatePipeline(0.97)  # 3 ms after it
        self.assertIsNone(image_rows(servermanager.Fetch(video)))

    def test_damaged_videos_are_reported_once_with_the_span(self):
        # A Matroska video cut short: its header still gives the whole length (issue 17 #14).
        mkv = os.path.join(self.folder, "behaviour.mkv")
        subprocess.run([MAKE_VIDEO, "--output", mkv, "--frames", str(N_VIDEO), "--fps", str(FPS),
                        "--size", f"{W}x{H}", "--gop", "30", "--quiet"], check=True)
        with open(mkv, "rb") as f:
            data = f.read()
        with open(os.path.join(self.folder, "cut.mkv"), "wb") as f:
            f.write(data[:len(data) * 6 // 10])
        reader = open_session(self.external("cut.nsp", external_path="cut.mkv"))
        _, warnings = overlay_problems(reader)
        cut = [w for w in warnings if "cut.mkv" in w]
        self.assertEqual(len(cut), 1, warnings)
        self.assertIn("has no frames from", cut[0])
        self.assertIn("How to fix", cut[0])
        self.assertIn(" to 5.4", cut[0])  # the last frame, 149, at 0.5 + 149 / 30 = 5.47 s of the session
        video = simple.NeuroPlaybackVideo(Input=reader)
        video.UpdatePipeline(5.0)  # in the missing part: nothing, not the last frame it has
        self.assertIsNone(image_rows(servermanager.Fetch(video)))
        # An MP4 with noise in the middle: found while decoding, one message for the stretch.
        self.noisy_copy("noisy.mp4")
        reader = open_session(self.external("noisy.nsp", external_path="noisy.mp4"))
        video = simple.NeuroPlaybackVideo(Input=reader)
        for k in range(0, N_VIDEO, 3):
            video.UpdatePipeline(OFFSET + k / FPS)
        _, warnings = overlay_problems(reader)
        damaged = [w for w in warnings if "noisy.mp4" in w]
        self.assertGreaterEqual(len(damaged), 1, warnings)
        self.assertLessEqual(len(damaged), 3, damaged)
        self.assertTrue(all("is damaged from" in w and "How to fix" in w for w in damaged), damaged)

    def test_the_overlay_display_says_damage_once_and_nothing_while_hidden(self):
        self.noisy_copy("noisy-shown.mp4")
        reader = open_session(self.external("noisy-shown.nsp", external_path="noisy-shown.mp4"))
        view = simple.CreateRenderView()
        overlays = show_overlays(reader, view)["Overlays"]
        with captured_messages() as messages:
            def play(frames):
                for k in frames:
                    view.ViewTime = OFFSET + k / FPS
                    simple.Render(view)
                    yield messages.GetOutput().count("is damaged from")

            # Up to the first frame the decoder finds damaged, then hidden for a while, then the rest.
            first = next(k for k, said in zip(range(N_VIDEO), play(range(N_VIDEO))) if said)
            said = messages.GetOutput().count("is damaged from")
            overlays.VideoVisibility = 0
            said_hidden = list(play(range(first + 1, first + 11)))[-1] - said
            overlays.VideoVisibility = 1
            said = list(play(range(first + 11, N_VIDEO, 3)))[-1]
        self.assertEqual(said_hidden, 0)
        self.assertLessEqual(said, 3)

    def test_calibration_places_the_frame_on_the_arena(self):
        reader = open_session(self.external("placed.nsp"))
        view = simple.CreateView("RenderView")
        display = show_video(reader, view)
        position, scale = list(display.Position), list(display.Scale)
        # Image point (0, 0) is the centre of the bottom-left pixel: (0.5, 0.5) cm on this 1 cm/px arena.
        self.assertAlmostEqual(position[0], 0.5, places=6)
        self.assertAlmostEqual(position[1], 0.5, places=6)
        self.assertAlmostEqual(scale[0], 1.0, places=6)
        self.assertAlmostEqual(scale[1], 1.0, places=6)
        self.assertAlmostEqual(display.Opacity, 0.6)
        self.assertEqual(display.Representation, "Neuro Video")

    def test_a_translucent_video_and_fading_overlays_need_no_translucent_pass(self):
        # The bundled sample: a video at alpha 0.5, fading trails and events, translucent regions. Drawn
        # with the opaque geometry in layer order (Representations/DrawOrder.h), no prop is translucent,
        # so VTK skips its order-independent translucent pass (benchmarks §16).
        sample = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Data", "sample.nsp")
        reader = open_session(sample)
        view = simple.CreateView("RenderView")
        overlays = show_session(reader, view, time_series=False) and \
            simple.GetDisplayProperties(simple.OutputPort(reader, 1), view)
        self.assertEqual(overlays.VideoVisibility, 1)  # the overlay display draws the video
        simple.GetAnimationScene().AnimationTime = 4.2
        simple.Render(view)
        props = view.GetRenderer().GetViewProps()
        shown = [props.GetItemAsObject(i) for i in range(props.GetNumberOfItems())]
        shown = [p for p in shown if p.GetVisibility()]
        self.assertGreaterEqual(len(shown), 9)  # field, video, the overlay layers
        self.assertEqual([type(p).__name__ for p in shown if p.HasTranslucentPolygonalGeometry()], [])

    def test_video_on_the_arena_matches_the_baseline(self):
        # A field with a bump, the stamped video above it at alpha 0.6 (frame 45), and the same video
        # below an opaque field: the screenshot shows where it lands and what it covers.
        path = self.external("screenshot.nsp")
        with h5py.File(path, "a") as f:
            centers = f["environment/bin_centers"][...]
            f["fields/posterior"][...] = np.exp(-((centers[:, 0] - 60) ** 2 + (centers[:, 1] - 40) ** 2) / 400.0)[None, :]
        reader = open_session(path)
        view = simple.CreateRenderView()
        view.ViewSize = [400, 320]
        try:
            show_session(reader, view, time_series=False)
            view.ViewTime = OFFSET + 45 / FPS + 0.004
            simple.GetAnimationScene().AnimationTime = OFFSET + 45 / FPS + 0.004
            simple.ResetCamera(view)
            folder = os.environ.get("NEUROPLAYBACK_TEST_OUTPUT", self.folder)
            image = os.path.join(folder, "Video-on-arena.png")
            simple.SaveScreenshot(image, view, ImageResolution=[400, 320])
            assert_matches_baseline(self, image, os.path.join(os.environ["NEUROPLAYBACK_BASELINES"], "Video-on-arena.png"))
        finally:
            simple.Delete(view)

    def test_every_video_is_shown_in_its_own_place(self):
        # The external camera over the whole arena, and a stored 8 x 6 side camera at 2 cm/px from (100, 0).
        path = self.external("two-cameras.nsp")
        frames = np.full((20, 6, 8, 3), 200, dtype=np.uint8)
        sf.add_overlay(path, "side_camera", "video", {"frames": frames, "times": np.arange(20) * 0.25},
                       {"cm_per_px": 2.0, "env_origin": [100.0, 0.0], "alpha": 1.0})
        reader = open_session(path)
        errors, warnings = overlay_problems(reader)
        self.assertEqual(errors, [])
        view = simple.CreateView("RenderView")
        displays = show_videos(reader, view)
        self.assertEqual(len(displays), 2)
        # Overlays come in the file's (alphabetical) order: side_camera, then video.
        self.assertEqual([round(d.Scale[0], 6) for d in displays], [2.0, 1.0])
        self.assertEqual([round(d.Opacity, 6) for d in displays], [1.0, 0.6])
        self.assertAlmostEqual(displays[0].Position[0], 100.0 + 1.0, places=6)  # pixel centre, 2 cm pixels

    def test_the_overlay_display_draws_the_videos_as_their_own_displays_do(self):
        # show_session draws every video in the overlay display (no display of its own, benchmarks §32):
        # the same pixels as the Video filters' displays, at times across both videos and outside them.
        path = self.external("in-overlays.nsp")
        sf.add_overlay(path, "side_camera", "video", {"frames": np.arange(20 * 6 * 8 * 3, dtype=np.uint8).reshape(20, 6, 8, 3),
                                                       "times": np.arange(20) * 0.25},
                       {"cm_per_px": 2.0, "env_origin": [100.0, 0.0], "alpha": 1.0})

        def screenshots(name, show):
            reader = open_session(path)
            view = simple.CreateRenderView()
            view.ViewSize = [320, 240]
            overlays = show(reader, view)
            simple.ResetCamera(view)
            shots = []
            for k, t in enumerate((0.2, OFFSET + 10 / FPS + 0.004, OFFSET + 77 / FPS + 0.004, 4.9)):
                view.ViewTime = t
                shots.append(os.path.join(self.folder, f"{name}-{k}.png"))
                simple.SaveScreenshot(shots[-1], view, ImageResolution=[320, 240])
            return shots, overlays, view

        def own_displays(reader, view):
            show_session(reader, view, time_series=False, video=False, frame=False)
            show_videos(reader, view)

        def overlay_display(reader, view):
            show_session(reader, view, time_series=False, frame=False)
            return simple.GetDisplayProperties(simple.OutputPort(reader, 1), view)

        theirs, _, _ = screenshots("own-displays", own_displays)
        ours, overlays, view = screenshots("overlay-display", overlay_display)
        overlays.UpdatePropertyInformation()
        self.assertEqual(int(overlays.GetPropertyValue("PresentOverlaysInfo")) >> 8 & 1, 1)
        self.assertEqual([r.GetXMLName() for r in view.Representations if r.Visibility].count("NeuroVideo"), 0)
        for mine, other in zip(ours, theirs):
            with open(mine, "rb") as a, open(other, "rb") as b:
                self.assertEqual(hashlib.sha256(a.read()).hexdigest(), hashlib.sha256(b.read()).hexdigest(),
                                 (mine, other))
        # Its controls: hidden, then half as opaque.
        overlays.VideoVisibility = 0
        hidden = os.path.join(self.folder, "hidden.png")
        simple.SaveScreenshot(hidden, view, ImageResolution=[320, 240])
        overlays.VideoVisibility, overlays.VideoOpacity = 1, 0.5
        faded = os.path.join(self.folder, "faded.png")
        simple.SaveScreenshot(faded, view, ImageResolution=[320, 240])
        digests = []
        for shot in (ours[-2], hidden, faded):
            with open(shot, "rb") as f:
                digests.append(hashlib.sha256(f.read()).hexdigest())
        self.assertEqual(len(set(digests)), 3)

    def test_only_a_display_that_draws_the_video_has_it_decoded(self):
        # The reader decodes the video into its Overlays output only for a consumer that asks for it (the
        # overlay display, while VideoVisibility is on): a script reading the session pays nothing for it.
        reader = open_session(self.external("asked.nsp"))
        t = OFFSET + 20 / FPS + 0.004

        def decoded():
            return overlay_data(reader, "Video", t).GetBlock(0).GetNumberOfPoints() > 0

        self.assertFalse(decoded())
        view = simple.CreateRenderView()
        overlays = show_overlays(reader, view)["Overlays"]
        view.ViewTime = t
        simple.Render(view)
        self.assertTrue(decoded())  # which frame is drawn: the test above, pixel for pixel
        overlays.VideoVisibility = 0
        simple.Render(view)
        self.assertFalse(decoded())

    def test_show_hands_back_the_display_that_draws_the_video(self):
        view = simple.CreateRenderView()
        handles = show(self.external("handles.nsp"), time_series=False, view=view)
        self.assertEqual(handles.video.GetXMLName(), "NeuroOverlayRepresentation")
        self.assertEqual(handles.video.VideoVisibility, 1)
        self.assertIsNone(show(self.external("no-video-shown.nsp"), time_series=False, video=False, view=view).video)

    def test_crop_and_downsample_are_composed(self):
        reader = open_session(self.external("cropped.nsp", crop=[0, 0, 160, 60], downsample=2))
        video = simple.NeuroPlaybackVideo(Input=reader)
        video.UpdatePipeline(OFFSET + 10 / FPS + 0.004)
        shown = image_rows(servermanager.Fetch(video))
        self.assertEqual(shown.shape[:2], (30, 80))
        self.assertEqual(read_stamp(shown), 10)
        view = simple.CreateView("RenderView")
        display = show_video(reader, view)
        # Output pixel = 2 source pixels = 2 cm; the bottom row of the crop is source row 60 (y = 60 cm).
        self.assertAlmostEqual(display.Scale[0], 2.0, places=6)
        self.assertAlmostEqual(display.Position[1], 60.0 + 1.0, places=6)

    def test_missing_and_corrupt_videos_are_explained(self):
        for name, attrs in (("missing.nsp", {"external_path": "no-such-video.mp4"}),
                            ("corrupt.nsp", {"external_path": "corrupt.mp4"})):
            with open(os.path.join(self.folder, "corrupt.mp4"), "wb") as f:
                f.write(b"this is not a video" * 100)
            path = self.session(name, attrs)
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            reader = open_session(path)
            errors, _ = overlay_problems(reader)
            self.assertTrue(any("/overlays/video" in e and "How to fix" in e for e in errors), errors)
            reader.UpdatePipeline(1.0)  # the field still plays
            self.assertGreater(servermanager.Fetch(reader).GetNumberOfCells(), 0)
            with open(path, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest)

    def test_bad_times_and_calibration_are_explained(self):
        cases = {
            "times.nsp": ({"external_path": os.path.basename(self.video)}, {"times": np.arange(10.0)}),
            "collinear.nsp": ({"external_path": os.path.basename(self.video)},
                              {"landmarks_px": [[0, 0], [10, 10], [20, 20]], "landmarks_env": [[0, 0], [1, 1], [2, 2]]}),
            "scale.nsp": ({"external_path": os.path.basename(self.video), "cm_per_px": 0.0}, None),
        }
        for name, (attrs, data) in cases.items():
            reader = open_session(self.session(name, attrs, data))
            errors, _ = overlay_problems(reader)
            self.assertTrue(any("/overlays/video" in e for e in errors), (name, errors))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
