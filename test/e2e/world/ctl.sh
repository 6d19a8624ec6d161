#!/bin/bash
# Daemon control inside a world. Runs in the world's namespaces (world.ts enters them with
# nsenter; the stand-in systemctl calls it from there too). WORLD_DIR names the world's directory.
#
#   ctl.sh rootful-start | rootful-stop | rootful-kill | rootful-state     (as root)
#   ctl.sh rootless-start | rootless-stop | rootless-kill | rootless-state (as the rootless user,
#                                                                           XDG_RUNTIME_DIR set)
#   ctl.sh dead-socket PATH   a unix socket file that nobody listens on (what a crash leaves)
#   ctl.sh hung-socket PATH   a listener that accepts and never answers (a wedged daemon)
#   ctl.sh runtime-dir USER   /run/user/UID as pam_systemd would make it: owned by USER, 0700
#
# *-state prints "ACTIVE RESULT": ACTIVE is active, inactive or failed (a daemon we started that
# is no longer running and was not stopped by us); RESULT is success, exit-code or signal.
set -euo pipefail
W=${WORLD_DIR:?WORLD_DIR is not set}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SOCK=/var/run/docker.sock

# Everything below starts, stops or kills daemons at the default paths: only ever inside the
# world's namespaces (holder.sh writes the marker into the world's private /run).
if [ "$(cat /run/.dockhook-world 2>/dev/null)" != "$W" ]; then
  echo "ctl.sh: not inside world $W; refusing to touch this machine's daemons" >&2
  exit 3
fi
START_TIMEOUT_S=30
# A daemon that takes longer to fail (dockerd 20.10 dials a missing containerd for 60 s) needs more.
[ -f "$W/state/start-timeout-s" ] && START_TIMEOUT_S=$(cat "$W/state/start-timeout-s")

