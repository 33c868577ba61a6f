"""The overlay classes (neurospatial's names and arguments) and how each is checked and written: position,
bodyparts and skeleton, head direction, events, time series and intervals. The video is in _video."""
import math
import warnings
from collections.abc import Mapping

import h5py
import numpy as np

from . import _arrays as arrays
from ._summary import SummaryBuilder, level_rows
from ._validation import (TAB10, check_name, choice, color as check_color, did_you_mean, fail, interp as check_interp,
                          marker as check_marker, names_text, number, shape_text)
from ._writing import (F8, _Angles, _Column, _Plan, _Stacked, _check_overlap, _optional, _sample_array, _sample_times,
                       _strings, _where, _write_samples, _write_times)


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
