# dockhook for zsh: eval "$(dockhook init zsh)" in ~/.zshrc
# Defines a `docker` function that runs the real docker (command docker) and, only when docker
# cannot reach its daemon, asks dockhook why. Safe under set -euo pipefail (and no_unset),
# harmless when sourced twice; it adds no hooks and leaves docker's completion (compdef) alone.

# Where dockhook and this function exchange files: a directory of this user's own, mode 0700,
# in the runtime directory, else in ~/.cache (see shell/dockhook.bash). Sets __dh_dir.
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

# Reads what dockhook handed back in DIR/NAME through one open of the directory, checked to be
# this user's, mode 0700, not a symlink (see shell/dockhook.bash). Lines are applied with
# builtins for the names below only; nothing is ever evaluated. 0 the file was there, 1 the
# directory is private and the file is not (dockhook never ran), 2 unknown.
__dockhook_handback() {
  emulate -L zsh
  local dir=$1 file=$2 fd line name value st=2
  [[ -n $dir && -d $dir && ! -L $dir ]] || return 2
  # (The braces keep 2>/dev/null to this open: on exec itself it would silence the shell.)
  { exec {fd}<"$dir"; } 2>/dev/null || return 2
  if [[ -d /proc/self/fd/$fd && -O /proc/self/fd/$fd && $(command stat -L -c %a /dev/stdin <&$fd 2>/dev/null) == 700 ]]; then
    st=1
    if [[ -f /proc/self/fd/$fd/$file && ! -L /proc/self/fd/$fd/$file && -O /proc/self/fd/$fd/$file ]]; then
      st=0
      while IFS= read -r line || [[ -n $line ]]; do
        case $line in
          ('set '*)
            name=${line#set }
            value=${name#* }
            name=${name%% *}
            ;;
          ('unset '*)
            name=${line#unset }
            value=
            ;;
          (*) continue ;;
        esac
        case $name in
          (DOCKER_HOST|DOCKER_CONTEXT|DOCKER_TLS_VERIFY|DOCKER_TLS|DOCKER_CERT_PATH|DOCKER_MACHINE_NAME|DOCKHOOK_GROUP|XDG_RUNTIME_DIR) ;;
          (*) continue ;;
        esac
        if [[ $line == 'set '* ]]; then
          export "$name=$value"
        else
          unset "$name"
        fi
      done <"/proc/self/fd/$fd/$file"
      command rm -f -- "/dev/fd/0/$file" <&$fd
    fi
  fi
  exec {fd}<&-
  return $st
}

# True when the daemon behind the socket is visibly up: its pid file names a live dockerd
# (see shell/dockhook.bash).
__dockhook_daemon_up() {
  emulate -L zsh
  local pidfile pid='' comm=''
  case $1 in
    (/var/run/docker.sock|/run/docker.sock) pidfile=/var/run/docker.pid ;;
    ('') return 1 ;;
    (*)
      [[ -n ${XDG_RUNTIME_DIR-} && $1 == "$XDG_RUNTIME_DIR/docker.sock" ]] || return 1
      pidfile=$XDG_RUNTIME_DIR/docker.pid
      ;;
  esac
  [[ -f $pidfile && -r $pidfile ]] || return 1
  IFS= read -r pid <"$pidfile" || [[ -n $pid ]] || return 1
  [[ $pid == <-> && -r /proc/$pid/comm ]] || return 1
  IFS= read -r comm <"/proc/$pid/comm" || :
  [[ $comm == dockerd ]]
}

# True when docker can be run directly (see shell/dockhook.bash). Builtins only.
__dockhook_direct() {
  emulate -L zsh
  local arg sock config content value skip= MATCH MBEGIN MEND
  local -a match mbegin mend
  for arg in "$@"; do
    if [[ -n $skip ]]; then
      skip=
      continue
    fi
    case $arg in
      (-H|-H*|--host|--host=*|-c|--context|--context=*|--config|--config=*|--tls*) return 0 ;;
      (-l|--log-level) skip=1 ;; # its value comes next, not the subcommand
      (-*) ;;
      (*) break ;;
    esac
  done
  if [[ -n ${DOCKER_HOST-} ]]; then
    case $DOCKER_HOST in
      (unix://*) sock=${DOCKER_HOST#unix://} sock=${sock:-/var/run/docker.sock} ;;
      (*) return 0 ;;
    esac
  elif [[ -n ${DOCKER_CONTEXT-} || -n ${DOCKER_TLS_VERIFY-} || -n ${DOCKER_TLS-} ]]; then
    return 0
  else
    config=${DOCKER_CONFIG:-${HOME-}/.docker}/config.json
    # A regular file only, its first 256 KiB, one regex match: linear in its size (see bash).
    if [[ -f $config && -r $config ]]; then
      content=
      IFS= read -r -k 262144 -u 0 content <"$config" || :
      if [[ $content =~ '"currentContext"[[:space:]]*:[[:space:]]*"([^"]*)"' ]]; then
        value=$match[1]
        [[ -n $value && $value != default ]] && return 0
      fi
    fi
    sock=/var/run/docker.sock
  fi
  __dh_sock=$sock
  [[ -S $sock && -w $sock ]]
}

# The terminal's settings before dockhook runs, and back after a death by signal (see
# shell/dockhook.bash).
__dockhook_tty_save() {
  __dh_tty=$(command stty -F /dev/tty -g 2>/dev/null) || __dh_tty=''
}
__dockhook_tty_restore() {
  if [[ $1 -gt 128 && -n $__dh_tty ]]; then command stty -F /dev/tty "$__dh_tty" 2>/dev/null || :; fi
}

# True when the lines this function says itself should be Chinese (see shell/dockhook.bash).
__dockhook_zh() {
  local locale=${LC_ALL:-${LC_MESSAGES:-${LANG-}}}
  [[ $locale == [zZ][hH] || $locale == [zZ][hH][_.-]* ]]
}

# True when dockhook can be asked: its launcher is there and runnable.
__dockhook_available() {
  if [[ $1 == */* ]]; then [[ -x $1 ]]; else (( ${+commands[$1]} )); fi
}

# The "through sg" mode (see shell/dockhook.bash): DOCKHOOK_GROUP=docker asked for, and this user
# in the docker group in the group database (else sg would ask for a password).
__dockhook_sg_wanted() {
  [[ ${DOCKHOOK_GROUP-} == docker ]] || return 1
  local groups
  groups=" $(command id -Gn -- "${USER:-$(command id -un 2>/dev/null)}" 2>/dev/null) "
  [[ $groups == *' docker '* ]]
}

# docker under `sg docker -c 'exec docker …'`, each argument single-quoted for /bin/sh (see
# shell/dockhook.bash): docker's own status, and Ctrl-C reaches docker alone.
__dockhook_sg_run() {
  local arg cmd=exec docker
  docker=$(whence -p docker) || docker=docker
  for arg in "$docker" "$@"; do cmd+=" ${(qq)arg}"; done
  command sg docker -c "$cmd"
}

docker() {
  local __dh_status=0 __dh_bin=${_DOCKHOOK_BIN:-dockhook} __dh_dir='' __dh_sock='' __dh_ran=0 __dh_tty=''
  local -a __dh_out
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
      _DOCKHOOK_SHELL=zsh "$__dh_bin" check --status "$__dh_status" "${__dh_out[@]}" -- "$@" || __dh_check=$?
      __dockhook_tty_restore "$__dh_check"
      __dockhook_handback "$__dh_dir" "env.$$" || __dh_ran=$?
      if [[ $__dh_ran -eq 1 && $__dh_check -ne $__dh_status ]]; then
        # dockhook could not start (a broken install, an argv too long for it): docker's answer stands.
        if __dockhook_zh; then
          print -ru2 -- "dockhook: 无法运行（状态 $__dh_check）；保留 docker 自己的退出状态"
        else
          print -ru2 -- "dockhook: could not run (status $__dh_check); docker's own status is kept"
        fi
      elif [[ $__dh_ran -ne 1 ]]; then
        __dh_status=$__dh_check
      fi
    fi
    return "$__dh_status"
  fi
  # Completion (_call_program runs `docker …` with stderr on /dev/null), scripts that discard
  # stderr, or no dockhook to ask: plain docker, nothing else.
  if [[ ! -t 2 && /dev/fd/2 -ef /dev/null ]] || ! __dockhook_available "$__dh_bin"; then
    if __dockhook_sg_wanted; then
      __dockhook_sg_run "$@"
      return
    fi
    command docker "$@"
    return
  fi
  if __dockhook_dir; then __dh_out=(--env-out "$__dh_dir/env.$$"); fi
  __dockhook_tty_save
  _DOCKHOOK_SHELL=zsh "$__dh_bin" exec "${__dh_out[@]}" -- "$@" || __dh_status=$?
  __dockhook_tty_restore "$__dh_status"
  __dockhook_handback "$__dh_dir" "env.$$" || __dh_ran=$?
  if [[ $__dh_ran -eq 1 && $__dh_status -ne 0 ]]; then
    # dockhook died before it ran docker (see shell/dockhook.bash): fail open.
    if __dockhook_zh; then
      print -ru2 -- "dockhook: 无法运行（状态 $__dh_status）；改为直接运行 docker"
    else
      print -ru2 -- "dockhook: could not run (status $__dh_status); running docker without it"
    fi
    __dh_status=0
    command docker "$@" || __dh_status=$?
  fi
  return "$__dh_status"
}
