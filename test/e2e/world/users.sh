#!/bin/bash
# Creates the worlds' users on the machine, idempotently (accounts cannot be per world: useradd
# replaces /etc/passwd by rename, which a bind mount would refuse).
#   dh-in        in the docker group
#   dh-out       not in the docker group
#   dh-rootless  not in the docker group; at least 65536 subordinate uids and gids
# Homes are /home/NAME; worlds mount their own /home, so nothing is created here.
# Prints "NAME UID GID HOME GIDS" per user (GIDS: comma-separated supplementary gids).
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Test files run in parallel workers; useradd refuses to run while another holds /etc/passwd.
exec 9>>/run/lock/dockhook-e2e-users.lock 2>/dev/null || exec 9>>/tmp/dockhook-e2e-users.lock
flock -w 60 9

getent group docker >/dev/null || groupadd --system docker

for name in dh-in dh-out dh-rootless; do
  if ! id -u "$name" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir "/home/$name" --shell /bin/bash --user-group "$name"
  fi
done

in_docker() { id -nG "$1" | tr ' ' '\n' | grep -qx docker; }
in_docker dh-in || usermod -aG docker dh-in
for name in dh-out dh-rootless; do
  if in_docker "$name"; then gpasswd -d "$name" docker >/dev/null; fi
done

# useradd adds 65536 subordinate ids for new users when /etc/subuid exists; an account made
# elsewhere may have none or too few (the rootless setup tool only checks that an entry exists).
subids() { # FILE NAME → total count
  awk -F: -v n="$2" '$1 == n { c += $3 } END { print c + 0 }' "$1" 2>/dev/null || echo 0
}
next_free() { # FILE → first id after every range in the file, at least 100000
  awk -F: 'BEGIN { m = 100000 } NF >= 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' "$1" 2>/dev/null || echo 100000
}
touch /etc/subuid /etc/subgid
if [ "$(subids /etc/subuid dh-rootless)" -lt 65536 ]; then
  start=$(next_free /etc/subuid)
  usermod --add-subuids "$start-$((start + 65535))" dh-rootless
fi
if [ "$(subids /etc/subgid dh-rootless)" -lt 65536 ]; then
  start=$(next_free /etc/subgid)
  usermod --add-subgids "$start-$((start + 65535))" dh-rootless
fi

for name in dh-in dh-out dh-rootless; do
  printf '%s %s %s %s %s\n' "$name" "$(id -u "$name")" "$(id -g "$name")" "/home/$name" "$(id -G "$name" | tr ' ' ',')"
done
