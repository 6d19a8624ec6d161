import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose, modeString } from '../../src/core/diagnose.js';
import { en } from '../../src/core/messages/en.js';
import { translator } from '../../src/core/messages/index.js';
import { zh } from '../../src/core/messages/zh.js';
import { CAUSES, type Cause } from '../../src/core/rules.js';
import { ROOTLESS_FAILED_REASONS, SERVICE_FAILED_REASONS, type Facts, type PingFacts, type Preferences } from '../../src/core/types.js';
import { LITERAL_WORDS, untranslatedWords } from './zh-words.js';

const t = translator('en');
const noLogs: Facts['logs'] = {
  source: 'journalctl -u docker.service',
  attempt: [],
  lines: [],
  daemonJsonError: null,
  daemonJson: null,
  execStart: null,
  pidOwner: null,
  diskFree: null,
};
const ping = (outcome: PingFacts['outcome']): PingFacts => ({ outcome, detail: '', podman: false });
const prefs = (prefer: Preferences['rootless']['prefer'] = 'auto'): Preferences => ({ rootless: { prefer, host: null }, disabledFixes: [] });

/** A Linux box with the Engine installed, systemd booted, the service stopped and the socket gone. */
function facts(overrides: Partial<Facts> = {}): Facts {
  return {
    endpoint: { url: 'unix:///var/run/docker.sock', source: 'default', context: null, contextError: null, tls: false, configDir: '/home/ada/.docker' },
    user: { name: 'ada', uid: 1000, gid: 1000, home: '/home/ada' },
    ping: ping('enoent'),
    socket: {
      path: '/var/run/docker.sock',
      exists: false,
      symlink: false,
      dangling: false,
      isSocket: false,
      uid: null,
      gid: null,
      mode: null,
      groupName: null,
      ownerName: null,
      writable: false,
      worldWritable: false,
      blockedBy: null,
    },
    defaultSocket: null,
    service: {
      manager: 'systemd',
      systemdBooted: true,
      docker: { active: 'inactive', enabled: 'enabled', result: 'success', load: 'loaded' },
      dockerSocket: { active: 'inactive', enabled: 'enabled', result: 'success', load: 'loaded' },
      userDocker: null,
      sysvScript: true,
      dockerdRunning: false,
    },
    groups: { docker: { name: 'docker', gid: 998, members: ['ada'] }, inDatabase: true, inProcess: true, session: ['ada', 'docker'] },
    rootless: {
      xdgRuntimeDir: '/run/user/1000',
      socketPath: '/run/user/1000/docker.sock',
      socket: ping('enoent'),
      contextHost: null,
      setupTool: '/usr/bin/dockerd-rootless-setuptool.sh',
      rootlessScript: '/usr/bin/dockerd-rootless.sh',
      newuidmap: '/usr/bin/newuidmap',
      newgidmap: '/usr/bin/newgidmap',
      subuidCount: 65536,
      subgidCount: 65536,
      userUnit: false,
    },
    environment: { wsl: null, snap: false, desktop: null, alternatives: [] },
    install: { dockerd: '/usr/bin/dockerd', dockerCli: '/usr/bin/docker' },
    logs: noLogs,
    tlsLeftovers: [],
    ...overrides,
  };
}

const socketThere = (mode = 0o660, gid = 998) => ({
  path: '/var/run/docker.sock',
  exists: true,
  symlink: false,
  dangling: false,
  isSocket: true,
  uid: 0,
  gid,
  mode,
  groupName: gid === 998 ? 'docker' : 'root',
  ownerName: 'root',
  writable: false,
  worldWritable: (mode & 0o002) !== 0,
  blockedBy: null,
});
/** DOCKER_HOST into /home/bob/private (bob's, 0700): connect(2) says EACCES before the socket is even looked at. */
const behindBobsDir = (overrides: Partial<Facts> = {}): Facts =>
  facts({
    endpoint: { ...base.endpoint, url: 'unix:///home/bob/private/docker.sock', source: 'DOCKER_HOST' },
    ping: ping('eacces'),
    socket: {
      path: '/home/bob/private/docker.sock',
      exists: false,
      symlink: false,
      dangling: false,
      isSocket: false,
      uid: null,
      gid: null,
      mode: null,
      groupName: null,
      ownerName: null,
      writable: false,
      worldWritable: false,
      blockedBy: { path: '/home/bob/private', uid: 1001, ownerName: 'bob', gid: 1001, groupName: 'bob', mode: 0o700 },
    },
    groups: { docker: { name: 'docker', gid: 998, members: [] }, inDatabase: false, inProcess: false, session: ['ada'] },
    ...overrides,
  });
const noSystemd = (dockerdRunning = false) => ({
  manager: 'sysv' as const,
  systemdBooted: false,
  docker: null,
  dockerSocket: null,
  userDocker: null,
  sysvScript: true,
  dockerdRunning,
});
const base = facts();

