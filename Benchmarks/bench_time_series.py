"""Per-frame cost of the time series charts in pvpython, against reading the whole series into a table.

    PV_PLUGIN_PATH=build-main/lib/paraview-5.11/plugins/NeuroPlayback PYTHONPATH=Python \
    scripts/with-xvfb.sh pvpython --force-offscreen-rendering \
        Benchmarks/bench_time_series.py /work/bench-data/np-3600k-ts.nsp --runs 5 --frames 200 \
        --out /work/bench-data/results/time_series.json

The session must hold a time series (default "speed", as neuroplayback-generate writes it) with its
summary. A chart's window is the series' window_seconds attribute, so for each window (2 s and 600 s)
the script writes a tiny wrapper session beside it (--work, default <session dir>/ts-wrappers): HDF5
external links to the session's /environment, /time and /fields and to the series' datasets, plus a
/overlays/<series> group with the attributes and window_seconds changed. The session itself is only read;
the wrappers hold only that one overlay, so the reader builds the field and the readout, nothing else.

Measured, in one process, interleaved per run (every loop starts at a fresh random point, so one loop
does not warm the blocks of the next):
  reader (vtk)     the reader's VTK update at t (builtin session, GetClientSideObject().UpdateTimeStep):
                   the field frame and the annotation readout; the baseline the time series adds to.
  filter (vtk)     the Time Series filter's VTK update at t with the reader already there: the window's
                   table and CurrentValue. This is the time series' own per-frame cost.
  reader, filter   the same through the server manager (reader.UpdatePipeline(t), then
                   series.UpdatePipeline(t)), as a pvpython script sees them; with a chart showing the
                   filter, the filter's includes ParaView gathering its data information.
  reader+filter    series.UpdatePipeline(t) at a new t: both, through the server manager.
  chart            end to end: GetTimeKeeper().Time = t, view.Update() (reader, filter, chart
                   representation), view.StillRender() of a chart view 800 x 300 showing the filter styled
                   as show_time_series() styles it; split into "set time", "update" and "render".
  chart: render only   StillRender() with nothing changed: the floor of any chart on this machine.
for sequential frames (1x playback drawing every frame: t advances by 1/rate) and random seeks.
Stock alternative (what a user would otherwise do: the whole series as one table in a line chart):
  stock_read      h5py read of the whole series (times and values) into a vtkTable
  stock_first     the first render of a line chart (800 x 300) showing that table
  stock_frame     per frame: GetTimeKeeper().Time = t; Render() (the time marker moves, every point redrawn)
  stock_scroll_W  per frame, the chart's x-range also set to the W-second window around t (to see it)
PlotDataOverTime on the reader would execute the reader once per time step; its lower bound is printed
as frames x the reader's median.
Per configuration: the median of the per-run medians, the p95 and max of all frames, in ms.
"""
import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from paraview import servermanager, simple  # noqa: E402
from paraview.vtk.util.numpy_support import numpy_to_vtk  # noqa: E402
from vtkmodules.vtkCommonDataModel import vtkTable  # noqa: E402

from neuroplayback.paraview import _set_from_text, chart_hints, open_session, session_info, time_series  # noqa: E402


def machine():
    model = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory = info.readline().split()[1]
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gb": round(int(memory) / 2**20, 1),
            "kernel": platform.release(), "paraview": simple.GetParaViewVersion().GetVersion()
            if hasattr(simple.GetParaViewVersion(), "GetVersion") else str(simple.GetParaViewVersion()),
            "loadavg": os.getloadavg()}


