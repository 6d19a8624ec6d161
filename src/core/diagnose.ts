// Facts → one cause, with the evidence that names it and the fixes, best first.
// The rules run in a fixed order; the first that holds wins. A fact that is null (its probe
// failed or timed out) never counts as "no".
import { DEFAULT_UNIX_HOST, unixSocketPath } from './endpoint.js';
import * as F from './fixes.js';
import type { Translate } from './messages/index.js';
import type { Cause, Diagnosis, Facts, Fix, HandbackVar, PingFacts, Preferences } from './types.js';

interface Finding {
  cause: Cause;
  summary: string;
  evidence: string[];
  fixes: Fix[];
}

const DEAD: ReadonlySet<PingFacts['outcome']> = new Set(['enoent', 'refused', 'notsock', 'timeout', 'dns', 'error']);
const DEFAULT_SOCKET_PATH = '/var/run/docker.sock';

export function isReachable(ping: PingFacts): boolean {
  return ping.outcome === 'ok' || ping.outcome === 'unhealthy';
}

export function diagnose(facts: Facts, prefs: Preferences, t: Translate): Diagnosis {
  const found = findCause(facts, prefs, t);
  const fixes = found.fixes.filter((fix) => !prefs.disabledFixes.includes(fix.id));
  return { cause: found.cause, summary: found.summary, evidence: found.evidence, fixes };
}

function findCause(facts: Facts, prefs: Preferences, t: Translate): Finding {
  const { endpoint, ping } = facts;
  const evidence = new Evidence(facts, t);

  if (isReachable(ping)) {
    evidence.worldWritable();
    return { cause: 'healthy', summary: t('cause.healthy', { url: endpoint.url }), evidence: evidence.lines, fixes: [] };
  }

  if (endpoint.contextError !== null && endpoint.context !== null) {
    evidence.add(t('evidence.context-error', { error: endpoint.contextError }));
    return {
      cause: 'stale-context',
      summary: t('cause.stale-context-broken', { context: endpoint.context, error: endpoint.contextError }),
      evidence: evidence.lines,
      fixes: [endpoint.source === 'DOCKER_CONTEXT' ? F.unsetDockerContext(t) : F.useDefaultContext(t)],
    };
  }

  const socketPath = unixSocketPath(endpoint.url);
  if (socketPath === null) return remoteEndpoint(facts, t, evidence);

  const rootless = facts.rootless;
  const rootlessAlive = rootless?.socket !== null && rootless?.socket !== undefined && isReachable(rootless.socket);
  const isDefaultPath = samePath(socketPath, DEFAULT_SOCKET_PATH);
  const isRootlessPath = rootless !== null && samePath(socketPath, rootless.socketPath);

  // The endpoint was chosen on purpose (DOCKER_HOST, -H or a context) and names another socket.
  if (!isDefaultPath) {
    if (isRootlessPath) return rootlessStopped(facts, t, evidence);
    const runtime = runtimeOwning(facts, socketPath);
    if (runtime === 'desktop') return desktopStopped(facts, t, evidence, socketPath);
    if (runtime !== null) return altRuntimeStopped(facts, t, evidence, runtime);
    if (ping.outcome !== 'eacces') {
      if (endpoint.source === 'DOCKER_HOST' || (endpoint.source === 'flag' && endpoint.context === null)) return staleDockerHost(facts, t, evidence);
      if (endpoint.context !== null) return staleContext(facts, t, evidence);
    }
  }

  if (ping.outcome === 'eacces') return permission(facts, prefs, t, evidence, rootlessAlive);

  // From here the socket does not answer at all.
  evidence.socketState();
  if (rootlessAlive && prefs.rootless.prefer !== 'never') return rootlessHostUnset(facts, t, evidence);
  const env = facts.environment;
  if (env?.wsl) return wslNoDaemon(facts, t, evidence);
  if (env?.snap) {
    evidence.add(t('evidence.snap', { path: facts.install?.dockerCli ?? 'docker' }));
    return { cause: 'snap-docker', summary: t('cause.snap-docker'), evidence: evidence.lines, fixes: [F.snapStart(t)] };
  }
  const installed = facts.install === null ? null : facts.install.dockerd !== null;
  if (env?.desktop && !env.desktop.alive && (env.desktop.context || installed === false)) return desktopStopped(facts, t, evidence, env.desktop.socketPath);
  const alt = env?.alternatives.find((a) => !a.alive);
  if (alt && installed === false) return altRuntimeStopped(facts, t, evidence, alt.runtime);
  const rootlessSetUp = rootless !== null && (rootless.userUnit || rootless.contextHost !== null);
  if (rootlessSetUp && (installed === false || prefs.rootless.prefer === 'always' || !facts.service?.dockerdRunning)) {
    if (installed === false || prefs.rootless.prefer === 'always' || rootless.userUnit) return rootlessStopped(facts, t, evidence);
  }
  if (installed === false) {
    evidence.add(t('evidence.dockerd-missing'));
    return { cause: 'daemon-not-installed', summary: t('cause.daemon-not-installed'), evidence: evidence.lines, fixes: [F.installDocker(t)] };
  }
  return localServiceDown(facts, t, evidence);
}

