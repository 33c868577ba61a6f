"""Per-frame cost of the overlays in pvpython, end to end: the reader builds the frame (field and
every overlay port), ParaView updates the representations, and the view renders.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback scripts/with-xvfb.sh pvpython \
        Benchmarks/bench_overlays.py /work/bench-data/np-3600k-50x50.nsp --runs 3 --out overlays.json

Configurations, measured in one process and interleaved per run so they share the machine state:
  field          the field alone (the overlay and annotation displays hidden)
  +<overlay>     the field and one overlay (the overlay display with only that overlay visible)
  all            the field, every overlay and the annotation, as show_session shows a session
One step is what a script stepping through time does: the next frame time about 1/30 s later; then
GetTimeKeeper().Time = t and Render() (the full ParaView update, not the playback cue's direct path).
The median step time per configuration is reported; the overlay's own cost is its median minus the
field-only median. The previous design (one port and display per overlay) is measured by running this
script of that checkout with its plugin (see docs/benchmarks.md §12).
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Python"))
from paraview import simple  # noqa: E402

from neuroplayback.paraview import (OVERLAYS, open_session, overlay_property, session_info,  # noqa: E402
                                    show_overlays, show_session)


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
    displays = show_overlays(reader, view)
    overlays = displays["Overlays"]
    if args.depth_peeling is not None:
        view.DepthPeeling = args.depth_peeling
    simple.Render(view)  # the overlay display learns which overlays the session has when it first draws
    overlays.UpdatePropertyInformation()
    present = int(overlays.GetPropertyValue("PresentOverlaysInfo"))
    names = [n for k, n in enumerate(OVERLAYS) if present & (1 << k) and n not in ("Regions", "Scale Bar")]
    configs = ["field"] + ["+" + n for n in names] + ["all"]
    first, last = info["time_range"]
    results = {c: [] for c in configs}
    start = first + 0.37 * (last - first)
    for run in range(args.runs):
        for config in configs:
            overlays.Visibility = int(config != "field")
            overlays.AnnotationVisibility = int(config == "all")
            for name in OVERLAYS:
                setattr(overlays, overlay_property(name, "Visibility"), int(config in ("all", "+" + name)))
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
