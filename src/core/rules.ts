// The diagnosis, as an ordered list: one entry per cause. diagnose.ts walks the list and the first
// entry whose `applies` holds names the cause; its `explain` writes the evidence and returns the
// summary and the fixes (best first). `Cause` is derived from this list.
//
// The order: every situation first falls into one phase (situation.ts: reachable, broken-context,
// remote, elsewhere, denied, dead) and rules only compete with rules that apply in the same phase.
// Each entry's `position` says why it stands where it does among those.
//
// Adding a cause: see "Add a cause" in docs/internals.md. The checks that point you to the rest:
// the type check at the end of this file (a summary message `cause.ID` in both catalogues),
// test/unit/diagnose.test.ts (a row in the table, a line in the README).
import * as F from './fixes.js';
import { rootlessLogPath } from './rootless-log.js';
import type { MessageId } from './messages/index.js';
import { DEFAULT_SOCKET_PATH, type Evidence, isReachable, modeString, samePath, type Situation } from './situation.js';
import { unixSocketPath } from './endpoint.js';
import { shortLine, tellingLines } from './daemon-log.js';
import { jsonMistake } from './json-syntax.js';
import { explainReason, readServiceFailure } from './reasons.js';
import { explainRootless, readRootlessFailure, rootlessBlockers, rootlessDiedInLog } from './rootless-reasons.js';
import type { AltRuntime, BlockedDir, Facts, Fix, HandbackVar, Reason } from './types.js';

/** What a rule says once it holds: the evidence goes into the collector it is given. */
export interface Explanation {
  summary: string;
  fixes: Fix[];
  /** Why the daemon died (service-failed, rootless-failed); null for every other cause. */
  reason?: Reason | null;
  /** The daemon's own line that proves the reason. */
  proof?: string | null;
}

export interface Rule<C extends string = string> {
  cause: C;
  /** Why this entry stands where it does in the list. */
  position: string;
  applies(s: Situation): boolean;
  explain(s: Situation, evidence: Evidence): Explanation;
}

const rule = <C extends string>(r: Rule<C>): Rule<C> => r;