function localServiceDown(facts: Facts, t: Translate, evidence: Evidence): Finding {
  const service = facts.service;
  const logs = facts.logs;
  const jsonError = logs?.daemonJsonError ?? null;
  if (service?.manager === 'systemd' && service.docker) {
    const unit = service.docker;
    evidence.unit('docker.service', unit);
    if (service.dockerSocket) evidence.unit('docker.socket', service.dockerSocket);
    if (unit.load === 'masked' || unit.enabled === 'masked') {
      return { cause: 'service-stopped', summary: t('cause.service-stopped', { state: 'masked' }), evidence: evidence.lines, fixes: [F.unmaskServiceSystemd(t)] };
    }
    if (unit.active === 'failed' || jsonError !== null) return serviceFailed(facts, t, evidence, true);
    if (unit.active !== 'active' && unit.active !== 'activating') {
      evidence.logs();
      return {
        cause: 'service-stopped',
        summary: t('cause.service-stopped', { state: `systemctl is-active docker → ${unit.active ?? 'unknown'}` }),
        evidence: evidence.lines,
        fixes: [F.startServiceSystemd(t), F.enableServiceSystemd(t)],
      };
    }
  }
  if (jsonError !== null) return serviceFailed(facts, t, evidence, false);
  const manager = service?.manager ?? 'none';
  if (service && manager !== 'systemd') evidence.add(t('evidence.no-systemd', { manager: managerLabel(manager) }));
  const start = manager === 'openrc' ? F.startServiceOpenrc(t) : F.startServiceSysv(t);
  if (facts.ping.outcome === 'refused' && facts.socket?.exists && service && !service.dockerdRunning) {
    evidence.add(t('evidence.dockerd-not-running'));
    const restart = manager === 'systemd' ? F.restartServiceSystemd(t) : manager === 'openrc' ? F.startServiceOpenrc(t) : F.restartServiceSysv(t);
    return { cause: 'stale-socket', summary: t('cause.stale-socket', { path: facts.socket.path }), evidence: evidence.lines, fixes: [restart] };
  }
  if (service && !service.dockerdRunning && (facts.ping.outcome === 'enoent' || facts.ping.outcome === 'refused')) {
    evidence.add(t('evidence.dockerd-not-running'));
    evidence.logs();
    const state = manager === 'none' ? t('evidence.dockerd-not-running') : manager === 'openrc' ? 'rc-service docker status → stopped' : 'service docker status → not running';
    return { cause: 'service-stopped', summary: t('cause.service-stopped', { state }), evidence: evidence.lines, fixes: [start] };
  }
  if (service?.dockerdRunning && facts.ping.outcome === 'enoent') evidence.add(t('evidence.dockerd-elsewhere', { path: facts.socket?.path ?? facts.endpoint.url }));
  evidence.logs();
  return { cause: 'unknown', summary: t('cause.unknown', { url: facts.endpoint.url }), evidence: evidence.lines, fixes: [] };
}

