// Every probe, branch by branch, on machines described as plain data (test/support/fake-system.ts):
// no root, no daemon, no particular distribution. Each probe is also run through gatherFacts,
// which bounds it in time: a probe that hangs or throws leaves its fact unknown and says why.
import { describe, expect, it } from 'vitest';
import { contextDirName, DEFAULT_UNIX_HOST } from '../../src/core/endpoint.js';
import { translator } from '../../src/core/messages/index.js';
import type { Endpoint } from '../../src/core/types.js';
import { probeEnvironment } from '../../src/probes/environment.js';
import { probeGroups } from '../../src/probes/groups.js';
import { gatherFacts } from '../../src/probes/index.js';
import { diagnose } from '../../src/core/diagnose.js';
import { probeInstall } from '../../src/probes/install.js';
import { probeLogs } from '../../src/probes/logs.js';
import { nextFreeSubid, probeRootless } from '../../src/probes/rootless.js';
import { isProcessRunning, probeService, systemDaemonGone } from '../../src/probes/service.js';
import { probeSocket } from '../../src/probes/socket.js';
import { dir, executable, fakeSystem, file, socket, symlink, type FakeMachine } from '../support/fake-system.js';

const t = translator('en');
const GROUP = 'root:x:0:\ndocker:x:998:bob\nada:x:1000:\nbob:x:1001:\n';
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n';
const ETC = { '/etc/group': GROUP, '/etc/passwd': PASSWD };

function endpoint(url = DEFAULT_UNIX_HOST, more: Partial<Endpoint> = {}): Endpoint {
  return { url, source: 'default', context: null, contextError: null, tls: false, configDir: '/home/ada/.docker', ...more };
}

const SHOW = ['show', '-p', 'ActiveState,Result,LoadState,UnitFileState'];
const unitText = (active: string, enabled: string, result = 'success', load = 'loaded') =>
  `ActiveState=${active}\nResult=${result}\nLoadState=${load}\nUnitFileState=${enabled}\n`;
const systemd = (system: string, user?: string): FakeMachine => ({
  files: { '/run/systemd/system': dir() },
  commands: [
    { argv: ['systemctl', ...SHOW, 'docker.service', 'docker.socket'], stdout: system },
    ...(user === undefined ? [] : [{ argv: ['systemctl', '--user', ...SHOW, 'docker.service'], stdout: user }]),
  ],
});

describe('probeSocket', () => {
  const at = (node: ReturnType<typeof socket> | ReturnType<typeof file> | ReturnType<typeof symlink> | null, machine: FakeMachine = {}) =>
    probeSocket(fakeSystem({ ...machine, files: { ...ETC, ...(node ? { '/var/run/docker.sock': node } : {}), ...machine.files } }), '/var/run/docker.sock');

  it('a missing socket', async () => {
    expect(await at(null)).toMatchObject({
      exists: false,
      symlink: false,
      dangling: false,
      isSocket: false,
      mode: null,
      writable: false,
      worldWritable: false,
      groupName: null,
    });
  });

  it("root's socket in the docker group, the user not in it", async () => {
    expect(await at(socket({ uid: 0, gid: 998, mode: 0o660 }))).toMatchObject({
      exists: true,
      isSocket: true,
      uid: 0,
      gid: 998,
      mode: 0o660,
      ownerName: 'root',
      groupName: 'docker',
      writable: false,
      worldWritable: false,
    });
  });

  it('writable when the process carries the group', async () => {
    expect(await at(socket({ uid: 0, gid: 998, mode: 0o660 }), { processGids: [1000, 998] })).toMatchObject({ writable: true });
  });

  it('a world-writable socket is called so', async () => {
    expect(await at(socket({ uid: 0, gid: 998, mode: 0o666 }))).toMatchObject({ writable: true, worldWritable: true });
  });

  it('a symlink to a socket is followed; a dangling one is said to be dangling', async () => {
    expect(await at(symlink('/run/docker.sock'), { files: { '/run/docker.sock': socket({ gid: 998 }) } })).toMatchObject({
      exists: true,
      symlink: true,
      dangling: false,
      isSocket: true,
      groupName: 'docker',
    });
    expect(await at(symlink('/run/docker.sock'))).toMatchObject({ exists: false, symlink: true, dangling: true });
  });

  it('a regular file where the socket should be', async () => {
    expect(await at(file('', { mode: 0o644 }))).toMatchObject({ exists: true, isSocket: false, mode: 0o644 });
  });

  it('names owner and group by number when /etc says nothing about them', async () => {
    const facts = await probeSocket(fakeSystem({ files: { '/var/run/docker.sock': socket({ uid: 4242, gid: 4343 }) } }), '/var/run/docker.sock');
    expect(facts).toMatchObject({ uid: 4242, gid: 4343, ownerName: null, groupName: null });
  });
});