export const RULES = [
  rule({
    cause: 'healthy',
    position: 'First: a daemon that answers needs no fix, whatever else looks odd.',
    applies: (s) => s.phase === 'reachable',
    explain: ({ facts, t }, ev) => {
      ev.worldWritable();
      return { summary: t('cause.healthy', { url: facts.endpoint.url }), fixes: [] };
    },
  }),
  rule({
    cause: 'stale-context',
    position:
      'Before everything that reads the endpoint: an unreadable context has no endpoint to probe. A dead remote or chosen socket is blamed on the context only when DOCKER_HOST did not choose it (the next rule).',
    applies: (s) =>
      s.phase === 'broken-context' ||
      (s.phase === 'remote' && localAlive(s) && s.facts.endpoint.source !== 'DOCKER_HOST' && s.facts.endpoint.context !== null) ||
      (s.phase === 'elsewhere' && !s.rootlessPath && s.runtime === null && !namedByHost(s)),
    explain: ({ facts, t }, ev) => {
      const { endpoint } = facts;
      const fix = endpoint.source === 'DOCKER_CONTEXT' ? F.unsetDockerContext(t) : F.useDefaultContext(t);
      if (endpoint.contextError !== null && endpoint.context !== null) {
        ev.add(t('evidence.context-error', { error: endpoint.contextError }));
        return { summary: t('cause.stale-context-broken', { context: endpoint.context, error: endpoint.contextError }), fixes: [fix] };
      }
      ev.socketState();
      ev.defaultAlive();
      return { summary: t('cause.stale-context', { context: endpoint.context ?? '?', url: endpoint.url }), fixes: [fix] };
    },
  }),
  rule({
    cause: 'stale-docker-host',
    position:
      'With stale-context: an endpoint chosen on purpose that names nothing alive. A remote one counts only while the local daemon answers (else it is remote-unreachable).',
    applies: (s) =>
      (s.phase === 'remote' && localAlive(s) && s.facts.endpoint.source === 'DOCKER_HOST') ||
      (s.phase === 'elsewhere' && !s.rootlessPath && s.runtime === null && namedByHost(s)),
    explain: (s, ev) => {
      const { facts, t } = s;
      ev.socketState();
      ev.defaultAlive();
      startupEvidence(s, ev);
      // `docker -H …` on the command line: no variable to unset; dropping the flag is the person's step.
      if (facts.endpoint.source === 'flag')
        return { summary: t('cause.dead-host-flag', { url: facts.endpoint.url }), fixes: [F.dropHostFlag(t, facts.endpoint.url)] };
      const leftovers = (['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'] as const satisfies readonly HandbackVar[]).filter((name) =>
        facts.tlsLeftovers.includes(name),
      );
      return { summary: t('cause.stale-docker-host', { url: facts.endpoint.url }), fixes: [F.unsetDockerHost(t, leftovers)] };
    },
  }),
  rule({
    cause: 'remote-unreachable',
    position: 'Last of the remote phase: nothing local to blame, the remote host itself does not answer.',
    applies: (s) => s.phase === 'remote',
    explain: ({ facts, t }) => {
      const detail = t(`ping.${facts.ping.outcome}`, { detail: facts.ping.detail });
      return { summary: t('cause.remote-unreachable', { url: facts.endpoint.url, detail }), fixes: [F.checkRemote(t, facts.endpoint.url)] };
    },
  }),
  rule({
    cause: 'rootless-host-unset',
    position:
      'First for a socket that refuses or is dead: a rootless daemon already answers for this user, so pointing docker at it beats any root fix (unless the user said never).',
    applies: (s) => (s.phase === 'denied' || s.phase === 'dead') && s.rootlessAlive && s.prefs.rootless.prefer !== 'never',
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      const { facts, t } = s;
      const r = facts.rootless!;
      const host = `unix://${r.socketPath}`;
      ev.add(t('evidence.rootless-alive', { url: host }));
      startupEvidence(s, ev);
      // The context lasts (every new shell uses it), so it comes first; created as the setup tool
      // would. DOCKER_HOST beats any context, so the context fix also unsets it in this shell.
      // A "rootless" context that names another socket is the user's own: left alone.
      const fixes: Fix[] = [];
      if (r.contextHost === null || samePath(unixSocketPath(r.contextHost) ?? '', r.socketPath)) {
        fixes.push(F.rootlessContext(t, r.contextHost === null ? { host } : null, facts.endpoint.source === 'DOCKER_HOST'));
      }
      fixes.push(F.rootlessEnv(t, host));
      return { summary: t('cause.rootless-host-unset', { user: facts.user.name, rootless: host, url: facts.endpoint.url }), fixes };
    },
  }),
  rule({
    cause: 'group-not-active',
    position:
      'Denied, before socket-permission: the user is already in the group, only this session predates it — adding them again would not help. Not when a directory on the way refuses the user: then no group is the answer.',
    applies: (s) => s.phase === 'denied' && blockedDir(s) === null && s.facts.groups?.inDatabase === true && !s.facts.groups.inProcess,
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      const { facts, t } = s;
      const groupName = groupMismatch(s, ev);
      ev.add(t('evidence.group-not-in-session', { user: facts.user.name, group: groupName, groups: sessionGroups(facts) }));
      return { summary: t('cause.group-not-active', { user: facts.user.name, group: groupName }), fixes: [F.useGroupNow(t)] };
    },
  }),
  rule({
    cause: 'rootless-available',
    position:
      'Denied, before socket-permission: when the user prefers rootless and the machine meets its prerequisites, rootless leads and the group comes second (not for a directory on the way that refuses the user: socket-permission says that).',
    applies: (s) => s.phase === 'denied' && blockedDir(s) === null && s.prefs.rootless.prefer === 'always' && rootlessReady(s.facts),
    explain: (s, ev) => {
      const { facts, t } = s;
      const { setup, addGroup } = permissionFixes(s, ev);
      return { summary: t('cause.rootless-available', { user: facts.user.name }), fixes: [setup!, addGroup] };
    },
  }),
  rule({
    cause: 'socket-permission',
    position:
      'Last of the denied phase: the socket refuses this user and nothing more specific holds — its group, or a directory on the way that this user may not enter (then the group is never offered).',
    applies: (s) => s.phase === 'denied',
    explain: (s, ev) => {
      const dir = blockedDir(s);
      if (dir !== null) return blockedPath(s, ev, dir);
      const { facts, t } = s;
      const { setup, addGroup, groupName } = permissionFixes(s, ev);
      const fixes = [addGroup];
      if (setup && s.prefs.rootless.prefer !== 'never') fixes.push(setup);
      // Rootless is set up but not running: starting it is the safer alternative to the group.
      else if (rootlessSetUp(facts) && facts.user.uid !== 0 && s.prefs.rootless.prefer !== 'never') fixes.push(rootlessStartFixes(s)[0]!);
      // Rootless would do, but not from this session (after `su`): the way there is the person's step, with its number.
      else if (rootlessOnlyNeedsLogin(facts) && s.prefs.rootless.prefer !== 'never') fixes.push(...rootlessFirstStep(s));
      const socket = facts.socket;
      const path = socket?.path ?? unixSocketPath(facts.endpoint.url) ?? DEFAULT_SOCKET_PATH;
      return { summary: t('cause.socket-permission', { user: facts.user.name, path, group: socket?.groupName ?? groupName }), fixes };
    },
  }),
  rule({
    cause: 'wsl-no-daemon',
    position: 'Dead, before the service rules: under WSL the usual answer is Docker Desktop on Windows, and systemd is often absent.',
    applies: (s) => s.phase === 'dead' && !!s.facts.environment?.wsl,
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      const { facts, t } = s;
      const version = facts.environment?.wsl ?? 2;
      ev.add(t('evidence.wsl', { version }));
      const fixes: Fix[] = [];
      if (facts.install?.dockerd) fixes.push(F.wslStartEngine(t, facts.service?.systemdBooted === true));
      fixes.push(F.wslDesktop(t));
      return { summary: t('cause.wsl-no-daemon', { version }), fixes };
    },
  }),
  rule({
    cause: 'snap-docker',
    position: "Dead, before the service rules: a snap's daemon is started through snap, not docker.service.",
    applies: (s) => s.phase === 'dead' && !!s.facts.environment?.snap,
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      const { facts, t } = s;
      ev.add(t('evidence.snap', { path: facts.install?.dockerCli ?? 'docker' }));
      return { summary: t('cause.snap-docker'), fixes: [F.snapStart(t)] };
    },
  }),
  rule({
    cause: 'desktop-not-running',
    position:
      "Elsewhere: the endpoint is Desktop's socket. Dead: Desktop is the chosen engine (its context) or the only one installed — after WSL and snap, before the system service.",
    applies: (s) => (s.phase === 'elsewhere' && s.runtime === 'desktop') || (s.phase === 'dead' && desktopStopped(s)),
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      const { facts, t } = s;
      const path = s.phase === 'elsewhere' ? s.socketPath! : facts.environment!.desktop!.socketPath;
      ev.add(t('evidence.desktop', { path, state: t(`ping.${facts.environment?.desktop?.alive ? 'ok' : 'enoent'}`) }));
      return { summary: t('cause.desktop-not-running', { path }), fixes: [F.startDesktopLinux(t, `unix://${path}`)] };
    },
  }),
  rule({
    cause: 'alt-runtime-stopped',
    position: 'Like desktop-not-running, for colima, OrbStack, Rancher Desktop, podman: the endpoint is theirs, or no dockerd is installed and one of them is.',
    applies: (s) => (s.phase === 'elsewhere' && s.runtime !== null && s.runtime !== 'desktop') || (s.phase === 'dead' && altStopped(s) !== null),
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      const { facts, t } = s;
      const runtime = (s.phase === 'elsewhere' ? s.runtime : altStopped(s)) as AltRuntime;
      const alt = facts.environment?.alternatives.find((a) => a.runtime === runtime);
      if (alt) ev.add(t('evidence.alt-runtime', { runtime, path: alt.socketPath, state: t(alt.alive ? 'ping.ok' : 'ping.enoent') }));
      return { summary: t('cause.alt-runtime-stopped', { runtime }), fixes: [F.startAltRuntime(t, runtime, alt ? `unix://${alt.socketPath}` : null)] };
    },
  }),
  rule({
    cause: 'rootless-failed',
    position:
      'Before rootless-stopped: where rootless-stopped would hold but the last start failed (the user manager says so, or its log ends in an error) or the pre-flight finds what would make it fail, a start alone would fail again.',
    applies: (s) =>
      rootlessDown(s) &&
      (s.facts.service?.userDocker?.active === 'failed' || rootlessDiedInLog(s.facts.rootless?.attempt?.lines ?? []) || rootlessBlockers(s.facts).length > 0),
    explain: (s, ev) => {
      const { facts, t } = s;
      rootlessEvidence(s, ev);
      const lines = facts.rootless?.attempt?.lines ?? [];
      const died = facts.service?.userDocker?.active === 'failed' || rootlessDiedInLog(lines);
      // The daemon's own words first; what the pre-flight sees before any start otherwise.
      const match = (died ? readRootlessFailure(lines) : null) ?? rootlessBlockers(facts)[0] ?? null;
      const start = rootlessStartFixes(s);
      const user = facts.user.name;
      const path = facts.rootless?.socketPath ?? s.socketPath ?? '?';
      // "Set up" only where something of a setup was found (the user unit, a context); a DOCKER_HOST
      // into /run/user/UID says only where docker looks.
      const setUp = rootlessSetUp(facts);
      if (match === null) {
        for (const line of tellingLines(lines)) ev.add(t('evidence.log', { line }));
        const why = t('reason.rootless-unknown');
        return {
          summary: setUp ? t('cause.rootless-failed-why', { user, why }) : t('cause.rootless-failed-why-endpoint', { user, path, why }),
          fixes: start,
          reason: 'unknown',
        };
      }
      if (match.line) ev.add(t('evidence.rootless-said', { line: shortLine(match.line) }));
      const { why, fixes } = explainRootless(t, facts, match);
      // A prerequisite the pre-flight finds missing right now blocks every start: the repair comes
      // alone (a start offered beside it, or left over once the repair failed, must fail too).
      // Without a login session of its own no start can work here, not even after the repair.
      const blockedNow = rootlessBlockers(facts).some((b) => b.reason === match.reason);
      const summary = died
        ? setUp
          ? t('cause.rootless-failed-why', { user, why })
          : t('cause.rootless-failed-why-endpoint', { user, path, why })
        : setUp
          ? t('cause.rootless-will-fail', { user, why })
          : t('cause.rootless-will-fail-endpoint', { user, path, why });
      return {
        summary,
        fixes: match.reason === 'no-login-session' || blockedNow ? fixes : [...fixes, ...start],
        reason: match.reason,
        proof: match.line,
      };
    },
  }),
  rule({
    cause: 'rootless-stopped',
    position:
      'Elsewhere: the endpoint is the rootless socket. Dead: rootless is set up and either no dockerd is installed, the user prefers rootless, or no root dockerd runs and the user unit exists.',
    applies: rootlessDown,
    explain: (s, ev) => {
      const { facts, t } = s;
      const r = facts.rootless;
      rootlessEvidence(s, ev);
      const path = r?.socketPath ?? s.socketPath ?? '?';
      const summary = rootlessSetUp(facts)
        ? t('cause.rootless-stopped', { user: facts.user.name })
        : t('cause.rootless-stopped-endpoint', { user: facts.user.name, path });
      return { summary, fixes: rootlessStartFixes(s) };
    },
  }),
  rule({
    cause: 'daemon-not-installed',
    position: 'Dead, after every engine that is not dockerd: only when none of them is the answer is installing Docker Engine the fix.',
    applies: (s) => s.phase === 'dead' && s.installed === false,
    explain: (s, ev) => {
      deniedOrDeadPreamble(s, ev);
      ev.add(s.t('evidence.dockerd-missing'));
      const os = s.facts.install?.osRelease ?? null;
      // The rootless extras too where the setup tool is missing (a normal user may want rootless).
      const install = os === null ? null : F.installEngine(s.t, os, s.facts.rootless?.setupTool === null && s.facts.user.uid !== 0);
      return { summary: s.t('cause.daemon-not-installed'), fixes: install ? [install, F.installDocker(s.t)] : [F.installDocker(s.t)] };
    },
  }),
  rule({
    cause: 'service-failed',
    position:
      'Dead, the system service: a failed unit, a daemon.json that dockerd will reject, or (without systemd) a fresh fatal line in its log comes before "stopped", because a plain start would fail again (a masked unit is stopped, not failed).',
    applies: (s) =>
      s.phase === 'dead' &&
      (s.unit !== null
        ? !masked(s) && (s.unit.active === 'failed' || knownBeforeStart(s))
        : knownBeforeStart(s) || (s.facts.service?.dockerdRunning === false && diedInLog(s))),
    explain: (s, ev) => {
      servicePreamble(s, ev);
      const { facts, t } = s;
      const attempt = facts.logs?.attempt ?? [];
      const reading = readServiceFailure(attempt);
      const then = startAgain(s, reading.startLimit !== null);
      if (reading.startLimit !== null) ev.add(t('evidence.start-limit', { line: reading.startLimit }));
      let match = reading.match;
      // Known now, before anything runs: a daemon.json that dockerd will reject outranks whatever the
      // log says — the log speaks of the file as it was at that start; its own daemon.json line agrees.
      const json = facts.logs?.daemonJson ?? null;
      if (match?.reason !== 'daemon-json' && knownBeforeStart(s)) {
        const jsonError = daemonJsonError(s);
        const message = json?.syntax ? jsonMistake(t, json.syntax) : (jsonError?.message ?? '');
        const keys = json?.unknownKeys.map((u) => u.key).join(', ') ?? '';
        match = {
          reason: 'daemon-json',
          line: '',
          params: {
            path: json?.path ?? jsonError?.path ?? '/etc/docker/daemon.json',
            message: json?.syntax || jsonError ? message : `the following directives don't match any configuration option: ${keys}`,
          },
        };
        // dockerd's own wording stays in params (the reason reads it); the evidence is said in the user's language.
        ev.add(
          json?.syntax || jsonError
            ? t('evidence.daemon-json', { path: match.params.path!, message: match.params.message! })
            : t('reason.daemon-json-unknown', { path: match.params.path!, keys: (json?.unknownKeys ?? []).map((u) => `"${u.key}"`).join(', ') }),
        );
      }
      const tried = s.unit === null ? diedInLog(s) : s.unit.active === 'failed';
      if (match === null) {
        ev.logs();
        if (s.unit !== null && facts.logs?.source === null) ev.add(t('evidence.journal-unreadable'));
        const reason = reading.startLimit !== null ? 'start-limit' : 'unknown';
        return {
          summary: t('cause.service-failed-why', { why: t(reason === 'start-limit' ? 'reason.start-limit' : 'reason.unknown') }),
          fixes: [then],
          reason,
        };
      }
      if (match.line) ev.add(t('evidence.daemon-said', { line: shortLine(match.line) }));
      const { why, fixes } = explainReason(s, match, ev, then);
      return {
        summary: t(tried ? 'cause.service-failed-why' : 'cause.service-will-fail', { why }),
        fixes,
        reason: match.reason,
        proof: match.line || null,
      };
    },
  }),
  rule({
    cause: 'service-stopped',
    position:
      'Dead, after service-failed: the unit is masked or inactive, or (without systemd) no dockerd runs and its socket is gone. A socket left behind is stale-socket (next).',
    applies: (s) => s.phase === 'dead' && (unitDown(s) || (!staleSocket(s) && serviceNotRunning(s))),
    explain: (s, ev) => {
      servicePreamble(s, ev);
      const { t } = s;
      if (s.unit !== null && masked(s)) {
        return { summary: t('cause.service-stopped', { state: '`systemctl is-enabled docker` → masked' }), fixes: [F.unmaskServiceSystemd(t)] };
      }
      if (s.unit !== null && unitDown(s)) {
        ev.logs();
        return {
          summary: t('cause.service-stopped', { state: `\`systemctl is-active docker\` → ${s.unit.active ?? '?'}` }),
          fixes: [F.startServiceSystemd(t), F.enableServiceSystemd(t)],
        };
      }
      const manager = noSystemdEvidence(s, ev);
      ev.add(t('evidence.dockerd-not-running'));
      ev.logs();
      const state = manager === 'none' ? t('evidence.dockerd-not-running') : manager === 'openrc' ? t('state.openrc-stopped') : t('state.sysv-stopped');
      return {
        summary: t('cause.service-stopped', { state }),
        fixes: manager === 'openrc' ? [F.startServiceOpenrc(t), F.enableServiceOpenrc(t)] : [F.startServiceSysv(t)],
      };
    },
  }),
  rule({
    cause: 'stale-socket',
    position: 'Dead, after the unit rules: the socket file is there, nothing listens and no dockerd runs — a restart recreates it.',
    applies: (s) => s.phase === 'dead' && staleSocket(s),
    explain: (s, ev) => {
      servicePreamble(s, ev);
      const { facts, t } = s;
      const manager = noSystemdEvidence(s, ev);
      ev.add(t('evidence.dockerd-not-running'));
      const restart = manager === 'systemd' ? F.restartServiceSystemd(t) : manager === 'openrc' ? F.startServiceOpenrc(t) : F.restartServiceSysv(t);
      return { summary: t('cause.stale-socket', { path: facts.socket!.path }), fixes: [restart] };
    },
  }),
  rule({
    cause: 'unknown',
    position: 'Last, always: the probes found no single cause; the evidence is shown and nothing is guessed.',
    applies: () => true,
    explain: (s, ev) => {
      servicePreamble(s, ev);
      const { facts, t } = s;
      noSystemdEvidence(s, ev);
      if (facts.service?.dockerdRunning && facts.ping.outcome === 'enoent')
        ev.add(t('evidence.dockerd-elsewhere', { path: facts.socket?.path ?? facts.endpoint.url }));
      ev.logs();
      return { summary: t('cause.unknown', { url: facts.endpoint.url }), fixes: [] };
    },
  }),
] as const;