const table: Array<[string, Facts, Cause, Preferences?]> = [
  ['daemon answers', facts({ ping: ping('ok') }), 'healthy'],
  ['no dockerd anywhere', facts({ install: { dockerd: null, dockerCli: '/usr/bin/docker' }, service: noSystemd() }), 'daemon-not-installed'],
  ['systemd unit inactive', base, 'service-stopped'],
  ['no systemd, socket gone', facts({ service: noSystemd() }), 'service-stopped'],
  [
    'systemd unit failed',
    facts({
      service: { ...base.service!, docker: { active: 'failed', enabled: 'enabled', result: 'exit-code', load: 'loaded' } },
      logs: { ...noLogs!, attempt: ['failed to start daemon: x'], lines: ['failed to start daemon: x'] },
    }),
    'service-failed',
  ],
  [
    'daemon.json broken, no systemd',
    facts({ service: noSystemd(), logs: { ...noLogs!, daemonJsonError: { path: '/etc/docker/daemon.json', message: 'Unexpected token }' } } }),
    'service-failed',
  ],
  [
    'not in the group',
    facts({
      ping: ping('eacces'),
      socket: socketThere(),
      groups: { docker: { name: 'docker', gid: 998, members: [] }, inDatabase: false, inProcess: false, session: ['ada'] },
    }),
    'socket-permission',
  ],
  [
    'in /etc/group, not in session',
    facts({
      ping: ping('eacces'),
      socket: socketThere(),
      groups: { docker: { name: 'docker', gid: 998, members: ['ada'] }, inDatabase: true, inProcess: false, session: ['ada'] },
    }),
    'group-not-active',
  ],
  [
    'rootless up, client on the rootful socket',
    facts({
      ping: ping('eacces'),
      socket: socketThere(),
      groups: { docker: { name: 'docker', gid: 998, members: [] }, inDatabase: false, inProcess: false, session: ['ada'] },
      rootless: { ...base.rootless!, socket: ping('ok') },
    }),
    'rootless-host-unset',
  ],
  ['rootless up, rootful socket missing', facts({ rootless: { ...base.rootless!, socket: ping('ok') } }), 'rootless-host-unset'],
  [
    'rootless set up, not running',
    facts({ endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'DOCKER_HOST' }, rootless: { ...base.rootless!, userUnit: true } }),
    'rootless-stopped',
  ],
  [
    'rootless preferred, prerequisites met',
    facts({
      ping: ping('eacces'),
      socket: socketThere(),
      groups: { docker: { name: 'docker', gid: 998, members: [] }, inDatabase: false, inProcess: false, session: ['ada'] },
    }),
    'rootless-available',
    prefs('always'),
  ],
  [
    'DOCKER_HOST names nothing',
    facts({ endpoint: { ...base.endpoint, url: 'unix:///tmp/nothing.sock', source: 'DOCKER_HOST' }, defaultSocket: ping('ok') }),
    'stale-docker-host',
  ],
  [
    'tcp DOCKER_HOST dead, local alive',
    facts({
      endpoint: { ...base.endpoint, url: 'tcp://10.9.9.9:2375', source: 'DOCKER_HOST' },
      ping: ping('timeout'),
      socket: null,
      defaultSocket: ping('ok'),
    }),
    'stale-docker-host',
  ],
  [
    'context points at a dead socket',
    facts({ endpoint: { ...base.endpoint, url: 'unix:///tmp/dead.sock', source: 'context', context: 'x' }, defaultSocket: ping('ok') }),
    'stale-context',
  ],
  [
    'context missing on disk',
    facts({ endpoint: { ...base.endpoint, source: 'context', context: 'gone', contextError: 'context "gone": context not found' } }),
    'stale-context',
  ],
  ['socket left behind, no systemd', facts({ ping: ping('refused'), socket: { ...socketThere(), writable: true }, service: noSystemd() }), 'stale-socket'],
  [
    'Docker Desktop stopped',
    facts({
      environment: { wsl: null, snap: false, desktop: { socketPath: '/home/ada/.docker/desktop/docker.sock', alive: false, context: true }, alternatives: [] },
    }),
    'desktop-not-running',
  ],
  ['WSL2, nothing running', facts({ service: noSystemd(), environment: { wsl: 2, snap: false, desktop: null, alternatives: [] } }), 'wsl-no-daemon'],
  ['snap docker stopped', facts({ environment: { wsl: null, snap: true, desktop: null, alternatives: [] } }), 'snap-docker'],
  [
    'colima stopped',
    facts({
      endpoint: { ...base.endpoint, url: 'unix:///home/ada/.colima/default/docker.sock', source: 'context', context: 'colima' },
      environment: {
        wsl: null,
        snap: false,
        desktop: null,
        alternatives: [{ runtime: 'colima', socketPath: '/home/ada/.colima/default/docker.sock', alive: false, context: 'colima' }],
      },
    }),
    'alt-runtime-stopped',
  ],
  [
    'ssh host unreachable',
    facts({ endpoint: { ...base.endpoint, url: 'ssh://me@box', source: 'DOCKER_HOST' }, ping: ping('error'), socket: null, defaultSocket: ping('enoent') }),
    'remote-unreachable',
  ],
  ['daemon hangs', facts({ ping: ping('timeout'), socket: { ...socketThere(), writable: true }, service: noSystemd(true) }), 'unknown'],
  [
    'rootless user unit failed',
    facts({
      endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'context', context: 'rootless' },
      rootless: { ...base.rootless!, userUnit: true, contextHost: 'unix:///run/user/1000/docker.sock' },
      service: { ...base.service!, userDocker: { active: 'failed', enabled: 'enabled', result: 'exit-code', load: 'loaded' } },
    }),
    'rootless-failed',
  ],
  ["socket behind another user's 0700 directory", behindBobsDir(), 'socket-permission'],
  ['-H names nothing', facts({ endpoint: { ...base.endpoint, url: 'unix:///tmp/n.sock', source: 'flag' }, defaultSocket: ping('ok') }), 'stale-docker-host'],
];

