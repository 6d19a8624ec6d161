import { describe, expect, it } from 'vitest';
import { waitUntilAnswers, type Clock } from '../../src/app/wait.js';
import { detachedLine, envLines, shellFromEnv } from '../../src/core/shell-syntax.js';
import * as F from '../../src/core/fixes.js';
import { translator } from '../../src/core/messages/index.js';
import type { PingFacts } from '../../src/core/types.js';
import { probeRootless } from '../../src/probes/rootless.js';
import { probeStartupFiles, settingLines } from '../../src/probes/startup.js';
import { parseOsRelease } from '../../src/probes/os-release.js';
import { groupToRunWith } from '../../src/commands/exec.js';
import { sgArgv } from '../../src/app/flow.js';
import { executable, fakeSystem, file } from '../support/fake-system.js';

const t = translator('en');

/** A clock that moves only when the code under test sleeps (or a ping takes time). */
function fakeClock(): Clock & { at: number } {
  const clock = {
    at: 0,
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.at += ms;
    },
  };
  return clock;
}

const answer = (outcome: PingFacts['outcome']): PingFacts => ({ outcome, detail: '', podman: false });

describe('waiting for a started daemon', () => {
  it('re-pings until the endpoint answers, ticking the indicator meanwhile', async () => {
    const clock = fakeClock();
    const ticks: number[] = [];
    const result = await waitUntilAnswers('unix:///var/run/docker.sock', 30_000, {
      ping: async () => answer(clock.at >= 900 ? 'ok' : 'enoent'),
      clock,
      progress: { tick: (ms) => ticks.push(ms), end: () => {} },
    });
    expect(result).toEqual({ answered: true, ms: 900 });
    expect(ticks).toEqual([0, 150, 300, 450, 600, 750]);
  });

  it('gives up at the bound', async () => {
    const clock = fakeClock();
    const result = await waitUntilAnswers('unix:///x.sock', 1000, { ping: async () => answer('refused'), clock, progress: { tick: () => {}, end: () => {} } });
    expect(result.answered).toBe(false);
    expect(result.ms).toBe(1000);
  });

  it('stops early when the daemon it waits for has exited', async () => {
    const clock = fakeClock();
    const result = await waitUntilAnswers('unix:///x.sock', 30_000, {
      ping: async () => answer('enoent'),
      clock,
      progress: { tick: () => {}, end: () => {} },
      gaveUp: () => clock.at >= 300,
    });
    expect(result).toEqual({ answered: false, ms: 300, ended: 'gone' });
  });

  it('a socket that refuses this user (EACCES) is an answer: the wait ends at once, to look again', async () => {
    const clock = fakeClock();
    const result = await waitUntilAnswers('unix:///x.sock', 30_000, {
      ping: async () => answer(clock.at >= 450 ? 'eacces' : 'enoent'),
      clock,
      progress: { tick: () => {}, end: () => {} },
    });
    expect(result).toEqual({ answered: false, ms: 450, ended: 'denied' });
  });

  it('a service whose daemon is gone: the wait asks as it goes (async) and ends without spinning to the bound', async () => {
    const clock = fakeClock();
    const asked: number[] = [];
    const result = await waitUntilAnswers('unix:///x.sock', 30_000, {
      ping: async () => answer('enoent'),
      clock,
      progress: { tick: () => {}, end: () => {} },
      gaveUp: async (ms) => (asked.push(ms), ms >= 1050),
    });
    expect(result).toEqual({ answered: false, ms: 1050, ended: 'gone' });
    expect(asked[0]).toBe(0);
  });

  it('an unhealthy daemon (HTTP 500) counts as answering', async () => {
    const result = await waitUntilAnswers('unix:///x.sock', 1000, {
      ping: async () => answer('unhealthy'),
      clock: fakeClock(),
      progress: { tick: () => {}, end: () => {} },
    });
    expect(result.answered).toBe(true);
  });
});