export type Cause = (typeof RULES)[number]['cause'];
export const CAUSES: readonly Cause[] = RULES.map((r) => r.cause);

// Every cause has its summary in the catalogues (zh.ts must have every key en.ts has).
type MissingSummary = Exclude<`cause.${Cause}`, MessageId>;
export const everyCauseHasASummary: [MissingSummary] extends [never] ? true : MissingSummary = true;

// ---------------------------------------------------------------------------------------------
// What several rules share.

function localAlive(s: Situation): boolean {
  return s.facts.defaultSocket !== null && isReachable(s.facts.defaultSocket);
}

/** DOCKER_HOST (or -H without a context) chose the endpoint, rather than a context. */
function namedByHost(s: Situation): boolean {
  const { endpoint } = s.facts;
  return endpoint.source === 'DOCKER_HOST' || (endpoint.source === 'flag' && endpoint.context === null);
}

/** The lines every denied or dead finding starts with: who owns the socket (or the directory in the way), or what state it is in. */
function deniedOrDeadPreamble(s: Situation, ev: Evidence): void {
  if (s.phase === 'denied') {
    const dir = blockedDir(s);
    if (dir !== null) ev.add(blockedDirLine(s, dir));
    else ev.socketOwner();
    ev.worldWritable();
  } else if (s.phase === 'dead') ev.socketState();
}

