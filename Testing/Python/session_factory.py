"""Writes small, valid NeuroPlayback sessions with h5py for tests, with knobs to break them.

Independent of the C++ generator so reader tests do not trust the writer they test against.
"""
import math

import h5py
import numpy as np


def grid_environment(nx=4, ny=3, x0=0.0, y0=0.0, dx=10.0, dy=10.0, inactive=((0, 0),)):
    mask = np.ones((nx, ny), dtype=np.uint8)
    for ix, iy in inactive:
        mask[ix, iy] = 0
    centers = [(x0 + (ix + 0.5) * dx, y0 + (iy + 0.5) * dy)
               for ix in range(nx) for iy in range(ny) if mask[ix, iy]]
    return {
        "layout": "grid",
        "bin_centers": np.array(centers, dtype=np.float64),
        "x_edges": x0 + dx * np.arange(nx + 1, dtype=np.float64),
        "y_edges": y0 + dy * np.arange(ny + 1, dtype=np.float64),
        "active_mask": mask,
    }


def hexagonal_environment(n=3, radius=5.0):
    width = math.sqrt(3.0) * radius
    centers = []
    for row in range(n):
        for col in range(n):
            centers.append((col * width + (width / 2 if row % 2 else 0.0), row * 1.5 * radius))
    return {"layout": "hexagonal", "bin_centers": np.array(centers), "hex_radius": radius}


def mesh_environment():
    vertices = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [5, 5]], dtype=np.float64)
    triangles = np.array([[0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]], dtype=np.int64)
    centers = vertices[triangles].mean(axis=1)
    return {"layout": "mesh", "bin_centers": centers, "vertices": vertices, "triangles": triangles}


def track_environment(n=6, length=60.0):
    step = length / n
    segments = np.array([[[i * step, 0.0], [(i + 1) * step, 0.0]] for i in range(n)])
    centers = segments.mean(axis=1)
    return {"layout": "track", "bin_centers": centers, "bin_segments": segments}


def frame_values(n_frames, n_bins):
    """Frame f, bin b holds f + b / 1000: a test can tell which frame and bin it sees."""
    return (np.arange(n_frames)[:, None] + np.arange(n_bins)[None, :] / 1000.0).astype(np.float32)


def write_session(path, environment=None, n_frames=50, rate=10.0, start=0.0, frame_times=None,
                  regular=False, fields=None, vmin=None, vmax=None, chunk_frames=8, root_attrs=None,
                  skip=()):
    environment = environment or grid_environment()
    n_bins = len(environment["bin_centers"])
    if fields is None:
        fields = {"posterior": frame_values(n_frames, n_bins)}
    with h5py.File(path, "w") as f:
        attrs = {"format": "neuroplayback-session", "format_version": 1, "title": "test session"}
        attrs.update(root_attrs or {})
        for key, value in attrs.items():
            if value is not None:
                f.attrs[key] = value
        if "environment" not in skip:
            env = f.create_group("environment")
            env.attrs["layout"] = environment["layout"]
            env.attrs["units"] = "cm"
            env.attrs["n_bins"] = environment.get("n_bins", n_bins)
            for key, value in environment.items():
                if key in ("layout", "n_bins"):
                    continue
                if key in ("hex_radius", "hex_orientation"):
                    env.attrs[key] = value
                else:
                    env.create_dataset(key, data=value)
        if "time" not in skip:
            time = f.create_group("time")
            if regular:
                time.attrs["start"] = start
                time.attrs["rate"] = rate
                time.attrs["n_frames"] = n_frames
            else:
                if frame_times is None:
                    frame_times = start + np.arange(n_frames) / rate
                time.create_dataset("frame_times", data=np.asarray(frame_times, dtype=np.float64))
        if "fields" not in skip:
            group = f.create_group("fields")
            for name, values in fields.items():
                values = np.asarray(values)
                chunks = (min(chunk_frames, values.shape[0]),) + values.shape[1:] if values.ndim == 2 and values.shape[0] else None
                dataset = group.create_dataset(name, data=values, chunks=chunks)
                if vmin is not None:
                    dataset.attrs["vmin"] = vmin
                if vmax is not None:
                    dataset.attrs["vmax"] = vmax
    return path


def add_overlay(path, name, kind, data=None, attrs=None, types=None):
    """Adds /overlays/<name> with datasets `data`, attributes `attrs` and, for events, one subgroup
    per entry of `types` ({type: {"times": ..., "xy": ..., "color": ..., "marker": ...}})."""
    with h5py.File(path, "a") as f:
        group = f.require_group("overlays").create_group(name)
        group.attrs["kind"] = kind
        for key, value in (attrs or {}).items():
            group.attrs[key] = value
        for key, value in (data or {}).items():
            value = np.asarray(value)
            if value.dtype == object:  # names, e.g. skeleton edges as part names
                group.create_dataset(key, data=value.astype(str).astype(object), dtype=h5py.string_dtype())
            else:
                group.create_dataset(key, data=value)
        for type_name, spec in (types or {}).items():
            sub = group.create_group(type_name)
            for key, value in spec.items():
                if key in ("color", "marker"):
                    sub.attrs[key] = value
                else:
                    sub.create_dataset(key, data=np.asarray(value, dtype=np.float64))
    return path


