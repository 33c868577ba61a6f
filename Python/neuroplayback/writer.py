"""Writes NeuroPlayback session files (docs/session-format-v1.md) from numpy arrays.

Plain python3 + numpy + h5py; no ParaView. The API mirrors neurospatial's
`animate_fields(env, fields, frame_times=..., overlays=[...])` and its overlay classes:

    from neuroplayback import write_session, grid_environment, PositionOverlay, TimeSeriesOverlay
    env = grid_environment(np.linspace(0, 100, 51), np.linspace(0, 100, 51))
    write_session("session.nsp", env, posterior, frame_times=t,
                  overlays=[PositionOverlay(xy, times=t_xy, trail_length=2.0),
                            TimeSeriesOverlay(speed, t_speed, label="speed")])

- `env` is one of grid_environment / hexagonal_environment / mesh_environment / track_environment,
  or a neurospatial Environment (converted by its attributes; neurospatial is never imported).
- `fields` is an (n_frames, n_bins) array, a list of such arrays (several fields), a dict
  name -> array, or neurospatial's list of 1-D frames. np.memmap and h5py datasets are read a block
  at a time and never loaded whole; the colour range (vmin / vmax) is found on the way.
- Overlays are this module's classes or neurospatial's overlay dataclasses.
- Everything is checked before the file is created; a problem raises SessionWriteError saying what
  is wrong, why it matters and how to fix it. The file is written under a temporary name in the
  target folder and renamed at the end, so a failure never leaves a partial session at `path`.
"""
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Mapping

import h5py
import numpy as np

from . import SessionWriteError, __version__
from . import _arrays as arrays
from ._environment import (Environment, GridEnvironment, HexagonalEnvironment, MeshEnvironment, Region,
                           TrackEnvironment, as_regions, grid_environment, hexagonal_environment, mesh_environment,
                           point_region, polygon_region, track_environment)
from ._neurospatial import (calibration_matrix, environment_from_neurospatial, looks_like_environment,
                            overlay_from_neurospatial)
from ._summary import SummaryBuilder, level_rows
from ._validation import (TAB10, check_name, choice, color as check_color, did_you_mean, fail,
                          interp as check_interp, marker as check_marker, names_text, number, shape_text)

__all__ = [
    "write_session", "Environment", "GridEnvironment", "HexagonalEnvironment", "MeshEnvironment", "TrackEnvironment",
    "grid_environment", "hexagonal_environment", "mesh_environment", "track_environment",
    "environment_from_neurospatial", "Region", "polygon_region", "point_region",
    "PositionOverlay", "BodypartOverlay", "Skeleton", "HeadDirectionOverlay", "EventOverlay", "SpikeOverlay",
    "TimeSeriesOverlay", "VideoOverlay", "VideoCalibration", "calibrate_video", "IntervalOverlay",
]

F8 = np.dtype(np.float64)

# matplotlib colormap names (neurospatial's `cmap`) -> ParaView 5.11 presets; other names pass as is.
COLORMAPS = {
    "viridis": "Viridis (matplotlib)", "plasma": "Plasma (matplotlib)", "inferno": "Inferno (matplotlib)",
    "magma": "Magma (matplotlib)", "cividis": "Cividis", "turbo": "Turbo", "jet": "Jet", "gray": "Grayscale",
    "grey": "Grayscale", "greys": "Grayscale", "hot": "Black-Body Radiation", "coolwarm": "Cool to Warm",
    "rainbow": "Rainbow Uniform", "blues": "Blues", "reds": "Reds",
}


# ---------------------------------------------------------------------------------------------
# Array-likes made a block at a time (so they stream like np.memmap / h5py datasets)
# ---------------------------------------------------------------------------------------------

class _Rows:
    """Shape, dtype and slicing along the first axis; subclasses make rows [first, stop) on demand."""
    dtype = F8

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError(f"{type(self).__name__} reads slices of rows only")
        first, stop, _ = key.indices(self.shape[0])
        return self._rows(first, max(first, stop))


class _RegularTimes(_Rows):
    def __init__(self, start, rate, n):
        self.start, self.rate, self.shape = start, rate, (n,)

    def _rows(self, first, stop):
        return self.start + np.arange(first, stop, dtype=F8) / self.rate


class _FrameList(_Rows):
    """neurospatial's list of 1-D frames (n_bins,) as an (n_frames, n_bins) array-like."""

    def __init__(self, frames, n_bins, dtype):
        self.frames, self.shape, self.dtype = frames, (len(frames), n_bins), dtype

    def _rows(self, first, stop):
        if stop <= first:
            return np.empty((0, self.shape[1]), self.dtype)
        return np.stack([np.asarray(frame, dtype=self.dtype) for frame in self.frames[first:stop]])


class _Stacked(_Rows):
    """Body parts {part: (n, 2)} as one (n, n_parts, 2) array-like."""

    def __init__(self, parts):
        self.parts, self.shape = parts, (parts[0].shape[0], len(parts), 2)

    def _rows(self, first, stop):
        return np.stack([arrays.read(part, first, stop, F8) for part in self.parts], axis=1)


class _Angles(_Rows):
    """Heading vectors (n, 2) as angles (n,) in radians; a zero vector has no direction (NaN)."""

    def __init__(self, vectors):
        self.vectors, self.shape = vectors, (vectors.shape[0],)

    def _rows(self, first, stop):
        v = arrays.read(self.vectors, first, stop, F8)
        angle = np.arctan2(v[:, 1], v[:, 0])
        angle[(v[:, 0] == 0) & (v[:, 1] == 0)] = np.nan
        return angle


class _Column(_Rows):
    """Animal i of positions shaped (n, n_animals, 2)."""

    def __init__(self, source, index):
        self.source, self.index, self.shape = source, index, (source.shape[0], 2)
        self.dtype = np.dtype(source.dtype)

    def _rows(self, first, stop):
        return np.asarray(self.source[first:stop])[:, self.index, :]


# ---------------------------------------------------------------------------------------------
# Shared checks
# ---------------------------------------------------------------------------------------------

class _Context:
    """What overlays are checked against: the environment, the session clock, the other overlays."""

    def __init__(self, env, times, n_frames, first, last, folder):
        self.env, self.times, self.n_frames, self.first, self.last = env, times, n_frames, first, last
        self.folder = folder
        # neurospatial's rate: (n - 1) / duration, 30 when it cannot be measured
        self.rate = (n_frames - 1) / (last - first) if n_frames > 1 and last > first else 30.0
        self.position_names = []
        self.position_owner = {}   # id(PositionOverlay) -> [names]
        self.bodyparts = {}        # bodyparts overlay name -> part names
        self.bodyparts_owner = {}  # id(BodypartOverlay) -> name


def _where(overlay, name=None):
    name = name or getattr(overlay, "name", None)
    return type(overlay).__name__ + (f" {name!r}" if name else "")


def _optional(value, where, name, **checks):
    return None if value is None else number(value, where, name, **checks)


def _check_overlap(first, last, where, ctx, what="its times"):
    if last < ctx.first or first > ctx.last:
        # Milliseconds: a span a thousand times the session's that lands on it once divided by 1000.
        in_ms = (last - first) >= 100.0 * (ctx.last - ctx.first) and not (last / 1000.0 < ctx.first
                                                                          or first / 1000.0 > ctx.last)
        fix = ("They look like milliseconds: divide them by 1000 (times are in seconds)." if in_ms else
               "Put its times on the session clock (shift them by the clock offset), or leave the overlay out.")
        fail(f"{where}: {what} ({first:g} s to {last:g} s) do not overlap the session's frames "
             f"({ctx.first:g} s to {ctx.last:g} s).",
             "An overlay is drawn only inside the session's time span, so it would never be shown.", fix)


def _sample_times(times, n, where, ctx, what="the data"):
    """(source, first, last) of an overlay's sample times; None = one sample per frame (as neurospatial)."""
    if times is None:
        if n != ctx.n_frames:
            fail(f"{where}: times is not given and {what} has {n} samples, but the session has {ctx.n_frames} frames.",
                 "Without times, samples are matched to frames one to one (as in neurospatial).",
                 "Give times (n,) in seconds on the session clock, or exactly one sample per frame.")
        return ctx.times, ctx.first, ctx.last
    source = arrays.lazy(times)
    if len(source.shape) == 1 and source.shape[0] != n:
        fail(f"{where}: times has {source.shape[0]} entries but {what} has {n} samples.",
             "Each sample needs its own time.", "Give exactly one time per sample (the same length as the data).")
    first, last = arrays.scan_times(source, where, "times")
    _check_overlap(first, last, where, ctx)
    return source, first, last


def _sample_array(value, where, name, trailing, text):
    if value is None:
        fail(f"{where}: {name} is missing.", "", f"Give {name} as {text}.")
    source = arrays.lazy(value)
    arrays.check_shape(source, where, name, trailing, text)
    if source.shape[0] == 0:
        fail(f"{where}: {name} is empty.", "An overlay needs at least one sample to draw.",
             "Give at least one sample, or leave the overlay out.")
    arrays.scan_no_inf(source, where, name)
    return source