describe('diagnose: facts → cause', () => {
  it.each(table)('%s → %s', (_name, input, cause, preferences) => {
    const result = diagnose(input, preferences ?? prefs(), t);
    expect(result.cause).toBe(cause);
    expect(result.summary.length).toBeGreaterThan(10);
    expect(result.evidence.length).toBeGreaterThan(0);
  });

  it('covers every cause id', () => {
    const covered = new Set(table.map(([, , cause]) => cause));
    expect(CAUSES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('reason is set for the causes that die, null for the rest', () => {
    for (const [name, input, cause, preferences] of table) {
      const { reason } = diagnose(input, preferences ?? prefs(), t);
      if (cause === 'service-failed' || cause === 'rootless-failed') expect(reason, name).not.toBeNull();
      else expect(reason, name).toBeNull();
    }
  });
});

// Adding a cause to rules.ts: these say what else it needs (docs/internals.md, "Add a cause").
describe('every cause is complete', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each(CAUSES)('%s has its summary in both catalogues and a line in the README', (cause) => {
    const id = `cause.${cause}` as keyof typeof en;
    expect(en[id], `en.ts lacks ${id}`).toBeTruthy();
    expect(zh[id], `zh.ts lacks ${id}`).toBeTruthy();
    expect(readme, `README.md lacks a line "- \`${cause}\` — …" in the cause list`).toMatch(new RegExp(`^- \`${cause}\` — `, 'm'));
  });

  it('every reason id is named in the README', () => {
    for (const reason of [...SERVICE_FAILED_REASONS, ...ROOTLESS_FAILED_REASONS]) expect(readme, reason).toContain(`\`${reason}\``);
  });

  it('no cause appears twice in the rule list', () => {
    expect(new Set(CAUSES).size).toBe(CAUSES.length);
  });
});

describe('diagnose: fixes', () => {
  const fixesOf = (input: Facts, p = prefs()) => diagnose(input, p, t).fixes;

  it('service-stopped under systemd starts docker.service', () => {
    expect(fixesOf(base)[0]?.commands).toEqual([['sudo', 'systemctl', 'start', 'docker.service']]);
    expect(fixesOf(base)[0]?.privileged).toBe(true);
  });

  it('service-stopped without systemd uses service(8)', () => {
    expect(fixesOf(facts({ service: noSystemd() }))[0]?.commands).toEqual([['sudo', 'service', 'docker', 'start']]);
  });

  it('the docker group is root-equivalent, and rootless setup is offered beside it', () => {
    const fixes = fixesOf(table[6]![1]);
    expect(fixes[0]).toMatchObject({ id: 'add-to-group', rootEquivalent: true, retry: 'sg-docker', commands: [['sudo', 'usermod', '-aG', 'docker', 'ada']] });
    expect(fixes[1]).toMatchObject({ id: 'setup-rootless', privileged: false, rootEquivalent: false });
  });

  it("after su (no XDG_RUNTIME_DIR) rootless is still offered, numbered, as the person's step: log in properly, then set it up", () => {
    const input = facts({
      ...table[6]![1],
      rootless: {
        ...base.rootless!,
        xdgRuntimeDir: null,
        preflight: {
          runtimeDir: 'unset',
          apparmorRestricted: null,
          apparmorProfile: null,
          rootlesskit: '/usr/bin/rootlesskit',
          usernsClone: null,
          maxUserNamespaces: 28633,
          subidNext: 231072,
        },
      },
    });
    const fixes = fixesOf(input);
    expect(fixes.map((f) => f.id)).toEqual(['add-to-group', 'rootless-after-login']);
    expect(fixes[1]).toMatchObject({ manual: true, rootEquivalent: false });
    expect(fixes[1]?.title).toMatch(/machinectl shell ada@/);
  });

  it("after su on a machine without systemd (no login would make a runtime dir): the rootless first step is this shell's runtime dir, runnable, numbered", () => {
    const pre = {
      runtimeDir: 'unset' as const,
      apparmorRestricted: null,
      apparmorProfile: null,
      rootlesskit: '/usr/bin/rootlesskit',
      usernsClone: null,
      maxUserNamespaces: 28633,
      subidNext: 231072,
      runUserDir: 'missing' as const,
    };
    const input = facts({ ...table[6]![1], service: noSystemd(), rootless: { ...base.rootless!, xdgRuntimeDir: null, preflight: pre } });
    const fixes = fixesOf(input);
    expect(fixes.map((f) => f.id)).toEqual(['add-to-group', 'runtime-dir']);
    expect(fixes[1]).toMatchObject({ manual: false, rootEquivalent: false, env: { XDG_RUNTIME_DIR: '/run/user/1000' } });
    expect(fixes[1]?.title).toMatch(/^Towards rootless Docker instead \(no root-equivalent group\), first: Make \/run\/user\/1000/);
  });

  it("docker -H at nothing: says the flag, not DOCKER_HOST; the only step is the person's (no yes/no)", () => {
    const d = diagnose(facts({ endpoint: { ...base.endpoint, url: 'unix:///tmp/n.sock', source: 'flag' }, defaultSocket: ping('ok') }), prefs(), t);
    expect(d.summary).toBe('the -H flag of this command names unix:///tmp/n.sock, where no daemon answers.');
    expect(d.fixes.map((f) => [f.id, f.manual])).toEqual([['drop-host-flag', true]]);
    expect(d.evidence.join('\n')).not.toMatch(/DOCKER_HOST/);
  });

  it('a missing docker group is created first', () => {
    const fixes = fixesOf(
      facts({ ping: ping('eacces'), socket: socketThere(0o660, 0), groups: { docker: null, inDatabase: false, inProcess: false, session: ['ada'] } }),
    );
    expect(fixes[0]?.commands[0]).toEqual(['sudo', 'groupadd', 'docker']);
  });

  it('too few subordinate ids: no rootless offer (the setup tool only checks an entry exists)', () => {
    const input = facts({ ...table[6]![1], rootless: { ...base.rootless!, subuidCount: 1000 } });
    expect(fixesOf(input).map((f) => f.id)).toEqual(['add-to-group']);
  });

  it('rootless setup needs --force while the rootful socket is writable', () => {
    const input = facts({ ...table[6]![1], socket: { ...socketThere(), writable: true } });
    expect(diagnose(input, prefs('always'), t).fixes[0]?.commands[0]).toContain('--force');
  });

  it('rootless-host-unset: the lasting context first (created when missing), the per-shell export second, no root needed', () => {
    const [context, env] = fixesOf(table[8]![1]);
    expect(context).toMatchObject({
      id: 'rootless-context',
      privileged: false,
      persistent: true,
      commands: [
        ['docker', 'context', 'create', 'rootless', '--docker', 'host=unix:///run/user/1000/docker.sock'],
        ['docker', 'context', 'use', 'rootless'],
      ],
      env: {},
    });
    expect(env).toMatchObject({ id: 'rootless-env', privileged: false, env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } });
  });

  it('rootless-host-unset: an existing context is used; a DOCKER_HOST that would beat it is unset with it', () => {
    const withContext = facts({ ...table[9]![1], rootless: { ...base.rootless!, socket: ping('ok'), contextHost: 'unix:///run/user/1000/docker.sock' } });
    expect(fixesOf(withContext).map((f) => [f.id, f.commands])).toEqual([
      ['rootless-context', [['docker', 'context', 'use', 'rootless']]],
      ['rootless-env', []],
    ]);
    const overridden = facts({
      ...withContext,
      endpoint: { ...base.endpoint, url: 'unix:///tmp/x.sock', source: 'DOCKER_HOST' },
      ping: ping('eacces'),
      socket: socketThere(),
    });
    expect(fixesOf(overridden)[0]?.env).toEqual({ DOCKER_HOST: null });
  });

  it('rootless-stopped without a user manager: started in the background, dockerd on its PATH, waited for', () => {
    const debian = facts({
      endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'context', context: 'rootless' },
      service: noSystemd(),
      rootless: {
        ...base.rootless!,
        contextHost: 'unix:///run/user/1000/docker.sock',
        userUnit: true,
        setupTool: '/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh',
        rootlessScript: '/usr/share/docker.io/contrib/dockerd-rootless.sh',
        dockerd: '/usr/sbin/dockerd',
      },
    });
    const [start] = fixesOf(debian);
    expect(start).toMatchObject({
      id: 'start-rootless-manual',
      manual: false,
      privileged: false,
      commands: [['/usr/share/docker.io/contrib/dockerd-rootless.sh']],
      detach: { log: '/home/ada/.local/state/dockhook/dockerd-rootless.log', pathPrepend: ['/usr/share/docker.io/contrib', '/usr/sbin'] },
      waitFor: 'unix:///run/user/1000/docker.sock',
    });
  });

  it('rootless-stopped with a user manager: start, and enable + linger as the lasting variant', () => {
    const managed = facts({
      endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'DOCKER_HOST' },
      rootless: { ...base.rootless!, userUnit: true },
      service: { ...base.service!, userDocker: { active: 'inactive', enabled: 'disabled', result: 'success', load: 'loaded' } },
    });
    expect(fixesOf(managed).map((f) => f.commands)).toEqual([
      [['systemctl', '--user', 'start', 'docker']],
      [
        ['systemctl', '--user', 'enable', '--now', 'docker'],
        ['sudo', 'loginctl', 'enable-linger', 'ada'],
      ],
    ]);
  });

  it('socket-permission with rootless set up but stopped: its start is the numbered alternative', () => {
    const input = facts({
      ping: ping('eacces'),
      socket: socketThere(),
      groups: { docker: { name: 'docker', gid: 998, members: [] }, inDatabase: false, inProcess: false, session: ['ada'] },
      service: noSystemd(true),
      rootless: { ...base.rootless!, userUnit: true, contextHost: 'unix:///run/user/1000/docker.sock' },
    });
    expect(fixesOf(input).map((f) => f.id)).toEqual(['add-to-group', 'start-rootless-manual']);
  });

  it('stale DOCKER_HOST names the start-up file and line that set it', () => {
    const input = facts({ ...table[12]![1], startupFiles: [{ path: '~/.bashrc', line: 12, text: 'export DOCKER_HOST=unix:///tmp/nothing.sock' }] });
    expect(diagnose(input, prefs(), t).evidence.join('\n')).toMatch(/~\/\.bashrc line 12 sets it: export DOCKER_HOST=unix:\/\/\/tmp\/nothing\.sock/);
  });

  it("daemon-not-installed: the distribution's install command, the documentation as a fallback", () => {
    const input = facts({
      install: { dockerd: null, dockerCli: '/usr/bin/docker', osRelease: { id: 'ubuntu', idLike: ['debian'], prettyName: 'Ubuntu 24.04 LTS' } },
      service: noSystemd(),
    });
    expect(fixesOf(input).map((f) => [f.id, f.commands])).toEqual([
      ['install-engine', [['sudo', 'apt-get', 'install', '-y', 'docker.io']]],
      ['install-docker', []],
    ]);
  });

  it('the stale-group fix runs no command of its own (no newgrp shown that does not run), and hands the shell the group to remember', () => {
    const fix = fixesOf(table[7]![1])[0];
    expect(fix).toMatchObject({ id: 'use-group-now', commands: [], env: { DOCKHOOK_GROUP: 'docker' }, retry: 'sg-docker' });
    expect(fix?.title).toMatch(/through sg .*`newgrp docker` or a new login makes it lasting/);
  });

  it('prefer never: no rootless answer', () => {
    expect(diagnose(table[8]![1], prefs('never'), t).cause).toBe('socket-permission');
  });

  it('stale DOCKER_HOST unsets it and docker-machine leftovers', () => {
    const input = facts({ ...table[12]![1], tlsLeftovers: ['DOCKER_CERT_PATH'] });
    expect(fixesOf(input)[0]?.env).toEqual({ DOCKER_HOST: null, DOCKER_CERT_PATH: null });
  });

  it('stale context from DOCKER_CONTEXT unsets the variable; from config.json switches back', () => {
    const fromEnv = facts({ ...table[14]![1], endpoint: { ...table[14]![1].endpoint, source: 'DOCKER_CONTEXT' } });
    expect(fixesOf(fromEnv)[0]?.env).toEqual({ DOCKER_CONTEXT: null });
    expect(fixesOf(table[14]![1])[0]?.commands).toEqual([['docker', 'context', 'use', 'default']]);
  });

  it('a world-writable socket is called out even when healthy', () => {
    const result = diagnose(facts({ ping: ping('ok'), socket: { ...socketThere(0o666), writable: true } }), prefs(), t);
    expect(result.evidence.join('\n')).toMatch(/every local user has root/);
  });

  it('never suggests chmod on the socket or sudo docker', () => {
    for (const [, input, , p] of table) {
      for (const fix of diagnose(input, p ?? prefs(), t).fixes) {
        for (const argv of fix.commands) {
          expect(argv).not.toContain('chmod');
          expect(argv.slice(0, 2)).not.toEqual(['sudo', 'docker']);
        }
      }
    }
  });

  it('a socket behind a directory the user may not enter: names the directory and its owner, never the group', () => {
    const cases: Array<[string, Facts, Preferences]> = [
      ['not in the group', behindBobsDir(), prefs()],
      [
        'in /etc/group but not in this session',
        behindBobsDir({ groups: { docker: { name: 'docker', gid: 998, members: ['ada'] }, inDatabase: true, inProcess: false, session: ['ada'] } }),
        prefs(),
      ],
      ['prefers rootless', behindBobsDir(), prefs('always')],
      [
        'a rootless-looking path of another user',
        behindBobsDir({
          endpoint: { ...base.endpoint, url: 'unix:///run/user/1001/docker.sock', source: 'DOCKER_HOST' },
          socket: {
            ...behindBobsDir().socket!,
            path: '/run/user/1001/docker.sock',
            blockedBy: { path: '/run/user/1001', uid: 1001, ownerName: 'bob', gid: 1001, groupName: 'bob', mode: 0o700 },
          },
          rootless: { ...base.rootless!, xdgRuntimeDir: '/run/user/1001', socketPath: '/run/user/1001/docker.sock', socket: ping('eacces') },
        }),
        prefs(),
      ],
    ];
    for (const [name, input, p] of cases) {
      const result = diagnose(input, p, t);
      const dir = input.socket!.blockedBy!.path;
      expect(result.cause, name).toBe('socket-permission');
      expect(result.summary, name).toContain(dir);
      expect(result.summary, name).toContain('bob');
      expect(result.summary, name).toContain('drwx------');
      expect(result.evidence.join('\n'), name).toContain(`${dir} is drwx------ bob:bob: ada may not enter it`);
      expect(
        result.fixes.filter((f) => f.rootEquivalent || /group/.test(f.id)),
        name,
      ).toEqual([]);
      expect(
        result.fixes.map((f) => f.id),
        name,
      ).toEqual(['unset-docker-host', 'setup-rootless', 'ask-dir-owner']);
      expect(result.fixes.at(-1)?.title, name).toContain(`setfacl -m u:ada:x ${dir}`);
    }
  });

  it('a blocked directory, with the default socket answering: the evidence says so, which is why unsetting DOCKER_HOST comes first', () => {
    const result = diagnose(behindBobsDir({ defaultSocket: ping('ok') }), prefs(), t);
    expect(result.evidence).toContain('the default socket unix:///var/run/docker.sock answers');
    expect(result.fixes[0]?.id).toBe('unset-docker-host');
  });

  it('a blocked directory chosen by a context: switch back to the default context, and the Chinese text names the directory too', () => {
    const input = behindBobsDir({ endpoint: { ...base.endpoint, url: 'unix:///home/bob/private/docker.sock', source: 'context', context: 'bobs' } });
    expect(diagnose(input, prefs('never'), t).fixes.map((f) => f.id)).toEqual(['use-default-context', 'ask-dir-owner']);
    const zhResult = diagnose(input, prefs(), translator('zh'));
    expect(zhResult.summary).toContain('/home/bob/private');
    expect(zhResult.summary).toMatch(/[\u4e00-\u9fff]/);
  });

  it('disabledFixes removes a fix', () => {
    expect(diagnose(base, { ...prefs(), disabledFixes: ['enable-service'] }, t).fixes.map((f) => f.id)).toEqual(['start-service']);
  });

  it('speaks Chinese when asked', () => {
    expect(diagnose(base, prefs(), translator('zh')).summary).toMatch(/[\u4e00-\u9fff]/);
  });

  // Values put into the sentences must be Chinese too, or literal: what systemctl printed, ids.
  const SYSTEMD_WORDS = [
    'active',
    'inactive',
    'failed',
    'activating',
    'enabled',
    'disabled',
    'masked',
    'static',
    'success',
    'exit-code',
    'loaded',
    'not-found',
    'dead',
  ];
  it.each(table)('every line of %s is Chinese in zh', (_name, input, _cause, preferences) => {
    const result = diagnose(input, preferences ?? prefs(), translator('zh'));
    const logPrefix = translator('zh')('evidence.log', { line: '' });
    // Other programs' own words (a log line, a JSON parser's error, docker's context error) stay as they were said.
    const quoted = [input.endpoint.contextError, input.logs?.daemonJsonError?.message].filter((q): q is string => Boolean(q));
    const lines = [result.summary, ...result.evidence.filter((line) => !line.startsWith(logPrefix)), ...result.fixes.map((fix) => fix.title)].map((line) =>
      quoted.reduce((text, q) => text.replace(q, ' '), line),
    );
    // The owner and mode of a directory in the way are names, like the user's own.
    const blocked = input.socket?.blockedBy;
    const blockedWords = blocked ? [blocked.ownerName ?? String(blocked.uid), `d${modeString(blocked.mode).slice(1)}`] : [];
    const literal = new Set([...LITERAL_WORDS, ...SYSTEMD_WORDS, 'ada', 'colima', 'OpenRC', input.endpoint.context ?? 'ada', ...blockedWords]);
    expect(lines.flatMap((line) => untranslatedWords(line, literal).map((word) => `${word} in: ${line}`))).toEqual([]);
  });
});

