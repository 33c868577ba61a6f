#!/usr/bin/env bash
# Main job: set up, build, then open the bundled sample session. With a display this opens the
# ParaView GUI; without one it renders the sample under Xvfb to PNGs you can look at.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NEUROPLAYBACK_BUILD_DIR:-$root/build}"
session="${1:-$root/Data/sample.nsp}"

bash "$root/scripts/setup.sh"
export PV_PLUGIN_PATH="$build/lib/paraview-5.11/plugins/NeuroPlayback"
export PYTHONPATH="$root/Python${PYTHONPATH:+:$PYTHONPATH}"

if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1 && [ -z "${CI:-}" ]; then
  echo; echo "==> Opening $session in ParaView (plugin from $PV_PLUGIN_PATH)"
  exec paraview "$session"
fi

out="$build/sample-renders"
echo; echo "==> No display: rendering $session under Xvfb to $out"
mkdir -p "$out"
"$root/Testing/with-display.sh" pvpython --force-offscreen-rendering "$root/scripts/render_session.py" "$session" "$out"
echo "Open the PNGs in $out to see the session."
