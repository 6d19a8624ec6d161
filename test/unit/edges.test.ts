import { mkdtempSync, readFileSync, statSync, chmodSync, rmSync, mkdirSync, symlinkSync, existsSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concreteArgv } from '../../src/core/privilege.js';
import { autoApplies } from '../../src/app/flow.js';
import * as F from '../../src/core/fixes.js';
import { translator } from '../../src/core/messages/index.js';
import { envFileLines, writeEnvFile } from '../../src/io/envfile.js';
import { colourLevel, commandLine, shellQuote } from '../../src/io/render.js';
import { tellingLines } from '../../src/core/daemon-log.js';
import { parseSystemctlShow } from '../../src/probes/service.js';
import { subordinateCount } from '../../src/probes/etc-files.js';
import { wslVersion } from '../../src/probes/environment.js';

const t = translator('en');

describe('the env hand-back file', () => {
  it('writes only known names, set and unset lines', () => {
    expect(envFileLines({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: null })).toEqual([
      'set DOCKER_HOST unix:///run/user/1000/docker.sock',
      'unset DOCKER_CONTEXT',
    ]);
    expect(envFileLines({ PATH: '/evil' } as never)).toEqual([]);
    expect(envFileLines({ DOCKER_HOST: 'a\nset PATH /evil' })).toEqual([]);
  });

  it('creates a private file in a private directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'dockhook-env-'));
    const file = join(root, 'dockhook-1', 'env.42');
    expect(writeEnvFile(file, { DOCKER_HOST: null })).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe('unset DOCKER_HOST\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'dockhook-1')).mode & 0o777).toBe(0o700);
    rmSync(root, { recursive: true });
  });

  it('refuses a symlinked directory, and one that is not mode 0700', () => {
    const root = mkdtempSync(join(tmpdir(), 'dockhook-env-'));
    mkdirSync(join(root, 'real'), { mode: 0o700 });
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(writeEnvFile(join(root, 'link', 'env.1'), { DOCKER_HOST: null })).toMatch(/ELOOP|not a private directory/);
    expect(existsSync(join(root, 'real', 'env.1'))).toBe(false);
    mkdirSync(join(root, 'loose'), { mode: 0o700 });
    chmodSync(join(root, 'loose'), 0o750);
    expect(writeEnvFile(join(root, 'loose', 'env.1'), { DOCKER_HOST: null })).toMatch(/not a private directory/);
    rmSync(root, { recursive: true });
  });

  it('replaces a planted file or symlink instead of writing through it', () => {
    const root = mkdtempSync(join(tmpdir(), 'dockhook-env-'));
    const dir = join(root, 'd');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(root, 'victim'), 'untouched');
    symlinkSync(join(root, 'victim'), join(dir, 'env.1'));
    expect(writeEnvFile(join(dir, 'env.1'), { DOCKER_HOST: null })).toBeNull();
    expect(readFileSync(join(root, 'victim'), 'utf8')).toBe('untouched');
    expect(lstatSync(join(dir, 'env.1')).isFile()).toBe(true);
    rmSync(root, { recursive: true });
  });

  it('refuses a directory others can write', () => {
    const root = mkdtempSync(join(tmpdir(), 'dockhook-env-'));
    chmodSync(root, 0o777);
    expect(writeEnvFile(join(root, 'env.1'), { DOCKER_HOST: null })).toMatch(/not a private directory/);
    rmSync(root, { recursive: true });
  });
});

describe('applying fixes', () => {
  const opts = { sudo: ['doas'], uid: 1000, dockerBinary: '/usr/bin/docker' };
  it('swaps sudo for the configured program, drops it for root', () => {
    expect(concreteArgv(['sudo', 'systemctl', 'start', 'docker.service'], opts)).toEqual(['doas', 'systemctl', 'start', 'docker.service']);
    expect(concreteArgv(['sudo', 'systemctl', 'start', 'docker.service'], { ...opts, uid: 0 })).toEqual(['systemctl', 'start', 'docker.service']);
    expect(concreteArgv(['docker', 'context', 'use', 'default'], opts)).toEqual(['/usr/bin/docker', 'context', 'use', 'default']);
  });

  it('autoApply: safe takes only no-root, this-user fixes; the docker group never', () => {
    const env = F.rootlessEnv(t, 'unix:///run/user/1000/docker.sock');
    const start = F.startServiceSystemd(t);
    const group = F.addToDockerGroup(t, 'ada', true);
    expect([autoApplies(env, 'safe', true), autoApplies(start, 'safe', true), autoApplies(group, 'safe', true)]).toEqual([true, false, false]);
    expect([autoApplies(env, 'all', true), autoApplies(start, 'all', true), autoApplies(group, 'all', true)]).toEqual([true, true, false]);
    expect([autoApplies(env, 'never', true), autoApplies(start, 'never', true)]).toEqual([false, false]);
  });

  it('autoApply: nothing privileged without a terminal, whatever the policy', () => {
    const start = F.startServiceSystemd(t);
    expect([autoApplies(start, 'all', false), autoApplies(F.rootlessEnv(t, 'unix:///run/user/1000/docker.sock'), 'all', false)]).toEqual([false, true]);
  });

  it('autoApply "safe" is exactly the documented list: not a setup tool or a launcher found on PATH', () => {
    expect(autoApplies(F.setupRootless(t, 'ada', '/usr/bin/dockerd-rootless-setuptool.sh', false), 'safe', true)).toBe(false);
    expect(autoApplies(F.startAltRuntime(t, 'colima'), 'safe', true)).toBe(false);
    expect(autoApplies(F.startDesktopLinux(t), 'safe', true)).toBe(false);
    expect(autoApplies(F.useGroupNow(t), 'safe', true)).toBe(false);
    for (const fix of [F.rootlessContext(t), F.useDefaultContext(t), F.startRootlessSystemd(t), F.unsetDockerContext(t), F.unsetDockerHost(t, [])])
      expect(autoApplies(fix, 'safe', true), fix.id).toBe(true);
  });
});

