"""Time-change latency inside the real ParaView GUI: NeuroPlayback reader vs the stock TIME_STEPS reader.

In the GUI (one case per process; the script ends the process itself with os._exit):

    NEUROPLAYBACK_GUI_BENCH_OUT=/work/bench-data/results/gui-ours-3.6M.json \
    NEUROPLAYBACK_GUI_BENCH_SESSION=/work/bench-data/np-3600k-50x50.nsp \
    NEUROPLAYBACK_GUI_BENCH_READER=ours \
    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback \
    scripts/with-xvfb.sh paraview --dr --script=Benchmarks/bench_gui_time_change.py

Environment:
  NEUROPLAYBACK_GUI_BENCH_OUT       JSON results (required; rewritten after every phase)
  NEUROPLAYBACK_GUI_BENCH_SESSION   session file (default /work/bench-data/np-3600k-50x50.nsp)
  NEUROPLAYBACK_GUI_BENCH_READER    ours | stock (default ours); baselines for diagnostics:
                                    rangeonly (the stock Python reader publishing only TIME_RANGE),
                                    sphere (a static Sphere source, scene 0..session end), empty (no source)
  NEUROPLAYBACK_GUI_BENCH_CHANGES   number of time changes (default 50)
  NEUROPLAYBACK_GUI_BENCH_SEED      random seed for the times (default 1)
  NEUROPLAYBACK_GUI_BENCH_NWB       an NWB file opened with the session (ours only; its overlays too)
  NEUROPLAYBACK_GUI_BENCH_PROGRESS  optional JSON-lines progress file (used by the driver for its cap)
  NEUROPLAYBACK_GUI_BENCH_REPRESENTATION, NEUROPLAYBACK_GUI_BENCH_NO_SCALAR_BAR
                                    diagnostics only: force a representation ("Slice", ...) / hide the bar

One time change is what a user's script or the time widget does:
    GetAnimationScene().AnimationTime = t; Render()
followed by QCoreApplication::processEvents() so that the GUI work Qt defers to the event loop
(time widgets, scheduled renders, the plugin's styling) is included: the figure is "until the GUI
is idle again with the new frame on screen". The Python-only part is reported too.

As a driver (plain python3; starts one GUI process per case and run, caps each phase):

    the driver starts each GUI under scripts/with-xvfb.sh itself:
    python3 Benchmarks/bench_gui_time_change.py --case ours:3.6M=/work/bench-data/np-3600k-50x50.nsp \
        --case stock:36k=/work/bench-data/np-36k-50x50.nsp --runs 5 --out /work/bench-data/results/gui.json
"""
import json
import os
import random
import statistics
import sys
import time
import traceback

def _here():
    """This folder. paraview --script does not set __file__, so fall back on the usual working folders."""
    if "__file__" in globals():
        return os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.environ.get("NEUROPLAYBACK_GUI_BENCH_DIR", ""), os.path.join(os.getcwd(), "Benchmarks"),
                      os.getcwd(), "/work/main/Benchmarks"):
        if candidate and os.path.exists(os.path.join(candidate, "stock_timesteps_reader.py")):
            return os.path.abspath(candidate)
    return os.getcwd()


HERE = _here()


def _in_gui():
    return "NEUROPLAYBACK_GUI_BENCH_OUT" in os.environ and "--driver" not in sys.argv


# ---------------------------------------------------------------------------------------------
# Inside the GUI

