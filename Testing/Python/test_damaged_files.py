"""pvpython: byte-level damage, as a failed copy, a full disk or a flaky network share leaves it, never
crashes or hangs ParaView and never modifies the file. A corpus is made at test time with a fixed seed
from the bundled sample (compressed), a generated uncompressed session and an NWB behaviour file: truncations, flipped bytes
in the superblock, the metadata, the global heap and the chunk data, zeroed 4 KB pages and swapped 4 KB
blocks. Every file is opened by the real reader in a worker pvpython (damage_worker.py), shown, updated
at three times on every port and rendered. A file is either opened (bad overlays named and skipped) or
refused with a message that names the problem and the fix.

NEUROPLAYBACK_DAMAGE_SCALE multiplies the corpus (1: about 330 files, the CI run; 2 or more for the
reliability figures in docs/reliability.md). NEUROPLAYBACK_DAMAGE_REPORT writes every outcome as JSON.
"""
import collections
import json
import os
import random
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_nwb  # noqa: E402

SOURCE_DIR = os.environ.get("NEUROPLAYBACK_SOURCE_DIR", ".")
BINARY_DIR = os.environ.get("NEUROPLAYBACK_BINARY_DIR", "build")
SAMPLE = os.path.join(SOURCE_DIR, "Data", "sample.nsp")
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "damage_worker.py")
PER_FILE_SECONDS = 60  # far above the damage check's own limit, set to 5 s below