function serviceFailed(facts: Facts, t: Translate, evidence: Evidence, systemd: boolean): Finding {
  const fixes: Fix[] = [];
  const jsonError = facts.logs?.daemonJsonError ?? null;
  if (jsonError !== null) {
    evidence.add(t('evidence.daemon-json', { path: jsonError.path, message: jsonError.message }));
    fixes.push(F.validateDaemonJson(t, jsonError.path));
  }
  evidence.logs();
  fixes.push(systemd ? F.restartFailedServiceSystemd(t) : facts.service?.manager === 'openrc' ? F.startServiceOpenrc(t) : F.startServiceSysv(t));
  return { cause: 'service-failed', summary: t('cause.service-failed'), evidence: evidence.lines, fixes };
}

function permission(facts: Facts, prefs: Preferences, t: Translate, evidence: Evidence, rootlessAlive: boolean): Finding {
  const { user, groups, rootless } = facts;
  const socket = facts.socket;
  evidence.socketOwner();
  evidence.worldWritable();
  if (rootlessAlive && prefs.rootless.prefer !== 'never') return rootlessHostUnset(facts, t, evidence);
  const groupName = groups?.docker?.name ?? 'docker';
  if (groups?.docker && socket?.gid !== null && socket?.gid !== undefined && socket.gid !== groups.docker.gid) {
    evidence.add(t('evidence.socket-group-mismatch', { path: socket.path, group: socket.groupName ?? String(socket.gid) }));
  }
  if (groups?.inDatabase && !groups.inProcess) {
    evidence.add(t('evidence.group-not-in-session', { user: user.name, group: groupName, groups: facts.groups === null ? '?' : sessionGroups(facts) }));
    return { cause: 'group-not-active', summary: t('cause.group-not-active', { user: user.name, group: groupName }), evidence: evidence.lines, fixes: [F.useGroupNow(t)] };
  }
  if (groups?.docker) evidence.add(t('evidence.not-in-group', { user: user.name, group: groupName, gid: groups.docker.gid }));
  else if (groups) evidence.add(t('evidence.group-missing'));
  const setup = rootlessSetupFix(facts, t, evidence);
  const addGroup = F.addToDockerGroup(t, user.name, groups?.docker !== null && groups?.docker !== undefined);
  if (setup && prefs.rootless.prefer === 'always') {
    return { cause: 'rootless-available', summary: t('cause.rootless-available', { user: user.name }), evidence: evidence.lines, fixes: [setup, addGroup] };
  }
  const fixes = [addGroup];
  if (setup && prefs.rootless.prefer !== 'never') fixes.push(setup);
  const path = socket?.path ?? unixSocketPath(facts.endpoint.url) ?? DEFAULT_SOCKET_PATH;
  return {
    cause: 'socket-permission',
    summary: t('cause.socket-permission', { user: user.name, path, group: socket?.groupName ?? groupName }),
    evidence: evidence.lines,
    fixes,
  };
}

