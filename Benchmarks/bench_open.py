"""Open-to-first-frame time, added memory and time-change latency in pvpython: NeuroPlayback vs stock.

Run (the driver starts one fresh pvpython process per measurement run):

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback \
    scripts/with-xvfb.sh pvpython Benchmarks/bench_open.py \
        --session 10k=/work/bench-data/np-10k-50x50.nsp --session 360k=... --session 3.6M=... \
        --runs 5 --out /work/bench-data/results/open.json

For every session and every run, two fresh worker processes are started side by side:

- ours:  open_session(path) + show_session(reader) + Render()  -> the first frame is on screen;
- stock: StockTimestepsSessionReader(FileName=path) (Benchmarks/stock_timesteps_reader.py, loaded with
         LoadPlugin as a Python plugin, one TIME_STEP per frame) + UpdatePipelineInformation(), then
         Show + ColorBy + Render().

Each worker reports, phase by phase: open, show_render (first frame on screen), scene
(GetAnimationScene().UpdateAnimationUsingDataTimeSteps()), render_only (Render() with nothing
changed), N time changes (scene.AnimationTime = t; Render(), random t) and fill_cache (600 random
reader updates, enough to fill the reader's block cache), plus VmRSS read from /proc/self/status. "Added RSS" is VmRSS after the first frame minus VmRSS of the same process just
before opening (ParaView imported, plugins loaded, an empty render view created and rendered).

Every phase is capped (--cap seconds): a worker whose current phase runs longer is killed and the
phase is reported as "> cap s". Once stock hits the cap for a session, later runs of that session
skip it (their result would only be the same "> cap").

The workers are this same file, run as `pvpython bench_open.py --worker ...`.
"""
import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
STOCK_PLUGIN = os.path.join(HERE, "stock_timesteps_reader.py")


def proc_status_kb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


# ---------------------------------------------------------------------------------------------
# Worker (one fresh pvpython process per run)

def python311_plugin_shim():
    """Debian's ParaView 5.11 Python-plugin loader imports inspect.getargspec, removed in Python 3.11.

    Without this, LoadPlugin() of any .py plugin fails ("Failed to import paraview.detail.pythonalgorithm").
    """
    import inspect
    if not hasattr(inspect, "getargspec"):
        inspect.getargspec = inspect.getfullargspec


def register_pipeline_proxy(proxy, name):
    """Registers a proxy made by open_session() with the proxy manager (and so the TimeKeeper).

    neuroplayback.paraview.open_session() creates the reader with servermanager.sources.*, which does
    not register it: the TimeKeeper never learns its time range and GetAnimationScene().AnimationTime
    does not move it. Returns True if the benchmark had to register it.
    """
    from paraview import servermanager
    if servermanager.ProxyManager().GetProxyName("sources", proxy):
        return False
    servermanager.ParaViewPipelineController().RegisterPipelineProxy(proxy, name)
    return True


