"""Writing a large decoded field from a memmap: neuroplayback.writer against plain h5py.

    PYTHONPATH=Python /usr/bin/python3 Benchmarks/bench_writer.py --work /work/bench-data/writer \
        --frames 360000 --grid 50 --runs 3 --out /work/bench-data/results/writer.json

Makes (once) a float32 np.memmap of frames x grid^2 bins (a moving bump, written block by block). Then, in
every run and alternating, each side runs in its own process so its peak memory is its own:
  writer   write_session(path, grid_environment(...), memmap, frame_rate=500): chunked along time as the
           format says, the colour range found on the way, validated first
  h5py     what a script would write by hand: h5py.File(...).create_dataset("fields/posterior", data=memmap,
           chunks=(64, bins)) plus /environment and /time (no colour range, no checks)
Reported: wall seconds and peak RSS (ru_maxrss of the child), median of the runs. Both outputs are deleted
after each run. Uses Debian's python3 (numpy, h5py).
"""
import argparse
import os

import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_support import finish, machine, print_run, summary  # noqa: E402
PYTHON_DIR = os.path.join(HERE, "..", "Python")

WRITER = """
import sys, numpy as np
sys.path.insert(0, {python!r})
from neuroplayback import write_session, grid_environment
fields = np.memmap({memmap!r}, dtype=np.float32, mode="r", shape=({frames}, {bins}))
edges = np.linspace(0, 100, {grid} + 1)
write_session({out!r}, grid_environment(edges, edges), fields, frame_rate=500.0, field_names="posterior",
              overwrite=True)
"""

PLAIN = """
import numpy as np, h5py
fields = np.memmap({memmap!r}, dtype=np.float32, mode="r", shape=({frames}, {bins}))
with h5py.File({out!r}, "w") as f:
    f.attrs["format"] = "neuroplayback-session"
    f.attrs["format_version"] = 1
    env = f.create_group("environment")
    env.attrs["layout"] = "grid"
    env.attrs["n_bins"] = {bins}
    edges = np.linspace(0, 100, {grid} + 1)
    env.create_dataset("x_edges", data=edges)
    env.create_dataset("y_edges", data=edges)
    centers = (edges[:-1] + edges[1:]) / 2
    env.create_dataset("bin_centers", data=np.stack(np.meshgrid(centers, centers, indexing="ij"), -1).reshape(-1, 2))
    env.create_dataset("active_mask", data=np.ones(({grid}, {grid}), dtype=bool))
    time = f.create_group("time")
    time.attrs["start"], time.attrs["rate"], time.attrs["n_frames"] = 0.0, 500.0, {frames}
    f.create_group("fields").create_dataset("posterior", data=fields, chunks=(64, {bins}))
"""


def make_memmap(path, frames, grid):
    bins = grid * grid
    data = np.memmap(path + ".partial", dtype=np.float32, mode="w+", shape=(frames, bins))
    centers = (np.arange(grid) + 0.5) * 100.0 / grid
    cx, cy = [c.ravel() for c in np.meshgrid(centers, centers, indexing="ij")]
    block = 4096
    for first in range(0, frames, block):
        f = np.arange(first, min(frames, first + block))[:, None]
        x, y = 50 + 35 * np.cos(f / 900.0), 50 + 35 * np.sin(f / 700.0)
        data[first:first + len(f)] = np.exp(-((cx - x) ** 2 + (cy - y) ** 2) / 60.0)
    data.flush()
    del data
    os.replace(path + ".partial", path)




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="/work/bench-data/writer")
    parser.add_argument("--frames", type=int, default=360000)
    parser.add_argument("--grid", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    bins = args.grid * args.grid
    memmap = os.path.join(args.work, f"field-{args.frames}x{bins}.f32")
    if not os.path.exists(memmap):
        make_memmap(memmap, args.frames, args.grid)
    results = {"writer_s": [], "writer_peak_rss_mb": [], "h5py_s": [], "h5py_peak_rss_mb": []}
    for run in range(args.runs):
        for side, template in (("writer", WRITER), ("h5py", PLAIN)):
            out = os.path.join(args.work, f"{side}.nsp")
            code = template.format(python=os.path.abspath(PYTHON_DIR), memmap=memmap, frames=args.frames, bins=bins,
                                   grid=args.grid, out=out)
            # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run each side in a fresh shell
            # process that reports its own child's peak.
            probe = (f"import resource, subprocess, sys, time; s = time.perf_counter(); "
                     f"subprocess.run([sys.executable, '-c', {code!r}], check=True); "
                     f"print(time.perf_counter() - s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
            child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
            if child.returncode != 0:
                raise SystemExit(child.stderr)
            seconds, peak = (float(v) for v in child.stdout.split())
            results[f"{side}_s"].append(seconds)
            results[f"{side}_peak_rss_mb"].append(peak)
            os.remove(out)
        print_run(run, results)
    report = {"frames": args.frames, "bins": bins, "field_mb": args.frames * bins * 4 / 1e6,
              "machine": machine(), "results": summary(results)}
    finish(report, args.out)


if __name__ == "__main__":
    main()
