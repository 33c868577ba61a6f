#!/usr/bin/env bash
# Runs a command on the current X display, or under a private Xvfb when there is none:
# Debian's ParaView is GLX-only and crashes without a display.
# -noreset: by default Xvfb resets itself whenever its last client disconnects, and a client that
# connects during that reset is dropped. ParaView opens and closes a display connection while it
# probes OpenGL, then opens another, so under load the second one can land in the reset and abort
# with "bad X server connection" (seen on a clean 2-core CI run while test_mutations kept the CPUs busy).
if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then
  exec "$@"
fi
exec xvfb-run -a -s "-noreset -screen 0 1280x1024x24" "$@"
