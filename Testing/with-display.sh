#!/usr/bin/env bash
# Runs a command on the current X display, or under a private Xvfb when there is none
# (scripts/with-xvfb.sh): Debian's ParaView is GLX-only and crashes without a display.
if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then
  exec "$@"
fi
exec "$(dirname "${BASH_SOURCE[0]}")/../scripts/with-xvfb.sh" "$@"