def _resolve_file(path, folder, where, what):
    """A file path as stored in the session: relative to the session's folder. A relative path is
    looked for beside the session first, then from the current folder."""
    try:
        text = os.fspath(path)
    except TypeError:
        text = None
    if not isinstance(text, str) or not text:
        fail(f"{where}: {what} = {path!r} is not a file path.", "", f"Give {what} as a path string.")
    candidates = [text] if os.path.isabs(text) else [os.path.join(folder, text), os.path.abspath(text)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.relpath(os.path.abspath(candidate), folder)
    looked = " or ".join(f"'{c}'" for c in candidates)
    fail(f"{where}: {what} '{text}' does not exist (looked for {looked}).",
         "The reader opens it relative to the session file's folder when the session is opened.",
         f"Give the path of an existing file (relative to the session's folder '{folder}', or absolute), "
         "and copy the file there first if it lives elsewhere.")


def _write_rows(group, name, source, dtype=F8, chunk_rows=None, align=1, compression=None):
    """Copies an array-like into a new dataset a block at a time (never whole)."""
    shape = tuple(int(d) for d in source.shape)
    n = shape[0]
    dtype = np.dtype(dtype)
    row = max(arrays.row_bytes(source), int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize)
    if n == 0:
        return group.create_dataset(name, shape=shape, dtype=dtype)
    chunk_rows = max(1, min(n, chunk_rows or n))
    dataset = group.create_dataset(name, shape=shape, dtype=dtype, chunks=(chunk_rows,) + shape[1:],
                                   **(compression or {}))
    for first, stop in arrays.blocks(n, arrays.block_rows(row, align=math.lcm(chunk_rows, align))):
        dataset[first:stop] = arrays.read(source, first, stop, dtype)
        arrays.release(source, first, stop)
    return dataset


def _write_times(group, name, source):
    n = int(source.shape[0])
    return _write_rows(group, name, source, F8, arrays.time_chunk_rows(n))


def _write_samples(group, name, source):
    n = int(source.shape[0])
    row = max(1, int(np.prod(source.shape[1:], dtype=np.int64))) * 8
    return _write_rows(group, name, source, F8, arrays.sample_chunk_rows(n, row))


def _strings(group, name, values):
    group.attrs.create(name, [str(v) for v in values], dtype=h5py.string_dtype())


# ---------------------------------------------------------------------------------------------
# Overlays
# ---------------------------------------------------------------------------------------------

class _Plan:
    """One /overlays/<name> group: checked first (check), written later (write)."""
    kind = None
    base = None

    def __init__(self, owner, name, explicit):
        self.owner, self.name, self.explicit = owner, name, explicit

    @property
    def where(self):
        return _where(self.owner, self.name)

    def check(self, ctx):
        pass

    def write(self, group, ctx, compression):
        raise NotImplementedError


class PositionOverlay:
    """The animal's position: `positions` (n, 2) in environment (x, y), with `times` (n,) in seconds
    (None: one sample per frame). Several animals: a dict name -> (n, 2), or an (n, n_animals, 2)
    array, with `color` a list or dict per animal. `size` is the marker diameter in environment
    units (default 3 % of the arena); `trail_length` the trail in seconds (None: no trail), fading
    with age. NaN samples are gaps. (`data=` is accepted for `positions`, its older name.)"""

    def __init__(self, positions=None, times=None, color="red", size=None, trail_length=None, interp="linear", *,
                 name=None, trail_color=None, data=None):
        self.positions = positions if positions is not None else data
        self.times, self.color, self.size, self.trail_length = times, color, size, trail_length
        self.interp, self.name, self.trail_color = interp, name, trail_color
        self._trail_frames = None  # set when converted from neurospatial (trail in frames)

    def _animals(self):
        """[(key or None, source, times, color)]."""
        where = _where(self)
        positions = self.positions
        if positions is None:
            fail(f"{where}: positions is missing.", "", "Give positions as an (n, 2) array of (x, y).")
        if isinstance(positions, Mapping):
            keys = list(positions)
            if not keys:
                fail(f"{where}: positions is an empty dict.", "", "Give at least one animal's (n, 2) positions.")
            sources = [positions[k] for k in keys]
        elif isinstance(positions, (list, tuple)) and positions and all(
                hasattr(p, "shape") and len(p.shape) == 2 for p in positions):
            keys, sources = [None] * len(positions), list(positions)
        else:
            source = arrays.lazy(positions)
            if len(source.shape) == 3 and source.shape[2] == 2:
                keys = [None] * source.shape[1]
                sources = [_Column(source, i) for i in range(source.shape[1])]
            else:
                keys, sources = [None], [source]
        count = len(sources)
        colors = self.color
        if count > 1 and isinstance(colors, Mapping):
            unknown = [k for k in colors if k not in keys]
            if unknown:
                fail(f"{where}: color names the animal {unknown[0]!r}, which is not in positions."
                     f"{did_you_mean(unknown[0], keys)}",
                     "", f"Use the animals' names: {names_text(keys)}.")
            colors = [colors.get(k, TAB10[i % 10]) for i, k in enumerate(keys)]
        elif count > 1 and isinstance(colors, (list, tuple)) and len(colors) == count and all(
                isinstance(c, str) or (hasattr(c, "__len__") and len(c) in (3, 4)) for c in colors):
            colors = list(colors)
        elif count > 1 and isinstance(colors, str) and colors == "red":  # the default: one colour per animal
            colors = [TAB10[(i + 3) % 10] for i in range(count)]
        else:
            colors = [colors] * count
        times = self.times
        if isinstance(times, Mapping):
            missing = [k for k in keys if k not in times]
            if missing:
                fail(f"{where}: times has no entry for the animal {missing[0]!r}.", "",
                     "Give one times array per animal, or one shared times array.")
            times_list = [times[k] for k in keys]
        else:
            times_list = [times] * count
        return list(zip(keys, sources, times_list, colors))

    def _plans(self, ctx):
        animals = self._animals()
        plans = []
        for index, (key, source, times, colour) in enumerate(animals):
            if len(animals) == 1:
                name, explicit = self.name, self.name is not None
            elif key is not None:
                name, explicit = (key if self.name is None else f"{self.name}_{key}"), True
            else:
                name, explicit = f"{self.name or 'position'}_{index + 1}", True
            plans.append(_PositionPlan(self, name, explicit, source, times, colour))
        return plans


class _PositionPlan(_Plan):
    kind, base = "position", "position"

    def __init__(self, owner, name, explicit, source, times, colour):
        super().__init__(owner, name, explicit)
        self.source, self.times_in, self.colour = source, times, colour

    def check(self, ctx):
        o, where = self.owner, self.where
        self.xy = _sample_array(self.source, where, "positions", (2,), "(n, 2)")
        self.times, _, _ = _sample_times(self.times_in, self.xy.shape[0], where, ctx, "positions")
        self.color = check_color(self.colour, where)
        self.size = _optional(o.size, where, "size", positive=True)
        if o._trail_frames is not None:
            self.trail = number(o._trail_frames, where, "trail_length (frames)", non_negative=True) / ctx.rate
        else:
            self.trail = _optional(o.trail_length, where, "trail_length (seconds)", non_negative=True) or 0.0
            duration = ctx.last - ctx.first
            if duration > 0 and self.trail > duration:
                warnings.warn(f"{where}: trail_length = {self.trail:g} s is longer than the whole session "
                              f"({duration:g} s). trail_length is in seconds here (neurospatial's was in frames: "
                              f"{self.trail:g} frames would be trail_length={self.trail / ctx.rate:g}).", stacklevel=3)
        self.trail_color = None if o.trail_color is None else check_color(o.trail_color, where, "trail_color")
        self.interp = check_interp(o.interp, where)

    def write(self, g, ctx, compression):
        g.attrs["color"] = self.color
        if self.size is not None:
            g.attrs["size"] = F8.type(self.size)
        g.attrs["trail_seconds"] = F8.type(self.trail)
        if self.trail_color:
            g.attrs["trail_color"] = self.trail_color
        g.attrs["interp"] = self.interp
        _write_times(g, "times", self.times)
        _write_samples(g, "xy", self.xy)


class Skeleton:
    """The body plan of a pose: `nodes` (part names), `edges` ((a, b) name pairs), optional
    `node_colors` {part: colour}, `edge_color`, `edge_width` (px). Shaped like neurospatial's
    Skeleton, which can be passed instead."""

    def __init__(self, name="skeleton", nodes=(), edges=(), node_colors=None, edge_color="white", edge_width=1.0):
        self.name, self.nodes, self.edges = name, tuple(nodes), tuple(tuple(e) for e in edges)
        self.node_colors, self.edge_color, self.edge_width = node_colors, edge_color, edge_width

    @classmethod
    def from_edge_list(cls, edges, name="skeleton", **style):
        nodes = []
        for edge in edges:
            for part in edge:
                if part not in nodes:
                    nodes.append(part)
        return cls(name, nodes, edges, **style)


class BodypartOverlay:
    """Pose keypoints: `data` {part: (n, 2)} (one shared `times`), `skeleton` a Skeleton (or
    neurospatial's) or a list of (part, part) edges, `colors` {part: colour}. NaN keypoints are gaps.
    `size` (environment units), `edge_color` and `edge_width` (px) override the skeleton's style."""

    def __init__(self, data, times=None, skeleton=None, colors=None, interp="linear", *, name=None, size=None,
                 edge_color=None, edge_width=None):
        self.data, self.times, self.skeleton, self.colors, self.interp = data, times, skeleton, colors, interp
        self.name, self.size, self.edge_color, self.edge_width = name, size, edge_color, edge_width

    def _plans(self, ctx):
        return [_BodypartPlan(self, self.name, self.name is not None)]


class _BodypartPlan(_Plan):
    kind, base = "bodyparts", "bodyparts"

    def check(self, ctx):
        o, where = self.owner, self.where
        if not isinstance(o.data, Mapping) or not o.data:
            fail(f"{where}: data must be a non-empty dict {{part name: (n, 2) array}}, not {type(o.data).__name__}.",
                 "", "Give one (n, 2) array of (x, y) per body part, e.g. {'nose': nose_xy, 'tail_base': tail_xy}.")
        self.parts = []
        sources = []
        for part, values in o.data.items():
            if not isinstance(part, str) or not part:
                fail(f"{where}: the part name {part!r} is not a non-empty string.", "", "Name body parts with strings.")
            self.parts.append(part)
            sources.append(_sample_array(values, where, f"data[{part!r}]", (2,), "(n, 2)"))
        lengths = {part: s.shape[0] for part, s in zip(self.parts, sources)}
        if len(set(lengths.values())) > 1:
            text = ", ".join(f"{p}: {n}" for p, n in lengths.items())
            fail(f"{where}: the parts have different numbers of samples ({text}).",
                 "All parts share one times array.", "Give every part the same samples (NaN where a part is not tracked).")
        self.xy = _Stacked(sources)
        self.times, _, _ = _sample_times(o.times, self.xy.shape[0], where, ctx, "data")
        skeleton = o.skeleton
        node_colors, edge_color, edge_width, skeleton_name = None, None, None, None
        if skeleton is None:
            edges = []
        elif hasattr(skeleton, "edges"):
            edges = list(skeleton.edges or ())
            node_colors = getattr(skeleton, "node_colors", None)
            edge_color = getattr(skeleton, "edge_color", None)
            edge_width = getattr(skeleton, "edge_width", None)
            skeleton_name = getattr(skeleton, "name", None)
        else:
            edges = list(skeleton)
        self.edges = []
        for edge in edges:
            edge = tuple(edge) if isinstance(edge, (list, tuple, np.ndarray)) else (edge,)
            if len(edge) != 2:
                fail(f"{where}: the skeleton edge {edge!r} is not a pair of parts.", "",
                     "Give each edge as (part_a, part_b).")
            ends = []
            for end in edge:
                if isinstance(end, (int, np.integer)) and not isinstance(end, bool):
                    if not 0 <= end < len(self.parts):
                        fail(f"{where}: the skeleton edge {edge!r} refers to part {end}, but there are "
                             f"{len(self.parts)} parts ({names_text(self.parts)}).", "",
                             "Use part indices below the number of parts, or part names.")
                    end = self.parts[int(end)]
                if end not in self.parts:
                    fail(f"{where}: the skeleton edge ({edge[0]!r}, {edge[1]!r}) names the part {end!r}, which is not in "
                         f"data (parts: {names_text(self.parts)}).{did_you_mean(end, self.parts)}",
                         "An edge joins two tracked parts; a part without a track cannot be drawn.",
                         "Use the exact part names from data, or add the part's track to data.")
                ends.append(end)
            pair = tuple(sorted(ends, key=self.parts.index))
            if pair[0] != pair[1] and pair not in self.edges:
                self.edges.append(pair)
        colors = {}
        if isinstance(o.colors, Mapping):
            for part, value in o.colors.items():
                if part not in self.parts:
                    fail(f"{where}: colors names the part {part!r}, which is not in data (parts: "
                         f"{names_text(self.parts)}).{did_you_mean(part, self.parts)}",
                         "", "Use the exact part names from data as the keys of colors.")
                colors[part] = value
        elif o.colors is not None:
            colors = {part: o.colors for part in self.parts}
        self.part_colors = []
        for index, part in enumerate(self.parts):
            value = colors.get(part, (node_colors or {}).get(part, TAB10[index % 10]))
            self.part_colors.append(check_color(value, where, f"the colour of {part!r}"))
        style_color = o.edge_color if o.edge_color is not None else edge_color
        self.edge_color = None if style_color is None else check_color(style_color, where, "edge_color")
        self.edge_width = _optional(o.edge_width if o.edge_width is not None else edge_width, where, "edge_width",
                                    positive=True)
        self.size = _optional(o.size, where, "size", positive=True)
        self.skeleton_name = skeleton_name if isinstance(skeleton_name, str) and skeleton_name else None
        self.interp = check_interp(o.interp, where)

    def write(self, g, ctx, compression):
        _strings(g, "part_names", self.parts)
        _strings(g, "part_colors", self.part_colors)
        g.attrs["interp"] = self.interp
        if self.edge_color:
            g.attrs["edge_color"] = self.edge_color
        if self.edge_width is not None:
            g.attrs["edge_width"] = F8.type(self.edge_width)
        if self.size is not None:
            g.attrs["size"] = F8.type(self.size)
        if self.skeleton_name:
            g.attrs["skeleton_name"] = self.skeleton_name
        _write_times(g, "times", self.times)
        _write_samples(g, "xy", self.xy)
        if self.edges:
            g.create_dataset("skeleton_edges", data=np.array(self.edges, dtype=object), dtype=h5py.string_dtype())


class HeadDirectionOverlay:
    """Heading as `headings` (n,) radians (0 = +x, pi/2 = +y) or (n, 2) vectors, with `times`.
    `anchor`: the name of a position overlay (or the PositionOverlay itself), or '<bodyparts>/<part>'
    (or (BodypartOverlay, part)); default the only position overlay, else the arena's centre.
    `length` in environment units (default 10 % of the arena), `width` the arrow thickness in px."""

    def __init__(self, headings=None, times=None, color="yellow", length=None, width=None, interp="linear", *,
                 anchor=None, name=None, data=None):
        self.headings = headings if headings is not None else data
        self.times, self.color, self.length, self.width, self.interp = times, color, length, width, interp
        self.anchor, self.name = anchor, name

    def _plans(self, ctx):
        return [_HeadingPlan(self, self.name, self.name is not None)]


class _HeadingPlan(_Plan):
    kind, base = "head_direction", "head_direction"

    def check(self, ctx):
        o, where = self.owner, self.where
        if o.headings is None:
            fail(f"{where}: headings is missing.", "", "Give headings as (n,) angles in radians or (n, 2) vectors.")
        source = arrays.lazy(o.headings)
        if len(source.shape) == 2 and source.shape[1] == 2:
            vectors = _sample_array(source, where, "headings", (2,), "(n, 2)")
            self.angle = _Angles(vectors)
        else:
            self.angle = _sample_array(source, where, "headings", (), "(n,) radians or (n, 2) vectors")
        self.times, _, _ = _sample_times(o.times, self.angle.shape[0], where, ctx, "headings")
        self.color = check_color(o.color if o.color is not None else "yellow", where)
        self.length = _optional(o.length, where, "length", positive=True)
        self.width = _optional(o.width, where, "width", positive=True)
        self.interp = check_interp(o.interp, where)
        self.anchor = _resolve_anchor(o.anchor, where, ctx, "anchor", allow_parts=True)

    def write(self, g, ctx, compression):
        g.attrs["color"] = self.color
        g.attrs["interp"] = self.interp
        if self.length is not None:
            g.attrs["length"] = F8.type(self.length)
        if self.width is not None:
            g.attrs["width"] = F8.type(self.width)
        if self.anchor:
            g.attrs["anchor"] = self.anchor
        _write_times(g, "times", self.times)
        _write_samples(g, "angle", self.angle)


def _resolve_anchor(anchor, where, ctx, what, allow_parts):
    """A position overlay's name (or '<bodyparts>/<part>') from a name or an overlay object."""
    if anchor is None:
        return None
    if isinstance(anchor, PositionOverlay):
        names = ctx.position_owner.get(id(anchor), [])
        if len(names) != 1:
            fail(f"{where}: {what} is a PositionOverlay that is " +
                 ("not among the session's overlays." if not names else f"several animals ({names_text(names)})."),
                 "", f"Pass the overlay in overlays=[...] too, or give {what} as one animal's overlay name.")
        return names[0]
    if allow_parts and isinstance(anchor, tuple) and len(anchor) == 2 and isinstance(anchor[0], BodypartOverlay):
        body = ctx.bodyparts_owner.get(id(anchor[0]))
        if body is None:
            fail(f"{where}: {what} names a BodypartOverlay that is not among the session's overlays.", "",
                 "Pass the BodypartOverlay in overlays=[...] too.")
        anchor = f"{body}/{anchor[1]}"
    if not isinstance(anchor, str) or not anchor:
        fail(f"{where}: {what} = {anchor!r} is not an overlay name.", "",
             f"Give {what} as a position overlay's name" + (" or '<bodyparts overlay>/<part>'." if allow_parts else "."))
    if allow_parts and "/" in anchor:
        body, part = anchor.split("/", 1)
        if body not in ctx.bodyparts:
            fail(f"{where}: {what} '{anchor}' names no bodyparts overlay '{body}' (there are: "
                 f"{names_text(ctx.bodyparts)}).{did_you_mean(body, ctx.bodyparts)}",
                 "", "Write it as '<bodyparts overlay name>/<part>', e.g. 'bodyparts/nose'.")
        parts = ctx.bodyparts[body]
        if part not in parts:
            fail(f"{where}: {what} '{anchor}' names the part '{part}', which is not one of {names_text(parts)}."
                 f"{did_you_mean(part, parts)}", "", "Use one of the part names.")
        return anchor
    if anchor not in ctx.position_names:
        fail(f"{where}: {what} = '{anchor}' is not a position overlay (there are: {names_text(ctx.position_names)})."
             f"{did_you_mean(anchor, ctx.position_names)}",
             "It says which trajectory to follow.", f"Set {what} to the name of one of the session's PositionOverlays.")
    return anchor


class EventOverlay:
    """Events (spikes, rewards, licks): `event_times` an array (one type, named 'event') or a dict
    type -> times. Placed at fixed `event_positions` ((m, 2), (1, 2) for all, or a dict per type), on
    a trajectory given as `positions` + `position_times` (interpolated at each event's time when
    writing), or else on a position overlay of the session at the event's own time (`position_source`,
    default the only one). `mode`: 'instant' (only on their frame), 'cumulative' (stay, as
    neurospatial's default) or 'decay' (fade out over `decay_seconds`). neurospatial's
    `decay_frames` (None = cumulative, 0 = instant, N = decay over N frames) is accepted too.
    `colors` / `markers`: one for all or a dict per type ('o', 's', '^', 'v', 'd', '+', 'x', '*');
    `size` in environment units; `opacity` in [0, 1]. Unsorted event times are sorted."""

    def __init__(self, event_times, event_positions=None, positions=None, position_times=None, interp="linear",
                 colors=None, size=None, opacity=0.7, mode="cumulative", decay_seconds=None, markers=None, *,
                 position_source=None, decay_frames=None, name=None):
        self.event_times, self.event_positions = event_times, event_positions
        self.positions, self.position_times, self.interp = positions, position_times, interp
        self.colors, self.size, self.opacity, self.mode, self.decay_seconds = colors, size, opacity, mode, decay_seconds
        self.markers, self.position_source, self.decay_frames, self.name = markers, position_source, decay_frames, name

    def _plans(self, ctx):
        return [_EventPlan(self, self.name, self.name is not None)]


SpikeOverlay = EventOverlay  # neurospatial's alias


def _per_type(value, types, where, name, default):
    """{type: value} from one value for all or a dict per type."""
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in types]
        if unknown:
            fail(f"{where}: {name} names the event type {unknown[0]!r}, which is not in event_times (types: "
                 f"{names_text(types)}).{did_you_mean(unknown[0], types)}", "",
                 f"Use the keys of event_times as the keys of {name}.")
        return {t: value.get(t, default(i)) for i, t in enumerate(types)}
    return {t: (default(i) if value is None else value) for i, t in enumerate(types)}