/** A directory on the way to the socket that this user may not enter (connect(2) said EACCES because of it). */
function blockedDir(s: Situation): BlockedDir | null {
  return s.phase === 'denied' ? (s.facts.socket?.blockedBy ?? null) : null;
}

function socketPathOf(s: Situation): string {
  return s.facts.socket?.path ?? unixSocketPath(s.facts.endpoint.url) ?? DEFAULT_SOCKET_PATH;
}

function dirMode(dir: BlockedDir): string {
  return `d${modeString(dir.mode).slice(1)}`;
}

function blockedDirLine(s: Situation, dir: BlockedDir): string {
  return s.t('evidence.socket-dir-blocked', {
    dir: dir.path,
    mode: dirMode(dir),
    owner: dir.ownerName ?? String(dir.uid),
    group: dir.groupName ?? String(dir.gid),
    user: s.facts.user.name,
    path: socketPathOf(s),
  });
}

/**
 * The socket sits behind a directory this user may not enter: whatever group the socket has, the
 * group is not what keeps the user out. Point docker back at the user's own endpoint when something
 * chose this one, offer a daemon of their own (rootless) where the machine allows it, and say who
 * can open the directory.
 */
function blockedPath(s: Situation, ev: Evidence, dir: BlockedDir): Explanation {
  const { facts, t } = s;
  deniedOrDeadPreamble(s, ev);
  // Says when the endpoint docker would use without DOCKER_HOST or the context answers: then the first fix works.
  ev.defaultAlive();
  const fixes: Fix[] = [];
  const { source } = facts.endpoint;
  if (source === 'DOCKER_HOST') fixes.push(F.unsetDockerHost(t, facts.tlsLeftovers));
  else if (source === 'DOCKER_CONTEXT') fixes.push(F.unsetDockerContext(t));
  else if (source === 'context') fixes.push(F.useDefaultContext(t));
  const setup = rootlessSetupFix(s, ev);
  if (setup && s.prefs.rootless.prefer !== 'never') fixes.push(setup);
  fixes.push(F.askDirOwner(t, facts.user.name, dir));
  const owner = dir.ownerName ?? String(dir.uid);
  return { summary: t('cause.socket-path-blocked', { user: facts.user.name, path: socketPathOf(s), dir: dir.path, owner, mode: dirMode(dir) }), fixes };
}

