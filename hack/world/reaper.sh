#!/usr/bin/env bash
# Runs one test-world server and makes sure it never outlives the process that started it.
#   usage: reaper.sh <watched-pid> <pidfile> <command> [args...]
# The harness starts this script as the leader of a new process group, so stopping the group stops
# the server too. Independently of that, the server is terminated when <watched-pid> (the jest or
# hack/up.sh process) disappears, even if that process was killed with SIGKILL and could not clean up.
# The server's own pid is written to <pidfile>.
set -u
watched="$1"; pidfile="$2"; shift 2
"$@" &
child=$!
echo "$child" >"$pidfile"
stop_child() {
  kill -TERM "$child" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$child" 2>/dev/null
}
trap 'stop_child; exit 143' TERM INT HUP
while kill -0 "$child" 2>/dev/null; do
  if ! kill -0 "$watched" 2>/dev/null; then
    echo "[reaper] parent process $watched is gone; stopping pid $child" >&2
    stop_child
    exit 1
  fi
  sleep 2 &
  wait $! 2>/dev/null
done
wait "$child"