describe('rendering', () => {
  it('quotes for display and for sg -c', () => {
    expect(shellQuote('ps')).toBe('ps');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(commandLine(['docker', 'run', '--name', 'a b', 'bb:latest', 'sh', '-c', 'echo $HOME'])).toBe(`docker run --name 'a b' bb:latest sh -c 'echo $HOME'`);
  });

  it('colour honours NO_COLOR, FORCE_COLOR and the terminal', () => {
    expect(colourLevel({}, true)).toBe(1);
    expect(colourLevel({}, false)).toBe(0);
    expect(colourLevel({ NO_COLOR: '1' }, true)).toBe(0);
    expect(colourLevel({ NO_COLOR: '1', FORCE_COLOR: '1' }, false)).toBe(1);
    expect(colourLevel({ FORCE_COLOR: '0' }, true)).toBe(0);
    expect(colourLevel({ TERM: 'xterm-256color' }, true)).toBe(2);
  });
});

describe('probe parsers', () => {
  it('systemctl show, two units', () => {
    const out =
      'ActiveState=failed\nResult=start-limit-hit\nLoadState=loaded\nUnitFileState=enabled\n\nActiveState=inactive\nResult=success\nLoadState=loaded\nUnitFileState=enabled\n';
    expect(parseSystemctlShow(out)).toEqual([
      { active: 'failed', result: 'start-limit-hit', load: 'loaded', enabled: 'enabled' },
      { active: 'inactive', result: 'success', load: 'loaded', enabled: 'enabled' },
    ]);
  });

  it('subuid ranges by name or uid', () => {
    expect(subordinateCount('ada:100000:65536\nbob:165536:65536\n', 'ada', 1000)).toBe(65536);
    expect(subordinateCount('1000:100000:1000\n', 'ada', 1000)).toBe(1000);
    expect(subordinateCount('', 'ada', 1000)).toBe(0);
  });

  it('WSL from /proc/version', () => {
    expect(wslVersion('Linux version 5.15.153.1-microsoft-standard-WSL2 (root@x)', {})).toBe(2);
    expect(wslVersion('Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com)', {})).toBe(1);
    expect(wslVersion('Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)', {})).toBeNull();
  });

  it('keeps the log lines that say why dockerd died', () => {
    const log =
      'time="x" level=info msg="Starting up"\nunable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character \'}\'\ndocker.service: Main process exited, code=exited, status=1/FAILURE\n';
    expect(tellingLines(log.split('\n'))).toHaveLength(2);
  });
});

describe('dockhook option parsing', async () => {
  const { parseOptions, UsageError } = await import('../../src/cli-options.js');
  const spec = { json: { type: 'boolean' as const }, yes: { type: 'boolean' as const, short: 'y' }, 'env-out': { type: 'string' as const } };

  it('reads booleans, short flags, values with = and with a space', () => {
    expect(parseOptions('fix', ['--json', '-y', '--env-out=/a', 'rest'], spec)).toEqual({
      values: { json: true, yes: true, 'env-out': '/a' },
      positionals: ['rest'],
    });
    expect(parseOptions('fix', ['--env-out', '/b'], spec).values['env-out']).toBe('/b');
  });

  it.each([[['--bogus']], [['-x']], [['--json=1']], [['-yy']], [['--env-out']]])('%j is a usage error', (args) => {
    expect(() => parseOptions('fix', args, spec)).toThrow(UsageError);
  });
});

describe('bounded reads of kernel pseudo-files', async () => {
  const { readBounded, readBoundedSync } = await import('../../src/io/bounded-read.js');
  // /proc files say size 0 in fstat and still hold text: a reader sized by fstat got one byte ("s" for "sleep").
  it('reads /proc/self/comm whole, both ways', async () => {
    const sync = readBoundedSync('/proc/self/comm');
    const async_ = await readBounded('/proc/self/status');
    expect(sync.ok && sync.text.trim().length).toBeGreaterThan(1);
    expect(async_.ok && /^Name:\s+\S+/m.test(async_.text)).toBe(true);
  });
});

describe('the prompt throws away type-ahead', () => {
  it('discardPending reads everything waiting on a non-blocking descriptor, and stops', async () => {
    const { discardPending } = await import('../../src/io/prompt.js');
    const { openSync, writeSync: write, closeSync, constants } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'dockhook-fifo-'));
    const fifo = join(dir, 'in');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    write(writer, 'docker ps\nyarn install\n');
    expect(discardPending(reader)).toBe('docker ps\nyarn install\n'.length);
    expect(discardPending(reader)).toBe(0);
    closeSync(writer);
    closeSync(reader);
    rmSync(dir, { recursive: true });
  });
});

describe('loose edges of the command line', () => {
  it('check --status takes digits from 0 to 255 only: "" is not 0', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const status of ['', ' 1', '1.0', '256', '-1', '0x1', '1e0']) {
      let code = 0;
      let stderr = '';
      try {
        execFileSync(process.execPath, ['dist/cli.cjs', 'check', '--status', status, '--', 'ps'], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, DOCKHOOK_CONFIG: '' },
        });
      } catch (error) {
        code = (error as { status: number }).status;
        stderr = String((error as { stderr: Buffer }).stderr);
      }
      expect(code, status).toBe(2);
      expect(stderr.trim().split('\n')[0], status).toContain(`--status must be an exit status from 0 to 255 (got "${status}")`);
    }
  });
});