function groupMismatch(s: Situation, ev: Evidence): string {
  const { groups, socket } = s.facts;
  const groupName = groups?.docker?.name ?? 'docker';
  if (groups?.docker && socket?.gid !== null && socket?.gid !== undefined && socket.gid !== groups.docker.gid) {
    ev.add(s.t('evidence.socket-group-mismatch', { path: socket.path, group: socket.groupName ?? String(socket.gid) }));
  }
  return groupName;
}

function sessionGroups(facts: Facts): string {
  if (facts.groups === null) return '?';
  return facts.groups.session.join(',') || '-';
}

/** The group fix and, where the machine allows it, rootless setup beside it. */
function permissionFixes(s: Situation, ev: Evidence): { setup: Fix | null; addGroup: Fix; groupName: string } {
  const { facts, t } = s;
  const { user, groups } = facts;
  deniedOrDeadPreamble(s, ev);
  const groupName = groupMismatch(s, ev);
  if (groups?.docker) ev.add(t('evidence.not-in-group', { user: user.name, group: groupName, gid: groups.docker.gid }));
  else if (groups) ev.add(t('evidence.group-missing'));
  const setup = rootlessSetupFix(s, ev);
  const addGroup = F.addToDockerGroup(t, user.name, groups?.docker !== null && groups?.docker !== undefined);
  return { setup, addGroup, groupName };
}

