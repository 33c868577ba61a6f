"""The time series' multi-resolution summary (format: timeseries `summary/level_k`), built while the
samples stream past, as the C++ SummaryBuilder (Core/timeseries/TimeSeries.cpp) builds it.

Level k holds rows [t_first, min, max] of consecutive buckets of 16 * 8^k samples (NaN min/max for an
all-NaN bucket); a level is kept only if it has at least 64 rows. Level k+1 is made from groups of 8
rows of level k, so memory is one block of samples plus fewer than 8 pending rows per level.
"""
import math

import numpy as np

FIRST_BUCKET = 16
FACTOR = 8
MIN_ROWS = 64


def level_rows(n):
    """[(samples_per_bucket, rows)] of the levels kept for n samples."""
    levels, bucket = [], FIRST_BUCKET
    while n > 0 and math.ceil(n / bucket) >= MIN_ROWS:
        levels.append((bucket, math.ceil(n / bucket)))
        bucket *= FACTOR
    return levels


def _reduce(rows, group):
    """Rows [t, min, max] combined `group` at a time (the last group may be short)."""
    count = math.ceil(len(rows) / group)
    padded = np.full((count * group, 3), np.nan)
    padded[:len(rows)] = rows
    padded = padded.reshape(count, group, 3)
    out = np.empty((count, 3))
    out[:, 0] = padded[:, 0, 0]
    out[:, 1] = np.fmin.reduce(padded[:, :, 1], axis=1)  # fmin/fmax skip NaN; all-NaN stays NaN
    out[:, 2] = np.fmax.reduce(padded[:, :, 2], axis=1)
    return out


class SummaryBuilder:
    """Feed (times, values) blocks in order with add(); every block but the last must hold a whole
    number of FIRST_BUCKET samples. `sinks[k](first_row, rows)` stores rows of level k."""

    def __init__(self, n, sinks):
        self.levels = level_rows(n)
        self.sinks = sinks
        self.written = [0] * len(self.levels)
        self.pending = [np.empty((0, 3)) for _ in self.levels]

    def add(self, times, values, final=False):
        if not self.levels:
            return
        if not final and len(values) % FIRST_BUCKET:
            raise ValueError("summary blocks must hold whole buckets of samples")
        values = np.asarray(values, dtype=np.float64)
        rows = _reduce(np.stack([np.asarray(times, np.float64), values, values], axis=1), FIRST_BUCKET)
        self._push(0, rows, final)

    def _push(self, k, rows, final):
        if len(rows):
            self.sinks[k](self.written[k], rows)
            self.written[k] += len(rows)
        if k + 1 >= len(self.levels):
            return
        pending = np.concatenate([self.pending[k], rows]) if len(self.pending[k]) else rows
        whole = len(pending) if final else len(pending) - len(pending) % FACTOR
        self.pending[k] = pending[whole:]
        self._push(k + 1, _reduce(pending[:whole], FACTOR) if whole else np.empty((0, 3)), final)

    def finish(self):
        for k, (bucket, rows) in enumerate(self.levels):
            if self.written[k] != rows:
                raise RuntimeError(f"summary level {k} has {self.written[k]} rows, expected {rows}")
