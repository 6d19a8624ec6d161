// Which daemon the docker CLI will talk to, worked out exactly as the CLI does it.
// Precedence from docker/cli cli/command/cli.go resolveContextName (v29): --context, then -H,
// then DOCKER_HOST (non-empty), then DOCKER_CONTEXT, then currentContext in config.json, then
// the default socket. Note DOCKER_HOST beats DOCKER_CONTEXT, whatever the docs say
// (thaJeztah in docker/buildx#1834).
import type { Endpoint } from './types.js';
import { parseGlobalFlags } from './docker-argv.js';
import { sha256Hex } from './sha256.js';

export const DEFAULT_UNIX_HOST = 'unix:///var/run/docker.sock';

export interface EndpointInput {
  /** The arguments given to docker (global flags come before the subcommand). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** Reads a file, or returns null when it cannot be read. */
  readFile: (path: string) => string | null;
}

/** docker/cli opts/hosts.go ParseHost: what `-H`/DOCKER_HOST turn into. */
export function normalizeHost(raw: string, tls: boolean): string {
  const host = raw.trim();
  if (host === '') return tls ? 'tcp://localhost:2376' : DEFAULT_UNIX_HOST;
  if (host === 'unix://') return DEFAULT_UNIX_HOST;
  const scheme = /^([a-z]+):\/\//i.exec(host)?.[1]?.toLowerCase();
  if (scheme === 'unix' || scheme === 'npipe' || scheme === 'ssh' || scheme === 'fd') return host;
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https' || scheme === undefined) {
    const rest = scheme === undefined ? host : host.slice(scheme.length + 3);
    // ParseTCPAddr fills in the default port 2375, even with TLS; only the empty host gets 2376.
    const hasPort = /:\d+(\/|$)/.test(rest) || /^\[.*\]:\d+/.test(rest);
    return `tcp://${hasPort ? rest : `${rest.replace(/\/$/, '')}:2375`}`;
  }
  return host;
}

export function contextDirName(name: string): string {
  return sha256Hex(name);
}

export function contextMetaPath(configDir: string, name: string): string {
  return `${configDir}/contexts/meta/${contextDirName(name)}/meta.json`;
}

export type ContextLookup = { ok: true; host: string; skipTLSVerify: boolean } | { ok: false; error: string };

/** Reads one context's docker endpoint from the on-disk store (cli/context/store). */
export function readContext(configDir: string, name: string, readFile: EndpointInput['readFile']): ContextLookup {
  const path = contextMetaPath(configDir, name);
  const text = readFile(path);
  if (text === null) return { ok: false, error: `context "${name}": context not found: ${path}` };
  try {
    const meta = JSON.parse(text) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    const host = meta.Endpoints?.docker?.Host;
    if (typeof host !== 'string' || host === '') return { ok: false, error: `context "${name}": cannot find docker endpoint in context` };
    return { ok: true, host, skipTLSVerify: meta.Endpoints?.docker?.SkipTLSVerify === true };
  } catch (error) {
    return { ok: false, error: `context "${name}": parsing ${path}: ${(error as Error).message}` };
  }
}

export function dockerConfigDir(argvConfig: string | null, env: EndpointInput['env'], home: string): string {
  return argvConfig ?? (env.DOCKER_CONFIG || `${home}/.docker`);
}

export function readCurrentContext(configDir: string, readFile: EndpointInput['readFile']): string | null {
  const text = readFile(`${configDir}/config.json`);
  if (text === null) return null;
  try {
    const value = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    // The CLI warns and carries on with defaults when config.json does not parse.
    return null;
  }
}

export function resolveEndpoint(input: EndpointInput): Endpoint {
  const { env } = input;
  const flags = parseGlobalFlags(input.argv);
  const configDir = dockerConfigDir(flags.config, env, input.home);
  const tlsEnv = flags.tls || Boolean(env.DOCKER_TLS_VERIFY) || Boolean(env.DOCKER_TLS);
  const fromContext = (name: string, source: Endpoint['source']): Endpoint => {
    if (name === 'default') return defaultEndpoint(source === 'flag' ? 'flag' : source, null);
    const found = readContext(configDir, name, input.readFile);
    if (!found.ok) return { url: DEFAULT_UNIX_HOST, source, context: name, contextError: found.error, tls: false, configDir };
    return {
      url: normalizeHost(found.host, false),
      source,
      context: name,
      contextError: null,
      tls: /^tcp:/i.test(found.host) && !found.skipTLSVerify && hasContextTLS(configDir, name, input.readFile),
      configDir,
    };
  };
  const defaultEndpoint = (source: Endpoint['source'], host: string | null): Endpoint => ({
    url: normalizeHost(host ?? '', tlsEnv),
    source,
    context: null,
    contextError: null,
    tls: tlsEnv,
    configDir,
  });

  if (flags.context !== null) return fromContext(flags.context, 'flag');
  if (flags.host !== null) return defaultEndpoint('flag', flags.host);
  if (env.DOCKER_HOST) return defaultEndpoint('DOCKER_HOST', env.DOCKER_HOST);
  if (env.DOCKER_CONTEXT) return fromContext(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT');
  const current = readCurrentContext(configDir, input.readFile);
  if (current !== null && current !== 'default') return fromContext(current, 'context');
  return defaultEndpoint('default', null);
}

function hasContextTLS(configDir: string, name: string, readFile: EndpointInput['readFile']): boolean {
  return readFile(`${configDir}/contexts/tls/${contextDirName(name)}/docker/ca.pem`) !== null;
}

/** The filesystem path of a unix:// endpoint, else null. */
export function unixSocketPath(url: string): string | null {
  const match = /^unix:\/\/(\/.*)$/i.exec(url);
  return match?.[1] ?? null;
}
