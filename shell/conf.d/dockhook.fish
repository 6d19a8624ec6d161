# dockhook for fish, loaded from conf.d: link this file into ~/.config/fish/conf.d/, or give this
# directory's parent to a plugin manager (fisher install /path/to/dockhook/shell). The same as
# `dockhook init fish | source`; when dockhook.fish is beside it, without starting a process.
set -l __dh_shell (path dirname -- (path dirname -- (path resolve -- (status filename))))
if test -r $__dh_shell/dockhook.fish
    set -l __dh_root (path dirname -- $__dh_shell)
    test -r $__dh_root/dist/cli.cjs; and set -g _DOCKHOOK_BIN $__dh_root/bin/dockhook
    source $__dh_shell/dockhook.fish
else if command -q dockhook
    # A manager copied this file away from its package: the dockhook on PATH prints the rest.
    dockhook init fish | source
end
