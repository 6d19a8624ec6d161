# dockhook for bash: eval "$(dockhook init bash)" in ~/.bashrc
# Defines a `docker` function that runs the real docker (command docker) and, only when docker
# cannot reach its daemon, asks dockhook why. Safe under set -euo pipefail, harmless when
# sourced twice, and it leaves PROMPT_COMMAND, traps and docker's completion alone.

# The env hand-back file: dockhook writes `set NAME VALUE` / `unset NAME` lines; this applies
# them with builtins, for the names below only. Nothing in it is ever evaluated.
__dockhook_apply_env() {
  local file=$1 line name value
  [[ -f $file && -O $file && ! -L $file ]] || return 0
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
      DOCKER_HOST | DOCKER_CONTEXT | DOCKER_TLS_VERIFY | DOCKER_TLS | DOCKER_CERT_PATH | DOCKER_MACHINE_NAME) ;;
      *) continue ;;
    esac
    if [[ $line == set\ * ]]; then
      export "$name=$value"
    else
      unset "$name"
    fi
  done <"$file"
  command rm -f -- "$file"
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
    if [[ -r $config ]]; then
      content=
      IFS= read -r -d '' content <"$config" || :
      value=${content#*\"currentContext\"}
      if [[ $value != "$content" ]]; then
        value=${value#*\"}
        value=${value%%\"*}
        [[ -n $value && $value != default ]] && return 0
      fi
    fi
    sock=/var/run/docker.sock
  fi
  [[ -S $sock && -w $sock ]]
}

# True when dockhook can be asked: its launcher is there and runnable.
__dockhook_available() {
  if [[ $1 == */* ]]; then [[ -x $1 ]]; else type -P "$1" >/dev/null; fi
}

docker() {
  local __dh_status=0 __dh_bin=${_DOCKHOOK_BIN:-dockhook} __dh_env
  if [[ -n ${DOCKHOOK_DISABLE-} ]]; then
    command docker "$@"
    return
  fi
  __dh_env=${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}/dockhook-$UID/env.$$
  if __dockhook_direct "$@"; then
    command docker "$@" || __dh_status=$?
    # 1 and 125 are the statuses docker exits with when it cannot reach its daemon. Only a
    # person at a terminal is asked; scripts and completion keep docker's answer as it is.
    if [[ $__dh_status -eq 1 || $__dh_status -eq 125 ]] && [[ -t 2 ]] && __dockhook_available "$__dh_bin"; then
      # check returns docker's status, or the re-run's after a fix (0 included).
      if "$__dh_bin" check --status "$__dh_status" --env-out "$__dh_env" -- "$@"; then
        __dh_status=0
      else
        __dh_status=$?
      fi
      __dockhook_apply_env "$__dh_env"
    fi
    return "$__dh_status"
  fi
  # Completion (docker's own calls `docker … 2>/dev/null`), scripts that discard stderr, or no
  # dockhook to ask: plain docker, nothing else.
  if [[ ! -t 2 && /dev/stderr -ef /dev/null ]] || ! __dockhook_available "$__dh_bin"; then
    command docker "$@"
    return
  fi
  "$__dh_bin" exec --env-out "$__dh_env" -- "$@" || __dh_status=$?
  __dockhook_apply_env "$__dh_env"
  return "$__dh_status"
}
