"""Movie export split across pvbatch workers (neuroplayback.paraview.export_movie).

Movie frame i shows data time start + i * speed / fps (inside each epoch in turn, when exporting the
epochs of an interval overlay). The frames are split into contiguous slices, one per worker; each worker
is a pvbatch process that opens the session, shows it as show_session does (the arena: field, overlays,
annotation, video) and takes each frame straight from the render. For an MP4 each worker hands its
frames (through shared memory) to a neuroplayback-encode of its own, which encodes them as H.264 with a fresh encoder every
chunk (1-5 movie seconds, see chunk_frames); slices start at chunk boundaries, so the joined segments are the very file one
worker makes, and the join only copies packets. For a PNG sequence each worker writes its frames with
their global numbers. A failure or an interruption (Ctrl+C) stops the workers and removes what the
export wrote. Run as a worker:

    pvbatch _movie.py --worker SESSION OUTPUT FIRST LAST JOB_JSON WIDTH HEIGHT FORMAT [NWB_FILE]

FORMAT is h264 (OUTPUT a segment), png or ppm (OUTPUT a printf pattern of numbered frames); JOB_JSON
holds the frame times and the encoder's settings.

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


def _import_simple_without_help():
    """paraview.simple, imported without the help text of its functions: on import ParaView 5.11 finds
    each of its ~480 functions' documentation by a linear scan of every proxy definition (0.7-1.5 s of a
    worker's 5 s start here). A worker, or the GUI's export process, never shows help."""
    from paraview import servermanager
    namespace = getattr(servermanager, "ProxyNamespace", None)
    if namespace is not None and hasattr(namespace, "getDocumentation"):
        namespace.getDocumentation = lambda self, name: ""
    from paraview import simple
    return simple


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


# A worker's start (pvbatch, Python, the plugin, the session opened and shown: 3-4.5 s here) costs about
# what rendering this many frames does, so automatic_workers gives each worker at least this many.
FRAMES_PER_WORKER = 150
# Workers at most when picked automatically: each holds a session, a view and an encoder (0.57 GB at
# 1280x720 for the sample).
AUTOMATIC_WORKERS_MAX = 4


def automatic_workers(frame_count, cores=None):
    """export_movie's workers when not given: one per core, at most AUTOMATIC_WORKERS_MAX, and at most
    one per FRAMES_PER_WORKER frames (a short clip gains less from another worker than its start costs)."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(cores, AUTOMATIC_WORKERS_MAX, int(frame_count) // FRAMES_PER_WORKER))


# A chunk is 1 to CHUNK_SECONDS_MAX movie seconds, at least CHUNKS_PER_MOVIE of them when the movie is long
# enough, so that up to AUTOMATIC_WORKERS_MAX workers still get even slices.
CHUNK_SECONDS_MAX = 5
CHUNKS_PER_MOVIE = 12


