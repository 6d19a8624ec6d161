// What the rules in rules.ts look at: the facts, plus the few things derived from them that several
// rules share (which socket the endpoint names, whether it answers at all, whether a rootless daemon
// is alive), computed once. Also the evidence collector every rule writes its lines into.
import { DEFAULT_UNIX_HOST, unixSocketPath } from './endpoint.js';
import type { Translate } from './messages/index.js';
import type { AltRuntime, Facts, PingFacts, Preferences, UnitFacts } from './types.js';

export const DEFAULT_SOCKET_PATH = '/var/run/docker.sock';

/**
 * Where the endpoint stands, decided before any rule runs; rules of one phase never compete with
 * rules of another, so the order in rules.ts only matters among rules of the same phase.
 * - `reachable`: the daemon answers.
 * - `broken-context`: the selected context cannot even be read.
 * - `remote`: tcp:// or ssh://.
 * - `elsewhere`: the endpoint was chosen on purpose and names another local socket that something
 *   claims (the rootless daemon, Docker Desktop, colima…, or a DOCKER_HOST / context that does not
 *   answer and is not merely refusing this user).
 * - `denied`: the socket refuses this user (EACCES), or a directory on the way to it does — even when
 *   the endpoint names a rootless or Desktop socket: one this user may not reach is not theirs.
 * - `dead`: the socket does not answer at all.
 */
export type Phase = 'reachable' | 'broken-context' | 'remote' | 'elsewhere' | 'denied' | 'dead';

export interface Situation {
  facts: Facts;
  prefs: Preferences;
  t: Translate;
  phase: Phase;
  /** The unix socket the endpoint names, or null for tcp:// and ssh://. */
  socketPath: string | null;
  /** The endpoint names the rootless daemon's socket. */
  rootlessPath: boolean;
  /** The runtime whose socket the endpoint names (only for a non-default local socket). */
  runtime: 'desktop' | AltRuntime | null;
  /** A rootless daemon answers for this user. */
  rootlessAlive: boolean;
  /** dockerd is on this machine (null: the install probe did not answer). */
  installed: boolean | null;
  /** The systemd docker.service, when systemd manages services and knows the unit. */
  unit: UnitFacts | null;
}

export function isReachable(ping: PingFacts): boolean {
  return ping.outcome === 'ok' || ping.outcome === 'unhealthy';
}

export function situation(facts: Facts, prefs: Preferences, t: Translate): Situation {
  const { endpoint, ping, rootless } = facts;
  const socketPath = unixSocketPath(endpoint.url);
  const rootlessAlive = rootless?.socket !== null && rootless?.socket !== undefined && isReachable(rootless.socket);
  const chosen = socketPath !== null && !samePath(socketPath, DEFAULT_SOCKET_PATH);
  const rootlessPath = chosen && rootless !== null && samePath(socketPath, rootless.socketPath);
  const runtime = chosen && !rootlessPath ? runtimeOwning(facts, socketPath) : null;
  const named = endpoint.source === 'DOCKER_HOST' || (endpoint.source === 'flag' && endpoint.context === null) || endpoint.context !== null;
  let phase: Phase;
  if (isReachable(ping)) phase = 'reachable';
  else if (endpoint.contextError !== null && endpoint.context !== null) phase = 'broken-context';
  else if (socketPath === null) phase = 'remote';
  else if (ping.outcome === 'eacces' && facts.socket?.blockedBy) phase = 'denied';
  else if (chosen && (rootlessPath || runtime !== null || (ping.outcome !== 'eacces' && named))) phase = 'elsewhere';
  else if (ping.outcome === 'eacces') phase = 'denied';
  else phase = 'dead';
  const service = facts.service;
  return {
    facts,
    prefs,
    t,
    phase,
    socketPath,
    rootlessPath,
    runtime,
    rootlessAlive,
    installed: facts.install === null ? null : facts.install.dockerd !== null,
    unit: service?.manager === 'systemd' && service.docker ? service.docker : null,
  };
}

