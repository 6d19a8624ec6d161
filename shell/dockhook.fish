# dockhook for fish: dockhook init fish | source   (in ~/.config/fish/config.fish)
# Defines a `docker` function that runs the real docker (command docker) and, only when docker
# cannot reach its daemon, asks dockhook why. Harmless when sourced twice; docker's own
# completions keep working (they are looked up by the command name, which is unchanged).

# The env hand-back file: `set NAME VALUE` / `unset NAME` lines applied with builtins, for the
# names below only. Nothing in it is ever evaluated.
function __dockhook_apply_env --argument-names file
    test -f "$file"; and test -O "$file"; and not test -L "$file"; or return 0
    while read -l line
        set -l name
        set -l value
        switch $line
            case 'set *'
                set name (string split -m 1 ' ' -- (string sub -s 5 -- $line))
                set value $name[2]
                set name $name[1]
            case 'unset *'
                set name (string sub -s 7 -- $line)
            case '*'
                continue
        end
        contains -- $name DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH DOCKER_MACHINE_NAME; or continue
        if string match -q 'set *' -- $line
            set -gx $name $value
        else
            set -e $name
        end
    end <"$file"
    command rm -f -- "$file"
end

# True when docker can be run directly (see shell/dockhook.bash). Builtins only.
function __dockhook_direct
    set -l skip
    for arg in $argv
        if test -n "$skip"
            set skip
            continue
        end
        switch $arg
            case -H '-H*' --host '--host=*' -c --context '--context=*' --config '--config=*' '--tls*'
                return 0
            case -l --log-level # its value comes next, not the subcommand
                set skip 1
            case '-*'
            case '*'
                break
        end
    end
    set -l sock /var/run/docker.sock
    if set -q DOCKER_HOST; and test -n "$DOCKER_HOST"
        string match -q 'unix://*' -- $DOCKER_HOST; or return 0
        set sock (string replace 'unix://' '' -- $DOCKER_HOST)
        test -n "$sock"; or set sock /var/run/docker.sock
    else if test -n "$DOCKER_CONTEXT$DOCKER_TLS_VERIFY$DOCKER_TLS"
        return 0
    else
        set -l config $HOME/.docker/config.json
        test -n "$DOCKER_CONFIG"; and set config $DOCKER_CONFIG/config.json
        if test -r $config
            set -l value (string match -r -g '"currentContext"\s*:\s*"([^"]+)"' <$config)
            if test -n "$value"; and test "$value[1]" != default
                return 0
            end
        end
    end
    test -S $sock; and test -w $sock
end

function __dockhook_env_file
    set -l dir /tmp
    set -q TMPDIR; and set dir $TMPDIR
    set -q XDG_RUNTIME_DIR; and set dir $XDG_RUNTIME_DIR
    echo $dir/dockhook-(command id -u)/env.$fish_pid
end

function docker --description 'docker, with dockhook explaining daemon-connection errors'
    set -l bin dockhook
    set -q _DOCKHOOK_BIN; and set bin $_DOCKHOOK_BIN
    # An opt-out, or completion (docker's fish completions call it in command substitutions).
    if test -n "$DOCKHOOK_DISABLE"; or status is-command-substitution
        command docker $argv
        return
    end
    if __dockhook_direct $argv
        command docker $argv
        set -l st $status
        # 1 and 125 are the statuses docker exits with when it cannot reach its daemon. Only a
        # person at a terminal is asked; scripts keep docker's answer as it is.
        if contains -- $st 1 125; and test -t 2; and command -q $bin
            set -l env_file (__dockhook_env_file)
            $bin check --status $st --env-out $env_file -- $argv
            set st $status
            __dockhook_apply_env $env_file
        end
        return $st
    end
    # Scripts that discard stderr, or no dockhook to ask: plain docker, nothing else. fish
    # applies a function's redirections to what it runs, not to its own fd 2, so only a command
    # run here can see that `2>/dev/null` was given.
    if begin
            not test -t 2; and command test /dev/fd/2 -ef /dev/null
        end; or not command -q $bin
        command docker $argv
        return
    end
    set -l env_file (__dockhook_env_file)
    $bin exec --env-out $env_file -- $argv
    set -l st $status
    __dockhook_apply_env $env_file
    return $st
end
