#!/usr/bin/env bash
# Runs one GUI test script inside `paraview --dr` and fails when the script reports a failure.
# pqPythonEventSource runs the script in the GUI; the script writes PASS/FAIL to a result file
# because the client's exit code does not reflect Python exceptions in every case.
set -u
paraview="$1"
script="$2"
out="${NEUROPLAYBACK_TEST_OUTPUT:-/tmp}"
mkdir -p "$out"
name=$(basename "$script" .py)
result="$out/$name.result"
rm -f "$result"
export NEUROPLAYBACK_GUI_RESULT="$result"
timeout 240 "$paraview" --dr --test-directory="$out" --test-script="$script" --exit
code=$?
if [ ! -f "$result" ]; then
  echo "GUI test $name wrote no result (paraview exit code $code)" >&2
  exit 1
fi
cat "$result"
grep -q '^PASS' "$result"
