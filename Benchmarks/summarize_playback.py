"""Markdown table of Benchmarks/run_playback.sh results: medians over runs per (session, mode, speed)."""
import collections
import glob
import json
import os
import statistics
import sys

groups = collections.defaultdict(list)
for path in glob.glob(os.path.join(sys.argv[1], "*.json")):
    # run_playback.sh names each result LABEL-MODE-SPEED-RUN.json.
    label, mode, _, _ = os.path.basename(path)[:-len(".json")].rsplit("-", 3)
    result = json.load(open(path))
    groups[(label, result["speed"], mode)].append(result)

names = {"cue": "NeuroPlayback cue (direct playback, overlay display, Neuro Field)",
         "surface": "NeuroPlayback cue, field as ParaView's Surface", "surfacebare": "Surface field, no video or charts", "realtime": "ParaView Real Time",
         "snap": "ParaView Snap To TimeSteps", "bare": "NeuroPlayback cue, no video or charts",
         "perframe": "NeuroPlayback cue, DirectPlayback off", "previous": "the build beside (NEUROPLAYBACK_PREVIOUS_BUILD)",
         "previousbare": "the build beside, no video or charts",
         "remote": "NeuroPlayback cue, the GUI connected to a pvserver on 127.0.0.1",
         "remotenovideo": "the GUI connected to a pvserver on 127.0.0.1, video hidden",
         "novideo": "NeuroPlayback cue, video hidden",
         "remoterender": "the GUI connected to a pvserver on 127.0.0.1, the arena rendered there",
         "videofilter": "NeuroPlayback cue, video in the Video filter's own display (the previous way)",
         "remotevideofilter": "the GUI connected to a pvserver on 127.0.0.1, video in the Video filter's display",
         "emptyarena": "floor: the cue, nothing shown (no field, overlays, text, legend, video or charts)"}
print("| session | speed | player | runs | displayed fps | skipped | lag p50 / p99 (ms) | achieved speed "
      "| CPU outside render per frame (ms) | cue CPU per frame (ms) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (label, speed, mode), runs in sorted(groups.items(), key=lambda item: (item[0][0], -item[0][1], item[0][2])):
    def med(key):
        return statistics.median(run[key] for run in runs)
    cue = statistics.median(run["cue"]["cue_cpu_ms_per_frame"] for run in runs) if "cue" in runs[0] else None
    print(f"| {label} | {speed:g}x | {names.get(mode, mode)} | {len(runs)} | {med('display_fps'):.1f} | "
          f"{med('skipped_percent'):.1f} % | {med('lag_p50_ms'):.0f} / {med('lag_p99_ms'):.0f} | "
          f"{med('achieved_speed'):.3f} | {med('cpu_outside_render_ms_per_frame'):.1f} | "
          f"{'%.3f' % cue if cue is not None else '-'} |")
