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

This module is the writer's public face and `write_session` itself; the overlays are in _overlays and
_video, the fields in _fields, what they share in _writing, neurospatial's objects in _neurospatial and
_neurospatial_overlays (docs/architecture.md).
"""
import os
import tempfile
import warnings

import h5py
import numpy as np

from . import __version__
from . import _arrays as arrays
from ._environment import (Environment, GridEnvironment, HexagonalEnvironment, MeshEnvironment, Region,
                           TrackEnvironment, as_regions, grid_environment, hexagonal_environment, mesh_environment,
                           point_region, polygon_region, track_environment)
from ._neurospatial import environment_from_neurospatial, looks_like_environment
from ._neurospatial_overlays import overlay_from_neurospatial
from ._validation import check_name, did_you_mean, fail, names_text, number, shape_text
from ._writing import COLORMAPS, F8, _Context, _RegularTimes, _resolve_file, _where, _write_times
from ._overlays import (BodypartOverlay, EventOverlay, HeadDirectionOverlay, IntervalOverlay, PositionOverlay, Skeleton,
                        SpikeOverlay, TimeSeriesOverlay, _BodypartPlan, _PositionPlan)
from ._video import VideoCalibration, VideoOverlay, calibrate_video
from ._fields import PROGRESS_FROM_BYTES, _Progress, _color_range, _compression, _fields, _final_range, _write_field


__all__ = [
    "write_session", "Environment", "GridEnvironment", "HexagonalEnvironment", "MeshEnvironment", "TrackEnvironment",
    "grid_environment", "hexagonal_environment", "mesh_environment", "track_environment",
    "environment_from_neurospatial", "Region", "polygon_region", "point_region",
    "PositionOverlay", "BodypartOverlay", "Skeleton", "HeadDirectionOverlay", "EventOverlay", "SpikeOverlay",
    "TimeSeriesOverlay", "VideoOverlay", "VideoCalibration", "calibrate_video", "IntervalOverlay",
]


OVERLAY_CLASSES = (PositionOverlay, BodypartOverlay, HeadDirectionOverlay, EventOverlay, TimeSeriesOverlay,
                   VideoOverlay, IntervalOverlay)


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