describe("service-failed: the reason from the daemon's own words", () => {
  const failedUnit = { ...base.service!, docker: { active: 'failed', enabled: 'enabled', result: 'exit-code', load: 'loaded' } };
  const failedWith = (attempt: string[], logs: Partial<NonNullable<Facts['logs']>> = {}) =>
    diagnose(facts({ service: failedUnit, logs: { ...noLogs!, attempt, lines: attempt, ...logs } }), prefs(), t);

  it('pid file held by another program: name it, remove the file, then start', () => {
    const d = failedWith(['failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid'], {
      pidOwner: { pid: 42, comm: 'sleep' },
    });
    expect(d).toMatchObject({ cause: 'service-failed', reason: 'pid-file', proof: expect.stringContaining('pid file found') });
    expect(d.summary).toMatch(/PID 42.*sleep/);
    expect(d.fixes[0]).toMatchObject({
      id: 'remove-pid-file',
      commands: [
        ['sudo', 'rm', '-f', '/var/run/docker.pid'],
        ['sudo', 'systemctl', 'start', 'docker.service'],
      ],
    });
  });

  it('pid file held by a live dockerd: never remove it', () => {
    const d = failedWith(['failed to start daemon, ensure docker is not running or delete /var/run/docker.pid: process with PID 7 is still running'], {
      pidOwner: { pid: 7, comm: 'dockerd' },
    });
    expect(d.fixes.map((f) => f.id)).toEqual(['stop-other-dockerd']);
  });

  it('start-limit beside the reason adds reset-failed to its start', () => {
    const d = failedWith([
      'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to create NAT chain DOCKER: Iptables not found',
      'docker.service: Start request repeated too quickly.',
    ]);
    expect(d.reason).toBe('iptables');
    expect(d.fixes.at(-1)?.commands[0]).toEqual(['sudo', 'systemctl', 'reset-failed', 'docker.service', 'docker.socket']);
    expect(failedWith(['docker.service: Start request repeated too quickly.']).reason).toBe('start-limit');
  });

  it('hosts in daemon.json with -H: the drop-in clears ExecStart, keeps the other flags, then daemon-reload', () => {
    const d = failedWith(
      [
        'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///var/run/docker.sock])',
      ],
      { execStart: '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock' },
    );
    expect(d.reason).toBe('flag-and-file-conflict');
    expect(d.fixes[0]?.files?.[0]).toEqual({
      path: '/etc/systemd/system/docker.service.d/docker.conf',
      content: expect.stringContaining('[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n'),
    });
    expect(d.fixes[0]?.commands[0]).toEqual(['sudo', 'systemctl', 'daemon-reload']);
  });

  it('an unknown key names the closest valid one', () => {
    const d = failedWith(
      ["unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: debugg"],
      {
        daemonJson: {
          path: '/etc/docker/daemon.json',
          syntax: null,
          keys: ['debugg'],
          unknownKeys: [{ key: 'debugg', closest: 'debug' }],
          hosts: false,
          dataRoot: null,
          storageDriver: null,
        },
      },
    );
    expect(d.summary).toMatch(/"debugg".*"debug"/);
    // Still in the file: the repair is all there is; a start would fail again.
    expect(d.fixes.map((f) => f.id)).toEqual(['edit-daemon-json']);
    // Corrected since: the start is what is left.
    const fixed = failedWith(
      ["unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: debugg"],
      { daemonJson: { path: '/etc/docker/daemon.json', syntax: null, keys: ['debug'], unknownKeys: [], hosts: false, dataRoot: null, storageDriver: null } },
    );
    expect(fixed.fixes.map((f) => f.id)).toEqual(['start-service']);
    expect(fixed.evidence.join('\n')).toMatch(/has been corrected since that start/);
  });

  it('a full disk says how much is free and where', () => {
    const d = failedWith(['time="x" level=warning msg="x" error="write /var/lib/docker/x: no space left on device"'], {
      diskFree: { path: '/var/lib/docker', freeBytes: 0, totalBytes: 1048576 },
    });
    expect(d.summary).toMatch(/\/var\/lib\/docker.*0 B free of 1 MiB/);
  });

  it('nothing known: unknown, the telling lines shown, nothing guessed', () => {
    const d = failedWith(['something odd happened: failed']);
    expect(d.reason).toBe('unknown');
    expect(d.evidence.join('\n')).toMatch(/something odd happened/);
  });

  it("daemon.json invalid now outranks an older reason in the log, and is worded without the parser's English", () => {
    const conflict =
      'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: storage-driver: (from flag: vfs, from file: vfs)';
    const json = {
      path: '/etc/docker/daemon.json',
      syntax: { message: "Unexpected token ' '", line: 1, column: 12, kind: 'bad-literal' as const, token: '"tru"' },
      keys: [],
      unknownKeys: [],
      hosts: false,
      dataRoot: null,
      storageDriver: null,
    };
    const d = failedWith([conflict], { daemonJson: json });
    expect(d).toMatchObject({ cause: 'service-failed', reason: 'daemon-json' });
    expect(d.summary).toBe(
      'the Docker service tried to start and failed: /etc/docker/daemon.json is not valid JSON: "tru" is not a JSON value (true, false, null, a number or a "string") (line 1, column 12).',
    );
    expect(d.fixes.map((f) => f.id)).toEqual(['edit-daemon-json']);
    const zh = diagnose(
      facts({ service: failedUnit, logs: { ...noLogs!, attempt: [conflict], lines: [conflict], daemonJson: json } }),
      prefs(),
      translator('zh'),
    );
    expect(zh.summary).toBe(
      'Docker 服务尝试启动但失败了：/etc/docker/daemon.json 不是合法的 JSON："tru" 不是 JSON 值（应为 true、false、`null`、数字或带双引号的字符串）（第 1 行第 12 列）。',
    );
  });

  it('flag and file conflict: the repair alone while the file still sets it; the start once it does not', () => {
    const conflict =
      'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: storage-driver: (from flag: vfs, from file: vfs)';
    const json = (keys: string[]) => ({
      path: '/etc/docker/daemon.json',
      syntax: null,
      keys,
      unknownKeys: [],
      hosts: false,
      dataRoot: null,
      storageDriver: null,
    });
    const still = failedWith([conflict], { daemonJson: json(['storage-driver']) });
    expect(still.fixes.map((f) => f.id)).toEqual(['remove-conflict']);
    expect(still.fixes[0]?.title).toBe('Set "storage-driver" in one place only: remove it from /etc/docker/daemon.json, or the flag from the service');
    const zh = diagnose(
      facts({ service: failedUnit, logs: { ...noLogs!, attempt: [conflict], lines: [conflict], daemonJson: json(['storage-driver']) } }),
      prefs(),
      translator('zh'),
    );
    expect(zh.fixes[0]?.title).toMatch(/^只在一处设置 "storage-driver"/);
    const gone = failedWith([conflict], { daemonJson: json(['debug']) });
    expect(gone.fixes.map((f) => f.id)).toEqual(['start-service']);
    expect(gone.evidence.join('\n')).toMatch(/no longer sets "storage-driver"/);
  });

  it('daemon.json broken before anything ran: say so first, and offer the repair, not a start that must fail', () => {
    const d = diagnose(
      facts({
        logs: {
          ...noLogs!,
          daemonJson: {
            path: '/etc/docker/daemon.json',
            syntax: { message: "Expected ',' or '}' after property value", line: 3, column: 3 },
            keys: [],
            unknownKeys: [],
            hosts: false,
            dataRoot: null,
            storageDriver: null,
          },
        },
      }),
      prefs(),
      t,
    );
    expect(d).toMatchObject({ cause: 'service-failed', reason: 'daemon-json' });
    expect(d.summary).toMatch(/cannot start until this is fixed.*line 3, column 3/);
    expect(d.fixes.map((f) => f.id)).toEqual(['edit-daemon-json']);
  });
});

