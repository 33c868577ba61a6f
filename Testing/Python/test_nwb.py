"""pvpython: NWB files (built at test time with h5py by make_nwb.py, no pynwb, no network) open on their
own and beside a session, and their behaviour lands where it should: positions at known times,
head direction, pose parts and skeleton, spikes as events on the trajectory, trials and epochs; behavioural
time series (BehavioralTimeSeries, plain TimeSeries) as charts of the Time Series filter; explicit and rate
clocks, conversion and offset, degrees and vectors; bad input is explained; files are never modified; a
screenshot of the whole thing."""
import math
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py
import numpy as np
from paraview import servermanager, simple
from paraview.vtk.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkCellLocator

import make_nwb as nwb
import session_factory as sf
from pv_support import (ANNOTATION, BODYPARTS, EVENTS, HEADING, POSITION, REGIONS, SCALEBAR, SKELETON, TRAILS,
                        annotation, fetch, series_tables, sha, xy)
from pv_support import point_array as array
from image_compare import assert_matches_baseline
from neuroplayback import SessionError
from neuroplayback.paraview import (chart_hints, export_movie, open_session, overlay_problems, session_info, show_session,
                                    time_series)

BASELINES = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Testing", "Baselines")
OUTPUT = os.environ.get("NEUROPLAYBACK_TEST_OUTPUT", tempfile.gettempdir())
DIAMOND = 4  # marker glyph index of 'd'


def frame_time(reader, t):
    """The time of the frame shown for a requested time (the frame at or before it)."""
    field = fetch(reader, t, 0)
    return field.GetFieldData().GetArray("FrameTime").GetValue(0)


def angle_of(vector):
    return math.atan2(vector[1], vector[0])


def speed(t):
    return 10.0 + 2.0 * t  # cm/s: linear, so interpolation between samples is exact


def wheel(t):
    return -30.0 + 4.0 * t  # deg/s


def accel(t):
    return np.stack([1.0 + 0.5 * t, -2.0 + 0.1 * t], axis=-1)  # m/s^2, two columns


def add_behavioural_series(f, speed_times):
    """A BehavioralTimeSeries with speed (explicit timestamps; stored in m/s less 1 cm/s: conversion 100,
    offset 1), accel (n, 2) on a rate clock and gaze (a SpatialSeries (n, 2) with column_names), and a plain
    TimeSeries wheel directly in the module (starting_time 0.5 + rate 25; conversion 2, offset -30)."""
    behavior = f["processing/behavior"]
    rate_t = np.arange(500) / 50.0
    box = nwb.behavioral_time_series(behavior, {
        "speed": dict(data=(speed(speed_times) - 1.0) / 100.0, timestamps=speed_times, unit="cm/s", conversion=100.0,
                      offset=1.0),
        "accel": dict(data=accel(rate_t), rate=50.0, unit="m/s^2"),
        "gaze": dict(data=np.stack([rate_t, -rate_t], axis=1), rate=50.0, neurodata_type="SpatialSeries")})
    box["gaze/data"].attrs["column_names"] = ["x", "y"]
    wheel_t = 0.5 + np.arange(200) / 25.0
    nwb.time_series(behavior, "wheel", (wheel(wheel_t) + 30.0) / 2.0, rate=25.0, starting_time=0.5, unit="deg/s",
                    conversion=2.0, offset=-30.0, neurodata_type="TimeSeries")


def raw_window(times, t0, t1):
    """Indices [first, last] of the samples in [t0, t1] plus one beyond each edge."""
    first = max(0, int(np.searchsorted(times, t0, side="right")) - 1)
    last = min(len(times) - 1, int(np.searchsorted(times, t1, side="right")))
    return first, last


class NwbTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-nwb-")

    def path(self, name):
        return os.path.join(self.folder, name)

    def open_alone(self, name, **kwargs):
        path = self.path(name)
        truth = nwb.write_behaviour_nwb(path, **kwargs)
        before = sha(path)
        reader = open_session(path)
        self.addCleanup(lambda: (simple.Delete(reader), self.assertEqual(sha(path), before, "the file was modified")))
        return reader, truth

    def check_pose_and_skeleton(self, reader, truth, t):
        shown = frame_time(reader, t)
        parts = xy(fetch(reader, t, BODYPARTS))
        expected = np.array([nwb.trajectory(np.array([shown]))[0] + (truth["parts"][p][0] - truth["xy"][0])
                             for p in truth["nodes"]])
        np.testing.assert_allclose(parts, expected, atol=1e-6)  # in the skeleton's node order
        np.testing.assert_array_equal(array(fetch(reader, t, BODYPARTS), "Source"), [0, 1, 2, 3])
        skeleton = fetch(reader, t, SKELETON)
        self.assertEqual(skeleton.GetNumberOfLines(), len(truth["edges"]))
        segments = xy(skeleton).reshape(-1, 2, 2)
        for (a, b), segment in zip(truth["edges"], segments):
            np.testing.assert_allclose(sorted(map(tuple, segment)), sorted([tuple(expected[a]), tuple(expected[b])]),
                                       atol=1e-6)

    def test_every_kind_lands_where_expected_on_explicit_timestamps(self):
        reader, truth = self.open_alone("explicit.nwb")
        self.assertEqual(overlay_problems(reader), ([], []))
        info = session_info(reader)
        self.assertEqual((info["layout"], info["units"], info["field"]), ("grid", "cm", "occupancy"))
        # The field is the share of time in each bin: it sums to 1, and the bin under the animal is visited.
        field = fetch(reader, 1.0, 0)
        share = vtk_to_numpy(field.GetCellData().GetArray("occupancy"))
        self.assertAlmostEqual(float(np.nansum(share)), 1.0, places=9)
        locator = vtkCellLocator()
        locator.SetDataSet(field)
        locator.BuildLocator()
        position = xy(fetch(reader, 1.0, POSITION))[0]
        self.assertGreater(share[locator.FindCell([position[0], position[1], 0.0])], 0.0)
        t = truth["t"]
        self.assertAlmostEqual(info["time_range"][0], t[0])
        self.assertAlmostEqual(info["time_range"][1], t[-1])
        self.assertEqual(info["frames"], len(t))  # a regular clock at the behaviour's rate over its span
        # The arena covers the trajectory.
        bounds = fetch(reader, 0.0, 0).GetBounds()
        self.assertTrue(bounds[0] <= 20 and bounds[1] >= 80 and bounds[2] <= 30 and bounds[3] >= 50, bounds)
        for requested in (0.0, 1.237, 4.0, 7.5, 9.9):
            shown = frame_time(reader, requested)
            self.assertLessEqual(shown, requested + 1e-9)
            # Linear between jittered samples of a straight run: exactly the trajectory at the frame time,
            # after conversion (x 100) and offset (+ 5).
            here = nwb.trajectory(np.array([shown]))[0]
            np.testing.assert_allclose(xy(fetch(reader, requested, POSITION)), [here], atol=1e-6)
            arrow = fetch(reader, requested, HEADING)
            np.testing.assert_allclose(xy(arrow), [here], atol=1e-6)  # anchored at the position
            self.assertAlmostEqual(angle_of(array(arrow, "Heading")[0]), nwb.heading(shown), places=6)
        self.check_pose_and_skeleton(reader, truth, 4.0)
        self.assertIn("trials 2/3 [3.00, 5.50 s] error, slow", annotation(reader, 4.0).splitlines())
        self.assertIn("epochs 1/2 [0.00, 5.00 s] baseline", annotation(reader, 4.0).splitlines())
        self.assertIn("epochs 2/2 [5.00, 9.90 s] stimulation", annotation(reader, 6.0).splitlines())
        self.assertFalse(any(line.startswith("trials") for line in annotation(reader, 2.8).splitlines()))

    def test_spikes_and_trial_starts_are_events_on_the_trajectory(self):
        reader, truth = self.open_alone("events.nwb")
        rate = session_info(reader)["rate_hz"]
        start = session_info(reader)["time_range"][0]
        # Unit 11 fires at 2.0 s: on the first frame at or after 2.0, at the animal's place at 2.0 s.
        at = start + math.ceil((2.0 - start) * rate) / rate
        events = fetch(reader, at, EVENTS)
        sources = list(array(events, "Source"))
        self.assertIn(0, sources)  # type 0 = unit 11 (types are numbered over the events overlays)
        spike = xy(events)[sources.index(0)]
        np.testing.assert_allclose(spike, nwb.trajectory(np.array([2.0]))[0], atol=1e-6)
        self.assertEqual(array(events, "Color")[sources.index(0)][3], int(0.7 * 255 + 0.5))  # its own frame: full opacity
        # 0.5 s later it has faded out; unit 12's spike at 1.5 s is gone too.
        later = fetch(reader, at + 0.55, EVENTS)
        self.assertNotIn(0, list(array(later, "Source")))
        # Every unit is an event type (4 units, the third without spikes), then the trial starts.
        trial_start = start + math.ceil((3.0 - start) * rate) / rate
        events = fetch(reader, trial_start, EVENTS)
        markers = list(array(events, "Marker"))
        self.assertIn(DIAMOND, markers)
        np.testing.assert_allclose(xy(events)[markers.index(DIAMOND)], nwb.trajectory(np.array([3.0]))[0], atol=1e-6)
        self.assertEqual(list(array(events, "Color")[markers.index(DIAMOND)][:3]), [255, 255, 255])
        self.assertEqual(array(events, "Source")[markers.index(DIAMOND)], 5)  # units 0-3, epochs_start 4, trials_start 5

    def test_rate_clock_conversion_offset_degrees_and_inline_skeleton(self):
        reader, truth = self.open_alone("rate.nwb", rate_clock=True, degrees=True, skeleton_style="inline")
        self.assertEqual(overlay_problems(reader), ([], []))
        info = session_info(reader)
        self.assertAlmostEqual(info["rate_hz"], nwb.RATE)
        self.assertEqual(info["frames"], nwb.N)
        self.assertEqual(info["time_range"], (0.0, (nwb.N - 1) / nwb.RATE))
        for k in (0, 1, 137, 499):
            t = k / nwb.RATE
            self.assertAlmostEqual(frame_time(reader, t), t)  # frames and samples share the clock exactly
            np.testing.assert_allclose(xy(fetch(reader, t, POSITION)), [truth["xy"][k]], atol=1e-9)
            self.assertAlmostEqual(angle_of(array(fetch(reader, t, HEADING), "Heading")[0]), truth["angle"][k],
                                   places=9)
        self.check_pose_and_skeleton(reader, truth, 3.0)

    def test_head_direction_as_vectors_and_skeleton_found_in_the_module(self):
        reader, truth = self.open_alone("vectors.nwb", rate_clock=True, vector_heading=True, skeleton_style="module")
        self.assertEqual(overlay_problems(reader), ([], []))
        heading = array(fetch(reader, 2.0, HEADING), "Heading")[0]
        self.assertAlmostEqual(angle_of(heading), truth["angle"][100], places=9)
        self.check_pose_and_skeleton(reader, truth, 2.0)

    def open_series(self, reader):
        series = time_series(reader)
        self.addCleanup(lambda: simple.Delete(series))  # before the reader (cleanups run last first)
        return series

    def test_behavioural_time_series_are_charted(self):
        speed_times = np.cumsum(np.random.default_rng(3).uniform(0.015, 0.025, 480))  # irregular, to ~9.6 s
        reader, _ = self.open_alone("series.nwb", extras=lambda f: add_behavioural_series(f, speed_times))
        self.assertEqual(overlay_problems(reader), ([], []))
        reader.UpdatePropertyInformation()
        self.assertEqual(int(reader.GetPropertyValue("TimeSeriesCountInfo")), 6)
        series = self.open_series(reader)
        charts = chart_hints(series)
        # Groups first (a multi-column series is a group), then one chart per single series.
        self.assertEqual([dict(c["view"])["ChartTitle"] for c in charts],
                         ["accel (m/s^2)", "gaze (m)", "speed (cm/s)", "wheel (deg/s)"])
        accel_chart, gaze_chart, speed_chart, wheel_chart = (dict(c["display"]) for c in charts)
        self.assertEqual(accel_chart["CompositeDataSetIndex"], "1|2")
        self.assertEqual(dict(charts[0]["view"])["ShowLegend"], "1")
        self.assertEqual(accel_chart["SeriesLabel"], "accel_0 (accel_0)|accel_0 (m/s^2)|accel_1 (accel_1)|accel_1 (m/s^2)")
        self.assertEqual(gaze_chart["SeriesLabel"], "gaze_x (gaze_x)|gaze x (m)|gaze_y (gaze_y)|gaze y (m)")
        self.assertEqual(speed_chart["SeriesLabel"], "speed (speed)|speed (cm/s)")
        # tab10 by series order: accel_0, accel_1, gaze_x, gaze_y, speed (the fifth: #9467bd), wheel.
        color = [float(v) for v in speed_chart["SeriesColor"].split("|")[1:]]
        np.testing.assert_allclose(color, [0x94 / 255, 0x67 / 255, 0xbd / 255], atol=1e-5)
        accel_colors = accel_chart["SeriesColor"].split("|")
        self.assertNotEqual(accel_colors[1:4], accel_colors[5:8])

        wheel_times = 0.5 + np.arange(200) / 25.0
        for requested in (1.0, 4.37, 8.0):
            shown = frame_time(reader, requested)
            got = series_tables(series, requested)
            self.assertEqual(sorted(got), ["accel_0", "accel_1", "gaze_x", "gaze_y", "speed", "wheel"])
            # The value at the frame (conversion and offset applied, linear between samples).
            self.assertAlmostEqual(got["speed"][2], speed(shown), places=9)
            self.assertAlmostEqual(got["wheel"][2], wheel(shown), places=9)
            np.testing.assert_allclose([got["accel_0"][2], got["accel_1"][2]], accel(np.array(shown)), atol=1e-9)
            self.assertAlmostEqual(got["gaze_y"][2], -shown, places=9)
            # The rows: the file's samples in the 2 s window plus one beyond each edge.
            for name, stamps, truth in (("speed", speed_times, speed), ("wheel", wheel_times, wheel)):
                first, last = raw_window(stamps, shown - 1.0, shown + 1.0)
                np.testing.assert_allclose(got[name][0], stamps[first:last + 1], rtol=0, atol=1e-12, err_msg=name)
                np.testing.assert_allclose(got[name][1], truth(stamps[first:last + 1]), rtol=0, atol=1e-9, err_msg=name)
            self.assertIn("speed (cm/s): %.2f" % speed(shown), annotation(reader, requested).splitlines())
        # Outside a series' own span its value is NaN (wheel starts at 0.5 s).
        self.assertTrue(math.isnan(series_tables(series, 0.2)["wheel"][2]))

    def test_bad_time_series_are_explained_and_the_rest_still_charts(self):
        t = np.arange(100) / 10.0
        nan_times, unsorted = t.copy(), t.copy()
        nan_times[3] = np.nan
        unsorted[5] = unsorted[4]

        def build(f):
            nwb.behavioral_time_series(nwb.module(f), {
                "speed": dict(data=speed(t), timestamps=t, unit="cm/s"),
                "nan_times": dict(data=np.ones(100), timestamps=nan_times),
                "unsorted": dict(data=np.ones((100, 2)), timestamps=unsorted),
                "short": dict(data=np.ones(100), timestamps=t[:90]),
                "cube": dict(data=np.ones((100, 2, 2)), timestamps=t),
                "wide": dict(data=np.ones((100, 40)), rate=10.0),
                "no_rate": dict(data=np.ones(100), rate=float("nan"))})
            empty = f["processing/behavior/BehavioralTimeSeries"].create_group("no_data")
            empty.attrs["neurodata_type"] = "TimeSeries"
            empty.create_dataset("timestamps", data=t)

        path = self.path("bad-series.nwb")
        with nwb.new_file(path) as f:
            build(f)
        before = sha(path)
        reader = open_session(path)
        self.addCleanup(lambda: (simple.Delete(reader), self.assertEqual(sha(path), before)))
        errors, warnings = overlay_problems(reader)
        where = "/processing/behavior/BehavioralTimeSeries/"
        expected = [where + "cube/data has shape (100, 2, 2); a behavioural time series must be (n,) or (n, k)",
                    where + "nan_times/timestamps has a non-finite value at sample 3",
                    where + "no_data has no 'data' dataset",
                    where + "no_rate/starting_time has rate = nan Hz",
                    where + "short/timestamps has 90 values but " + where + "short/data has 100 rows",
                    where + "unsorted/timestamps is not strictly increasing at sample 5",
                    where + "wide/data has shape (100, 40)"]
        self.assertEqual(len(errors), len(expected), errors)
        for message, text in zip(errors, expected):
            self.assertIn(text, message)
            self.assertIn("How to fix", message)
        no_data = next(m for m in errors if "no_data has no" in m)
        self.assertIn("a TimeSeries group", no_data)  # the fix names the group's own type
        self.assertNotIn("SpatialSeries", no_data)
        self.assertFalse(any("Skipped NWB data" in w for w in warnings), warnings)
        series = self.open_series(reader)
        self.assertEqual([dict(c["view"])["ChartTitle"] for c in chart_hints(series)], ["speed (cm/s)"])
        shown = frame_time(reader, 5.0)
        self.assertAlmostEqual(series_tables(series, 5.0)["speed"][2], speed(shown), places=9)

    def test_open_data_file_and_the_reader_factory(self):
        path = self.path("factory.nwb")
        nwb.write_behaviour_nwb(path)
        reader = simple.OpenDataFile(path)
        self.assertEqual(reader.GetXMLName(), "NeuroSessionReader")
        reader.UpdatePipeline(4.0)
        self.assertEqual(fetch(reader, 4.0, POSITION).GetNumberOfPoints(), 1)
        simple.Delete(reader)

    def beside(self, name, nwb_path, environment=None, add=None):
        """A session (its own decoded field, 0..10 s at 10 Hz over a 0..100 x 0..60 cm grid) naming an NWB file."""
        environment = environment or sf.grid_environment(nx=10, ny=6, dx=10.0, dy=10.0)
        path = sf.write_session(self.path(name), environment=environment, n_frames=101, rate=10.0,
                                root_attrs={"nwb_path": nwb_path})
        if add:
            add(path)
        return path

    def test_beside_a_session_with_decoded_fields(self):
        os.makedirs(self.path("beside"), exist_ok=True)
        nwb_file = self.path("beside/behaviour.nwb")
        truth = nwb.write_behaviour_nwb(nwb_file, rate_clock=True)
        for nwb_path in ("behaviour.nwb", nwb_file):  # relative to the session's folder, and absolute
            with self.subTest(nwb_path=nwb_path):
                session = self.beside(f"beside/with-nwb-{os.path.isabs(nwb_path)}.nsp", nwb_path)
                before = sha(nwb_file), sha(session)
                reader = open_session(session)
                self.assertEqual(overlay_problems(reader), ([], []))
                info = session_info(reader)
                self.assertEqual((info["field"], info["frames"]), ("posterior", 101))  # the session's own
                field = fetch(reader, 3.0, 0)
                self.assertEqual(field.GetFieldData().GetArray("FrameIndex").GetValue(0), 30)
                np.testing.assert_allclose(xy(fetch(reader, 3.0, POSITION)), [truth["xy"][150]], atol=1e-9)
                self.assertEqual(len(xy(fetch(reader, 3.0, BODYPARTS))), 4)
                self.assertIn("trials 2/3 [3.00, 5.50 s] error, slow", annotation(reader, 3.0).splitlines())
                simple.Delete(reader)
                self.assertEqual((sha(nwb_file), sha(session)), before)

    def test_an_nwb_file_chosen_on_the_reader_joins_a_session_without_changing_it(self):
        os.makedirs(self.path("chosen"), exist_ok=True)
        nwb_file = self.path("chosen/behaviour.nwb")
        truth = nwb.write_behaviour_nwb(nwb_file, rate_clock=True)
        # The session names a file that is not there; the reader's NWB File property takes its place.
        session = self.beside("chosen/session.nsp", "elsewhere/missing.nwb")
        before = sha(nwb_file), sha(session)
        reader = open_session(session, nwb=nwb_file)
        self.assertEqual(overlay_problems(reader), ([], []))
        np.testing.assert_allclose(xy(fetch(reader, 3.0, POSITION)), [truth["xy"][150]], atol=1e-9)
        # A movie exported from it shows the chosen NWB file's behaviour too (its pvbatch workers open both).
        with_nwb, alone = self.path("chosen/with.png"), self.path("chosen/alone.png")
        export_movie(with_nwb, reader=reader, start=3.0, stop=3.0, size=(160, 120), progress=False)
        plain = open_session(session)
        export_movie(alone, reader=plain, start=3.0, stop=3.0, size=(160, 120), progress=False)
        simple.Delete(plain)
        with open(self.path("chosen/with_000000.png"), "rb") as a, open(self.path("chosen/alone_000000.png"), "rb") as b:
            self.assertNotEqual(a.read(), b.read())
        # Changing it reopens the session with the new choice, its stages shown in ParaView's progress bar.
        stages = []
        algorithm = reader.GetClientSideObject()
        tag = algorithm.AddObserver("ProgressEvent", lambda o, e: stages.append(o.GetProgressText()))
        reader.NWBFile = "no-such.nwb"
        reader.UpdatePipeline(3.0)
        algorithm.RemoveObserver(tag)
        opening = [text for text in stages if text]
        self.assertEqual(opening[:3], ["Checking the session file", "Opening the session and its NWB file",
                                       "Building the environment and the colour ranges"])
        errors, warnings = overlay_problems(reader)
        self.assertEqual(len(warnings), 1)
        self.assertIn("named by the reader's NWB File property = 'no-such.nwb' does not exist", warnings[0])
        self.assertEqual(len(xy(fetch(reader, 3.0, POSITION))), 0)
        simple.Delete(reader)
        self.assertEqual((sha(nwb_file), sha(session)), before)

    def test_nwb_spikes_placed_on_the_sessions_own_trajectory(self):
        nwb_file = self.path("spikes-only.nwb")
        with nwb.new_file(nwb_file) as f:
            nwb.units(f, [[0.5, 1.0]], ids=[7])

        def position(path):
            t = np.arange(101) / 10.0
            sf.add_overlay(path, "animal", "position", {"times": t, "xy": np.stack([t * 5, t * 2], axis=1)})

        reader = open_session(self.beside("spikes-beside.nsp", "spikes-only.nwb", add=position))
        self.assertEqual(overlay_problems(reader), ([], []))
        events = fetch(reader, 1.0, EVENTS)
        np.testing.assert_allclose(xy(events), [[5.0, 2.0]], atol=1e-9)  # the spike at 1.0 s, on the session's path
        simple.Delete(reader)

    def test_a_missing_nwb_path_is_a_warning_and_the_session_still_opens(self):
        session = self.beside("missing.nsp", "elsewhere/behaviour.nwb")
        reader = open_session(session)
        errors, warnings = overlay_problems(reader)
        self.assertEqual(errors, [])
        self.assertEqual(len(warnings), 1)
        self.assertIn(os.path.join(self.folder, "elsewhere", "behaviour.nwb"), warnings[0])
        self.assertIn("nwb_path = 'elsewhere/behaviour.nwb' does not exist", warnings[0])
        self.assertIn("How to fix", warnings[0])
        self.assertEqual(fetch(reader, 2.0, 0).GetFieldData().GetArray("FrameIndex").GetValue(0), 20)
        simple.Delete(reader)

    def problems_of(self, name, build):
        """Opens a file built by build(f) (from make_nwb's pieces) and returns (errors, warnings) or the
        SessionError message; the file must come out unchanged."""
        path = self.path(name)
        with nwb.new_file(path) as f:
            build(f)
        before = sha(path)
        try:
            reader = open_session(path)
        except SessionError as error:
            self.assertEqual(sha(path), before)
            return str(error)
        problems = overlay_problems(reader)
        reader.UpdatePipeline(1.0)  # still plays
        simple.Delete(reader)
        self.assertEqual(sha(path), before)
        for message in problems[0] + problems[1]:
            self.assertIn("How to fix", message)
        return problems

    def test_bad_input_is_explained_and_the_rest_still_shows(self):
        t = np.arange(100) / 10.0
        good_trials = lambda f: nwb.time_intervals(f, "trials", [1.0, 4.0], [2.0, 5.0])

        def one_d(f):
            nwb.position(nwb.module(f), {"linear": dict(data=t[:, None] * 3, timestamps=t)})
            good_trials(f)

        errors, warnings = self.problems_of("one-d.nwb", one_d)
        self.assertEqual(len(errors), 1)
        self.assertIn("/processing/behavior/Position/linear/data has shape (100, 1): a 1-D (linearised) position",
                      errors[0])
        self.assertTrue(any("placeholder 1 x 1 arena" in w for w in warnings))  # trials still open alone

        cases = {
            "nan": (lambda s: s.__setitem__(3, np.nan),
                    "/processing/behavior/Position/p/timestamps has a non-finite value at sample 3"),
            "unsorted": (lambda s: s.__setitem__(5, s[4]),
                         "/processing/behavior/Position/p/timestamps is not strictly increasing at sample 5"),
        }
        for name, (spoil, expected) in cases.items():
            with self.subTest(case=name):
                stamps = t.copy()
                spoil(stamps)

                def build(f, stamps=stamps):
                    nwb.position(nwb.module(f), {"p": dict(data=np.ones((100, 2)), timestamps=stamps)})
                    good_trials(f)

                errors, _ = self.problems_of(f"{name}.nwb", build)
                self.assertEqual(len(errors), 1)
                self.assertIn(expected, errors[0])

        def mismatched(f):
            nwb.position(nwb.module(f), {"p": dict(data=np.ones((100, 2)), timestamps=t[:90])})
            nwb.position(f["processing/behavior"], {"q": dict(data=np.ones((100, 4)), timestamps=t)}, "Position2")
            nwb.compass(f["processing/behavior"], {"hd": dict(data=np.ones((100, 3)), timestamps=t, unit="radians")})
            nwb.time_series(f["processing/behavior/Position2"], "r", np.ones((100, 2)), rate=-5.0)
            good_trials(f)

        errors, _ = self.problems_of("mismatched.nwb", mismatched)
        text = "\n".join(errors)
        self.assertIn("/processing/behavior/Position/p/timestamps has 90 values but /processing/behavior/Position/p/data "
                      "has 100 rows", text)
        self.assertIn("/processing/behavior/Position2/q/data has shape (100, 4); a position must be (n, 2) or (n, 3)", text)
        self.assertIn("/processing/behavior/CompassDirection/hd/data has shape (100, 3)", text)
        self.assertIn("/processing/behavior/Position2/r/starting_time has rate = -5 Hz", text)

        def pose_and_units(f):
            behavior = nwb.module(f)
            nwb.pose(behavior, "pose", {"nose": np.zeros((100, 2)), "tail": np.zeros((90, 2))}, rate=10.0,
                     nodes=["nose", "tail"], edges=[[0, 1]])
            nwb.pose(behavior, "pose2", {"nose": np.ones((100, 2)), "tail": np.ones((100, 2))}, rate=10.0,
                     skeleton_name="other", nodes=["nose", "tail"], edges=[[0, 5]])
            nwb.units(f, [[1.0, 2.0], [3.0]], index=[2, 9])
            nwb.time_intervals(f, "epochs", [5.0, 1.0], [6.0, 2.0])  # not sorted by start

        errors, warnings = self.problems_of("pose-units.nwb", pose_and_units)
        text = "\n".join(errors)
        self.assertIn("/processing/behavior/pose/tail has 90 samples but /processing/behavior/pose/nose has 100", text)
        self.assertIn("/units/spike_times_index[1] = 9 is beyond the 3 spike times", text)
        self.assertIn("/intervals/epochs/start_time is not strictly increasing", text)
        self.assertTrue(any("/edges refers to node 5 but there are 2 nodes" in w for w in warnings), warnings)

    def test_nothing_supported_and_extensions_are_named(self):
        def nothing(f):
            nwb.time_series(f["acquisition"], "ElectricalSeries", np.zeros((10, 4)), rate=30000.0, unit="volts",
                            neurodata_type="ElectricalSeries")

        message = self.problems_of("nothing.nwb", nothing)
        self.assertIsInstance(message, str)
        self.assertIn("has no Position, CompassDirection, PoseEstimation, units or TimeIntervals data", message)
        self.assertIn("found: /acquisition/ElectricalSeries (ElectricalSeries)", message)
        self.assertIn("How to fix", message)

        def extension(f):
            nwb.position(nwb.module(f), {"p": dict(data=np.ones((10, 2)), rate=10.0)})
            nwb.time_series(f["processing/behavior"], "licks", np.zeros(10), rate=10.0, unit="n",
                            neurodata_type="LickSeries", namespace="ndx-licks")
            nwb.container(f["processing/behavior"], "BehavioralTimeSeries", "BehavioralTimeSeries")
            f.require_group("specifications/ndx-licks/0.1.0")
            nwb.time_series(f["acquisition"], "raw_position", np.zeros((10, 2)), rate=10.0)  # a lower-priority copy
            f["acquisition/same_position"] = h5py.SoftLink("/processing/behavior/Position")  # read once

        errors, warnings = self.problems_of("extension.nwb", extension)
        self.assertEqual(errors, [])
        text = "\n".join(warnings)
        self.assertIn("extensions NeuroPlayback does not read: ndx-licks", text)
        self.assertIn("/processing/behavior/licks (ndx-licks:LickSeries)", text)
        self.assertIn("/processing/behavior/BehavioralTimeSeries (BehavioralTimeSeries) holds no TimeSeries", text)
        self.assertNotIn("Skipped NWB data NeuroPlayback does not show: /processing/behavior/BehavioralTimeSeries", text)
        self.assertIn("Position data is also stored in /acquisition/raw_position; only the data in "
                      "/processing/behavior is shown", text)
        self.assertEqual(len(warnings), 4, warnings)

        message = self.problems_of("not-nwb.nwb", lambda f: [f.attrs.__delitem__(k) for k in list(f.attrs)])
        self.assertIn("is HDF5 but not a NeuroPlayback session", message)
        self.assertIn("nor an NWB file", message)

    def test_open_cost_does_not_grow_with_the_recording(self):
        n = 1_800_000  # 1 h at 500 Hz
        path = self.path("long.nwb")
        t = np.arange(n) / 500.0
        with nwb.new_file(path) as f:
            nwb.position(nwb.module(f), {"p": dict(data=np.stack([t % 40, t % 30], axis=1), timestamps=t,
                                                     chunks=(4096, 2))})
            nwb.behavioral_time_series(f["processing/behavior"], {"speed": dict(data=t % 50, timestamps=t,
                                                                                chunks=(4096,), unit="cm/s")})
        started = time.perf_counter()
        reader = open_session(path)
        opened = time.perf_counter() - started
        self.assertEqual(session_info(reader)["frames"], n)
        for requested in (0.0, 1800.0, 3599.0, 100.0):
            self.assertEqual(fetch(reader, requested, POSITION).GetNumberOfPoints(), 1)
        reader.UpdatePropertyInformation()
        rows = int(reader.GetPropertyValue("OverlayRowsReadInfo"))
        self.assertLess(rows, n / 10, "overlay reads must not grow with the recording's length")
        self.assertLess(opened, 10.0)
        series = time_series(reader)
        for requested in (0.0, 1800.0, 3599.0):
            self.assertAlmostEqual(series_tables(series, requested)["speed"][2], requested % 50, places=6)
        series.UpdatePropertyInformation()
        # A constant, whatever n: the y-range estimate reads 32 probes of 4,096 rows (each over at most two
        # blocks), the windows a few blocks each.
        self.assertLess(int(series.GetPropertyValue("RowsReadInfo")), (2 * 32 + 16) * 4096, "the speed series is streamed")
        simple.Delete(series)
        simple.Delete(reader)

    def test_screenshot(self):
        path = self.path("screen.nwb")
        nwb.write_behaviour_nwb(path)
        reader = open_session(path)
        view = simple.CreateRenderView()
        view.ViewSize = [640, 400]
        view.OrientationAxesVisibility = 0
        show_session(reader, view)
        simple.GetTimeKeeper().Time = 3.2  # a spike (3.0 s) and a trial start (3.0 s) fading out
        simple.Render(view)
        image = os.path.join(OUTPUT, "Nwb-behaviour.png")
        simple.SaveScreenshot(image, view, ImageResolution=[640, 400])
        simple.Delete(view)
        simple.Delete(reader)
        assert_matches_baseline(self, image, os.path.join(BASELINES, "Nwb-behaviour.png"))


if __name__ == "__main__":
    unittest.main()