def chunk_frames(fps, count):
    """Frames per chunk, the unit the workers' slices are cut in and the keyframe interval: whole movie
    seconds, up to CHUNK_SECONDS_MAX as the movie's length allows. Each chunk starts with a keyframe,
    the costliest frame to encode and store: against one-second chunks, a 60 s movie of the sample
    (5 s chunks) is 30 % smaller and 12 % cheaper to encode. It depends on the movie only, never on
    the workers, so every split joins into the same file."""
    per_second = max(1, int(round(float(fps))))
    seconds = min(CHUNK_SECONDS_MAX, int(count) // (per_second * CHUNKS_PER_MOVIE))
    return per_second * max(1, seconds)


def slice_bounds(count, workers, chunk):
    """Contiguous (first, last) frame slices for the workers, as even as chunk boundaries allow."""
    inner = {min(count, int(round(count * k / workers / chunk)) * chunk) for k in range(1, workers)}
    cuts = sorted(inner | {0, count})
    return [(a, b - 1) for a, b in zip(cuts, cuts[1:]) if b > a]


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
    # Each worker encodes its slice (default), or, as before, writes PPM frames that one encoder joins
    # beside the workers (a core to spare) or after them: NEUROPLAYBACK_EXPORT_ENCODE=slices|beside|after.
    way = "png" if as_png else (os.environ.get("NEUROPLAYBACK_EXPORT_ENCODE") or "slices")
    if way not in ("png", "slices", "beside", "after"):
        raise SessionError(f"NEUROPLAYBACK_EXPORT_ENCODE={way} is not a way to encode. How to fix: use slices, "
                           "beside or after, or unset it.")
    pattern = os.path.join(folder, stem + ("_%06d.png" if as_png else "_%06d.ppm"))
    final = os.path.join(target_folder, stem + "_%06d.png")
    workers = max(1, min(int(workers), len(times)))
    chunk = chunk_frames(fps, len(times))
    pvbatch = shutil.which("pvbatch")
    if not pvbatch:
        raise SessionError("export_movie needs pvbatch (ParaView's batch renderer) on PATH. How to fix: install "
                           "ParaView's command-line tools (Debian: paraview).")
    encoder = None if as_png else _encoder()
    os.makedirs(folder, exist_ok=True)
    job_file = os.path.join(folder, "job.json")
    with open(job_file, "w") as handle:
        json.dump({"times": [float(t) for t in times], "fps": float(fps), "chunk": chunk, "crf": int(crf),
                   "encoder": encoder}, handle)
    # Slices of an MP4 are cut on chunk boundaries; frames written one by one can be cut anywhere.
    slices = slice_bounds(len(times), workers, chunk if way == "slices" else 1)
    workers = len(slices)
    logs = {first: os.path.join(folder, f"worker-{first}.log") for first, _ in slices}
    segments = {first: os.path.join(folder, f"slice-{first:09d}.npseg") for first, _ in slices}
    started = time.perf_counter()

    def launch(first, last):
        kind = {"png": "png", "slices": "h264"}.get(way, "ppm")
        output = segments[first] if kind == "h264" else pattern
        command = [pvbatch, "--force-offscreen-rendering", os.path.abspath(__file__), "--worker", session_path,
                   output, str(first), str(last), job_file, str(width), str(height),
                   kind] + ([nwb] if nwb else [])  # pvbatch refuses an empty argument
        # The console to a file: a pipe nobody reads would block a talkative worker once full. A worker
        # is a lone MPI process: told so, Open MPI starts no daemon for it (0.2 s of its start).
        env = dict(os.environ)
        env.setdefault("OMPI_MCA_ess_singleton_isolated", "1")
        with open(logs[first], "w") as log:
            return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=env,
                                    preexec_fn=_die_with_parent)

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
        if way == "beside":  # the previous way: the PPM frames joined as they come (a frame is renamed in whole)
            encoding = start_encoder(wait=True)
        shown = -1
        sample = range(0, len(times), max(1, len(times) // 100))
        checked = 0.0
        while running:
            # Often enough that the join starts as soon as the last worker ends (a 0.5 s sleep lost
            # 0.25 s an export on average); the progress is read twice a second.
            time.sleep(0.05)
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
            if progress and time.perf_counter() - checked >= 0.5:
                checked = time.perf_counter()
                if way == "slices":
                    percent = int(100 * sum(_progress_of(segments[first]) for first, _ in slices) / len(times))
                else:
                    percent = int(100 * sum(os.path.exists(pattern % i) for i in sample) / len(sample))
                if percent // PROGRESS_STEP != shown // PROGRESS_STEP:
                    shown = percent
                    print(f"Exporting {os.path.basename(str(path))}: about {percent}% of {len(times)} frames "
                          f"({_workers_text(workers)})", flush=True)
        rendered = time.perf_counter() - started
        if way == "slices":  # the segments are joined: packets copied in order, nothing re-encoded
            with open(encoder_log, "w") as log:
                joined = subprocess.run([encoder, "--output", str(path)] +
                                        [a for first, _ in slices for a in ("--join", segments[first])],
                                        stdout=subprocess.DEVNULL, stderr=log)
            if joined.returncode != 0:
                _encoder_failed(encoder_log)
        elif not as_png:
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
              f"{time.perf_counter() - started:.1f} s ({rendered:.1f} s rendering on {_workers_text(workers)})", flush=True)
    return len(times)


def _workers_text(workers):
    return "1 worker" if workers == 1 else f"{workers} workers"


def _progress_of(output):
    """Frames a worker has made so far (its progress file; 0 before the first)."""
    try:
        with open(output + ".progress") as handle:
            return int(handle.read() or 0)
    except (OSError, ValueError):
        return 0


class _FrameRing:
    """Hands frames to the worker's encoder through shared memory: a ring of SLOTS frames in a memory
    file the encoder maps, with one byte per frame each way over its standard input (frame i is in its
    slot) and output (frame i is encoded, its slot free). Through a pipe every frame was copied twice by
    the kernel and woke the encoder many times; measured, that cost 4-5 s of system time a 60 s movie."""

    SLOTS = 4
    PADDING = 4096  # a page beyond the last frame: the encoder's RGB converter reads past a row's end

    def __init__(self, command, frame_bytes):
        import mmap
        import numpy
        self.fd = os.memfd_create("neuroplayback-frames")
        size = frame_bytes * self.SLOTS + self.PADDING
        os.ftruncate(self.fd, size)
        self.memory = mmap.mmap(self.fd, size)
        self.slots = numpy.frombuffer(self.memory, dtype=numpy.uint8, count=frame_bytes * self.SLOTS).reshape(
            self.SLOTS, frame_bytes)
        self.sent = self.done = 0
        # The encoder's messages go to this worker's log (its standard error).
        self.process = subprocess.Popen(command + ["--ring-fd", str(self.fd), "--slots", str(self.SLOTS)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=(self.fd,),
                                        preexec_fn=_die_with_parent)

    def put(self, pixels):
        """Copies a frame into its slot, once the encoder is done with the slot's previous frame; False
        when the encoder has stopped (its message is in the log)."""
        try:
            while self.sent - self.done == self.SLOTS:
                freed = os.read(self.process.stdout.fileno(), self.SLOTS)
                if not freed:
                    return False
                self.done += len(freed)
            self.slots[self.sent % self.SLOTS] = pixels.reshape(-1)
            os.write(self.process.stdin.fileno(), b"\1")
        except (BrokenPipeError, OSError):
            return False
        self.sent += 1
        return True

    def close(self):
        """Ends the input and waits for the encoder; its exit code."""
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        while os.read(self.process.stdout.fileno(), 64):  # the last frames' tokens, until it exits
            pass
        self.process.stdout.close()
        code = self.process.wait()
        os.close(self.fd)
        return code


def _worker(argv):
    """Renders movie frames first..last (their data times from the job file): into a segment through a
    neuroplayback-encode of its own (h264), or as numbered PNG or raw PPM files with global numbers."""
    session_path, output = argv[0], argv[1]
    first, last = int(argv[2]), int(argv[3])
    with open(argv[4]) as handle:
        job = json.load(handle)
    times = job["times"]
    width, height, kind = int(argv[5]), int(argv[6]), argv[7]
    nwb = argv[8] if len(argv) > 8 else None  # the NWB file shown beside the session, if any
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    simple = _import_simple_without_help()
    from neuroplayback.paraview import open_session, show_session
    reader = open_session(session_path, nwb=nwb)
    view = simple.CreateRenderView()
    view.ViewSize = [width, height]
    show_session(reader, view, time_series=False)
    keeper = simple.GetTimeKeeper()
    # The view's pixels are taken straight from the render (no PNG written and read back on every
    # frame); NEUROPLAYBACK_EXPORT_CAPTURE=screenshot keeps the previous way, for comparison.
    direct = kind != "png" and os.environ.get("NEUROPLAYBACK_EXPORT_CAPTURE", "direct") != "screenshot"
    if kind != "png":
        from vtkmodules.util.numpy_support import vtk_to_numpy
    if kind != "png" and not direct:
        from vtkmodules.vtkIOImage import vtkPNGReader
        png_reader = vtkPNGReader()
    ring = None
    if kind == "h264":
        ring = _FrameRing([job["encoder"], "--stdin", "--first", str(first), "--count", str(last - first + 1),
                           "--width", str(width), "--height", str(height), "--fps", repr(job["fps"]),
                           "--chunk", str(job["chunk"]), "--crf", str(job["crf"]), "--bottom-up", "--output", output],
                          width * height * 3)
    report_every = max(1, (last - first + 1) // 50)
    # Each frame's time goes straight to the view's own object, which updates its displays, as the
    # playback cue's direct path does: setting the TimeKeeper's time instead makes ParaView re-run every
    # display's domains and data information per frame (about 9 ms of a 35 ms frame, docs/benchmarks.md §28).
    # A worker is always one lone process, where the view's own object is at hand.
    # NEUROPLAYBACK_EXPORT_UPDATE=timekeeper keeps the previous way, for comparison.
    own_view = view.GetClientSideObject() if os.environ.get("NEUROPLAYBACK_EXPORT_UPDATE") != "timekeeper" else None
    for index in range(first, last + 1):
        if own_view is not None:
            own_view.SetViewTime(times[index])  # the frame at or before it, as playback shows it
            own_view.Update()
        else:
            keeper.Time = times[index]
        if kind == "png":
            target = output % index
            simple.SaveScreenshot(target + ".part.png", view, ImageResolution=[width, height])
            os.replace(target + ".part.png", target)
            continue
        if direct:
            image = view.SMProxy.CaptureWindow(1)
            image.UnRegister(None)  # CaptureWindow hands over its reference: Python's is then the only one
        else:
            scratch = os.path.join(os.path.dirname(output), "frame-%d.png" % index)
            simple.SaveScreenshot(scratch, view, ImageResolution=[width, height])
            png_reader.SetFileName(scratch)
            png_reader.Modified()
            png_reader.Update()
            image = png_reader.GetOutput()
            os.remove(scratch)
        w, h, _ = image.GetDimensions()
        pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)  # rows bottom-up
        if kind == "h264":
            if (w, h) != (width, height):
                raise RuntimeError(f"the view rendered {w}x{h} pixels, not {width}x{height}")
            if not ring.put(pixels[:, :, :3]):
                break  # the encoder failed: its message is in the log, its exit code below
            done = index - first + 1
            if done % report_every == 0 or index == last:
                with open(output + ".progress.part", "w") as handle:
                    handle.write(str(done))
                os.replace(output + ".progress.part", output + ".progress")
            continue
        # Raw RGB for the encoder, rows top-down.
        target = output % index
        with open(target + ".part", "wb") as handle:
            handle.write(b"P6\n%d %d\n255\n" % (w, h))
            handle.write(pixels[::-1, :, :3].tobytes())
        os.replace(target + ".part", target)
    if ring is not None:
        code = ring.close()
        if code != 0:
            sys.exit(f"the encoder of frames {first}-{last} failed (exit code {code})")


def _export_for_gui(options):
    """export_movie with the GUI dialog's choices; errors go to stderr as one line, for the GUI to show."""
    global PROGRESS_STEP
    PROGRESS_STEP = 1
    signal.signal(signal.SIGTERM, _interrupted)  # the GUI's Cancel: cleaned up as Ctrl+C is
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _import_simple_without_help()
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
