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
