"""The session's fields: accepted sources (arrays, memmaps, h5py datasets, neurospatial frames), their
colour ranges, and streaming them into the file block by block with progress."""
import math
import sys
import time
from collections.abc import Mapping

import numpy as np

from . import SessionWriteError
from . import _arrays as arrays
from ._validation import check_name, choice, did_you_mean, fail, names_text, number, shape_text
from ._writing import F8, _FrameList


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