class _EventPlan(_Plan):
    kind, base = "events", "events"

    def check(self, ctx):
        o, where = self.owner, self.where
        raw = o.event_times if isinstance(o.event_times, Mapping) else {"event": o.event_times}
        if not raw:
            fail(f"{where}: event_times is an empty dict.", "", "Give at least one event type: {'name': times}.")
        self.types = []
        times, order = {}, {}
        for name, values in raw.items():
            check_name(name, where, "event type")
            try:
                t = np.asarray(values, dtype=F8)
            except (TypeError, ValueError):
                fail(f"{where}: the times of {name!r} are not numbers.", "", "Give event times as a 1-D array of seconds.")
            if t.ndim != 1:
                fail(f"{where}: the times of {name!r} have shape {shape_text(t.shape)} but must be 1-D (m,).", "",
                     "Give one time in seconds per event.")
            bad = ~np.isfinite(t)
            if bad.any():
                index = int(np.argmax(bad))
                fail(f"{where}: event_times[{name!r}][{index}] = {float(t[index])} is not finite.",
                     "An event without a time cannot be placed.", "Remove the event or fix its time.")
            sort = None
            if len(t) > 1 and (np.diff(t) <= 0).any():
                sort = np.argsort(t, kind="stable")
                t = t[sort]
                repeated = np.flatnonzero(np.diff(t) == 0)
                if len(repeated):
                    fail(f"{where}: event type {name!r} has the time {float(t[repeated[0]])!r} more than once.",
                         "Events of one type are found by bisection on their times, which must not repeat.",
                         "Drop repeated events (np.unique), or split them into separate types.")
            self.types.append(name)
            times[name], order[name] = t, sort
        self.times = times
        fixed = o.event_positions is not None
        trajectory = o.positions is not None or o.position_times is not None
        if fixed and trajectory:
            fail(f"{where}: both event_positions and positions/position_times are given.",
                 "Events are placed either at fixed positions or on a trajectory, not both.",
                 "Give event_positions for fixed places, or positions + position_times for a trajectory.")
        self.xy = None
        if fixed:
            self.xy = self._fixed(o.event_positions, order, where)
        elif trajectory:
            self.xy = self._on_trajectory(o, where)
        # Mode (neurospatial's decay_frames wins when given).
        mode, decay = o.mode, o.decay_seconds
        if o.decay_frames is not None:
            frames = number(o.decay_frames, where, "decay_frames", non_negative=True, integer=True)
            mode, decay = ("instant", None) if frames == 0 else ("decay", frames / ctx.rate)
        self.mode = choice(mode, ("instant", "cumulative", "decay"), where, "mode")
        if decay is not None and self.mode != "decay":
            fail(f"{where}: decay_seconds is set but mode = '{self.mode}'.", "Only the 'decay' mode fades events.",
                 "Set mode='decay', or remove decay_seconds.")
        self.decay = _optional(decay, where, "decay_seconds", positive=True)
        self.colors = {t: check_color(c, where, f"the colour of {t!r}") for t, c in
                       _per_type(o.colors, self.types, where, "colors", lambda i: TAB10[i % 10]).items()}
        self.markers = {t: check_marker(m, where, f"the marker of {t!r}") for t, m in
                        _per_type(o.markers, self.types, where, "markers", lambda i: "o").items()}
        self.size = _optional(o.size, where, "size", positive=True)
        self.opacity = number(o.opacity, where, "opacity", low=0.0, high=1.0)
        self.interp = check_interp(o.interp, where)
        self.source = None
        if self.xy is not None and o.position_source is not None:
            fail(f"{where}: position_source is given but the events already have positions.",
                 "position_source only places events that have no positions of their own.",
                 "Remove position_source, or drop event_positions / positions to place the events on it.")
        if self.xy is None:
            self.source = _resolve_anchor(o.position_source, where, ctx, "position_source", allow_parts=False)
            if self.source is None and len(ctx.position_names) != 1:
                fail(f"{where}: its events have no positions and there is " +
                     ("no position overlay" if not ctx.position_names else
                      f"more than one position overlay ({names_text(ctx.position_names)})") + " to place them on.",
                     "Events without positions are drawn on a trajectory at their own time.",
                     "Give event_positions, or positions + position_times, or position_source = the name of a "
                     "PositionOverlay in overlays=[...].")
        first = min((t[0] for t in times.values() if len(t)), default=None)
        last = max((t[-1] for t in times.values() if len(t)), default=None)
        if first is not None:
            _check_overlap(first, last, where, ctx, "its events")

    def _fixed(self, positions, order, where):
        out = {}
        if isinstance(positions, Mapping) and list(positions) == ["event"] and "event" not in self.types:
            positions = positions["event"]  # one array under neurospatial's default name: for every type, as there
        if isinstance(positions, Mapping):
            _per_type(positions, self.types, where, "event_positions", lambda i: None)
            missing = [t for t in self.types if t not in positions]
            if missing:
                fail(f"{where}: event_positions has no entry for the event type {missing[0]!r}.", "",
                     "Give positions for every event type, or one (1, 2) position for all.")
            items = {t: positions[t] for t in self.types}
        else:
            items = {t: positions for t in self.types}
        for t, value in items.items():
            xy = np.asarray(value, dtype=F8)
            if xy.shape == (2,):
                xy = xy[None, :]
            m = len(self.times[t])
            if xy.ndim != 2 or xy.shape[1] != 2 or xy.shape[0] not in (1, m):
                fail(f"{where}: the positions of {t!r} have shape {shape_text(xy.shape)} but the type has {m} events.",
                     "", f"Give ({m}, 2) positions, one per event, or one (1, 2) position for every event.")
            if np.isinf(xy).any():
                fail(f"{where}: the positions of {t!r} contain infinite values.", "",
                     "Use finite positions (NaN = not drawn).")
            if xy.shape[0] == 1:
                xy = np.repeat(xy, m, axis=0)
            elif order[t] is not None:
                xy = xy[order[t]]
            out[t] = xy
        return out

    def _on_trajectory(self, o, where):
        if o.positions is None or o.position_times is None:
            fail(f"{where}: only one of positions and position_times is given.", "A trajectory needs both.",
                 "Give positions (k, 2) and position_times (k,), or neither.")
        track = _sample_array(o.positions, where, "positions", (2,), "(k, 2)")
        stamps = arrays.lazy(o.position_times)
        if len(stamps.shape) != 1 or stamps.shape[0] != track.shape[0]:
            fail(f"{where}: position_times has shape {shape_text(stamps.shape)} but positions has {track.shape[0]} rows.",
                 "", "Give one time per trajectory sample.")
        arrays.scan_times(stamps, where, "position_times")
        stamps = arrays.read(stamps, 0, stamps.shape[0], F8)
        track = arrays.read(track, 0, track.shape[0], F8)
        out = {}
        for t in self.types:
            when = self.times[t]
            if o.interp == "nearest":
                after = np.clip(np.searchsorted(stamps, when), 0, len(stamps) - 1)
                before = np.clip(after - 1, 0, len(stamps) - 1)
                # Halfway ties take the later sample, as neurospatial's EventOverlay does.
                pick = np.where(np.abs(stamps[after] - when) <= np.abs(when - stamps[before]), after, before)
                xy = track[pick].copy()
            else:
                xy = np.stack([np.interp(when, stamps, track[:, k]) for k in range(2)], axis=1)
            xy[(when < stamps[0]) | (when > stamps[-1])] = np.nan  # no extrapolation, as neurospatial
            out[t] = xy
        return out

    def write(self, g, ctx, compression):
        g.attrs["mode"] = self.mode
        if self.decay is not None:
            g.attrs["decay_seconds"] = F8.type(self.decay)
        if self.size is not None:
            g.attrs["size"] = F8.type(self.size)
        g.attrs["opacity"] = F8.type(self.opacity)
        g.attrs["interp"] = self.interp
        if self.source:
            g.attrs["position_source"] = self.source
        for t in self.types:
            sub = g.create_group(t)
            sub.attrs["color"] = self.colors[t]
            sub.attrs["marker"] = self.markers[t]
            _write_times(sub, "times", self.times[t])
            if self.xy is not None:
                _write_samples(sub, "xy", self.xy[t])


