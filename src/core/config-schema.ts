// The configuration's shape, defaults and validation. Pure: io/config.ts does the reading.
// A wrong value never stops docker: it is reported in one line and the default is used.

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
  problems: string[];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, problems: string[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}); using "${fallback}"`);
  return fallback;
}

export function validateConfig(raw: unknown): Validated {
  const problems: string[] = [];
  const config: Config = structuredClone(DEFAULT_CONFIG);
  if (raw === null || raw === undefined) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('the file must hold an object; using the defaults');
    return { config, problems };
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!KNOWN_KEYS.has(key)) problems.push(`unknown key "${key}" ignored`);

  config.autoApply = oneOf(input.autoApply, ['never', 'safe', 'all'] as const, 'autoApply', problems, DEFAULT_CONFIG.autoApply);
  config.language = oneOf(input.language, ['auto', 'en', 'zh'] as const, 'language', problems, DEFAULT_CONFIG.language);
  if (input.retry !== undefined) {
    if (typeof input.retry === 'boolean') config.retry = input.retry;
    else problems.push(`retry must be true or false (got ${JSON.stringify(input.retry)}); using true`);
  }
  if (input.rootless !== undefined) {
    const r = input.rootless;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) problems.push('rootless must be an object; using the defaults');
    else {
      const rootless = r as Record<string, unknown>;
      config.rootless.prefer = oneOf(rootless.prefer, ['auto', 'always', 'never'] as const, 'rootless.prefer', problems, 'auto');
      if (rootless.host !== undefined && rootless.host !== null) {
        if (typeof rootless.host === 'string' && /^unix:\/\/\/\S+$/.test(rootless.host)) config.rootless.host = rootless.host;
        else problems.push(`rootless.host must be a unix:///path URL (got ${JSON.stringify(rootless.host)}); ignored`);
      }
    }
  }
  if (input.sudo !== undefined) {
    // An argv, never a string for a shell: "sudo -E" would be one program name.
    const sudo = typeof input.sudo === 'string' ? [input.sudo] : input.sudo;
    if (Array.isArray(sudo) && sudo.length > 0 && sudo.every((s) => typeof s === 'string' && s !== '' && !/[\s;|&$`]/.test(s))) config.sudo = sudo as string[];
    else problems.push(`sudo must be a program name or an argv array like ["doas"] (got ${JSON.stringify(input.sudo)}); using ["sudo"]`);
  }
  if (input.probeTimeoutMs !== undefined) {
    const ms = input.probeTimeoutMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 50 && ms <= 30000) config.probeTimeoutMs = Math.round(ms);
    else problems.push(`probeTimeoutMs must be a number from 50 to 30000 (got ${JSON.stringify(ms)}); using ${DEFAULT_CONFIG.probeTimeoutMs}`);
  }
  if (input.disabledFixes !== undefined) {
    if (Array.isArray(input.disabledFixes) && input.disabledFixes.every((s) => typeof s === 'string')) config.disabledFixes = input.disabledFixes as string[];
    else problems.push('disabledFixes must be a list of fix ids; ignored');
  }
  return { config, problems };
}
