// A real dockerd refuses to start, for real reasons, under the stand-in systemctl; its journal is
// what that dockerd printed. `dockhook doctor` must name the reason from dockerd's own line, show
// that line, and offer the fix for it — and never a line from an earlier attempt. One world serves
// the quick cases one after another (each start fails in about a second); the containerd case
// (dockerd dials for 60 s before it gives up) runs in a second world from the start.

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Cause, Reason } from '../../src/core/types.js';
import { DOCKHOOK, USERS, type RunOptions, type RunResult, type World } from './world.js';
import { describeWithWorlds, useWorld } from './support.js';

interface Report {
  reachable: boolean;
  diagnosis: {
    cause: Cause;
    reason: Reason | null;
    proof: string | null;
    summary: string;
    evidence: string[];
    fixes: Array<{ id: string; commands: string[][]; manual: boolean; files: Array<{ path: string; content: string }> }>;
  };
  logs?: { source: string | null; attempt: string[] };
}

async function doctor(w: World, opts: RunOptions = {}): Promise<Report & { ms: number }> {
  const r = await w.run([DOCKHOOK, 'doctor', '--json', '--logs'], { timeoutMs: 30_000, ...opts });
  try {
    return { ...(JSON.parse(r.stdout) as Report), ms: r.ms };
  } catch {
    throw new Error(`doctor --json in ${w.name}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
}

/** Puts the world's dockerd in a state: its daemon.json, extra flags, and the PATH it sees. */
function configure(w: World, state: { daemonJson?: string; args?: string[]; path?: string }): void {
  const json = w.hostPath('/etc/docker/daemon.json');
  if (state.daemonJson === undefined) fs.rmSync(json, { force: true });
  else w.writeFile('/etc/docker/daemon.json', state.daemonJson);
  const write = (name: string, content: string | undefined) => {
    const file = path.join(w.dir, 'state', name);
    if (content === undefined) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, content);
  };
  write('dockerd-args', state.args ? `${state.args.join('\n')}\n` : undefined);
  write('dockerd-path', state.path);
}

async function startFails(w: World): Promise<RunResult> {
  const start = await w.run(['systemctl', 'start', 'docker'], { timeoutMs: 60_000 });
  expect(start.code, `systemctl start should fail here\n${start.stderr}`).toBe(1);
  expect(start.stderr).toMatch(/Job for docker\.service failed/);
  return start;
}

function expectReason(report: Report, reason: Reason, proof: RegExp): void {
  const where = JSON.stringify(report, null, 2);
  expect({ cause: report.diagnosis.cause, reason: report.diagnosis.reason }, where).toEqual({ cause: 'service-failed', reason });
  expect(report.diagnosis.proof ?? '', where).toMatch(proof);
  // The proof is dockerd's own line from this attempt, and --logs has the whole attempt.
  expect(report.logs?.attempt ?? [], where).toContain(report.diagnosis.proof);
}

describeWithWorlds('dockerd refuses to start: the reason from its own last words', () => {
  const slow = useWorld({ name: 'fail-ctrd', rootful: 'absent', systemd: true, dockerdArgs: ['--containerd=/run/nothing.sock'] });
  let slowStart: Promise<RunResult>;
  beforeAll(() => {
    // Let the stand-in wait for dockerd's own verdict (60 s of dialling) instead of killing it at 30 s.
    fs.writeFileSync(path.join(slow().dir, 'state', 'start-timeout-s'), '90\n');
    slowStart = slow().run(['systemctl', 'start', 'docker'], { timeoutMs: 120_000 });
  });

  const world = useWorld({ name: 'fail-sd', rootful: 'absent', systemd: true });

  it('daemon.json broken before anything ran: said first, with line and column, the repair and not a start that must fail', async () => {
    const w = world();
    configure(w, { daemonJson: '{\n  "debug": true,\n}\n' });
    const before = await doctor(w, { user: USERS.inGroup });
    expect(before.diagnosis).toMatchObject({ cause: 'service-failed', reason: 'daemon-json', proof: null });
    expect(before.diagnosis.summary).toMatch(
      /cannot start until this is fixed: \/etc\/docker\/daemon\.json is not valid JSON: a comma before the closing bracket \(remove that comma\) \(line 2, column 16\)/,
    );
    expect(before.diagnosis.fixes.map((f) => f.id)).toEqual(['edit-daemon-json']);
    await startFails(w);
    const after = await doctor(w);
    expectReason(after, 'daemon-json', /^unable to configure the Docker daemon with file \/etc\/docker\/daemon\.json: invalid character '}'/);
    expect(after.diagnosis.summary).toMatch(
      /tried to start and failed: \/etc\/docker\/daemon\.json is not valid JSON: a comma before the closing bracket \(remove that comma\) \(line 2, column 16\)/,
    );
  });

  it('an unknown directive names the closest valid key, and nothing of the attempt before', async () => {
    const w = world();
    configure(w, { daemonJson: '{ "debugg": true }\n' });
    await startFails(w);
    const report = await doctor(w);
    expectReason(report, 'daemon-json', /don't match any configuration option: debugg$/);
    expect(report.diagnosis.summary).toMatch(/"debugg" \(did you mean "debug"\?\)/);
    const everything = [...report.diagnosis.evidence, ...(report.logs?.attempt ?? [])].join('\n');
    expect(everything).not.toMatch(/invalid character/);
    // Only the repair while the key is there; once corrected, the start — and one yes later docker works.
    expect(report.diagnosis.fixes.map((f) => f.id)).toEqual(['edit-daemon-json']);
    w.writeFile('/etc/docker/daemon.json', '{ "debug": true }\n');
    const corrected = await doctor(w);
    expect(corrected.diagnosis.fixes.map((f) => f.id)).toEqual(['start-service']);
    expect(corrected.diagnosis.evidence.join('\n')).toMatch(/has been corrected since that start/);
    const fix = await w.run(['script', '-qec', `${DOCKHOOK} fix --yes`, '/dev/null'], { timeoutMs: 60_000 });
    expect(fix.code, fix.stdout).toBe(0);
    expect((await w.run(['docker', 'version', '--format', '{{.Server.Version}}'])).code).toBe(0);
    await w.run(['systemctl', 'stop', 'docker']);
  });

  it('two failed starts in a row: the file as it is now, then the last start, win over the older failure', async () => {
    const w = world();
    configure(w, { daemonJson: '{ "storage-driver": "vfs" }\n', args: ['--storage-driver=vfs'] });
    await startFails(w);
    const conflict = await doctor(w);
    expectReason(conflict, 'flag-and-file-conflict', /specified both as a flag and in the configuration file: storage-driver/);
    // The file still sets it: a start must fail again, so the repair comes alone.
    expect(conflict.diagnosis.fixes.map((f) => f.id)).toEqual(['remove-conflict']);
    w.writeFile('/etc/docker/daemon.json', '{ "debug": tru }\n');
    const now = await doctor(w);
    expect(now.diagnosis).toMatchObject({ cause: 'service-failed', reason: 'daemon-json' });
    expect(now.diagnosis.summary).toMatch(/daemon\.json is not valid JSON: "tru" is not a JSON value .*\(line 1, column 12\)\.$/);
    expect(now.diagnosis.fixes.map((f) => f.id)).toEqual(['edit-daemon-json']);
    await startFails(w);
    const last = await doctor(w);
    expectReason(last, 'daemon-json', /invalid character ' ' in literal true/);
    expect((last.logs?.attempt ?? []).join('\n')).not.toMatch(/specified both/);
  });

  it('hosts in daemon.json beside -H: the drop-in that clears ExecStart, its content shown, then daemon-reload', async () => {
    const w = world();
    configure(w, { daemonJson: '{ "hosts": ["unix:///var/run/docker.sock"] }\n' });
    await startFails(w);
    const report = await doctor(w);
    expectReason(
      report,
      'flag-and-file-conflict',
      /specified both as a flag and in the configuration file: hosts: \(from flag: \[unix:\/\/\/var\/run\/docker\.sock\], from file: \[unix:\/\/\/var\/run\/docker\.sock\]\)/,
    );
    const dropIn = report.diagnosis.fixes[0]!;
    expect(dropIn.id).toBe('hosts-drop-in');
    expect(dropIn.files[0]?.path).toBe('/etc/systemd/system/docker.service.d/docker.conf');
    expect(dropIn.files[0]?.content).toMatch(/^\[Service\]\nExecStart=\nExecStart=\/usr\/sbin\/dockerd --iptables=false .*--group docker\n$/m);
    expect(dropIn.files[0]?.content).not.toMatch(/ -H /);
    expect(dropIn.commands[0]).toEqual(['sudo', 'systemctl', 'daemon-reload']);
  });

  it('a storage driver that cannot load', async () => {
    const w = world();
    configure(w, { args: ['--storage-driver=devicemapper'] });
    await startFails(w);
    expectReason(await doctor(w), 'storage-driver', /^failed to start daemon: error initializing graphdriver: driver not supported/);
  });

  it('no iptables binary with iptables on', async () => {
    const w = world();
    // Only ever without an iptables dockerd could find: this world shares the machine's network.
    const hidden = await w.run(['sh', '-c', 'PATH=/usr/bin:/bin command -v iptables']);
    expect(hidden.code, `iptables is visible on /usr/bin:/bin: ${hidden.stdout}`).not.toBe(0);
    configure(w, { args: ['--iptables=true'], path: '/usr/bin:/bin' });
    await startFails(w);
    const report = await doctor(w);
    expectReason(report, 'iptables', /failed to create NAT chain DOCKER: Iptables not found$/);
    expect(report.diagnosis.summary).toMatch(/no iptables program is installed/);
  });

  it('a data-root on a full file system: how much is free, and where', async () => {
    const w = world();
    const fill = await w.run([
      'sh',
      '-c',
      'mkdir -p /run/full && mount -t tmpfs -o size=1m tmpfs /run/full && mkdir /run/full/docker && dd if=/dev/zero of=/run/full/fill bs=4k 2>/dev/null; df --output=avail /run/full | tail -1',
    ]);
    expect(fill.stdout.trim()).toBe('0');
    configure(w, { args: ['--data-root', '/run/full/docker'] });
    await startFails(w);
    const report = await doctor(w);
    expectReason(report, 'disk-full', /no space left on device/);
    expect(report.diagnosis.summary).toMatch(/the file system of \/run\/full\/docker is full \(0 B free of 1 MiB\)/);
  });

  it('a pid file held by another live process: names it, and one fix later docker works', async () => {
    const w = world();
    configure(w, {});
    const holder = await w.run(['sh', '-c', 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!']);
    const pid = holder.stdout.trim();
    const pidFile = path.join(w.dir, 'rootful', 'docker.pid');
    fs.writeFileSync(pidFile, `${pid}\n`);
    await startFails(w);
    const report = await doctor(w, { user: USERS.inGroup, env: { LANG: 'C.UTF-8' } });
    // dh-in may not read the system journal: the reason is then unknown, and says how to see it.
    expect(report.diagnosis.evidence.join('\n')).toMatch(/cannot be read by this user/);
    const asRoot = await doctor(w);
    expectReason(asRoot, 'pid-file', new RegExp(`pid file found, ensure docker is not running or delete ${pidFile}$`));
    expect(asRoot.diagnosis.summary).toContain(`names PID ${pid}, which now belongs to another program (sleep)`);
    expect(asRoot.diagnosis.fixes[0]).toMatchObject({
      id: 'remove-pid-file',
      commands: [
        ['sudo', 'rm', '-f', pidFile],
        ['sudo', 'systemctl', 'start', 'docker.service'],
      ],
    });
    // Be the user: apply it (a privileged fix runs only with a terminal: script(1) gives it one), and docker answers.
    const fix = await w.run(['script', '-qec', `${DOCKHOOK} fix --yes`, '/dev/null'], { timeoutMs: 60_000 });
    expect(fix.stdout).toContain(`rm -f ${pidFile}`);
    expect(fix.code, `${fix.stdout}\n${fix.stderr}`).toBe(0);
    const ps = await w.run(['docker', 'version', '--format', '{{.Server.Version}}']);
    expect(ps.code, ps.stderr).toBe(0);
    await w.run(['systemctl', 'stop', 'docker']);
  });

  it("the report: the reason in one sentence, dockerd's own line, the fix; --logs the whole attempt", async () => {
    const w = world();
    configure(w, { args: ['--storage-driver=aufs'] });
    await startFails(w);
    const text = await w.run([DOCKHOOK, 'doctor', '--logs'], { env: { NO_COLOR: '1' } });
    expect(text.stdout).toMatch(
      /^cause: service-failed \(storage-driver\) — the Docker service tried to start and failed: its storage driver "aufs" cannot run here: driver not supported\.$/m,
    );
    expect(text.stdout).toMatch(/^ {2}dockerd said: failed to start daemon: error initializing graphdriver: driver not supported$/m);
    expect(text.stdout).toMatch(/^the latest start attempt, from journalctl -u docker\.service:$/m);
    expect(text.stdout).toMatch(/msg="Starting up"/);
    // Only this attempt: the storage-driver line of the case before it appears once, the pid file never.
    expect(text.stdout).not.toMatch(/pid file found/);
  });

  it('an unreachable containerd socket (dockerd gives up after 60 s)', async () => {
    const start = await slowStart;
    expect(start.code, start.stderr).toBe(1);
    const report = await doctor(slow());
    expectReason(report, 'containerd', /^failed to start daemon: failed to dial "\/run\/nothing\.sock"/);
    expect(report.diagnosis.summary).toMatch(/cannot reach containerd at \/run\/nothing\.sock/);
  }, 150_000);
});

describeWithWorlds("a rootless daemon that cannot start: the reason from rootlesskit's words, or the pre-flight", () => {
  // dh-rootless has rootless Docker set up (user unit, runtime directory); systemd is the stand-in.
  const world = useWorld({ name: 'fail-rl', rootful: 'absent', rootless: 'installed', systemd: true });
  const as = { user: USERS.rootless };

  async function startFailsRootless(w: World): Promise<void> {
    const start = await w.run(['systemctl', '--user', 'start', 'docker'], { ...as, timeoutMs: 60_000 });
    expect(start.code, start.stderr).toBe(1);
    expect(start.stderr).toMatch(/Job for docker\.service failed/);
  }

  it('XDG_RUNTIME_DIR unset (after su): no login session, said before any start, and no start offered that cannot work', async () => {
    const w = world();
    // What dockerd-rootless.sh itself says in such a session (real, docker.io 20.10).
    const script = await w.run(['/usr/share/docker.io/contrib/dockerd-rootless.sh'], { ...as, env: { XDG_RUNTIME_DIR: null } });
    expect(script.code).toBe(1);
    expect(script.stdout + script.stderr).toMatch(/^XDG_RUNTIME_DIR needs to be set and writable$/m);
    const report = await doctor(w, { ...as, env: { XDG_RUNTIME_DIR: null } });
    expect(report.diagnosis).toMatchObject({ cause: 'rootless-failed', reason: 'no-login-session', proof: null });
    expect(report.diagnosis.summary).toMatch(/cannot start until this is fixed: this session has no runtime directory/);
    expect(report.diagnosis.fixes.map((f) => f.id)).toEqual(['login-session', 'enable-linger']);
  });

  it("newuidmap hidden: rootlesskit's own line, and uidmap to install", async () => {
    const w = world();
    // Inside the world only: an empty, non-executable file over newuidmap, so no PATH lookup finds one.
    const hide = await w.run(['sh', '-c', ': > /run/no-newuidmap && mount --bind /run/no-newuidmap /usr/bin/newuidmap']);
    expect(hide.code, hide.stderr).toBe(0);
    try {
      await startFailsRootless(w);
      const report = await doctor(w, as);
      expect(report.diagnosis).toMatchObject({ cause: 'rootless-failed', reason: 'newuidmap' });
      expect(report.diagnosis.proof).toMatch(
        /^\[rootlesskit:parent\] error: failed to setup UID\/GID map: newuidmap \d+ \[.*\] failed: : exec: "newuidmap": executable file not found in \$PATH$/,
      );
      expect(report.diagnosis.fixes[0]?.id).toBe('install-uidmap');
    } finally {
      await w.run(['umount', '/usr/bin/newuidmap']);
    }
  });

  it('a user with no subuid range: that line, and a free range to add', async () => {
    const w = world();
    // The world's own /etc/subuid, without dh-rootless's line (the machine's file is untouched).
    const hide = await w.run(['sh', '-c', 'grep -v "^dh-rootless:" /etc/subuid > /run/subuid && mount --bind /run/subuid /etc/subuid']);
    expect(hide.code, hide.stderr).toBe(0);
    try {
      await startFailsRootless(w);
      const report = await doctor(w, as);
      expect(report.diagnosis).toMatchObject({ cause: 'rootless-failed', reason: 'subid' });
      expect(report.diagnosis.proof).toMatch(
        /^\[rootlesskit:parent\] error: failed to setup UID\/GID map: failed to compute uid\/gid map: No subuid ranges found for user \d+ \("dh-rootless"\)$/,
      );
      // Only this attempt: not the newuidmap failure before it.
      expect(report.diagnosis.evidence.join('\n')).not.toMatch(/executable file not found/);
      const add = report.diagnosis.fixes[0]!;
      // Still missing now: the repair alone, no start beside it that must fail (nor one left over if it fails).
      expect(report.diagnosis.fixes.map((f) => f.id)).toEqual(['add-subids']);
      const range = add.commands[0]![3]!;
      const [start, end] = range.split('-').map(Number);
      expect(end! - start! + 1).toBe(65536);
      // Above every range /etc/subuid and /etc/subgid give out.
      const taken = (await w.run(['cat', '/etc/subuid', '/etc/subgid'])).stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split(':')[1]) + Number(l.split(':')[2]));
      expect(start).toBeGreaterThanOrEqual(Math.max(...taken));
    } finally {
      await w.run(['umount', '/etc/subuid']);
    }
  });
});