describe("commands in the user's own shell", () => {
  it('fish sets and erases; bash and zsh export and unset', () => {
    expect(envLines('fish', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: null })).toBe(
      'set -gx DOCKER_HOST unix:///run/user/1000/docker.sock; set -e DOCKER_CONTEXT',
    );
    expect(envLines('bash', { DOCKER_HOST: 'unix:///a b' })).toBe("export DOCKER_HOST='unix:///a b'");
    expect(envLines('zsh', { DOCKER_HOST: null })).toBe('unset DOCKER_HOST');
  });

  it('the shell function names the shell; the login shell is the fallback', () => {
    expect(shellFromEnv({ _DOCKHOOK_SHELL: 'fish', SHELL: '/bin/bash' })).toBe('fish');
    expect(shellFromEnv({ SHELL: '/usr/bin/zsh' })).toBe('zsh');
    expect(shellFromEnv({ _DOCKHOOK_SHELL: 'tcsh', SHELL: '/bin/tcsh' })).toBe('sh');
    // `dockhook fix` typed in a fish started from a bash login: the parent process says fish.
    expect(shellFromEnv({ SHELL: '/bin/bash' }, 'fish\n')).toBe('fish');
    expect(shellFromEnv({ SHELL: '/bin/zsh' }, 'sudo\n')).toBe('zsh');
  });

  it('a detached start reads the same in every shell', () => {
    expect(
      detachedLine(['/usr/share/docker.io/contrib/dockerd-rootless.sh'], {
        log: '/home/ada/.local/state/dockhook/dockerd-rootless.log',
        pathPrepend: ['/usr/sbin'],
      }),
    ).toBe(
      'env PATH="/usr/sbin:$PATH" setsid -f /usr/share/docker.io/contrib/dockerd-rootless.sh >>/home/ada/.local/state/dockhook/dockerd-rootless.log 2>&1 </dev/null',
    );
  });
});

describe('installing the Engine, per distribution', () => {
  const os = (id: string, idLike: string[] = [], prettyName: string | null = null) => ({ id, idLike, prettyName });
  it.each([
    [os('debian'), [['sudo', 'apt-get', 'install', '-y', 'docker.io']]],
    [os('ubuntu', ['debian']), [['sudo', 'apt-get', 'install', '-y', 'docker.io']]],
    [os('linuxmint', ['ubuntu', 'debian']), [['sudo', 'apt-get', 'install', '-y', 'docker.io']]],
    [os('fedora'), [['sudo', 'dnf', 'install', '-y', 'moby-engine']]],
    [
      os('rocky', ['rhel', 'centos', 'fedora']),
      [
        ['sudo', 'dnf', 'config-manager', '--add-repo', 'https://download.docker.com/linux/rhel/docker-ce.repo'],
        ['sudo', 'dnf', 'install', '-y', 'docker-ce', 'docker-ce-cli', 'containerd.io'],
      ],
    ],
    [os('arch'), [['sudo', 'pacman', '-S', '--needed', '--noconfirm', 'docker']]],
    [os('alpine'), [['sudo', 'apk', 'add', 'docker']]],
    [os('opensuse-tumbleweed', ['opensuse', 'suse']), [['sudo', 'zypper', 'install', '-y', 'docker']]],
  ])('%o', (release, commands) => {
    expect(F.installEngine(t, release, false)?.commands).toEqual(commands);
  });

  it('adds the rootless extras where a package has them; unknown distributions get the documentation', () => {
    expect(F.installEngine(t, os('debian'), true)?.commands[0]).toEqual([
      'sudo',
      'apt-get',
      'install',
      '-y',
      'docker.io',
      'uidmap',
      'rootlesskit',
      'slirp4netns',
    ]);
    expect(F.installEngine(t, os('nixos'), false)).toBeNull();
  });
});

