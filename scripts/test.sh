#!/usr/bin/env bash
# Same set-up as run.sh, then every test through ctest: unit (GoogleTest), pvpython and GUI tests;
# then the core, tools and unit tests again under ASan+UBSan and under TSan (scripts/sanitize.sh;
# only when no ctest arguments are given; NEUROPLAYBACK_SKIP_SANITIZERS=1 skips them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NEUROPLAYBACK_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
echo; echo "==> Running every test (ctest, under Xvfb when there is no display)"
cd "$build"
# One retry for a test that fails once; a test that fails twice is a real failure. (The Xvfb that
# with-display.sh starts runs with -noreset: without it ParaView's display connection was dropped
# under load, "bad X server connection", and the retry could fail the same way.)
"$root/Testing/with-display.sh" ctest --output-on-failure -j"$(nproc)" --repeat until-pass:2 "$@"

if [ $# -eq 0 ] && [ "${NEUROPLAYBACK_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo; echo "==> Sanitizer builds (scripts/sanitize.sh)"
  bash "$root/scripts/sanitize.sh"
fi
