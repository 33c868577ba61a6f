"""Sorts libFuzzer artifacts by where they crash: inside the HDF5 library (guarded in ParaView by the
damage check process) or in NeuroPlayback's own code (a bug to fix). Each artifact is re-run once.

    python3 triage.py FUZZ_BINARY ARTIFACT_FOLDER [MOST_TIMEOUTS]
"""
import collections
import os
import re
import subprocess
import sys

FRAME = re.compile(r"^\s*#(\d+) 0x[0-9a-f]+ (?:in (\S+) )?(.*)$")
RUNTIME = ("__sanitizer", "__asan", "__ubsan", "__interceptor", "fuzzer::", "__lsan", "malloc", "calloc",
           "realloc", "operator new", "free")


def first_frames(binary, artifact):
    run = subprocess.run([binary, "-runs=1", "-timeout=10", "-rss_limit_mb=4096", artifact], capture_output=True, text=True, errors="replace",
                         timeout=120, env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1:symbolize=1"))
    frames = []
    for line in run.stderr.splitlines():
        match = FRAME.match(line)
        if not match:
            continue
        function, where = match.group(2) or "?", match.group(3)
        if function.startswith(RUNTIME) or "libc.so" in where or "sysdeps" in where or function.startswith("__mem"):
            continue  # the sanitizer and fuzzer runtime, and the signal trampoline
        frames.append((function, where))
    kind = next((line.split("ERROR: ")[1][:60] for line in run.stderr.splitlines() if "ERROR: " in line),
                "no error on re-run (%s)" % run.returncode)
    return kind, frames[:24]


def main():
    binary, folder = sys.argv[1], sys.argv[2]
    # Optional third argument: re-run at most this many timeouts (each takes the 10 s limit to report).
    most_timeouts = int(sys.argv[3]) if len(sys.argv) > 3 else None
    artifacts = sorted(f for f in os.listdir(folder) if f.split("-")[0] in ("crash", "oom", "leak"))
    timeouts = sorted(f for f in os.listdir(folder) if f.startswith("timeout-"))
    artifacts += timeouts[:most_timeouts] if most_timeouts is not None else timeouts
    places = collections.Counter()
    for name in artifacts:
        kind, frames = first_frames(binary, os.path.join(folder, name))
        in_hdf5 = bool(frames) and "libhdf5" in frames[0][1]
        ours = next((f"{func} {where}" for func, where in frames if "/Core/" in where or "/Tools/" in where), "")
        named = [f for f, where in frames if f != "?"]
        if in_hdf5:
            inside = next((f for f, where in frames if f != "?" and "libhdf5" in where), "?")
            caller = next((f.split("(")[0] for f, where in frames if "/Core/" in where), "?")
            place = "HDF5 %s, called from %s" % (inside, caller)
        else:
            place = "ours: " + ours if ours else "elsewhere: " + (named[0] if named else "?")
        places[place[:120]] += 1
        print("%-48s %-40s %s" % (name[:48], kind, place[:140]))
    print()
    print("%d artifacts" % len(artifacts))
    for place, count in places.most_common():
        print("%5d  %s" % (count, place))


if __name__ == "__main__":
    main()