class TimeSeriesOverlay:
    """A scalar series (speed, LFP, ...) charted under the arena: `data` (n,) with `times` (n,)
    (NaN = gap). Series with the same `group` share a chart; `window_seconds` of data around the
    current time is shown; `normalize` maps to 0..1; `vmin` / `vmax` fix the y-limits. `update_mode`
    (neurospatial's) says when the chart redraws while playing: "live" (a few times a second),
    "on_pause" (when playback stops) or "manual" (when asked). The multi-resolution min/max summary the
    reader uses for wide windows is written alongside."""

    def __init__(self, data, times=None, label="", color=None, window_seconds=2.0, linewidth=None, group=None,
                 normalize=False, vmin=None, vmax=None, interp="linear", update_mode="live", *, name=None,
                 summary=True):
        self.data, self.times, self.label, self.color, self.window_seconds = data, times, label, color, window_seconds
        self.linewidth, self.group, self.normalize, self.vmin, self.vmax = linewidth, group, normalize, vmin, vmax
        self.interp, self.update_mode, self.name, self.summary = interp, update_mode, name, summary

    def _plans(self, ctx):
        base = self.label.replace("/", "_").strip() if isinstance(self.label, str) else ""
        plan = _SeriesPlan(self, self.name, self.name is not None)
        plan.base = base if base and base not in (".", "..") else "timeseries"
        return [plan]


