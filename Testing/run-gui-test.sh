#!/usr/bin/env bash
# Runs one GUI test: the real `paraview --dr` client plays a QtTesting XML event script (File > Open,
# Apply, VCR and NeuroPlayback toolbar buttons). The final view is compared with BASELINE.png when it
# exists; a check script beside the XML (NAME.check.py) then judges the playback log the cue wrote.
# Usage: run-gui-test.sh PARAVIEW SCRIPT.xml BASELINE.png
set -u
paraview="$1"
script="$2"
baseline="$3"
name="$(basename "$script" .xml)"
# A folder per test: ctest runs GUI tests in parallel and each writes its sessions.
out="${NEUROPLAYBACK_TEST_OUTPUT:-/tmp}/gui/$name"
mkdir -p "$out"
/usr/bin/python3 "$NEUROPLAYBACK_SOURCE_DIR/Testing/Python/make_gui_session.py" "$out/gui-session.nsp" || exit 1
export NEUROPLAYBACK_PLAYBACK_LOG="$out/$name.playback.jsonl"
# NAME.env beside the XML sets what a test needs of the environment (e.g. how long a looping play lasts).
if [ -f "${script%.xml}.env" ]; then
  . "${script%.xml}.env"
fi
rm -f "$NEUROPLAYBACK_PLAYBACK_LOG"
image_args=()
if [ -f "$baseline" ]; then
  image_args=(--test-baseline="$baseline" --test-threshold=15)
fi
# NEUROPLAYBACK_GUI_TEST_SERVER=1 (from NAME.env): the GUI connects to a pvserver started here on a free
# port of 127.0.0.1, with the plugin loaded on both sides, as a user reaching a lab server would.
server_args=()
if [ -n "${NEUROPLAYBACK_GUI_TEST_SERVER:-}" ]; then
  source "$(dirname "$0")/../scripts/pvserver.sh"
  start_pvserver "$out/pvserver.log" timeout 300 "$(dirname "$paraview")/pvserver" || exit 1
  server_args=(--server-url="cs://127.0.0.1:$pvserver_port")
fi
# NEUROPLAYBACK_GUI_TEST_STATE=SESSION (from NAME.env): the GUI starts from a state file saved by pvpython
# with that session (of $out) shown, as a user reopening saved work would (paraview --state).
state_args=()
if [ -n "${NEUROPLAYBACK_GUI_TEST_STATE:-}" ]; then
  "$(dirname "$paraview")/pvpython" --force-offscreen-rendering "$NEUROPLAYBACK_SOURCE_DIR/Testing/Python/make_gui_state.py" \
    "$out/$NEUROPLAYBACK_GUI_TEST_STATE" "$out/saved.pvsm" || exit 1
  state_args=(--state="$out/saved.pvsm")
  # NEUROPLAYBACK_GUI_TEST_STATE_LOAD=python: loaded by paraview.simple.LoadState in the GUI's Python
  # instead, as a user's script in the Python shell would.
  if [ "${NEUROPLAYBACK_GUI_TEST_STATE_LOAD:-}" = python ]; then
    printf 'from paraview.simple import LoadState\nLoadState(%s)\n' "'$out/saved.pvsm'" > "$out/load-state.py"
    state_args=(--script="$out/load-state.py")
  fi
fi
timeout 240 "$paraview" --dr "${server_args[@]}" "${state_args[@]}" --test-directory="$out" --test-script="$script" "${image_args[@]}" --exit
code=$?
echo "paraview exit code $code"
if [ -n "${NEUROPLAYBACK_GUI_TEST_SERVER:-}" ]; then
  stop_pvserver
fi
check="${script%.xml}.check.py"
if [ "$code" -eq 0 ] && [ -f "$check" ]; then
  /usr/bin/python3 "$check" "$NEUROPLAYBACK_PLAYBACK_LOG"
  code=$?
fi
exit $code
