"""Markdown table of Benchmarks/run_playback.sh results: medians over runs per (session, mode, speed)."""
import collections
import glob
import json
import os
import statistics
import sys

groups = collections.defaultdict(list)
for path in glob.glob(os.path.join(sys.argv[1], "*.json")):
    label = os.path.basename(path).split("-")[0]
    result = json.load(open(path))
    mode = result["mode"] if result.get("extras", True) else "bare"
    groups[(label, result["speed"], mode)].append(result)

names = {"cue": "NeuroPlayback cue", "realtime": "ParaView Real Time", "snap": "ParaView Snap To TimeSteps",
         "bare": "NeuroPlayback cue, no video or charts"}
print("| session | speed | player | runs | displayed fps | skipped | lag p50 / p99 (ms) | achieved speed "
      "| CPU outside render per frame (ms) | cue CPU per frame (ms) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (label, speed, mode), runs in sorted(groups.items(), key=lambda item: (item[0][0], -item[0][1], item[0][2])):
    def med(key):
        return statistics.median(run[key] for run in runs)
    cue = statistics.median(run["cue"]["cue_cpu_ms_per_frame"] for run in runs) if mode in ("cue", "bare") else None
    print(f"| {label} | {speed:g}x | {names[mode]} | {len(runs)} | {med('display_fps'):.1f} | "
          f"{med('skipped_percent'):.1f} % | {med('lag_p50_ms'):.0f} / {med('lag_p99_ms'):.0f} | "
          f"{med('achieved_speed'):.3f} | {med('cpu_outside_render_ms_per_frame'):.1f} | "
          f"{'%.3f' % cue if cue is not None else '-'} |")
