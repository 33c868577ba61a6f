"""Movie export split across pvbatch workers (neuroplayback.paraview.export_movie).

Movie frame i shows data time start + i * speed / fps. The frames are split into contiguous slices,
one per worker; each worker is a pvbatch process that opens the session, shows it as show_session
does (the arena: field, overlays, annotation, video) and writes its frames with their global numbers.
The frames are then joined into one H.264 MP4 by neuroplayback-encode (FFmpeg), or kept as a numbered
PNG sequence. Run as a worker:

    pvbatch _movie.py --worker SESSION FOLDER FIRST LAST START STEP WIDTH HEIGHT FORMAT
"""
import os
import shutil
import subprocess
import sys
import time


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


def frame_times(start, stop, fps, speed):
    """The data time of every movie frame from start to stop (inclusive of the last whole step)."""
    step = float(speed) / float(fps)
    count = int((float(stop) - float(start)) / step + 1e-9) + 1
    return [float(start) + i * step for i in range(max(count, 0))]


def export(session_path, path, start, stop, fps, speed, size, workers, progress, crf):
    from . import SessionError
    times = frame_times(start, stop, fps, speed)
    if not times:
        raise SessionError(f"export_movie: the range {start}..{stop} s holds no movie frame. How to fix: give "
                           "stop after start.")
    width, height = int(size[0]) // 2 * 2, int(size[1]) // 2 * 2  # even, for H.264 4:2:0
    as_png = str(path).lower().endswith(".png")
    folder = os.path.dirname(os.path.abspath(path)) if as_png else os.path.abspath(str(path)) + ".frames"
    os.makedirs(folder, exist_ok=True)
    stem = os.path.splitext(os.path.basename(str(path)))[0] if as_png else "frame"
    pattern = os.path.join(folder, stem + ("_%06d.png" if as_png else "_%06d.ppm"))
    workers = max(1, min(int(workers), len(times)))
    pvbatch = shutil.which("pvbatch")
    if not pvbatch:
        raise SessionError("export_movie needs pvbatch (ParaView's batch renderer) on PATH. How to fix: install "
                           "ParaView's command-line tools (Debian: paraview).")
    slices = [(len(times) * k // workers, len(times) * (k + 1) // workers - 1) for k in range(workers)]
    started = time.perf_counter()

    def launch(first, last):
        command = [pvbatch, "--force-offscreen-rendering", os.path.abspath(__file__), "--worker", session_path,
                   pattern, str(first), str(last), repr(float(start)), repr(float(speed) / float(fps)),
                   str(width), str(height), "png" if as_png else "ppm"]
        # The console to a file: a pipe nobody reads would block a talkative worker once full.
        with open(os.path.join(folder, "worker-%d.log" % first), "w") as log:
            return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)

    # A worker that fails is started again (twice at most): under Xvfb a batch process sometimes fails to
    # open the display before it renders anything.
    running = [(launch(first, last), first, last, 1) for first, last in slices]
    shown = -1
    sample = range(0, len(times), max(1, len(times) // 100))
    while running:
        time.sleep(0.5)
        still = []
        for process, first, last, attempt in running:
            if process.poll() is None:
                still.append((process, first, last, attempt))
            elif process.returncode != 0:
                with open(os.path.join(folder, "worker-%d.log" % first), errors="backslashreplace") as log:
                    message = log.read()[-2000:]
                if attempt >= 3:
                    for other, *_ in running:
                        if other.poll() is None:
                            other.kill()
                    raise SessionError(f"export_movie: a pvbatch worker failed 3 times (exit code "
                                       f"{process.returncode}): {message} How to fix: check that the session "
                                       "opens in pvpython; see the message above.")
                still.append((launch(first, last), first, last, attempt + 1))
        running = still
        if progress:
            percent = int(100 * sum(os.path.exists(pattern % i) for i in sample) / len(sample))
            if percent // 10 != shown // 10:
                shown = percent
                print(f"Exporting {os.path.basename(str(path))}: about {percent}% of {len(times)} frames "
                      f"({workers} workers)", flush=True)
    for first, _ in slices:
        os.remove(os.path.join(folder, "worker-%d.log" % first))
    rendered = time.perf_counter() - started
    if not as_png:
        subprocess.run([_encoder(), "--frames", pattern, "--count", str(len(times)), "--fps", repr(float(fps)),
                        "--output", str(path), "--crf", str(int(crf))], check=True)
        shutil.rmtree(folder, ignore_errors=True)
    if progress:
        print(f"Exported {path}: {len(times)} frames {width}x{height} at {fps} fps (speed {speed}x) in "
              f"{time.perf_counter() - started:.1f} s ({rendered:.1f} s rendering on {workers} workers)", flush=True)
    return len(times)


def _worker(argv):
    """Renders movie frames first..last through ParaView's Save Animation (with the NeuroPlayback cue's
    time range), then gives them their global numbers (PNG) or turns them into raw PPM for the encoder."""
    session_path, pattern = argv[0], argv[1]
    first, last = int(argv[2]), int(argv[3])
    start, step = float(argv[4]), float(argv[5])
    width, height, kind = int(argv[6]), int(argv[7]), argv[8]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import tempfile
    from paraview import simple
    from neuroplayback.paraview import open_session, save_movie, show_session
    reader = open_session(session_path)
    view = simple.CreateRenderView()
    view.ViewSize = [width, height]
    show_session(reader, view, time_series=False)
    scratch = tempfile.mkdtemp(prefix="slice-", dir=os.path.dirname(pattern))
    count = save_movie(os.path.join(scratch, "f.png"), speed=step, frame_rate=1, progress=False, view=view,
                       time_range=(start + first * step, start + last * step), ImageResolution=[width, height])
    written = sorted(f for f in os.listdir(scratch) if f.endswith(".png"))
    if count != last - first + 1 or len(written) != count:
        raise RuntimeError(f"the slice {first}..{last} gave {len(written)} frames, expected {last - first + 1}")
    if kind == "ppm":
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkIOImage import vtkPNGReader
        png_reader = vtkPNGReader()
    for offset, name in enumerate(written):
        source, target = os.path.join(scratch, name), pattern % (first + offset)
        if kind == "png":
            os.replace(source, target)
            continue
        png_reader.SetFileName(source)  # raw RGB for the encoder, rows top-down
        png_reader.Modified()
        png_reader.Update()
        image = png_reader.GetOutput()
        w, h, _ = image.GetDimensions()
        pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)[::-1, :, :3]
        with open(target + ".part", "wb") as handle:
            handle.write(b"P6\n%d %d\n255\n" % (w, h))
            handle.write(pixels.tobytes())
        os.replace(target + ".part", target)
        os.remove(source)
    os.rmdir(scratch)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--worker":
    # Run as a script, this file's folder comes first on sys.path, where neuroplayback/paraview.py would
    # shadow ParaView's own paraview package.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    _worker(sys.argv[2:])
