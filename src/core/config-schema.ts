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
  disabledFixes: [],
  language: 'auto',
};

const KNOWN_KEYS = new Set(['autoApply', 'retry', 'rootless', 'sudo', 'probeTimeoutMs', 'disabledFixes', 'language']);

export interface Validated {
  config: Config;
  problems: ConfigProblem[];
}

const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

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
  for (const key of Object.keys(input)) if (!KNOWN_KEYS.has(key)) problems.push({ id: 'config.unknown-key', params: { key } });

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
    if (Array.isArray(sudo) && sudo.length > 0 && sudo.every((s) => typeof s === 'string' && s !== '' && !/[\s;|&$`]/.test(s))) config.sudo = sudo as string[];
    else problems.push({ id: 'config.bad-sudo', params: { got: shown(input.sudo) } });
  }
  if (input.probeTimeoutMs !== undefined) {
    const ms = input.probeTimeoutMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 50 && ms <= 30000) config.probeTimeoutMs = Math.round(ms);
    else problems.push({ id: 'config.bad-timeout', params: { got: shown(ms), fallback: DEFAULT_CONFIG.probeTimeoutMs } });
  }
  if (input.disabledFixes !== undefined) {
    if (Array.isArray(input.disabledFixes) && input.disabledFixes.every((s) => typeof s === 'string')) config.disabledFixes = input.disabledFixes as string[];
    else problems.push({ id: 'config.bad-disabled' });
  }
  return { config, problems };
}
