#!/usr/bin/env python3
"""Fallback writer of big benchmark sessions (h5py), used by run_all.sh only when the
neuroplayback-generate tool is not built.

It follows docs/session-format-v1.md with the minimum the benchmarks need: a masked grid
environment (corner cells inactive, like the generator), explicit, strictly increasing frame
times with a small jitter, and one float32 field /fields/posterior of shape (n_frames, n_bins),
chunked (c, n_bins) with c in 16..64, holding a Gaussian bump that moves around the arena. No
vmin/vmax attrs (the reader estimates the range), no overlays. Frames are written in blocks, so
memory stays bounded (about 64 MB) whatever the frame count.

    python3 Benchmarks/make_bench_session.py --output /work/bench-data/x.nsp --frames 3600000 --grid 50 50
"""
import argparse
import os
import sys
import time

import h5py
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--grid", type=int, nargs=2, default=(50, 50), metavar=("NX", "NY"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    nx, ny = args.grid
    frames = args.frames
    if frames <= 0 or nx <= 0 or ny <= 0:
        sys.exit("frames and grid sizes must be positive")

    size_cm = 100.0
    x_edges = np.linspace(0.0, size_cm, nx + 1)
    y_edges = np.linspace(0.0, size_cm, ny + 1)
    mask = np.ones((nx, ny), dtype=np.uint8)
    corner = max(1, min(nx, ny) // 16)
    for cx in (range(corner), range(nx - corner, nx)):
        for cy in (range(corner), range(ny - corner, ny)):
            for ix in cx:
                for iy in cy:
                    if (min(ix, nx - 1 - ix) + min(iy, ny - 1 - iy)) < corner:
                        mask[ix, iy] = 0
    ix, iy = np.nonzero(mask)  # C order = neurospatial's active-bin order
    centers = np.stack([(x_edges[ix] + x_edges[ix + 1]) / 2, (y_edges[iy] + y_edges[iy + 1]) / 2], axis=1)
    bins = len(ix)
    rows_per_chunk = int(np.clip((1 << 20) // (bins * 4), 16, 64))
    block = rows_per_chunk * max(1, (64 << 20) // (rows_per_chunk * bins * 4 * 4))

    rng = np.random.default_rng(args.seed)
    partial = args.output + ".partial"
    started = time.time()
    with h5py.File(partial, "w") as f:
        f.attrs["format"] = "neuroplayback-session"
        f.attrs["format_version"] = np.int32(1)
        f.attrs["title"] = f"benchmark session, {frames} frames, {nx}x{ny} grid"
        f.attrs["created_by"] = "Benchmarks/make_bench_session.py"
        env = f.create_group("environment")
        env.attrs["layout"] = "grid"
        env.attrs["units"] = "cm"
        env.attrs["n_bins"] = np.int64(bins)
        env["bin_centers"] = centers
        env["x_edges"] = x_edges
        env["y_edges"] = y_edges
        env["active_mask"] = mask
        time_group = f.create_group("time")
        times = time_group.create_dataset("frame_times", (frames,), dtype="f8", chunks=(min(frames, 65536),))
        fields = f.create_group("fields")
        fields.attrs["default"] = "posterior"
        field = fields.create_dataset("posterior", (frames, bins), dtype="f4", chunks=(min(frames, rows_per_chunk), bins))
        field.attrs["label"] = "Decoded position posterior"
        field.attrs["colormap"] = "Viridis (matplotlib)"
        sigma2 = 2.0 * 6.0 ** 2
        for first in range(0, frames, block):
            count = min(block, frames - first)
            index = np.arange(first, first + count, dtype=np.float64)
            jitter = rng.uniform(-0.2, 0.2, count) / args.rate
            t = index / args.rate + jitter
            if first == 0:
                t[0] = 0.0
            if first + count == frames:
                t[-1] = (frames - 1) / args.rate
            times[first:first + count] = t
            # The bump circles the arena once a minute and wobbles.
            phase = 2.0 * np.pi * (index / args.rate) / 60.0
            bx = 50.0 + 30.0 * np.cos(phase) + 5.0 * np.sin(7.0 * phase)
            by = 50.0 + 30.0 * np.sin(phase) + 5.0 * np.cos(5.0 * phase)
            d2 = (centers[None, :, 0] - bx[:, None]) ** 2 + (centers[None, :, 1] - by[:, None]) ** 2
            values = np.exp(-d2 / sigma2).astype(np.float32)
            values /= values.sum(axis=1, keepdims=True)
            field[first:first + count] = values
            done = (first + count) / frames
            print(f"\rmake_bench_session: {100 * done:5.1f}%", end="", file=sys.stderr, flush=True)
    os.replace(partial, args.output)
    print(f"\nmake_bench_session: wrote {frames} frames x {bins} bins in {time.time() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
