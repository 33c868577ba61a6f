"""What every part of the writer shares: the row sources that stream long arrays a block at a time, the
checks of times and samples, writing rows to HDF5, and the base of the overlays' write plans."""
import math
import os

import h5py
import numpy as np

from . import _arrays as arrays
from ._validation import fail, number


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
