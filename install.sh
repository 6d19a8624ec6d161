#!/usr/bin/env bash
# Installs dockhook from this checkout and wires it into your shell, idempotently.
#
#   ./install.sh                 build, link `dockhook` into a bin dir, add the init line to your rc file
#   ./install.sh --shell fish    choose the shell (default: from $SHELL); repeat for several
#   ./install.sh --no-rc         do not touch rc files
#   ./install.sh --bin-dir DIR   where the `dockhook` link goes (default /usr/local/bin as root, else ~/.local/bin)
#   ./install.sh --uninstall     remove the link and the init lines
set -euo pipefail

here=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
begin='# >>> dockhook >>>'
end='# <<< dockhook <<<'
shells=()
touch_rc=1
uninstall=0
if [[ $(id -u) -eq 0 ]]; then bin_dir=/usr/local/bin; else bin_dir=${HOME}/.local/bin; fi

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'install.sh: %s\n' "$*" >&2; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --shell) [[ $# -ge 2 ]] || die "--shell needs bash, zsh or fish"; shells+=("$2"); shift 2 ;;
    --no-rc) touch_rc=0; shift ;;
    --bin-dir) [[ $# -ge 2 ]] || die "--bin-dir needs a directory"; bin_dir=$2; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if [[ ${#shells[@]} -eq 0 ]]; then
  case ${SHELL-} in
    */zsh) shells=(zsh) ;;
    */fish) shells=(fish) ;;
    *) shells=(bash) ;;
  esac
fi

rc_file() {
  case $1 in
    bash) printf '%s\n' "${HOME}/.bashrc" ;;
    zsh) printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc" ;;
    fish) printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish" ;;
    *) die "unknown shell $1 (bash, zsh or fish)" ;;
  esac
}

# Removes the marked block, leaving everything else in the file byte for byte.
remove_block() {
  local file=$1 tmp
  [[ -f $file ]] && grep -qF "$begin" "$file" || return 0
  tmp=$(mktemp "${file}.dockhook.XXXXXX")
  awk -v b="$begin" -v e="$end" '$0 == b {skip = 1; next} $0 == e {skip = 0; next} !skip' "$file" >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

if [[ $uninstall -eq 1 ]]; then
  if [[ -L $bin_dir/dockhook ]]; then rm -f "$bin_dir/dockhook"; say "removed $bin_dir/dockhook"; fi
  for sh in bash zsh fish; do
    file=$(rc_file "$sh")
    if [[ -f $file ]] && grep -qF "$begin" "$file"; then remove_block "$file"; say "removed the init line from $file"; fi
  done
  exit 0
fi

command -v node >/dev/null || die "Node.js 20 or newer is needed (https://nodejs.org or your distribution's nodejs package)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 12) ? 0 : 1)' ||
  die "Node.js 20.12 or newer is needed (found $(node --version))"

cd "$here"
if [[ ! -d node_modules ]]; then
  say "installing dependencies (npm ci)"
  npm ci --no-fund --no-audit --loglevel=error >&2
fi
say "building"
npm run --silent build >&2

mkdir -p "$bin_dir"
ln -sfn "$here/bin/dockhook" "$bin_dir/dockhook"
say "linked $bin_dir/dockhook"

# Call dockhook by name when its directory is on PATH, else by absolute path.
case ":${PATH}:" in
  *":${bin_dir}:"*) exe=dockhook ;;
  *) exe=$bin_dir/dockhook ;;
esac

if [[ $touch_rc -eq 1 ]]; then
  for sh in "${shells[@]}"; do
    file=$(rc_file "$sh")
    if [[ -f $file ]] && grep -qF "$begin" "$file"; then
      say "$file already loads dockhook"
      continue
    fi
    mkdir -p "$(dirname "$file")"
    if [[ $sh == fish ]]; then line="$exe init fish | source"; else line="eval \"\$($exe init $sh)\""; fi
    printf '\n%s\n%s\n%s\n' "$begin" "$line" "$end" >>"$file"
    say "added to $file: $line"
  done
fi
say "done. Open a new shell (or source your rc file); \`dockhook doctor\` checks this machine."