describe('rootless-failed: the reason from the rootless start, or from the pre-flight', () => {
  const pre = {
    runtimeDir: 'ok' as const,
    apparmorRestricted: null,
    apparmorProfile: null,
    rootlesskit: '/usr/bin/rootlesskit',
    usernsClone: null,
    maxUserNamespaces: 28633,
    subidNext: 231072,
  };
  const setUp = (rootless: Partial<NonNullable<Facts['rootless']>>) =>
    facts({
      endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'context', context: 'rootless' },
      rootless: { ...base.rootless!, contextHost: 'unix:///run/user/1000/docker.sock', preflight: pre, ...rootless },
    });

  it('a background start that died on a missing subuid range: that line, and a range above every other', () => {
    const line = '[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: No subuid ranges found for user 1000 ("ada")';
    const d = diagnose(
      setUp({ subuidCount: 0, attempt: { source: '/home/ada/.local/state/dockhook/dockerd-rootless.log', lines: ['dockhook: starting x', line] } }),
      prefs(),
      t,
    );
    expect(d).toMatchObject({ cause: 'rootless-failed', reason: 'subid', proof: line });
    expect(d.summary).toMatch(/cannot start: ada has no range of subordinate ids/);
    expect(d.fixes[0]).toMatchObject({
      id: 'add-subids',
      retry: 'plain',
      commands: [['sudo', 'usermod', '--add-subuids', '231072-296607', '--add-subgids', '231072-296607', 'ada']],
    });
  });

  it('a subuid range missing right now: the repair alone, never a start beside it or left over after it failed', () => {
    const d = diagnose(setUp({ subuidCount: 0, subgidCount: 0 }), prefs(), t);
    expect(d).toMatchObject({ cause: 'rootless-failed', reason: 'subid' });
    expect(d.fixes.map((f) => f.id)).toEqual(['add-subids']);
    // Fixed since the start that died on it: the start is what is left.
    const line = '[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: No subuid ranges found for user 1000 ("ada")';
    const fixed = diagnose(setUp({ attempt: { source: '/x.log', lines: ['dockhook: starting x', line] } }), prefs(), t);
    expect(fixed.fixes.map((f) => f.id)).toContain('start-rootless-manual');
  });

  it('only DOCKER_HOST into /run/user/UID: said as where docker looks, not as a setup that was never found', () => {
    const onlyHost = (r: Partial<NonNullable<Facts['rootless']>>) =>
      facts({
        endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'DOCKER_HOST', context: null },
        rootless: { ...base.rootless!, contextHost: null, userUnit: false, preflight: pre, ...r },
      });
    const blocked = diagnose(onlyHost({ subuidCount: 0, subgidCount: 0 }), prefs(), t);
    expect(blocked.summary).toBe(
      'docker looks for the rootless daemon of ada at /run/user/1000/docker.sock, but it cannot start until this is fixed: ada has no range of subordinate ids in /etc/subuid and /etc/subgid.',
    );
    expect(blocked.fixes.map((f) => f.id)).toEqual(['add-subids']);
    const stopped = diagnose(onlyHost({}), prefs(), t);
    expect(stopped).toMatchObject({
      cause: 'rootless-stopped',
      summary: 'docker looks for the rootless daemon of ada at /run/user/1000/docker.sock, but none is running.',
    });
    expect(diagnose(onlyHost({}), prefs(), translator('zh')).summary).toBe(
      'docker 在 /run/user/1000/docker.sock 寻找 ada 的 rootless 守护进程，但它没有运行。',
    );
  });

  it('no login session, known before any start: said first, and no start offered that must fail first', () => {
    const d = diagnose(setUp({ xdgRuntimeDir: null, preflight: { ...pre, runtimeDir: 'unset' } }), prefs(), t);
    expect(d).toMatchObject({ cause: 'rootless-failed', reason: 'no-login-session', proof: null });
    expect(d.summary).toMatch(/cannot start until this is fixed: this session has no runtime directory/);
    expect(d.fixes.map((f) => f.id).slice(0, 2)).toEqual(['login-session', 'enable-linger']);
  });

  it('no runtime directory and no systemd (after su): only what works here — this shell gets /run/user/UID; never loginctl or machinectl', () => {
    const noSystemdSetUp = (runUserDir: 'ok' | 'missing' | 'not-owned') => ({
      ...setUp({ xdgRuntimeDir: null, preflight: { ...pre, runtimeDir: 'unset', runUserDir } }),
      service: noSystemd(),
    });
    const words = (d: ReturnType<typeof diagnose>) => JSON.stringify(d.fixes);
    const owned = diagnose(noSystemdSetUp('ok'), prefs(), t);
    expect(owned).toMatchObject({ cause: 'rootless-failed', reason: 'no-login-session' });
    expect(owned.summary).toMatch(/without systemd no login sets it for ada/);
    expect(owned.fixes).toHaveLength(1);
    expect(owned.fixes[0]).toMatchObject({ id: 'runtime-dir', env: { XDG_RUNTIME_DIR: '/run/user/1000' }, commands: [], privileged: false });
    const missing = diagnose(noSystemdSetUp('missing'), prefs(), t);
    expect(missing.fixes[0]).toMatchObject({
      id: 'runtime-dir',
      env: { XDG_RUNTIME_DIR: '/run/user/1000' },
      privileged: true,
      commands: [['sudo', 'install', '-d', '-m', '0700', '-o', 'ada', '-g', '1000', '/run/user/1000']],
    });
    const other = diagnose(noSystemdSetUp('not-owned'), prefs(), t);
    expect(other.fixes).toMatchObject([{ id: 'runtime-dir', manual: true }]);
    for (const d of [owned, missing, other]) expect(words(d)).not.toMatch(/loginctl|machinectl|linger/);
    expect(diagnose(noSystemdSetUp('ok'), prefs(), translator('zh')).fixes[0]?.title).toBe(
      '把 /run/user/1000 设为此 shell 的运行时目录（属于你，权限 0700；没有 systemd 时，登录不会设置 XDG_RUNTIME_DIR）',
    );
  });

  it('AppArmor: the profile rootlesskit itself suggests, written as a shown file', () => {
    const d = diagnose(
      setUp({ preflight: { ...pre, apparmorRestricted: true, apparmorProfile: false, rootlesskit: '/home/ada/bin/rootlesskit' } }),
      prefs(),
      t,
    );
    expect(d.reason).toBe('apparmor-userns');
    expect(d.fixes[0]?.files?.[0]).toMatchObject({
      path: '/etc/apparmor.d/home.ada.bin.rootlesskit',
      content: expect.stringContaining('/home/ada/bin/rootlesskit flags=(unconfined) {\n  userns,'),
    });
    expect(d.fixes[0]?.commands).toEqual([['sudo', 'systemctl', 'restart', 'apparmor.service']]);
  });

  it('before a setup: the pre-flight keeps rootless from being offered when it would fail, and says why', () => {
    const denied = facts({
      ping: ping('eacces'),
      socket: socketThere(),
      groups: { docker: { name: 'docker', gid: 998, members: [] }, inDatabase: false, inProcess: false, session: ['ada'] },
    });
    const blocked = { ...denied, rootless: { ...denied.rootless!, preflight: { ...pre, apparmorRestricted: true, apparmorProfile: false } } };
    const d = diagnose(blocked, prefs(), t);
    expect(d.fixes.map((f) => f.id)).toEqual(['add-to-group']);
    expect(d.evidence.join('\n')).toMatch(/rootless pre-flight: AppArmor lets only programs with a profile/);
  });
});