def worker(args):
    progress = open(args.progress, "a", buffering=1)

    def emit(**record):
        progress.write(json.dumps(record) + "\n")
        progress.flush()

    def begin(phase):
        emit(event="begin", phase=phase, wall=time.time())
        return time.perf_counter()

    def end(phase, start, **extra):
        seconds = time.perf_counter() - start
        emit(event="end", phase=phase, seconds=seconds, rss_kb=proc_status_kb("VmRSS"), **extra)
        return seconds

    start = begin("import")
    python311_plugin_shim()
    sys.path.insert(0, os.path.join(REPO, "Python"))
    from paraview import simple
    from neuroplayback.paraview import ensure_plugin, open_session, session_info, show_session
    rss_start = proc_status_kb("VmRSS")
    constructors = {"__doc__": None}  # LoadPlugin ignores an empty (falsy) namespace
    if args.kind == "stock":
        simple.LoadPlugin(STOCK_PLUGIN, remote=False, ns=constructors)
    else:
        ensure_plugin()
    view = simple.GetActiveViewOrCreate("RenderView")
    simple.Render(view)
    end("import", start, rss_before_view_kb=rss_start)

    rss_before = proc_status_kb("VmRSS")
    start = begin("open")
    registered = False
    if args.kind != "stock":
        reader = open_session(args.path)
        registered = register_pipeline_proxy(reader, os.path.basename(args.path))
    else:
        reader = constructors["StockTimestepsSessionReader"](FileName=args.path)
        reader.UpdatePipelineInformation()
    end("open", start, registered_by_benchmark=registered)

    start = begin("show_render")
    if args.kind != "stock":
        show_session(reader, view)
        field = session_info(reader)["field"]
    else:
        display = simple.Show(reader, view)
        field = "posterior"
        simple.ColorBy(display, ("CELLS", field))  # default representation for image data ("Slice")
        display.SetScalarBarVisibility(view, True)  # as show_session does
        simple.ResetCamera(view)
    simple.Render(view)
    end("show_render", start, rss_added_kb=proc_status_kb("VmRSS") - rss_before)

    scene = simple.GetAnimationScene()
    start = begin("scene")
    scene.UpdateAnimationUsingDataTimeSteps()
    end("scene", start, start_time=scene.StartTime, end_time=scene.EndTime, play_mode=str(scene.GetPropertyValue("PlayMode")))

    timings = []
    for _ in range(3):
        start = time.perf_counter()
        simple.Render(view)
        timings.append(time.perf_counter() - start)
    emit(event="end", phase="render_only", seconds=statistics.median(timings), rss_kb=proc_status_kb("VmRSS"))

    first, last = float(scene.StartTime), float(scene.EndTime)
    rng = random.Random(args.seed)
    for i in range(args.changes):
        t = rng.uniform(first, last)
        start = begin("time_change")
        scene.AnimationTime = t
        simple.Render(view)
        extra = {"t": t}
        seconds = time.perf_counter() - start
        if args.kind != "stock":
            reader.UpdatePropertyInformation()
            extra["frame"] = int(reader.GetPropertyValue("CurrentFrameInfo"))
        emit(event="end", phase="time_change", seconds=seconds, rss_kb=proc_status_kb("VmRSS"), index=i, **extra)

    # The reader's own share of a time change: UpdatePipeline(t) alone (reader + data information).
    timings = []
    for _ in range(min(5, args.changes)):
        t = rng.uniform(first, last)
        start = time.perf_counter()
        reader.UpdatePipeline(t)
        timings.append(time.perf_counter() - start)
    if timings:
        emit(event="end", phase="reader_update", seconds=statistics.median(timings), rss_kb=proc_status_kb("VmRSS"))

    # Steady state: enough random frames to fill the reader's block cache (CacheSizeMB per field,
    # 256 MB by default), then the RSS again. Reader updates only, no rendering.
    if args.fill_cache > 0:
        start = begin("fill_cache")
        for _ in range(args.fill_cache):
            reader.UpdatePipeline(rng.uniform(first, last))
        extra = {"updates": args.fill_cache, "rss_added_kb": proc_status_kb("VmRSS") - rss_before}
        if args.kind != "stock":
            reader.UpdatePropertyInformation()
            extra["cache_statistics"] = [int(v) for v in reader.GetPropertyValue("CacheStatisticsInfo")]
        end("fill_cache", start, **extra)

    emit(event="done", rss_added_kb=proc_status_kb("VmRSS") - rss_before, hwm_kb=proc_status_kb("VmHWM"),
         rss_before_kb=rss_before)
    progress.close()
    os._exit(0)  # skip ParaView's teardown (slow with millions of time steps)


# ---------------------------------------------------------------------------------------------
# Driver

def monitor(command, progress_path, log_path, cap, env=None):
    """Runs a worker that writes begin/end JSON lines to progress_path; kills it (its own process group)
    when one phase runs longer than cap seconds. Returns the phases, time changes and timeout."""
    if os.path.exists(progress_path):
        os.remove(progress_path)
    result = {"phases": {}, "time_changes": [], "timeout": None, "exit": None}
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        current, current_wall = None, None
        offset = 0
        while True:
            finished = process.poll() is not None
            if os.path.exists(progress_path):
                with open(progress_path) as handle:
                    handle.seek(offset)
                    chunk = handle.read()
                complete = chunk[:chunk.rfind("\n") + 1] if "\n" in chunk else ""  # whole lines only
                offset += len(complete)
                for line in complete.splitlines():
                    record = json.loads(line)
                    if record["event"] == "begin":
                        current, current_wall = record["phase"], record["wall"]
                    elif record["event"] == "end":
                        current = None
                        if record["phase"] == "time_change":
                            result["time_changes"].append(record)
                        else:
                            result["phases"][record["phase"]] = record
                    elif record["event"] == "done":
                        result["done"] = record
            if finished:
                break
            if current is not None and time.time() - current_wall > cap:
                os.killpg(process.pid, signal.SIGKILL)  # the worker's own process group
                process.wait()
                result["timeout"] = {"phase": current, "cap_s": cap}
                break
            time.sleep(0.1)
        result["exit"] = process.returncode
    return result


