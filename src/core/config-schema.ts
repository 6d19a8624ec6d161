// The configuration's shape, defaults and validation. Pure: io/config.ts does the reading.
// A wrong value never stops docker: it is reported in one line and the default is used.
import type { Message } from './messages/index.js';

/** A problem with the configuration, as a message id and its placeholders. */
export type ConfigProblem = Message;

export type AutoApply = 'never' | 'safe' | 'all';

export interface Config {
  /** Apply fixes without asking: never (default), safe (no root, this user only) or all. */
  autoApply: AutoApply;
  /** Re-run the failed command after a fix. */
  retry: boolean;
  rootless: { prefer: 'auto' | 'always' | 'never'; host: string | null };
  /** argv used for privileged commands, e.g. ["sudo"] or ["doas"]. */
  sudo: string[];
  /** Time bound for each probe. */
  probeTimeoutMs: number;
  /** After a fix that starts a daemon, how long to wait for it to answer before looking again. */
  startTimeoutMs: number;
  /** Fix ids never to offer. */
  disabledFixes: string[];
  language: 'auto' | 'en' | 'zh';
}

export const DEFAULT_CONFIG: Config = {
  autoApply: 'never',
  retry: true,
  rootless: { prefer: 'auto', host: null },
  sudo: ['sudo'],
  probeTimeoutMs: 1500,
  startTimeoutMs: 30000,
  disabledFixes: [],
  language: 'auto',
};

const KNOWN_KEYS = new Set(['autoApply', 'retry', 'rootless', 'sudo', 'probeTimeoutMs', 'startTimeoutMs', 'disabledFixes', 'language']);

export interface Validated {
  config: Config;
  problems: ConfigProblem[];
}

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** "a, b, c, d, e (+7)": a list that stays one short line. */
function listed(keys: readonly string[], max = 5): string {
  const shownKeys = keys.slice(0, max).map((key) => (key.length > 40 ? `${key.slice(0, 37)}...` : key));
  return keys.length > max ? `${shownKeys.join(', ')} (+${keys.length - max})` : shownKeys.join(', ');
}

/**
 * The programs dockhook will put in front of a root-only command, and the flags each may carry:
 * flags that change how the program asks or what environment it keeps, never ones that take a
 * value, name another user or start a shell. A program is named on PATH or by absolute path.
 */
export const PRIVILEGE_PROGRAMS: Readonly<Record<string, readonly string[]>> = {
  sudo: ['-A', '--askpass', '-E', '--preserve-env', '-H', '--set-home', '-k', '--reset-timestamp', '-n', '--non-interactive', '-S', '--stdin'],
  doas: ['-n'],
  run0: ['--no-ask-password'],
  pkexec: ['--disable-internal-agent', '--keep-cwd'],
};

export function isPrivilegeArgv(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'string')) return false;
  const [program, ...flags] = value as string[];
  const slash = program!.lastIndexOf('/');
  // A bare name (found on PATH) or a clean absolute path: nothing relative, no "." or "..".
  if (slash >= 0 && (!program!.startsWith('/') || /\/\.{0,2}(\/|$)/.test(program!))) return false;
  const name = program!.slice(slash + 1);
  const allowed = Object.hasOwn(PRIVILEGE_PROGRAMS, name) ? PRIVILEGE_PROGRAMS[name]! : null;
  return allowed !== null && flags.every((flag) => allowed.includes(flag));
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, problems: ConfigProblem[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push({ id: 'config.bad-choice', params: { key, allowed: allowed.join(', '), got: shown(value), fallback } });
  return fallback;
}

export function validateConfig(raw: unknown): Validated {
  const problems: ConfigProblem[] = [];
  const config: Config = structuredClone(DEFAULT_CONFIG);
  if (raw === null || raw === undefined) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ id: 'config.not-object' });
    return { config, problems };
  }
  const input = raw as Record<string, unknown>;
  // $import would read (and, in cosmiconfig, execute) another file: dockhook reads one file.
  if (Object.hasOwn(input, '$import')) problems.push({ id: 'config.import' });
  // One line for all unknown keys, however many: a pasted or imported file must not flood.
  const unknown = Object.keys(input).filter((key) => !KNOWN_KEYS.has(key) && key !== '$import');
  if (unknown.length > 0) problems.push({ id: 'config.unknown-keys', params: { keys: listed(unknown) } });

  config.autoApply = oneOf(input.autoApply, ['never', 'safe', 'all'] as const, 'autoApply', problems, DEFAULT_CONFIG.autoApply);
  config.language = oneOf(input.language, ['auto', 'en', 'zh'] as const, 'language', problems, DEFAULT_CONFIG.language);
  if (input.retry !== undefined) {
    if (typeof input.retry === 'boolean') config.retry = input.retry;
    else problems.push({ id: 'config.bad-retry', params: { got: shown(input.retry) } });
  }
  if (input.rootless !== undefined) {
    const r = input.rootless;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) problems.push({ id: 'config.bad-rootless' });
    else {
      const rootless = r as Record<string, unknown>;
      config.rootless.prefer = oneOf(rootless.prefer, ['auto', 'always', 'never'] as const, 'rootless.prefer', problems, 'auto');
      if (rootless.host !== undefined && rootless.host !== null) {
        if (typeof rootless.host === 'string' && /^unix:\/\/\/\S+$/.test(rootless.host)) config.rootless.host = rootless.host;
        else problems.push({ id: 'config.bad-rootless-host', params: { got: shown(rootless.host) } });
      }
    }
  }
  if (input.sudo !== undefined) {
    // An argv, never a string for a shell: "sudo -E" would be one program name.
    const sudo = typeof input.sudo === 'string' ? [input.sudo] : input.sudo;
    if (isPrivilegeArgv(sudo)) config.sudo = [...sudo];
    else problems.push({ id: 'config.bad-sudo', params: { got: shown(input.sudo) } });
  }
  if (input.probeTimeoutMs !== undefined) {
    const ms = input.probeTimeoutMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 50 && ms <= 30000) config.probeTimeoutMs = Math.round(ms);
    else problems.push({ id: 'config.bad-timeout', params: { got: shown(ms), fallback: DEFAULT_CONFIG.probeTimeoutMs } });
  }
  if (input.startTimeoutMs !== undefined) {
    const ms = input.startTimeoutMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 1000 && ms <= 600000) config.startTimeoutMs = Math.round(ms);
    else problems.push({ id: 'config.bad-start-timeout', params: { got: shown(ms), fallback: DEFAULT_CONFIG.startTimeoutMs } });
  }
  if (input.disabledFixes !== undefined) {
    if (Array.isArray(input.disabledFixes) && input.disabledFixes.every((s) => typeof s === 'string')) config.disabledFixes = input.disabledFixes as string[];
    else problems.push({ id: 'config.bad-disabled' });
  }
  return { config, problems };
}
