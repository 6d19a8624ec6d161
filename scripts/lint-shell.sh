#!/usr/bin/env bash
# Lints the shell integration and the scripts: shellcheck for bash and sh, zsh -n and
# fish --no-execute for syntax, fish_indent for fish style. A linter that is not installed is
# skipped with the reason outside CI; with CI set it fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
ci=0
case ${CI-} in '' | 0 | false | FALSE | False) ;; *) ci=1 ;; esac

# Prints why a check cannot run and returns 1 when the tool is missing (fails the run in CI).
have() {
  command -v "$1" >/dev/null && return 0
  if [[ $ci -eq 1 ]]; then
    echo "lint-shell: $1 is missing (Debian package $2), and CI is set" >&2
    status=1
  else
    echo "lint-shell: skipped $3: $1 is not installed (Debian package $2)" >&2
  fi
  return 1
}

if have shellcheck shellcheck 'shellcheck of shell/dockhook.bash, install.sh, scripts/ and bin/'; then
  shellcheck -s bash shell/dockhook.bash install.sh scripts/*.sh || status=1
  shellcheck -s sh bin/dockhook bin/docker-doctor || status=1
fi
if have zsh zsh 'the zsh syntax check'; then
  for f in shell/dockhook.zsh shell/dockhook.plugin.zsh; do zsh -n "$f" || status=1; done
fi
fish_files=(shell/dockhook.fish shell/conf.d/dockhook.fish)
if have fish fish 'the fish syntax check'; then
  for f in "${fish_files[@]}"; do fish --no-execute "$f" || status=1; done
fi
if have fish_indent fish 'the fish_indent style check'; then
  for f in "${fish_files[@]}"; do
    if ! diff -u "$f" <(fish_indent <"$f"); then
      echo "lint-shell: $f is not fish_indent-clean" >&2
      status=1
    fi
  done
fi
exit $status
