"""Writes the sessions the GUI tests open.

gui-session.nsp  a bump moving across a masked 20 x 15 grid, range 0..1, 60 frames at 20 Hz;
gui-steps.nsp    30 frames at irregular times (~10 Hz), frame k lights column k only, so a screenshot
                 tells exactly which frame is shown;
gui-fast.nsp     3 s at 500 Hz on a 120 x 120 grid, far more frames than any display can show;
gui-overlays.nsp gui-session.nsp's field with every overlay kind on top;
gui-fields.nsp   gui-session.nsp's field and a second one (its mirror image), for Compare fields.
The first is written to the path given; the others beside it.
"""
import os
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

folder = os.path.dirname(os.path.abspath(sys.argv[1]))

steps_env = sf.grid_environment(nx=30, ny=4, dx=1.0, dy=4.0, inactive=())
columns = steps_env["bin_centers"][:, 0]
bars = np.array([(np.floor(columns) == k).astype(np.float32) for k in range(30)])
irregular = np.cumsum(np.r_[0.0, 0.1 + 0.04 * np.sin(np.arange(29))])
sf.write_session(os.path.join(folder, "gui-steps.nsp"), environment=steps_env, n_frames=30,
                 frame_times=irregular, fields={"posterior": bars}, vmin=0.0, vmax=1.0)

fast_env = sf.grid_environment(nx=120, ny=120, dx=1.0, dy=1.0, inactive=())
centers = fast_env["bin_centers"]
n_fast = 1500
fast = np.empty((n_fast, len(centers)), dtype=np.float32)
for f in range(n_fast):
    cx, cy = 60 + 45 * np.cos(f / 150.0), 60 + 45 * np.sin(f / 150.0)
    fast[f] = np.exp(-((centers[:, 0] - cx) ** 2 + (centers[:, 1] - cy) ** 2) / 60.0)
sf.write_session(os.path.join(folder, "gui-fast.nsp"), environment=fast_env, n_frames=n_fast, rate=500.0, regular=True,
                 fields={"posterior": fast}, vmin=0.0, vmax=1.0)

overlays = os.path.join(folder, "gui-overlays.nsp")
sf.write_session(overlays, environment=env, n_frames=60, rate=20.0,
                 fields={"posterior": np.array(frames, dtype=np.float32)}, vmin=0.0, vmax=1.0)
sf.add_all_overlays(overlays, env, n_frames=60, rate=20.0)

# gui-timeseries.nsp: gui-session.nsp's field with two LFP channels sharing a chart and a speed trace
# in its own chart (NaN gap between 1.0 and 1.2 s).
series = os.path.join(folder, "gui-timeseries.nsp")
sf.write_session(series, environment=env, n_frames=60, rate=20.0,
                 fields={"posterior": np.array(frames, dtype=np.float32)}, vmin=0.0, vmax=1.0)
t = np.arange(0, 3.0, 1 / 500.0)
speed = 20 + 15 * np.sin(2 * np.pi * 0.5 * t)
speed[(t >= 1.0) & (t < 1.2)] = np.nan
sf.add_time_series(series, "speed", t, speed, {"label": "Speed (cm/s)", "color": "#30a0ff", "window_seconds": 2.0})
sf.add_time_series(series, "lfp_ca1", t, np.sin(2 * np.pi * 8 * t), {"label": "CA1", "group": "LFP", "color": "#ff8040"})
sf.add_time_series(series, "lfp_ca3", t, 0.6 * np.sin(2 * np.pi * 8 * t + 1.0) - 0.3,
                   {"label": "CA3", "group": "LFP", "color": "#40ff80"})

# gui-epochs.nsp: gui-steps.nsp's frames (frame k lights column k) with licks at frames 7 and 16 and two
# trials, frames 5-10 and 20-24, for the toolbar's event jumps and epoch playback.
epochs = os.path.join(folder, "gui-epochs.nsp")
sf.write_session(epochs, environment=steps_env, n_frames=30, frame_times=irregular, fields={"posterior": bars},
                 vmin=0.0, vmax=1.0)
sf.add_overlay(epochs, "licks", "events", attrs={"size": 3.0},
               types={"lick": {"times": irregular[[7, 16]], "xy": [[7.5, 8.0], [16.5, 8.0]], "color": "red"}})
sf.add_overlay(epochs, "trials", "intervals", data={"start_time": irregular[[5, 20]], "stop_time": irregular[[10, 24]],
                                                    "labels": np.array(["left", "right"], dtype=object)})

# gui-behaviour.nwb: an NWB 2.x file (position, head direction, pose + skeleton, units, trials and epochs),
# opened on its own through File > Open.
import make_nwb  # noqa: E402

make_nwb.write_behaviour_nwb(os.path.join(folder, "gui-behaviour.nwb"))

# gui-fields.nsp: two fields over the same bins, the second the first mirrored left to right.
mirrored = []
for f in range(60):
    cx, cy = 10 + f * 1.3, 15 + 40 * np.sin(f / 10.0) ** 2
    mirrored.append(np.exp(-((100.0 - xy[:, 0] - cx) ** 2 + (xy[:, 1] - cy) ** 2) / 80.0))
sf.write_session(os.path.join(folder, "gui-fields.nsp"), environment=env, n_frames=60, rate=20.0,
                 fields={"posterior": np.array(frames, dtype=np.float32),
                         "likelihood": np.array(mirrored, dtype=np.float32)}, vmin=0.0, vmax=1.0)
