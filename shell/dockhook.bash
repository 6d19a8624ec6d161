# dockhook for bash: eval "$(dockhook init bash)" in ~/.bashrc
# Defines a `docker` function that runs the real docker (command docker) and, only when docker
# cannot reach its daemon, asks dockhook why. Safe under set -euo pipefail, harmless when
# sourced twice, and it leaves PROMPT_COMMAND, traps and docker's completion alone.

# Where dockhook and this function exchange files: a directory of this user's own, mode 0700,
# in the runtime directory, else in ~/.cache. Never a shared place such as /tmp, where another
# user could make the directory first. Sets __dh_dir (the caller's local); false if none.
__dockhook_dir() {
  if [[ ${XDG_RUNTIME_DIR-} == /* && -O ${XDG_RUNTIME_DIR} ]]; then
    __dh_dir=$XDG_RUNTIME_DIR/dockhook
  elif [[ ${HOME-} == /* ]]; then
    __dh_dir=$HOME/.cache/dockhook
  else
    __dh_dir=
    return 1
  fi
  [[ -d $__dh_dir ]] || command mkdir -p -m 700 -- "$__dh_dir" 2>/dev/null || :
}

# Reads what dockhook handed back in DIR/NAME: `set NAME VALUE` / `unset NAME` lines, applied
# with builtins for the names below only; nothing in it is ever evaluated. The directory is
# opened once and every check and read after that goes through the open (/proc/self/fd/N), so it
# cannot be swapped between check and read; it must be this user's, mode 0700, not a symlink.
# dockhook creates the file as soon as it runs, so the status says how far it got: 0 the file
# was there, 1 the directory is private and the file is not (dockhook never ran), 2 unknown.
__dockhook_handback() {
  local dir=$1 file=$2 fd line name value status=2
  [[ -n $dir && -d $dir && ! -L $dir ]] || return 2
  # (The braces keep 2>/dev/null to this open: on exec itself it would silence the shell.)
  { exec {fd}<"$dir"; } 2>/dev/null || return 2
  if [[ -d /proc/self/fd/$fd && -O /proc/self/fd/$fd && $(command stat -L -c %a /dev/stdin <&"$fd" 2>/dev/null) == 700 ]]; then
    status=1
    if [[ -f /proc/self/fd/$fd/$file && ! -L /proc/self/fd/$fd/$file && -O /proc/self/fd/$fd/$file ]]; then
      status=0
      while IFS= read -r line || [[ -n $line ]]; do
        case $line in
          'set '*)
            name=${line#set }
            value=${name#* }
            name=${name%% *}
            ;;
          'unset '*)
            name=${line#unset }
            value=
            ;;
          *) continue ;;
        esac
        case $name in
          DOCKER_HOST | DOCKER_CONTEXT | DOCKER_TLS_VERIFY | DOCKER_TLS | DOCKER_CERT_PATH | DOCKER_MACHINE_NAME | DOCKHOOK_GROUP | XDG_RUNTIME_DIR) ;;
          *) continue ;;
        esac
        if [[ $line == set\ * ]]; then
          export "$name=$value"
        else
          unset "$name"
        fi
      done <"/proc/self/fd/$fd/$file"
      command rm -f -- "/dev/fd/0/$file" <&"$fd"
    fi
  fi
  exec {fd}<&-
  return "$status"
}

# True when the daemon behind the socket this function found is visibly up: its pid file names
# a live dockerd. Then a failure of docker's (no such container, a bad flag) is its own, and
# dockhook is not started to say so.
__dockhook_daemon_up() {
  local pidfile pid='' comm=''
  case $1 in
    /var/run/docker.sock | /run/docker.sock) pidfile=/var/run/docker.pid ;;
    '') return 1 ;;
    *)
      [[ -n ${XDG_RUNTIME_DIR-} && $1 == "$XDG_RUNTIME_DIR/docker.sock" ]] || return 1
      pidfile=$XDG_RUNTIME_DIR/docker.pid
      ;;
  esac
  [[ -f $pidfile && -r $pidfile ]] || return 1
  IFS= read -r pid <"$pidfile" || [[ -n $pid ]] || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 1
  IFS= read -r comm <"/proc/$pid/comm" || :
  [[ $comm == dockerd ]]
}

# True when docker can be run directly: the endpoint is one the shell cannot judge (a -H or
# --context flag, a tcp:// or ssh:// DOCKER_HOST, a context), or a unix socket that exists
# and is writable. Builtins only: this runs before every docker command.
__dockhook_direct() {
  local arg sock config content value skip=
  for arg in "$@"; do
    if [[ -n $skip ]]; then
      skip=
      continue
    fi
    case $arg in
      -H | -H* | --host | --host=* | -c | --context | --context=* | --config | --config=* | --tls*) return 0 ;;
      -l | --log-level) skip=1 ;; # its value comes next, not the subcommand
      -*) ;;
      *) break ;;
    esac
  done
  if [[ -n ${DOCKER_HOST-} ]]; then
    case $DOCKER_HOST in
      unix://*) sock=${DOCKER_HOST#unix://} sock=${sock:-/var/run/docker.sock} ;;
      *) return 0 ;;
    esac
  elif [[ -n ${DOCKER_CONTEXT-} || -n ${DOCKER_TLS_VERIFY-} || -n ${DOCKER_TLS-} ]]; then
    return 0
  else
    config=${DOCKER_CONFIG:-${HOME-}/.docker}/config.json
    # A regular file only (a FIFO would block), its first 256 KiB, and one regex match: linear
    # in the file's size (a ${content#*pattern} strip is quadratic: seconds for 50 kB of logins).
    if [[ -f $config && -r $config ]]; then
      content=
      IFS= read -r -N 262144 content <"$config" || :
      if [[ $content =~ \"currentContext\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]]; then
        value=${BASH_REMATCH[1]}
        [[ -n $value && $value != default ]] && return 0
      fi
    fi
    sock=/var/run/docker.sock
  fi
  __dh_sock=$sock
  [[ -S $sock && -w $sock ]]
}

# The terminal's settings before dockhook runs (into the caller's __dh_tty), and back after a
# death by signal: dockhook restores the terminal itself on every exit it sees, but SIGKILL at
# its question would leave it raw (no echo, no Ctrl-C) for every later command.
__dockhook_tty_save() {
  __dh_tty=$(command stty -F /dev/tty -g 2>/dev/null) || __dh_tty=''
}
__dockhook_tty_restore() {
  if [[ $1 -gt 128 && -n $__dh_tty ]]; then command stty -F /dev/tty "$__dh_tty" 2>/dev/null || :; fi
}

# True when the few lines this function says itself (when dockhook could not run, its catalogue is
# out of reach) should be Chinese: LC_ALL, else LC_MESSAGES, else LANG, as dockhook chooses.
__dockhook_zh() {
  local locale=${LC_ALL:-${LC_MESSAGES:-${LANG-}}}
  [[ $locale == [zZ][hH] || $locale == [zZ][hH][_.-]* ]]
}

# True when dockhook can be asked: its launcher is there and runnable.
__dockhook_available() {
  if [[ $1 == */* ]]; then [[ -x $1 ]]; else type -P "$1" >/dev/null; fi
}

