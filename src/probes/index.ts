// Runs every probe at once, each inside its own time bound, and assembles the facts.
// A probe that fails or overruns leaves its part null ("unknown") and says so in the report.
import { DEFAULT_UNIX_HOST, unixSocketPath } from '../core/endpoint.js';
import type { Endpoint, Facts, HandbackVar, PingFacts, ProbeReport } from '../core/types.js';
import type { System } from '../io/system.js';
import { probeEnvironment } from './environment.js';
import { probeGroups } from './groups.js';
import { probeInstall } from './install.js';
import { probeLogs } from './logs.js';
import { probeRootless } from './rootless.js';
import { probeService } from './service.js';
import { probeSocket } from './socket.js';

export interface ProbeRun {
  facts: Facts;
  reports: ProbeReport[];
}

type Outcome<T> = { value: T | null; report: ProbeReport };

/** Races a probe against its bound; the bound wins even when the probe ignores it. */
async function bounded<T>(sys: System, id: string, timeoutMs: number, work: () => Promise<T>, describe: (value: T) => { ok: boolean; detail: string }): Promise<Outcome<T>> {
  const started = sys.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  try {
    const value = await Promise.race([work(), timeout]);
    const ms = Math.round(sys.now() - started);
    if (value === 'timeout') return { value: null, report: { id, ok: false, ms, detail: `timed out after ${timeoutMs} ms` } };
    return { value, report: { id, ms, ...describe(value) } };
  } catch (error) {
    return { value: null, report: { id, ok: false, ms: Math.round(sys.now() - started), detail: `probe failed: ${(error as Error).message}` } };
  } finally {
    clearTimeout(timer);
  }
}

const describePing = (url: string) => (p: PingFacts) => ({ ok: p.outcome === 'ok' || p.outcome === 'unhealthy', detail: `${url}: ${p.outcome}${p.detail ? ` (${p.detail})` : ''}` });

export async function gatherFacts(sys: System, endpoint: Endpoint, timeoutMs: number, rootlessHost: string | null = null): Promise<ProbeRun> {
  // Leave the probes room inside the overall bound: subprocesses get a little less.
  const inner = Math.max(50, Math.floor(timeoutMs * 0.8));
  const socketPath = unixSocketPath(endpoint.url);
  const isDefault = endpoint.url === DEFAULT_UNIX_HOST;
  const [ping, socket, defaultSocket, service, groups, rootless, environment, install, logs] = await Promise.all([
    bounded(sys, 'ping', timeoutMs, () => sys.ping(endpoint.url, { timeoutMs: inner, tls: endpoint.tls }), describePing(endpoint.url)),
    socketPath === null ? null : bounded(sys, 'socket', timeoutMs, () => probeSocket(sys, socketPath), (s) => ({
      ok: s.exists && s.isSocket && s.writable && !s.worldWritable,
      detail: !s.exists ? `${s.path}: missing${s.dangling ? ' (dangling symlink)' : ''}` : `${s.path}: ${s.isSocket ? 'socket' : 'not a socket'} ${s.ownerName ?? s.uid}:${s.groupName ?? s.gid} ${s.mode?.toString(8)}${s.writable ? ', writable' : ', not writable'}${s.worldWritable ? ', WORLD-WRITABLE' : ''}`,
    })),
    isDefault ? null : bounded(sys, 'default-socket', timeoutMs, () => sys.ping(DEFAULT_UNIX_HOST, { timeoutMs: inner }), describePing(DEFAULT_UNIX_HOST)),
    bounded(sys, 'service', timeoutMs, () => probeService(sys, inner), (s) => ({
      ok: s.dockerdRunning,
      detail: `${s.manager}${s.docker ? `; docker.service ${s.docker.active}/${s.docker.enabled}` : ''}${s.userDocker ? `; user docker.service ${s.userDocker.active}` : ''}; dockerd ${s.dockerdRunning ? 'running' : 'not running'}`,
    })),
    bounded(sys, 'groups', timeoutMs, () => probeGroups(sys), (g) => ({
      ok: g.inProcess || sys.user.uid === 0,
      detail: g.docker === null ? 'no docker group' : `docker (gid ${g.docker.gid}): ${g.inDatabase ? 'member' : 'not a member'} in /etc/group, ${g.inProcess ? 'active' : 'not active'} in this session`,
    })),
    bounded(sys, 'rootless', timeoutMs, () => probeRootless(sys, endpoint, inner, rootlessHost), (r) => ({
      // Root has no rootless daemon of its own; nothing to miss.
      ok: r.socket?.outcome === 'ok' || sys.user.uid === 0,
      detail: `${r.socketPath}: ${r.socket?.outcome ?? 'not probed'}; setup tool ${r.setupTool ? 'present' : 'missing'}; subuid ${r.subuidCount}, subgid ${r.subgidCount}${r.contextHost ? '; context "rootless"' : ''}${r.userUnit ? '; user unit' : ''}`,
    })),
    bounded(sys, 'environment', timeoutMs, () => probeEnvironment(sys, endpoint, inner), (e) => ({
      ok: true,
      detail: [e.wsl ? `WSL ${e.wsl}` : 'not WSL', e.snap ? 'snap docker' : null, e.desktop ? `Docker Desktop ${e.desktop.alive ? 'running' : 'not running'}` : null, ...e.alternatives.map((a) => `${a.runtime} ${a.alive ? 'running' : 'not running'}`)].filter(Boolean).join('; '),
    })),
    bounded(sys, 'install', timeoutMs, () => probeInstall(sys), (i) => ({ ok: i.dockerd !== null, detail: `dockerd ${i.dockerd ?? 'not installed'}; docker ${i.dockerCli ?? 'not on PATH'}` })),
    bounded(sys, 'logs', timeoutMs, () => probeLogs(sys, inner), (l) => ({
      ok: l.daemonJsonError === null,
      detail: l.daemonJsonError ? `${l.daemonJsonError.path}: ${l.daemonJsonError.message}` : `${l.lines.length} telling log line(s)`,
    })),
  ]);
  const tlsLeftovers = (['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'] as const).filter((name) => sys.env[name] !== undefined) as HandbackVar[];
  const facts: Facts = {
    endpoint,
    user: sys.user,
    ping: ping.value ?? { outcome: 'timeout', detail: `${timeoutMs} ms`, podman: false },
    socket: socket?.value ?? null,
    defaultSocket: defaultSocket?.value ?? null,
    service: service.value,
    groups: groups.value,
    rootless: rootless.value,
    environment: environment.value,
    install: install.value,
    logs: logs.value,
    tlsLeftovers,
  };
  const reports = [ping, socket, defaultSocket, service, groups, rootless, environment, install, logs]
    .filter((o): o is NonNullable<typeof o> => o !== null)
    .map((o) => o.report);
  return { facts, reports };
}