class _SeriesPlan(_Plan):
    kind, base = "timeseries", "timeseries"

    def check(self, ctx):
        o, where = self.owner, self.where
        self.values = _sample_array(o.data, where, "data", (), "(n,)")
        if o.times is None:
            fail(f"{where}: times is not given.", "A time series has its own clock (speed at 30 Hz, LFP at 1 kHz); "
                 "neurospatial's TimeSeriesOverlay requires times too.",
                 "Give times (n,) in seconds on the session clock, one per sample.")
        self.times, _, _ = _sample_times(o.times, self.values.shape[0], where, ctx, "data")
        for attr in ("label", "group"):
            value = getattr(o, attr)
            if value is not None and not isinstance(value, str):
                fail(f"{where}: {attr} = {value!r} is not a string.", "", f"Give {attr} as text.")
        # No colour: the reader cycles tab10 (white, neurospatial's default, vanishes on a white chart).
        self.color = None if o.color is None else check_color(o.color, where)
        self.window = number(o.window_seconds, where, "window_seconds", positive=True)
        self.linewidth = _optional(o.linewidth, where, "linewidth", positive=True)
        self.vmin = _optional(o.vmin, where, "vmin")
        self.vmax = _optional(o.vmax, where, "vmax")
        if self.vmin is not None and self.vmax is not None and not self.vmin < self.vmax:
            fail(f"{where}: vmin = {self.vmin:g} is not below vmax = {self.vmax:g}.", "They are the chart's y-limits.",
                 "Set vmin < vmax, or leave both out for limits from the data.")
        self.interp = check_interp(o.interp, where)
        modes = ("live", "on_pause", "manual")
        if o.update_mode not in modes:
            fail(f"{where}: update_mode = {o.update_mode!r} is not one of {', '.join(modes)}.",
                 "It says when the chart redraws while playing.",
                 "Use 'live' (a few times a second), 'on_pause' (when playback stops) or 'manual' (when asked).")

    def write(self, g, ctx, compression):
        o = self.owner
        if o.update_mode != "live":
            g.attrs["update_mode"] = o.update_mode
        if o.label:
            g.attrs["label"] = o.label
        if o.group:
            g.attrs["group"] = o.group
        if self.color is not None:
            g.attrs["color"] = self.color
        g.attrs["window_seconds"] = F8.type(self.window)
        g.attrs["normalize"] = np.int64(1 if o.normalize else 0)
        g.attrs["interp"] = self.interp
        for key in ("linewidth", "vmin", "vmax"):
            if getattr(self, key) is not None:
                g.attrs[key] = F8.type(getattr(self, key))
        n = int(self.values.shape[0])
        chunk = arrays.sample_chunk_rows(n, 8)
        times = g.create_dataset("times", shape=(n,), dtype=F8, chunks=(arrays.time_chunk_rows(n),))
        values = g.create_dataset("values", shape=(n,), dtype=F8, chunks=(chunk,))
        levels = level_rows(n) if o.summary else []
        sinks = []
        if levels:
            summary = g.create_group("summary")
            for k, (bucket, rows) in enumerate(levels):
                level = summary.create_dataset(f"level_{k}", shape=(rows, 3), dtype=F8, chunks=(min(rows, 4096), 3))
                level.attrs["samples_per_bucket"] = np.int64(bucket)
                sinks.append(lambda first, block, level=level: level.__setitem__(slice(first, first + len(block)), block))
        builder = SummaryBuilder(n, sinks) if levels else None
        step = arrays.block_rows(16, align=math.lcm(arrays.TIME_CHUNK, chunk, 16))
        for first, stop in arrays.blocks(n, step):
            t = arrays.read(self.times, first, stop, F8)
            v = arrays.read(self.values, first, stop, F8)
            times[first:stop] = t
            values[first:stop] = v
            if builder:
                builder.add(t, v, final=stop == n)
            del t, v
            arrays.release(self.times, first, stop)
            arrays.release(self.values, first, stop)
        if builder:
            builder.finish()


class VideoCalibration:
    """Where the video's source pixels land in the environment: exactly one of a (3, 3) px_to_env
    affine (column, row, 1) -> (x, y, 1); a scale bar (two end pixels and its length); landmarks
    (k >= 3 pixel points and their environment points, fitted rigidly, by similarity or affinely);
    or cm per pixel. Pixel rows count down from the top-left corner; the reader flips y. Make one
    with calibrate_video(...)."""

    def __init__(self, method, attrs, datasets):
        self.method, self.attrs, self.datasets = method, attrs, datasets

    def __repr__(self):
        return f"VideoCalibration({self.method})"


def _points(value, name, rows=None):
    where = "calibrate_video"
    try:
        points = np.asarray(value, dtype=F8)
    except (TypeError, ValueError):
        points = np.zeros((0,))
    if points.ndim != 2 or points.shape[1] != 2 or (rows is not None and points.shape[0] != rows):
        need = f"({rows}, 2)" if rows else "(k, 2)"
        fail(f"{where}: {name} has shape {shape_text(points.shape)} but needs {need}.", "",
             f"Give {name} as {need} points (column, row) for pixels, (x, y) for the environment.")
    if not np.isfinite(points).all():
        fail(f"{where}: {name} has values that are not finite.", "", f"Give finite {name}.")
    return points


def _collinear(points):
    centred = points - points.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    return len(s) < 2 or s[0] == 0 or s[1] / s[0] < 1e-6


def calibrate_video(*, scale_bar=None, landmarks_px=None, landmarks_env=None, landmark_fit="similarity",
                    cm_per_px=None, px_to_env=None, env_origin=None):
    """A VideoCalibration from exactly one method (as neurospatial's calibrate_video, without the
    video file: the reader knows the frame size):
    - scale_bar=((x1, y1), (x2, y2), length): a bar of known length (environment units) between two pixels;
    - landmarks_px=(k, 2) + landmarks_env=(k, 2), landmark_fit='rigid' | 'similarity' | 'affine';
    - cm_per_px=float;
    - px_to_env=(3, 3) affine matrix.
    `env_origin` (x0, y0) is the environment point of the frame's bottom-left corner (scale bar and
    cm_per_px only)."""
    where = "calibrate_video"
    given = [name for name, value in (("scale_bar", scale_bar), ("landmarks", landmarks_px if landmarks_px is not None
                                                                               else landmarks_env),
                                      ("cm_per_px", cm_per_px), ("px_to_env", px_to_env)) if value is not None]
    if len(given) != 1:
        fail(f"{where}: {'no calibration method' if not given else 'more than one method (' + ', '.join(given) + ')'} "
             "was given.", "A video is placed by exactly one calibration.",
             "Give one of scale_bar=((x1, y1), (x2, y2), length), landmarks_px + landmarks_env, cm_per_px or px_to_env.")
    attrs, datasets = {}, {}
    if env_origin is not None:
        if given[0] not in ("scale_bar", "cm_per_px"):
            fail(f"{where}: env_origin is only used with scale_bar or cm_per_px.", "",
                 "Remove env_origin (landmarks and px_to_env carry their own offset).")
        attrs["env_origin"] = _points([env_origin], "env_origin", 1)[0]
    if given[0] == "scale_bar":
        try:
            p1, p2, length = scale_bar
        except (TypeError, ValueError):
            fail(f"{where}: scale_bar = {scale_bar!r} is not ((x1, y1), (x2, y2), length).", "",
                 "Give the bar's two end pixels and its length in environment units.")
        ends = _points([p1, p2], "scale_bar's end points", 2)
        if np.allclose(ends[0], ends[1]):
            fail(f"{where}: the scale bar's two ends are the same pixel.", "A bar needs a length in pixels.",
                 "Give the two ends of the bar in the video.")
        datasets["scale_bar_px"] = ends
        attrs["scale_bar_length"] = number(length, where, "the scale bar's length", positive=True)
        return VideoCalibration("scale_bar", attrs, datasets)
    if given[0] == "landmarks":
        if landmarks_px is None or landmarks_env is None:
            fail(f"{where}: only one of landmarks_px and landmarks_env is given.", "A landmark fit needs both.",
                 "Give landmarks_px (k, 2) pixels and landmarks_env (k, 2) environment points, row i the same landmark.")
        px, env = _points(landmarks_px, "landmarks_px"), _points(landmarks_env, "landmarks_env")
        if len(px) != len(env):
            fail(f"{where}: landmarks_px has {len(px)} points but landmarks_env has {len(env)}.", "",
                 "Give the same landmarks in both, in the same order.")
        if len(px) < 3:
            fail(f"{where}: {len(px)} landmarks are too few.", "A fit needs at least 3 points.", "Give 3 or more landmarks.")
        for name, points in (("landmarks_px", px), ("landmarks_env", env)):
            if _collinear(points):
                fail(f"{where}: {name} lie on one line.", "A line does not fix the image's placement.",
                     "Choose landmarks that span the arena (e.g. three or four corners).")
        datasets["landmarks_px"], datasets["landmarks_env"] = px, env
        attrs["landmark_fit"] = choice(landmark_fit, ("rigid", "similarity", "affine"), where, "landmark_fit")
        return VideoCalibration("landmarks", attrs, datasets)
    if given[0] == "cm_per_px":
        attrs["cm_per_px"] = number(cm_per_px, where, "cm_per_px", positive=True)
        return VideoCalibration("cm_per_px", attrs, datasets)
    matrix = np.asarray(px_to_env, dtype=F8) if not isinstance(px_to_env, str) else np.zeros(0)
    if matrix.shape == (2, 3):
        matrix = np.vstack([matrix, [0.0, 0.0, 1.0]])
    if matrix.shape != (3, 3) or not np.isfinite(matrix).all():
        fail(f"{where}: px_to_env has shape {shape_text(matrix.shape)} or non-finite values.", "",
             "Give a finite (3, 3) affine matrix from source pixel (column, row, 1) to (x, y, 1).")
    if not np.allclose(matrix[2], [0.0, 0.0, 1.0], atol=1e-9):
        fail(f"{where}: px_to_env's last row is {matrix[2].tolist()}, not [0, 0, 1].", "It must be an affine map.",
             "Use an affine matrix (no perspective).")
    if abs(np.linalg.det(matrix[:2, :2])) < 1e-12:
        fail(f"{where}: px_to_env is singular.", "It would squash the video to a line.",
             "Give a matrix whose 2x2 part has a non-zero determinant.")
    datasets["px_to_env"] = matrix
    return VideoCalibration("px_to_env", attrs, datasets)


def _as_calibration(value, where):
    if value is None or isinstance(value, VideoCalibration):
        return value
    try:
        if isinstance(value, Mapping):
            keys = dict(value)
            if "scale_bar_px" in keys:
                keys["scale_bar"] = (*np.asarray(keys.pop("scale_bar_px"), F8), keys.pop("scale_bar_length", None))
            if "kind" in keys:
                keys["landmark_fit"] = keys.pop("kind")
            return calibrate_video(**keys)
        matrix = calibration_matrix(value)  # neurospatial VideoCalibration (transform_px_to_cm.A)
        if matrix is not None:
            return calibrate_video(px_to_env=matrix)
        if hasattr(value, "shape") or isinstance(value, (list, tuple)):
            return calibrate_video(px_to_env=value)
    except TypeError as error:
        fail(f"{where}: calibration {value!r} could not be read ({error}).", "",
             "Give calibrate_video(...), a (3, 3) px_to_env matrix, or a dict of one method's values.")
    except SessionWriteError as error:
        raise SessionWriteError(f"{where}: {error.what}", error.why, error.fix) from None
    fail(f"{where}: calibration is a {type(value).__name__}, which is not a calibration.", "",
         "Give calibrate_video(...), a (3, 3) px_to_env matrix, a dict of one method's values, or neurospatial's "
         "VideoCalibration.")


