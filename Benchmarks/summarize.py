#!/usr/bin/env python3
"""Prints the summary table of a benchmark run (run_all.sh calls it) and checks the targets.

    python3 Benchmarks/summarize.py /work/bench-data/results/latest [--markdown]

Reads, from that folder: machine.json, core.json (Google Benchmark JSON), open.json (bench_open.py)
and gui.json (bench_gui_time_change.py); any of them may be missing.
"""
import argparse
import json
import os

TARGETS = {
    "open_s": 1.0,            # open-to-first-frame
    "rss_mb": 300.0,          # RSS added, flat in frame count
    "gui_time_change_s": 0.030,
    "warm_seek_p99_s": 0.002,
    "estimate_range_s": 0.5,
}


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def verdict(value, target):
    if value is None:
        return "n/a"
    return "meets" if value <= target else "MISSES"


def core_rows(core):
    """Median aggregates of the Google Benchmark run, keyed by benchmark family name."""
    medians = {}
    for bench in core.get("benchmarks", []):
        if bench.get("run_type") == "aggregate" and bench.get("aggregate_name") == "median":
            name = bench["run_name"] if "run_name" in bench else bench["name"].rsplit("_median", 1)[0]
            family = name.split("/iterations")[0]
            medians[family] = bench
    return medians


