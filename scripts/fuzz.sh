#!/usr/bin/env bash
# Fuzzes opening a session (Testing/Fuzz/FuzzSessionOpen.cpp) with libFuzzer for SECONDS (default one
# hour) on every core, then sorts what it found: crashes inside the HDF5 library (guarded in ParaView by
# the damage check process, see README "Damaged files") versus crashes in our code (bugs to fix).
#   scripts/fuzz.sh [SECONDS]        (NEUROPLAYBACK_FUZZ_JOBS=N: N workers, default every core)
# Builds with clang in build-fuzz (installs clang when missing); the corpus is kept between runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-3600}"
jobs="${NEUROPLAYBACK_FUZZ_JOBS:-$(nproc)}"
build="${NEUROPLAYBACK_BUILD_DIR:-$root/build}-fuzz"

bash "$root/scripts/install-deps.sh"
if ! command -v clang++ >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q --no-install-recommends clang
fi
echo "==> clang build with libFuzzer + ASan in $build"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNEUROPLAYBACK_BUILD_PLUGIN=OFF \
  -DNEUROPLAYBACK_FUZZ=ON -DBUILD_TESTING=OFF >"$build.configure.log" 2>&1 || {
  cat "$build.configure.log" >&2; echo "ERROR: CMake configure failed" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)" --target neuroplayback_fuzz_session_open neuroplayback-generate

seeds="$build/fuzz-seeds"; corpus="$build/fuzz-corpus"; artifacts="$build/fuzz-artifacts"
mkdir -p "$seeds" "$corpus" "$artifacts"
# Small sessions of every layout, compressed and not: every group, attribute and overlay kind the
# reader knows, in under 100 KB each.
for layout in grid hexagonal mesh track; do
  for level in 0 1; do
    size=(--grid 6 6); [ "$layout" = grid ] || size=(--bin-size 20)
    "$build/bin/neuroplayback-generate" --output "$seeds/$layout-$level.nsp" --force --quiet --layout "$layout" \
      "${size[@]}" --frames 8 --rate 10 --units 3 --no-video --compression "$level"
  done
done

echo "==> Fuzzing for $seconds s on $jobs workers"
cd "$artifacts"
ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
LSAN_OPTIONS="suppressions=$root/Testing/lsan-suppressions.txt" \
  "$build/bin/neuroplayback_fuzz_session_open" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 \
  -ignore_ooms=1 -timeout=10 -rss_limit_mb=4096 -max_len=100000 -max_total_time="$seconds" \
  -artifact_prefix="$artifacts/" "$corpus" "$seeds" 2>&1 | tee "$build/fuzz.log" | grep -E "^#[0-9]+.*(DONE|pulse|NEW)" | tail -5 || true

echo "==> Triage: where each artifact stops (first frame outside the sanitizer runtime)"
python3 "$root/Testing/Fuzz/triage.py" "$build/bin/neuroplayback_fuzz_session_open" "$artifacts" "${NEUROPLAYBACK_TRIAGE_TIMEOUTS:-40}" | tee "$build/fuzz-triage.txt"
