"""Builds NWB 2.x files at test time with h5py (no pynwb, no network), laid out as pynwb writes them:

    / (neurodata_type=NWBFile, namespace=core, nwb_version, object_id)
      identifier, session_description, session_start_time, timestamps_reference_time, file_create_date
      acquisition/  analysis/  general/  stimulus/{presentation,templates}/  specifications/<ns>/<version>/
      processing/behavior (ProcessingModule)
        Position (Position)/<name> (SpatialSeries: data + timestamps, or data + starting_time[rate])
        CompassDirection (CompassDirection)/<name> (SpatialSeries, unit radians or degrees)
        BehavioralTimeSeries (BehavioralTimeSeries)/<name> (TimeSeries: data (n,) or (n, k), unit e.g. cm/s)
        Skeletons (ndx-pose Skeletons)/<subject> (Skeleton: nodes, edges)
        PoseEstimation (ndx-pose PoseEstimation)/<part> (PoseEstimationSeries) + skeleton link
      units (Units: id, spike_times, spike_times_index)
      intervals/trials, intervals/epochs (TimeIntervals: id, start_time, stop_time, tags + tags_index, ...)

Each builder takes the h5py parent and writes one object, so tests can build good files and break them.
`write_behaviour_nwb()` writes the standard test file and returns its ground truth.
"""
import uuid

import h5py
import numpy as np

STR = h5py.string_dtype()
NWB_VERSION = "2.6.0"


def _typed(obj, neurodata_type, namespace="core", **attrs):
    obj.attrs["neurodata_type"] = neurodata_type
    obj.attrs["namespace"] = namespace
    obj.attrs["object_id"] = str(uuid.uuid4())
    for name, value in attrs.items():
        obj.attrs[name] = value
    return obj


def _strings(parent, name, values):
    return parent.create_dataset(name, data=np.array(list(values), dtype=object), dtype=STR)


def new_file(path, description="synthetic NWB test session", extensions=("ndx-pose",)):
    """An empty NWB file (every required group and dataset); returns the open h5py.File."""
    f = h5py.File(path, "w")
    _typed(f, "NWBFile", nwb_version=NWB_VERSION)
    f.create_dataset("identifier", data=str(uuid.uuid4()), dtype=STR)
    f.create_dataset("session_description", data=description, dtype=STR)
    f.create_dataset("session_start_time", data="2024-01-01T00:00:00+00:00", dtype=STR)
    f.create_dataset("timestamps_reference_time", data="2024-01-01T00:00:00+00:00", dtype=STR)
    _strings(f, "file_create_date", ["2024-01-01T00:00:00+00:00"])
    for group in ("acquisition", "analysis", "general", "intervals", "processing", "stimulus/presentation",
                  "stimulus/templates"):
        f.require_group(group)
    for namespace, version in (("core", NWB_VERSION), ("hdmf-common", "1.8.0")) + tuple((e, "0.1.0") for e in extensions):
        spec = f.require_group(f"specifications/{namespace}/{version}")
        spec.create_dataset("namespace", data="{}", dtype=STR)
    return f


def module(f, name="behavior", description="behaviour"):
    group = f.require_group(f"processing/{name}")
    return _typed(group, "ProcessingModule", description=description)


def container(parent, name, neurodata_type, namespace="core"):
    return _typed(parent.require_group(name), neurodata_type, namespace)


def time_series(parent, name, data, timestamps=None, rate=None, starting_time=0.0, unit="meters", conversion=1.0,
                offset=0.0, neurodata_type="SpatialSeries", namespace="core", timestamps_link=None, chunks=None):
    """A TimeSeries group: data with NWB's unit/conversion/offset/resolution attributes, and either
    explicit timestamps, a link to another series' timestamps (an h5py object path), or starting_time
    with a rate attribute."""
    group = _typed(parent.create_group(name), neurodata_type, namespace, description="no description",
                   comments="no comments")
    data = np.asarray(data)
    dataset = group.create_dataset("data", data=data, chunks=chunks)
    dataset.attrs["unit"] = unit
    dataset.attrs["conversion"] = float(conversion)
    dataset.attrs["offset"] = float(offset)
    dataset.attrs["resolution"] = -1.0
    if timestamps_link is not None:
        group["timestamps"] = group.file[timestamps_link]  # a hard link, as pynwb links shared timestamps
    elif timestamps is not None:
        stamps = group.create_dataset("timestamps", data=np.asarray(timestamps, dtype=float), chunks=chunks and (chunks[0],))
        stamps.attrs["interval"] = 1
        stamps.attrs["unit"] = "seconds"
    else:
        start = group.create_dataset("starting_time", data=float(starting_time))
        start.attrs["rate"] = float(rate)
        start.attrs["unit"] = "seconds"
    if neurodata_type == "SpatialSeries":
        group.create_dataset("reference_frame", data="origin at the arena's lower left corner", dtype=STR)
    return group


