#!/usr/bin/env bash
# Sanitizer runs: the core, the tools and the unit tests built with AddressSanitizer +
# UndefinedBehaviorSanitizer, then with ThreadSanitizer (the field read-ahead and the video decoder
# threads), each in its own build folder, each running every test it has through ctest. ParaView is not
# instrumented, so the plugin is not part of these builds (its tests run in scripts/test.sh).
#   scripts/sanitize.sh            both
#   scripts/sanitize.sh address    one of: address, thread
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)

bash "$root/scripts/install-deps.sh"
for kind in "${kinds[@]}"; do
  build="${NEUROPLAYBACK_BUILD_DIR:-$root/build}-sanitize-$kind"
  echo; echo "==> $kind sanitizer build in $build"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNEUROPLAYBACK_BUILD_PLUGIN=OFF \
    -DNEUROPLAYBACK_SANITIZE="$kind" >"$build.configure.log" 2>&1 || {
    cat "$build.configure.log" >&2; echo "ERROR: CMake configure failed" >&2; exit 1; }
  cmake --build "$build" -j"$(nproc)"
  echo; echo "==> Running the tests under the $kind sanitizer"
  exclude=()
  # The probe tests crash a child process on purpose; TSan's crash handler takes over a minute to
  # report a fault inside HDF5, and they start no threads of ours.
  [ "$kind" = thread ] && exclude=(-E "SessionProbe")
  # Leaks are checked; the OpenMPI and HDF5 libraries' own one-time allocations are suppressed.
  (cd "$build" && \
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    LSAN_OPTIONS="suppressions=$root/Testing/lsan-suppressions.txt:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/Testing/tsan-suppressions.txt" \
    ctest --output-on-failure -j"$(nproc)" ${exclude[@]+"${exclude[@]}"})
done
