"""pvpython: overlays come out of the reader aligned to the frame being shown, by the reference's
rules (linear/nearest, NaN outside the overlay's span, angles on the circle), with NaN as gaps,
fading trails and events, on every layout, streamed by window, and bad overlays explained."""
import math
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from paraview import simple
from paraview.vtk.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonCore import reference
from vtkmodules.vtkCommonDataModel import vtkCellLocator

import session_factory as sf
from pv_support import (ANNOTATION, BODYPARTS, EVENTS, HEADING, POSITION, REGIONS, SCALEBAR, SKELETON, TRAILS,
                        colors, fetch, sha, xy)
from neuroplayback.paraview import open_session, overlay_problems, time_range



class OverlayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-overlays-")

    def path(self, name):
        return os.path.join(self.folder, name)

    def session(self, name, **kwargs):
        return sf.write_session(self.path(name), **kwargs)

    def test_a_known_position_lands_on_its_bin_on_every_layout(self):
        layouts = {"grid": sf.grid_environment(nx=5, ny=4), "hexagonal": sf.hexagonal_environment(n=4),
                   "mesh": sf.mesh_environment(), "track": sf.track_environment()}
        for layout, environment in layouts.items():
            with self.subTest(layout=layout):
                centers = environment["bin_centers"]
                path = self.session(f"bin-{layout}.nsp", environment=environment, n_frames=len(centers), rate=1.0)
                # At frame k the animal stands on the centre of bin k.
                sf.add_overlay(path, "position", "position",
                               {"times": np.arange(len(centers), dtype=float), "xy": centers})
                reader = open_session(path)
                for k in range(len(centers)):
                    field = fetch(reader, float(k), 0)
                    marker = xy(fetch(reader, float(k), POSITION))
                    self.assertEqual(marker.shape, (1, 2))
                    locator = vtkCellLocator()
                    locator.SetDataSet(field)
                    locator.BuildLocator()
                    closest, cell_id, sub_id, d2 = [0.0, 0.0, 0.0], reference(0), reference(0), reference(0.0)
                    locator.FindClosestPoint([marker[0, 0], marker[0, 1], 0.0], closest, cell_id, sub_id, d2)
                    value = field.GetCellData().GetArray("posterior").GetValue(int(cell_id))
                    self.assertAlmostEqual(d2.get(), 0.0, places=9)
                    self.assertEqual(round((value - k) * 1000), k, f"{layout}: bin {k} centre drawn over another bin")
                simple.Delete(reader)

    def test_linear_nearest_and_nan_outside_the_overlay_span(self):
        path = self.session("align.nsp", n_frames=10, rate=10.0)  # frames at 0.0, 0.1, ... 0.9
        times = np.array([0.15, 0.25, 0.35])
        sf.add_overlay(path, "linear", "position", {"times": times, "xy": [[0, 0], [10, 20], [20, 0]]})
        sf.add_overlay(path, "nearest", "position", {"times": [0.0, 0.4], "xy": [[1, 1], [3, 3]]},
                       {"interp": "nearest"})
        reader = open_session(path)
        self.assertEqual(len(xy(fetch(reader, 0.1, POSITION))), 1)  # 'linear' starts at 0.15: NaN before
        points = xy(fetch(reader, 0.2, POSITION))
        np.testing.assert_allclose(points[0], [5, 10])  # linear: halfway between 0.15 and 0.25
        np.testing.assert_allclose(points[1], [1, 1])   # nearest: a tie goes to the earlier sample
        self.assertEqual(len(xy(fetch(reader, 0.5, POSITION))), 0)  # both spans ended: NaN, nothing drawn

    def test_head_direction_turns_the_short_way_round(self):
        path = self.session("heading.nsp", n_frames=3, rate=10.0)
        sf.add_overlay(path, "position", "position", {"times": [0.0, 0.2], "xy": [[5, 5], [5, 5]]})
        sf.add_overlay(path, "heading", "head_direction", {"times": [0.0, 0.2], "angle": [3.0, -3.0]},
                       {"length": 4.0, "anchor": "position", "color": "#00ff00"})
        reader = open_session(path)
        arrow = fetch(reader, 0.1, HEADING)
        vector = vtk_to_numpy(arrow.GetPointData().GetArray("Heading"))[0]
        self.assertAlmostEqual(math.atan2(vector[1], vector[0]) % (2 * math.pi), math.pi, places=6)
        self.assertAlmostEqual(float(np.hypot(vector[0], vector[1])), 4.0, places=6)
        np.testing.assert_allclose(xy(arrow)[0], [5, 5])
        self.assertEqual(list(colors(arrow)[0]), [0, 255, 0, 255])

    def test_nan_samples_are_gaps_not_errors(self):
        path = self.session("gaps.nsp", n_frames=20, rate=10.0)
        t = np.arange(20) / 10.0
        track = np.stack([t * 10, t * 0], axis=1)
        track[8] = np.nan
        sf.add_overlay(path, "position", "position", {"times": t, "xy": track}, {"trail_seconds": 1.5})
        pose = np.zeros((20, 3, 2))
        pose[:, 0] = [0, 0]
        pose[:, 1] = [1, 0]
        pose[:, 2] = np.nan  # a part never tracked
        sf.add_overlay(path, "pose", "bodyparts", {"times": t, "xy": pose, "skeleton_edges": [[0, 1], [1, 2]]},
                       {"part_names": ["nose", "ear", "tail"], "part_colors": ["#ff0000", "#00ff00", "#0000ff"]})
        reader = open_session(path)
        self.assertEqual(overlay_problems(reader), ([], []))
        trails = fetch(reader, 1.2, TRAILS)
        self.assertEqual(trails.GetNumberOfLines(), 2)  # broken at the NaN sample
        alpha = colors(trails)[:, 3]
        self.assertTrue(np.all(np.diff(alpha.astype(int)) >= 0), "older trail points fade")
        self.assertEqual(alpha[-1], 255)
        self.assertLess(alpha[0], 128)
        parts = fetch(reader, 1.2, BODYPARTS)
        self.assertEqual(parts.GetNumberOfPoints(), 2)  # the NaN part is not drawn
        self.assertEqual([list(c[:3]) for c in colors(parts)], [[255, 0, 0], [0, 255, 0]])
        self.assertEqual(fetch(reader, 1.2, SKELETON).GetNumberOfLines(), 1)  # the edge to it is skipped
        self.assertEqual(len(xy(fetch(reader, 0.8, POSITION))), 0)  # the NaN sample itself

    def events_session(self, name, mode, **attrs):
        path = self.session(name, n_frames=5, rate=10.0)  # frames at 0, .1, .2, .3, .4
        sf.add_overlay(path, "spikes", "events", attrs=dict(mode=mode, opacity=0.8, **attrs), types={
            "a": {"times": [0.0, 0.04, 0.05, 0.06, 0.11, 0.4], "xy": [[i, 0] for i in range(6)],
                  "color": "#ff0000", "marker": "^"},
            "b": {"times": [0.3], "xy": [[9, 9]], "color": "#0000ff", "marker": "s"}})
        return open_session(path)

    def test_events_show_from_the_first_frame_at_or_after_their_time(self):
        reader = self.events_session("instant.nsp", "instant")
        # The reference's example: events [0, .04, .05, .06, .11, .4] belong to frames [0, 1, 1, 1, 2, 4].
        shown = {f: sorted(xy(fetch(reader, f / 10.0, EVENTS))[:, 0].tolist()) for f in range(5)}
        self.assertEqual(shown, {0: [0], 1: [1, 2, 3], 2: [4], 3: [9], 4: [5]})
        data = fetch(reader, 0.3, EVENTS)
        self.assertEqual(list(colors(data)[0]), [0, 0, 255, round(0.8 * 255)])
        self.assertEqual(vtk_to_numpy(data.GetPointData().GetArray("Marker")).tolist(), [1])  # square

    def test_cumulative_events_stay_and_scrubbing_back_hides_them(self):
        reader = self.events_session("cumulative.nsp", "cumulative")
        self.assertEqual(fetch(reader, 0.4, EVENTS).GetNumberOfPoints(), 7)
        self.assertEqual(fetch(reader, 0.1, EVENTS).GetNumberOfPoints(), 4)
        self.assertEqual(fetch(reader, 0.3, EVENTS).GetNumberOfPoints(), 6)

    def test_decay_is_in_seconds_and_fades_opacity(self):
        reader = self.events_session("decay.nsp", "decay", decay_seconds=0.15)
        data = fetch(reader, 0.2, EVENTS)
        points = xy(data)[:, 0].tolist()
        self.assertEqual(points, [3, 4])  # t = .06 (0.14 s old) and .11 (its own frame); .05 has faded out
        alpha = colors(data)[:, 3]
        self.assertEqual(alpha[1], round(0.8 * 255))  # on its own frame: full opacity
        self.assertAlmostEqual(alpha[0], 0.8 * 255 * (1 - 0.14 / 0.15), delta=1.0)

    def test_scale_bar_regions_and_annotation(self):
        path = self.session("static.nsp", environment=sf.grid_environment(nx=4, ny=3, dx=10, dy=10))
        sf.add_region(path, "goal", [[5, 5], [15, 5], [10, 15]])
        sf.add_region(path, "start", [[35, 25]], kind="point")
        reader = open_session(path)
        bar = fetch(reader, 0.0, SCALEBAR)
        self.assertEqual(bar.GetFieldData().GetArray("ScaleBarLength").GetValue(0), 5.0)  # 1-2-5 of 20 % of 40 cm
        regions = fetch(reader, 0.0, REGIONS)
        self.assertEqual(regions.GetNumberOfPolys(), 2)
        self.assertTrue(all(c[3] < 128 for c in colors(regions)[:3]), "region fill is translucent")
        text = fetch(reader, 1.0, ANNOTATION).GetColumnByName("Text").GetValue(0)
        self.assertEqual(text, "t = 1.000 s    frame 10 / 49")

    def test_one_display_with_per_overlay_controls_legend_and_annotation(self):
        environment = sf.grid_environment(nx=20, ny=15, dx=2.0, dy=2.0, inactive=())
        path = self.session("display.nsp", environment=environment, n_frames=50, rate=10.0)
        sf.add_all_overlays(path, environment, n_frames=50, rate=10.0)
        reader = open_session(path)
        view = simple.CreateRenderView()
        view.ViewSize = [400, 300]
        self.addCleanup(simple.Delete, view)
        display = simple.Show(simple.OutputPort(reader, 1), view)
        self.assertEqual(display.GetXMLName(), "NeuroOverlayRepresentation")
        simple.GetAnimationScene().AnimationTime = 3.0
        simple.Render(view)
        display.UpdatePropertyInformation()
        self.assertEqual(display.GetPropertyValue("EventLegendInfo"), "unit_a\nunit_b\n")
        self.assertTrue(display.GetPropertyValue("AnnotationFontInfo"), "a font for the annotation is found")
        # Only the overlays the session has: all eight kinds here.
        self.assertEqual(int(display.GetPropertyValue("PresentOverlaysInfo")), 0xFF)

        def picture():
            simple.Render(view)
            png = self.path("display.png")
            simple.SaveScreenshot(png, view)
            return sha(png)

        shown = picture()
        display.PositionVisibility = 0
        self.assertNotEqual(picture(), shown, "hiding the position changes the picture")
        display.PositionVisibility = 1
        self.assertEqual(picture(), shown, "and showing it again restores it")
        display.HeadDirectionSize = 3.0
        self.assertNotEqual(picture(), shown, "a longer heading arrow")
        display.HeadDirectionSize = 1.0
        display.RegionsOpacity = 0.0
        self.assertNotEqual(picture(), shown, "invisible regions")
        display.RegionsOpacity = 1.0
        display.AnnotationVisibility = 0
        self.assertNotEqual(picture(), shown, "no annotation")
        display.AnnotationVisibility = 1
        self.assertEqual(picture(), shown)

    def test_overlays_stream_by_window(self):
        n = 2_000_000  # 2 h at ~280 Hz
        path = self.session("long.nsp", n_frames=50, rate=0.01)  # frames span 0 .. 4900 s
        t = np.linspace(0.0, 4900.0, n)
        sf.add_overlay(path, "position", "position", {"times": t, "xy": np.stack([t % 40, t % 30], axis=1)},
                       {"trail_seconds": 1.0})
        reader = open_session(path)
        for time in (0.0, 2500.0, 4800.0, 100.0):
            self.assertEqual(fetch(reader, time, POSITION).GetNumberOfPoints(), 1)
        reader.UpdatePropertyInformation()
        rows = int(reader.GetPropertyValue("OverlayRowsReadInfo"))
        self.assertLess(rows, n / 10, "overlay reads must not grow with the series length")

    def test_bad_overlays_are_explained_and_the_rest_still_plays(self):
        path = self.session("bad.nsp", n_frames=10, rate=10.0)
        t = np.arange(10) / 10.0
        sf.add_overlay(path, "pose", "bodyparts",
                       {"times": t, "xy": np.zeros((10, 2, 2)),
                        "skeleton_edges": np.array([["nose", "left_eer"]], dtype=object)},
                       {"part_names": ["nose", "left_ear"]})
        sf.add_overlay(path, "shape", "position", {"times": t, "xy": np.zeros((10, 3))})
        sf.add_overlay(path, "unsorted", "position", {"times": t[::-1], "xy": np.zeros((10, 2))})
        sf.add_overlay(path, "later", "position", {"times": t + 100.0, "xy": np.zeros((10, 2))})
        sf.add_overlay(path, "paint", "position", {"times": t, "xy": np.zeros((10, 2))}, {"color": "#ff00zz"})
        sf.add_overlay(path, "good", "position", {"times": t, "xy": np.ones((10, 2))})
        before = sha(path)
        reader = open_session(path)
        errors, warnings = overlay_problems(reader)
        text = "\n".join(errors)
        self.assertIn("did you mean 'left_ear'", text.lower())
        self.assertIn("/overlays/shape/xy has shape (10, 3) but needs (n, 2)", text)
        self.assertIn("/overlays/unsorted/times is not strictly increasing at sample 1", text)
        self.assertIn("'#ff00zz', which is not a colour", text)
        self.assertTrue(all("How to fix" in message for message in errors + warnings))
        self.assertEqual(len(warnings), 1)
        self.assertIn("/overlays/later covers 100 s to 100.9 s, which does not overlap", warnings[0])
        np.testing.assert_allclose(xy(fetch(reader, 0.5, POSITION)), [[1, 1]])  # 'good' still draws
        self.assertEqual(fetch(reader, 0.5, 0).GetFieldData().GetArray("FrameIndex").GetValue(0), 5)  # the field plays
        self.assertEqual(sha(path), before, "the reader must never modify the file")


if __name__ == "__main__":
    unittest.main()