# alive PID [COMM]: the process exists, is not a zombie and, when COMM is given, is what we
# started (a pid may be reused). Right after `setsid prog &` the child is still called bash or
# setsid for a moment, so the start-up wait checks the pid alone.
alive() {
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  local state
  state=$(sed -E 's/^[0-9]+ \(.*\) (.) .*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ] || return 1
  [ -z "${2:-}" ] || [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

wait_gone() { # PID: up to 15 s
  for _ in $(seq 1 300); do
    [ -e "/proc/$1" ] || return 0
    [ "$(sed -E 's/^[0-9]+ \(.*\) (.) .*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ] || return 0
    sleep 0.05
  done
  return 1
}

ping() { # SOCKET
  [ -S "$1" ] && curl -sf --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1
}

# wait_up PID NAME SOCKET LOG: until the API answers; fail early when the daemon dies.
wait_up() {
  local deadline=$((SECONDS + START_TIMEOUT_S))
  while [ $SECONDS -lt $deadline ]; do
    ping "$3" && return 0
    if ! alive "$1"; then
      echo "ctl.sh: $2 exited before answering on $3; last log lines:" >&2
      tail -n 15 "$4" >&2 || true
      return 1
    fi
    sleep 0.03
  done
  echo "ctl.sh: $2 did not answer on $3 within ${START_TIMEOUT_S}s; last log lines:" >&2
  tail -n 15 "$4" >&2 || true
  return 1
}

state_of() { # PIDFILE RESULTFILE COMM
  local pid="" result=success
  [ -f "$1" ] && pid=$(cat "$1")
  [ -f "$2" ] && result=$(cat "$2")
  if [ -z "$pid" ]; then echo "inactive $result"
  elif alive "$pid" "$3"; then echo "active success"
  else echo "failed $result"
  fi
}

case ${1:-} in
rootful-start)
  pidfile=$W/state/rootful.pid log=$W/logs/dockerd.log
  if [ -f "$pidfile" ] && alive "$(cat "$pidfile")" dockerd; then exit 0; fi
  extra=()
  [ -f "$W/state/dockerd-args" ] && mapfile -t extra <"$W/state/dockerd-args"
  # Each start is one invocation, as systemd would log it: where this start's output begins in
  # the log, and its id (the stand-in journalctl serves -o json from these).
  touch "$log"
  echo "$(stat -c %s "$log") $(tr -d - </proc/sys/kernel/random/uuid)" >>"$W/logs/dockerd.invocations"
  # The flags: no iptables or bridge (the machine's network stays as it is), vfs
  # (works on any file system, no overlay mounts), all state in the world's directory. The
  # socket is the default path, which only this world sees. dockerd starts its own containerd.
  # state/dockerd-path: the PATH dockerd sees (a test hides iptables from it this way).
  dpath=$PATH
  [ -f "$W/state/dockerd-path" ] && dpath=$(cat "$W/state/dockerd-path")
  setsid env PATH="$dpath" /usr/sbin/dockerd --iptables=false --bridge=none --storage-driver=vfs \
    -H "unix://$SOCK" --data-root "$W/rootful/data" --exec-root "$W/rootful/exec" \
    --pidfile "$W/rootful/docker.pid" --group docker "${extra[@]}" \
    >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  if wait_up "$pid" dockerd "$SOCK" "$log"; then
    echo success >"$W/state/rootful.result"
  else
    alive "$pid" && { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" || true; }
    echo exit-code >"$W/state/rootful.result"
    exit 1
  fi
  ;;
rootful-stop)
  # A clean stop: dockerd removes its socket on SIGTERM.
  pidfile=$W/state/rootful.pid
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if alive "$pid" dockerd; then
      kill -TERM "$pid"
      wait_gone "$pid" || { echo "ctl.sh: dockerd $pid ignored SIGTERM for 15s" >&2; exit 1; }
    fi
    rm -f "$pidfile"
  fi
  echo success >"$W/state/rootful.result"
  ;;
rootful-kill)
  # A crash: SIGKILL leaves /var/run/docker.sock behind with nobody listening.
  pid=$(cat "$W/state/rootful.pid" 2>/dev/null || true)
  alive "$pid" dockerd || { echo "ctl.sh: no running dockerd to kill" >&2; exit 1; }
  kill -KILL "$pid"
  wait_gone "$pid"
  echo signal >"$W/state/rootful.result"
  ;;
rootful-state)
  state_of "$W/state/rootful.pid" "$W/state/rootful.result" dockerd
  ;;
rootless-start | rootless-stop | rootless-kill | rootless-state)
  [ "$(id -u)" != 0 ] || { echo "ctl.sh: $1 runs as the rootless user, not root" >&2; exit 2; }
  : "${XDG_RUNTIME_DIR:?XDG_RUNTIME_DIR is not set}"
  me=$(id -un)
  udir=$W/users/$me
  pidfile=$udir/rootless.pid log=$udir/rootless.log sock=$XDG_RUNTIME_DIR/docker.sock
  # dockerd-rootless.sh execs rootlesskit, so the pid we get is rootlesskit's; it passes SIGTERM
  # on to dockerd in its namespaces.
  case $1 in
  rootless-start)
    if [ -f "$pidfile" ] && alive "$(cat "$pidfile")" rootlesskit; then exit 0; fi
    script=$(command -v dockerd-rootless.sh || echo /usr/share/docker.io/contrib/dockerd-rootless.sh)
    # One invocation per start, as the user manager would log it (see rootful-start).
    touch "$log"
    echo "$(stat -c %s "$log") $(tr -d - </proc/sys/kernel/random/uuid)" >>"$udir/rootless.invocations"
    setsid "$script" --storage-driver=vfs --iptables=false >>"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pidfile"
    if ! wait_up "$pid" rootlesskit "$sock" "$log"; then
      echo exit-code >"$udir/rootless.result"
      exit 1
    fi
    if ! curl -sf --max-time 5 --unix-socket "$sock" http://localhost/info | grep -q 'name=rootless'; then
      echo "ctl.sh: the daemon on $sock does not say it is rootless" >&2
      exit 1
    fi
    echo success >"$udir/rootless.result"
    ;;
  rootless-stop)
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      if alive "$pid" rootlesskit; then
        kill -TERM "$pid"
        wait_gone "$pid" || { echo "ctl.sh: rootlesskit $pid ignored SIGTERM for 15s" >&2; exit 1; }
      fi
      rm -f "$pidfile"
    fi
    echo success >"$udir/rootless.result"
    ;;
  rootless-kill)
    pid=$(cat "$pidfile" 2>/dev/null || true)
    alive "$pid" rootlesskit || { echo "ctl.sh: no running rootlesskit to kill" >&2; exit 1; }
    # rootlesskit's child (dockerd) has a parent-death signal, so it dies with it.
    kill -KILL "$pid"
    wait_gone "$pid"
    echo signal >"$udir/rootless.result"
    ;;
  rootless-state)
    state_of "$pidfile" "$udir/rootless.result" rootlesskit
    ;;
  esac
  ;;
dead-socket)
  path=${2:?dead-socket PATH}
  # bind() makes the socket file; exiting without unlink() leaves it with no listener.
  /usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$path"
  # Owned like dockerd's own socket, so only "nobody listens" is wrong with it.
  chown root:docker "$path"
  chmod 0660 "$path"
  ;;
hung-socket)
  path=${2:?hung-socket PATH}
  # Accepts connections into the backlog and never reads or answers: a wedged daemon. Lives
  # until the world ends.
  setsid /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(64)
print("listening", flush=True)
time.sleep(1e9)' "$path" >"$W/logs/hung-socket.log" 2>&1 </dev/null &
  for _ in $(seq 1 200); do grep -q listening "$W/logs/hung-socket.log" 2>/dev/null && break; sleep 0.02; done
  chown root:docker "$path"
  chmod 0660 "$path"
  ;;
runtime-dir)
  user=${2:?runtime-dir USER}
  uid=$(id -u "$user")
  install -d -m 0700 -o "$user" -g "$(id -g "$user")" "/run/user/$uid"
  ;;
*)
  echo "usage: ctl.sh rootful-start|rootful-stop|rootful-kill|rootful-state|rootless-start|rootless-stop|rootless-kill|rootless-state|dead-socket PATH|hung-socket PATH|runtime-dir USER" >&2
  exit 2
  ;;
esac
