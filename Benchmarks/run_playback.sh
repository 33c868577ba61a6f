#!/usr/bin/env bash
# GUI playback benchmark: the NeuroPlayback cue against ParaView's Snap To TimeSteps and Real Time, same
# sessions, 1x and 0.25x, each play capped at 10 s of wall time. Results: one JSON per run in $OUT,
# summarised by summarize_playback.py.
# Usage: [SPEEDS="1"] Benchmarks/run_playback.sh OUT_DIR RUNS SESSION_LABEL=PATH[:modes] ...
# Modes: cue, realtime, snap, bare (the cue without the session's video and time-series charts),
# perframe (the cue with DirectPlayback off: a full ParaView time update per frame), surface /
# surfacebare (cue / bare with the field in ParaView's Surface display instead of Neuro Field),
# charts4 / chartspause (the cue with the charts redrawn at most 4 times a second / only on pause),
# novideo (the cue with the video hidden), emptyarena (the floor: nothing shown) and previous /
# previousbare (the previous design, built from another checkout: NEUROPLAYBACK_PREVIOUS_SOURCE is its
# source tree, NEUROPLAYBACK_PREVIOUS_BUILD its build tree; its own bench script and plugin are used) and
# remote / remotenovideo / remoterender (the cue with the GUI connected to a pvserver started on a free
# port of 127.0.0.1; the second with the video hidden, the third with the arena rendered on the server),
# remoteprevious (remote, with the previous design's plugin on both sides and its bench script),
# videofilter / remotevideofilter (the cue, built-in or remote, with the video drawn by the Video filter's
# own display instead of the overlay display: NEUROPLAYBACK_VIDEO_DISPLAY=filter), hexcells / remotehexcells
# (the cue, built-in or remote, with a hexagonal layout's bins drawn as their own cells instead of one quad:
# NEUROPLAYBACK_FIELD_HEXAGONS=cells).
set -u
out="$1"; runs="$2"; shift 2
mkdir -p "$out"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../scripts/pvserver.sh"
for case in "$@"; do
  label="${case%%=*}"; rest="${case#*=}"; path="${rest%%:*}"; modes="cue realtime snap"
  [[ "$rest" == *:* ]] && modes="${rest#*:}" && modes="${modes//,/ }"
  # Runs outermost: the players being compared alternate, so drift in the machine's load hits them alike.
  for run in $(seq 1 "$runs"); do
    for speed in ${SPEEDS:-1 0.25}; do
      for mode in $modes; do
      player=$mode extras=on direct=1 field="" chartrate="" script="$here/bench_gui_playback.py" plugins="${PV_PLUGIN_PATH:-}"
      [[ "$mode" == bare ]] && player=cue extras=off
      [[ "$mode" == perframe ]] && player=cue direct=0
      [[ "$mode" == surface ]] && player=cue field=Surface
      [[ "$mode" == charts4 ]] && player=cue chartrate=4
      [[ "$mode" == chartspause ]] && player=cue chartrate=pause
      [[ "$mode" == surfacebare ]] && player=cue extras=off field=Surface
      hide="" remoterender=0 videodisplay="" hexagons=""
      [[ "$mode" == hexcells || "$mode" == remotehexcells ]] && player=cue hexagons=cells
      # The video through the Video filter's own display, as before the overlay display drew it (§32).
      [[ "$mode" == videofilter || "$mode" == remotevideofilter ]] && player=cue videodisplay=filter
      if [[ "$mode" == previous* || "$mode" == remoteprevious ]]; then
        player=cue script="$NEUROPLAYBACK_PREVIOUS_SOURCE/Benchmarks/bench_gui_playback.py"
        plugins="$NEUROPLAYBACK_PREVIOUS_BUILD/lib/paraview-5.11/plugins/NeuroPlayback"
        [[ "$mode" == previousbare ]] && extras=off
      fi
      server=()
      if [[ "$mode" == remote* ]]; then
        player=cue
        [[ "$mode" == remotenovideo ]] && hide=video
        [[ "$mode" == remoterender ]] && remoterender=1
        start_pvserver "$out/$label-$mode-$speed-$run.server.log" env PV_PLUGIN_PATH="$plugins" \
          NEUROPLAYBACK_FIELD_HEXAGONS="$hexagons" timeout 420 \
          "$here/../scripts/with-xvfb.sh" pvserver
        server=(--server-url="cs://127.0.0.1:$pvserver_port")
      fi
      # The floor: the cue playing an arena with nothing shown (no field, overlays, legend, text, video
      # or charts): what one tick of ParaView's GUI costs here whatever is drawn.
      [[ "$mode" == emptyarena ]] && player=cue extras=off hide=scalarbar,annotation,overlays,video,field
      [[ "$mode" == novideo ]] && player=cue hide=video
        PV_PLUGIN_PATH="$plugins" NEUROPLAYBACK_FIELD_HEXAGONS="$hexagons" NEUROPLAYBACK_VIDEO_DISPLAY="$videodisplay" NEUROPLAYBACK_FIELD_REPRESENTATION="$field" NEUROPLAYBACK_GUI_BENCH_CHART_RATE="$chartrate" NEUROPLAYBACK_GUI_BENCH_HIDE="$hide" NEUROPLAYBACK_GUI_BENCH_REMOTE_RENDER=$remoterender NEUROPLAYBACK_GUI_BENCH_DIRECT=$direct NEUROPLAYBACK_GUI_BENCH_EXTRAS=$extras NEUROPLAYBACK_GUI_BENCH_OUT="$out/$label-$mode-$speed-$run.json" NEUROPLAYBACK_GUI_BENCH_SESSION="$path" \
        NEUROPLAYBACK_GUI_BENCH_MODE=$player NEUROPLAYBACK_GUI_BENCH_SPEED=$speed NEUROPLAYBACK_GUI_BENCH_SECONDS=10 \
        NEUROPLAYBACK_GUI_BENCH_DIR="$(dirname "$script")" \
          timeout 400 "$(dirname "$0")/../scripts/with-xvfb.sh" paraview --dr "${server[@]}" --script="$script" \
          >"$out/$label-$mode-$speed-$run.log" 2>&1
        stop_pvserver
        echo "$label $mode ${speed}x run $run: $(test -f "$out/$label-$mode-$speed-$run.json" && echo ok || echo FAILED)"
      done
    done
  done
done
