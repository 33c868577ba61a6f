"""Opening a long NWB file's behaviour: the NeuroPlayback reader against loading it with h5py.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback PYTHONPATH=Python:Testing/Python \
    scripts/with-xvfb.sh pvpython --force-offscreen-rendering Benchmarks/bench_nwb.py \
        --work /work/bench-data/nwb --hours 2 --rate 500 --runs 5 --out /work/bench-data/results/nwb.json

Writes (once) an NWB 2.x file with make_nwb.py's builders: a Position SpatialSeries of hours x 3600 x rate
samples with explicit timestamps (chunked 65,536 rows), a CompassDirection, a speed BehavioralTimeSeries, 20
units' spikes (~5 Hz each) and 1 trial every 4 s. Then, interleaved in every run, in one process:
  ours         open_session(path) + the first frame of every port (the field, overlays, the chart window):
               what File > Open costs before the first picture
  ours, seek   then 50 random times, every port (reader.UpdatePipeline(t) + the Time Series filter)
  h5py         what a script without the plugin does first (neurospatial's read_position without lazy=True):
               read the position data and timestamps, the head direction, the speed and the spike table
               into numpy
  RSS          the process's resident memory added by the first open / load of the process
"cold" drops the page cache first (root only). Median of the runs, ms.
"""
import argparse
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
sys.path.insert(0, os.path.join(HERE, "..", "Testing", "Python"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from paraview import servermanager, simple  # noqa: E402

import make_nwb as nwb  # noqa: E402
from bench_support import drop_caches, finish, machine, print_run, rss_mb, summary  # noqa: E402
from neuroplayback.paraview import open_session, playback_cue, time_range  # noqa: E402


def write_file(path, hours, rate):
    n = int(hours * 3600 * rate)
    rng = np.random.default_rng(1)
    f = nwb.new_file(path, extensions=())
    behavior = nwb.module(f)
    chunk = 65536
    t = np.arange(n) / rate + rng.uniform(-0.2, 0.2, n) / rate * (np.arange(n) > 0)
    phase = 2 * np.pi * t / 20.0
    xy = np.stack([50 + 40 * np.cos(phase) + 3 * np.sin(7 * phase), 50 + 40 * np.sin(phase)], axis=1)
    nwb.position(behavior, {"animal": dict(data=xy, timestamps=t, unit="cm", chunks=(chunk, 2))})
    box = nwb.container(behavior, "CompassDirection", "CompassDirection")
    nwb.time_series(box, "heading", phase + np.pi / 2, timestamps_link=box.parent["Position/animal/timestamps"].name,
                    unit="radians", chunks=(chunk,))
    series = nwb.container(behavior, "BehavioralTimeSeries", "BehavioralTimeSeries")
    nwb.time_series(series, "speed", 2 * np.pi * 40 / 20.0 + np.zeros(n), timestamps_link="/processing/behavior/Position/animal/timestamps",
                    unit="cm/s", neurodata_type="TimeSeries", chunks=(chunk,))
    duration = t[-1]
    spikes = [np.sort(rng.uniform(0, duration, int(5 * duration))) for _ in range(20)]
    nwb.units(f, spikes)
    starts = np.arange(0.5, duration - 3, 4.0)
    nwb.time_intervals(f, "trials", starts, starts + 2.5)
    f.close()
    return n


def h5py_load(path):
    with h5py.File(path, "r") as f:
        position = f["processing/behavior/Position/animal"]
        arrays = [position["data"][...], position["timestamps"][...],
                  f["processing/behavior/CompassDirection/heading/data"][...],
                  f["processing/behavior/BehavioralTimeSeries/speed/data"][...],
                  f["units/spike_times"][...], f["units/spike_times_index"][...],
                  f["intervals/trials/start_time"][...], f["intervals/trials/stop_time"][...]]
        return sum(a.nbytes for a in arrays), arrays


def ours_open(path):
    reader = open_session(path)
    series = simple.NeuroPlaybackTimeSeries(Input=reader)
    first = time_range(reader)[0]
    for port in range(10):
        servermanager.Fetch(reader, idx=port)
    series.UpdatePipeline(first)
    return reader, series


def ours_close():
    cue = playback_cue()
    if cue is not None:
        cue.Session = None
    for source in list(simple.GetSources().values()):
        simple.Delete(source)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="/work/bench-data/nwb")
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeks", type=int, default=50)
    parser.add_argument("--out")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    path = os.path.join(args.work, f"behaviour-{args.hours:g}h-{args.rate:g}hz.nwb")
    if not os.path.exists(path):
        start = time.perf_counter()
        samples = write_file(path + ".partial", args.hours, args.rate)
        os.replace(path + ".partial", path)
        print(f"wrote {path}: {samples} position samples in {time.perf_counter() - start:.0f} s", flush=True)
    results = {k: [] for k in ("ours_open_warm", "ours_open_cold", "ours_seek", "h5py_load_warm", "h5py_load_cold",
                               "ours_rss_mb", "h5py_rss_mb")}
    rng = random.Random(3)
    can_drop = drop_caches()
    for run in range(args.runs):
        for cache in ("cold", "warm"):
            if cache == "cold" and not (can_drop and drop_caches()):
                continue
            before = rss_mb()
            start = time.perf_counter()
            reader, series = ours_open(path)
            results[f"ours_open_{cache}"].append((time.perf_counter() - start) * 1000)
            if not results["ours_rss_mb"]:  # the first open only: later ones reuse memory freed by earlier ones
                results["ours_rss_mb"].append(rss_mb() - before)
                first, last = time_range(reader)
                seeks = []
                for _ in range(args.seeks):
                    t = rng.uniform(first, last)
                    start = time.perf_counter()
                    reader.UpdatePipeline(t)
                    series.UpdatePipeline(t)
                    seeks.append((time.perf_counter() - start) * 1000)
                results["ours_seek"].append(statistics.median(seeks))
            ours_close()
            if cache == "cold":
                drop_caches()
            before = rss_mb()
            start = time.perf_counter()
            _, arrays = h5py_load(path)
            results[f"h5py_load_{cache}"].append((time.perf_counter() - start) * 1000)
            if not results["h5py_rss_mb"]:
                results["h5py_rss_mb"].append(rss_mb() - before)
            del arrays
        print_run(run, results)
    report = {"file": path, "size_mb": os.path.getsize(path) / 1e6, "hours": args.hours, "rate": args.rate,
              "machine": machine(), "results": summary(results)}
    finish(report, args.out)


if __name__ == "__main__":
    main()