describe('probeService', () => {
  it('systemd booted: both units, and the user manager for a normal user', async () => {
    const sys = fakeSystem(systemd(`${unitText('inactive', 'enabled')}\n${unitText('active', 'enabled')}`, unitText('failed', 'enabled', 'exit-code')));
    const facts = await probeService(sys, 100);
    expect(facts).toMatchObject({ manager: 'systemd', systemdBooted: true, dockerdRunning: false, sysvScript: false });
    expect(facts.docker).toEqual({ active: 'inactive', enabled: 'enabled', result: 'success', load: 'loaded' });
    expect(facts.dockerSocket).toEqual({ active: 'active', enabled: 'enabled', result: 'success', load: 'loaded' });
    expect(facts.userDocker).toEqual({ active: 'failed', enabled: 'enabled', result: 'exit-code', load: 'loaded' });
  });

  it('root does not ask a user manager', async () => {
    const sys = fakeSystem({ ...systemd(unitText('active', 'enabled')), user: { name: 'root', uid: 0, gid: 0, home: '/root' } });
    const facts = await probeService(sys, 100);
    expect(facts.userDocker).toBeNull();
    expect(sys.log.runs.some((argv) => argv.includes('--user'))).toBe(false);
  });

  it('a user unit that is not found counts as none', async () => {
    const facts = await probeService(fakeSystem(systemd(unitText('active', 'enabled'), unitText('inactive', '', '', 'not-found'))), 100);
    expect(facts.userDocker).toBeNull();
  });

  it('systemctl failing or missing leaves the units unknown', async () => {
    const failing = await probeService(
      fakeSystem({
        files: { '/run/systemd/system': dir() },
        commands: [{ argv: ['systemctl', ...SHOW, 'docker.service', 'docker.socket'], code: 1, stderr: 'Failed to connect to bus' }],
      }),
      100,
    );
    expect(failing).toMatchObject({ manager: 'systemd', docker: null, dockerSocket: null, userDocker: null });
    const missing = await probeService(fakeSystem({ files: { '/run/systemd/system': dir() } }), 100);
    expect(missing).toMatchObject({ manager: 'systemd', docker: null });
  });

  it('systemctl that hangs is stopped at its bound, and the units stay unknown', async () => {
    const sys = fakeSystem({
      files: { '/run/systemd/system': dir() },
      commands: [{ argv: ['systemctl', ...SHOW, 'docker.service', 'docker.socket'], hang: 'bounded' }],
    });
    const started = Date.now();
    expect(await probeService(sys, 30)).toMatchObject({ docker: null });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('no systemd: OpenRC, then an init script, then nothing', async () => {
    expect(await probeService(fakeSystem({ files: { '/run/openrc': dir(), '/etc/init.d/docker': executable() } }), 100)).toMatchObject({
      manager: 'openrc',
      systemdBooted: false,
      sysvScript: true,
    });
    expect(await probeService(fakeSystem({ files: { '/etc/init.d/docker': executable() } }), 100)).toMatchObject({
      manager: 'sysv',
      sysvScript: true,
      docker: null,
    });
    const none = fakeSystem();
    expect(await probeService(none, 100)).toMatchObject({ manager: 'none', sysvScript: false });
    expect(none.log.runs).toEqual([]);
  });

  it('after a start: the daemon is gone when no dockerd runs (no systemd), or when systemd says the unit failed', async () => {
    expect(await systemDaemonGone(fakeSystem({ processes: [{ pid: 1, comm: 'init' }] }), 100)).toBe(true);
    expect(
      await systemDaemonGone(
        fakeSystem({
          processes: [
            { pid: 1, comm: 'init' },
            { pid: 77, comm: 'dockerd', uid: 0 },
          ],
        }),
        100,
      ),
    ).toBe(false);
    const show = ['systemctl', 'show', '--property=ActiveState', '--value', 'docker.service'];
    expect(await systemDaemonGone(fakeSystem({ files: { '/run/systemd/system': dir() }, commands: [{ argv: show, stdout: 'failed\n' }] }), 100)).toBe(true);
    // Between systemd's own restarts the unit is "activating": keep waiting.
    expect(await systemDaemonGone(fakeSystem({ files: { '/run/systemd/system': dir() }, commands: [{ argv: show, stdout: 'activating\n' }] }), 100)).toBe(
      false,
    );
  });

  it('a /run/systemd/system that is not a directory does not count', async () => {
    expect(await probeService(fakeSystem({ files: { '/run/systemd/system': '' } }), 100)).toMatchObject({ systemdBooted: false });
  });

  it("finds root's dockerd in /proc; a rootless one (the user's own) is not the system daemon", async () => {
    const rootless = fakeSystem({
      processes: [
        { pid: 1, comm: 'init' },
        { pid: 300, comm: 'dockerd', uid: 1000 },
        { pid: 301, comm: 'containerd' },
      ],
    });
    expect((await probeService(rootless, 100)).dockerdRunning).toBe(false);
    expect(await isProcessRunning(rootless, 'dockerd', 1000)).toBe(true);
    expect(await isProcessRunning(rootless, 'dockerd')).toBe(true);
    const rootful = fakeSystem({
      processes: [
        { pid: 1, comm: 'init' },
        { pid: 77, comm: 'dockerd', uid: 0 },
      ],
    });
    expect((await probeService(rootful, 100)).dockerdRunning).toBe(true);
    expect(await isProcessRunning(fakeSystem(), 'dockerd')).toBe(false);
  });
});

describe('probeGroups', () => {
  it('no docker group at all', async () => {
    expect(await probeGroups(fakeSystem({ files: { '/etc/group': 'root:x:0:\nada:x:1000:\n' } }))).toEqual({
      docker: null,
      inDatabase: false,
      inProcess: false,
      session: ['ada'],
    });
  });

  it('not a member anywhere', async () => {
    expect(await probeGroups(fakeSystem({ files: ETC }))).toMatchObject({
      docker: { name: 'docker', gid: 998, members: ['bob'] },
      inDatabase: false,
      inProcess: false,
    });
  });

  it('a member in /etc/group whose session started before: the stale-session case', async () => {
    const facts = await probeGroups(fakeSystem({ user: { name: 'bob', uid: 1001, gid: 1001, home: '/home/bob' }, files: ETC }));
    expect(facts).toMatchObject({ inDatabase: true, inProcess: false, session: ['bob'] });
  });

  it('a member with the group active (after newgrp, or a new login)', async () => {
    const facts = await probeGroups(fakeSystem({ user: { name: 'bob', uid: 1001, gid: 1001, home: '/home/bob' }, processGids: [1001, 998, 4242], files: ETC }));
    expect(facts).toMatchObject({ inDatabase: true, inProcess: true, session: ['bob', 'docker', '4242'] });
  });

  it('docker as the primary group counts as membership', async () => {
    expect(await probeGroups(fakeSystem({ user: { gid: 998 }, processGids: [998], files: ETC }))).toMatchObject({ inDatabase: true, inProcess: true });
  });

  it('an unreadable /etc/group reads as no group', async () => {
    expect(await probeGroups(fakeSystem({ files: { '/etc/group': file(GROUP, { mode: 0o600 }) } }))).toMatchObject({ docker: null });
  });
});

describe('probeRootless', () => {
  const meta = (host: string) => JSON.stringify({ Name: 'rootless', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } });
  const ready: FakeMachine = {
    env: { XDG_RUNTIME_DIR: '/run/user/1000' },
    files: {
      '/usr/bin/dockerd-rootless-setuptool.sh': executable(),
      '/usr/bin/dockerd-rootless.sh': executable(),
      '/usr/bin/newuidmap': executable({ mode: 0o4755 }),
      '/usr/bin/newgidmap': executable({ mode: 0o4755 }),
      '/etc/subuid': 'ada:100000:65536\nbob:165536:65536\n',
      '/etc/subgid': 'ada:100000:65536\n1000:300000:1000\n',
      '/run/user/1000': dir({ uid: 1000, gid: 1000, mode: 0o700 }),
    },
  };

  it('set up and prerequisites met, daemon not running', async () => {
    const facts = await probeRootless(fakeSystem(ready), endpoint(), 100);
    expect(facts).toEqual({
      xdgRuntimeDir: '/run/user/1000',
      socketPath: '/run/user/1000/docker.sock',
      socket: { outcome: 'enoent', detail: 'ENOENT', podman: false },
      contextHost: null,
      setupTool: '/usr/bin/dockerd-rootless-setuptool.sh',
      rootlessScript: '/usr/bin/dockerd-rootless.sh',
      newuidmap: '/usr/bin/newuidmap',
      newgidmap: '/usr/bin/newgidmap',
      subuidCount: 65536,
      subgidCount: 66536,
      userUnit: false,
      dockerd: null,
      logPath: '/home/ada/.local/state/dockhook/dockerd-rootless.log',
      preflight: {
        runtimeDir: 'ok',
        apparmorRestricted: null,
        apparmorProfile: null,
        rootlesskit: null,
        usernsClone: null,
        maxUserNamespaces: null,
        subidNext: 301000,
      },
      attempt: null,
    });
  });

  describe('the rootless pre-flight', () => {
    const pre = async (machine: FakeMachine) =>
      (await probeRootless(fakeSystem({ ...ready, ...machine, files: { ...ready.files, ...machine.files } }), endpoint(), 100)).preflight;

    it('AppArmor restricting user namespaces, and no profile for rootlesskit', async () => {
      expect(
        await pre({ files: { '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n', '/home/ada/bin/rootlesskit': executable() } }),
      ).toMatchObject({ apparmorRestricted: true, apparmorProfile: false, rootlesskit: '/home/ada/bin/rootlesskit' });
    });

    it("a profile that allows userns for rootlesskit's path (or a glob of it) counts", async () => {
      const profile = 'abi <abi/4.0>,\n/usr/bin/rootlesskit flags=(unconfined) {\n  userns,\n}\n';
      const glob = 'profile rootlesskit /{,usr/}{,s}bin/rootlesskit flags=(unconfined) {\n  userns,\n}\n';
      const base = { '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n', '/usr/bin/rootlesskit': executable() };
      expect(await pre({ files: { ...base, '/etc/apparmor.d/usr.bin.rootlesskit': profile } })).toMatchObject({ apparmorProfile: true });
      expect(await pre({ files: { ...base, '/etc/apparmor.d/rootlesskit': glob } })).toMatchObject({ apparmorProfile: true });
      expect(await pre({ files: { ...base, '/etc/apparmor.d/rootlesskit': 'profile rootlesskit /usr/bin/rootlesskit {\n}\n' } })).toMatchObject({
        apparmorProfile: false,
      });
    });

    it("the userns sysctls, and a runtime directory that is not the user's", async () => {
      expect(
        await pre({
          files: { '/proc/sys/kernel/unprivileged_userns_clone': '0\n', '/proc/sys/user/max_user_namespaces': '0\n', '/run/user/1000': dir({ uid: 0 }) },
        }),
      ).toMatchObject({ usernsClone: 0, maxUserNamespaces: 0, runtimeDir: 'not-owned' });
    });

    it('a new id range starts above every range given out', async () => {
      expect(nextFreeSubid('ada:100000:65536\nbob:165536:65536\n', 'ada:100000:65536\n')).toBe(231072);
      expect(nextFreeSubid('', '')).toBe(100000);
    });

    it("the latest attempt of a background start, from dockhook's log file", async () => {
      const log =
        'dockhook: starting /usr/bin/dockerd-rootless.sh at 2026-01-01T00:00:00.000Z\nold\ndockhook: starting /usr/bin/dockerd-rootless.sh at 2026-01-02T00:00:00.000Z\n[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: No subuid ranges found for user 1000 ("ada")\n';
      const sys = fakeSystem({
        ...ready,
        files: { ...ready.files, '/home/ada/.config/systemd/user/docker.service': '[Service]\n', '/home/ada/.local/state/dockhook/dockerd-rootless.log': log },
      });
      expect((await probeRootless(sys, endpoint(), 100)).attempt).toEqual({
        source: '/home/ada/.local/state/dockhook/dockerd-rootless.log',
        lines: [log.split('\n')[2], log.split('\n')[3]],
      });
    });
  });

  it("the daemon answers on the user's socket; the unit and the rootless context are found", async () => {
    const sys = fakeSystem({
      ...ready,
      files: {
        ...ready.files,
        '/run/user/1000/docker.sock': socket({ uid: 1000, gid: 1000 }),
        '/home/ada/.config/systemd/user/docker.service': '[Service]\n',
        [`/home/ada/.docker/contexts/meta/${contextDirName('rootless')}/meta.json`]: meta('unix:///run/user/1000/docker.sock'),
      },
      pings: { 'unix:///run/user/1000/docker.sock': 'ok' },
    });
    expect(await probeRootless(sys, endpoint(), 100)).toMatchObject({
      socket: { outcome: 'ok' },
      userUnit: true,
      contextHost: 'unix:///run/user/1000/docker.sock',
    });
  });

  it("Debian's docker.io keeps the scripts outside PATH", async () => {
    const sys = fakeSystem({
      files: { '/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh': executable(), '/usr/share/docker.io/contrib/dockerd-rootless.sh': executable() },
    });
    expect(await probeRootless(sys, endpoint(), 100)).toMatchObject({
      setupTool: '/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh',
      rootlessScript: '/usr/share/docker.io/contrib/dockerd-rootless.sh',
    });
  });

  it('nothing there: no tools, no ids, XDG_RUNTIME_DIR unset', async () => {
    const facts = await probeRootless(fakeSystem(), endpoint(), 100);
    expect(facts).toMatchObject({
      xdgRuntimeDir: null,
      socketPath: '/run/user/1000/docker.sock',
      setupTool: null,
      newuidmap: null,
      subuidCount: 0,
      subgidCount: 0,
      contextHost: null,
      userUnit: false,
    });
  });

  it('a setup tool without its x bit is not a tool', async () => {
    expect(await probeRootless(fakeSystem({ files: { '/usr/bin/dockerd-rootless-setuptool.sh': file('#!/bin/sh\n') } }), endpoint(), 100)).toMatchObject({
      setupTool: null,
    });
  });

  it('the configured rootless host wins over XDG_RUNTIME_DIR', async () => {
    const sys = fakeSystem({ env: { XDG_RUNTIME_DIR: '/run/user/1000' } });
    expect(await probeRootless(sys, endpoint(), 100, 'unix:///srv/ada/docker.sock')).toMatchObject({ socketPath: '/srv/ada/docker.sock' });
    expect(sys.log.pings).toEqual(['unix:///srv/ada/docker.sock']);
  });

  it('root has no rootless daemon to ping', async () => {
    const sys = fakeSystem({ user: { name: 'root', uid: 0, gid: 0, home: '/root' } });
    expect(await probeRootless(sys, endpoint(), 100)).toMatchObject({ socket: null, socketPath: '/run/user/0/docker.sock' });
    expect(sys.log.pings).toEqual([]);
  });

  it('a broken rootless context reads as none', async () => {
    const sys = fakeSystem({ files: { [`/home/ada/.docker/contexts/meta/${contextDirName('rootless')}/meta.json`]: '{ not json' } });
    expect(await probeRootless(sys, endpoint(), 100)).toMatchObject({ contextHost: null });
  });
});

describe('probeEnvironment', () => {
  it('a plain Linux machine', async () => {
    const sys = fakeSystem({ files: { '/proc/version': 'Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n', '/usr/bin/docker': executable() } });
    expect(await probeEnvironment(sys, endpoint(), 100)).toEqual({ wsl: null, snap: false, desktop: null, alternatives: [] });
  });

  it('WSL 2 and WSL 1, from /proc/version or WSL_DISTRO_NAME', async () => {
    expect((await probeEnvironment(fakeSystem({ files: { '/proc/version': 'Linux version 5.15.90.1-microsoft-standard-WSL2\n' } }), endpoint(), 100)).wsl).toBe(
      2,
    );
    expect((await probeEnvironment(fakeSystem({ files: { '/proc/version': 'Linux version 4.4.0-19041-Microsoft\n' } }), endpoint(), 100)).wsl).toBe(1);
    expect((await probeEnvironment(fakeSystem({ env: { WSL_DISTRO_NAME: 'Ubuntu' } }), endpoint(), 100)).wsl).toBe(2);
  });

  it('docker from a snap, directly or through a link to snap itself', async () => {
    expect(
      (await probeEnvironment(fakeSystem({ env: { PATH: '/snap/bin:/usr/bin' }, files: { '/snap/bin/docker': executable() } }), endpoint(), 100)).snap,
    ).toBe(true);
    expect(
      (await probeEnvironment(fakeSystem({ files: { '/usr/local/bin/docker': symlink('/usr/bin/snap'), '/usr/bin/snap': executable() } }), endpoint(), 100))
        .snap,
    ).toBe(true);
  });

  it('Docker Desktop: its socket dead, or only its context there', async () => {
    const dead = await probeEnvironment(fakeSystem({ files: { '/home/ada/.docker/desktop/docker.sock': socket({ uid: 1000 }) } }), endpoint(), 100);
    expect(dead.desktop).toEqual({ socketPath: '/home/ada/.docker/desktop/docker.sock', alive: false, context: false });
    const alive = await probeEnvironment(
      fakeSystem({
        files: { '/home/ada/.docker/desktop/docker.sock': socket({ uid: 1000 }) },
        pings: { 'unix:///home/ada/.docker/desktop/docker.sock': 'ok' },
      }),
      endpoint(),
      100,
    );
    expect(alive.desktop?.alive).toBe(true);
    const context = await probeEnvironment(
      fakeSystem({ files: { [`/home/ada/.docker/contexts/meta/${contextDirName('desktop-linux')}/meta.json`]: '{}' } }),
      endpoint(),
      100,
    );
    expect(context.desktop).toEqual({ socketPath: '/home/ada/.docker/desktop/docker.sock', alive: false, context: true });
  });

  it('colima, OrbStack, Rancher Desktop and podman sockets, alive or not', async () => {
    const sys = fakeSystem({
      env: { XDG_RUNTIME_DIR: '/run/user/1000' },
      files: {
        '/home/ada/.colima/default/docker.sock': socket({ uid: 1000 }),
        '/home/ada/.rd/docker.sock': socket({ uid: 1000 }),
        '/run/user/1000/podman/podman.sock': socket({ uid: 1000 }),
      },
      pings: { 'unix:///home/ada/.rd/docker.sock': 'ok' },
    });
    expect((await probeEnvironment(sys, endpoint(), 100)).alternatives).toEqual([
      { runtime: 'colima', socketPath: '/home/ada/.colima/default/docker.sock', alive: false, context: 'colima' },
      { runtime: 'rancher-desktop', socketPath: '/home/ada/.rd/docker.sock', alive: true, context: 'rancher-desktop' },
      { runtime: 'podman', socketPath: '/run/user/1000/podman/podman.sock', alive: false, context: null },
    ]);
  });
});

describe('probeInstall', () => {
  it("dockerd in /usr/sbin, off a normal user's PATH, is still found", async () => {
    expect(await probeInstall(fakeSystem({ files: { '/usr/sbin/dockerd': executable(), '/usr/bin/docker': executable() } }))).toEqual({
      dockerd: '/usr/sbin/dockerd',
      dockerCli: '/usr/bin/docker',
      osRelease: null,
    });
  });

  it('PATH first', async () => {
    const sys = fakeSystem({ env: { PATH: '/opt/docker/bin:/usr/bin' }, files: { '/opt/docker/bin/dockerd': executable(), '/usr/bin/dockerd': executable() } });
    expect((await probeInstall(sys)).dockerd).toBe('/opt/docker/bin/dockerd');
  });

  it('nothing installed', async () => {
    expect(await probeInstall(fakeSystem())).toEqual({ dockerd: null, dockerCli: null, osRelease: null });
  });
});

describe('probeLogs', () => {
  const JOURNAL = ['journalctl', '-u', 'docker.service', '-n', '300', '--no-pager', '-o', 'json'];
  const entry = (MESSAGE: string, invocation: string) => JSON.stringify({ MESSAGE, _SYSTEMD_INVOCATION_ID: invocation });

  it('under systemd: the journal of the latest start only, its telling lines', async () => {
    const journal = [
      entry('failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid', 'old'),
      entry('time="2026-01-01T00:00:00Z" level=info msg="Starting up"', 'new'),
      entry('failed to start daemon: Error initializing network controller: iptables not found', 'new'),
      JSON.stringify({ MESSAGE: 'docker.service: Start request repeated too quickly.', INVOCATION_ID: 'new' }),
    ].join('\n');
    const sys = fakeSystem({ files: { '/run/systemd/system': dir() }, commands: [{ argv: JOURNAL, stdout: journal }] });
    const facts = await probeLogs(sys, 100);
    expect(facts.source).toBe('journalctl -u docker.service');
    expect(facts.attempt).toHaveLength(3);
    expect(facts.lines).toEqual([
      'failed to start daemon: Error initializing network controller: iptables not found',
      'docker.service: Start request repeated too quickly.',
    ]);
    expect(facts.daemonJsonError).toBeNull();
    expect(sys.log.reads).not.toContain('/var/log/docker.log');
  });

  it('without systemd: /var/log/docker.log from its last start, and journalctl is never run', async () => {
    const sys = fakeSystem({
      files: {
        '/var/log/docker.log':
          'time="1" level=info msg="Starting up"\nfailed to start daemon: old\ntime="2" level=info msg="Starting up"\nlevel=fatal msg="unable to configure the Docker daemon with file /etc/docker/daemon.json"\n',
      },
    });
    const facts = await probeLogs(sys, 100);
    expect(facts.lines).toEqual(['level=fatal msg="unable to configure the Docker daemon with file /etc/docker/daemon.json"']);
    expect(facts.attempt.join('\n')).not.toMatch(/old/);
    expect(sys.log.runs).toEqual([]);
  });

  it('a daemon.json that does not parse, with where', async () => {
    const facts = await probeLogs(fakeSystem({ files: { '/etc/docker/daemon.json': '{ "storage-driver": "vfs", }' } }), 100);
    expect(facts.daemonJsonError?.path).toBe('/etc/docker/daemon.json');
    expect(facts.daemonJson?.syntax).toMatchObject({ line: 1, column: 26, kind: 'trailing-comma' });
  });

  it('an empty or valid daemon.json is no error', async () => {
    expect((await probeLogs(fakeSystem({ files: { '/etc/docker/daemon.json': '  \n' } }), 100)).daemonJsonError).toBeNull();
    expect((await probeLogs(fakeSystem({ files: { '/etc/docker/daemon.json': '{"debug": true}' } }), 100)).daemonJsonError).toBeNull();
  });

  it('journalctl failing leaves no lines rather than an error', async () => {
    const sys = fakeSystem({ files: { '/run/systemd/system': dir() }, commands: [{ argv: JOURNAL, code: 1, stderr: 'No journal files were found.' }] });
    expect(await probeLogs(sys, 100)).toMatchObject({ source: null, attempt: [], lines: [], daemonJsonError: null });
  });

  it('a pid file: who holds the PID it names', async () => {
    const sys = fakeSystem({
      files: {
        '/var/log/docker.log': 'failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid\n',
        '/var/run/docker.pid': '77\n',
      },
      processes: [{ pid: 77, comm: 'sleep' }],
    });
    expect((await probeLogs(sys, 100)).pidOwner).toEqual({ pid: 77, comm: 'sleep' });
  });

  it('a full disk: the free space of the nearest existing directory', async () => {
    const sys = fakeSystem({
      files: { '/var/log/docker.log': 'level=error msg="x" error="write /srv/docker/containerd/meta.db: no space left on device"\n', '/srv': dir() },
      disks: { '/srv': { freeBytes: 0, totalBytes: 1 << 20 } },
    });
    expect((await probeLogs(sys, 100)).diskFree).toEqual({ path: '/srv', freeBytes: 0, totalBytes: 1 << 20 });
    const containerd = fakeSystem({
      files: {
        '/var/log/docker.log': 'level=warning msg="x" error="write /srv/docker/containerd/daemon/meta.db: no space left on device"\n',
        '/srv/docker': dir(),
      },
      disks: { '/srv': { freeBytes: 0, totalBytes: 1 << 20 } },
    });
    expect((await probeLogs(containerd, 100)).diskFree?.path).toBe('/srv/docker');
  });

  it("hosts beside -H: the unit's ExecStart, for the drop-in", async () => {
    const journal = entry(
      'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///x])',
      'a',
    );
    const sys = fakeSystem({
      files: { '/run/systemd/system': dir() },
      commands: [
        { argv: JOURNAL, stdout: journal },
        {
          argv: ['systemctl', 'show', '-p', 'ExecStart', '--value', 'docker.service'],
          stdout:
            '{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n',
        },
      ],
    });
    expect((await probeLogs(sys, 100)).execStart).toBe('/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock');
  });
});

describe('gatherFacts: every probe together, each in its time bound', () => {
  const healthy: FakeMachine = {
    files: { ...ETC, '/var/run/docker.sock': socket({ uid: 0, gid: 998, mode: 0o660 }), '/usr/bin/docker': executable(), '/usr/bin/dockerd': executable() },
    processGids: [1000, 998],
    pings: { [DEFAULT_UNIX_HOST]: 'ok' },
    processes: [{ pid: 42, comm: 'dockerd' }],
  };

  it('a healthy machine: all facts, one report line per probe, in order', async () => {
    const run = await gatherFacts(fakeSystem(healthy), t, endpoint(), 200);
    expect(run.facts.ping.outcome).toBe('ok');
    expect(run.facts.socket).toMatchObject({ writable: true, groupName: 'docker' });
    expect(run.facts.groups).toMatchObject({ inProcess: true });
    expect(run.facts.install).toEqual({ dockerd: '/usr/bin/dockerd', dockerCli: '/usr/bin/docker', osRelease: null });
    expect(run.facts.defaultSocket).toBeNull();
    expect(run.reports.map((r) => r.id)).toEqual(['ping', 'socket', 'service', 'groups', 'rootless', 'environment', 'install', 'logs']);
    expect(run.reports.find((r) => r.id === 'ping')).toMatchObject({ ok: true, detail: 'unix:///var/run/docker.sock: answers' });
  });

  it('another endpoint: the default socket is probed too; a tcp endpoint has no socket probe', async () => {
    const run = await gatherFacts(fakeSystem(healthy), t, endpoint('tcp://10.0.0.9:2375', { source: 'DOCKER_HOST' }), 200);
    expect(run.facts.socket).toBeNull();
    expect(run.facts.defaultSocket?.outcome).toBe('ok');
    expect(run.reports.map((r) => r.id)).toEqual(['ping', 'default-socket', 'service', 'groups', 'rootless', 'environment', 'install', 'logs']);
  });

  it('a context that cannot be read: docker connects nowhere, even though the default socket answers', async () => {
    const sys = fakeSystem(healthy);
    const run = await gatherFacts(
      sys,
      t,
      endpoint(DEFAULT_UNIX_HOST, {
        source: 'DOCKER_CONTEXT',
        context: 'nosuch',
        contextError: 'context "nosuch": context not found: /home/ada/.docker/contexts/meta/x/meta.json',
      }),
      200,
    );
    expect(run.facts.ping).toMatchObject({ outcome: 'error', detail: expect.stringContaining('context "nosuch": context not found') });
    expect(sys.log.pings).not.toContain(DEFAULT_UNIX_HOST);
    const diagnosis = diagnose(run.facts, { rootless: { prefer: 'auto', host: null }, disabledFixes: [] }, t);
    expect(diagnosis.cause).toBe('stale-context');
    expect(diagnosis.fixes.map((f) => f.id)).toEqual(['unset-docker-context']);
  });

  it('a daemon that never answers: the ping is cut at its bound and reads as a timeout', async () => {
    const sys = fakeSystem({ ...healthy, pings: { [DEFAULT_UNIX_HOST]: 'hang' } });
    const started = Date.now();
    const run = await gatherFacts(sys, t, endpoint(), 60);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(run.facts.ping).toEqual({ outcome: 'timeout', detail: '60 ms', podman: false });
    expect(run.reports.find((r) => r.id === 'ping')).toMatchObject({ ok: false, detail: 'no answer in time (60 ms)' });
    // The other probes were not held up.
    expect(run.facts.socket).not.toBeNull();
    expect(run.facts.groups).not.toBeNull();
  });

  it('a probe stuck on a hung file (a dead mount) leaves its fact unknown, the rest stand', async () => {
    const sys = fakeSystem({ ...healthy, files: { ...healthy.files, '/etc/group': file(GROUP, { hang: true }) } });
    const run = await gatherFacts(sys, t, endpoint(), 60);
    expect(run.facts.groups).toBeNull();
    expect(run.facts.socket).toBeNull();
    expect(run.reports.find((r) => r.id === 'groups')).toMatchObject({ ok: false, detail: 'no answer in time (60 ms)' });
    expect(run.facts.ping.outcome).toBe('ok');
    expect(run.facts.install).not.toBeNull();
  });

  it('a helper command that ignores its own bound is cut by the probe bound', async () => {
    const sys = fakeSystem({
      ...healthy,
      files: { ...healthy.files, '/run/systemd/system': dir() },
      commands: [{ argv: ['systemctl', ...SHOW, 'docker.service', 'docker.socket'], hang: 'forever' }],
    });
    const run = await gatherFacts(sys, t, endpoint(), 60);
    expect(run.facts.service).toBeNull();
    expect(run.reports.find((r) => r.id === 'service')?.detail).toBe('no answer in time (60 ms)');
  });

  it('a probe that throws is reported as failed, with its message', async () => {
    const sys = fakeSystem(healthy);
    sys.which = async () => {
      throw new Error('PATH exploded');
    };
    const run = await gatherFacts(sys, t, endpoint(), 200);
    expect(run.facts.install).toBeNull();
    expect(run.reports.find((r) => r.id === 'install')).toMatchObject({ ok: false, detail: 'probe failed: PATH exploded' });
  });

  it('docker-machine leftovers in the environment are noted for unsetting', async () => {
    const sys = fakeSystem({
      ...healthy,
      env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/home/ada/.docker/machine/certs', DOCKER_MACHINE_NAME: 'default' },
    });
    expect((await gatherFacts(sys, t, endpoint(), 200)).facts.tlsLeftovers).toEqual(['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME']);
  });

  it("the report speaks the reader's language", async () => {
    const run = await gatherFacts(fakeSystem({ ...healthy, pings: {} }), translator('zh'), endpoint(), 200);
    expect(run.reports.find((r) => r.id === 'ping')?.detail).toMatch(/连接被拒绝|拒绝/);
  });
});
