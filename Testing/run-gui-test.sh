#!/usr/bin/env bash
# Runs one GUI test: the real `paraview --dr` client plays a QtTesting XML event script (File > Open,
# Apply, VCR buttons) and compares the final view with a baseline image.
# Usage: run-gui-test.sh PARAVIEW SCRIPT.xml BASELINE.png
set -u
paraview="$1"
script="$2"
baseline="$3"
out="${NEUROPLAYBACK_TEST_OUTPUT:-/tmp}/gui"
mkdir -p "$out"
/usr/bin/python3 "$NEUROPLAYBACK_SOURCE_DIR/Testing/Python/make_gui_session.py" "$out/gui-session.nsp" || exit 1
if [ ! -f "$baseline" ]; then
  echo "Missing baseline $baseline: the test writes its image to $out; look at it and copy it there." >&2
fi
timeout 240 "$paraview" --dr --test-directory="$out" --test-script="$script" \
  --test-baseline="$baseline" --test-threshold=15 --exit
code=$?
echo "paraview exit code $code"
exit $code
