"""Playback inside the real ParaView GUI: the NeuroPlayback cue against ParaView's own play modes.

Run one case per GUI process (Benchmarks/run_playback.sh drives them all):

    NEUROPLAYBACK_GUI_BENCH_OUT=out.json NEUROPLAYBACK_GUI_BENCH_SESSION=Data/sample.nsp \
    NEUROPLAYBACK_GUI_BENCH_MODE=cue NEUROPLAYBACK_GUI_BENCH_SPEED=1 NEUROPLAYBACK_GUI_BENCH_SECONDS=10 \
    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback \
    scripts/with-xvfb.sh paraview --dr --script=Benchmarks/bench_gui_playback.py

Modes: cue (the NeuroPlayback reader and cue), snap (ParaView's Snap To TimeSteps on the stock reader that
publishes one TIME_STEP per frame), realtime (ParaView's deprecated Real Time mode, Duration = data span /
speed rounded to whole seconds, on the NeuroPlayback reader with the cue disabled).

NEUROPLAYBACK_GUI_BENCH_EXTRAS=off plays the same session without its video and time-series charts (the
filters exist but are not shown, so the GUI does not add them and the arena keeps the whole window); the
default, on, shows everything File > Open shows.

Every mode is measured the same way, from outside: each render's end is a displayed frame; lag is the
data time due by the wall clock (start + speed x elapsed) minus the data time on screen; skipped frames
are the data frames passed over between displayed frames; CPU outside rendering is the main thread's CPU
time between renders, per displayed frame (includes ParaView's own per-frame work, the reader and the cue).
"""
import bisect
import json
import os
import sys
import time


def _here():
    for candidate in (os.environ.get("NEUROPLAYBACK_GUI_BENCH_DIR", ""), os.path.join(os.getcwd(), "Benchmarks"),
                      os.getcwd()):
        if candidate and os.path.exists(os.path.join(candidate, "stock_timesteps_reader.py")):
            return os.path.abspath(candidate)
    return os.getcwd()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))] if ordered else float("nan")