def gui_main():
    import ctypes
    import inspect

    out_path = os.environ["NEUROPLAYBACK_GUI_BENCH_OUT"]
    here = HERE
    path = os.environ.get("NEUROPLAYBACK_GUI_BENCH_SESSION", "/work/bench-data/np-3600k-50x50.nsp")
    kind = os.environ.get("NEUROPLAYBACK_GUI_BENCH_READER", "ours")
    changes = int(os.environ.get("NEUROPLAYBACK_GUI_BENCH_CHANGES", "50"))
    seed = int(os.environ.get("NEUROPLAYBACK_GUI_BENCH_SEED", "1"))
    progress_path = os.environ.get("NEUROPLAYBACK_GUI_BENCH_PROGRESS")
    progress = open(progress_path, "a", buffering=1) if progress_path else None
    results = {"session": path, "reader": kind, "phases": {}, "time_changes": [], "python_only": [],
               "events_only": []}

    def rss_kb(key="VmRSS"):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return -1

    def save():
        temporary = out_path + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(results, handle, indent=1)
        os.replace(temporary, out_path)

    def emit(**record):
        if progress:
            progress.write(json.dumps(record) + "\n")
            progress.flush()

    def begin(phase):
        emit(event="begin", phase=phase, wall=time.time())
        return time.perf_counter()

    def end(phase, start, **extra):
        seconds = time.perf_counter() - start
        record = dict(seconds=seconds, rss_kb=rss_kb(), **extra)
        if phase != "time_change":
            results["phases"][phase] = record
            save()
        emit(event="end", phase=phase, **record)
        return seconds

    # QCoreApplication::processEvents(QEventLoop::AllEvents): run what Qt deferred to the event loop.
    qt_core = ctypes.CDLL("libQt5Core.so.5")
    process_events = getattr(qt_core, "_ZN16QCoreApplication13processEventsE6QFlagsIN10QEventLoop17ProcessEventsFlagEE")
    process_events.argtypes = [ctypes.c_int]
    process_events.restype = None

    try:
        if not hasattr(inspect, "getargspec"):  # Debian ParaView 5.11 + Python 3.11, see bench_open.py
            inspect.getargspec = inspect.getfullargspec
        sys.path.insert(0, os.path.join(os.path.dirname(here), "Python"))
        sys.path.insert(0, here)
        sys.dont_write_bytecode = True  # no __pycache__ in the source tree
        from paraview import simple
        from neuroplayback.paraview import ensure_plugin, open_session, session_info, show_session
        from bench_open import register_pipeline_proxy

        constructors = {"__doc__": None}
        if kind in ("stock", "rangeonly"):
            simple.LoadPlugin(os.path.join(here, "stock_timesteps_reader.py"), remote=False, ns=constructors)
        else:
            ensure_plugin()
        view = simple.GetActiveViewOrCreate("RenderView")
        simple.Render(view)
        for _ in range(5):
            process_events(0)
        results["view_size"] = list(view.ViewSize)
        rss_before = rss_kb()
        results["rss_before_kb"] = rss_before

        start = begin("open")
        if kind == "ours":
            reader = open_session(path, nwb=os.environ.get("NEUROPLAYBACK_GUI_BENCH_NWB") or None)
            results["registered_by_benchmark"] = register_pipeline_proxy(reader, os.path.basename(path))
        elif kind in ("stock", "rangeonly"):
            reader = constructors["StockTimestepsSessionReader"](FileName=path,
                                                                 PublishTimeSteps=1 if kind == "stock" else 0)
            reader.UpdatePipelineInformation()
        elif kind == "sphere":
            reader = simple.Sphere()
        else:
            reader = None
        process_events(0)
        end("open", start)

        start = begin("show_render")
        display = None
        if kind == "ours":
            display = show_session(reader, view)
        elif kind in ("stock", "rangeonly"):
            display = simple.Show(reader, view)
            simple.ColorBy(display, ("CELLS", "posterior"))
            display.SetScalarBarVisibility(view, True)
            simple.ResetCamera(view)
        elif kind == "sphere":
            display = simple.Show(reader, view)
            simple.ResetCamera(view)
        simple.Render(view)
        process_events(0)
        end("show_render", start, rss_added_kb=rss_kb() - rss_before)
        # Diagnostics only (not used by run_all.sh): force a representation / hide the scalar bar.
        if display is not None:
            if os.environ.get("NEUROPLAYBACK_GUI_BENCH_REPRESENTATION"):
                display.SetRepresentationType(os.environ["NEUROPLAYBACK_GUI_BENCH_REPRESENTATION"])
            if os.environ.get("NEUROPLAYBACK_GUI_BENCH_NO_SCALAR_BAR"):
                display.SetScalarBarVisibility(view, False)
            results["representation"] = str(display.GetPropertyValue("Representation"))
        simple.Render(view)
        process_events(0)

        scene = simple.GetAnimationScene()
        start = begin("scene")
        scene.UpdateAnimationUsingDataTimeSteps()
        if kind in ("sphere", "empty"):  # nothing time-dependent: give the scene the session's span
            import h5py
            with h5py.File(path, "r") as session_file:
                times = session_file["time/frame_times"]
                scene.StartTime, scene.EndTime = float(times[0]), float(times[-1])
        process_events(0)
        end("scene", start, start_time=scene.StartTime, end_time=scene.EndTime,
            play_mode=str(scene.GetPropertyValue("PlayMode")),
            timekeeper_steps=len(simple.GetTimeKeeper().TimestepValues))

        timings = []
        for _ in range(5):
            start = time.perf_counter()
            simple.Render(view)
            process_events(0)
            timings.append(time.perf_counter() - start)
        results["phases"]["render_only"] = {"seconds": statistics.median(timings)}

        first, last = float(scene.StartTime), float(scene.EndTime)
        rng = random.Random(seed)
        # NEUROPLAYBACK_GUI_BENCH_SCRUB=1: each change is a scrub through the playback cue's direct path
        # (what the NeuroPlayback toolbar's frame slider does while it moves), not a ParaView time change.
        scrub_cue = None
        if kind == "ours" and os.environ.get("NEUROPLAYBACK_GUI_BENCH_SCRUB") == "1":
            from neuroplayback.paraview import playback_cue
            scrub_cue = playback_cue().SMProxy
            results["scrub"] = True
        for i in range(changes):
            t = rng.uniform(first, last)
            start = begin("time_change")
            if scrub_cue is not None:
                scrub_cue.GetProperty("ScrubTime").SetElement(0, t)
                scrub_cue.UpdateVTKObjects()
            else:
                scene.AnimationTime = t
                simple.Render(view)
            middle = time.perf_counter()
            process_events(0)
            seconds = time.perf_counter() - start
            entry = {"t": t, "seconds": seconds, "python_s": middle - start, "events_s": seconds - (middle - start)}
            if kind == "ours":
                reader.UpdatePropertyInformation()
                entry["frame"] = int(reader.GetPropertyValue("CurrentFrameInfo"))
            results["time_changes"].append(entry)
            emit(event="end", phase="time_change", index=i, rss_kb=rss_kb(), **entry)
            save()

        if scrub_cue is not None:
            start = time.perf_counter()
            scrub_cue.InvokeCommand("EndScrub")
            scene.AnimationTime = t
            process_events(0)
            results["phases"]["end_scrub"] = {"seconds": time.perf_counter() - start}
            save()
        # Where a time change goes: the same steps taken one at a time (medians of 10). The reader is
        # brought to t first, so "set_time" is the rest of ParaView's reaction to the new time
        # (TimeKeeper, view time, representation update of the already-read frame, GUI time widgets).
        steps = {"reader_update_s": [], "set_time_s": [], "render_s": [], "events_s": []}
        for _ in range(min(10, changes)):
            t = rng.uniform(first, last)
            start = time.perf_counter()
            if reader is not None:
                reader.UpdatePipeline(t)  # the reader's RequestData + data information gathering
            a = time.perf_counter()
            scene.AnimationTime = t
            b = time.perf_counter()
            simple.Render(view)  # OpenGL render (and anything still pending)
            c = time.perf_counter()
            process_events(0)
            d = time.perf_counter()
            for key, value in zip(steps, (a - start, b - a, c - b, d - c)):
                steps[key].append(value)
        results["breakdown"] = {key: statistics.median(values) for key, values in steps.items() if values}
        save()

        samples = [c["seconds"] for c in results["time_changes"]]
        if samples:
            ordered = sorted(samples)
            results["time_change_median_s"] = statistics.median(samples)
            results["time_change_p99_s"] = ordered[min(len(ordered), max(1, -(-99 * len(ordered) // 100))) - 1]
        results["rss_added_end_kb"] = rss_kb() - rss_before
        results["hwm_kb"] = rss_kb("VmHWM")
        results["ok"] = True
        save()
        emit(event="done", rss_added_kb=results["rss_added_end_kb"], hwm_kb=results["hwm_kb"], rss_before_kb=rss_before)
        code = 0
    except Exception:  # noqa: BLE001 - report anything, then leave
        results["error"] = traceback.format_exc()
        save()
        emit(event="done", error=results["error"])
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# ---------------------------------------------------------------------------------------------
# Driver (plain python3)

def driver():
    import argparse

    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    from bench_open import drop_page_cache, monitor, percentile

    parser = argparse.ArgumentParser(description="Time-change latency in the ParaView GUI (one process per run).")
    parser.add_argument("--driver", action="store_true")
    parser.add_argument("--case", action="append", default=[], metavar="READER:LABEL=PATH",
                        help="e.g. ours:3.6M=/work/bench-data/np-3600k-50x50.nsp (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=50, help="time changes per run (50)")
    parser.add_argument("--stock-changes", default="", metavar="LABEL=N,...",
                        help="fewer changes for slow stock cases, e.g. 360k=20,3.6M=5")
    parser.add_argument("--stock-runs", default="", metavar="LABEL=N,...", help="fewer runs, e.g. 3.6M=1")
    parser.add_argument("--baseline-runs", type=int, default=3, help="runs of the rangeonly/sphere/empty baselines")
    parser.add_argument("--baseline-changes", type=int, default=30, help="time changes per baseline run")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds allowed per phase / per time change")
    parser.add_argument("--paraview", default=os.environ.get("PARAVIEW", "paraview"))
    parser.add_argument("--drop-caches", action="store_true")
    parser.add_argument("--interleave", action="store_true",
                        help="run 0 of every case, then run 1 of every case, ... (fairer under drifting load)")
    parser.add_argument("--out", default="/work/bench-data/results/gui.json")
    args = parser.parse_args()

    def mapping(text):
        return {k: int(v) for k, v in (item.split("=") for item in text.split(",") if item)}

    stock_changes, stock_runs = mapping(args.stock_changes), mapping(args.stock_runs)
    work_dir = os.path.join(os.path.dirname(os.path.abspath(args.out)), "gui-runs")
    os.makedirs(work_dir, exist_ok=True)
    cases = []
    for item in args.case or ["ours:3.6M=/work/bench-data/np-3600k-50x50.nsp"]:
        kind, _, rest = item.partition(":")
        label, _, path = rest.partition("=")
        if kind not in ("ours", "stock", "rangeonly", "sphere", "empty") or not os.path.exists(path):
            sys.exit(f"bench_gui_time_change.py: bad --case {item!r} (READER:LABEL=PATH of an existing file)")
        cases.append((kind, label, os.path.abspath(path)))

    all_runs = []
    summary = {}
    plan = {}  # (kind, label, path) -> (runs, changes)
    for kind, label, path in cases:
        runs = stock_runs.get(label, args.runs) if kind == "stock" else args.runs
        changes = stock_changes.get(label, args.changes) if kind == "stock" else args.changes
        if kind in ("rangeonly", "sphere", "empty"):
            runs, changes = min(runs, args.baseline_runs), min(changes, args.baseline_changes)
        plan[(kind, label, path)] = (runs, changes)
    # Case by case, or (--interleave) run 0 of every case, then run 1 of every case, ... so that
    # slow drifts in the machine's load hit every case alike.
    order = ([(case, run) for run in range(max(r for r, _ in plan.values())) for case in cases
              if run < plan[case][0]] if args.interleave
             else [(case, run) for case in cases for run in range(plan[case][0])])
    results_by_case = {case: [] for case in cases}
    stopped = set()
    for (kind, label, path), run in order:
        case = (kind, label, path)
        if case in stopped:
            continue
        changes = plan[case][1]
        stem = os.path.join(work_dir, f"{kind}-{label}-run{run}")
        env = dict(os.environ, NEUROPLAYBACK_GUI_BENCH_OUT=stem + ".json", NEUROPLAYBACK_GUI_BENCH_SESSION=path,
                   NEUROPLAYBACK_GUI_BENCH_READER=kind, NEUROPLAYBACK_GUI_BENCH_CHANGES=str(changes),
                   NEUROPLAYBACK_GUI_BENCH_SEED=str(100 + run), NEUROPLAYBACK_GUI_BENCH_PROGRESS=stem + ".jsonl",
                   NEUROPLAYBACK_GUI_BENCH_DIR=HERE)
        for stale in (stem + ".json",):
            if os.path.exists(stale):
                os.remove(stale)
        if args.drop_caches:
            drop_page_cache()
        command = [os.path.join(HERE, "..", "scripts", "with-xvfb.sh"), args.paraview, "--dr",
                   "--script=" + os.path.join(HERE, "bench_gui_time_change.py")]
        started = time.time()
        result = monitor(command, stem + ".jsonl", stem + ".log", args.cap, env=env)
        detail = {}
        if os.path.exists(stem + ".json"):
            with open(stem + ".json") as handle:
                detail = json.load(handle)
        result.update({"kind": kind, "label": label, "path": path, "run": run, "detail": detail,
                       "load_average": os.getloadavg()})
        results_by_case[case].append(result)
        all_runs.append(result)
        samples = [c["seconds"] for c in result["time_changes"]]
        status = (f"timeout in {result['timeout']['phase']}" if result["timeout"]
                  else "error" if detail.get("error") else f"exit {result['exit']}")
        print(f"[bench_gui] {kind:5} {label:>5} run {run}: {status}; open "
              f"{result['phases'].get('open', {}).get('seconds', float('nan')):.3f} s, first frame "
              f"{result['phases'].get('show_render', {}).get('seconds', float('nan')):.3f} s, "
              f"{len(samples)} changes, median "
              f"{(statistics.median(samples) * 1000 if samples else float('nan')):.1f} ms "
              f"({time.time() - started:.0f} s wall, load {os.getloadavg()[0]:.2f})", flush=True)
        if result["timeout"] or detail.get("error"):
            if detail.get("error"):
                print(detail["error"], flush=True)
            stopped.add(case)  # more runs would only hit the same cap

    for (kind, label, path) in cases:
        case_runs = results_by_case[(kind, label, path)]
        samples = [c["seconds"] for r in case_runs for c in r["time_changes"]]
        python_only = [c["python_s"] for r in case_runs for c in r["time_changes"]]
        per_run_medians = [statistics.median([c["seconds"] for c in r["time_changes"]])
                           for r in case_runs if r["time_changes"]]

        def phase_median(name):
            values = [r["phases"][name]["seconds"] for r in case_runs if name in r["phases"]]
            return statistics.median(values) if values else None

        timeouts = [r["timeout"] for r in case_runs if r["timeout"]]
        summary[f"{label}/{kind}"] = {
            "runs": len(case_runs),
            "time_changes": len(samples),
            "time_change_median_s": statistics.median(samples) if samples else None,
            "time_change_p99_s": percentile(samples, 99),
            "median_of_run_medians_s": statistics.median(per_run_medians) if per_run_medians else None,
            "python_part_median_s": statistics.median(python_only) if python_only else None,
            "open_s": phase_median("open"),
            "show_render_s": phase_median("show_render"),
            "scene_s": phase_median("scene"),
            "rss_added_first_frame_mb": (statistics.median(
                [r["phases"]["show_render"]["rss_added_kb"] for r in case_runs if "show_render" in r["phases"]]) / 1024.0
                if any("show_render" in r["phases"] for r in case_runs) else None),
            "breakdown": {key: statistics.median([r["detail"]["breakdown"][key] for r in case_runs
                                                 if r["detail"].get("breakdown")])
                          for key in ("reader_update_s", "set_time_s", "render_s", "events_s")}
            if any(r["detail"].get("breakdown") for r in case_runs) else None,
            "render_only_s": statistics.median([r["detail"]["phases"]["render_only"]["seconds"] for r in case_runs
                                                if "render_only" in r["detail"].get("phases", {})])
            if any("render_only" in r["detail"].get("phases", {}) for r in case_runs) else None,
            "view_size": next((r["detail"].get("view_size") for r in case_runs if r["detail"].get("view_size")), None),
            "timeout": timeouts[0] if timeouts else None,
            "cap_s": args.cap,
        }
        with open(args.out, "w") as handle:
            json.dump({"runs": all_runs, "summary": summary, "cap_s": args.cap}, handle, indent=1)

    print()
    print("GUI (paraview --dr, Xvfb 1280x1024): time change = AnimationTime = t; Render(); process Qt events")
    header = ("case", "runs", "changes", "open", "first frame", "scene setup", "median", "p99", "python part")
    rows = [header]

    def fmt(value, entry, phases):
        if value is None:
            timeout = entry.get("timeout")
            if timeout and timeout["phase"] in phases:
                return f"> {entry['cap_s']:.0f} s"
            return "n/a"
        return f"{value * 1000:.1f} ms" if value < 1.0 else f"{value:.2f} s"

    for key, e in summary.items():
        rows.append((key, str(e["runs"]), str(e["time_changes"]),
                     fmt(e["open_s"], e, {"open"}), fmt(e["show_render_s"], e, {"open", "show_render"}),
                     fmt(e["scene_s"], e, {"open", "show_render", "scene"}),
                     fmt(e["time_change_median_s"], e, {"open", "show_render", "scene", "time_change"}),
                     fmt(e["time_change_p99_s"], e, {"open", "show_render", "scene", "time_change"}),
                     fmt(e["python_part_median_s"], e, {"open", "show_render", "scene", "time_change"})))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\n[bench_gui] results: {args.out}")


if _in_gui():
    gui_main()
elif __name__ == "__main__":
    driver()
