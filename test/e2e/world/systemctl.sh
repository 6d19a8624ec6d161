#!/bin/bash
# A stand-in for systemctl in a world that pretends systemd is the init system. It answers what
# dockhook asks about docker.service and docker.socket (and the rootless user unit) from the
# world's real daemons, and start/stop really start and stop them through ctl.sh.
# world.ts binds a two-line wrapper (WORLD_DIR=… exec this) over /usr/bin/systemctl.
#
# Covered: is-active, is-enabled, is-failed, show [-p P[,P]…] [--value], status, start, stop,
# restart, enable [--now], disable [--now], daemon-reload, is-system-running, --version; options
# --user, --system, -q/--quiet, --no-pager and friends. Anything else: "Unknown command verb".
set -uo pipefail
W=${WORLD_DIR:?WORLD_DIR is not set}
CTL=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/ctl.sh

user_mode=0 quiet=0 value=0 now=0
props=() args=()
while [ $# -gt 0 ]; do
  case $1 in
  --user) user_mode=1 ;;
  --system) user_mode=0 ;;
  -q | --quiet) quiet=1 ;;
  --value) value=1 ;;
  --now) now=1 ;;
  -p | --property) shift; IFS=, read -r -a more <<<"${1:-}"; props+=("${more[@]}") ;;
  -p* ) IFS=, read -r -a more <<<"${1#-p}"; props+=("${more[@]}") ;;
  --property=*) IFS=, read -r -a more <<<"${1#--property=}"; props+=("${more[@]}") ;;
  -n | --lines) shift ;;
  --lines=* | --no-pager | --no-legend | --no-ask-password | --plain | --full | -l | --all | -a | --no-block | --wait) ;;
  --version) printf 'systemd 252 (252.36-1~deb12u1)\n+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP\n'; exit 0 ;;
  -*) echo "systemctl: unrecognized option '$1'" >&2; exit 1 ;;
  *) args+=("$1") ;;
  esac
  shift
done
verb=${args[0]:-list-units}
units=("${args[@]:1}")

unit_name() { case $1 in *.*) echo "$1" ;; *) echo "$1.service" ;; esac; }

if [ $user_mode = 1 ] && [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  # What the real one says when there is no user manager to talk to (the $ are literal).
  # shellcheck disable=SC2016
  echo 'Failed to connect to bus: $DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR not defined (consider using --machine=<user>@.host --user to connect to bus of other user)' >&2
  exit 1
fi

# facts UNIT → sets load active sub result enabled
facts() {
  local state
  load=loaded enabled=enabled
  if [ $user_mode = 1 ]; then
    if [ "$1" != docker.service ] || [ ! -f "$HOME/.config/systemd/user/docker.service" ]; then
      load=not-found active=inactive sub=dead result=success enabled=""
      return
    fi
    state=$(WORLD_DIR=$W "$CTL" rootless-state 2>/dev/null || echo "inactive success")
    [ -f "$W/users/$(id -un)/unit-enabled" ] && enabled=$(cat "$W/users/$(id -un)/unit-enabled")
  else
    case $1 in
    docker.service | docker.socket) ;;
    *) load=not-found active=inactive sub=dead result=success enabled=""; return ;;
    esac
    state=$(WORLD_DIR=$W "$CTL" rootful-state 2>/dev/null || echo "inactive success")
    [ -f "$W/state/$1.enabled" ] && enabled=$(cat "$W/state/$1.enabled")
  fi
  active=${state% *} result=${state#* }
  case $active in active) sub=running ;; failed) sub=failed ;; *) sub=dead ;; esac
  if [ "$1" = docker.socket ]; then
    # No socket activation here: the socket unit follows the daemon that owns the socket.
    case $active in active) sub=listening ;; failed) active=inactive sub=dead ;; esac
    result=success
  fi
}