class VideoOverlay:
    """The behaviour video on the arena. `source`: frames (n, H, W, 3) uint8 RGB stored in the
    session (a memmap or h5py dataset streams), or the path of a video file (MP4/H.264, anything
    FFmpeg reads; stored relative to the session's folder). Timing: `times` (n,) session time of each
    frame; or `time_offset` (session time of the first video frame) and `time_scale` (drift), plus `fps` for
    stored frames; with none of them, stored frames are one per session frame (as neurospatial).
    `calibration` places it (see calibrate_video; none = stretched over the arena); `crop`
    (x, y, w, h) and `downsample` cut the shown image; `alpha`, `z_order` 'above' / 'below' the field."""

    def __init__(self, source, calibration=None, times=None, alpha=0.5, z_order="above", crop=None, downsample=1,
                 interp="nearest", *, time_offset=None, time_scale=None, fps=None, name=None):
        self.source, self.calibration, self.times, self.alpha, self.z_order = source, calibration, times, alpha, z_order
        self.crop, self.downsample, self.interp = crop, downsample, interp
        self.time_offset, self.time_scale, self.fps, self.name = time_offset, time_scale, fps, name

    def _plans(self, ctx):
        return [_VideoPlan(self, self.name, self.name is not None)]


class _VideoPlan(_Plan):
    kind, base = "video", "video"

    def check(self, ctx):
        o, where = self.owner, self.where
        self.external = None
        self.frames = None
        if isinstance(o.source, (str, bytes)) or hasattr(o.source, "__fspath__"):
            self.external = _resolve_file(o.source, ctx.folder, where, "source")
            width = height = None
        else:
            frames = arrays.lazy(o.source)
            if len(frames.shape) != 4 or frames.shape[3] != 3 or np.dtype(frames.dtype) != np.uint8 or frames.shape[0] == 0:
                fail(f"{where}: source has shape {shape_text(frames.shape)} and dtype {frames.dtype}; stored frames must "
                     "be (n, H, W, 3) uint8 RGB with n >= 1.", "",
                     "Convert the frames to uint8 RGB (from OpenCV: frame[..., ::-1] for BGR), or give a video file path.")
            self.frames = frames
            height, width = int(frames.shape[1]), int(frames.shape[2])
        self.alpha = number(o.alpha, where, "alpha", low=0.0, high=1.0)
        self.z_order = choice(o.z_order, ("above", "below"), where, "z_order")
        if o.interp not in ("nearest", "linear"):
            check_interp(o.interp, where)
        if o.interp == "linear":
            warnings.warn(f"{where}: interp='linear' is not implemented for video (as in neurospatial); the nearest "
                          "frame is shown.", stacklevel=4)
        self.offset = _optional(o.time_offset, where, "time_offset")
        self.scale = _optional(o.time_scale, where, "time_scale", positive=True)
        self.fps = _optional(o.fps, where, "fps", positive=True)
        self.times = None
        if o.times is not None:
            if self.offset is not None or self.scale is not None:
                fail(f"{where}: both times and time_offset/time_scale are given.",
                     "Per-frame times already place every frame on the session clock.",
                     "Give times, or time_offset (and time_scale), not both.")
            n = self.frames.shape[0] if self.frames is not None else arrays.lazy(o.times).shape[0]
            self.times, _, _ = _sample_times(o.times, n, where, ctx, "the video")
        elif self.frames is not None:
            n = self.frames.shape[0]
            if self.fps is not None:
                start = self.offset or 0.0
                self.times = _RegularTimes(start, self.fps / (self.scale or 1.0), n)
                _check_overlap(start, start + (n - 1) * (self.scale or 1.0) / self.fps, where, ctx)
                self.offset = self.scale = None
            elif self.offset is not None or self.scale is not None:
                fail(f"{where}: stored frames with time_offset/time_scale need fps.",
                     "Stored frames carry no clock of their own.", "Give fps (frames per second of the video), or times.")
            else:
                self.times, _, _ = _sample_times(None, n, where, ctx, "the video")
        elif self.fps is not None:
            fail(f"{where}: fps is only used with stored frames.", "A video file has its own clock.",
                 "Remove fps; use time_offset and time_scale to put the file's clock on the session's.")
        self.calibration = _as_calibration(o.calibration, where)
        self.crop = None
        if o.crop is not None:
            try:
                crop = [number(c, where, "crop", integer=True) for c in o.crop]
            except TypeError:
                crop = []
            if len(crop) != 4 or crop[0] < 0 or crop[1] < 0 or crop[2] < 1 or crop[3] < 1:
                fail(f"{where}: crop = {o.crop!r} is not (x, y, w, h) whole pixels with w, h >= 1.", "",
                     "Give crop as (x, y, width, height) in source pixels, or None for the whole frame.")
            if width is not None and (crop[0] + crop[2] > width or crop[1] + crop[3] > height):
                fail(f"{where}: crop {tuple(crop)} reaches outside the {width} x {height} frame.", "",
                     "Keep the crop inside the frame.")
            self.crop = crop
        self.downsample = number(o.downsample, where, "downsample", integer=True, positive=True)
        if width is not None:
            shown = (self.crop[2], self.crop[3]) if self.crop else (width, height)
            if self.downsample > min(shown):
                fail(f"{where}: downsample = {self.downsample} leaves no whole pixel of the {shown[0]} x {shown[1]} image.",
                     "", "Use a smaller downsample factor.")

    def write(self, g, ctx, compression):
        g.attrs["alpha"] = F8.type(self.alpha)
        g.attrs["z_order"] = self.z_order
        if self.external:
            g.attrs["external_path"] = self.external
        if self.offset is not None:
            g.attrs["time_offset"] = F8.type(self.offset)
        if self.scale is not None:
            g.attrs["time_scale"] = F8.type(self.scale)
        if self.crop:
            g.attrs["crop"] = np.array(self.crop, dtype=np.int64)
        if self.downsample != 1:
            g.attrs["downsample"] = np.int64(self.downsample)
        if self.calibration is not None:
            for key, value in self.calibration.attrs.items():
                g.attrs[key] = value if isinstance(value, str) else np.asarray(value, dtype=F8)
            for key, value in self.calibration.datasets.items():
                g.create_dataset(key, data=np.asarray(value, dtype=F8))
        if self.times is not None:
            _write_times(g, "times", self.times)
        if self.frames is not None:
            _write_rows(g, "frames", self.frames, np.uint8, 1, compression=compression)


class IntervalOverlay:
    """Intervals (trials, epochs): `start_time` (n,) strictly increasing and `stop_time` (n,)
    seconds, optional `labels` (n,) strings; `label` names the overlay in the readout, `color` its
    colour. The interval at the current time is shown in the annotation, and playback can be
    limited to intervals."""

    def __init__(self, start_time, stop_time, labels=None, label=None, color=None, *, name=None):
        self.start_time, self.stop_time, self.labels, self.label, self.color = start_time, stop_time, labels, label, color
        self.name = name

    def _plans(self, ctx):
        plan = _IntervalPlan(self, self.name, self.name is not None)
        base = self.label.replace("/", "_").strip() if isinstance(self.label, str) else ""
        plan.base = base if base and base not in (".", "..") else "intervals"
        return [plan]


class _IntervalPlan(_Plan):
    kind, base = "intervals", "intervals"

    def check(self, ctx):
        o, where = self.owner, self.where
        start = arrays.lazy(o.start_time)
        first, last = arrays.scan_times(start, where, "start_time")
        n = start.shape[0]
        stop = np.asarray(o.stop_time, dtype=F8) if not hasattr(o.stop_time, "dtype") else arrays.lazy(o.stop_time)
        if len(stop.shape) != 1 or stop.shape[0] != n:
            fail(f"{where}: stop_time has shape {shape_text(stop.shape)} but start_time has {n} entries.", "",
                 "Give one stop time per interval.")
        self.start, self.stop = start, stop
        previous_stop = -math.inf
        for a, b in arrays.blocks(n, arrays.block_rows(16)):
            s0, s1 = arrays.read(start, a, b, F8), arrays.read(stop, a, b, F8)
            bad = ~np.isfinite(s1) | (s1 < s0)
            if bad.any():
                i = int(np.argmax(bad))
                problem = ("which is not a finite time." if not np.isfinite(s1[i])
                           else f"before it starts ({float(s0[i])!r} s).")
                fail(f"{where}: interval {a + i} stops at {float(s1[i])!r} s, {problem}",
                     "Every interval needs a finite stop_time >= its start_time.", "Fix or drop that interval.")
            ends = np.concatenate([[previous_stop], s1[:-1]])
            if (ends > s0).any():
                i = int(np.argmax(ends > s0))
                warnings.warn(f"{where}: interval {a + i} starts before the previous one stops; where intervals "
                              "overlap the latest one started is shown.", stacklevel=4)
            previous_stop = s1[-1]
        last = max(last, float(arrays.read(stop, n - 1, n, F8)[0]))
        _check_overlap(first, last, where, ctx, "its intervals")
        self.labels = None
        if o.labels is not None:
            labels = list(o.labels)
            if len(labels) != n or not all(isinstance(text, str) for text in labels):
                fail(f"{where}: labels must be {n} strings, one per interval (got {len(labels)} items).", "",
                     "Give one label string per interval, or leave labels out.")
            self.labels = labels
        if o.label is not None and not isinstance(o.label, str):
            fail(f"{where}: label = {o.label!r} is not a string.", "", "Give label as text.")
        self.color = None if o.color is None else check_color(o.color, where)

    def write(self, g, ctx, compression):
        o = self.owner
        if o.label:
            g.attrs["label"] = o.label
        if self.color:
            g.attrs["color"] = self.color
        _write_times(g, "start_time", self.start)
        _write_times(g, "stop_time", self.stop)
        if self.labels is not None:
            g.create_dataset("labels", data=np.array(self.labels, dtype=object), dtype=h5py.string_dtype())


OVERLAY_CLASSES = (PositionOverlay, BodypartOverlay, HeadDirectionOverlay, EventOverlay, TimeSeriesOverlay,
                   VideoOverlay, IntervalOverlay)


# ---------------------------------------------------------------------------------------------
# Fields and time
# ---------------------------------------------------------------------------------------------

