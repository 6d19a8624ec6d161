# dockhook as a zsh plugin, for plugin managers that source NAME.plugin.zsh: oh-my-zsh (link this
# directory as $ZSH_CUSTOM/plugins/dockhook), antidote (`path:shell`), zinit (`pick`), or plain
# `source`. The same as eval "$(dockhook init zsh)", without starting a process: it sources
# dockhook.zsh beside it and asks the launcher of the same package, else `dockhook` on PATH.

# The plugin's own path, the way the zsh plugin standard finds it (works under any manager).
0=${${ZERO:-${0:#$ZSH_ARGZERO}}:-${(%):-%N}}
0=${${(M)0:#/*}:-$PWD/$0}
# :A resolves symlinks inside zsh: a linked plugin directory still finds its package.
if [[ -r ${0:A:h:h}/dist/cli.cjs ]]; then
  typeset -g _DOCKHOOK_BIN=${0:A:h:h}/bin/dockhook
fi
source "${0:A:h}/dockhook.zsh"