def write_wrapper(session, series, window, folder):
    """A session of external links to `session`, holding only `series` with window_seconds = window."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{os.path.splitext(os.path.basename(session))[0]}-{series}-w{window:g}.nsp")
    source = os.path.abspath(session)
    with h5py.File(source, "r") as src, h5py.File(path, "w") as out:
        if "summary" not in src["overlays"][series]:
            print(f"warning: /overlays/{series} has no summary: wide windows read every sample", flush=True)
        for key, value in src.attrs.items():
            out.attrs[key] = value
        for group in ("environment", "fields", "time"):
            out[group] = h5py.ExternalLink(source, "/" + group)
        group = out.create_group("overlays").create_group(series)
        for key, value in src["overlays"][series].attrs.items():
            group.attrs[key] = value
        group.attrs["window_seconds"] = float(window)
        for key in src["overlays"][series]:
            group[key] = h5py.ExternalLink(source, f"/overlays/{series}/{key}")
    return path


def chart_view(size):
    view = simple.CreateView("XYChartView")
    view.ViewSize = list(size)
    return view


def show_styled(series, view):
    """Shows the filter in the chart as show_time_series() does (the first chart's hints)."""
    hints = chart_hints(series)[0]
    display = simple.Show(series, view)
    for name, text in hints["display"]:
        _set_from_text(display, name, text, "|")
    for name, text in hints["view"]:
        _set_from_text(view, name, text, "|")
    return display


def timed(step, times):
    samples = []
    for t in times:
        begin = time.perf_counter()
        step(t)
        samples.append(time.perf_counter() - begin)
    return samples


def summarize(runs):
    """runs: [[seconds per frame] per run] -> ms figures."""
    pooled = sorted(s for run in runs for s in run)
    p95 = pooled[min(len(pooled) - 1, int(round(0.95 * (len(pooled) - 1))))]
    return {"median_ms": 1e3 * statistics.median(statistics.median(r) for r in runs),
            "run_medians_ms": [1e3 * statistics.median(r) for r in runs],
            "p95_ms": 1e3 * p95, "max_ms": 1e3 * pooled[-1], "frames": len(pooled)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("session")
    parser.add_argument("--series", default="speed")
    parser.add_argument("--windows", type=float, nargs="+", default=[2.0, 600.0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--stock-frames", type=int, default=3, help="per-frame renders of the whole-series chart per run")
    parser.add_argument("--work", help="folder for the wrapper sessions (default: <session dir>/ts-wrappers)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-stock", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()

    repo = os.path.dirname(HERE)
    work = os.path.abspath(args.work or os.path.join(os.path.dirname(os.path.abspath(args.session)), "ts-wrappers"))
    if work == repo or work.startswith(repo + os.sep):
        sys.exit(f"--work must be outside the repository ({repo})")
    rng = random.Random(args.seed)
    report = {"session": args.session, "series": args.series, "runs": args.runs, "frames": args.frames,
              "machine": machine(), "command": " ".join(sys.argv), "configs": {}}
    print(json.dumps(report["machine"]), flush=True)

    # One reader, filter and chart per window.
    setups = {}
    for window in args.windows:
        path = write_wrapper(args.session, args.series, window, work)
        begin = time.perf_counter()
        reader = open_session(path)
        series = time_series(reader)
        series.UpdatePipelineInformation()
        view = chart_view((800, 300))
        show_styled(series, view)
        info = session_info(reader)
        first, last = info["time_range"]
        simple.GetTimeKeeper().Time = first + 0.5 * (last - first)
        simple.Render(view)
        setups[window] = {"reader": reader, "series": series, "view": view, "rate": info["rate_hz"],
                          "range": (first, last), "open_s": time.perf_counter() - begin}
        print(f"window {window:g} s: {path} opened and first chart shown in {setups[window]['open_s']:.2f} s", flush=True)
    frames_total = info["frames"]
    caps = next(iter(setups.values()))["view"].GetRenderWindow().ReportCapabilities()
    report["machine"]["gl"] = "; ".join(line.split(":", 1)[1].strip() for line in caps.splitlines()
                                        if line.startswith(("OpenGL renderer", "OpenGL version")))
    print(f"OpenGL: {report['machine']['gl']}", flush=True)

    def frame_times(setup, mode):
        first, last = setup["range"]
        if mode == "seek":
            return [rng.uniform(first + 1, last - 1) for _ in range(args.frames)]
        start = rng.uniform(first + 0.05 * (last - first), last - 0.05 * (last - first))
        return [start + i / setup["rate"] for i in range(args.frames)]

    results = {}

    def record(key, samples):
        results.setdefault(key, []).append(samples)
        return 1e3 * statistics.median(samples)

    for run in range(args.runs):
        for window, setup in setups.items():
            reader, series, view = setup["reader"], setup["series"], setup["view"]
            reader_vtk, series_vtk = reader.GetClientSideObject(), series.GetClientSideObject()
            for mode in ("sequential", "seek"):
                key = f"{window:g}s {mode}"
                line = []
                # VTK level (builtin session): the reader's and then the filter's RequestData and executive.
                split = {"reader (vtk)": [], "filter (vtk)": []}
                for t in frame_times(setup, mode):
                    begin = time.perf_counter()
                    reader_vtk.UpdateTimeStep(t)
                    middle = time.perf_counter()
                    series_vtk.UpdateTimeStep(t)
                    split["reader (vtk)"].append(middle - begin)
                    split["filter (vtk)"].append(time.perf_counter() - middle)
                # Server manager level, as a pvpython script sees it (with the chart's data information).
                split.update({"reader": [], "filter": []})
                for t in frame_times(setup, mode):
                    begin = time.perf_counter()
                    reader.UpdatePipeline(t)
                    middle = time.perf_counter()
                    series.UpdatePipeline(t)
                    split["reader"].append(middle - begin)
                    split["filter"].append(time.perf_counter() - middle)
                split["reader+filter"] = timed(lambda t: series.UpdatePipeline(t), frame_times(setup, mode))
                # End to end: the time changes and the chart view updates and renders.
                split.update({"chart": [], "chart: set time": [], "chart: update": [], "chart: render": []})
                for t in frame_times(setup, mode):
                    begin = time.perf_counter()
                    simple.GetTimeKeeper().Time = t
                    set_time = time.perf_counter()
                    view.Update()
                    updated = time.perf_counter()
                    view.StillRender()
                    end = time.perf_counter()
                    split["chart"].append(end - begin)
                    split["chart: set time"].append(set_time - begin)
                    split["chart: update"].append(updated - set_time)
                    split["chart: render"].append(end - updated)
                for name, samples in split.items():
                    line.append(f"{name} {record(f'{name} {key}', samples):.3f}")
                print(f"run {run} {key:16s} " + "  ".join(line) + " ms", flush=True)
            # The floor of any chart: rendering it again with nothing changed.
            record(f"chart: render only {window:g}s", timed(lambda t: view.StillRender(), range(args.frames)))
    rows = {w: servermanager.Fetch(s["series"]).GetBlock(0).GetNumberOfRows() for w, s in setups.items()}
    for key, runs in results.items():
        report["configs"][key] = summarize(runs)
    report["rows_per_table"] = {f"{w:g}s": r for w, r in rows.items()}
    for window, setup in setups.items():
        setup["series"].UpdatePropertyInformation()
        report.setdefault("rows_read_total", {})[f"{window:g}s"] = int(setup["series"].GetPropertyValue("RowsReadInfo"))

    if not args.no_stock:
        stock = {}
        begin = time.perf_counter()
        with h5py.File(args.session, "r") as f:
            times = f["overlays"][args.series]["times"][...]
            values = f["overlays"][args.series]["values"][...]
        table = vtkTable()
        for name, column in (("Time", times), (args.series, values)):
            array = numpy_to_vtk(column, deep=1)
            array.SetName(name)
            table.AddColumn(array)
        producer = simple.PVTrivialProducer(registrationName="whole series")
        producer.GetClientSideObject().SetOutput(table)
        producer.UpdatePipeline()
        stock["stock_read"] = time.perf_counter() - begin
        view = chart_view((800, 300))
        display = simple.Show(producer, view)
        display.UseIndexForXAxis = 0
        display.XArrayName = "Time"
        display.SeriesVisibility = [args.series, "1"]
        begin = time.perf_counter()
        simple.Render(view)
        stock["stock_first"] = time.perf_counter() - begin
        print(f"stock: {len(times)} samples read into a table in {stock['stock_read']:.3f} s, "
              f"first chart render {stock['stock_first']:.3f} s", flush=True)
        report["configs"]["stock_read"] = {"median_ms": 1e3 * stock["stock_read"], "frames": 1}
        report["configs"]["stock_first"] = {"median_ms": 1e3 * stock["stock_first"], "frames": 1}
        first, last = float(times[0]), float(times[-1])
        rate = (len(times) - 1) / (last - first)
        stock_runs = {}
        for run in range(args.runs):
            start = rng.uniform(first + 0.05 * (last - first), last - 0.05 * (last - first))
            ts = [start + i / rate for i in range(args.stock_frames)]
            view.BottomAxisUseCustomRange = 0

            def step(t):
                simple.GetTimeKeeper().Time = t
                simple.Render(view)
            stock_runs.setdefault("stock_frame", []).append(timed(step, ts))
            for window in args.windows:
                view.BottomAxisUseCustomRange = 1

                def scroll(t, half=0.5 * window):
                    simple.GetTimeKeeper().Time = t
                    view.BottomAxisRangeMinimum = t - half
                    view.BottomAxisRangeMaximum = t + half
                    simple.Render(view)
                stock_runs.setdefault(f"stock_scroll_{window:g}s", []).append(timed(scroll, ts))
            print(f"run {run} stock frame {1e3 * statistics.median(stock_runs['stock_frame'][-1]):9.1f} ms  " +
                  "  ".join(f"scroll {w:g}s {1e3 * statistics.median(stock_runs[f'stock_scroll_{w:g}s'][-1]):9.1f} ms"
                            for w in args.windows), flush=True)
        for key, runs in stock_runs.items():
            report["configs"][key] = summarize(runs)
        simple.Delete(view)
        simple.Delete(producer)
    reader_median = min(report["configs"][k]["median_ms"] for k in report["configs"] if k.startswith("reader (vtk) "))
    report["plot_data_over_time_lower_bound_s"] = frames_total * reader_median / 1e3

    report["machine"]["loadavg_end"] = os.getloadavg()
    print(f"\n{'configuration':34s} {'median ms':>10s} {'p95 ms':>10s} {'max ms':>10s} {'frames':>7s}")
    for key, figures in report["configs"].items():
        print(f"{key:34s} {figures['median_ms']:10.3f} {figures.get('p95_ms', float('nan')):10.3f} "
              f"{figures.get('max_ms', float('nan')):10.3f} {figures['frames']:7d}")
    print(f"rows per table: {report['rows_per_table']}; rows read in total: {report['rows_read_total']}")
    print(f"PlotDataOverTime lower bound: {frames_total} frames x reader median = "
          f"{report['plot_data_over_time_lower_bound_s']:.0f} s")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)
    for setup in setups.values():
        simple.Delete(setup["view"])
    for setup in setups.values():
        simple.Delete(setup["series"])
        simple.Delete(setup["reader"])


main()