class _Field:
    def __init__(self, name, source, dtype):
        self.name, self.source, self.dtype = name, source, dtype
        self.n_frames, self.n_bins = (int(d) for d in source.shape)


def _field_dtype(source, where, dtype):
    kind = np.dtype(source.dtype).kind
    if kind not in "fiub":
        fail(f"{where} has dtype {source.dtype}, which is not real numbers.", "Field values are drawn with a colour map.",
             "Give float32 or float64 values (NaN = no value).")
    if dtype is not None:
        return np.dtype(choice(np.dtype(dtype).name, ("float32", "float64"), "write_session", "dtype"))
    if kind == "f":
        return np.dtype(np.float64 if np.dtype(source.dtype).itemsize > 4 else np.float32)
    return np.dtype(np.float32 if np.dtype(source.dtype).itemsize <= 2 else np.float64)


def _as_field_source(value, where):
    """(n_frames, n_bins) array-like from an array / memmap / h5py dataset or a list of 1-D frames."""
    if isinstance(value, (list, tuple)):
        if not value:
            fail(f"{where} is an empty list.", "A session needs at least one frame.", "Give at least one frame.")
        shape = np.shape(value[0])
        if len(shape) != 1:
            fail(f"{where}: its first frame has shape {shape_text(shape)}; frames in a list must be 1-D (n_bins,).", "",
                 "Give an (n_frames, n_bins) array, or a list of (n_bins,) frames.")
        for index, frame in enumerate(value):
            if np.shape(frame) != shape:
                fail(f"{where}: frame {index} has {np.shape(frame)[0] if np.ndim(frame) == 1 else np.shape(frame)} "
                     f"values but frame 0 has {shape[0]}.", "Every frame has one value per bin.",
                     "Give every frame n_bins values.")
        dtype = np.asarray(value[0]).dtype
        return _FrameList(list(value), shape[0], dtype if dtype.kind == "f" else F8)
    source = arrays.lazy(value)
    if len(source.shape) != 2:
        fail(f"{where} has shape {shape_text(source.shape)}; a field must be 2-D (n_frames, n_bins).",
             "Each row is one frame's value in every bin.", "Reshape it to (n_frames, n_bins).")
    return source


def _fields(fields, field_names, dtype):
    if fields is None:
        fail("write_session: fields is missing.", "", "Give fields as an (n_frames, n_bins) array.")
    if isinstance(fields, Mapping):
        if field_names is not None:
            fail("write_session: field_names is given with a dict of fields.", "The dict's keys already name the fields.",
                 "Drop field_names, or pass the fields as a list.")
        items = list(fields.items())
    else:
        if isinstance(fields, (list, tuple)) and fields and all(np.ndim(f) == 1 if not hasattr(f, "shape")
                                                                else len(f.shape) == 1 for f in fields):
            values = [fields]  # neurospatial's list of 1-D frames: one field
        elif isinstance(fields, (list, tuple)):
            values = list(fields)  # several fields (each an array, or a list of frames)
        else:
            values = [fields]
        if field_names is None:
            names = ["field"] if len(values) == 1 else [f"field_{i + 1}" for i in range(len(values))]
        else:
            names = [field_names] if isinstance(field_names, str) else list(field_names)
            if len(names) != len(values):
                fail(f"write_session: {len(names)} field_names for {len(values)} fields.", "",
                     "Give one name per field.")
        items = list(zip(names, values))
    if not items:
        fail("write_session: fields is empty.", "A session needs at least one field.", "Give at least one field.")
    out = []
    for name, value in items:
        check_name(name, "write_session", "field name")
        where = f"field {name!r}"
        source = _as_field_source(value, where)
        out.append(_Field(name, source, _field_dtype(source, where, dtype)))
    names = [f.name for f in out]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        fail(f"write_session: the field name {duplicates[0]!r} is used more than once.", "", "Give each field its own name.")
    return out


def _color_range(value, where, name, names):
    """Per-field vmin / vmax from None, one number for every field, or a dict {field name: number}."""
    if value is None or isinstance(value, (int, float, np.number)):
        return [None if value is None else number(value, where, name)] * len(names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        if unknown:
            fail(f"{where}: {name} names field {unknown[0]!r}, which is not one of the fields ({names_text(names)})."
                 f"{did_you_mean(str(unknown[0]), names)}", "", f"Key {name} by the fields' names.")
        return [None if value.get(field) is None else number(value[field], where, f"{name}[{field!r}]")
                for field in names]
    fail(f"{where}: {name} = {value!r} is not a number.", "",
         f"Give {name} as one number for every field, or a dict {{field name: number}}.")


# ---------------------------------------------------------------------------------------------
# write_session
# ---------------------------------------------------------------------------------------------

def write_session(path, env, fields, *, frame_times=None, frame_rate=None, start=None, field_names=None,
                  default_field=None, overlays=None, regions=None, title=None, vmin=None, vmax=None, cmap=None,
                  shared_color_range=False, dtype=None, compression=None, nwb_path=None, overwrite=False,
                  layer_names=None, progress=None):
    """Writes a session file and returns its path.

    path          the .nsp file to write (its folder must exist); an existing file is replaced only
                  with overwrite=True.
    env           grid_environment(...) / hexagonal_environment / mesh_environment / track_environment,
                  or a neurospatial Environment.
    fields        (n_frames, n_bins) array (np.memmap and h5py datasets stream), a list of such arrays
                  (several fields, named by field_names), a dict name -> array, or a list of 1-D frames.
    frame_times   (n_frames,) seconds, strictly increasing; or frame_rate (Hz) and start (s, default 0).
    default_field the field shown first (default: the first).
    overlays      PositionOverlay, BodypartOverlay, HeadDirectionOverlay, EventOverlay, TimeSeriesOverlay,
                  VideoOverlay, IntervalOverlay (or neurospatial's overlay objects).
    regions       extra regions (Region list, dict name -> coordinates, neurospatial Regions), drawn
                  with the environment's own.
    vmin, vmax    the colour range (one number, or a dict {field name: number}); a missing bound is the
                  data's finite min / max, found while writing
                  (shared_color_range=True: one range over every field). cmap: a matplotlib name
                  ('viridis', 'hot', ...) or a ParaView preset.
    dtype         'float32' / 'float64' to store fields as (default: as given; integers become floats).
    compression   None, 'gzip' or a gzip level 1-9 (fields and stored video frames).
    nwb_path      an NWB file whose behaviour data the reader adds as overlays (stored relative to the
                  session's folder).
    layer_names   neurospatial's name for field_names (multi-field animations).
    progress      True: a progress bar while the fields are copied (tqdm when installed, else a line on
                  stderr); False: none; None (default): shown when the fields hold over 256 MB.
    """
    try:
        text = os.fspath(path)
    except TypeError:
        fail(f"write_session: path = {path!r} is not a file path.", "", "Give the path of the .nsp file to write.")
    target = os.path.abspath(text)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        fail(f"write_session: the folder '{folder}' does not exist.", "The session is written inside it.",
             f"Create it first (os.makedirs('{folder}')).")
    if os.path.isdir(target):
        fail(f"write_session: '{target}' is a folder.", "", "Give a file name ending in .nsp.")
    if os.path.exists(target) and not overwrite:
        fail(f"write_session: '{target}' already exists.", "A session file is not replaced unless asked.",
             "Pass overwrite=True, or choose another file name.")
    if not target.endswith(".nsp"):
        warnings.warn(f"'{target}' does not end in .nsp; ParaView opens sessions by that extension.", stacklevel=2)

    # Environment
    if looks_like_environment(env):
        env = environment_from_neurospatial(env)
    if not isinstance(env, Environment):
        fail(f"write_session: env is a {type(env).__name__}, not an environment.", "",
             "Give grid_environment(...), hexagonal_environment(...), mesh_environment(...), track_environment(...) "
             "or a neurospatial Environment.")

    # Fields
    if layer_names is not None:
        if field_names is not None:
            fail("write_session: both field_names and layer_names are given.", "They are the same thing.",
                 "Give field_names only (layer_names is neurospatial's name for it).")
        field_names = layer_names
    specs = _fields(fields, field_names, dtype)
    for spec in specs:
        if spec.n_bins != env.n_bins:
            transposed = spec.n_frames == env.n_bins
            fail(f"field {spec.name!r} has {spec.n_bins} values per frame but the environment has {env.n_bins} bins"
                 + (f" (and {spec.n_frames} rows: it looks transposed, (n_bins, n_frames))." if transposed else "."),
                 "Each value belongs to one active bin, in the environment's bin order.",
                 "Pass the field's .T, so it is (n_frames, n_bins)." if transposed else
                 "Give (n_frames, env.n_bins) values; for a grid, only the active bins (active_mask), x-major.")
    n_frames = specs[0].n_frames
    for spec in specs[1:]:
        if spec.n_frames != n_frames:
            fail(f"field {spec.name!r} has {spec.n_frames} frames but field {specs[0].name!r} has {n_frames}.",
                 "All fields share the session's frame times.", "Give every field the same number of frames.")
    if n_frames == 0:
        fail("write_session: the fields have no frames.", "A session needs at least one frame.", "Give at least one frame.")
    names = [spec.name for spec in specs]
    if default_field is not None and default_field not in names:
        fail(f"write_session: default_field = {default_field!r} is not one of the fields ({names_text(names)})."
             f"{did_you_mean(default_field, names)}", "", "Name one of the fields.")
    low = _color_range(vmin, "write_session", "vmin", names)
    high = _color_range(vmax, "write_session", "vmax", names)
    for field, a, b in zip(names, low, high):
        if a is not None and b is not None and not a < b:
            fail(f"write_session: vmin = {a:g} is not below vmax = {b:g}" + (f" for field {field!r}." if len(names) > 1 else "."),
                 "They are the colour range.", "Give vmin < vmax, or leave one out to take it from the data.")
    colormap = None
    if cmap is not None:
        if not isinstance(cmap, str) or not cmap:
            fail(f"write_session: cmap = {cmap!r} is not a colour map name.", "",
                 "Give a name such as 'viridis', 'hot', or a ParaView preset such as 'Viridis (matplotlib)'.")
        colormap = COLORMAPS.get(cmap.lower(), cmap)
    compression = _compression(compression)

    # Time
    if frame_times is not None and frame_rate is not None:
        fail("write_session: both frame_times and frame_rate are given.", "The session has one clock.",
             "Give frame_times (explicit) or frame_rate + start (regular), not both.")
    if frame_times is None and frame_rate is None:
        fail("write_session: frame_times is missing.",
             "Every frame needs a time on the session clock (neurospatial's animate_fields requires it too).",
             "Give frame_times=(n_frames,) seconds, or frame_rate=Hz (and start=seconds).")
    if frame_times is not None:
        if start is not None:
            fail("write_session: start is given with frame_times.", "frame_times already says when each frame is.",
                 "Drop start, or give frame_rate + start instead of frame_times.")
        times = arrays.lazy(frame_times)
        if len(times.shape) != 1 or times.shape[0] != n_frames:
            fail(f"write_session: frame_times has shape {shape_text(times.shape)} but the fields have {n_frames} frames.",
                 "Each frame needs exactly one time.", f"Give frame_times as ({n_frames},) seconds.")
        first, last = arrays.scan_times(times, "write_session", "frame_times")
        regular = None
        if n_frames > 1 and (last - first) / (n_frames - 1) >= 2.0 and (last - first) / (n_frames - 1) <= 100.0:
            warnings.warn(f"write_session: frame_times are {(last - first) / (n_frames - 1):g} s apart on average "
                          f"({(n_frames - 1) / (last - first):g} frames per second); if they are milliseconds, "
                          "divide them by 1000 (times are in seconds).", stacklevel=2)
    else:
        rate = number(frame_rate, "write_session", "frame_rate", positive=True)
        begin = number(0.0 if start is None else start, "write_session", "start")
        times = _RegularTimes(begin, rate, n_frames)
        first, last = begin, begin + (n_frames - 1) / rate
        regular = (begin, rate)
    ctx = _Context(env, times, n_frames, first, last, folder)

    # Overlays
    plans = _plan_overlays(overlays, ctx)

    # Regions and the NWB file
    extra = as_regions(regions, "regions")
    all_regions = tuple(env.regions) + tuple(extra)
    region_names = [r.name for r in all_regions]
    duplicates = sorted({n for n in region_names if region_names.count(n) > 1})
    if duplicates:
        fail(f"write_session: the region name {duplicates[0]!r} is used more than once (environment and regions=).",
             "Each region is a group named by it.", "Give every region its own name.")
    nwb = None if nwb_path is None else _resolve_file(nwb_path, folder, "write_session", "nwb_path")
    if title is not None and not isinstance(title, str):
        fail(f"write_session: title = {title!r} is not a string.", "", "Give title as text.")

    # Everything checked: write under a temporary name, then rename.
    descriptor, temporary = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".partial", dir=folder)
    os.close(descriptor)
    try:
        with h5py.File(temporary, "w") as f:
            f.attrs["format"] = "neuroplayback-session"
            f.attrs["format_version"] = np.int64(1)
            if title:
                f.attrs["title"] = title
            f.attrs["created_by"] = f"neuroplayback.writer {__version__}"
            if nwb:
                f.attrs["nwb_path"] = nwb
            env._write(f.create_group("environment"), all_regions)
            time_group = f.create_group("time")
            if regular:
                time_group.attrs["start"] = F8.type(regular[0])
                time_group.attrs["rate"] = F8.type(regular[1])
                time_group.attrs["n_frames"] = np.int64(n_frames)
            else:
                _write_times(time_group, "frame_times", times)
            group = f.create_group("fields")
            group.attrs["default"] = default_field or specs[0].name
            total = sum(spec.n_frames * spec.n_bins * spec.dtype.itemsize for spec in specs)
            shown = progress if progress is not None else total > PROGRESS_FROM_BYTES
            with _Progress(total, "writing fields", shown) as bar:
                ranges = [_write_field(group, spec, compression, bar) for spec in specs]
            if shared_color_range:
                finite = [r for r in ranges if r[0] <= r[1]]
                ranges = [(min(r[0] for r in finite), max(r[1] for r in finite))] * len(ranges) if finite else ranges
            for spec, (data_low, data_high), user_low, user_high in zip(specs, ranges, low, high):
                dataset = group[spec.name]
                a, b = _final_range(data_low, data_high, user_low, user_high)
                dataset.attrs["vmin"], dataset.attrs["vmax"] = F8.type(a), F8.type(b)
                dataset.attrs["label"] = spec.name
                if colormap:
                    dataset.attrs["colormap"] = colormap
            if plans:
                overlay_group = f.create_group("overlays")
                for plan in plans:
                    g = overlay_group.create_group(plan.name)
                    g.attrs["kind"] = plan.kind
                    plan.write(g, ctx, compression)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return text


