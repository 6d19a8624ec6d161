#!/bin/bash
# A stand-in for journalctl in a world with the stand-in systemctl: `-u docker[.service]` prints
# the tail of the world's dockerd log (and `--user -u docker` the rootless one), which is what a
# "service failed" diagnosis quotes. Like the real one, users outside adm/systemd-journal see
# nothing of the system journal. `-o json` prints one object per line with MESSAGE and
# _SYSTEMD_INVOCATION_ID, the invocations being the starts ctl.sh recorded.
set -uo pipefail
W=${WORLD_DIR:?WORLD_DIR is not set}
user_mode=0 lines=10 unit="" output=short
while [ $# -gt 0 ]; do
  case $1 in
  --user) user_mode=1 ;;
  -u | --unit) shift; unit=${1:-} ;;
  --unit=*) unit=${1#--unit=} ;;
  -n | --lines) shift; lines=${1:-10} ;;
  --lines=*) lines=${1#--lines=} ;;
  -n*) lines=${1#-n} ;;
  -o | --output) shift; output=${1:-short} ;;
  --output=*) output=${1#--output=} ;;
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
if [ ! -s "$log" ]; then echo "-- No entries --"; exit 0; fi
if [ "$output" = json ]; then
  exec /usr/bin/python3 - "$log" "${log%.log}.invocations" "$lines" <<'PY'
import json, os, sys
log, invocations, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
marks = []
if os.path.exists(invocations):
    for row in open(invocations):
        offset, ident = row.split()
        marks.append((int(offset), ident))
marks.sort()
data = open(log, 'rb').read()
out, pos = [], 0
for raw in data.split(b'\n'):
    ident = None
    for offset, mark in marks:
        if offset <= pos:
            ident = mark
    if raw.strip():
        entry = {'MESSAGE': raw.decode('utf-8', 'replace')}
        if ident:
            entry['_SYSTEMD_INVOCATION_ID'] = ident
        out.append(json.dumps(entry))
    pos += len(raw) + 1
print('\n'.join(out[-n:]))
PY
fi
tail -n "$lines" "$log"
