#!/bin/bash
# A stand-in for journalctl in a world with the stand-in systemctl: `-u docker[.service]` prints
# the tail of the world's dockerd log (and `--user -u docker` the rootless one), which is what a
# "service failed" diagnosis quotes. Like the real one, users outside adm/systemd-journal see
# nothing of the system journal.
set -uo pipefail
W=${WORLD_DIR:?WORLD_DIR is not set}
user_mode=0 lines=10 unit=""
while [ $# -gt 0 ]; do
  case $1 in
  --user) user_mode=1 ;;
  -u | --unit) shift; unit=${1:-} ;;
  --unit=*) unit=${1#--unit=} ;;
  -n | --lines) shift; lines=${1:-10} ;;
  --lines=*) lines=${1#--lines=} ;;
  -n*) lines=${1#-n} ;;
  *) ;; # -b, -e, -x, -q, --no-pager, -o cat, …: the output below is already plain
  esac
  shift
done
case $unit in docker | docker.service) ;; *) echo "-- No entries --"; exit 0 ;; esac
if [ $user_mode = 1 ]; then
  log=$W/users/$(id -un)/rootless.log
else
  if [ "$(id -u)" != 0 ] && ! id -nG | grep -qwE 'adm|systemd-journal'; then
    echo "Hint: You are currently not seeing messages from other users and the system." >&2
    echo "      Users in groups 'adm', 'systemd-journal' can see all messages." >&2
    echo "-- No entries --"
    exit 0
  fi
  log=$W/logs/dockerd.log
fi
if [ -s "$log" ]; then tail -n "$lines" "$log"; else echo "-- No entries --"; fi