/** Rootless setup as a fix, when the machine meets the prerequisites (docs: rootless §Prerequisites). */
function rootlessSetupFix(facts: Facts, t: Translate, evidence: Evidence): Fix | null {
  const r = facts.rootless;
  if (r === null || facts.user.uid === 0) return null;
  if (r.userUnit || r.contextHost !== null) return null;
  evidence.add(t('evidence.rootless-prereqs', {
    newuidmap: r.newuidmap ? 'ok' : 'missing',
    newgidmap: r.newgidmap ? 'ok' : 'missing',
    subuid: r.subuidCount,
    subgid: r.subgidCount,
    tool: r.setupTool ?? 'missing',
  }));
  // The setup tool checks only that an entry exists; fewer than 65,536 ids breaks image pulls.
  const tool = r.setupTool;
  const ready = tool !== null && r.newuidmap !== null && r.newgidmap !== null && r.subuidCount >= 65536 && r.subgidCount >= 65536;
  if (!ready) return null;
  // It refuses while the rootful socket is writable for this user unless given --force.
  const force = facts.socket?.writable === true && samePath(facts.socket.path, DEFAULT_SOCKET_PATH);
  if (force) evidence.add(t('evidence.rootless-force', { user: facts.user.name }));
  return F.setupRootless(t, facts.user.name, tool, force);
}

function rootlessHostUnset(facts: Facts, t: Translate, evidence: Evidence): Finding {
  const r = facts.rootless!;
  const host = `unix://${r.socketPath}`;
  evidence.add(t('evidence.rootless-alive', { url: host }));
  const fixes: Fix[] = [F.rootlessEnv(t, host)];
  // A context switch is useless while DOCKER_HOST is set: DOCKER_HOST beats the current context.
  if (r.contextHost !== null && facts.endpoint.source !== 'DOCKER_HOST') fixes.push(F.rootlessContext(t));
  return {
    cause: 'rootless-host-unset',
    summary: t('cause.rootless-host-unset', { user: facts.user.name, rootless: host, url: facts.endpoint.url }),
    evidence: evidence.lines,
    fixes,
  };
}

function rootlessStopped(facts: Facts, t: Translate, evidence: Evidence): Finding {
  const r = facts.rootless;
  evidence.socketState();
  const what = [r?.userUnit ? '~/.config/systemd/user/docker.service' : null, r?.contextHost ? 'context "rootless"' : null].filter(Boolean).join(', ');
  if (what) evidence.add(t('evidence.rootless-setup', { what }));
  const userManager = facts.service?.userDocker ?? null;
  if (userManager) evidence.unit('docker.service (user)', userManager);
  const fixes = userManager !== null || (r?.userUnit && facts.service?.systemdBooted)
    ? [F.startRootlessSystemd(t)]
    : [F.startRootlessManual(t, r?.rootlessScript ?? 'dockerd-rootless.sh')];
  return { cause: 'rootless-stopped', summary: t('cause.rootless-stopped', { user: facts.user.name }), evidence: evidence.lines, fixes };
}

function staleDockerHost(facts: Facts, t: Translate, evidence: Evidence): Finding {
  evidence.socketState();
  evidence.defaultAlive();
  const leftovers = (['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'] as const satisfies readonly HandbackVar[]).filter((name) => facts.tlsLeftovers.includes(name));
  return {
    cause: 'stale-docker-host',
    summary: t('cause.stale-docker-host', { url: facts.endpoint.url }),
    evidence: evidence.lines,
    fixes: [F.unsetDockerHost(t, leftovers)],
  };
}

function staleContext(facts: Facts, t: Translate, evidence: Evidence): Finding {
  evidence.socketState();
  evidence.defaultAlive();
  const fix = facts.endpoint.source === 'DOCKER_CONTEXT' ? F.unsetDockerContext(t) : F.useDefaultContext(t);
  return {
    cause: 'stale-context',
    summary: t('cause.stale-context', { context: facts.endpoint.context ?? '?', url: facts.endpoint.url }),
    evidence: evidence.lines,
    fixes: [fix],
  };
}

function remoteEndpoint(facts: Facts, t: Translate, evidence: Evidence): Finding {
  const { endpoint } = facts;
  const localAlive = facts.defaultSocket !== null && isReachable(facts.defaultSocket);
  if (localAlive) {
    if (endpoint.source === 'DOCKER_HOST') return staleDockerHost(facts, t, evidence);
    if (endpoint.context !== null) return staleContext(facts, t, evidence);
  }
  const detail = t(`ping.${facts.ping.outcome}`, { detail: facts.ping.detail });
  return {
    cause: 'remote-unreachable',
    summary: t('cause.remote-unreachable', { url: endpoint.url, detail }),
    evidence: evidence.lines,
    fixes: [F.checkRemote(t, endpoint.url)],
  };
}

