"""Writes the session the GUI tests open: a bump moving across a masked 20 x 15 grid, range 0..1."""
import sys

import numpy as np

import session_factory as sf

env = sf.grid_environment(nx=20, ny=15, dx=5.0, dy=5.0, inactive=((0, 0), (0, 1), (1, 0), (19, 14)))
xy = env["bin_centers"]
frames = []
for f in range(60):
    cx, cy = 10 + f * 1.3, 15 + 40 * np.sin(f / 10.0) ** 2
    frames.append(np.exp(-((xy[:, 0] - cx) ** 2 + (xy[:, 1] - cy) ** 2) / 80.0))
sf.write_session(sys.argv[1], environment=env, n_frames=60, rate=20.0,
                 fields={"posterior": np.array(frames, dtype=np.float32)}, vmin=0.0, vmax=1.0)
