"""Cost of the pvpython helpers on a long session, beside what a user would otherwise write with h5py.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback PYTHONPATH=Python \
    scripts/with-xvfb.sh pvpython --force-offscreen-rendering \
        Benchmarks/bench_helpers.py /work/bench-data/np-3600k-50x50.nsp --runs 5 \
        --out /work/bench-data/results/helpers.json

Measured in one process, the two sides interleaved in every run:
  estimate (warm/cold)   estimate_color_range(reader, frames=1000): 1000 random frames, 1st/99th
                         percentiles, through the reader's Query property (the call as a script sees it)
  h5py estimate          the same with h5py: dataset[sorted random frames] then np.nanpercentile
  next_event / previous_event   a jump from a random time to the next or previous spike of any unit
  h5py next event        load every unit's spike times, then np.searchsorted (a script without the plugin)
"cold" drops the page cache first (echo 3 > /proc/sys/vm/drop_caches; needs root, else it is skipped).
Per configuration: the median of the runs, and min/max, in ms.
"""
import argparse
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from paraview import simple  # noqa: E402

from bench_support import drop_caches, finish, machine, print_run, summary  # noqa: E402
from neuroplayback.paraview import (estimate_color_range, next_event, open_session, previous_event,  # noqa: E402
                                    session_info)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000.0, result


def h5py_estimate(path, field, frames, seed):
    with h5py.File(path, "r") as f:
        data = f["fields"][field]
        rng = np.random.default_rng(seed)
        picks = np.unique(rng.integers(0, data.shape[0], frames))
        values = data[picks]
        return tuple(np.nanpercentile(values, [1, 99]))


def h5py_next_event(path, t):
    with h5py.File(path, "r") as f:
        best = np.inf
        group = f["overlays"]["spikes"]
        for name in group:
            if isinstance(group[name], h5py.Group) and "times" in group[name]:
                times = group[name]["times"][...]
                i = np.searchsorted(times, t, side="right")
                if i < len(times):
                    best = min(best, times[i])
        return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("session")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jumps", type=int, default=50)
    parser.add_argument("--out")
    args = parser.parse_args()

    start = time.perf_counter()
    reader = open_session(args.session)
    open_ms = (time.perf_counter() - start) * 1000.0
    info = session_info(reader)
    field = info["field"]
    first, last = info["time_range"]
    scene = simple.GetAnimationScene()
    results = {key: [] for key in ("estimate_warm", "estimate_cold", "h5py_estimate_warm", "h5py_estimate_cold",
                                   "next_event", "previous_event", "h5py_next_event")}
    ranges = {}
    can_drop = drop_caches()
    rng = random.Random(1)
    for run in range(args.runs):
        seed = 100 + run
        for side in ("ours", "h5py"):
            for cache in ("cold", "warm"):
                if cache == "cold" and not (can_drop and drop_caches()):
                    continue
                if side == "ours":
                    ms, answer = timed(lambda: estimate_color_range(reader, frames=1000, seed=seed))
                    results[f"estimate_{cache}"].append(ms)
                    ranges["ours"] = answer["range"]
                else:
                    ms, answer = timed(lambda: h5py_estimate(args.session, field, 1000, seed))
                    results[f"h5py_estimate_{cache}"].append(ms)
                    ranges["h5py"] = answer
        jumps = {"next_event": [], "previous_event": [], "h5py_next_event": []}
        for _ in range(args.jumps):
            t = rng.uniform(first, last)
            scene.AnimationTime = t
            jumps["next_event"].append(timed(lambda: next_event(reader))[0])
            scene.AnimationTime = t
            jumps["previous_event"].append(timed(lambda: previous_event(reader))[0])
        for _ in range(3):  # seconds each: a few are enough
            t = rng.uniform(first, last)
            jumps["h5py_next_event"].append(timed(lambda: h5py_next_event(args.session, t))[0])
        for key, values in jumps.items():
            results[key].append(statistics.median(values))
        print_run(run, results, " ms")

    report = {"session": args.session, "frames": info["frames"], "open_ms": open_ms, "ranges": ranges,
              "machine": machine(), "results": summary(results)}
    finish(report, args.out)


if __name__ == "__main__":
    main()
