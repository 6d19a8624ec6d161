#!/usr/bin/env bash
# `npm test`: sets up what the suites need, then builds, type-checks, checks the formatting
# (Prettier), lints the TypeScript (ESLint) and the shell scripts, and runs every suite. On a fresh Debian or Ubuntu machine, as root, it installs the Debian packages
# the end-to-end suites use (a real engine, the three shells, rootless tooling, the linters) and
# the npm dependencies; without root it names the missing packages and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# One list, used by CI and developers alike (.ci/run runs this same command).
packages=(
  docker.io zsh fish uidmap rootlesskit slirp4netns busybox-static sudo shellcheck bash-completion
  procps iproute2 python3 util-linux curl strace
)

say() { printf 'npm test: %s\n' "$*" >&2; }

missing=()
if command -v dpkg-query >/dev/null; then
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
  for pkg in "${packages[@]}"; do
    grep -qx "$pkg install ok installed" <<<"$installed" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      say "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      say "the end-to-end suites need these Debian packages, missing here: ${missing[*]}"
      say "install them as root:  sudo apt-get install ${missing[*]}"
      say "(the unit suites alone need none of them: npm ci && npm run test:unit)"
      exit 1
    fi
  fi
else
  say "not a Debian-like system (no dpkg-query): the packages are not checked; without them the end-to-end suites skip (and fail with CI=true)"
fi

# npm dependencies, when node_modules is missing or older than the lockfile.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-fund --no-audit --loglevel=error >&2
else
  npm run --silent build
fi
npm run --silent typecheck
npm run --silent format:check
npm run --silent lint:ts
npm run --silent lint:shell
exec npx vitest run "$@"
