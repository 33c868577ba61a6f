#!/usr/bin/env bash
# Installs what is missing, then configures and builds NeuroPlayback (Release, warnings on) in ./build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NEUROPLAYBACK_BUILD_DIR:-$root/build}"

step() { echo; echo "==> $*"; }

step "Installing missing Debian packages"
bash "$root/scripts/install-deps.sh"

step "Configuring in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$build.configure.log" 2>&1 || {
  cat "$build.configure.log" >&2; echo "ERROR: CMake configure failed (log above: $build.configure.log)" >&2; exit 1; }

step "Building ($(nproc) jobs)"
cmake --build "$build" -j"$(nproc)" || { echo "ERROR: build failed (see the compiler output above)" >&2; exit 1; }

plugin="$build/lib/paraview-5.11/plugins/NeuroPlayback/NeuroPlayback.so"
[ -f "$plugin" ] || { echo "ERROR: the plugin was not built: $plugin is missing" >&2; exit 1; }
echo "Built plugin: $plugin"
