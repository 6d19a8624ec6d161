// Runs every probe at once, each inside its own time bound, and assembles the facts.
// A probe that fails or overruns leaves its part null ("unknown") and says so in the report.
import { jsonMistake } from '../core/json-syntax.js';
import { DEFAULT_UNIX_HOST, unixSocketPath } from '../core/endpoint.js';
import type { Endpoint, Facts, HandbackVar, PingFacts, ProbeReport } from '../core/types.js';
import type { Translate } from '../core/messages/index.js';
import { modeString } from '../core/diagnose.js';
import type { System } from '../io/system.js';
import { probeEnvironment } from './environment.js';
import { probeGroups } from './groups.js';
import { probeInstall } from './install.js';
import { probeLogs } from './logs.js';
import { probeRootless } from './rootless.js';
import { probeService } from './service.js';
import { probeSocket } from './socket.js';
import { probeStartupFiles } from './startup.js';

export interface ProbeRun {
  facts: Facts;
  reports: ProbeReport[];
}

type Outcome<T> = { value: T | null; report: ProbeReport };

/** Races a probe against its bound; the bound wins even when the probe ignores it. */
async function bounded<T>(
  sys: System,
  t: Translate,
  id: string,
  timeoutMs: number,
  work: () => Promise<T>,
  describe: (value: T) => { ok: boolean; detail: string },
): Promise<Outcome<T>> {
  const started = sys.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const value = await Promise.race([work(), timeout]);
    const ms = Math.round(sys.now() - started);
    if (value === 'timeout') return { value: null, report: { id, ok: false, ms, detail: t('ping.timeout') + ` (${timeoutMs} ms)` } };
    return { value, report: { id, ms, ...describe(value) } };
  } catch (error) {
    return { value: null, report: { id, ok: false, ms: Math.round(sys.now() - started), detail: t('probe.failed', { message: (error as Error).message }) } };
  } finally {
    clearTimeout(timer);
  }
}

const describePing = (t: Translate, url: string) => (p: PingFacts) => ({
  ok: p.outcome === 'ok' || p.outcome === 'unhealthy',
  detail: t('probe.ping', {
    url,
    outcome: t(`ping.${p.outcome}`, { detail: p.detail }) + (p.detail && p.outcome !== 'error' && p.outcome !== 'unhealthy' ? ` (${p.detail})` : ''),
  }),
});

