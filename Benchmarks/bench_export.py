"""Movie export time: ParaView's Save Animation in one process (save_movie, what a user would otherwise
pick) against export_movie with 1 and 2 pvbatch workers, interleaved run by run, each in a fresh pvpython.
export-N: each worker encodes its own slice, the slices joined by copying packets (the default);
export-N-frames: the previous way, the workers writing PPM frames that one encoder joins, beside them when
a core is spare, else after them; export-N-after: that encoder always after; export-N-screenshot: also
capturing through a PNG screenshot (the way before); export-N-previous: each frame's time set on the
TimeKeeper (the way before the workers updated the view directly); export-N-videofilter: the video drawn by
the Video filter's own display (the way before the overlay display drew it). --ways picks some. Each run also
reports the CPU seconds of the pvpython and everything it started.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback scripts/with-xvfb.sh \\
        pvpython Benchmarks/bench_export.py Data/sample.nsp --seconds 5 --runs 3 --out export.json

Every way writes `seconds` of data time at `speed` (1x by default) and 30 fps, 640x480, from 1 s into the
session (--seconds 8 --speed 0.133333 makes a 60 s movie of 1,801 frames from the 10 s sample): save_movie
writes PNG images (ParaView's AVI writer is not H.264), export_movie an H.264 MP4 (frames rendered by the
workers and encoded by neuroplayback-encode). Wall time from the call to the finished file.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))


def _encoding_of(way):
    """NEUROPLAYBACK_EXPORT_ENCODE for a way of the side by side."""
    if not way.startswith("export-") or way.count("-") == 1 or way.endswith(("-previous", "-videofilter")):
        return "slices"
    if way.endswith("-frames"):  # the previous default: the encoder beside when a core is spare
        return "beside" if int(way.split("-")[1]) < (os.cpu_count() or 1) else "after"
    return "after"


def _children_cpu():
    """User and system CPU seconds of every finished process this one started (and theirs)."""
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def worker(args):
    from paraview import simple
    from neuroplayback.paraview import export_movie, open_session, save_movie, show_session, time_range
    reader = open_session(args.session)
    first = time_range(reader)[0]
    start, stop = first + 1.0, first + 1.0 + args.seconds
    folder = tempfile.mkdtemp(prefix="np-export-")
    began = time.perf_counter()
    if args.way == "save_movie":
        view = simple.CreateRenderView()
        view.ViewSize = [640, 480]
        show_session(reader, view, time_series=False)
        frames = save_movie(os.path.join(folder, "m.png"), speed=args.speed, frame_rate=30, time_range=(start, stop),
                            ImageResolution=[640, 480], progress=False, view=view)
    else:
        frames = export_movie(os.path.join(folder, "m.mp4"), reader, start=start, stop=stop, fps=30, speed=args.speed,
                              size=(640, 480), workers=int(args.way.split("-")[1]), progress=False)
    seconds = time.perf_counter() - began
    print("RESULT " + json.dumps({"way": args.way, "frames": frames, "seconds": seconds}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--speed", type=float, default=1.0,
                        help="data seconds per movie second (e.g. 8 data seconds at 0.13333 make a 60 s movie)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out")
    parser.add_argument("--ways", default="save_movie,export-1,export-2,export-1-frames,export-2-frames",
                        help="of save_movie, export-N, export-N-frames, export-N-after, export-N-screenshot, "
                        "export-N-previous")
    parser.add_argument("--way", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        return worker(args)
    ways = args.ways.split(",")
    results = {way: [] for way in ways}
    for run in range(args.runs):
        for way in ways:
            for _attempt in range(3):  # a fresh pvpython sometimes fails to open the display
                env = dict(os.environ, NEUROPLAYBACK_EXPORT_CAPTURE="screenshot" if way.endswith("-screenshot") else "direct",
                           NEUROPLAYBACK_EXPORT_ENCODE=_encoding_of(way),
                           NEUROPLAYBACK_EXPORT_UPDATE="timekeeper" if way.endswith("-previous") else "direct",
                           NEUROPLAYBACK_VIDEO_DISPLAY="filter" if way.endswith("-videofilter") else "")
                cpu_before = _children_cpu()
                done = subprocess.run([shutil.which("pvpython"), os.path.abspath(__file__), args.session, "--seconds", str(args.seconds),
                                       "--speed", str(args.speed), "--way", way], capture_output=True, text=True,
                                      errors="replace", env=env)
                line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
                if line:
                    break
            result = json.loads(line[7:]) if line else {"way": way, "error": done.stderr[-500:]}
            result["cpu_seconds"] = round(_children_cpu() - cpu_before, 2)
            results[way].append(result)
            print(run, result, flush=True)
    def medians(key):  # over the runs that finished
        return {way: statistics.median(r[key] for r in rows if "seconds" in r) for way, rows in results.items()
                if any("seconds" in r for r in rows)}
    summary, cpu = medians("seconds"), medians("cpu_seconds")
    print(json.dumps({"median_s": summary, "median_cpu_s": cpu}, indent=1))
    if args.out:
        with open(args.out, "w") as handle:
            json.dump({"session": args.session, "seconds": args.seconds, "speed": args.speed, "runs": results, "median_s": summary,
                       "median_cpu_s": cpu},
                      handle, indent=1)


if __name__ == "__main__":
    main()