def damaged_copies(source, tag, rng, scale, folder):
    """(name, bytes) pairs: the kinds of damage named in the module's docstring."""
    with open(source, "rb") as handle:
        data = handle.read()
    size = len(data)
    metadata_end = min(size, 1 << 16)
    out = []

    def flip(offset, name):
        copy = bytearray(data)
        copy[offset] ^= 0xFF
        out.append(("%s-%s-%d" % (tag, name, offset), copy))

    for _ in range(10 * scale):
        cut = rng.randrange(1, size)
        out.append(("%s-truncated-%d" % (tag, cut), data[:cut]))
    for _ in range(10 * scale):
        flip(rng.randrange(0, 128), "superblock")
    for _ in range(40 * scale):
        flip(rng.randrange(128, metadata_end), "metadata")
    for _ in range(15 * scale):
        flip(rng.randrange(3000, min(size, 4800)), "heap")
    for _ in range(15 * scale):
        flip(rng.randrange(metadata_end, size), "chunk")
    pages = max(3, min(size, 1 << 18) // 4096)
    # Page 1 first: zeroing it made HDF5 1.10.8 spin forever in H5C_protect (the guard's time limit).
    for page in [1] + [rng.randrange(0, pages) for _ in range(10 * scale - 1)]:
        copy = bytearray(data)
        copy[page * 4096:(page + 1) * 4096] = bytes(len(copy[page * 4096:(page + 1) * 4096]))
        out.append(("%s-zeroed-page-%d" % (tag, page), copy))
    for a, b in [(1, 2)] + [sorted(rng.sample(range(pages), 2)) for _ in range(10 * scale - 1)]:
        copy = bytearray(data)
        copy[a * 4096:(a + 1) * 4096], copy[b * 4096:(b + 1) * 4096] = (
            data[b * 4096:(b + 1) * 4096], data[a * 4096:(a + 1) * 4096])
        out.append(("%s-swapped-%d-%d" % (tag, a, b), copy))
    paths = []
    for name, content in out:
        path = os.path.join(folder, name + os.path.splitext(source)[1])
        with open(path, "wb") as handle:
            handle.write(content)
        paths.append(path)
    return paths


def run_corpus(paths, folder):
    """Every file through damage_worker.py; a worker that dies or stalls blames its current file and a
    new worker takes the next one."""
    listing = os.path.join(folder, "files.txt")
    with open(listing, "w") as handle:
        handle.write("\n".join(paths) + "\n")
    pvpython = shutil.which("pvpython")
    environment = dict(os.environ, NEUROPLAYBACK_PROBE_TIMEOUT="5")
    results = {}
    index = 0
    console = open(os.path.join(folder, "console.txt"), "w")  # what the user's console would show
    starts = 0
    while index < len(paths):
        worker = subprocess.Popen([pvpython, "--force-offscreen-rendering", WORKER, listing, str(index)],
                                  stdout=subprocess.PIPE, stderr=console, text=True,
                                  errors="backslashreplace", env=environment)
        current = index
        started = time.monotonic()
        selector = selectors.DefaultSelector()
        selector.register(worker.stdout, selectors.EVENT_READ)
        stalled = False
        ready = False
        while True:
            if not selector.select(timeout=max(0.1, PER_FILE_SECONDS - (time.monotonic() - started))):
                if time.monotonic() - started > PER_FILE_SECONDS:
                    stalled = True
                    worker.kill()
                    break
                continue
            line = worker.stdout.readline()
            if not line:
                break
            if line.startswith("READY"):
                ready = True
                starts = 0  # only failures in a row count
            elif line.startswith("START "):
                current = int(line.split()[1])
                started = time.monotonic()
            elif line.startswith("DONE "):
                result = json.loads(line[5:])
                results[paths[current]] = result
                current += 1
        worker.wait()
        selector.close()
        if not ready:
            # A worker that died before reading any file (e.g. no display: an Xvfb without -noreset drops
            # a client that connects while it resets) is started again, five times at most.
            starts += 1
            time.sleep(1)
            if starts > 5:
                raise RuntimeError("the worker pvpython could not start five times in a row; see console.txt")
            continue
        if current < len(paths) and paths[current] not in results:
            code = worker.returncode
            results[paths[current]] = {"path": paths[current], "outcome": "hang" if stalled else "crash",
                                       "message": "worker exit code %s" % code, "modified": False,
                                       "message_is_str": True}
            current += 1
        index = current
    console.close()
    return [results[p] for p in paths]


class DamagedFilesTest(unittest.TestCase):
    def test_damaged_files_never_crash_hang_or_change(self):
        scale = int(os.environ.get("NEUROPLAYBACK_DAMAGE_SCALE", "1"))
        folder = tempfile.mkdtemp(prefix="np-damage-")
        generated = os.path.join(folder, "uncompressed.nsp")
        subprocess.check_call([os.path.join(BINARY_DIR, "bin", "neuroplayback-generate"), "--output", generated,
                               "--force", "--quiet", "--frames", "120", "--rate", "60", "--compression", "0",
                               "--grid", "12", "12"])
        behaviour = os.path.join(folder, "behaviour.nwb")
        make_nwb.write_behaviour_nwb(behaviour)
        rng = random.Random(20261203)
        paths = damaged_copies(SAMPLE, "sample", rng, scale, folder)
        paths += damaged_copies(generated, "uncompressed", rng, scale, folder)
        paths += damaged_copies(behaviour, "nwb", rng, scale, folder)
        os.remove(generated)
        os.remove(behaviour)
        started = time.monotonic()
        results = run_corpus(paths, folder)
        counts = collections.Counter(r["outcome"] for r in results)
        print("%d damaged files in %.0f s: %s" % (len(results), time.monotonic() - started, dict(counts)))
        report = os.environ.get("NEUROPLAYBACK_DAMAGE_REPORT")
        if report:
            with open(report, "w") as handle:
                json.dump({"files": len(results), "counts": counts, "results": results}, handle, indent=1)
        failures = []
        with open(os.path.join(folder, "console.txt"), errors="backslashreplace") as handle:
            diagnostics = [line.strip() for line in handle if "HDF5-DIAG" in line]
        if diagnostics:
            failures.append("raw HDF5 error stacks reached the console %d times, first: %s"
                            % (len(diagnostics), diagnostics[0]))
        for r in results:
            name = os.path.basename(r["path"])
            if r["outcome"] not in ("opened", "refused"):
                failures.append("%s: %s (%s)" % (name, r["outcome"], r["message"][:300]))
            elif r["outcome"] == "refused" and "How to fix" not in r["message"]:
                failures.append("%s: refused without a fix: %s" % (name, r["message"][:300]))
            if r["modified"]:
                failures.append("%s: the file was modified" % name)
            if not r["message_is_str"]:
                failures.append("%s: the message reached Python as bytes" % name)
        self.assertEqual(failures, [], "\n".join(failures))
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
