// `dockhook doctor --json` on real machine states (worlds, see README.md): the endpoint it
// resolves, whether the daemon answered, and the cause it names, against the JSON contract
// (README.md, "Commands", with the cause ids). Each describe is one scenario with
// its own world.

import fs from 'node:fs';
import { expect, it, describe, beforeAll } from 'vitest';
import type { Cause, EndpointSource, HandbackVar, ProbeReport } from '../../src/core/types.js';
import { DEFAULT_HOST, DEFAULT_SOCKET, DOCKHOOK, REPO_ROOT, USERS, type RunOptions, type World } from './world.js';
import { describeWithWorlds, useWorld } from './support.js';

/** The part of the `doctor --json` contract these tests rely on. */
interface DoctorReport {
  endpoint: { url: string; source: EndpointSource };
  reachable: boolean;
  probes: ProbeReport[];
  diagnosis: {
    cause: Cause;
    summary: string;
    evidence: string[];
    fixes: Array<{
      id: string;
      title: string;
      commands: string[][];
      privileged: boolean;
      env: Partial<Record<HandbackVar, string | null>>;
      persistent: boolean;
    }>;
  };
}

interface DoctorRun {
  code: number;
  ms: number;
  report: DoctorReport;
  stderr: string;
}

/** Each probe has a time bound; none may take longer than this. */
const PROBE_BOUND_MS = 3_000;
/** A whole doctor run against a daemon that does not answer. */
const DEAD_DAEMON_BOUND_MS = 5_000;

const DIST = `${REPO_ROOT}/dist/cli.cjs`;

