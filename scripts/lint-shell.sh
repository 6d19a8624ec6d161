#!/usr/bin/env bash
# Lints the shell integration and the scripts: shellcheck for bash and sh, zsh -n and
# fish --no-execute for syntax, fish_indent for fish style.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if command -v shellcheck >/dev/null; then
  shellcheck -s bash shell/dockhook.bash install.sh || status=1
  shellcheck -s sh bin/dockhook || status=1
elif [[ ${CI-} == true ]]; then
  echo "lint-shell: shellcheck is missing" >&2
  exit 1
fi
zsh -n shell/dockhook.zsh || status=1
fish --no-execute shell/dockhook.fish || status=1
if ! diff -u shell/dockhook.fish <(fish_indent <shell/dockhook.fish); then
  echo "lint-shell: shell/dockhook.fish is not fish_indent-clean" >&2
  status=1
fi
exit $status
