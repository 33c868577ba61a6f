"""Per-frame cost of the overlays in pvpython, end to end: the reader builds the frame (field and
every overlay port), ParaView updates the representations, and the view renders.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback xvfb-run -a pvpython \
        Benchmarks/bench_overlays.py /work/bench-data/np-3600k-50x50.nsp --runs 3 --out overlays.json

Configurations, measured in one process and interleaved per run so they share the machine state:
  field          the field alone (every overlay display hidden)
  +<overlay>     the field and one overlay port
  all            the field and every overlay, as show_session shows a session
One step is what 1x playback does between displayed frames at 30 fps: the next frame time about
1/30 s later; then GetTimeKeeper().Time = t and Render(). The median step time per configuration is
reported; the overlay's own cost is its median minus the field-only median.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Python"))
from paraview import simple  # noqa: E402

from neuroplayback.paraview import OVERLAY_PORTS, open_session, session_info, show_overlays, show_session  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("session")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--out")
    parser.add_argument("--depth-peeling", type=int, default=None,
                        help="force the view's DepthPeeling (default: as show_session leaves it)")
    args = parser.parse_args()

    reader = open_session(args.session)
    info = session_info(reader)
    view = simple.CreateRenderView()
    view.ViewSize = [800, 600]
    field = show_session(reader, view)
    overlays = show_overlays(reader, view)
    if args.depth_peeling is not None:
        view.DepthPeeling = args.depth_peeling
    shown = {name: display.Visibility for name, display in overlays.items()}
    names = [n for n in OVERLAY_PORTS if shown[n] and n not in ("Regions", "Scale Bar", "Annotation")]
    configs = ["field"] + ["+" + n for n in names] + ["all"]
    first, last = info["time_range"]
    results = {c: [] for c in configs}
    start = first + 0.37 * (last - first)
    for run in range(args.runs):
        for config in configs:
            for name, display in overlays.items():
                display.Visibility = shown[name] if config == "all" else int(config == "+" + name)
            t = start + run * 600.0  # each run plays a fresh 2 s stretch, 10 minutes further on
            simple.GetTimeKeeper().Time = t
            simple.Render(view)
            steps = []
            for _ in range(args.steps):
                t += 1.0 / 30.0
                begin = time.perf_counter()
                simple.GetTimeKeeper().Time = t
                simple.Render(view)
                steps.append(time.perf_counter() - begin)
            results[config].append(statistics.median(steps) * 1000.0)
            print(f"run {run} {config:20s} {results[config][-1]:7.2f} ms", flush=True)
    field_ms = statistics.median(results["field"])
    summary = {c: {"median_ms": statistics.median(v), "runs_ms": v,
                   "overlay_cost_ms": statistics.median(v) - field_ms} for c, v in results.items()}
    report = {"session": args.session, "frames": info["frames"], "runs": args.runs, "steps": args.steps,
              "configs": summary}
    print(json.dumps(report, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)
    simple.Delete(view)


main()
