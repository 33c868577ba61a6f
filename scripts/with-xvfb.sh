#!/usr/bin/env bash
# Runs a command under a private Xvfb (a free display number, 1280x1024 at 24 bits), whatever display
# the caller has: benchmarks measure on the same screen everywhere, and tests use it when there is no
# display (Testing/with-display.sh). The one place the Xvfb flags are written.
# -noreset: by default Xvfb resets itself whenever its last client disconnects, and a client that
# connects during that reset is dropped. ParaView opens and closes a display connection while it
# probes OpenGL, then opens another, so under load the second one can land in the reset and abort
# with "bad X server connection" (seen on a clean 2-core CI run while test_mutations kept the CPUs busy).
exec xvfb-run -a -s "-noreset -screen 0 1280x1024x24" "$@"