def position(behavior, series, container_name="Position"):
    """Position container with SpatialSeries: series = {name: dict(time_series keyword arguments)}."""
    box = container(behavior, container_name, "Position")
    for name, kwargs in series.items():
        time_series(box, name, **kwargs)
    return box


def compass(behavior, series):
    box = container(behavior, "CompassDirection", "CompassDirection")
    for name, kwargs in series.items():
        time_series(box, name, **kwargs)
    return box


def behavioral_time_series(behavior, series, container_name="BehavioralTimeSeries"):
    """BehavioralTimeSeries container: series = {name: dict(time_series keyword arguments)}; each is a
    TimeSeries unless neurodata_type says otherwise."""
    box = container(behavior, container_name, "BehavioralTimeSeries")
    for name, kwargs in series.items():
        time_series(box, name, **{"neurodata_type": "TimeSeries", **kwargs})
    return box


def skeleton(behavior, name, nodes, edges):
    skeletons = behavior.get("Skeletons") or container(behavior, "Skeletons", "Skeletons", "ndx-pose")
    group = _typed(skeletons.create_group(name), "Skeleton", "ndx-pose")
    _strings(group, "nodes", nodes)
    group.create_dataset("edges", data=np.asarray(edges, dtype=np.uint8).reshape(-1, 2))
    return group


def pose(behavior, name, parts, timestamps=None, rate=None, starting_time=0.0, skeleton_name=None, nodes=None,
         edges=None, style="link", unit="pixels", conversion=1.0, offset=0.0):
    """ndx-pose PoseEstimation with one PoseEstimationSeries per part ({part: (n, 2) array}); parts after
    the first link the first part's timestamps. style: 'link' (ndx-pose >= 0.2: Skeletons/<skeleton_name>
    and a `skeleton` soft link), 'inline' (ndx-pose 0.1: nodes and edges on the PoseEstimation),
    'module' (a Skeletons container and no link), or 'none'."""
    group = _typed(behavior.create_group(name), "PoseEstimation", "ndx-pose", description="pose",
                   scorer="test", source_software="synthetic")
    first = None
    for part, xy in parts.items():
        xy = np.asarray(xy, dtype=float)
        series = time_series(group, part, xy, timestamps=timestamps if first is None else None,
                             timestamps_link=None if first is None or timestamps is None else first + "/timestamps",
                             rate=rate, starting_time=starting_time, unit=unit, conversion=conversion, offset=offset,
                             neurodata_type="PoseEstimationSeries", namespace="ndx-pose")
        series.create_dataset("confidence", data=np.ones(len(xy)))
        first = first or series.name
    nodes = list(nodes if nodes is not None else parts)
    if style == "inline":
        _strings(group, "nodes", nodes)
        group.create_dataset("edges", data=np.asarray(edges, dtype=np.uint8).reshape(-1, 2))
    elif style in ("link", "module"):
        target = skeleton(behavior, skeleton_name or "subject", nodes, edges)
        if style == "link":
            group["skeleton"] = h5py.SoftLink(target.name)
    return group


def units(f, spike_times, ids=None, index=None, extra_columns=()):
    """The /units table: spike_times (ragged) with spike_times_index (end offsets) and id."""
    table = _typed(f.create_group("units"), "Units", description="units", colnames=["spike_times", *extra_columns])
    flat = np.concatenate([np.asarray(s, dtype=float) for s in spike_times]) if spike_times else np.zeros(0)
    ends = np.cumsum([len(s) for s in spike_times]) if index is None else np.asarray(index)
    data = _typed(table.create_dataset("spike_times", data=flat), "VectorData", "hdmf-common",
                  description="spike times")
    data.attrs["resolution"] = 1.0 / 30000
    vector_index = _typed(table.create_dataset("spike_times_index", data=np.asarray(ends, dtype=np.int64)),
                          "VectorIndex", "hdmf-common")
    vector_index.attrs["target"] = data.ref
    _typed(table.create_dataset("id", data=np.asarray(ids if ids is not None else range(len(ends)), dtype=np.int64)),
           "ElementIdentifiers", "hdmf-common")
    return table