# The "through sg" mode: after a yes to "use the docker group now" this shell keeps
# DOCKHOOK_GROUP=docker, and its docker commands run under `sg docker` (the session predates the
# membership). True when that applies: asked for, and this user is in the docker group in the
# group database (else sg would ask for the group's password — never at Tab completion).
__dockhook_sg_wanted() {
  [[ ${DOCKHOOK_GROUP-} == docker ]] || return 1
  local groups
  groups=" $(command id -Gn -- "${USER:-$(command id -un 2>/dev/null)}" 2>/dev/null) "
  [[ $groups == *' docker '* ]]
}

# docker under `sg docker`, with the status docker exits with. sg takes one string for /bin/sh -c:
# each argument single-quoted (POSIX), and `exec`, so docker replaces that shell and Ctrl-C reaches
# docker alone (sg's waiting parent ignores it), as without dockhook.
__dockhook_sg_run() {
  local arg cmd=exec docker
  docker=$(type -P docker) || docker=docker
  for arg in "$docker" "$@"; do cmd+=" '${arg//\'/\'\\\'\'}'"; done
  command sg docker -c "$cmd"
}

docker() {
  local __dh_status=0 __dh_bin=${_DOCKHOOK_BIN:-dockhook} __dh_dir='' __dh_sock='' __dh_ran=0 __dh_out=() __dh_tty=''
  if [[ -n ${DOCKHOOK_DISABLE-} ]]; then
    command docker "$@"
    return
  fi
  if __dockhook_direct "$@"; then
    command docker "$@" || __dh_status=$?
    # 1 and 125 are the statuses docker exits with when it cannot reach its daemon. Only a
    # person at a terminal is asked; scripts and completion keep docker's answer as it is.
    if [[ $__dh_status -eq 1 || $__dh_status -eq 125 ]] && [[ -t 2 ]] && ! __dockhook_daemon_up "$__dh_sock" && __dockhook_available "$__dh_bin"; then
      local __dh_check=0
      if __dockhook_dir; then __dh_out=(--env-out "$__dh_dir/env.$$"); fi
      __dockhook_tty_save
      # check returns docker's status, or the re-run's after a fix (0 included). _DOCKHOOK_SHELL:
      # the commands dockhook shows are written for this shell.
      _DOCKHOOK_SHELL=bash "$__dh_bin" check --status "$__dh_status" ${__dh_out[@]+"${__dh_out[@]}"} -- "$@" || __dh_check=$?
      __dockhook_tty_restore "$__dh_check"
      __dockhook_handback "$__dh_dir" "env.$$" || __dh_ran=$?
      if [[ $__dh_ran -eq 1 && $__dh_check -ne $__dh_status ]]; then
        # dockhook could not start (a broken install, an argv too long for it): docker's answer stands.
        if __dockhook_zh; then
          printf 'dockhook: 无法运行（状态 %s）；保留 docker 自己的退出状态\n' "$__dh_check" >&2
        else
          printf 'dockhook: could not run (status %s); docker'"'"'s own status is kept\n' "$__dh_check" >&2
        fi
      elif [[ $__dh_ran -ne 1 ]]; then
        __dh_status=$__dh_check
      fi
    fi
    return "$__dh_status"
  fi
  # Completion (docker's own calls `docker … 2>/dev/null`), scripts that discard stderr, or no
  # dockhook to ask: plain docker, nothing else.
  if [[ ! -t 2 && /dev/stderr -ef /dev/null ]] || ! __dockhook_available "$__dh_bin"; then
    if __dockhook_sg_wanted; then
      __dockhook_sg_run "$@"
      return
    fi
    command docker "$@"
    return
  fi
  if __dockhook_dir; then __dh_out=(--env-out "$__dh_dir/env.$$"); fi
  __dockhook_tty_save
  _DOCKHOOK_SHELL=bash "$__dh_bin" exec ${__dh_out[@]+"${__dh_out[@]}"} -- "$@" || __dh_status=$?
  __dockhook_tty_restore "$__dh_status"
  __dockhook_handback "$__dh_dir" "env.$$" || __dh_ran=$?
  if [[ $__dh_ran -eq 1 && $__dh_status -ne 0 ]]; then
    # dockhook died before it ran docker (a truncated or throwing install, a crashing node, an
    # argv too long for it): fail open, run docker as asked and return its status.
    if __dockhook_zh; then
      printf 'dockhook: 无法运行（状态 %s）；改为直接运行 docker\n' "$__dh_status" >&2
    else
      printf 'dockhook: could not run (status %s); running docker without it\n' "$__dh_status" >&2
    fi
    __dh_status=0
    command docker "$@" || __dh_status=$?
  fi
  return "$__dh_status"
}
