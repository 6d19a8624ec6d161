#!/bin/bash
# The life of one world. world.ts starts `holder.sh outer DIR` with a pipe on stdin and keeps the
# pipe's write end open for as long as the world lives.
#
#   outer  (host side)  starts private mount + pid namespaces with tini as their pid 1 and this
#                       script's `inner` half under it; when they end, removes DIR. Because the
#                       world's processes live in their own pid namespace, the death of its pid 1
#                       makes the kernel SIGKILL every one of them: dockerd, containerd, shims,
#                       rootlesskit, test commands. Nothing can outlive the world.
#   inner  (in the ns)  builds the world's private view of the file system, prints "ready", then
#                       waits for EOF on stdin: dispose() closes the pipe, and so does the death of
#                       the test process for any reason (even SIGKILL), which is the safety net.
#
# Settings arrive in the environment (set by world.ts): WORLD_SYSTEMD=1, WORLD_WSL=1.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
mode=${1:?usage: holder.sh outer|inner DIR}
dir=${2:?usage: holder.sh outer|inner DIR}

case $mode in
outer)
  set +e
  # --propagation private: nothing mounted in the world leaks to the machine, and the reverse.
  # --mount-proc: the world's /proc lists only the world's processes, so "is a dockerd running?"
  # answers for this world, not for every world running in parallel.
  unshare --mount --pid --fork --mount-proc --propagation private -- \
    /usr/bin/docker-init -- /bin/bash "$here/holder.sh" inner "$dir"
  code=$?
  # The pid namespace is gone; its processes were SIGKILLed. Retry a little in case one is still
  # being torn down while we delete its files.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf -- "$dir" 2>/dev/null && break
    sleep 0.2
  done
  exit "$code"
  ;;
inner) ;;
*) echo "holder.sh: unknown mode $mode" >&2; exit 2 ;;
esac

# --- inside the world -------------------------------------------------------------------------

# The checkout may live under a path the world covers below (/tmp, /home, /root, /run, /var/log:
# CI clones it wherever it likes). Keep a handle on it now; it is put back at the same path once
# the world's view is built, so dockhook and these scripts run from the same place inside.
repo=${WORLD_REPO:-}
if [ -n "$repo" ]; then
  mkdir -p "$dir/repo"
  mount --bind "$repo" "$dir/repo"
fi

# A private /run (and so /var/run, a symlink to it): the world owns /var/run/docker.sock,
# /run/user/UID, /run/systemd/system and /run/containerd without touching the machine's.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -m 0755 /run/user
mkdir -m 1777 /run/lock
# ctl.sh checks this before it starts or stops anything: never a daemon outside a world.
echo "$dir" >/run/.dockhook-world

# A private /tmp: paths tests give as "nothing there" (/tmp/nothing.sock) really are free, and
# per-user files such as ${TMPDIR:-/tmp}/dockhook-UID are not shared between parallel worlds.
# (The world's own directory is elsewhere, /var/tmp by default, so this does not hide it.)
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp

# dockerd 20.10 writes /etc/docker/key.json on start; tests may write /etc/docker/daemon.json.
mkdir -p /etc/docker
mount --bind "$dir/etc-docker" /etc/docker

# Private homes: ~/.docker (contexts, config.json), ~/.config/systemd/user and the rootless data
# root (~/.local/share/docker) belong to this world only.
mount --bind "$dir/home" /home
mount --bind "$dir/root-home" /root

# `service docker start` (the sysv script, a fix dockhook may offer without systemd) starts a
# dockerd with DOCKER_OPTS from /etc/default/docker: the world's copy points its data and exec
# roots into the world, so such a daemon is as isolated as the one world.ts starts.
if [ -e /etc/default/docker ]; then
  mount --bind "$dir/etc-default-docker" /etc/default/docker
fi
if [ -d /var/lib/docker ]; then
  mount --bind "$dir/var-lib-docker" /var/lib/docker
fi

# A private /var/log: the daemon log a probe may quote is this world's. Without systemd a
# dockerd logs to /var/log/docker.log (the sysv script appends there); the world's dockerd log
# is that file. With systemd it is the journal (the stand-in journalctl reads the same log).
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /var/log
if [ "${WORLD_SYSTEMD:-}" != 1 ]; then
  touch /var/log/docker.log
  mount --bind "$dir/logs/dockerd.log" /var/log/docker.log
fi

# rootlesskit's slirp4netns creates a tap device from inside the user namespace, where a
# root-owned 0600 /dev/net/tun (as on these machines) is unreadable: `ip tuntap add` fails with
# "setting up tap tap0: exit status 1". A distribution's udev rules make it 0666. Give the world
# its own 0666 node for the same device instead of chmod-ing the machine's.
if [ -c /dev/net/tun ]; then
  mknod -m 0666 "$dir/dev/tun" c 10 200
  mount --bind "$dir/dev/tun" /dev/net/tun
fi

if [ "${WORLD_WSL:-}" = 1 ]; then
  # What a WSL2 kernel says about itself. dockhook may read either file.
  mount --bind "$dir/wsl/version" /proc/version
  mount --bind "$dir/wsl/osrelease" /proc/sys/kernel/osrelease
  mkdir -p /run/WSL
fi

if [ "${WORLD_SYSTEMD:-}" = 1 ]; then
  # What systemd's own tools check to decide whether systemd is the running init.
  mkdir -p /run/systemd/system
  # Over the real binaries rather than only first on PATH, so an absolute /usr/bin/systemctl
  # reaches the stand-in too.
  mount --bind "$dir/bin/systemctl" /usr/bin/systemctl
  mount --bind "$dir/bin/journalctl" /usr/bin/journalctl
fi

if [ -n "$repo" ] && [ ! -e "$repo/package.json" ]; then
  mkdir -p "$repo"
  mount --bind "$dir/repo" "$repo"
  # The test users run bin/dockhook from the checkout, so they must be able to pass through every
  # directory above it. A checkout under /root (mode 0700 on Debian) is the usual case: the
  # world's /root is its own copy, so opening it for traversal changes nothing on the machine.
  # Only directories of the world's own trees are touched.
  up=${repo%/*}
  while [ -n "$up" ]; do
    case $up in
    /root | /root/* | /home | /home/* | /tmp | /tmp/* | /run | /run/* | /var/log | /var/log/*)
      [ -d "$up" ] && chmod o+x "$up"
      ;;
    esac
    up=${up%/*}
  done
fi

echo ready
# Live until the test process closes the pipe (or dies). `exec` so tini's only child is cat:
# when it exits, tini exits and the kernel ends the world.
exec cat >/dev/null