def main():
    import inspect
    here = _here()
    out_path = os.environ["NEUROPLAYBACK_GUI_BENCH_OUT"]
    path = os.environ["NEUROPLAYBACK_GUI_BENCH_SESSION"]
    mode = os.environ.get("NEUROPLAYBACK_GUI_BENCH_MODE", "cue")
    speed = float(os.environ.get("NEUROPLAYBACK_GUI_BENCH_SPEED", "1"))
    cap = float(os.environ.get("NEUROPLAYBACK_GUI_BENCH_SECONDS", "10"))
    extras = os.environ.get("NEUROPLAYBACK_GUI_BENCH_EXTRAS", "on") != "off"
    result = {"session": path, "mode": mode, "speed": speed, "cap_seconds": cap, "extras": extras,
              "direct": os.environ.get("NEUROPLAYBACK_GUI_BENCH_DIRECT", "1") != "0"}
    if not hasattr(inspect, "getargspec"):  # Debian ParaView 5.11 + Python 3.11 (stock reader plugin)
        inspect.getargspec = inspect.getfullargspec
    sys.path.insert(0, os.path.join(os.path.dirname(here), "Python"))
    sys.path.insert(0, here)
    sys.dont_write_bytecode = True
    import h5py
    import numpy as np
    from paraview import simple
    from neuroplayback.paraview import open_session, playback_cue, playback_statistics, show_session

    with h5py.File(path, "r") as f:
        group = f["time"]
        if "frame_times" in group:
            times = np.asarray(group["frame_times"][:], dtype=float)
        else:
            n = int(group.attrs["n_frames"])
            times = float(group.attrs.get("start", 0.0)) + np.arange(n) / float(group.attrs["rate"])
    result["frames"] = len(times)

    view = simple.GetActiveViewOrCreate("RenderView")
    scene = simple.GetAnimationScene()
    opened = time.perf_counter()
    if mode == "snap":
        constructors = {"__doc__": None}
        simple.LoadPlugin(os.path.join(here, "stock_timesteps_reader.py"), remote=False, ns=constructors)
        reader = constructors["StockTimestepsSessionReader"](FileName=path, PublishTimeSteps=1)
        display = simple.Show(reader, view)
        simple.ColorBy(display, ("CELLS", "posterior"))
        display.SetScalarBarVisibility(view, True)
        simple.ResetCamera(view)
        scene.UpdateAnimationUsingDataTimeSteps()
        scene.PlayMode = "Snap To TimeSteps"
    else:
        reader = open_session(path)
        if not extras:
            # Unshown filters: the GUI's style behaviour sees them and adds no video or chart of its own.
            simple.NeuroPlaybackVideo(registrationName="Video (hidden)", Input=reader)
            simple.NeuroPlaybackTimeSeries(registrationName="Time series (hidden)", Input=reader)
        show_session(reader, view, time_series=extras, video=extras)
        if mode == "realtime":
            playback_cue().Enabled = 0
            # On the scene object itself: setting the PlayMode property in the GUI pops a modal
            # "Real time mode is deprecated" dialog (pqAnimationViewWidget) that would hang the run.
            duration = max(1, int(round((times[-1] - times[0]) / speed)))
            scene_object = scene.GetClientSideObject()
            scene_object.SetPlayMode(1)
            scene_object.SetDuration(duration)
            result["realtime_duration_s"] = duration
        else:
            playback_cue().Speed = speed
            if os.environ.get("NEUROPLAYBACK_GUI_BENCH_DIRECT", "1") == "0":
                playback_cue().DirectPlayback = 0  # a full ParaView time update per frame, as before
    # For the frame-cost anatomy: hide parts of the arena (comma-separated: scalarbar, annotation,
    # overlays, video, field).
    hidden = [h for h in os.environ.get("NEUROPLAYBACK_GUI_BENCH_HIDE", "").split(",") if h]
    result["hidden"] = hidden
    if mode == "cue":
        if "scalarbar" in hidden:
            simple.GetDisplayProperties(reader, view).SetScalarBarVisibility(view, False)
        if "field" in hidden:
            simple.Hide(reader, view)
        overlays = simple.GetDisplayProperties(simple.OutputPort(reader, 1), view)
        if "annotation" in hidden:
            overlays.AnnotationVisibility = 0
        if "overlays" in hidden:
            simple.Hide(simple.OutputPort(reader, 1), view)
        if "video" in hidden:
            overlays.VideoVisibility = 0
            for source in simple.GetSources().values():
                if source.GetXMLName() == "NeuroVideo":
                    simple.Hide(source, view)
    # For the chart-cost anatomy: every Time Series filter's live redraw rate (Hz), or "pause" (On pause).
    chart_rate = os.environ.get("NEUROPLAYBACK_GUI_BENCH_CHART_RATE", "")
    if chart_rate:
        for source in simple.GetSources().values():
            if source.GetXMLName() == "NeuroTimeSeries":
                if chart_rate == "pause":
                    source.UpdateMode = "On pause"
                else:
                    source.UpdateMode = "Live"
                    source.LiveUpdateRate = float(chart_rate)
        result["chart_rate"] = chart_rate
    if os.environ.get("NEUROPLAYBACK_GUI_BENCH_REMOTE_RENDER") == "1":
        # Against a pvserver: the arena rendered there and sent as an image, instead of its pieces
        # delivered to the GUI and rendered here (ParaView picks the latter for data this small).
        simple.GetSettingsProxy("RenderViewSettings").RemoteRenderThreshold = 0.0
        result["remote_render"] = True
    if os.environ.get("NEUROPLAYBACK_GUI_BENCH_AXES") == "1":
        view.OrientationAxesVisibility = 1  # as before the arena settings hid them, for a side-by-side run
        result["orientation_axes"] = True
    simple.Render(view)
    result["open_show_seconds"] = time.perf_counter() - opened
    result["render_view_size"] = list(view.ViewSize)
    result["chart_views"] = sum(1 for v in simple.GetViews() if v.GetXMLName() == "XYChartView")
    tk = simple.GetTimeKeeper()
    scene.AnimationTime = float(times[0])
    simple.Render(view)

    renders = []  # (wall after render, data time shown, cpu outside rendering since the previous render)
    state = {"cpu_mark": time.thread_time(), "outside": 0.0, "t0": None}
    window = view.GetRenderWindow()

    def on_start(*_):
        state["outside"] = time.thread_time() - state["cpu_mark"]

    def on_end(*_):
        now = time.perf_counter()
        renders.append((now, float(tk.Time), state["outside"]))
        state["cpu_mark"] = time.thread_time()
        if state["t0"] is not None and now - state["t0"] > cap:
            scene.Stop()

    tags = [window.AddObserver("StartEvent", on_start), window.AddObserver("EndEvent", on_end)]
    if os.environ.get("NEUROPLAYBACK_GUI_BENCH_LOOP") == "1":
        scene.Loop = 1  # the cue's own statistics count wraps as jumps, not as data time played
        result["loop"] = True
    if mode == "cue":
        playback_cue().PlayForSeconds = cap
    state["t0"] = time.perf_counter()
    scene.Play()
    wall = time.perf_counter() - state["t0"]
    for tag in tags:
        window.RemoveObserver(tag)

    shown = renders[1:] if len(renders) > 1 else renders  # the first render repeats the starting frame
    t0 = state["t0"]
    lags, frames = [], []
    for now, data_time, _ in shown:
        due = min(times[0] + speed * (now - t0), times[-1])
        lags.append(max(0.0, due - data_time) / speed * 1000.0)
        frames.append(bisect.bisect_right(times, data_time + 1e-12) - 1)
    distinct = len(set(frames))
    advanced = (max(frames) - min(frames) + 1) if frames else 0
    intervals = [b[0] - a[0] for a, b in zip(shown, shown[1:])]
    result.update({
        "wall_seconds": wall,
        "renders": len(shown),
        "display_fps": len(shown) / wall if wall > 0 else 0.0,
        "skipped_percent": 100.0 * (1.0 - distinct / advanced) if advanced else 0.0,
        "data_seconds_advanced": float(times[frames[-1]] - times[frames[0]]) if frames else 0.0,
        "lag_p50_ms": percentile(lags, 0.5),
        "lag_p99_ms": percentile(lags, 0.99),
        "lag_last_ms": lags[-1] if lags else float("nan"),
        "display_interval_p50_ms": 1000.0 * percentile(intervals, 0.5),
        "cpu_outside_render_ms_per_frame": 1000.0 * sum(r[2] for r in shown) / max(1, len(shown)),
    })
    result["achieved_speed"] = result["data_seconds_advanced"] / wall if wall > 0 else 0.0
    if mode == "cue":
        result["cue"] = playback_statistics()
    with open(out_path, "w") as handle:
        json.dump(result, handle, indent=1)


try:
    main()
except Exception:  # report and leave: a benchmark must never leave a GUI hanging
    import traceback
    traceback.print_exc()
os._exit(0)
