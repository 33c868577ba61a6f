# Sourced by scripts that need a pvserver (run-gui-test.sh, Benchmarks/run_playback.sh).
# start_pvserver LOG COMMAND... runs COMMAND (a pvserver, maybe behind timeout or with-xvfb.sh) with
# --server-port on a free port of 127.0.0.1 and --force-offscreen-rendering, its console in LOG, as a
# lone MPI process; it sets pvserver_port and pvserver_pid and returns once the server accepts a
# connection (non-zero, with the log printed, when it has not within 30 s). stop_pvserver ends it.
start_pvserver() {
  local log="$1"
  shift
  pvserver_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_ess_singleton_isolated=1 \
    "$@" --server-port="$pvserver_port" --force-offscreen-rendering >"$log" 2>&1 &
  pvserver_pid=$!
  for _ in $(seq 1 150); do
    grep -q "Accepting connection" "$log" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "pvserver did not start on port $pvserver_port:"
  cat "$log"
  stop_pvserver
  return 1
}

stop_pvserver() {
  if [ -n "${pvserver_pid:-}" ]; then
    kill "$pvserver_pid" 2>/dev/null
    wait "$pvserver_pid" 2>/dev/null
    pvserver_pid=""
  fi
}
