"""pvpython: time series in line charts. The NeuroPlayback Time Series filter gives, per series, the
window around the frame being shown: the raw samples for a narrow window, a min/max envelope with the
true extremes for a wide one (streamed, not read whole), NaN gaps as NaN rows; charts are laid out one
per group (groups first) under the render view; the value at the frame is in CurrentValue and in the
reader's annotation; bad series are explained and the field still opens; the file is never modified.
The layout is compared with Testing/Baselines/TimeSeries-layout.png."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py
import numpy as np
from paraview import servermanager, simple
from paraview.vtk.util.numpy_support import vtk_to_numpy

import session_factory as sf
from pv_support import annotation, captured_messages, output_folder, series_tables as tables, sha
from image_compare import assert_matches_baseline
from neuroplayback.paraview import chart_hints, frame_arena, open_session, overlay_problems, play, show_session, time_series

BASELINES = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Testing", "Baselines")
RATE = 500.0  # LFP-like sampling


def raw_window(times, t0, t1):
    """Indices [first, last] of the samples in [t0, t1] plus one beyond each edge, as the format says."""
    first = max(0, int(np.searchsorted(times, t0, side="right")) - 1)
    last = min(len(times) - 1, int(np.searchsorted(times, t1, side="right")))
    return first, last


def rows_read(series):
    series.UpdatePropertyInformation()
    return int(series.GetPropertyValue("RowsReadInfo"))


def chart_views():
    return [v for v in simple.GetViews() if v.GetXMLName() == "XYChartView"]


def moving_bump(environment, n_frames, rate):
    """A posterior bump circling the arena: the field has something to show in screenshots."""
    centers = np.asarray(environment["bin_centers"])
    lo, hi = centers.min(axis=0), centers.max(axis=0)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    phase = 2 * np.pi * np.arange(n_frames) / rate / 30.0
    where = np.stack([mid[0] + 0.5 * half[0] * np.cos(phase), mid[1] + 0.5 * half[1] * np.sin(phase)], axis=1)
    d2 = ((centers[None, :, :] - where[:, None, :]) ** 2).sum(axis=2)
    field = np.exp(-d2 / (2 * (0.2 * half.min()) ** 2))
    return (field / field.sum(axis=1, keepdims=True)).astype(np.float32)


class TimeSeriesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = output_folder("np-timeseries-")
        cls.main = cls.write_main_session(os.path.join(cls.folder, "main.nsp"))

    @classmethod
    def write_main_session(cls, path, screenshot=False):
        """60 s at 10 frames/s. Series, in name order: accel (3 Hz, ungrouped), lfp_ca1 and lfp_ca3
        (500 Hz, group LFP; ca3 nearest-neighbour), speed (30 Hz, ungrouped, a NaN gap at 19.2-19.6 s)."""
        environment = sf.grid_environment(nx=20, ny=15, dx=2.0, dy=2.0, inactive=((0, 0), (19, 14)))
        fields = {"posterior": moving_bump(environment, 600, 10.0)} if screenshot else None
        sf.write_session(path, environment=environment, n_frames=600, rate=10.0, fields=fields)
        rng = np.random.default_rng(7)
        data = {}
        t = 0.1234 + np.arange(180) / 3.0
        data["accel"] = (t, rng.normal(0.0, 1.0, len(t)))
        i = np.arange(int(60 * RATE))
        t = i / RATE + 1e-5 * np.sin(0.1 * i)  # irregular: the table's times must be the file's
        data["lfp_ca1"] = (t, np.sin(2 * np.pi * 8 * t) + 0.1 * np.sin(2 * np.pi * 50 * t))
        data["lfp_ca3"] = (t, 0.5 * np.cos(2 * np.pi * 8 * t))
        t = np.arange(60 * 30) / 30.0 + 0.01
        speed = 20 + 10 * np.sin(t / 3.0)
        speed[(t > 19.2) & (t < 19.6)] = np.nan
        data["speed"] = (t, speed)
        attrs = {"accel": {"label": "Accel", "color": "#b0ff40"},
                 "lfp_ca1": {"label": "CA1", "group": "LFP", "color": "#40c0ff"},
                 "lfp_ca3": {"label": "CA3", "group": "LFP", "color": "#ffa040", "interp": "nearest"},
                 "speed": {"label": "Speed", "color": "#ff3030", "window_seconds": 4.0, "linewidth": 2.0}}
        for name, (times, values) in data.items():
            sf.add_time_series(path, name, times, values, attrs[name])
        if not screenshot:
            cls.data = data
        return path

    def tearDown(self):
        # Views first (a view left alive at exit trips a GLX error), then the filters, then the readers.
        for view in list(simple.GetViews()):
            simple.Delete(view)
        for layout in list(simple.GetLayouts().values()):
            simple.RemoveLayout(layout)
        sources = list(simple.GetSources().values())
        for source in sorted(sources, key=lambda s: s.GetXMLName() != "NeuroTimeSeries"):
            simple.Delete(source)

    def path(self, name):
        return os.path.join(self.folder, name)

    def test_narrow_window_is_the_raw_samples(self):
        reader = open_session(self.main)
        series = time_series(reader)
        # Frame 200 is at 20.0 s; a request inside the frame gives that frame's window.
        for requested in (20.0, 20.07):
            got = tables(series, requested)
            self.assertEqual(sorted(got), ["accel", "lfp_ca1", "lfp_ca3", "speed"])
            for name, half in (("lfp_ca1", 1.0), ("lfp_ca3", 1.0), ("speed", 2.0)):
                times, values = self.data[name]
                first, last = raw_window(times, 20.0 - half, 20.0 + half)
                got_times, got_values, _, bucket = got[name]
                self.assertEqual(bucket, 1, name)
                np.testing.assert_array_equal(got_times, times[first:last + 1], err_msg=name)
                np.testing.assert_array_equal(got_values, values[first:last + 1], err_msg=name)
                self.assertLess(got_times[0], 20.0 - half)
                self.assertGreater(got_times[-1], 20.0 + half)
        # The speed gap (19.2 - 19.6 s) is NaN rows, so the line breaks there.
        times, values, _, _ = tables(series, 20.0)["speed"]
        gap = np.isnan(values)
        self.assertEqual(int(gap.sum()), 12)
        self.assertTrue(np.all((times[gap] > 19.2) & (times[gap] < 19.6)))

    def test_the_session_reaches_the_charts_through_a_filter_in_between(self):
        # The session travels with the pipeline information, not by walking up to the reader: a ParaView
        # filter between the reader and the Time Series filter changes nothing.
        reader = open_session(self.main)
        direct = tables(time_series(reader), 20.0)
        between = simple.PassArrays(Input=reader)
        got = tables(simple.NeuroPlaybackTimeSeries(Input=between), 20.0)
        self.assertEqual(sorted(got), sorted(direct))
        for name in direct:
            np.testing.assert_array_equal(got[name][0], direct[name][0], err_msg=name)
            np.testing.assert_array_equal(got[name][1], direct[name][1], err_msg=name)
            self.assertEqual(got[name][2], direct[name][2], name)

    def test_a_source_that_is_not_a_session_is_explained(self):
        with captured_messages() as messages:
            series = simple.NeuroPlaybackTimeSeries(Input=simple.Sphere())
            series.UpdatePipeline(0.0)
        self.assertIn("NeuroPlayback Time Series needs a NeuroPlayback session as its input", messages.GetOutput())
        self.assertEqual(servermanager.Fetch(series).GetNumberOfBlocks(), 0)

    def test_wide_window_is_an_envelope_with_the_true_extremes(self):
        # One hour at 500 Hz, a 10-minute window around 1800 s: [1500, 2100] s.
        n = int(3600 * RATE)
        t = np.arange(n) / RATE
        values = np.sin(2 * np.pi * t / 50.0) + 0.2 * np.sin(2 * np.pi * 7.3 * t)
        values[950_000:955_000] = np.nan           # a 10 s gap inside the window
        values[900_123], values[1_000_077] = 5.0, -4.0  # the window's extremes
        values[700_000], values[1_100_000] = 9.0, -9.0  # the series' extremes, outside the window
        path = sf.write_session(self.path("long.nsp"), n_frames=3601, rate=1.0)
        sf.add_time_series(path, "lfp", t, values, {"window_seconds": 600.0})
        first, last = raw_window(t, 1500.0, 2100.0)
        true_min, true_max = np.nanmin(values[first:last + 1]), np.nanmax(values[first:last + 1])
        self.assertEqual((true_min, true_max), (-4.0, 5.0))

        before = sha(path)
        reader = open_session(path)
        series = time_series(reader)
        self.assertEqual(series.MaxChartBuckets, 1024)
        times, got, current, bucket = tables(series, 1800.0)["lfp"]
        self.assertEqual(bucket, 1024)  # the finest summary level with at most 1024 buckets in the window
        self.assertLessEqual(len(got), 2 * 1024)
        self.assertEqual((np.nanmin(got), np.nanmax(got)), (true_min, true_max))
        self.assertTrue(np.all(np.diff(times) >= 0))
        self.assertLessEqual(times[0], t[first])
        self.assertGreater(times[0], t[first] - 1024 / RATE)
        self.assertLessEqual(times[-1], t[last])
        gap = np.isnan(got)
        self.assertGreaterEqual(int(gap.sum()), 3)  # the buckets wholly inside the gap
        self.assertTrue(np.all((times[gap] >= t[950_000]) & (times[gap] < t[955_000])))
        self.assertAlmostEqual(current, values[900_000], places=12)  # 1800 s is sample 900000 itself
        # Streamed: the time blocks at the edges and one summary level, not the 300 000 samples.
        self.assertLess(rows_read(series), 0.05 * n)

        # Fewer buckets: a coarser level, the same extremes.
        series.MaxChartBuckets = 128
        times, got, _, bucket = tables(series, 1800.0)["lfp"]
        self.assertEqual(bucket, 8192)
        self.assertLessEqual(len(got), 2 * 128)
        self.assertEqual((np.nanmin(got), np.nanmax(got)), (true_min, true_max))
        self.assertEqual(sha(path), before, "the reader and filter must never modify the file")

    def test_charts_put_groups_first(self):
        reader = open_session(self.main)
        charts = chart_hints(time_series(reader))
        self.assertEqual([dict(c["view"])["ChartTitle"] for c in charts], ["LFP", "Accel", "Speed"])
        lfp, accel, speed = (dict(c["display"]) for c in charts)
        # Blocks are flat indices (block k of the multiblock is k + 1): lfp_ca1, lfp_ca3 are series 2, 3.
        self.assertEqual(lfp["CompositeDataSetIndex"], "2|3")
        self.assertEqual(lfp["SeriesVisibility"], "lfp_ca1 (lfp_ca1)|1|lfp_ca3 (lfp_ca3)|1")
        self.assertEqual(lfp["SeriesLabel"], "lfp_ca1 (lfp_ca1)|CA1|lfp_ca3 (lfp_ca3)|CA3")
        self.assertEqual(accel["CompositeDataSetIndex"], "1")
        self.assertEqual(speed["CompositeDataSetIndex"], "4")
        self.assertEqual(speed["SeriesLineThickness"], "speed (speed)|2")
        self.assertEqual(dict(charts[0]["view"])["ShowLegend"], "1")
        self.assertEqual(dict(charts[1]["view"])["ShowLegend"], "0")
        # A group's y-range covers both members (CA1 reaches about 1.1, CA3 0.5), with a margin.
        low, high = float(dict(charts[0]["view"])["LeftAxisRangeMinimum"]), float(dict(charts[0]["view"])["LeftAxisRangeMaximum"])
        ca1 = self.data["lfp_ca1"][1]
        self.assertAlmostEqual(high, ca1.max() + 0.05 * (ca1.max() - ca1.min()), places=6)
        self.assertAlmostEqual(low, ca1.min() - 0.05 * (ca1.max() - ca1.min()), places=6)

    def test_a_group_whose_windows_disagree_is_warned_about(self):
        path = self.path("windows.nsp")
        sf.write_session(path, n_frames=50, rate=10.0)
        t = np.arange(100) / 20.0
        sf.add_time_series(path, "ca1", t, np.sin(t), {"group": "LFP", "window_seconds": 2.0}, summary=False)
        sf.add_time_series(path, "ca3", t, np.cos(t), {"group": "LFP", "window_seconds": 5.0}, summary=False)
        errors, warnings = overlay_problems(open_session(path))
        self.assertEqual(errors, [])
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("/overlays/ca3 asks for a 5 s window but shares the chart of group 'LFP', which shows 2 s",
                      warnings[0])
        self.assertIn("same window_seconds", warnings[0])

    def test_the_window_can_be_widened_from_the_filter(self):
        path = self.path("zoom.nsp")
        sf.write_session(path, n_frames=600, rate=10.0)
        t = np.arange(0, 60, 0.01)
        sf.add_time_series(path, "speed", t, np.sin(t), {"window_seconds": 2.0})
        series = time_series(open_session(path))
        def span():
            series.UpdatePipeline(30.0)
            table = servermanager.Fetch(series).GetBlock(0)
            times = vtk_to_numpy(table.GetColumnByName("Time"))
            return times.min(), times.max()
        low, high = span()
        self.assertAlmostEqual(high - low, 2.0, delta=0.03)
        series.WindowSeconds = 20.0  # the user widens every chart from the Properties panel
        low, high = span()
        self.assertAlmostEqual(low, 20.0, delta=0.03)
        self.assertAlmostEqual(high, 40.0, delta=0.03)
        series.WindowSeconds = 0.0  # back to the file's window
        low, high = span()
        self.assertAlmostEqual(high - low, 2.0, delta=0.03)

    def test_update_modes_from_the_file_and_the_filter(self):
        path = self.path("modes.nsp")
        sf.write_session(path, n_frames=600, rate=10.0)
        t = np.arange(0, 60, 0.01)
        sf.add_time_series(path, "speed", t, np.sin(t), {"window_seconds": 2.0})
        sf.add_time_series(path, "lfp", t, np.cos(t), {"window_seconds": 2.0, "update_mode": "on_pause"})
        series = time_series(open_session(path))
        mode = lambda: (series.UpdatePropertyInformation(), series.GetPropertyValue("EffectiveUpdateModeInfo"))[1]
        self.assertEqual(mode(), 1)  # on_pause wins over live (the most restrictive)
        series.UpdateMode = "Live"
        self.assertEqual(mode(), 0)
        series.UpdateMode = "Manual"
        self.assertEqual(mode(), 2)
        # Manual: the window stays where it was drawn until Redraw Charts, whatever the time.
        centre = lambda time: tables(series, time)["speed"][0].mean()
        self.assertAlmostEqual(centre(10.0), 10.0, delta=0.02)
        self.assertAlmostEqual(centre(30.0), 10.0, delta=0.02)
        series.InvokeCommand("RedrawCharts")
        self.assertAlmostEqual(centre(30.0), 30.0, delta=0.02)
        series.UpdateMode = "On pause"
        self.assertAlmostEqual(centre(40.0), 40.0, delta=0.02)  # a stopped chart is exact

    def test_a_bad_update_mode_is_explained(self):
        path = self.path("bad-mode.nsp")
        sf.write_session(path, n_frames=100, rate=10.0)
        sf.add_time_series(path, "speed", np.arange(0, 10, 0.1), np.zeros(100), {"update_mode": "sometimes"})
        errors, _ = overlay_problems(open_session(path))
        self.assertTrue(any("update_mode = 'sometimes'" in e and "on_pause" in e for e in errors), errors)

    def test_charts_redraw_at_their_update_mode_while_playing(self):
        reader = open_session(self.main)
        view = simple.CreateRenderView()
        show_session(reader, view)
        series = time_series(reader)
        scene = simple.GetAnimationScene()
        scene.AnimationTime = 5.0
        series.UpdateMode = "Live"
        series.LiveUpdateRate = 4.0
        stats = play(seconds=2.0, speed=1.0)
        self.assertGreater(stats["frames_shown"], 8)
        # Three charts, each at most 4 redraws a second (plus the first), while the arena shows every frame.
        self.assertLessEqual(stats["chart_redraws"], 3 * (4 * stats["seconds_played"] + 2))
        self.assertGreater(stats["chart_redraws"], 0)
        series.UpdateMode = "On pause"
        stats = play(seconds=1.0, speed=1.0)
        self.assertEqual(stats["chart_redraws"], 0)
        # Stopped: the chart shows the frame on screen, as the annotation and the time do.
        shown = simple.GetTimeKeeper().Time
        charts = chart_views()
        for c in charts:
            self.assertAlmostEqual(c.GetClientSideObject().GetViewTime(), shown, places=9)
        frame_time = float(annotation(reader, shown).split()[2])
        self.assertAlmostEqual(frame_time, shown, delta=0.0005)

    def test_a_bad_block_met_while_playing_turns_off_only_that_series(self):
        path = self.path("bad-block.nsp")
        sf.write_session(path, n_frames=500, rate=10.0)
        t = np.arange(20000) * 0.0025  # 0 .. 50 s
        broken = t.copy()
        broken[10000:10010] = broken[10000:10010][::-1]  # unsorted in the middle: not seen at open
        sf.add_time_series(path, "good", t, np.sin(t), summary=False)
        sf.add_time_series(path, "broken", broken, np.cos(t), summary=False)
        reader = open_session(path)
        self.assertEqual(overlay_problems(reader), ([], []))
        series = time_series(reader)
        self.assertEqual(sorted(tables(series, 5.0)), ["broken", "good"])
        self.assertGreater(len(tables(series, 5.0)["broken"][0]), 0, "drawn while its blocks are good")
        got = tables(series, 25.0)  # the broken block is in this window
        self.assertEqual(len(got["broken"][0]), 0, "the broken series goes blank")
        self.assertAlmostEqual(got["good"][2], np.sin(25.0), places=6)
        got = tables(series, 40.0)
        self.assertEqual(len(got["broken"][0]), 0, "and stays off")
        self.assertGreater(len(got["good"][0]), 0)
        self.assertIn("good: ", annotation(reader, 40.0))  # the field and the readout go on

    def test_series_without_a_colour_cycle_tab10_not_white(self):
        path = self.path("uncoloured.nsp")
        sf.write_session(path, n_frames=50, rate=10.0)
        t = np.arange(100) / 20.0
        sf.add_time_series(path, "a", t, np.sin(t), summary=False)
        sf.add_time_series(path, "b", t, np.cos(t), summary=False)
        colours = [dict(c["display"])["SeriesColor"].split("|")[1:] for c in chart_hints(time_series(open_session(path)))]
        rgb = [[round(float(v), 3) for v in c] for c in colours]
        self.assertEqual(rgb, [[0.122, 0.467, 0.706], [1.0, 0.498, 0.055]])  # tab10 blue, orange

    def test_current_value_and_annotation_show_the_interpolated_value(self):
        reader = open_session(self.main)
        series = time_series(reader)
        got = tables(series, 20.07)  # frame 200, at 20.0 s
        accel_t, accel_v = self.data["accel"]
        expected = float(np.interp(20.0, accel_t, accel_v))
        self.assertNotIn(expected, accel_v.tolist())  # between two samples: really interpolated
        self.assertAlmostEqual(got["accel"][2], expected, places=12)
        ca1_t, ca1_v = self.data["lfp_ca1"]
        self.assertAlmostEqual(got["lfp_ca1"][2], float(np.interp(20.0, ca1_t, ca1_v)), places=12)
        ca3_t, ca3_v = self.data["lfp_ca3"]
        k = int(np.searchsorted(ca3_t, 20.0)) - 1
        nearest = ca3_v[k] if 20.0 - ca3_t[k] < ca3_t[k + 1] - 20.0 else ca3_v[k + 1]  # ties: the later
        self.assertEqual(got["lfp_ca3"][2], nearest)
        text = annotation(reader, 20.07)
        lines = text.split("\n")
        self.assertEqual(lines[0], "t = 20.000 s    frame 200 / 599")
        self.assertEqual(lines[1:], [f"Accel: {expected:.2f}", f"CA1: {got['lfp_ca1'][2]:.2f}",
                                     f"CA3: {nearest:.2f}", f"Speed: {got['speed'][2]:.2f}"])
        # In the speed gap: NaN, and "-" in the readout.
        self.assertTrue(np.isnan(tables(series, 19.4)["speed"][2]))
        self.assertIn("\nSpeed: -", annotation(reader, 19.4))

    def test_show_session_lays_out_the_render_view_and_charts(self):
        before = sha(self.main)
        reader = open_session(self.main)
        view = simple.CreateRenderView()
        show_session(reader, view)
        layout = simple.GetLayout(view)
        self.assertIsNotNone(layout)
        views = simple.GetViewsInLayout(layout)
        self.assertEqual(sorted(v.GetXMLName() for v in views), ["RenderView", "XYChartView", "XYChartView", "XYChartView"])
        charts = sorted(chart_views(), key=layout.GetViewLocation)  # top to bottom
        self.assertEqual([c.ChartTitle for c in charts], ["LFP", "Accel", "Speed"])
        self.assertTrue(all(layout.GetViewLocation(c) > layout.GetViewLocation(view) for c in charts))
        series = time_series(reader)
        displays = [simple.GetDisplayProperties(series, c) for c in charts]
        self.assertEqual([list(d.CompositeDataSetIndex) for d in displays], [[2, 3], [1], [4]])
        self.assertEqual(list(displays[0].SeriesVisibility), ["lfp_ca1 (lfp_ca1)", "1", "lfp_ca3 (lfp_ca3)", "1"])
        self.assertEqual(list(displays[2].SeriesVisibility), ["speed (speed)", "1"])
        self.assertTrue(all(d.XArrayName == "Time" and d.UseIndexForXAxis == 0 for d in displays))
        self.assertTrue(all(c.LeftAxisUseCustomRange == 1 for c in charts))
        # Time moves: the charts follow.
        for t in (10.0, 30.0):
            simple.GetTimeKeeper().Time = t
            for c in charts:
                simple.Render(c)
            self.assertAlmostEqual(tables(series, t)["lfp_ca1"][0].mean(), t, delta=0.01)
        self.assertEqual(sha(self.main), before, "the reader and filter must never modify the file")

    def test_a_session_without_time_series_has_no_charts(self):
        path = sf.write_session(self.path("plain.nsp"))
        sf.add_overlay(path, "position", "position", {"times": np.arange(50) / 10.0, "xy": np.ones((50, 2))})
        reader = open_session(path)
        self.assertEqual(chart_hints(time_series(reader)), [])
        view = simple.CreateRenderView()
        show_session(reader, view)
        self.assertEqual(chart_views(), [])
        layout = simple.GetLayout(view)
        self.assertTrue(layout is None or [v.GetXMLName() for v in simple.GetViewsInLayout(layout)] == ["RenderView"])
        self.assertEqual([s.GetXMLName() for s in simple.GetSources().values() if s.GetXMLName() == "NeuroTimeSeries"], [])

    def test_bad_time_series_are_explained_and_the_field_still_opens(self):
        path = sf.write_session(self.path("bad.nsp"), n_frames=50, rate=10.0)
        t = np.arange(100) / 20.0
        sf.add_time_series(path, "unsorted", t[::-1], np.zeros(100), summary=False)
        sf.add_time_series(path, "limits", t, np.zeros(100), {"vmin": 5.0, "vmax": 1.0}, summary=False)
        t_long = np.arange(4096) / 500.0
        sf.add_time_series(path, "summary_shape", t_long, np.sin(t_long), summary=False)
        with h5py.File(path, "a") as f:  # [t_first, min] only: a column short
            level = f["overlays/summary_shape"].create_group("summary").create_dataset("level_0", data=np.zeros((256, 2)))
            level.attrs["samples_per_bucket"] = 16
        sf.add_time_series(path, "good", t, np.ones(100))
        before = sha(path)
        reader = open_session(path)
        errors, warnings = overlay_problems(reader)
        text = "\n".join(errors)
        self.assertEqual(len(errors), 3, text)
        self.assertIn("/overlays/unsorted/times is not strictly increasing at sample 1", text)
        self.assertIn("/overlays/limits has vmin = 5", text)
        self.assertIn(">= vmax = 1", text)
        self.assertIn("/overlays/summary_shape/summary/level_0 has shape (256, 2)", text)
        self.assertTrue(all("How to fix" in message for message in errors))
        self.assertEqual(warnings, [])
        reader.UpdatePipeline(2.0)
        field = servermanager.Fetch(reader, idx=0)
        self.assertEqual(field.GetFieldData().GetArray("FrameIndex").GetValue(0), 20)  # the field plays
        got = tables(time_series(reader), 2.0)
        self.assertEqual(sorted(got), ["good"])  # the good series still charts
        self.assertEqual(got["good"][2], 1.0)
        self.assertEqual(sha(path), before, "the reader must never modify the file")

    def test_layout_screenshot(self):
        path = self.write_main_session(self.path("screenshot.nsp"), screenshot=True)
        with h5py.File(path, "a") as f:  # two charts: the LFP group and speed
            del f["overlays/accel"]
        reader = open_session(path)
        self.assertEqual(overlay_problems(reader), ([], []))
        view = simple.CreateRenderView()
        view.OrientationAxesVisibility = 0
        show_session(reader, view)
        self.assertEqual(len(chart_views()), 2)
        layout = simple.GetLayout(view)
        layout.SetSize(900, 900)
        frame_arena(view, reader)  # as the README does after resizing
        simple.GetTimeKeeper().Time = 20.0  # the speed gap (19.2 - 19.6 s) is just left of the marker
        simple.Render(view)
        image = os.path.join(self.folder, "TimeSeries-layout.png")
        simple.SaveScreenshot(image, layout, ImageResolution=[900, 900])
        assert_matches_baseline(self, image, os.path.join(BASELINES, "TimeSeries-layout.png"))


if __name__ == "__main__":
    unittest.main()
