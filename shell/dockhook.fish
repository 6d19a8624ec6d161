# dockhook for fish: dockhook init fish | source   (in ~/.config/fish/config.fish)
# Defines a `docker` function that runs the real docker (command docker) and, only when docker
# cannot reach its daemon, asks dockhook why. Harmless when sourced twice; docker's own
# completions keep working (they are looked up by the command name, which is unchanged).

# Where dockhook and this function exchange files: a directory of this user's own, mode 0700,
# in the runtime directory, else in ~/.cache (see shell/dockhook.bash). Prints it.
function __dockhook_dir
    set -l dir
    if string match -q '/*' -- "$XDG_RUNTIME_DIR"; and test -O "$XDG_RUNTIME_DIR"
        set dir $XDG_RUNTIME_DIR/dockhook
    else if string match -q '/*' -- "$HOME"
        set dir $HOME/.cache/dockhook
    else
        return 1
    end
    test -d $dir; or command mkdir -p -m 700 -- $dir 2>/dev/null
    echo $dir
end

# Reads what dockhook handed back in DIR/NAME through one open of the directory (see
# shell/dockhook.bash). fish cannot keep a descriptor open across commands, so one small sh
# gets the directory as its stdin, checks it there (this user's, mode 0700) and prints the
# file; the lines are applied here with builtins, for the names below only, never evaluated.
# 0 the file was there, 1 the directory is private and the file is not (dockhook never ran),
# 2 unknown.
function __dockhook_handback --argument-names dir file
    test -n "$dir"; and test -d "$dir"; and not test -L "$dir"; or return 2
    set -l lines (command sh -c '[ -d /dev/fd/0 ] && [ -O /dev/fd/0 ] && [ "$(stat -L -c %a /dev/stdin 2>/dev/null)" = 700 ] || exit 2
f=/dev/fd/0/$1
[ -f "$f" ] && [ ! -L "$f" ] && [ -O "$f" ] || exit 1
echo ran; cat -- "$f"; rm -f -- "$f"' sh $file <$dir 2>/dev/null)
    set -l st $status
    test "$lines[1]" = ran; or return $st
    for line in $lines[2..-1]
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
        contains -- $name DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH DOCKER_MACHINE_NAME DOCKHOOK_GROUP XDG_RUNTIME_DIR; or continue
        if string match -q 'set *' -- $line
            set -gx $name $value
        else
            set -e $name
        end
    end
    return 0
end

# The terminal's settings from before dockhook ran, put back after a death by signal (see
# shell/dockhook.bash).
function __dockhook_tty_restore --argument-names st tty
    if test $st -gt 128; and test -n "$tty"
        command stty -F /dev/tty $tty 2>/dev/null
    end
    return 0
end

# True when the daemon behind the socket is visibly up: its pid file names a live dockerd
# (see shell/dockhook.bash).
# True when the lines this function says itself should be Chinese (see shell/dockhook.bash).
function __dockhook_zh
    set -l locale $LC_ALL
    test -n "$locale"; or set locale $LC_MESSAGES
    test -n "$locale"; or set locale $LANG
    string match -qri '^zh([_.-]|$)' -- "$locale"
end

function __dockhook_daemon_up --argument-names sock
    set -l pidfile
    switch "$sock"
        case /var/run/docker.sock /run/docker.sock
            set pidfile /var/run/docker.pid
        case ''
            return 1
        case '*'
            test -n "$XDG_RUNTIME_DIR"; and test "$sock" = "$XDG_RUNTIME_DIR/docker.sock"; or return 1
            set pidfile $XDG_RUNTIME_DIR/docker.pid
    end
    test -f $pidfile; and test -r $pidfile; or return 1
    read -l pid <$pidfile
    string match -qr '^[0-9]+$' -- "$pid"; and test -r /proc/$pid/comm; or return 1
    read -l comm </proc/$pid/comm
    test "$comm" = dockerd
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
    set -g __dockhook_sock
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
        # A regular file only (a FIFO would block); string match is linear in its size.
        if test -f $config; and test -r $config
            set -l value (string match -r -g '"currentContext"\s*:\s*"([^"]+)"' <$config)
            if test -n "$value"; and test "$value[1]" != default
                return 0
            end
        end
    end
    set -g __dockhook_sock $sock
    test -S $sock; and test -w $sock
end

# The "through sg" mode (see shell/dockhook.bash): DOCKHOOK_GROUP=docker asked for, and this user
# in the docker group in the group database (else sg would ask for a password).
function __dockhook_sg_wanted
    test "$DOCKHOOK_GROUP" = docker; or return 1
    set -l user $USER
    test -n "$user"; or set user (command id -un 2>/dev/null)
    contains -- docker (string split ' ' -- (command id -Gn -- $user 2>/dev/null))
end

# docker under `sg docker -c 'exec docker …'`, each argument single-quoted for /bin/sh (see
# shell/dockhook.bash): docker's own status, and Ctrl-C reaches docker alone.
# A newline in an argument would not survive fish's command substitution: such a call runs docker
# plainly (never a changed argument).
function __dockhook_sg_run
    set -l docker (command -s docker); or set docker docker
    set -l cmd exec
    for arg in $docker[1] $argv
        if string match -q -r '\n' -- $arg
            command docker $argv
            return
        end
        set -a cmd "'"(string replace -a -- "'" "'\\''" $arg)"'"
    end
    command sg docker -c (string join ' ' -- $cmd)
end

function docker --description 'docker, with dockhook explaining daemon-connection errors'
    set -l bin dockhook
    set -q _DOCKHOOK_BIN; and set bin $_DOCKHOOK_BIN
    # An opt-out, or completion (docker's fish completions call it in command substitutions).
    if test -n "$DOCKHOOK_DISABLE"
        command docker $argv
        return
    end
    if status is-command-substitution
        if __dockhook_sg_wanted
            __dockhook_sg_run $argv
            return
        end
        command docker $argv
        return
    end
    if __dockhook_direct $argv
        command docker $argv
        set -l st $status
        # 1 and 125 are the statuses docker exits with when it cannot reach its daemon. Only a
        # person at a terminal is asked; scripts keep docker's answer as it is.
        if contains -- $st 1 125; and test -t 2; and not __dockhook_daemon_up "$__dockhook_sock"; and command -q $bin
            set -l dir (__dockhook_dir)
            set -l out
            test -n "$dir"; and set out --env-out $dir/env.$fish_pid
            set -l tty (command stty -F /dev/tty -g 2>/dev/null)
            # check returns docker's status, or the re-run's after a fix (0 included). _DOCKHOOK_SHELL:
            # the commands dockhook shows are written in fish syntax.
            _DOCKHOOK_SHELL=fish $bin check --status $st $out -- $argv
            set -l check $status
            __dockhook_tty_restore $check "$tty"
            __dockhook_handback "$dir" env.$fish_pid
            set -l ran $status
            if test $ran -eq 1; and test $check -ne $st
                # dockhook could not start (a broken install, an argv too long for it): docker's answer stands.
                if __dockhook_zh
                    echo "dockhook: 无法运行（状态 $check）；保留 docker 自己的退出状态" >&2
                else
                    echo "dockhook: could not run (status $check); docker's own status is kept" >&2
                end
            else if test $ran -ne 1
                set st $check
            end
        end
        return $st
    end
    # Scripts that discard stderr, or no dockhook to ask: plain docker, nothing else. fish
    # applies a function's redirections to what it runs, not to its own fd 2, so only a command
    # run here can see that `2>/dev/null` was given.
    if begin
            not test -t 2; and command test /dev/fd/2 -ef /dev/null
        end; or not command -q $bin
        if __dockhook_sg_wanted
            __dockhook_sg_run $argv
            return
        end
        command docker $argv
        return
    end
    set -l dir (__dockhook_dir)
    set -l out
    test -n "$dir"; and set out --env-out $dir/env.$fish_pid
    set -l tty (command stty -F /dev/tty -g 2>/dev/null)
    _DOCKHOOK_SHELL=fish $bin exec $out -- $argv
    set -l st $status
    __dockhook_tty_restore $st "$tty"
    __dockhook_handback "$dir" env.$fish_pid
    if test $status -eq 1; and test $st -ne 0
        # dockhook died before it ran docker (see shell/dockhook.bash): fail open.
        if __dockhook_zh
            echo "dockhook: 无法运行（状态 $st）；改为直接运行 docker" >&2
        else
            echo "dockhook: could not run (status $st); running docker without it" >&2
        end
        command docker $argv
        set st $status
    end
    return $st
end