/** Rootless is not set up yet for a normal user (nothing to set up for root or an existing setup). */
function rootlessCandidate(facts: Facts): boolean {
  const r = facts.rootless;
  return r !== null && facts.user.uid !== 0 && !r.userUnit && r.contextHost === null;
}

/**
 * The prerequisites Docker's rootless docs list (docs/research/probes-and-fixes.md §7.1). The setup tool checks only that a
 * subuid entry exists; fewer than 65,536 ids breaks image pulls.
 */
function rootlessReady(facts: Facts): boolean {
  const r = facts.rootless;
  if (r === null || !rootlessCandidate(facts)) return false;
  return (
    r.setupTool !== null &&
    r.newuidmap !== null &&
    r.newgidmap !== null &&
    r.subuidCount >= 65536 &&
    r.subgidCount >= 65536 &&
    // The pre-flight: what would make the daemon fail right after the setup (rootless-reasons.ts).
    rootlessBlockers(facts).length === 0
  );
}

/** Everything rootless needs is here but a login session of its own (XDG_RUNTIME_DIR unset after `su`). */
function rootlessOnlyNeedsLogin(facts: Facts): boolean {
  const r = facts.rootless;
  if (r === null || !rootlessCandidate(facts)) return false;
  const blockers = rootlessBlockers(facts);
  return (
    r.setupTool !== null &&
    r.newuidmap !== null &&
    r.newgidmap !== null &&
    r.subuidCount >= 65536 &&
    r.subgidCount >= 65536 &&
    blockers.length > 0 &&
    blockers.every((b) => b.reason === 'no-login-session')
  );
}