def summary_levels(times, values, first=16, factor=8, min_rows=64):
    """The format's multi-resolution summary: [(samples_per_bucket, rows of [t_first, min, max])]."""
    times, values = np.asarray(times, np.float64), np.asarray(values, np.float64)
    starts = np.arange(0, len(values), first)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.array([np.nanmin(values[i:i + first]) for i in starts])
            high = np.array([np.nanmax(values[i:i + first]) for i in starts])
            rows, bucket, levels = np.stack([times[starts], low, high], axis=1), first, []
            while len(rows) >= min_rows:
                levels.append((bucket, rows))
                groups = np.arange(0, len(rows), factor)
                rows = np.stack([rows[groups, 0],
                                 np.array([np.nanmin(rows[g:g + factor, 1]) for g in groups]),
                                 np.array([np.nanmax(rows[g:g + factor, 2]) for g in groups])], axis=1)
                bucket *= factor
    return levels


def add_time_series(path, name, times, values, attrs=None, summary=True):
    """Adds a timeseries overlay, with the multi-resolution summary unless summary is False."""
    add_overlay(path, name, "timeseries", {"times": np.asarray(times, np.float64),
                                           "values": np.asarray(values, np.float64)}, attrs)
    if summary:
        with h5py.File(path, "a") as f:
            group = f["overlays"][name].create_group("summary")
            for k, (bucket, rows) in enumerate(summary_levels(times, values)):
                group.create_dataset(f"level_{k}", data=rows).attrs["samples_per_bucket"] = bucket
    return path


def add_region(path, name, coords, kind="polygon"):
    with h5py.File(path, "a") as f:
        region = f["environment"].require_group("regions").create_group(name)
        region.attrs["kind"] = kind
        region.create_dataset("coords", data=np.asarray(coords, dtype=np.float64))
    return path


def add_all_overlays(path, environment, n_frames=50, rate=10.0):
    """Every drawable overlay kind, moving through the environment's bins: for screenshots."""
    centers = np.asarray(environment["bin_centers"], dtype=np.float64)
    lo, hi = centers.min(axis=0), centers.max(axis=0)
    extent = float(max(hi - lo)) or 1.0
    times = np.arange(4 * n_frames) / (4 * rate)
    phase = np.linspace(0, 2 * np.pi, len(times))
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    xy = np.stack([mid[0] + 0.6 * half[0] * np.cos(phase), mid[1] + 0.6 * half[1] * np.sin(phase)], axis=1)
    add_overlay(path, "position", "position", {"times": times, "xy": xy},
                {"color": "#ff3030", "size": 0.06 * extent, "trail_seconds": 2.0})
    parts = ["nose", "left_ear", "right_ear", "tail_base"]
    offsets = np.array([[0.08, 0.0], [0.03, 0.04], [0.03, -0.04], [-0.1, 0.0]]) * extent
    pose = xy[:, None, :] + offsets[None, :, :]
    add_overlay(path, "bodyparts", "bodyparts",
                {"times": times, "xy": pose, "skeleton_edges": np.array([[0, 1], [0, 2], [1, 3], [2, 3]])},
                {"part_names": parts, "part_colors": ["#ffffff", "#40c0ff", "#40c0ff", "#ffa040"],
                 "edge_color": "#e0e0e0", "edge_width": 2.0, "size": 0.04 * extent})
    add_overlay(path, "head_direction", "head_direction", {"times": times, "angle": phase + np.pi / 2},
                {"color": "#ffd000", "length": 0.2 * extent, "anchor": "position"})
    event_times = np.linspace(0, (n_frames - 1) / rate, 40)
    add_overlay(path, "spikes", "events", attrs={"mode": "cumulative", "size": 0.05 * extent, "opacity": 0.9},
                types={"unit_a": {"times": event_times[::2], "xy": xy[::10][:20], "color": "#ff40ff", "marker": "^"},
                       "unit_b": {"times": event_times[1::2], "xy": xy[5::10][:20], "color": "#40ff40", "marker": "s"}})
    add_region(path, "reward", [lo + 0.1 * (hi - lo), [lo[0] + 0.35 * (hi - lo)[0], lo[1] + 0.1 * (hi - lo)[1]],
                                [lo[0] + 0.2 * (hi - lo)[0], lo[1] + 0.35 * (hi - lo)[1]]])
    add_region(path, "start", [hi - 0.15 * (hi - lo)], kind="point")
    return path