function runtimeOwning(facts: Facts, path: string): 'desktop' | AltRuntime | null {
  const env = facts.environment;
  if (!env) return null;
  if (env.desktop && samePath(env.desktop.socketPath, path)) return 'desktop';
  return env.alternatives.find((a) => samePath(a.socketPath, path))?.runtime ?? null;
}

export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^\/var\/run\//, '/run/').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

/** Where the endpoint came from, in words: the -H flag, DOCKER_HOST, the current context "x"… */
export function endpointSource(t: Translate, endpoint: Facts['endpoint']): string {
  const context = endpoint.context ?? '';
  switch (endpoint.source) {
    case 'flag':
      return endpoint.context === null ? t('source.flag-host') : t('source.flag-context', { context });
    case 'DOCKER_CONTEXT':
      return t('source.docker-context', { context });
    case 'context':
      return t('source.context', { context });
    case 'default':
      return t('source.default');
    default:
      return endpoint.source;
  }
}

/** Collects evidence lines without repeating one. */
export class Evidence {
  readonly lines: string[] = [];
  constructor(
    private readonly facts: Facts,
    private readonly t: Translate,
  ) {
    const { endpoint } = facts;
    this.add(t('evidence.endpoint', { url: endpoint.url, source: endpointSource(t, endpoint) }));
    if (endpoint.source === 'DOCKER_HOST' && endpoint.url !== DEFAULT_UNIX_HOST) this.add(t('evidence.docker-host', { value: endpoint.url }));
    // A context that cannot be read has no endpoint: its url is a stand-in docker never dials, and
    // the context's own error (a line of the rule's) says why.
    if (endpoint.contextError === null || endpoint.context === null)
      this.add(t('evidence.ping', { url: endpoint.url, outcome: t(`ping.${facts.ping.outcome}`, { detail: facts.ping.detail }) }));
  }

  add(line: string): void {
    if (!this.lines.includes(line)) this.lines.push(line);
  }

  socketState(): void {
    const s = this.facts.socket;
    if (s === null) return;
    if (s.dangling) this.add(this.t('evidence.socket-dangling', { path: s.path }));
    else if (!s.exists) this.add(this.t('evidence.socket-missing', { path: s.path }));
    else if (!s.isSocket) this.add(this.t('evidence.socket-not-socket', { path: s.path }));
    else if (this.facts.ping.outcome === 'refused') this.add(this.t('evidence.socket-refused', { path: s.path }));
  }

  socketOwner(): void {
    const s = this.facts.socket;
    if (s === null || !s.exists || s.mode === null) return;
    this.add(
      this.t('evidence.socket-owner', { path: s.path, mode: modeString(s.mode), owner: s.ownerName ?? String(s.uid), group: s.groupName ?? String(s.gid) }),
    );
  }

  worldWritable(): void {
    const s = this.facts.socket;
    if (s?.worldWritable) this.add(this.t('evidence.socket-world-writable', { path: s.path, mode: s.mode === null ? '?' : s.mode.toString(8) }));
  }

  unit(name: string, unit: UnitFacts): void {
    this.add(this.t('evidence.systemd-unit', { unit: name, active: unit.active ?? '?', enabled: unit.enabled ?? '?', result: unit.result ?? '?' }));
  }

  defaultAlive(): void {
    const d = this.facts.defaultSocket;
    if (d !== null && isReachable(d)) this.add(this.t('evidence.default-alive', { url: DEFAULT_UNIX_HOST }));
    const r = this.facts.rootless;
    if (r?.socket && isReachable(r.socket)) this.add(this.t('evidence.rootless-alive', { url: `unix://${r.socketPath}` }));
  }

  logs(): void {
    for (const line of this.facts.logs?.lines ?? []) this.add(this.t('evidence.log', { line }));
  }
}

export function modeString(mode: number): string {
  const bits = 'rwxrwxrwx';
  let out = 's';
  for (let i = 0; i < 9; i += 1) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}