describe('probes for the loop: where things are, what sets DOCKER_HOST, which distribution', () => {
  const ada = { name: 'ada', uid: 1000, gid: 1000, home: '/home/ada' };
  const endpoint = {
    url: 'unix:///var/run/docker.sock',
    source: 'default' as const,
    context: null,
    contextError: null,
    tls: false,
    configDir: '/home/ada/.docker',
  };

  it("Debian's docker.io: the rootless scripts in contrib, dockerd in /usr/sbin (off a user's PATH)", async () => {
    const sys = fakeSystem({
      user: ada,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', XDG_RUNTIME_DIR: '/run/user/1000' },
      files: {
        '/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh': executable(),
        '/usr/share/docker.io/contrib/dockerd-rootless.sh': executable(),
        '/usr/sbin/dockerd': executable(),
      },
    });
    expect(await probeRootless(sys, endpoint, 100)).toMatchObject({
      setupTool: '/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh',
      rootlessScript: '/usr/share/docker.io/contrib/dockerd-rootless.sh',
      dockerd: '/usr/sbin/dockerd',
    });
  });

  it('a static install in ~/bin', async () => {
    const sys = fakeSystem({
      user: ada,
      env: { PATH: '/usr/bin:/bin' },
      files: { '/home/ada/bin/dockerd-rootless.sh': executable({ uid: 1000 }), '/home/ada/bin/dockerd': executable({ uid: 1000 }) },
    });
    expect(await probeRootless(sys, endpoint, 100)).toMatchObject({ rootlessScript: '/home/ada/bin/dockerd-rootless.sh', dockerd: '/home/ada/bin/dockerd' });
  });

  it('start-up files that set DOCKER_HOST, each with its line; comments and other variables are not', async () => {
    const sys = fakeSystem({
      user: ada,
      files: {
        '/home/ada/.bashrc': file('# export DOCKER_HOST=unix:///old.sock\nalias d=docker\nexport DOCKER_HOST=unix:///tmp/x.sock\n'),
        '/home/ada/.config/fish/conf.d/docker.fish': file('set -gx DOCKER_HOST tcp://10.0.0.1:2375\n'),
        '/home/ada/.config/fish/fish_variables': file('SETUVAR --export DOCKER_HOST:unix\\x3a///u.sock\n'),
        '/etc/environment': file('LANG=C.UTF-8\nDOCKER_HOST=unix:///etc.sock\n'),
      },
    });
    expect(await probeStartupFiles(sys)).toEqual([
      { path: '~/.bashrc', line: 3, text: 'export DOCKER_HOST=unix:///tmp/x.sock' },
      { path: '~/.config/fish/conf.d/docker.fish', line: 1, text: 'set -gx DOCKER_HOST tcp://10.0.0.1:2375' },
      { path: '~/.config/fish/fish_variables', line: 1, text: 'SETUVAR --export DOCKER_HOST:unix\\x3a///u.sock' },
      { path: '/etc/environment', line: 2, text: 'DOCKER_HOST=unix:///etc.sock' },
    ]);
    expect(settingLines('export DOCKER_HOSTNAME=x\nDOCKER_HOST_OLD=y\n', 'DOCKER_HOST')).toEqual([]);
  });

  it('/etc/os-release', () => {
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n')).toEqual({
      id: 'debian',
      idLike: [],
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\n')).toEqual({ id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], prettyName: null });
    expect(parseOsRelease('garbage')).toBeNull();
  });
});

describe('the shell remembers the group', () => {
  const group = () => 'docker:x:998:ada\n';
  it('runs through sg only while this session lacks the group', () => {
    expect(groupToRunWith({ DOCKHOOK_GROUP: 'docker' }, group, [1000])).toBe('docker');
    expect(groupToRunWith({ DOCKHOOK_GROUP: 'docker' }, group, [1000, 998])).toBeNull();
    expect(groupToRunWith({}, group, [1000])).toBeNull();
    // Only the docker group: the variable cannot name another group for sg to switch to.
    expect(groupToRunWith({ DOCKHOOK_GROUP: 'wheel' }, () => 'wheel:x:10:ada\n', [1000])).toBeNull();
  });

  it('quotes the command for sg -c', () => {
    expect(sgArgv('/usr/bin/docker', ['run', '--name', 'a b', 'bb'])).toEqual(['sg', 'docker', '-c', "exec /usr/bin/docker run --name 'a b' bb"]);
  });
});
