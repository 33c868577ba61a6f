"""One line chart's redraw on the playback cue's direct path (the view's own time, update and render), with
ParaView's 4x multisampling (as a stopped chart draws) and without it (as the cue draws a moving chart).

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback scripts/with-xvfb.sh \
        pvpython Benchmarks/bench_chart_redraw.py Data/sample.nsp --runs 3 --redraws 60

The two settings alternate within each run, in one process, on the session's first chart (844x200, as
under the GUI's render view). Printed: wall and process CPU (all threads, llvmpipe's included) per redraw,
and the update / render split of the wall time; the medians of the runs last.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Python"))
from paraview import simple  # noqa: E402

from neuroplayback.paraview import open_session, show_time_series  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redraws", type=int, default=60)
    args = parser.parse_args()
    reader = open_session(args.session)
    shown = show_time_series(reader, simple.CreateRenderView())
    if not shown:
        sys.exit(f"{args.session} has no time series to chart")
    chart = shown[0][0]
    chart.ViewSize = [844, 200]
    simple.Render(chart)
    window = chart.GetRenderWindow()
    view = chart.GetClientSideObject()
    simple.GetTimeKeeper().GetClientSideObject().RemoveView(chart.SMProxy)  # as the cue does while playing
    state = {"t": 1.0}

    def redraws(samples):
        update = render = 0.0
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(args.redraws):
            state["t"] += 0.04
            a = time.perf_counter()
            view.SetViewTime(state["t"])
            view.Update()
            b = time.perf_counter()
            chart.SMProxy.StillRender()
            update += b - a
            render += time.perf_counter() - b
        n = args.redraws
        return {"wall_ms": 1e3 * (time.perf_counter() - wall0) / n, "cpu_ms": 1e3 * (time.process_time() - cpu0) / n,
                "update_ms": 1e3 * update / n, "render_ms": 1e3 * render / n, "multisamples": samples}

    results = {4: [], 0: []}
    for run in range(args.runs):
        for samples in (4, 0):
            window.SetMultiSamples(samples)
            redraws(samples)  # warm-up: the framebuffers are remade for the new setting
            r = redraws(samples)
            results[samples].append(r)
            print(f"run {run + 1} multisamples {samples}: wall {r['wall_ms']:.1f} ms (update {r['update_ms']:.1f}, "
                  f"render {r['render_ms']:.1f}), CPU {r['cpu_ms']:.1f} ms per redraw", flush=True)
    for samples, rs in results.items():
        print(f"median, multisamples {samples}: wall {statistics.median(r['wall_ms'] for r in rs):.1f} ms, "
              f"CPU {statistics.median(r['cpu_ms'] for r in rs):.1f} ms per redraw")


if __name__ == "__main__":
    main()
