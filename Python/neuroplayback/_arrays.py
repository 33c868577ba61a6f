"""Large arrays handled a block at a time: a np.memmap (or an h5py dataset) is never loaded whole,
only COPY_BLOCK_BYTES of it at once."""
import math
import mmap

import numpy as np

from ._validation import fail, shape_text

COPY_BLOCK_BYTES = 64 << 20  # bytes of source data read per block while checking or writing

FIELD_CHUNK_TARGET = 1 << 20  # the largest power-of-two chunk of frames at most this many bytes...
FIELD_CHUNK_MIN = 64 << 10    # ...within the format's 64 KiB..4 MiB window
FIELD_CHUNK_MAX = 4 << 20
TIME_CHUNK = 65536
SAMPLE_CHUNK_TARGET = 512 << 10
SAMPLE_CHUNK_MIN, SAMPLE_CHUNK_MAX = 4096, 65536


def lazy(value):
    """An array-like that slices without loading everything (ndarray, memmap, h5py dataset), else an ndarray."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and hasattr(value, "__getitem__"):
        return value
    return np.asarray(value)


def row_bytes(array):
    return max(1, int(np.prod(array.shape[1:], dtype=np.int64)) * np.dtype(array.dtype).itemsize)


def block_rows(bytes_per_row, align=1):
    """Rows per block: at most COPY_BLOCK_BYTES, a multiple of `align` (whole chunks), at least `align`."""
    rows = max(1, COPY_BLOCK_BYTES // max(1, bytes_per_row))
    return max(align, rows - rows % align)


def blocks(n, rows):
    for first in range(0, n, rows):
        yield first, min(n, first + rows)


def read(source, first, stop, dtype=None):
    block = np.asarray(source[first:stop])
    if dtype is not None and block.dtype != dtype:
        block = block.astype(dtype)
    return block


def release(source, first, stop):
    """Unmaps rows [first, stop) of a read-only np.memmap from this process once they are copied, so a
    long pass does not pile up mapped pages (they stay in the page cache; reading them again is free).
    Anything else (arrays, h5py datasets, copy-on-write or writable memmaps) is left alone."""
    mm = getattr(source, "_mmap", None)
    if (not isinstance(source, np.memmap) or getattr(source, "mode", None) != "r" or mm is None
            or not hasattr(mm, "madvise") or not hasattr(mmap, "MADV_DONTNEED") or stop <= first
            or not source.flags.c_contiguous):
        return
    try:
        base = np.frombuffer(mm, dtype=np.uint8).ctypes.data
        begin = source.ctypes.data - base + first * source.strides[0]
        end = begin + (stop - first) * source.strides[0]
        begin += -begin % mmap.PAGESIZE  # whole pages inside the rows only
        end -= end % mmap.PAGESIZE
        if 0 <= begin < end <= len(mm):
            mm.madvise(mmap.MADV_DONTNEED, begin, end - begin)
    except (ValueError, OSError, TypeError):
        pass  # only an optimisation


def largest_power_of_two_at_most(value):
    return 1 << max(0, int(value).bit_length() - 1)


def field_chunk_rows(n, bytes_per_row):
    """Frames per field chunk: the largest power of two whose chunk is at most FIELD_CHUNK_TARGET
    (so chunks land in the format's 64 KiB..4 MiB window), fewer only when the session is shorter.
    A single frame bigger than FIELD_CHUNK_MAX still gets a chunk of one frame."""
    rows = largest_power_of_two_at_most(max(1, FIELD_CHUNK_TARGET // max(1, bytes_per_row)))
    return max(1, min(n, rows))


def sample_chunk_rows(n, bytes_per_row):
    rows = min(SAMPLE_CHUNK_MAX, max(SAMPLE_CHUNK_MIN, largest_power_of_two_at_most(SAMPLE_CHUNK_TARGET // bytes_per_row)))
    return max(1, min(n, rows))


def time_chunk_rows(n):
    return max(1, min(n, TIME_CHUNK))


def check_real(array, where, name):
    kind = np.dtype(array.dtype).kind
    if kind not in "fiub":
        fail(f"{where}: {name} has dtype {array.dtype}, which is not real numbers.", "",
             f"Give {name} as a float (or integer) array.")


def check_shape(array, where, name, trailing, text):
    """`trailing` is the shape after the first dimension, e.g. (2,) for (n, 2)."""
    if len(array.shape) != 1 + len(trailing) or tuple(array.shape[1:]) != tuple(trailing):
        # (2, n) where (n, 2) is wanted: the rows and columns are swapped, the commonest slip.
        transposed = (len(trailing) == 1 and len(array.shape) == 2 and array.shape[0] == trailing[0]
                      and array.shape[1] != trailing[0])
        fix = f"Pass {name}.T (it looks transposed)" if transposed else f"Reshape {name} to {text}, one row per sample"
        fail(f"{where}: {name} has shape {shape_text(array.shape)} but needs {text}.", "", fix + ".")
    check_real(array, where, name)


def scan_times(source, where, name="times", allow_empty=False):
    """Checks times are finite and strictly increasing, a block at a time. Returns (first, last)."""
    source = lazy(source)
    if len(source.shape) != 1:
        fail(f"{where}: {name} has shape {shape_text(source.shape)} but must be 1-D (n,).", "",
             f"Give {name} as a 1-D array of seconds.")
    check_real(source, where, name)
    n = source.shape[0]
    if n == 0:
        if allow_empty:
            return math.nan, math.nan
        fail(f"{where}: {name} is empty.", "An overlay needs at least one sample to draw.",
             "Give at least one sample, or leave the overlay out.")
    first = last = None
    previous = None
    for start, stop in blocks(n, block_rows(8)):
        block = read(source, start, stop, np.float64)
        bad = ~np.isfinite(block)
        if bad.any():
            index = start + int(np.argmax(bad))
            fail(f"{where}: {name}[{index}] = {float(block[index - start])} is not finite.",
                 "Times place samples on the session clock; NaN or infinite times cannot be placed.",
                 f"Remove the sample (NaN is allowed in the data, never in {name}), or fix its time.")
        steps = np.diff(block)
        if previous is not None and not block[0] > previous:
            index = start
        elif (steps <= 0).any():
            index = start + 1 + int(np.argmax(steps <= 0))
        else:
            index = None
        if index is not None:
            before = previous if index == start else float(block[index - start - 1])
            fail(f"{where}: {name} is not strictly increasing at index {index} "
                 f"({name}[{index - 1}] = {before!r}, {name}[{index}] = {float(block[index - start])!r}).",
                 "The reader finds samples by bisection on the times, which needs them sorted without repeats.",
                 f"Sort the samples by time (np.argsort({name})) and drop repeated times.")
        if first is None:
            first = float(block[0])
        previous = last = float(block[-1])
    return first, last


def scan_no_inf(source, where, name):
    """NaN is a gap and allowed; an infinite value is a mistake. Reports the first infinite row."""
    source = lazy(source)
    n = source.shape[0] if len(source.shape) else 0
    for start, stop in blocks(n, block_rows(row_bytes(source))):
        block = read(source, start, stop)
        if np.dtype(block.dtype).kind != "f":
            return
        infinite = np.isinf(block)
        if infinite.any():
            index = start + int(np.argmax(infinite.reshape(len(block), -1).any(axis=1)))
            fail(f"{where}: {name}[{index}] is infinite.",
                 "Infinite values cannot be drawn or interpolated (NaN would be a gap).",
                 f"Replace infinite values with NaN (e.g. {name}[np.isinf({name})] = np.nan), or fix them.")


def arrays_equal(a, b):
    """Whether two array-likes hold the same values (NaN equal to NaN), compared a block at a time."""
    if a is b:
        return True
    a, b = lazy(a), lazy(b)
    if tuple(a.shape) != tuple(b.shape):
        return False
    n = a.shape[0] if len(a.shape) else 0
    for start, stop in blocks(n, block_rows(row_bytes(a))):
        x, y = read(a, start, stop, np.float64), read(b, start, stop, np.float64)
        if not np.array_equal(x, y, equal_nan=True):
            return False
    return True