describe('every reason reads as Chinese in zh', () => {
  const failedUnit = { ...base.service!, docker: { active: 'failed', enabled: 'enabled', result: 'exit-code', load: 'loaded' } };
  const pre = {
    runtimeDir: 'ok' as const,
    apparmorRestricted: null,
    apparmorProfile: null,
    rootlesskit: '/usr/bin/rootlesskit',
    usernsClone: null,
    maxUserNamespaces: 28633,
    subidNext: 231072,
  };
  const service = (line: string, more: Partial<NonNullable<Facts['logs']>> = {}) =>
    facts({ service: failedUnit, logs: { ...noLogs!, attempt: [line, 'docker.service: Start request repeated too quickly.'], lines: [line], ...more } });
  const rootless = (r: Partial<NonNullable<Facts['rootless']>>) =>
    facts({
      endpoint: { ...base.endpoint, url: 'unix:///run/user/1000/docker.sock', source: 'context', context: 'rootless' },
      rootless: { ...base.rootless!, contextHost: 'unix:///run/user/1000/docker.sock', preflight: pre, ...r },
    });
  // [input, words quoted from the daemon or the machine, which stay as they were said]
  const cases: Array<[string, Facts, string[]]> = [
    [
      'daemon-json',
      service("unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '}' looking for beginning of object key string", {
        daemonJson: {
          path: '/etc/docker/daemon.json',
          syntax: { message: 'Expected double-quoted property name', line: 2, column: 16, kind: 'trailing-comma', token: '' },
          keys: [],
          unknownKeys: [],
          hosts: false,
          dataRoot: null,
          storageDriver: null,
        },
      }),
      ["invalid character '}' looking for beginning of object key string"],
    ],
    [
      'daemon-json unknown key, before any start',
      facts({
        logs: {
          ...noLogs!,
          daemonJson: {
            path: '/etc/docker/daemon.json',
            syntax: null,
            keys: ['debugg'],
            unknownKeys: [{ key: 'debugg', closest: 'debug' }],
            hosts: false,
            dataRoot: null,
            storageDriver: null,
          },
        },
      }),
      ['debugg'],
    ],
    [
      'daemon-json syntax, before any start',
      facts({
        logs: {
          ...noLogs!,
          daemonJsonError: { path: '/etc/docker/daemon.json', message: 'Unexpected token' },
          daemonJson: {
            path: '/etc/docker/daemon.json',
            syntax: { message: 'Unexpected token', line: 1, column: 12, kind: 'bad-literal', token: '"tru"' },
            keys: [],
            unknownKeys: [],
            hosts: false,
            dataRoot: null,
            storageDriver: null,
          },
        },
      }),
      ['"tru"'],
    ],
    [
      'flag-and-file-conflict',
      service(
        'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///x])',
        { execStart: '/usr/bin/dockerd -H fd://' },
      ),
      [],
    ],
    ['storage-driver', service('failed to start daemon: error initializing graphdriver: driver not supported'), ['driver not supported']],
    [
      'iptables',
      service(
        'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to create NAT chain DOCKER: Iptables not found',
      ),
      [],
    ],
    [
      'iptables (table)',
      service(
        "failed to create NAT chain DOCKER: iptables failed: iptables --wait -t nat -N DOCKER: iptables v1.8.10 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)",
      ),
      ["iptables v1.8.10 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)"],
    ],
    ['containerd', service('failed to start daemon: failed to dial "/run/containerd/containerd.sock": context deadline exceeded'), []],
    [
      'pid-file',
      service('failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid', { pidOwner: { pid: 42, comm: 'sleep' } }),
      ['sleep'],
    ],
    [
      'disk-full',
      service('level=warning msg="x" error="write /var/lib/docker/containerd/x: no space left on device"', {
        diskFree: { path: '/var/lib/docker', freeBytes: 0, totalBytes: 1 << 20 },
      }),
      ['KiB', 'MiB'],
    ],
    ['socket-activation', service('failed to load listeners: no sockets found via socket activation: make sure the service was started by systemd'), []],
    ['cgroups', service("failed to start daemon: Devices cgroup isn't mounted"), ["Devices cgroup isn't mounted"]],
    ['rootless no-login-session', rootless({ xdgRuntimeDir: null, preflight: { ...pre, runtimeDir: 'unset' } }), []],
    ['rootless userns-disabled', rootless({ preflight: { ...pre, usernsClone: 0 } }), []],
    ['rootless apparmor-userns', rootless({ preflight: { ...pre, apparmorRestricted: true, apparmorProfile: false } }), []],
    ['rootless newuidmap', rootless({ newuidmap: null }), []],
    ['rootless subid', rootless({ subuidCount: 1000 }), []],
  ];
  it.each(cases)('%s', (_name, input, quoted) => {
    const result = diagnose(input, prefs(), translator('zh'));
    const said = [
      translator('zh')('evidence.daemon-said', { line: '' }),
      translator('zh')('evidence.log', { line: '' }),
      translator('zh')('evidence.start-limit', { line: '' }),
    ];
    const lines = [result.summary, ...result.evidence.filter((line) => !said.some((p) => line.startsWith(p))), ...result.fixes.map((fix) => fix.title)].map(
      (line) => quoted.reduce((text, q) => text.split(q).join(' '), line),
    );
    const literal = new Set([...LITERAL_WORDS, 'ada', 'rootless', 'hosts', 'debug', 'systemctl', 'failed', 'enabled', 'exit-code', 'inactive', 'success']);
    expect(lines.flatMap((line) => untranslatedWords(line, literal).map((word) => `${word} in: ${line}`))).toEqual([]);
  });
});
