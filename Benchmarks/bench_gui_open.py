"""File > Open in the real ParaView GUI, from the click to the styled session: how long the whole GUI
process takes to start, open a session (Apply), show it styled with its charts and video, step one frame
and exit, beside the same process that only starts and exits (the difference is the open). Plugin builds
given side by side run interleaved, so the machine's load hits them alike.

    python3 Benchmarks/bench_gui_open.py --runs 7 --session Data/sample.nsp \
        --plugin new=build/lib/paraview-5.11/plugins/NeuroPlayback \
        --plugin previous=../base-build/lib/paraview-5.11/plugins/NeuroPlayback [--out results.json]

Each --plugin may carry its Python package as LABEL=PLUGIN_DIR:PYTHON_DIR (NEUROPLAYBACK_PYTHON_DIR).
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WITH_XVFB = os.path.join(HERE, "..", "scripts", "with-xvfb.sh")

OPEN = """<?xml version="1.0" ?>
<pqevents>
  <pqevent object="pqClientMainWindow/MainControlsToolbar/actionOpenData" command="activate" arguments="" />
  <pqevent object="pqClientMainWindow/FileOpenDialog" command="filesSelected" arguments="{session}" />
  <pqevent object="pqClientMainWindow/propertiesDock/propertiesPanel/Accept" command="activate" arguments="" />
  <pqevent object="pqClientMainWindow/VCRToolbar/actionVCRNextFrame" command="activate" arguments="" />
</pqevents>
"""
NOTHING = """<?xml version="1.0" ?>
<pqevents>
  <pqevent object="pqClientMainWindow/VCRToolbar/actionVCRNextFrame" command="activate" arguments="" />
</pqevents>
"""


def run(script, plugin, python_dir):
    env = dict(os.environ, PV_PLUGIN_PATH=plugin)
    if python_dir:
        env["NEUROPLAYBACK_PYTHON_DIR"] = python_dir
    started = time.perf_counter()
    done = subprocess.run([WITH_XVFB, "paraview", "--dr", f"--test-script={script}", "--exit"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"paraview failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--session", default=os.path.join(HERE, "..", "Data", "sample.nsp"))
    parser.add_argument("--plugin", action="append", required=True, help="LABEL=PLUGIN_DIR[:PYTHON_DIR]")
    parser.add_argument("--out")
    args = parser.parse_args()
    plugins = []
    for item in args.plugin:
        label, rest = item.split("=", 1)
        folder, _, python_dir = rest.partition(":")
        plugins.append((label, os.path.abspath(folder), os.path.abspath(python_dir) if python_dir else ""))
    with tempfile.TemporaryDirectory() as work:
        open_xml, nothing_xml = os.path.join(work, "open.xml"), os.path.join(work, "nothing.xml")
        with open(open_xml, "w") as handle:
            handle.write(OPEN.format(session=os.path.abspath(args.session)))
        with open(nothing_xml, "w") as handle:
            handle.write(NOTHING)
        times = {label: {"open": [], "start_only": []} for label, _, _ in plugins}
        for index in range(args.runs):
            for label, folder, python_dir in plugins:  # interleaved
                times[label]["start_only"].append(run(nothing_xml, folder, python_dir))
                times[label]["open"].append(run(open_xml, folder, python_dir))
            print(f"run {index + 1}: " + ", ".join(f"{label} open {times[label]['open'][-1]:.2f} s, start only "
                                                   f"{times[label]['start_only'][-1]:.2f} s" for label, _, _ in plugins),
                  flush=True)
    summary = {}
    for label, _, _ in plugins:
        t = times[label]
        summary[label] = {"open_median_s": statistics.median(t["open"]),
                          "start_only_median_s": statistics.median(t["start_only"]),
                          "open_minus_start_s": statistics.median(t["open"]) - statistics.median(t["start_only"]),
                          "runs": t}
        print(f"{label}: whole process {summary[label]['open_median_s']:.2f} s median, start and exit only "
              f"{summary[label]['start_only_median_s']:.2f} s, the open {summary[label]['open_minus_start_s']:.2f} s")
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(summary, handle, indent=1)


if __name__ == "__main__":
    main()