async function doctor(world: World, opts: RunOptions = {}): Promise<DoctorRun> {
  const result = await world.run([DOCKHOOK, 'doctor', '--json'], { timeoutMs: 30_000, ...opts });
  const where = `doctor --json as ${opts.user ?? 'root'}${opts.staleSession ? ' (stale session)' : ''} in world ${world.name}`;
  let report: DoctorReport;
  try {
    report = JSON.parse(result.stdout) as DoctorReport;
  } catch {
    throw new Error(`${where}: stdout is not one JSON object (exit ${result.code})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return { code: result.code, ms: result.ms, report, stderr: result.stderr };
}

/** What every run must satisfy: contract shape, exit status, time bounds. */
function expectWellFormed(run: DoctorRun): void {
  const { report } = run;
  expect(report.probes.length, 'probes').toBeGreaterThan(0);
  for (const probe of report.probes) {
    expect(typeof probe.id).toBe('string');
    expect(typeof probe.ok).toBe('boolean');
    expect(probe.ms, `probe ${probe.id} took ${probe.ms} ms`).toBeLessThan(PROBE_BOUND_MS);
  }
  // 0 reachable, 1 not reachable.
  expect(run.code, `exit status (stderr: ${run.stderr})`).toBe(report.reachable ? 0 : 1);
  if (!report.reachable) expect(run.ms, 'whole doctor run on a dead daemon').toBeLessThan(DEAD_DAEMON_BOUND_MS);
}

/** Endpoint, reachability and cause, with the whole report in the failure message. */
function expectDiagnosis(run: DoctorRun, want: { url: string; source: EndpointSource; reachable: boolean; cause: Cause }): void {
  const { report } = run;
  const got = { url: report.endpoint.url, source: report.endpoint.source, reachable: report.reachable, cause: report.diagnosis.cause };
  expect(got, JSON.stringify(report, null, 2)).toEqual(want);
  expectWellFormed(run);
}

const allCommands = (report: DoctorReport): string[][] => report.diagnosis.fixes.flatMap((fix) => fix.commands);

describeWithWorlds('dockhook doctor --json', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  });

  describe('healthy: rootful daemon up, user in the docker group', () => {
    const world = useWorld({ name: 'doc-healthy', rootful: 'running' });

    it('says healthy for a docker-group member', async () => {
      const run = await doctor(world(), { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: true, cause: 'healthy' });
      expect(run.report.diagnosis.fixes).toEqual([]);
    });

    it('says healthy for root', async () => {
      const run = await doctor(world());
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: true, cause: 'healthy' });
    });
  });

  describe('service stopped, no systemd: daemon stopped cleanly, socket gone', () => {
    const world = useWorld({ name: 'doc-stopped-nosd', rootful: 'stopped' });

    it('says service-stopped and never offers systemctl', async () => {
      const w = world();
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
      const run = await doctor(w, { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'service-stopped' });
      // systemctl answers "System has not been booted with systemd" here: a fix through it
      // cannot work.
      const viaSystemctl = allCommands(run.report).filter((argv) => argv.includes('systemctl'));
      expect(viaSystemctl).toEqual([]);
      expect(run.report.diagnosis.fixes.length).toBeGreaterThan(0);
    });
  });

  describe('service stopped, systemd (stand-in systemctl)', () => {
    const world = useWorld({ name: 'doc-stopped-sd', rootful: 'stopped', systemd: true });

    it('says service-stopped; the first fix is `sudo systemctl start docker.service`, even for root', async () => {
      // Run as root: dockhook drops sudo when it applies a fix as root, but the fix data keeps it.
      const run = await doctor(world());
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'service-stopped' });
      const first = run.report.diagnosis.fixes[0];
      expect(first?.commands[0]).toEqual(['sudo', 'systemctl', 'start', 'docker.service']);
      expect(first?.privileged).toBe(true);
    });

    it('says the same to a docker-group member', async () => {
      const run = await doctor(world(), { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'service-stopped' });
      expect(run.report.diagnosis.fixes[0]?.commands[0]).toEqual(['sudo', 'systemctl', 'start', 'docker.service']);
    });

    it('says healthy once the service is started the way the fix says', async () => {
      const w = world();
      await w.exec(['systemctl', 'start', 'docker.service']);
      const run = await doctor(w, { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: true, cause: 'healthy' });
    });
  });

  describe('service failed: systemd tried to start it and dockerd died (invalid daemon.json)', () => {
    const world = useWorld({ name: 'doc-failed-sd', rootful: 'absent', systemd: true, daemonJson: '{ "storage-driver": ' });

    it('says service-failed and names daemon.json in the evidence', async () => {
      const w = world();
      const start = await w.run(['systemctl', 'start', 'docker']);
      expect(start.code, start.stderr).toBe(1);
      const run = await doctor(w, { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'service-failed' });
      expect(run.report.diagnosis.evidence.join('\n')).toMatch(/daemon\.json/);
    });
  });

  describe('socket permission: user outside the docker group', () => {
    const world = useWorld({ name: 'doc-permission', rootful: 'running' });

    it('says socket-permission', async () => {
      const run = await doctor(world(), { user: USERS.outOfGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'socket-permission' });
    });
  });

  describe("a real daemon's socket in another user's 0700 directory", () => {
    // dockerd (root) listens on the default socket and on one inside dh-in's private directory.
    const PRIVATE = `/home/${USERS.inGroup}/private`;
    const SOCKET = `${PRIVATE}/docker.sock`;
    const HOST = `unix://${SOCKET}`;
    const world = useWorld({ name: 'doc-blocked-dir', rootful: 'absent', dockerdArgs: ['-H', HOST] });

    beforeAll(async () => {
      const w = world();
      await w.exec(['chmod', '0755', `/home/${USERS.inGroup}`]);
      await w.exec(['install', '-d', '-o', USERS.inGroup, '-g', USERS.inGroup, '-m', '0700', PRIVATE]);
      await w.startDaemon();
    });

    it('its owner reaches it', async () => {
      const run = await doctor(world(), { user: USERS.inGroup, env: { DOCKER_HOST: HOST } });
      expectDiagnosis(run, { url: HOST, source: 'DOCKER_HOST', reachable: true, cause: 'healthy' });
    });

    it('another user is told the directory and its owner, and is never offered the docker group', async () => {
      const w = world();
      const run = await doctor(w, { user: USERS.outOfGroup, env: { DOCKER_HOST: HOST } });
      expectDiagnosis(run, { url: HOST, source: 'DOCKER_HOST', reachable: false, cause: 'socket-permission' });
      const { diagnosis } = run.report;
      const report = JSON.stringify(run.report, null, 2);
      expect(diagnosis.summary, report).toContain(PRIVATE);
      expect(diagnosis.summary, report).toContain(`${USERS.inGroup}'s (drwx------)`);
      expect(diagnosis.evidence, report).toContain(
        `${PRIVATE} is drwx------ ${USERS.inGroup}:${USERS.inGroup}: ${USERS.outOfGroup} may not enter it, so ${SOCKET} behind it cannot be reached or even seen`,
      );
      expect(diagnosis.evidence.join('\n'), report).not.toMatch(/docker group|not a member of/);
      const ids = diagnosis.fixes.map((fix) => fix.id);
      expect(
        ids.filter((id) => /group/.test(id)),
        report,
      ).toEqual([]);
      expect(allCommands(run.report).flat(), report).not.toContain('usermod');
      expect(ids[0], report).toBe('unset-docker-host');
      expect(ids.at(-1), report).toBe('ask-dir-owner');
      // The probe report says why the socket cannot be seen, not that it is missing.
      expect(run.report.probes.find((probe) => probe.id === 'socket')?.detail, report).toContain(`may not enter ${PRIVATE}`);
    });

    it('the same daemon on the default socket still names the group for that user', async () => {
      const run = await doctor(world(), { user: USERS.outOfGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'socket-permission' });
      expect(run.report.diagnosis.fixes.map((fix) => fix.id)).toContain('add-to-group');
    });
  });

  describe("another user's rootless daemon, reached through their runtime directory (an environment carried over by su)", () => {
    const world = useWorld({ name: 'doc-blocked-rootless', rootful: 'absent', rootless: 'running' });

    it('its owner reaches it', async () => {
      const w = world();
      const run = await doctor(w, { user: USERS.rootless, env: { DOCKER_HOST: w.rootlessHost() } });
      expectDiagnosis(run, { url: w.rootlessHost(), source: 'DOCKER_HOST', reachable: true, cause: 'healthy' });
    });

    it('names /run/user/UID and its owner: not "rootless stopped", and not the docker group', async () => {
      const w = world();
      const owner = w.user(USERS.rootless);
      const runtimeDir = `/run/user/${owner.uid}`;
      const host = w.rootlessHost();
      const run = await doctor(w, { user: USERS.outOfGroup, env: { DOCKER_HOST: host, XDG_RUNTIME_DIR: runtimeDir } });
      expectDiagnosis(run, { url: host, source: 'DOCKER_HOST', reachable: false, cause: 'socket-permission' });
      const { diagnosis } = run.report;
      const report = JSON.stringify(run.report, null, 2);
      expect(diagnosis.summary, report).toContain(`the directory ${runtimeDir} on the way is ${USERS.rootless}'s (drwx------)`);
      expect(
        diagnosis.fixes.map((fix) => fix.id).filter((id) => /group/.test(id)),
        report,
      ).toEqual([]);
      expect(diagnosis.fixes.at(-1)?.id, report).toBe('ask-dir-owner');
    });
  });

  describe('group in /etc/group but not in the session', () => {
    const world = useWorld({ name: 'doc-stale-session', rootful: 'running' });

    it('says group-not-active', async () => {
      const run = await doctor(world(), { user: USERS.inGroup, staleSession: true });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'group-not-active' });
    });
  });

  describe('rootless daemon up, DOCKER_HOST unset', () => {
    const world = useWorld({ name: 'doc-rootless', rootful: 'absent', rootless: 'running' });
    const asRootless: RunOptions = { user: USERS.rootless, env: { DOCKER_HOST: null } };

    it('says rootless-host-unset when nothing else is up', async () => {
      const w = world();
      const run = await doctor(w, asRootless);
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'rootless-host-unset' });
      // The way out points the client at the rootless socket (by DOCKER_HOST or a context).
      const host = w.rootlessHost();
      const pointsThere = run.report.diagnosis.fixes.some((fix) => fix.env.DOCKER_HOST === host || fix.commands.some((argv) => argv.includes('context')));
      expect(pointsThere, JSON.stringify(run.report.diagnosis.fixes)).toBe(true);
    });

    it('still says rootless-host-unset with a rootful daemon up that refuses this user', async () => {
      const w = world();
      await w.startDaemon();
      const run = await doctor(w, asRootless);
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'rootless-host-unset' });
    });
  });

  describe('stale DOCKER_HOST while the rootful daemon is up', () => {
    const world = useWorld({ name: 'doc-stale-host', rootful: 'running' });

    it('says stale-docker-host; the fix unsets DOCKER_HOST', async () => {
      const w = world();
      expect(w.exists('/tmp/nothing.sock')).toBe(false);
      const run = await doctor(w, { user: USERS.inGroup, env: { DOCKER_HOST: 'unix:///tmp/nothing.sock' } });
      expectDiagnosis(run, { url: 'unix:///tmp/nothing.sock', source: 'DOCKER_HOST', reachable: false, cause: 'stale-docker-host' });
      expect(run.report.diagnosis.fixes[0]?.env).toEqual({ DOCKER_HOST: null });
    });
  });

  describe('stale context: the current context points at a dead socket', () => {
    const world = useWorld({ name: 'doc-stale-context', rootful: 'running' });

    it('says stale-context', async () => {
      const w = world();
      const as: RunOptions = { user: USERS.inGroup };
      // Made by the real docker CLI, so the context store is exactly what users have on disk.
      // (Context names need two characters or more: "x" is refused.)
      await w.exec(['docker', 'context', 'create', 'xx', '--docker', 'host=unix:///tmp/dead.sock'], as);
      await w.exec(['docker', 'context', 'use', 'xx'], as);
      expect(w.exists('/tmp/dead.sock')).toBe(false);
      const run = await doctor(w, as);
      expectDiagnosis(run, { url: 'unix:///tmp/dead.sock', source: 'context', reachable: false, cause: 'stale-context' });
    });

    it('a context that cannot be read (DOCKER_CONTEXT naming nothing, the current one deleted) is stale-context, though the default socket answers', async () => {
      const w = world();
      const as: RunOptions = { user: USERS.inGroup, env: { DOCKER_CONTEXT: 'nosuch' } };
      // docker itself cannot start: it never reaches the (live) default socket.
      const docker = await w.run(['docker', 'ps'], as);
      expect(docker.code).toBe(1);
      // docker 28 says `context "nosuch": context not found`, Debian's 20.10 `context "nosuch" does not exist`.
      expect(docker.stderr).toMatch(/context "nosuch"(: context not found| does not exist)/);
      const run = await doctor(w, as);
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'DOCKER_CONTEXT', reachable: false, cause: 'stale-context' });
      expect(run.report.diagnosis.fixes[0]?.env).toEqual({ DOCKER_CONTEXT: null });
      // The current context deleted from the store under docker's feet.
      const user: RunOptions = { user: USERS.inGroup };
      await w.exec(['docker', 'context', 'create', 'ctxgone', '--docker', `host=${DEFAULT_HOST}`], user);
      await w.exec(['docker', 'context', 'use', 'ctxgone'], user);
      await w.exec(['sh', '-c', 'rm -rf "$HOME/.docker/contexts/meta"'], user);
      const gone = await doctor(w, user);
      expectDiagnosis(gone, { url: DEFAULT_HOST, source: 'context', reachable: false, cause: 'stale-context' });
      expect(gone.report.diagnosis.fixes[0]?.commands).toEqual([['docker', 'context', 'use', 'default']]);
    });
  });

  describe('stale socket: a socket file nobody listens on, no systemd', () => {
    const world = useWorld({ name: 'doc-stale-socket', rootful: 'dead-socket' });

    it('says stale-socket', async () => {
      const run = await doctor(world(), { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'stale-socket' });
    });

    it('says stale-socket after dockerd is killed with SIGKILL (the socket stays behind)', async () => {
      const w = world();
      await w.startDaemon();
      expectDiagnosis(await doctor(w, { user: USERS.inGroup }), { url: DEFAULT_HOST, source: 'default', reachable: true, cause: 'healthy' });
      await w.killDaemon();
      const run = await doctor(w, { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'stale-socket' });
    });
  });

  describe('WSL2 with no daemon', () => {
    const world = useWorld({ name: 'doc-wsl', rootful: 'absent', wsl: true });

    it('says wsl-no-daemon', async () => {
      const run = await doctor(world(), { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'wsl-no-daemon' });
    });
  });

  describe('rootless set up for the user but its daemon not running', () => {
    const world = useWorld({ name: 'doc-rootless-stopped', rootful: 'absent', rootless: 'installed' });

    it('says rootless-stopped to the rootless user', async () => {
      const run = await doctor(world(), { user: USERS.rootless });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'rootless-stopped' });
      expect(run.report.diagnosis.fixes[0]?.privileged).toBe(false);
    });

    it('says rootless-stopped when DOCKER_HOST names the rootless socket', async () => {
      const w = world();
      const host = w.rootlessHost();
      const run = await doctor(w, { user: USERS.rootless, env: { DOCKER_HOST: host } });
      expectDiagnosis(run, { url: host, source: 'DOCKER_HOST', reachable: false, cause: 'rootless-stopped' });
    });
  });

  describe('rootless preferred, not set up, prerequisites met', () => {
    const world = useWorld({ name: 'doc-rootless-available', rootful: 'running' });

    it('without a login session (no XDG_RUNTIME_DIR) the pre-flight says why rootless would fail, and offers the group only', async () => {
      const w = world();
      w.writeFile('/home/dh-out/.dockhookrc.json', JSON.stringify({ rootless: { prefer: 'always' } }), { owner: USERS.outOfGroup });
      const run = await doctor(w, { user: USERS.outOfGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'socket-permission' });
      expect(run.report.diagnosis.evidence.join('\n')).toMatch(/rootless pre-flight: this session has no runtime directory of its own/);
    });

    it('says rootless-available to a user outside the docker group whose config prefers rootless', async () => {
      const w = world();
      // A login session: pam_systemd would have made /run/user/UID.
      await w.makeRuntimeDir(USERS.outOfGroup);
      const run = await doctor(w, { user: USERS.outOfGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'rootless-available' });
      const setup = run.report.diagnosis.fixes[0];
      expect(setup?.id).toBe('setup-rootless');
      expect(setup?.privileged).toBe(false);
      // No user manager here: dockhook starts docker.io's dockerd-rootless.sh itself, in the
      // background with /usr/sbin (dockerd) on its PATH, and creates the context the setup tool would.
      expect(setup?.commands).toEqual([
        ['/usr/share/docker.io/contrib/dockerd-rootless.sh'],
        ['docker', 'context', 'create', 'rootless', '--docker', `host=unix:///run/user/${w.user(USERS.outOfGroup).uid}/docker.sock`],
        ['docker', 'context', 'use', 'rootless'],
      ]);
      expect((setup as unknown as { detach: { pathPrepend: string[] } }).detach.pathPrepend).toEqual(['/usr/share/docker.io/contrib', '/usr/sbin']);
    });
  });

  describe('remote daemon unreachable, nothing local', () => {
    const world = useWorld({ name: 'doc-remote', rootful: 'absent' });

    it('says remote-unreachable for a tcp:// DOCKER_HOST nobody listens on', async () => {
      const run = await doctor(world(), { user: USERS.inGroup, env: { DOCKER_HOST: 'tcp://127.0.0.1:9' } });
      expectDiagnosis(run, { url: 'tcp://127.0.0.1:9', source: 'DOCKER_HOST', reachable: false, cause: 'remote-unreachable' });
    });
  });

  describe('no Docker Engine installed', () => {
    const world = useWorld({ name: 'doc-not-installed', rootful: 'absent' });

    it('says daemon-not-installed when dockerd is not there', async () => {
      const w = world();
      // Inside the world only: dockerd becomes a file nobody can execute.
      await w.exec(['mount', '--bind', '/dev/null', '/usr/sbin/dockerd']);
      const run = await doctor(w, { user: USERS.inGroup });
      expectDiagnosis(run, { url: DEFAULT_HOST, source: 'default', reachable: false, cause: 'daemon-not-installed' });
    });
  });

  describe('time bounds: a daemon that accepts and never answers', () => {
    const world = useWorld({ name: 'doc-hung', rootful: 'hung' });

    it('finishes every probe within its bound and the whole run in under 5 s', async () => {
      const run = await doctor(world(), { user: USERS.inGroup });
      expect(run.report.endpoint).toMatchObject({ url: DEFAULT_HOST, source: 'default' });
      expect(run.report.reachable).toBe(false);
      expectWellFormed(run);
    });
  });
});
