#!/usr/bin/env bash
# Runs every NeuroPlayback benchmark and prints a summary table (figures: docs/benchmarks.md).
#
#   Benchmarks/run_all.sh                 # everything (about 45 min on 2 cores, ~55 GB of sessions)
#   Benchmarks/run_all.sh core open       # only some parts: core compressed open cold gui
#
# Sessions are generated under $BENCH_DATA (default /work/bench-data), never inside the repository,
# and reused when present. Results go to $BENCH_DATA/results/<timestamp>/ (and results/latest).
#
# Environment: BENCH_DATA, BUILD_DIR (default <repo>/build-main), RUNS (5), CAP (seconds per
# stock phase, 300), GUI_CHANGES (50), SKIP_100x100=1, CORE_SESSION (default the 3.6 M session).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
BENCH_DATA="${BENCH_DATA:-/work/bench-data}"
BUILD_DIR="${BUILD_DIR:-$REPO/build-main}"
RUNS="${RUNS:-5}"
CAP="${CAP:-300}"
GUI_CHANGES="${GUI_CHANGES:-50}"
PARTS=("$@")
[ ${#PARTS[@]} -eq 0 ] && PARTS=(core compressed open cold gui)
want() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }
say() { printf '[run_all] %s\n' "$*" >&2; }

case "$BENCH_DATA" in
  "$REPO"|"$REPO"/*) say "BENCH_DATA must be outside the repository ($REPO)"; exit 2 ;;
esac
mkdir -p "$BENCH_DATA"
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$BENCH_DATA/results/$STAMP"
mkdir -p "$RESULTS"
ln -sfn "$RESULTS" "$BENCH_DATA/results/latest"

XVFB=("$REPO/scripts/with-xvfb.sh")
PLUGIN_DIR="$BUILD_DIR/lib/paraview-5.11/plugins/NeuroPlayback"

# ---------------------------------------------------------------------------------------------
# Build: the plugin and generator (the project's build) and the benchmark program.
if [ ! -f "$PLUGIN_DIR/NeuroPlayback.so" ] || [ ! -x "$BUILD_DIR/bin/neuroplayback-generate" ]; then
  say "building the project in $BUILD_DIR"
  cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j2
fi
BENCH_BIN="$BUILD_DIR/bin/neuroplayback_core_benchmarks"
if want core || want compressed; then
  if grep -q 'add_subdirectory(Benchmarks)' "$REPO/CMakeLists.txt"; then
    cmake -S "$REPO" -B "$BUILD_DIR" -DNEUROPLAYBACK_BUILD_BENCHMARKS=ON >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target neuroplayback_core_benchmarks
  else
    # The top level does not add Benchmarks/ yet: build it from a scratch source tree (symlinks to
    # the repository plus a copy of the top-level CMakeLists.txt with the one extra line).
    SCRATCH_SRC="$BENCH_DATA/scratch-src"
    SCRATCH_BUILD="$BENCH_DATA/scratch-build"
    mkdir -p "$SCRATCH_SRC"
    for entry in "$REPO"/*; do
      name="$(basename "$entry")"
      case "$name" in CMakeLists.txt|build*) continue ;; esac
      ln -sfn "$entry" "$SCRATCH_SRC/$name"
    done
    sed 's|^add_subdirectory(Core)$|add_subdirectory(Core)\nif(NEUROPLAYBACK_BUILD_BENCHMARKS)\n  add_subdirectory(Benchmarks)\nendif()|' \
      "$REPO/CMakeLists.txt" > "$SCRATCH_SRC/CMakeLists.txt.new"
    cmp -s "$SCRATCH_SRC/CMakeLists.txt.new" "$SCRATCH_SRC/CMakeLists.txt" 2>/dev/null \
      && rm "$SCRATCH_SRC/CMakeLists.txt.new" || mv "$SCRATCH_SRC/CMakeLists.txt.new" "$SCRATCH_SRC/CMakeLists.txt"
    cmake -S "$SCRATCH_SRC" -B "$SCRATCH_BUILD" -DCMAKE_BUILD_TYPE=Release -DNEUROPLAYBACK_BUILD_PLUGIN=OFF \
      -DBUILD_TESTING=OFF -DNEUROPLAYBACK_BUILD_BENCHMARKS=ON >/dev/null
    cmake --build "$SCRATCH_BUILD" -j2 --target neuroplayback_core_benchmarks
    BENCH_BIN="$SCRATCH_BUILD/bin/neuroplayback_core_benchmarks"
  fi
fi

# ---------------------------------------------------------------------------------------------
# Sessions (explicit frame times at 500 Hz, 50x50 grid unless said, no video, no vmin/vmax so the
# reader estimates the colour range as it would for a file without one).
GENERATOR="$BUILD_DIR/bin/neuroplayback-generate"
# The fallback writer needs h5py: Debian's python3-h5py lives in /usr/bin/python3, which a pyenv
# python3 earlier in PATH does not see.
H5PY_PYTHON=python3
python3 -c "import h5py" 2>/dev/null || H5PY_PYTHON=/usr/bin/python3
free_gb() { df -P -B1G "$BENCH_DATA" | awk 'NR==2 {print $4}'; }
# frames x (bins ~ nx*ny) x 4 bytes, plus overlays and 10 % margin, in GB (rounded up).
need_gb() { echo $(( ($1 * $2 * $3 * 4 * 11 / 10 + 4 * 1024 ** 3 - 1) / 1024 ** 3 )); }
make_session() { # label frames nx ny [gzip level] -> prints the path (or nothing if there is no room)
  local label="$1" frames="$2" nx="$3" ny="$4" gzip="${5:-0}"
  local path="$BENCH_DATA/np-$label-${nx}x${ny}.nsp"
  [ "$gzip" = 0 ] || path="$BENCH_DATA/np-$label-${nx}x${ny}-gzip$gzip.nsp"
  if [ -f "$path" ]; then echo "$path"; return; fi
  local need; need="$(need_gb "$frames" "$nx" "$ny")"
  if [ "$(free_gb)" -lt $(( need + 5 )) ]; then
    say "not enough disk for $path (needs ~${need} GB + 5 GB spare, $(free_gb) GB free)"; return
  fi
  say "generating $path ($frames frames, ${nx}x${ny}; ~${need} GB)"
  local started=$SECONDS
  if [ -x "$GENERATOR" ]; then
    "$GENERATOR" --output "$path" --frames "$frames" --rate 500 --grid "$nx" "$ny" --times explicit \
      --no-video --no-range --seed 1 --compression "$gzip" --quiet --force >&2
  elif [ "$gzip" = 0 ]; then
    "$H5PY_PYTHON" "$HERE/make_bench_session.py" --output "$path" --frames "$frames" --grid "$nx" "$ny" >&2
  else
    say "no generator to write a compressed session; skipping $path"; return
  fi
  say "  done in $(( SECONDS - started )) s"
  echo "$path"
}

S10K="$(make_session 10k 10000 50 50)"
S36K="$(make_session 36k 36000 50 50)"
S360K="$(make_session 360k 360000 50 50)"
S360K100=""
[ "${SKIP_100x100:-0}" = 1 ] || S360K100="$(make_session 360k 360000 100 100)"
S3600K="$(make_session 3600k 3600000 50 50)"
GRID_3600K="50x50"
if [ -z "$S3600K" ]; then # not enough disk for 36 GB: a smaller grid, stated in the results
  S3600K="$(make_session 3600k 3600000 25 25)"; GRID_3600K="25x25"
fi
[ -n "$S3600K" ] || { say "no room for a 3.6 M-frame session"; exit 1; }
S360KGZ=""
want compressed && S360KGZ="$(make_session 360k 360000 50 50 4)"

# ---------------------------------------------------------------------------------------------
# Machine description.
python3 - "$RESULTS/machine.json" "$BENCH_DATA" "$GRID_3600K" <<'EOF'
import json, os, platform, subprocess, sys
out, data, grid = sys.argv[1:4]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
dev = subprocess.run(["df", "-P", data], capture_output=True, text=True).stdout.splitlines()[-1].split()[0]
pv = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "paraview"], capture_output=True, text=True).stdout
json.dump({"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem / 1024 ** 2, 1), "disk": dev,
           "kernel": platform.release(), "paraview": pv, "session_3600k_grid": grid}, open(out, "w"), indent=1)
EOF

export PV_PLUGIN_PATH="$PLUGIN_DIR"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
export PYTHONPATH="$REPO/Python${PYTHONPATH:+:$PYTHONPATH}"

# ---------------------------------------------------------------------------------------------
if want core; then
  CORE_SESSION="${CORE_SESSION:-$S3600K}"
  say "core benchmarks on $CORE_SESSION"
  NEUROPLAYBACK_BENCH_SESSION="$CORE_SESSION" "$BENCH_BIN" \
    --benchmark_display_aggregates_only=true \
    --benchmark_out="$RESULTS/core.json" --benchmark_out_format=json | tee "$RESULTS/core.txt"
fi

if want compressed && [ -n "$S360KGZ" ]; then
  say "core benchmarks on the gzip-compressed $S360KGZ"
  NEUROPLAYBACK_BENCH_SESSION="$S360KGZ" "$BENCH_BIN" \
    --benchmark_filter='BM_Open/warm|BM_Seek|BM_SequentialFieldStream|BM_EstimateRange' \
    --benchmark_display_aggregates_only=true \
    --benchmark_out="$RESULTS/core-compressed.json" --benchmark_out_format=json | tee "$RESULTS/core-compressed.txt"
fi

if want open; then
  say "pvpython open / memory / time change (ours vs stock), $RUNS runs"
  args=(--session "10k=$S10K" --session "360k=$S360K")
  [ -n "$S360K100" ] && args+=(--session "360k-100x100=$S360K100")
  args+=(--session "3.6M=$S3600K")
  "${XVFB[@]}" pvpython "$HERE/bench_open.py" "${args[@]}" --runs "$RUNS" --cap "$CAP" \
    --out "$RESULTS/open.json" | tee "$RESULTS/open.txt"
fi

if want cold; then
  say "pvpython open with the page cache dropped before every run"
  "${XVFB[@]}" pvpython "$HERE/bench_open.py" --session "10k=$S10K" --session "3.6M=$S3600K" --drop-caches \
    --runs "$RUNS" --changes 5 --stock-changes 3 --fill-cache 0 --cap "$CAP" \
    --out "$RESULTS/open-cold.json" --work-dir "$RESULTS/open-cold-runs" | tee "$RESULTS/open-cold.txt"
fi

if want gui; then
  say "GUI time change (ours at 3.6 M; stock at 36 k, 360 k and, within the cap, 3.6 M)"
  python3 "$HERE/bench_gui_time_change.py" --driver \
    --case "ours:3.6M=$S3600K" --case "stock:36k=$S36K" --case "stock:360k=$S360K" --case "stock:3.6M=$S3600K" \
    --case "rangeonly:3.6M=$S3600K" --case "sphere:3.6M=$S3600K" --case "empty:3.6M=$S3600K" \
    --runs "$RUNS" --changes "$GUI_CHANGES" --stock-changes "360k=20,3.6M=5" --stock-runs "3.6M=1" --interleave \
    --baseline-runs "$RUNS" --baseline-changes "$GUI_CHANGES" \
    --cap "$CAP" --out "$RESULTS/gui.json" | tee "$RESULTS/gui.txt"
fi

# ---------------------------------------------------------------------------------------------
echo
python3 "$HERE/summarize.py" "$RESULTS" | tee "$RESULTS/summary.txt"
say "results in $RESULTS"