def _compression(compression):
    if compression is None or compression is False:
        return {}
    if compression in ("gzip", True):
        return {"compression": "gzip", "compression_opts": 4, "shuffle": True}
    if isinstance(compression, int) and 1 <= compression <= 9:
        return {"compression": "gzip", "compression_opts": int(compression), "shuffle": True}
    fail(f"write_session: compression = {compression!r} is not None, 'gzip' or a level 1-9.",
         "The reader reads uncompressed or gzip (deflate) data.", "Use compression=None (fastest to read) or 'gzip'.")


def _final_range(data_low, data_high, user_low, user_high):
    """neurospatial's rules: the user's bounds win; a missing one comes from the data; all-NaN
    gives (0, 1); a single value v gives (v - 0.5, v + 0.5)."""
    if data_low > data_high:  # no finite value
        data_low, data_high = 0.0, 1.0
    low = data_low if user_low is None else user_low
    high = data_high if user_high is None else user_high
    if low == high:
        low, high = low - 0.5, high + 0.5
    elif low > high:  # one user bound beyond the data on the wrong side
        if user_low is None:
            low = high - 1.0
        else:
            high = low + 1.0
    return low, high


PROGRESS_FROM_BYTES = 256 << 20  # fields larger than this show progress unless progress=False


class _Progress:
    """Bytes done of a total: a tqdm bar when tqdm is installed, else a line on stderr redrawn at most
    twice a second; nothing when not shown."""

    def __init__(self, total, label, shown):
        self.total, self.label, self.shown, self.done, self.bar, self.last = total, label, shown, 0, None, 0.0
        if shown:
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, unit="B", unit_scale=True, desc=label)
            except ImportError:
                self.bar = None

    def __enter__(self):
        return self

    def update(self, count):
        self.done += count
        if not self.shown:
            return
        if self.bar is not None:
            self.bar.update(count)
            return
        now = time.monotonic()
        if now - self.last >= 0.5 or self.done >= self.total:
            self.last = now
            percent = 100.0 * self.done / self.total if self.total else 100.0
            sys.stderr.write(f"\r{self.label}: {percent:5.1f} % ({self.done / 1e9:.2f} of {self.total / 1e9:.2f} GB)")
            sys.stderr.flush()

    def __exit__(self, *exc):
        if self.shown and self.bar is not None:
            self.bar.close()
        elif self.shown:
            sys.stderr.write("\n")
        return False


def _write_field(group, spec, compression, progress=None):
    """Streams one field into /fields/<name>, chunked along time; returns its finite (min, max)."""
    row = spec.n_bins * spec.dtype.itemsize
    chunk = arrays.field_chunk_rows(spec.n_frames, row)
    dataset = group.create_dataset(spec.name, shape=(spec.n_frames, spec.n_bins), dtype=spec.dtype,
                                   chunks=(chunk, spec.n_bins), **compression)
    low, high = math.inf, -math.inf
    step = arrays.block_rows(max(row, arrays.row_bytes(spec.source)), align=chunk)
    for first, stop in arrays.blocks(spec.n_frames, step):
        block = arrays.read(spec.source, first, stop, spec.dtype)
        if block.shape != (stop - first, spec.n_bins):
            raise SessionWriteError(f"field {spec.name!r}: rows {first}..{stop} came back with shape {block.shape}.",
                                    "The array changed while it was being written.", "Do not modify it while writing.")
        dataset[first:stop] = block
        finite = np.isfinite(block)
        if finite.all():
            low, high = min(low, float(block.min())), max(high, float(block.max()))
        elif finite.any():
            values = block[finite]
            low, high = min(low, float(values.min())), max(high, float(values.max()))
        del block, finite
        arrays.release(spec.source, first, stop)
        if progress is not None:
            progress.update((stop - first) * row)
    return low, high


def _plan_overlays(overlays, ctx):
    if overlays is None:
        return []
    if not isinstance(overlays, (list, tuple)):
        overlays = [overlays]
    plans = []
    for index, overlay in enumerate(overlays):
        if not isinstance(overlay, OVERLAY_CLASSES):
            converted = overlay_from_neurospatial(overlay)
            if converted is None:
                fail(f"overlays[{index}] is a {type(overlay).__name__}, which is not an overlay.",
                     "", "Use PositionOverlay, BodypartOverlay, HeadDirectionOverlay, EventOverlay, TimeSeriesOverlay, "
                         "VideoOverlay or IntervalOverlay (neurospatial's overlay objects work too).")
            if converted == ():
                continue
            overlay = converted
        if overlay.name is not None:
            check_name(overlay.name, _where(overlay), "name")
        plans.extend(overlay._plans(ctx))
    # Names: explicit ones must be unique; the others get the kind's name (position, position_2, ...).
    taken = []
    for plan in plans:
        if plan.explicit:
            check_name(plan.name, plan.where, "name")
            if plan.name in taken:
                fail(f"Two overlays are named {plan.name!r}.", "Each overlay is a group /overlays/<name>.",
                     "Give each overlay its own name (name=...).")
            taken.append(plan.name)
    for plan in plans:
        if not plan.explicit:
            name, suffix = plan.base, 2
            while name in taken:
                name, suffix = f"{plan.base}_{suffix}", suffix + 1
            plan.name = name
            taken.append(name)
    # Positions and bodyparts first: head directions and events refer to them by name.
    for plan in plans:
        if isinstance(plan, _PositionPlan):
            ctx.position_names.append(plan.name)
            ctx.position_owner.setdefault(id(plan.owner), []).append(plan.name)
    order = sorted(plans, key=lambda p: 0 if isinstance(p, (_PositionPlan, _BodypartPlan)) else 1)
    for plan in order:
        plan.check(ctx)
        if isinstance(plan, _BodypartPlan):
            ctx.bodyparts[plan.name] = plan.parts
            ctx.bodyparts_owner[id(plan.owner)] = plan.name
    return plans
