"""What each part of the arena costs per played frame, on the playback cue's direct path (the view's own
time, update and render; no proxy-level update), by hiding one part at a time.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback scripts/with-xvfb.sh \
        pvpython Benchmarks/bench_frame_parts.py Data/sample.nsp --height 292 --rounds 3 --out parts.json

Per frame, three clocks: wall time, the main thread's CPU time, and the whole process's CPU time
(llvmpipe rasterises on its own threads). Each round measures every configuration once, in order, so
the configurations share the machine's state ("everything" at both ends of a round); the median over rounds is reported with what hiding the
part saves against "everything". CPU times are steadier than wall time on a shared machine.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Python"))
from paraview import simple  # noqa: E402

from neuroplayback.paraview import open_session, session_info, show_session  # noqa: E402

OVERLAY_LAYERS = ["Position", "Trails", "Bodyparts", "Skeleton", "HeadDirection", "Events", "Regions",
                  "ScaleBar", "EventLegend", "Annotation"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session")
    parser.add_argument("--width", type=int, default=844)
    parser.add_argument("--height", type=int, default=292, help="292: the GUI's arena above two charts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--layers", action="store_true", help="also hide each overlay layer on its own")
    parser.add_argument("--out")
    args = parser.parse_args()

    reader = open_session(args.session)
    view = simple.CreateRenderView()
    view.ViewSize = [args.width, args.height]
    show_session(reader, view, time_series=False, video=True)
    simple.Render(view)
    first, last = session_info(reader)["time_range"]
    view_object = view.GetClientSideObject()
    # As the cue does while playing: the view leaves the time keeper and is driven directly.
    simple.GetTimeKeeper().GetClientSideObject().RemoveView(view.SMProxy)
    state = {"t": first}

    def frame():
        state["t"] += 0.04
        if state["t"] > last:
            state["t"] = first
        view_object.SetViewTime(state["t"])
        view_object.Update()
        view.SMProxy.StillRender()

    def measure():
        for _ in range(3):
            frame()
        wall, main, process = time.perf_counter(), time.thread_time(), sum(os.times()[:2])
        for _ in range(args.frames):
            frame()
        n = args.frames
        return [1000 * (time.perf_counter() - wall) / n, 1000 * (time.thread_time() - main) / n,
                1000 * (sum(os.times()[:2]) - process) / n]

    def displays(source_xml):
        return [d for d in view.Representations if d.GetXMLName() == "UniformGridRepresentation"
                and d.Input.GetXMLName() == source_xml]

    overlays = next(d for d in view.Representations if d.GetXMLName() == "NeuroOverlayRepresentation")
    parts = {"field": [(d, "Visibility") for d in displays("NeuroSessionReader")],
             "video": [(d, "Visibility") for d in displays("NeuroVideo")] + [(overlays, "VideoVisibility")],
             "colour legend": [(simple.GetScalarBar(simple.GetColorTransferFunction(
                 reader.PointData.keys()[0] if reader.PointData.keys() else reader.CellData.keys()[0]), view),
                 "Visibility")],
             "overlay display": [(overlays, "Visibility")]}
    if args.layers:
        for layer in OVERLAY_LAYERS:
            parts["overlay " + layer] = [(overlays, layer + "Visibility")]
    results = {"everything": []}
    for _ in range(args.rounds):
        results["everything"].append(measure())
        for name, switches in parts.items():
            for proxy, prop in switches:
                proxy.SetPropertyWithName(prop, 0)
            results.setdefault(name, []).append(measure())
            for proxy, prop in switches:
                proxy.SetPropertyWithName(prop, 1)
        results["everything"].append(measure())  # at both ends of a round, so drift within it cancels

    def medians(rows):
        return [statistics.median(r[i] for r in rows) for i in range(3)]

    base = medians(results["everything"])
    print("%-24s %8s %8s %10s   %s" % ("hidden", "wall ms", "main ms", "process ms", "saves (wall / main / process)"))
    summary = {}
    for name, rows in results.items():
        m = medians(rows)
        summary[name] = {"wall_ms": m[0], "main_cpu_ms": m[1], "process_cpu_ms": m[2], "runs": rows}
        print("%-24s %8.1f %8.1f %10.1f   %5.1f / %5.1f / %5.1f" % (name, *m, *[b - x for b, x in zip(base, m)]))
    if args.out:
        with open(args.out, "w") as handle:
            json.dump({"session": args.session, "view_size": [args.width, args.height], "rounds": args.rounds,
                       "frames": args.frames, "results": summary}, handle, indent=1)


if __name__ == "__main__":
    main()