def time_intervals(f, name, start, stop, tags=None, columns=None, parent="intervals"):
    """A TimeIntervals table: start_time, stop_time, optional ragged tags (list of lists of str) and
    other text columns ({name: [str per interval]})."""
    colnames = ["start_time", "stop_time"] + (["tags"] if tags is not None else []) + list(columns or {})
    table = _typed(f.require_group(parent).create_group(name), "TimeIntervals", description=name, colnames=colnames)
    _typed(table.create_dataset("start_time", data=np.asarray(start, dtype=float)), "VectorData", "hdmf-common")
    _typed(table.create_dataset("stop_time", data=np.asarray(stop, dtype=float)), "VectorData", "hdmf-common")
    _typed(table.create_dataset("id", data=np.arange(len(start), dtype=np.int64)), "ElementIdentifiers", "hdmf-common")
    if tags is not None:
        flat = [tag for row in tags for tag in row]
        values = _typed(_strings(table, "tags", flat), "VectorData", "hdmf-common")
        index = _typed(table.create_dataset("tags_index", data=np.cumsum([len(row) for row in tags]).astype(np.int64)),
                       "VectorIndex", "hdmf-common")
        index.attrs["target"] = values.ref
    for column, texts in (columns or {}).items():
        _typed(_strings(table, column, texts), "VectorData", "hdmf-common")
    return table


# The standard behaviour file of the tests: 10 s at 50 Hz on a jittered clock, in metres (cm after
# conversion), with every supported kind.
RATE = 50.0
N = 500


def trajectory(t):
    """x, y in cm: a straight run then a turn, so interpolation between samples is exact enough to test."""
    return np.stack([20.0 + 6.0 * t, 30.0 + 2.0 * t], axis=1)


def heading(t):
    return 0.2 + 0.1 * t  # radians, within (0, pi/2) for 0 <= t <= 10


def write_behaviour_nwb(path, rate_clock=False, degrees=False, vector_heading=False, skeleton_style="link",
                        extras=None):
    """Writes the standard file; returns its ground truth (a dict of numpy arrays and lists).

    rate_clock: starting_time + rate instead of explicit (jittered) timestamps. degrees / vector_heading:
    how CompassDirection stores the angle. extras(f) may add or break things before closing."""
    rng = np.random.default_rng(7)
    t = np.arange(N) / RATE
    if not rate_clock:
        t = t + rng.uniform(-0.004, 0.004, N) * (np.arange(N) > 0)
    xy_cm = trajectory(t)
    angle = heading(t)
    truth = {"t": t, "xy": xy_cm, "angle": angle}
    clock = {"rate": RATE, "starting_time": 0.0} if rate_clock else {"timestamps": t}
    with new_file(path) as f:
        behavior = module(f)
        # Stored in metres with a 5 cm offset removed: value_cm = data * 100 + 5.
        position(behavior, {"animal": dict(data=(xy_cm - 5.0) / 100.0, conversion=100.0, offset=5.0, unit="cm", **clock)})
        if vector_heading:
            hd = dict(data=np.stack([np.cos(angle), np.sin(angle)], axis=1) * 3.0, unit="radians")
        elif degrees:
            hd = dict(data=np.degrees(angle), unit="degrees")
        else:
            hd = dict(data=angle, unit="radians")
        compass(behavior, {"head_direction": dict(**hd, **clock)})
        offsets = {"nose": (3.0, 1.0), "left_ear": (1.0, 2.0), "right_ear": (1.0, -2.0), "tail_base": (-6.0, 0.0)}
        parts = {name: xy_cm + np.array(d) for name, d in offsets.items()}
        truth["parts"] = parts
        # Node order differs from the series' name order; edges are node indices.
        nodes = ["nose", "left_ear", "right_ear", "tail_base"]
        edges = [[0, 1], [0, 2], [1, 3], [2, 3]]
        truth["nodes"], truth["edges"] = nodes, edges
        pose(behavior, "PoseEstimation", {name: parts[name] for name in sorted(parts)}, unit="cm",
             skeleton_name="mouse", nodes=nodes, edges=edges, style=skeleton_style,
             **({"rate": RATE} if rate_clock else {"timestamps": t}))
        spikes = [[1.0, 2.0, 3.0], [1.5, 4.0], [], [7.25]]
        truth["spikes"], truth["unit_ids"] = spikes, [11, 12, 13, 14]
        units(f, spikes, ids=truth["unit_ids"])
        trials = dict(start=[0.5, 3.0, 6.0], stop=[2.5, 5.5, 9.0], tags=[["correct"], ["error", "slow"], []])
        truth["trials"] = trials
        time_intervals(f, "trials", **trials)
        epochs = dict(start=[0.0, 5.0], stop=[5.0, 9.9], columns={"condition": ["baseline", "stimulation"]})
        truth["epochs"] = epochs
        time_intervals(f, "epochs", **epochs)
        if extras:
            extras(f)
    return truth