/**
 * The first step towards rootless from a session without a runtime directory, named as that. With
 * systemd: a real login (the person's step). Without it no login would make one: the runtime
 * directory fix of the rootless pre-flight (this shell's XDG_RUNTIME_DIR), after which dockhook
 * looks again and offers the setup.
 */
function rootlessFirstStep(s: Situation): Fix[] {
  const { facts, t } = s;
  const blocker = rootlessBlockers(facts)[0];
  if (facts.service?.systemdBooted !== false || !blocker) return [F.rootlessAfterLogin(t, facts.user.name)];
  return explainRootless(t, facts, blocker).fixes.map((fix) => ({ ...fix, title: t('fix.rootless-first-step', { step: fix.title }) }));
}

/** Rootless setup as a fix, when the machine meets the prerequisites; the prerequisites go into the evidence either way. */
function rootlessSetupFix(s: Situation, ev: Evidence): Fix | null {
  const { facts, t } = s;
  const r = facts.rootless;
  if (r === null || !rootlessCandidate(facts)) return null;
  ev.add(
    t('evidence.rootless-prereqs', {
      newuidmap: t(r.newuidmap ? 'probe.present' : 'probe.missing'),
      newgidmap: t(r.newgidmap ? 'probe.present' : 'probe.missing'),
      subuid: r.subuidCount,
      subgid: r.subgidCount,
      tool: r.setupTool ?? t('probe.missing'),
    }),
  );
  for (const blocker of rootlessBlockers(facts)) ev.add(t('evidence.rootless-blocked', { why: explainRootless(t, facts, blocker).why }));
  if (!rootlessReady(facts)) return null;
  // It refuses while the rootful socket is writable for this user unless given --force.
  const force = facts.socket?.writable === true && samePath(facts.socket.path, DEFAULT_SOCKET_PATH);
  if (force) ev.add(t('evidence.rootless-force', { user: facts.user.name }));
  // Without a user manager the setup tool only says to start dockerd-rootless.sh by hand: dockhook
  // does that itself (in the background) and creates the context the tool would.
  const url = `unix://${r.socketPath}`;
  if (facts.service?.systemdBooted !== true && r.rootlessScript) {
    return F.setupRootlessUnmanaged(t, facts.user.name, {
      script: r.rootlessScript,
      pathPrepend: rootlessPathPrepend(facts, r.rootlessScript),
      log: r.logPath ?? rootlessLogPath({}, facts.user.home),
      socketUrl: url,
    });
  }
  return F.setupRootless(t, facts.user.name, r.setupTool!, force, rootlessPathPrepend(facts, r.setupTool!), url);
}

function desktopStopped(s: Situation): boolean {
  const desktop = s.facts.environment?.desktop;
  return !!desktop && !desktop.alive && (desktop.context || s.installed === false);
}

/** The first alternative runtime that is down, when no dockerd is installed to prefer. */
function altStopped(s: Situation): AltRuntime | null {
  const alt = s.facts.environment?.alternatives.find((a) => !a.alive);
  return alt && s.installed === false ? alt.runtime : null;
}

/** The rootless daemon is the engine meant here and it does not run. */
function rootlessDown(s: Situation): boolean {
  if (s.phase === 'elsewhere') return s.rootlessPath;
  if (s.phase !== 'dead') return false;
  const r = s.facts.rootless;
  const setUp = r !== null && (r.userUnit || r.contextHost !== null);
  return setUp && (s.installed === false || s.prefs.rootless.prefer === 'always' || (r.userUnit && !s.facts.service?.dockerdRunning));
}

function rootlessSetUp(facts: Facts): boolean {
  const r = facts.rootless;
  return r !== null && (r.userUnit || r.contextHost !== null);
}

/** Directories a normal user's PATH already has (Debian's login PATH, research: login.defs). */
const USER_PATH_DIRS = new Set(['/usr/local/bin', '/usr/bin', '/bin']);

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/** What a rootless script needs in front of a user's PATH: its own directory and dockerd's. */
function rootlessPathPrepend(facts: Facts, script: string): string[] {
  const dockerd = facts.rootless?.dockerd ?? facts.install?.dockerd ?? null;
  const dirs = [dirOf(script), dockerd ? dirOf(dockerd) : null].filter((d): d is string => d !== null && !USER_PATH_DIRS.has(d));
  return [...new Set(dirs)];
}

/**
 * Starting the rootless daemon, as this machine allows: through the user manager where one runs
 * (and `enable` + linger as the lasting variant), else dockerd-rootless.sh in the background with
 * dockerd on its PATH and its output in dockhook's log. The endpoint to wait for is its socket.
 */