def drop_page_cache():
    subprocess.run(["sh", "-c", "sync; echo 3 > /proc/sys/vm/drop_caches"], check=False)


def run_worker(kind, label, path, run, args, work_dir):
    progress_path = os.path.join(work_dir, f"{label}-{kind}-run{run}.jsonl")
    log_path = progress_path[:-len(".jsonl")] + ".log"
    command = [args.pvpython, os.path.abspath(__file__), "--worker", "--kind", kind, "--path", path,
               "--changes", str(args.changes if kind != "stock" else args.stock_changes),
               "--seed", str(1000 + run), "--progress", progress_path, "--fill-cache", str(args.fill_cache)]
    retries = 0
    for _ in range(3):
        if args.drop_caches:
            drop_page_cache()
        # "unguarded": ours with the damage check switched off, to price the guarded first open.
        env = dict(os.environ, NEUROPLAYBACK_PROBE="off") if kind == "unguarded" else None
        result = monitor(command, progress_path, log_path, args.cap, env=env)
        # A worker that died before opening anything (e.g. a transient "bad X server connection")
        # measured nothing: run it again.
        if result["timeout"] or result["exit"] == 0 or "open" in result["phases"]:
            break
        retries += 1
    result.update({"kind": kind, "label": label, "path": path, "run": run, "retries": retries})
    return result


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    rank = max(1, int(-(-p * len(values) // 100)))  # nearest rank
    return values[min(len(values), rank) - 1]


def summarize(runs, cap):
    """Medians over runs of each phase; time-change percentiles pooled over all runs."""
    summary = {}
    for run in runs:
        key = (run["label"], run["kind"])
        summary.setdefault(key, []).append(run)
    table = {}
    for (label, kind), items in summary.items():
        def phase(name, field="seconds"):
            return median_or_none([r["phases"].get(name, {}).get(field) for r in items])

        timeouts = [r["timeout"] for r in items if r["timeout"]]
        changes = [c["seconds"] for r in items for c in r["time_changes"]]
        entry = {
            "runs": len(items),
            "open_s": phase("open"),
            "show_render_s": phase("show_render"),
            "open_to_first_frame_s": median_or_none(
                [r["phases"]["open"]["seconds"] + r["phases"]["show_render"]["seconds"]
                 if "open" in r["phases"] and "show_render" in r["phases"] else None for r in items]),
            "rss_added_first_frame_mb": (phase("show_render", "rss_added_kb") or 0) / 1024.0
            if phase("show_render", "rss_added_kb") is not None else None,
            "rss_added_end_mb": median_or_none([r["done"]["rss_added_kb"] / 1024.0 for r in items if "done" in r]),
            "rss_added_cache_full_mb": (phase("fill_cache", "rss_added_kb") / 1024.0
                                        if phase("fill_cache", "rss_added_kb") is not None else None),
            "hwm_mb": median_or_none([r["done"]["hwm_kb"] / 1024.0 for r in items if "done" in r]),
            "scene_s": phase("scene"),
            "render_only_s": phase("render_only"),
            "reader_update_s": phase("reader_update"),
            "time_change_median_s": statistics.median(changes) if changes else None,
            "time_change_p99_s": percentile(changes, 99),
            "time_changes": len(changes),
            "timeouts": timeouts,
            "registered_by_benchmark": any(r["phases"].get("open", {}).get("registered_by_benchmark") for r in items),
        }
        if timeouts:
            entry["timeout_phase"] = timeouts[0]["phase"]
            entry["cap_s"] = cap
        table[f"{label}/{kind}"] = entry
    return table


def fmt_seconds(value, entry, phase_names):
    if value is None:
        if entry.get("timeout_phase") in phase_names:
            return f"> {entry['cap_s']:.0f} s"
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 1.0 else f"{value:.2f} s"


def print_table(table, labels):
    print()
    header = ("session", "reader", "open", "show+render", "open->1st frame", "RSS added", "RSS cache full", "scene setup",
              "time change med", "p99", "render only", "UpdatePipeline(t)")
    rows = [header]
    for label in labels:
        for kind in ("ours", "unguarded", "stock"):
            e = table.get(f"{label}/{kind}")
            if not e:
                continue
            rows.append((label, kind,
                         fmt_seconds(e["open_s"], e, {"import", "open"}),
                         fmt_seconds(e["show_render_s"], e, {"import", "open", "show_render"}),
                         fmt_seconds(e["open_to_first_frame_s"], e, {"import", "open", "show_render"}),
                         f"{e['rss_added_first_frame_mb']:.0f} MB" if e["rss_added_first_frame_mb"] is not None else "n/a",
                         f"{e['rss_added_cache_full_mb']:.0f} MB" if e.get("rss_added_cache_full_mb") is not None else "n/a",
                         fmt_seconds(e["scene_s"], e, {"import", "open", "show_render", "scene"}),
                         fmt_seconds(e["time_change_median_s"], e,
                                     {"import", "open", "show_render", "scene", "time_change"}),
                         fmt_seconds(e["time_change_p99_s"], e,
                                     {"import", "open", "show_render", "scene", "time_change"}),
                         fmt_seconds(e["render_only_s"], e, {"import", "open", "show_render", "scene"}),
                         fmt_seconds(e["reader_update_s"], e,
                                     {"import", "open", "show_render", "scene", "time_change", "reader_update"})))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def driver(args):
    sessions = []
    for item in args.session:
        label, _, path = item.partition("=")
        if not path or not os.path.exists(path):
            sys.exit(f"bench_open.py: session {item!r} is not LABEL=PATH of an existing file")
        sessions.append((label, os.path.abspath(path)))
    work_dir = args.work_dir or os.path.join(os.path.dirname(os.path.abspath(args.out)), "open-runs")
    os.makedirs(work_dir, exist_ok=True)
    kinds = [k for k in ("ours", "unguarded", "stock") if k in args.readers.split(",")]
    runs = []
    stock_capped = set()
    for label, path in sessions:
        for run in range(args.runs):
            for kind in kinds:
                if kind == "stock" and label in stock_capped:
                    continue
                started = time.time()
                result = run_worker(kind, label, path, run, args, work_dir)
                runs.append(result)
                status = f"timeout in {result['timeout']['phase']}" if result["timeout"] else f"exit {result['exit']}"
                first = result["phases"].get("show_render")
                opened = result["phases"].get("open")
                print(f"[bench_open] {label:>6} {kind:5} run {run}: {status}, "
                      f"open {opened['seconds']:.3f} s" if opened else f"[bench_open] {label} {kind} run {run}: {status}",
                      (f", first frame +{first['seconds']:.3f} s, RSS +{first['rss_added_kb'] / 1024:.0f} MB" if first else ""),
                      f"({time.time() - started:.0f} s wall)", flush=True)
                if kind == "stock" and result["timeout"]:
                    stock_capped.add(label)
                with open(args.out, "w") as out:
                    json.dump({"runs": runs, "summary": summarize(runs, args.cap), "cap_s": args.cap}, out, indent=1)
    table = summarize(runs, args.cap)
    with open(args.out, "w") as out:
        json.dump({"runs": runs, "summary": table, "cap_s": args.cap,
                   "sessions": dict(sessions), "changes": args.changes, "stock_changes": args.stock_changes,
                   "drop_caches": args.drop_caches}, out, indent=1)
    print_table(table, [label for label, _ in sessions])
    print(f"[bench_open] results: {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=("ours", "unguarded", "stock"), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--progress", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--session", action="append", default=[], metavar="LABEL=PATH",
                        help="a session to measure (repeatable), e.g. 3.6M=/work/bench-data/np-3600k-50x50.nsp")
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs per session and reader (5)")
    parser.add_argument("--changes", type=int, default=20, help="time changes per run, ours (20)")
    parser.add_argument("--stock-changes", type=int, default=10, help="time changes per run, stock (10)")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds allowed per phase before a worker is killed")
    parser.add_argument("--fill-cache", type=int, default=600,
                        help="random reader updates after the time changes, to fill the block cache (600; 0 = skip)")
    parser.add_argument("--readers", default="ours,stock",
                        help="comma list: ours,stock,unguarded (ours without the damage check)")
    parser.add_argument("--drop-caches", action="store_true", help="drop the page cache before every run (root)")
    parser.add_argument("--pvpython", default=os.environ.get("PVPYTHON", "pvpython"))
    parser.add_argument("--out", default="/work/bench-data/results/open.json")
    parser.add_argument("--work-dir", help="per-run progress and logs (default: next to --out)")
    args = parser.parse_args()
    if args.worker:
        worker(args)
    else:
        if not args.session:
            parser.error("give at least one --session LABEL=PATH")
        driver(args)


if __name__ == "__main__":
    main()