need_unit() {
  if [ ${#units[@]} -eq 0 ]; then echo "Too few arguments." >&2; exit 1; fi
}

authorize() { # VERB UNIT: system units are root's business (polkit would ask for a password)
  if [ $user_mode = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "Failed to $1 $2: Interactive authentication required." >&2
    echo "See system logs and 'systemctl status $2' for details." >&2
    exit 1
  fi
}

do_start() { # UNIT
  local u=$1
  facts "$u"
  if [ "$load" = not-found ]; then echo "Failed to start $u: Unit $u not found." >&2; return 5; fi
  if [ $user_mode = 1 ]; then
    WORLD_DIR=$W "$CTL" rootless-start >/dev/null 2>&1 || {
      echo "Job for docker.service failed because the control process exited with error code." >&2
      echo "See \"systemctl --user status docker.service\" and \"journalctl --user -xeu docker.service\" for details." >&2
      return 1
    }
  else
    WORLD_DIR=$W "$CTL" rootful-start >/dev/null 2>&1 || {
      echo "Job for docker.service failed because the control process exited with error code." >&2
      echo "See \"systemctl status docker.service\" and \"journalctl -xeu docker.service\" for details." >&2
      return 1
    }
  fi
}

do_stop() {
  local u=$1
  facts "$u"
  if [ "$load" = not-found ]; then echo "Failed to stop $u: Unit $u not loaded." >&2; return 5; fi
  if [ $user_mode = 1 ]; then WORLD_DIR=$W "$CTL" rootless-stop >/dev/null
  else WORLD_DIR=$W "$CTL" rootful-stop >/dev/null
  fi
}

set_enabled() { # UNIT enabled|disabled
  if [ $user_mode = 1 ]; then echo "$2" >"$W/users/$(id -un)/unit-enabled"
  else echo "$2" >"$W/state/$1.enabled"
  fi
}

case $verb in
is-active)
  need_unit; rc=3
  for u in "${units[@]}"; do
    facts "$(unit_name "$u")"
    [ $quiet = 1 ] || echo "$active"
    [ "$active" = active ] && rc=0
  done
  exit $rc
  ;;
is-failed)
  need_unit; rc=1
  for u in "${units[@]}"; do
    facts "$(unit_name "$u")"
    [ $quiet = 1 ] || echo "$active"
    [ "$active" = failed ] && rc=0
  done
  exit $rc
  ;;
is-enabled)
  need_unit; rc=1
  for u in "${units[@]}"; do
    u=$(unit_name "$u")
    facts "$u"
    if [ "$load" = not-found ]; then
      echo "Failed to get unit file state for $u: No such file or directory" >&2
      continue
    fi
    [ $quiet = 1 ] || echo "$enabled"
    case $enabled in enabled | enabled-runtime | static | alias | indirect | generated) rc=0 ;; esac
  done
  exit $rc
  ;;
show)
  need_unit
  [ ${#props[@]} -gt 0 ] || props=(Id LoadState ActiveState SubState Result UnitFileState)
  first=1
  for u in "${units[@]}"; do
    u=$(unit_name "$u")
    facts "$u"
    [ $first = 1 ] || echo
    first=0
    for p in "${props[@]}"; do
      case $p in
      Id | Names) v=$u ;;
      LoadState) v=$load ;;
      ActiveState) v=$active ;;
      SubState) v=$sub ;;
      Result) v=$result ;;
      UnitFileState) v=$enabled ;;
      MainPID)
        v=0
        if [ "$active" = active ]; then
          if [ $user_mode = 1 ]; then v=$(cat "$W/users/$(id -un)/rootless.pid")
          else v=$(cat "$W/state/rootful.pid"); fi
        fi
        ;;
      ExecStart)
        # What systemd shows: the command line the unit runs (here, ctl.sh's dockerd).
        v=""
        if [ $user_mode = 0 ] && [ "$u" = docker.service ]; then
          extra=""
          [ -f "$W/state/dockerd-args" ] && extra=" $(tr '\n' ' ' <"$W/state/dockerd-args")"
          v="{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd --iptables=false --bridge=none --storage-driver=vfs -H unix:///var/run/docker.sock --data-root $W/rootful/data --exec-root $W/rootful/exec --pidfile $W/rootful/docker.pid --group docker${extra% } ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }"
        fi
        ;;
      FragmentPath)
        v=""
        if [ "$load" = loaded ]; then
          if [ $user_mode = 1 ]; then v=$HOME/.config/systemd/user/docker.service
          else v=/lib/systemd/system/$u; fi
        fi
        ;;
      *) v="" ;;
      esac
      if [ $value = 1 ]; then echo "$v"; else echo "$p=$v"; fi
    done
  done
  ;;
status)
  need_unit; rc=0
  for u in "${units[@]}"; do
    u=$(unit_name "$u")
    facts "$u"
    if [ "$load" = not-found ]; then echo "Unit $u could not be found." >&2; rc=4; continue; fi
    echo "● $u - Docker Application Container Engine"
    echo "     Loaded: $load (/lib/systemd/system/$u; $enabled; preset: enabled)"
    echo "     Active: $active ($sub)"
    [ "$active" = active ] || rc=3
  done
  exit $rc
  ;;
start | stop | restart)
  need_unit; rc=0
  for u in "${units[@]}"; do
    u=$(unit_name "$u")
    authorize "$verb" "$u"
    case $verb in
    start) do_start "$u" || rc=$? ;;
    stop) do_stop "$u" || rc=$? ;;
    restart) { do_stop "$u" && do_start "$u"; } || rc=$? ;;
    esac
  done
  exit $rc
  ;;
enable | disable)
  need_unit; rc=0
  for u in "${units[@]}"; do
    u=$(unit_name "$u")
    authorize "$verb" "$u"
    facts "$u"
    if [ "$load" = not-found ]; then echo "Failed to $verb unit: Unit file $u does not exist." >&2; rc=1; continue; fi
    set_enabled "$u" "${verb}d"
    if [ $now = 1 ]; then
      if [ "$verb" = enable ]; then do_start "$u" || rc=$?; else do_stop "$u" || rc=$?; fi
    fi
  done
  exit $rc
  ;;
daemon-reload) authorize reload daemon; exit 0 ;;
is-system-running) echo running ;;
*)
  echo "Unknown command verb $verb." >&2
  exit 1
  ;;
esac