def table(rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def open_table(opened, title, markdown):
    out = []
    summary = opened["summary"]
    labels = []
    for key in summary:
        label = key.rsplit("/", 1)[0]
        if label not in labels:
            labels.append(label)
    out.append(f"{title} (fresh process per run; medians of the runs; time-change percentiles pooled)")
    rows = [("session", "reader", "runs", "open", "first frame", "open->1st frame", "RSS added",
             "RSS cache full", "scene setup", "time change med", "p99", "render only")]

    def cell(e, value, phases, fmt=fmt_time):
        if value is None:
            if e.get("timeouts") and e.get("timeout_phase") in phases:
                return f"> {e['cap_s']:.0f} s (cap)"
            return "n/a"
        return fmt(value)

    for label in labels:
        for kind in ("ours", "stock"):
            e = summary.get(f"{label}/{kind}")
            if not e:
                continue
            early = {"import", "open"}
            rows.append((label, kind, str(e["runs"]),
                         cell(e, e["open_s"], early),
                         cell(e, e["show_render_s"], early | {"show_render"}),
                         cell(e, e["open_to_first_frame_s"], early | {"show_render"}),
                         cell(e, e["rss_added_first_frame_mb"], early | {"show_render"}, lambda v: f"{v:.0f} MB"),
                         cell(e, e.get("rss_added_cache_full_mb"),
                              early | {"show_render", "scene", "time_change", "reader_update", "fill_cache"},
                              lambda v: f"{v:.0f} MB"),
                         cell(e, e["scene_s"], early | {"show_render", "scene"}),
                         cell(e, e["time_change_median_s"], early | {"show_render", "scene", "time_change"}),
                         cell(e, e["time_change_p99_s"], early | {"show_render", "scene", "time_change"}),
                         cell(e, e["render_only_s"], early | {"show_render", "scene"})))
    out.append(table(rows, markdown))
    ours = [e for k, e in summary.items() if k.endswith("/ours")]
    worst_open = max((e["open_to_first_frame_s"] or 0 for e in ours), default=None)
    worst_rss = max((e["rss_added_first_frame_mb"] or 0 for e in ours), default=None)
    full = [e["rss_added_cache_full_mb"] for e in ours if e.get("rss_added_cache_full_mb") is not None]
    worst_full = max(full) if full else None
    if ours:
        out.append(f"targets (ours): open->first frame <= 1 s: {verdict(worst_open, TARGETS['open_s'])} "
                   f"(worst {fmt_time(worst_open)}); RSS added <= 300 MB: "
                   f"{verdict(worst_rss, TARGETS['rss_mb'])} (worst {worst_rss:.0f} MB at the first frame"
                   + (f"; {worst_full:.0f} MB with the block cache full: "
                      f"{verdict(worst_full, TARGETS['rss_mb'])}" if worst_full is not None else "") + ")")
    out.append("")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    machine = load(args.folder, "machine.json")
    core = load(args.folder, "core.json")
    opened = load(args.folder, "open.json")
    out = []

    if machine:
        out.append("Machine: " + ", ".join(f"{k}: {v}" for k, v in machine.items()))
        out.append("")

    if core:
        m = core_rows(core)
        label = next((b.get("label", "") for b in m.values() if b.get("label")), "")
        out.append(f"Core (neuroplayback_core_benchmarks; medians of 5 repetitions; {label.split(',')[0]})")
        rows = [("measure", "median", "p50", "p99", "notes")]

        def add(name, family, unit_note="", counters=("p50_s", "p99_s")):
            b = m.get(family)
            if not b:
                rows.append((name, "n/a", "", "", "not run / skipped"))
                return
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
            value = b["real_time"] * scale
            rows.append((name, fmt_time(value),
                         fmt_time(b.get(counters[0])) if counters and counters[0] in b else "",
                         fmt_time(b.get(counters[1])) if counters and counters[1] in b else "", unit_note))

        add("Session::Open, page cache warm", "BM_Open/warm")
        add("Session::Open, page cache dropped", "BM_Open/cold")
        warm = m.get("BM_SeekWarm")
        add("seek, warm (block cached)", "BM_SeekWarm",
            f"target p99 <= 2 ms: {verdict(warm.get('p99_s') if warm else None, TARGETS['warm_seek_p99_s'])}")
        add("seek, cold (fresh Session, page cache warm)", "BM_SeekCold/fresh_session")
        add("seek, cold (fresh Session, page cache dropped)", "BM_SeekCold/cold")
        for family, name in (("BM_SequentialFieldStream/warm", "sequential FieldStream, page cache warm"),
                             ("BM_SequentialRawRead/warm", "sequential raw read(), page cache warm"),
                             ("BM_SequentialFieldStream/cold", "sequential FieldStream, page cache dropped"),
                             ("BM_SequentialRawRead/cold", "sequential raw read(), page cache dropped")):
            b = m.get(family)
            rows.append((name, f"{b['MB_per_s']:.0f} MB/s" if b else "n/a", "", "", "512 MiB window"))
        add("FrameAt, random t", "BM_FrameAt/random")
        add("FrameAt, random t, fresh Session", "BM_FrameAt/fresh_session")
        add("FrameAt, playback (t += 1/rate)", "BM_FrameAt/playback")
        estimate = m.get("BM_EstimateRange/warm")
        add("EstimateRange (200 frames), page cache warm", "BM_EstimateRange/warm",
            f"target <= 0.5 s: {verdict(estimate['real_time'] / 1000 if estimate else None, TARGETS['estimate_range_s'])}")
        add("EstimateRange (200 frames), page cache dropped", "BM_EstimateRange/cold")
        out.append(table(rows, args.markdown))
        out.append("")

    compressed = load(args.folder, "core-compressed.json")
    if compressed:
        m = core_rows(compressed)
        label = next((b.get("label", "") for b in m.values() if b.get("label")), "")
        out.append(f"Core on a gzip-compressed session ({label.split(',')[0]}; medians of 5 repetitions)")
        rows = [("measure", "median", "p50", "p99")]
        for family, name in (("BM_Open/warm", "Session::Open, page cache warm"),
                             ("BM_SeekWarm", "seek, warm (block cached)"),
                             ("BM_SeekCold/fresh_session", "seek, fresh Session, page cache warm"),
                             ("BM_SeekCold/cold", "seek, fresh Session, page cache dropped"),
                             ("BM_EstimateRange/warm", "EstimateRange, page cache warm"),
                             ("BM_EstimateRange/cold", "EstimateRange, page cache dropped")):
            b = m.get(family)
            if not b:
                continue
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
            rows.append((name, fmt_time(b["real_time"] * scale), fmt_time(b.get("p50_s")), fmt_time(b.get("p99_s"))))
        for family, name in (("BM_SequentialFieldStream/warm", "sequential FieldStream, page cache warm"),
                             ("BM_SequentialFieldStream/cold", "sequential FieldStream, page cache dropped")):
            b = m.get(family)
            if b:
                rows.append((name, f"{b['MB_per_s']:.0f} MB/s (decompressed)", "", ""))
        out.append(table(rows, args.markdown))
        out.append("")

    for name, title in (("open.json", "pvpython, page cache warm"),
                        ("open-cold.json", "pvpython, page cache dropped before every run")):
        opened = load(args.folder, name)
        if opened:
            out.extend(open_table(opened, title, args.markdown))

    for name in ("gui.json", "gui-repeat.json"):
        gui = load(args.folder, name)
        if gui:
            out.extend(gui_tables(gui, name, args.markdown))
    print("\n".join(out))


def gui_tables(gui, name, markdown):
    out = []
    out.append(f"GUI, {name} (paraview --dr under Xvfb; AnimationTime = t; Render(); Qt events processed)")
    rows = [("case", "runs", "changes", "open", "first frame", "scene setup", "time change med", "p99",
             "python part med", "target <= 30 ms")]
    for key, e in gui["summary"].items():
        def g(value, phases):
            if value is None:
                t = e.get("timeout")
                if t and t["phase"] in phases:
                    return f"> {e['cap_s']:.0f} s (cap)"
                return "n/a"
            return fmt_time(value)
        rows.append((key, str(e["runs"]), str(e["time_changes"]),
                     g(e["open_s"], {"open"}), g(e["show_render_s"], {"open", "show_render"}),
                     g(e["scene_s"], {"open", "show_render", "scene"}),
                     g(e["time_change_median_s"], {"open", "show_render", "scene", "time_change"}),
                     g(e["time_change_p99_s"], {"open", "show_render", "scene", "time_change"}),
                     g(e["python_part_median_s"], {"open", "show_render", "scene", "time_change"}),
                     verdict(e["time_change_median_s"], TARGETS["gui_time_change_s"])
                     if e["time_change_median_s"] is not None else "n/a"))
    out.append(table(rows, markdown))
    out.append("")
    rows = [("case", "reader UpdatePipeline(t)", "AnimationTime = t", "Render()", "Qt events", "render only")]
    for key, e in gui["summary"].items():
        b = e.get("breakdown")
        if b:
            rows.append((key, fmt_time(b["reader_update_s"]), fmt_time(b["set_time_s"]), fmt_time(b["render_s"]),
                         fmt_time(b["events_s"]), fmt_time(e.get("render_only_s"))))
    if len(rows) > 1:
        out.append("GUI time change, step by step (medians; reader brought to t first)")
        out.append(table(rows, markdown))
        out.append("")
    return out


if __name__ == "__main__":
    main()
