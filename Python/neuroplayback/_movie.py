"""Movie export split across pvbatch workers (neuroplayback.paraview.export_movie).

Movie frame i shows data time start + i * speed / fps (inside each epoch in turn, when exporting the
epochs of an interval overlay). The frames are split into contiguous slices, one per worker; each worker
is a pvbatch process that opens the session, shows it as show_session does (the arena: field, overlays,
annotation, video) and writes its frames with their global numbers, taken straight from the render. The
frames are joined into one H.264 MP4 by neuroplayback-encode (FFmpeg) as they come, beside the rendering,
or kept as a numbered PNG sequence. A failure or an
interruption (Ctrl+C) stops the workers and removes what the export wrote. Run as a worker:

    pvbatch _movie.py --worker SESSION PATTERN FIRST LAST TIMES_JSON WIDTH HEIGHT FORMAT [NWB_FILE]

or as the GUI's export (the NeuroPlayback toolbar's Export movie: export_movie on the session file, a
progress line per percent, SIGTERM cancels like Ctrl+C):

    pvpython _movie.py --export OPTIONS_JSON
"""
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time


def _die_with_parent():
    """In a worker, before it runs: killed when the exporting process dies (Linux), so that a
    process ended abruptly leaves no worker rendering on."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def _encoder():
    """neuroplayback-encode: next to the plugin (build tree or install), else on PATH."""
    for folder in os.environ.get("PV_PLUGIN_PATH", "").split(os.pathsep):
        if folder:
            candidate = os.path.normpath(os.path.join(folder, "..", "..", "..", "..", "bin", "neuroplayback-encode"))
            if os.access(candidate, os.X_OK):
                return candidate
    found = shutil.which("neuroplayback-encode")
    if found:
        return found
    from . import SessionError
    raise SessionError("neuroplayback-encode was not found next to the plugin or on PATH. How to fix: build "
                       "or install NeuroPlayback's tools, or save a PNG sequence (a path ending in .png).")


# A progress line each time this many more percent of the frames are done.
PROGRESS_STEP = 10
# The encoder, joining frames as they come, gives up when none has come for this many seconds (a worker
# that failed is restarted well within it).
ENCODER_WAIT = 600


def _encoder_failed(log_path):
    from . import SessionError
    with open(log_path, errors="backslashreplace") as log:
        message = log.read().strip()[-2000:]
    raise SessionError(f"export_movie: the encoder failed: {message} How to fix: check that the disk has room "
                       "and the path can be written.")


def frame_times(start, stop, fps, speed):
    """The data time of every movie frame from start to stop (inclusive of the last whole step)."""
    step = float(speed) / float(fps)
    count = int((float(stop) - float(start)) / step + 1e-9) + 1
    return [float(start) + i * step for i in range(max(count, 0))]


def export(session_path, path, times, fps, speed, size, workers, progress, crf, nwb=None):
    """Renders one movie frame per data time in `times` and joins them (see the module's docstring)."""
    from . import SessionError
    if not times:
        raise SessionError("export_movie: the range holds no movie frame. How to fix: give stop after start, "
                           "or an epoch overlay with intervals inside the range.")
    width, height = int(size[0]) // 2 * 2, int(size[1]) // 2 * 2  # even, for H.264 4:2:0
    as_png = str(path).lower().endswith(".png")
    target_folder = os.path.dirname(os.path.abspath(str(path)))
    if not os.path.isdir(target_folder):
        raise SessionError(f"export_movie: the folder {target_folder} does not exist. How to fix: create it, "
                           "or give a path in an existing folder.")
    # Frames are made in a folder of their own and only a finished export puts anything under the
    # target name: the numbered PNGs are moved in, or the encoder's video is renamed from .partial.
    stem = os.path.splitext(os.path.basename(str(path)))[0]
    folder = os.path.join(target_folder, f".{stem}.frames-{os.getpid()}")
    pattern = os.path.join(folder, stem + ("_%06d.png" if as_png else "_%06d.ppm"))
    final = os.path.join(target_folder, stem + "_%06d.png")
    workers = max(1, min(int(workers), len(times)))
    pvbatch = shutil.which("pvbatch")
    if not pvbatch:
        raise SessionError("export_movie needs pvbatch (ParaView's batch renderer) on PATH. How to fix: install "
                           "ParaView's command-line tools (Debian: paraview).")
    encoder = None if as_png else _encoder()
    os.makedirs(folder, exist_ok=True)
    times_file = os.path.join(folder, "times.json")
    with open(times_file, "w") as handle:
        json.dump([float(t) for t in times], handle)
    slices = [(len(times) * k // workers, len(times) * (k + 1) // workers - 1) for k in range(workers)]
    logs = {first: os.path.join(folder, f"worker-{first}.log") for first, _ in slices}
    started = time.perf_counter()

    def launch(first, last):
        command = [pvbatch, "--force-offscreen-rendering", os.path.abspath(__file__), "--worker", session_path,
                   pattern, str(first), str(last), times_file, str(width), str(height),
                   "png" if as_png else "ppm"] + ([nwb] if nwb else [])  # pvbatch refuses an empty argument
        # The console to a file: a pipe nobody reads would block a talkative worker once full.
        with open(logs[first], "w") as log:
            return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent)

    running = []
    encoding = None
    encoder_log = os.path.join(folder, "encoder.log")

    def start_encoder(wait):
        # With --wait it waits for frames still being made, giving up when none has come for ENCODER_WAIT s.
        with open(encoder_log, "w") as log:
            return subprocess.Popen([encoder, "--frames", pattern, "--count", str(len(times)), "--fps",
                                     repr(float(fps)), "--output", str(path), "--crf", str(int(crf))] +
                                    (["--wait", str(ENCODER_WAIT)] if wait else []),
                                    stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent)
    try:
        # Ctrl+C stops the export cleanly (pvpython's own handler would end the process at once).
        previous_handler = signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread
        previous_handler = None
    try:
        # A worker that fails is started again (twice at most): under an Xvfb started without -noreset a
        # batch process can fail to open the display (it connects while Xvfb resets after its last client).
        running = [(launch(first, last), first, last, 1) for first, last in slices]
        # With a core to spare the encoder joins the frames as they come, beside the rendering (a frame is
        # renamed into place whole); with every core rendering it would only slow the workers, so it starts
        # once they are done (docs/benchmarks.md §22). NEUROPLAYBACK_EXPORT_ENCODE=beside|after decides.
        when = os.environ.get("NEUROPLAYBACK_EXPORT_ENCODE") or ("beside" if workers < (os.cpu_count() or 1) else "after")
        if not as_png and when == "beside":
            encoding = start_encoder(wait=True)
        shown = -1
        sample = range(0, len(times), max(1, len(times) // 100))
        while running:
            time.sleep(0.5)
            still = []
            for process, first, last, attempt in running:
                if process.poll() is None:
                    still.append((process, first, last, attempt))
                elif process.returncode != 0:
                    with open(logs[first], errors="backslashreplace") as log:
                        message = log.read()[-2000:]
                    if attempt >= 3:
                        raise SessionError(f"export_movie: a pvbatch worker failed 3 times (exit code "
                                           f"{process.returncode}): {message} How to fix: check that the "
                                           "session opens in pvpython and that the disk has room; see the "
                                           "message above.")
                    still.append((launch(first, last), first, last, attempt + 1))
            running = still
            if encoding is not None and encoding.poll() not in (None, 0):
                _encoder_failed(encoder_log)
            if progress:
                percent = int(100 * sum(os.path.exists(pattern % i) for i in sample) / len(sample))
                if percent // PROGRESS_STEP != shown // PROGRESS_STEP:
                    shown = percent
                    print(f"Exporting {os.path.basename(str(path))}: about {percent}% of {len(times)} frames "
                          f"({workers} workers)", flush=True)
        rendered = time.perf_counter() - started
        if not as_png:
            encoding = encoding or start_encoder(wait=False)
            if encoding.wait() != 0:
                _encoder_failed(encoder_log)
        else:
            for i in range(len(times)):
                os.replace(pattern % i, final % i)
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGINT, previous_handler)
        for process, *_ in running:
            if process.poll() is None:
                process.kill()
                process.wait()
        if encoding is not None and encoding.poll() is None:
            encoding.kill()
            encoding.wait()
            try:
                os.remove(str(path) + ".partial")  # the killed encoder's unfinished video
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
    if progress:
        print(f"Exported {path}: {len(times)} frames {width}x{height} at {fps} fps (speed {speed}x) in "
              f"{time.perf_counter() - started:.1f} s ({rendered:.1f} s rendering on {workers} workers)", flush=True)
    return len(times)


def _worker(argv):
    """Renders movie frames first..last (their data times from the export's times file), each with its
    global number, as PNG or as raw PPM for the encoder."""
    session_path, pattern = argv[0], argv[1]
    first, last = int(argv[2]), int(argv[3])
    with open(argv[4]) as handle:
        times = json.load(handle)
    width, height, kind = int(argv[5]), int(argv[6]), argv[7]
    nwb = argv[8] if len(argv) > 8 else None  # the NWB file shown beside the session, if any
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from paraview import simple
    from neuroplayback.paraview import open_session, show_session
    reader = open_session(session_path, nwb=nwb)
    view = simple.CreateRenderView()
    view.ViewSize = [width, height]
    show_session(reader, view, time_series=False)
    keeper = simple.GetTimeKeeper()
    # For the encoder the view's pixels are taken straight from the render (no PNG written and read back
    # on every frame); NEUROPLAYBACK_EXPORT_CAPTURE=screenshot keeps the previous way, for comparison.
    direct = kind == "ppm" and os.environ.get("NEUROPLAYBACK_EXPORT_CAPTURE", "direct") != "screenshot"
    if kind == "ppm":
        from vtkmodules.util.numpy_support import vtk_to_numpy
    if kind == "ppm" and not direct:
        from vtkmodules.vtkIOImage import vtkPNGReader
        png_reader = vtkPNGReader()
    for index in range(first, last + 1):
        keeper.Time = times[index]  # the frame at or before it, as playback shows it
        target = pattern % index
        if kind == "png":
            simple.SaveScreenshot(target + ".part.png", view, ImageResolution=[width, height])
            os.replace(target + ".part.png", target)
            continue
        if direct:
            image = view.SMProxy.CaptureWindow(1)
            image.UnRegister(None)  # CaptureWindow hands over its reference: Python's is then the only one
        else:
            scratch = target + ".png"
            simple.SaveScreenshot(scratch, view, ImageResolution=[width, height])
            png_reader.SetFileName(scratch)
            png_reader.Modified()
            png_reader.Update()
            image = png_reader.GetOutput()
            os.remove(scratch)
        w, h, _ = image.GetDimensions()
        # Raw RGB for the encoder, rows top-down.
        pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)[::-1, :, :3]
        with open(target + ".part", "wb") as handle:
            handle.write(b"P6\n%d %d\n255\n" % (w, h))
            handle.write(pixels.tobytes())
        os.replace(target + ".part", target)


def _export_for_gui(options):
    """export_movie with the GUI dialog's choices; errors go to stderr as one line, for the GUI to show."""
    global PROGRESS_STEP
    PROGRESS_STEP = 1
    signal.signal(signal.SIGTERM, _interrupted)  # the GUI's Cancel: cleaned up as Ctrl+C is
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from neuroplayback import SessionError
    from neuroplayback.paraview import export_movie, open_session
    try:
        reader = open_session(options["session"], nwb=options.get("nwb") or None)
        export_movie(options["path"], reader=reader, start=options.get("start"), stop=options.get("stop"),
                     fps=options.get("fps", 30), speed=options.get("speed", 1.0),
                     size=options.get("size", (1280, 720)), workers=options.get("workers", 1),
                     epoch=options.get("epoch") or None, progress=True)
    except SessionError as error:
        print(str(error), file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("The export was cancelled; nothing was written.", file=sys.stderr, flush=True)
        return 3
    return 0


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] in ("--worker", "--export"):
    # Run as a script, this file's folder comes first on sys.path, where neuroplayback/paraview.py would
    # shadow ParaView's own paraview package.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    if sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
    else:
        sys.exit(_export_for_gui(json.loads(sys.argv[2])))