export async function gatherFacts(sys: System, t: Translate, endpoint: Endpoint, timeoutMs: number, rootlessHost: string | null = null): Promise<ProbeRun> {
  // Leave the probes room inside the overall bound: subprocesses get a little less.
  const inner = Math.max(50, Math.floor(timeoutMs * 0.8));
  const socketPath = unixSocketPath(endpoint.url);
  const isDefault = endpoint.url === DEFAULT_UNIX_HOST;
  const [ping, socket, defaultSocket, service, groups, rootless, environment, install, logs, startup] = await Promise.all([
    // A context that cannot be read stops docker before it connects anywhere ("Failed to initialize"):
    // the socket behind its fallback url may answer, docker never asks it.
    bounded(
      sys,
      t,
      'ping',
      timeoutMs,
      () =>
        endpoint.contextError !== null && endpoint.context !== null
          ? Promise.resolve<PingFacts>({ outcome: 'error', detail: endpoint.contextError, podman: false })
          : sys.ping(endpoint.url, { timeoutMs: inner, tls: endpoint.tls }),
      describePing(t, endpoint.url),
    ),
    socketPath === null
      ? null
      : bounded(
          sys,
          t,
          'socket',
          timeoutMs,
          () => probeSocket(sys, socketPath),
          (s) => ({
            ok: s.exists && s.isSocket && s.writable && !s.worldWritable,
            detail: s.dangling
              ? t('probe.socket-dangling', { path: s.path })
              : s.blockedBy !== null
                ? t('probe.socket-blocked', {
                    path: s.path,
                    dir: s.blockedBy.path,
                    owner: s.blockedBy.ownerName ?? String(s.blockedBy.uid),
                    mode: `d${modeString(s.blockedBy.mode).slice(1)}`,
                  })
                : !s.exists
                  ? t('probe.socket-missing', { path: s.path })
                  : t('probe.socket-present', {
                      path: s.path,
                      kind: t(s.isSocket ? 'probe.socket-kind-socket' : 'probe.socket-kind-other'),
                      mode: s.mode === null ? '?' : modeString(s.mode),
                      owner: s.ownerName ?? String(s.uid),
                      group: s.groupName ?? String(s.gid),
                      access: [t(s.writable ? 'probe.socket-writable' : 'probe.socket-not-writable'), s.worldWritable ? t('probe.socket-world-writable') : null]
                        .filter(Boolean)
                        .join(', '),
                    }),
          }),
        ),
    isDefault
      ? null
      : bounded(sys, t, 'default-socket', timeoutMs, () => sys.ping(DEFAULT_UNIX_HOST, { timeoutMs: inner }), describePing(t, DEFAULT_UNIX_HOST)),
    bounded(
      sys,
      t,
      'service',
      timeoutMs,
      () => probeService(sys, inner),
      (s) => ({
        ok: s.dockerdRunning,
        detail: [
          s.manager === 'none' ? t('probe.service-manager-none') : t('probe.service-manager', { manager: s.manager }),
          s.docker ? t('probe.service-unit', { unit: 'docker.service', active: s.docker.active ?? '?', enabled: s.docker.enabled ?? '?' }) : null,
          s.userDocker
            ? t('probe.service-unit', { unit: 'docker.service (--user)', active: s.userDocker.active ?? '?', enabled: s.userDocker.enabled ?? '?' })
            : null,
          t(s.dockerdRunning ? 'probe.dockerd-running' : 'probe.dockerd-stopped'),
        ]
          .filter(Boolean)
          .join('; '),
      }),
    ),
    bounded(
      sys,
      t,
      'groups',
      timeoutMs,
      () => probeGroups(sys),
      (g) => ({
        ok: g.inProcess || sys.user.uid === 0,
        detail:
          g.docker === null
            ? t('probe.groups-none')
            : t('probe.groups-state', {
                gid: g.docker.gid,
                database: t(g.inDatabase ? 'probe.groups-member' : 'probe.groups-not-member'),
                session: t(g.inProcess ? 'probe.groups-active' : 'probe.groups-inactive'),
              }),
      }),
    ),
    bounded(
      sys,
      t,
      'rootless',
      timeoutMs,
      () => probeRootless(sys, endpoint, inner, rootlessHost),
      (r) => ({
        // Root has no rootless daemon of its own; nothing to miss.
        ok: r.socket?.outcome === 'ok' || sys.user.uid === 0,
        detail: [
          t('probe.rootless-state', {
            path: r.socketPath,
            outcome: r.socket ? t(`ping.${r.socket.outcome}`, { detail: r.socket.detail }) : t('probe.not-probed'),
            subuid: r.subuidCount,
            subgid: r.subgidCount,
            tool: t(r.setupTool !== null ? 'probe.present' : 'probe.missing'),
          }),
          r.contextHost ? t('probe.rootless-context') : null,
          r.userUnit ? t('probe.rootless-unit') : null,
        ]
          .filter(Boolean)
          .join('; '),
      }),
    ),
    bounded(
      sys,
      t,
      'environment',
      timeoutMs,
      () => probeEnvironment(sys, endpoint, inner),
      (e) => ({
        ok: true,
        detail: [
          e.wsl ? t('probe.env-wsl', { version: e.wsl }) : t('probe.env-not-wsl'),
          e.snap ? t('probe.env-snap') : null,
          e.desktop ? t('probe.env-runtime', { runtime: 'Docker Desktop', state: t(e.desktop.alive ? 'probe.running' : 'probe.not-running') }) : null,
          ...e.alternatives.map((a) => t('probe.env-runtime', { runtime: a.runtime, state: t(a.alive ? 'probe.running' : 'probe.not-running') })),
        ]
          .filter(Boolean)
          .join('; '),
      }),
    ),
    bounded(
      sys,
      t,
      'install',
      timeoutMs,
      () => probeInstall(sys),
      (i) => ({
        ok: i.dockerd !== null,
        detail: t('probe.install-state', { dockerd: i.dockerd ?? t('probe.install-none'), docker: i.dockerCli ?? t('probe.install-none') }),
      }),
    ),
    bounded(
      sys,
      t,
      'logs',
      timeoutMs,
      () => probeLogs(sys, inner),
      (l) => ({
        ok: l.daemonJsonError === null,
        detail: l.daemonJson?.syntax
          ? t('probe.logs-json-at', {
              path: l.daemonJson.path,
              what: jsonMistake(t, l.daemonJson.syntax),
              line: l.daemonJson.syntax.line,
              column: l.daemonJson.syntax.column,
            })
          : l.daemonJsonError
            ? t('probe.logs-json', { path: l.daemonJsonError.path, message: l.daemonJsonError.message })
            : t('probe.logs-lines', { count: l.lines.length }),
      }),
    ),
    // Only a DOCKER_HOST that is set can be stale; which start-up file sets it says how to undo it.
    sys.env.DOCKER_HOST
      ? bounded(
          sys,
          t,
          'startup-files',
          timeoutMs,
          () => probeStartupFiles(sys),
          (lines) => ({
            ok: true,
            detail: t('probe.startup-files', { count: lines.length }),
          }),
        )
      : null,
  ]);
  const tlsLeftovers = (['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'] as const).filter(
    (name) => sys.env[name] !== undefined,
  ) as HandbackVar[];
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
    startupFiles: startup?.value ?? null,
  };
  const reports = [ping, socket, defaultSocket, service, groups, rootless, environment, install, logs, startup]
    .filter((o): o is NonNullable<typeof o> => o !== null)
    .map((o) => o.report);
  return { facts, reports };
}
