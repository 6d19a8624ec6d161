// The environment every benchmarked process gets: the caller's, minus everything that would make
// one side differ from the other or leak the user's own set-up (docker endpoint, dockhook config,
// rc files, npm's variables), plus a private HOME and a PATH on which `dockhook` is installed
// the way install.sh installs it (a symlink to bin/dockhook).
import { existsSync } from 'node:fs';

const DROP =
  /^(DOCKER_|DOCKHOOK_|npm_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$|BASH_ENV$|ENV$|ZDOTDIR$|XDG_CONFIG_HOME$|XDG_DATA_HOME$|XDG_RUNTIME_DIR$|TSX_|INIT_CWD$|PROMPT_COMMAND$|_DOCKHOOK_)/;

/** The CA bundle this machine names in NODE_EXTRA_CA_CERTS (or Debian's, if the variable is unset). */
export function caBundle(): string | null {
  const named = process.env.NODE_EXTRA_CA_CERTS;
  if (named) return named;
  const debian = '/etc/ssl/certs/ca-certificates.crt';
  return existsSync(debian) ? debian : null;
}

export interface EnvOptions {
  home: string;
  /** Directory holding the `dockhook` symlink; goes first on PATH. */
  binDir: string;
}

export function baseEnv(options: EnvOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || DROP.test(name)) continue;
    out[name] = value;
  }
  // npm run puts node_modules/.bin (and node-gyp's bin) first: a user's shell has neither.
  const path = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
    .split(':')
    .filter((dir) => dir !== '' && !dir.includes('node_modules/.bin') && !dir.includes('node-gyp-bin'));
  out.PATH = [options.binDir, ...path].join(':');
  out.HOME = options.home;
  out.DOCKHOOK_CONFIG = '';
  out.NO_COLOR = '1';
  out.LANG = 'C.UTF-8';
  return out;
}

export type CaSetting = 'set' | 'unset';
export const CA_SETTINGS: readonly CaSetting[] = ['set', 'unset'];

/** `env` with NODE_EXTRA_CA_CERTS set to the machine's bundle, or removed. */
export function withCa(env: Record<string, string>, setting: CaSetting, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = { ...env };
  const bundle = caBundle();
  if (setting === 'set' && bundle) out.NODE_EXTRA_CA_CERTS = bundle;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}
