#!/usr/bin/env bash
# Installs dockhook from this checkout for you (or, as root, for the machine), idempotently.
#
#   ./install.sh                 build, install, add the init line to your shell's rc file
#   ./install.sh --shell fish    choose the shell (default: from $SHELL); repeat for several
#   ./install.sh --no-rc         do not touch rc files
#   ./install.sh --prefix DIR    install into DIR/lib/node_modules, link DIR/bin/dockhook, as
#                                npm -g --prefix does (default ~/.local: for you alone, root too;
#                                --prefix /usr/local installs for every user of the machine)
#   ./install.sh --uninstall     remove what install.sh added, rc files back byte for byte
#
# It installs the package exactly as `npm install -g` does (npm pack, then npm install -g
# --prefix), so the checkout is not needed afterwards: install.sh leaves it as it found it.
# Nothing is compiled: the pseudo-terminal addon ships prebuilt inside its registry package.
# Also installed: `docker doctor`, a docker CLI plugin in ${DOCKER_CONFIG:-~/.docker}/cli-plugins.
set -euo pipefail

here=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
begin='# >>> dockhook >>>'
end='# <<< dockhook <<<'
# A line inside the block, for --uninstall: install.sh made the file / ended its last line.
created_note='# (install.sh created this file)'
newline_note='# (install.sh ended the line above this block)'
shells=()
touch_rc=1
uninstall=0
prefix=${HOME}/.local

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'install.sh: %s\n' "$*" >&2; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --shell) [[ $# -ge 2 ]] || die "--shell needs bash, zsh or fish"; shells+=("$2"); shift 2 ;;
    --no-rc) touch_rc=0; shift ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
case $prefix in
  /*) ;;
  *) prefix=$PWD/$prefix ;;
esac
# The paths go into rc files inside single quotes; keep them plain.
case $prefix in
  *"'"* | *\\* | *$'\n'*) die "the prefix must not contain quotes, backslashes or newlines: $prefix" ;;
esac
prefix=${prefix%/}
bin_dir=$prefix/bin
pkg_dir=$prefix/lib/node_modules/dockhook
plugin_dir=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
manifest=$pkg_dir/.install-created

rc_file() {
  case $1 in
    bash) printf '%s\n' "${HOME}/.bashrc" ;;
    zsh) printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc" ;;
    fish) printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish" ;;
    *) die "unknown shell $1 (bash, zsh or fish)" ;;
  esac
}

# Reads a whole file, every byte (rc files hold no NUL), into the variable named by $2.
slurp() {
  IFS= read -r -d '' "$2" <"$1" || true
}

# Removes every marked block, leaving the rest of the file byte for byte as it was before
# install.sh added it (and the file itself when install.sh created it and nothing else is left).
remove_block() {
  local file=$1 text before block after created=0 tmp
  [[ -f $file ]] && grep -qxF "$begin" "$file" || return 0
  slurp "$file" text
  while [[ $text == "$begin"$'\n'* || $text == *$'\n'"$begin"$'\n'* ]]; do
    if [[ $text == "$begin"$'\n'* ]]; then before=; else before=${text%%$'\n'"$begin"$'\n'*}$'\n'; fi
    block=${text:${#before}}
    after=
    if [[ $block == *$'\n'"$end"$'\n'* ]]; then
      after=${block#*$'\n'"$end"$'\n'}
      block=${block%%$'\n'"$end"$'\n'*}
    elif [[ $block == *$'\n'"$end" ]]; then
      block=${block%$'\n'"$end"}
    else
      die "$file: '$begin' without '$end'; fix the file by hand"
    fi
    [[ $block == *$'\n'"$newline_note"$'\n'* || $block == *$'\n'"$newline_note" ]] && before=${before%$'\n'}
    [[ $block == *$'\n'"$created_note"$'\n'* || $block == *$'\n'"$created_note" ]] && created=1
    text=$before$after
  done
  if [[ $created -eq 1 && -z $text ]]; then
    rm -f -- "$file"
    return 0
  fi
  tmp=$(mktemp "${file}.dockhook.XXXXXX")
  printf '%s' "$text" >"$tmp"
  # cat into the file keeps its owner, mode and links.
  cat -- "$tmp" >"$file"
  rm -f -- "$tmp"
}

# The block for one shell: the bin dir on PATH (when it is not a system one) and the init line.
block_lines() {
  local sh=$1 lines=()
  case $bin_dir in
    /usr/local/bin | /usr/bin | /bin) ;;
    *)
      if [[ $sh == fish ]]; then
        lines+=("contains -- '$bin_dir' \$PATH; or set -gx PATH '$bin_dir' \$PATH")
      else
        lines+=("case \":\$PATH:\" in *':$bin_dir:'*) ;; *) export PATH='$bin_dir'\":\$PATH\" ;; esac")
      fi
      ;;
  esac
  if [[ $sh == fish ]]; then lines+=('dockhook init fish | source'); else lines+=("eval \"\$(dockhook init $sh)\""); fi
  printf '%s\n' "${lines[@]}"
}

add_block() {
  local sh=$1 file notes=() last=''
  file=$(rc_file "$sh")
  if [[ -f $file ]] && grep -qxF "$begin" "$file"; then
    say "$file already loads dockhook"
    return 0
  fi
  if [[ ! -e $file ]]; then
    notes+=("$created_note")
    make_dir "$(dirname -- "$file")"
  elif [[ -s $file ]]; then
    last=$(tail -c 1 -- "$file" | od -An -c | tr -d ' ')
    [[ $last == '\n' ]] || notes+=("$newline_note")
  fi
  {
    [[ -s $file && $last != '\n' ]] && printf '\n'
    printf '%s\n' "$begin"
    [[ ${#notes[@]} -gt 0 ]] && printf '%s\n' "${notes[@]}"
    block_lines "$sh"
    printf '%s\n' "$end"
  } >>"$file"
  say "added to $file: $(block_lines "$sh" | tail -n 1)"
}

# Directories install.sh makes are listed in the manifest, so --uninstall removes exactly those.
made_dirs=()
make_dir() {
  local dir=$1 missing=()
  while [[ ! -d $dir ]]; do missing=("$dir" "${missing[@]}"); dir=$(dirname -- "$dir"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  mkdir -p -- "${missing[-1]}"
  made_dirs+=("${missing[@]}")
}

if [[ $uninstall -eq 1 ]]; then
  created=()
  [[ -f $manifest ]] && mapfile -t created <"$manifest"
  # What `npm uninstall -g --prefix` would remove (without npm, which would leave a ~/.npm).
  # The link may also be an older install.sh's, into a checkout.
  if [[ -L $bin_dir/dockhook ]]; then rm -f -- "$bin_dir/dockhook"; say "removed $bin_dir/dockhook"; fi
  if [[ -d $pkg_dir ]]; then rm -rf -- "$pkg_dir"; say "removed $pkg_dir"; fi
  if [[ -L $plugin_dir/docker-doctor ]]; then rm -f -- "$plugin_dir/docker-doctor"; say "removed the docker CLI plugin $plugin_dir/docker-doctor"; fi
  for sh in bash zsh fish; do
    file=$(rc_file "$sh")
    if [[ -f $file ]] && grep -qxF "$begin" "$file"; then remove_block "$file"; say "removed the init line from $file"; fi
  done
  # The shell functions' private hand-back directory, when there was no runtime directory.
  if [[ -d $HOME/.cache/dockhook && ! -L $HOME/.cache/dockhook && -O $HOME/.cache/dockhook ]]; then rm -rf -- "$HOME/.cache/dockhook"; fi
  # Deepest first; only directories install.sh made, and only when nothing else is in them.
  for ((i = ${#created[@]} - 1; i >= 0; i--)); do
    if [[ -d ${created[i]} ]]; then rmdir -- "${created[i]}" 2>/dev/null || true; fi
  done
  exit 0
fi

command -v node >/dev/null || die "Node.js 20.12 or newer is needed (https://nodejs.org or your distribution's nodejs package)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 12) ? 0 : 1)' ||
  die "Node.js 20.12 or newer is needed (found $(node --version))"
command -v npm >/dev/null || die "npm is needed (it comes with Node.js)"

cd "$here"
# The build writes node_modules/ and dist/ into the checkout (and takes them away after). A shared
# checkout this user cannot write (/opt/dockhook, owned by root) gets one line, not npm's trace.
if [[ ! -w . ]] || { [[ -e dist ]] && [[ ! -w dist ]]; } || { [[ -e node_modules ]] && [[ ! -w node_modules ]]; }; then
  # A copy, not `git clone`: git refuses another user's repository ("dubious ownership").
  owner=$(stat -c %U -- "$here" 2>/dev/null) || owner='?'
  die "cannot write $here (owned by $owner): copy it yourself (cp -r $here ~/dockhook) and run ./install.sh there"
fi
work=$(mktemp -d)
# On failure npm's own log ("A complete log of this run can be found in: …") stays where npm said it
# is: the throwaway cache's _logs; everything else of the work directory goes.
cleanup() {
  local status=$?
  if [[ $status -ne 0 && -d $work/npm-cache/_logs ]]; then
    find "$work" -mindepth 1 -maxdepth 1 ! -name npm-cache -exec rm -rf -- {} + 2>/dev/null
    find "$work/npm-cache" -mindepth 1 -maxdepth 1 ! -name _logs -exec rm -rf -- {} + 2>/dev/null
  else
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT
# npm keeps a download cache in ~/.npm. When there is none yet, use a throwaway one, so that
# installing leaves nothing behind but what --uninstall removes.
if [[ -z ${npm_config_cache:-} && ! -d $HOME/.npm ]]; then export npm_config_cache=$work/npm-cache; fi
had_modules=0 had_dist=0
[[ -d node_modules ]] && had_modules=1
[[ -d dist ]] && had_dist=1
# npm ci builds once (the prepare script); an existing node_modules only needs the build.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing the build tools (npm ci) and building"
  npm ci --no-fund --no-audit --no-update-notifier --loglevel=error >&2
else
  say "building"
  npm run --silent build >&2
fi
npm pack --ignore-scripts --silent --pack-destination "$work" >/dev/null
tarball=$(printf '%s\n' "$work"/dockhook-*.tgz)
[[ -f $tarball ]] || die "npm pack made no tarball"
# The checkout goes back to how it was: the installed copy does not need it.
[[ $had_modules -eq 1 ]] || rm -rf node_modules
[[ $had_dist -eq 1 ]] || rm -rf dist

make_dir "$prefix/lib/node_modules"
make_dir "$bin_dir"
[[ -f $manifest ]] && cp -- "$manifest" "$work/manifest"
say "installing into $pkg_dir"
# --prefix also moves npm's global config file (PREFIX/etc/npmrc); keep the machine's, which may
# name the registry, a proxy or a CA file.
globalconfig=$(npm config get globalconfig)
npm install -g --prefix "$prefix" --globalconfig "$globalconfig" --no-fund --no-audit --no-update-notifier --loglevel=error "$tarball" >&2
[[ -x $pkg_dir/bin/dockhook ]] || die "npm did not install $pkg_dir/bin/dockhook"
say "linked $bin_dir/dockhook -> $(readlink -- "$bin_dir/dockhook")"

make_dir "$plugin_dir"
ln -sfn "$pkg_dir/bin/docker-doctor" "$plugin_dir/docker-doctor"
say "linked the docker CLI plugin: \`docker doctor\` runs \`dockhook doctor\` ($plugin_dir/docker-doctor)"
if [[ $touch_rc -eq 1 ]]; then
  for sh in "${shells[@]}"; do add_block "$sh"; done
fi
# Remember what install.sh made (a reinstall keeps the first install's list).
prior=()
[[ -f $work/manifest ]] && mapfile -t prior <"$work/manifest"
printf '%s\n' "${prior[@]}" "${made_dirs[@]}" | grep -v '^$' >"$manifest" || true
# A program cannot change the PATH of the shell that started it: name the full path for this one.
case ":$PATH:" in
  *":$bin_dir:"*) say "done: new shells load the integration; \`dockhook doctor\` checks this machine." ;;
  *) say "done: new shells find \`dockhook\` and load the integration; in this shell, run $bin_dir/dockhook doctor" ;;
esac
