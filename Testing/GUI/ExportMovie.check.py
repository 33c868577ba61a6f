"""Judges ExportMovie.xml: every movie frame of the 2.95 s session at 30 fps (1x) is there, numbered from 0,
320 x 240, and the export's working folder is gone."""
import os
import struct
import sys

folder = os.path.dirname(os.path.abspath(sys.argv[1]))
frames = sorted(name for name in os.listdir(folder) if name.startswith("movie_") and name.endswith(".png"))
expected = int(2.95 * 30 + 1e-9) + 1
assert frames == ["movie_%06d.png" % i for i in range(expected)], f"{len(frames)} frames: {frames[:3]}..."
with open(os.path.join(folder, frames[0]), "rb") as png:
    width, height = struct.unpack(">II", png.read(24)[16:24])
assert (width, height) == (320, 240), (width, height)
leftovers = [name for name in os.listdir(folder) if name.startswith(".movie.frames")]
assert not leftovers, leftovers
print("ok", len(frames), "frames")