function rootlessStartFixes(s: Situation): Fix[] {
  const { facts, t } = s;
  const r = facts.rootless;
  const url = r ? `unix://${r.socketPath}` : null;
  if (facts.service?.userDocker || (r?.userUnit && facts.service?.systemdBooted))
    return [F.startRootlessSystemd(t, url), F.enableRootlessSystemd(t, facts.user.name, url)];
  if (!r?.rootlessScript || url === null) return [F.startRootlessManual(t, r?.rootlessScript ?? 'dockerd-rootless.sh')];
  return [
    F.startRootlessDetached(t, {
      script: r.rootlessScript,
      pathPrepend: rootlessPathPrepend(facts, r.rootlessScript),
      log: r.logPath ?? rootlessLogPath({}, facts.user.home),
      socketUrl: url,
    }),
  ];
}

/** The start-up files that set DOCKER_HOST: a new shell gets it back until that line goes. */
function startupEvidence(s: Situation, ev: Evidence): void {
  if (s.facts.endpoint.source !== 'DOCKER_HOST') return;
  for (const line of s.facts.startupFiles ?? []) ev.add(s.t('evidence.startup-line', { path: line.path, line: line.line, text: line.text }));
}

function rootlessEvidence(s: Situation, ev: Evidence): void {
  const { facts, t } = s;
  const r = facts.rootless;
  ev.socketState();
  const what = [r?.userUnit ? '~/.config/systemd/user/docker.service' : null, r?.contextHost ? t('probe.rootless-context') : null].filter(Boolean).join(', ');
  if (what) ev.add(t('evidence.rootless-setup', { what }));
  const userManager = facts.service?.userDocker ?? null;
  if (userManager) ev.unit('docker.service (--user)', userManager);
}

function daemonJsonError(s: Situation): { path: string; message: string } | null {
  return s.facts.logs?.daemonJsonError ?? null;
}

/** daemon.json that dockerd will reject, seen before anything runs: a syntax error or keys it does not know. */
function knownBeforeStart(s: Situation): boolean {
  const json = s.facts.logs?.daemonJson ?? null;
  return daemonJsonError(s) !== null || json?.syntax != null || (json?.unknownKeys.length ?? 0) > 0;
}

/** The latest start attempt in the log ends in dockerd's fatal line (without systemd there is no unit state to ask). */
function diedInLog(s: Situation): boolean {
  return (s.facts.logs?.attempt ?? []).some((l) =>
    /^(failed to start daemon|Error starting daemon|unable to configure the Docker daemon)|level=fatal/.test(l.replace(/^time="[^"]*" /, '')),
  );
}

/** The start that follows a repair; after systemd gave up retrying ("start-limit-hit") it needs reset-failed first. */
function startAgain(s: Situation, startLimit: boolean): Fix {
  if (s.unit !== null) return startLimit ? F.restartFailedServiceSystemd(s.t) : F.startServiceSystemd(s.t);
  return s.facts.service?.manager === 'openrc' ? F.startServiceOpenrc(s.t) : F.startServiceSysv(s.t);
}

function masked(s: Situation): boolean {
  return s.unit !== null && (s.unit.load === 'masked' || s.unit.enabled === 'masked');
}

/** systemd's docker.service is masked, or neither active nor on its way. */
function unitDown(s: Situation): boolean {
  return s.unit !== null && (masked(s) || (s.unit.active !== 'active' && s.unit.active !== 'activating'));
}

/** The socket file is there and refuses, and no dockerd runs. */
function staleSocket(s: Situation): boolean {
  const { facts } = s;
  return facts.ping.outcome === 'refused' && !!facts.socket?.exists && !!facts.service && !facts.service.dockerdRunning;
}

function serviceNotRunning(s: Situation): boolean {
  const { facts } = s;
  return !!facts.service && !facts.service.dockerdRunning && (facts.ping.outcome === 'enoent' || facts.ping.outcome === 'refused');
}

/** The systemd unit lines every service finding starts with. */
function servicePreamble(s: Situation, ev: Evidence): void {
  deniedOrDeadPreamble(s, ev);
  if (s.unit === null) return;
  ev.unit('docker.service', s.unit);
  if (s.facts.service?.dockerSocket) ev.unit('docker.socket', s.facts.service.dockerSocket);
}

/** Says which init system is in charge when it is not systemd; returns it. */
function noSystemdEvidence(s: Situation, ev: Evidence): 'systemd' | 'sysv' | 'openrc' | 'none' {
  const service = s.facts.service;
  const manager = service?.manager ?? 'none';
  if (service && manager === 'none') ev.add(s.t('evidence.no-service-manager'));
  else if (service && manager !== 'systemd')
    ev.add(s.t('evidence.no-systemd', { manager: manager === 'openrc' ? 'OpenRC' : '`service` (/etc/init.d/docker)' }));
  return manager;
}