function wslNoDaemon(facts: Facts, t: Translate, evidence: Evidence): Finding {
  const version = facts.environment?.wsl ?? 2;
  evidence.add(t('evidence.wsl', { version }));
  const fixes: Fix[] = [];
  if (facts.install?.dockerd) fixes.push(F.wslStartEngine(t, facts.service?.systemdBooted === true));
  fixes.push(F.wslDesktop(t));
  return { cause: 'wsl-no-daemon', summary: t('cause.wsl-no-daemon', { version }), evidence: evidence.lines, fixes };
}

function desktopStopped(facts: Facts, t: Translate, evidence: Evidence, path: string): Finding {
  evidence.add(t('evidence.desktop', { path, state: t(`ping.${facts.environment?.desktop?.alive ? 'ok' : 'enoent'}`) }));
  return { cause: 'desktop-not-running', summary: t('cause.desktop-not-running', { path }), evidence: evidence.lines, fixes: [F.startDesktopLinux(t)] };
}

function altRuntimeStopped(facts: Facts, t: Translate, evidence: Evidence, runtime: NonNullable<Facts['environment']>['alternatives'][number]['runtime']): Finding {
  const alt = facts.environment?.alternatives.find((a) => a.runtime === runtime);
  if (alt) evidence.add(t('evidence.alt-runtime', { runtime, path: alt.socketPath, state: t(alt.alive ? 'ping.ok' : 'ping.enoent') }));
  return { cause: 'alt-runtime-stopped', summary: t('cause.alt-runtime-stopped', { runtime }), evidence: evidence.lines, fixes: [F.startAltRuntime(t, runtime)] };
}

function runtimeOwning(facts: Facts, path: string): 'desktop' | NonNullable<Facts['environment']>['alternatives'][number]['runtime'] | null {
  const env = facts.environment;
  if (!env) return null;
  if (env.desktop && samePath(env.desktop.socketPath, path)) return 'desktop';
  return env.alternatives.find((a) => samePath(a.socketPath, path))?.runtime ?? null;
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^\/var\/run\//, '/run/').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

function managerLabel(manager: string): string {
  if (manager === 'sysv') return 'service (/etc/init.d/docker)';
  if (manager === 'openrc') return 'OpenRC';
  if (manager === 'none') return 'nothing';
  return manager;
}

function sessionGroups(facts: Facts): string {
  return (facts.groups?.session ?? []).join(',') || '-';
}

/** Collects evidence lines without repeating one. */
class Evidence {
  readonly lines: string[] = [];
  constructor(private readonly facts: Facts, private readonly t: Translate) {
    const { endpoint } = facts;
    this.add(t('evidence.endpoint', { url: endpoint.url, source: endpoint.context ? `${endpoint.source}: ${endpoint.context}` : endpoint.source }));
    if (endpoint.source === 'DOCKER_HOST' && endpoint.url !== DEFAULT_UNIX_HOST) this.add(t('evidence.docker-host', { value: endpoint.url }));
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
    this.add(this.t('evidence.socket-owner', { path: s.path, mode: modeString(s.mode), owner: s.ownerName ?? String(s.uid), group: s.groupName ?? String(s.gid) }));
  }

  worldWritable(): void {
    const s = this.facts.socket;
    if (s?.worldWritable) this.add(this.t('evidence.socket-world-writable', { path: s.path, mode: s.mode === null ? '?' : s.mode.toString(8) }));
  }

  unit(name: string, unit: NonNullable<NonNullable<Facts['service']>['docker']>): void {
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
