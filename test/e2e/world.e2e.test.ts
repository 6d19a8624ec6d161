// The harness checks itself with plain docker, curl and ps before anything is asserted about
// dockhook: when these fail, a dockhook e2e failure says nothing about dockhook.

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWorld, DEFAULT_SOCKET, USERS } from './world.js';
import { describeWithWorlds, useWorld, WORLD_BUILD_TIMEOUT_MS } from './support.js';

const CAP_SYS_RESOURCE = 24;

/** Whether this (root) process holds a capability: some sandboxes withhold a few. */
function hasCapability(bit: number): boolean {
  const line = fs.readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\s*([0-9a-f]+)$/m);
  return line !== null && ((BigInt(`0x${line[1]}`) >> BigInt(bit)) & 1n) === 1n;
}

const PING = ['curl', '-sS', '--max-time', '2', '--unix-socket', DEFAULT_SOCKET, 'http://localhost/_ping'];

describeWithWorlds('world harness', () => {
  describe('rootful daemon', () => {
    const world = useWorld({ name: 'harness-rootful', rootful: 'running', image: true });

    it('owns /var/run/docker.sock without touching the machine', async () => {
      const w = world();
      expect((await w.exec(PING)).stdout).toBe('OK');
      const inside = fs.statSync(w.hostPath(DEFAULT_SOCKET));
      expect(inside.isSocket()).toBe(true);
      expect(inside.gid).toBe(w.dockerGid);
      expect(inside.mode & 0o777).toBe(0o660);
      // The machine's own path is another file, or none at all.
      const outside = fs.statSync(DEFAULT_SOCKET, { throwIfNoEntry: false });
      if (outside) expect(outside.ino === inside.ino && outside.dev === inside.dev).toBe(false);
    });

    it('lists only its own processes in /proc', async () => {
      const ps = await world().exec(['ps', '-eo', 'pid,comm']);
      const names = ps.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[1]);
      expect(names).toContain('dockerd');
      expect(names).toContain('docker-init');
      expect(names.filter((n) => n === 'dockerd')).toHaveLength(1);
    });

    it('runs commands as real users with their login environment', async () => {
      const w = world();
      const r = await w.exec(['sh', '-c', 'id -un; id -Gn; echo "$HOME|$USER|$LOGNAME|$PATH"; pwd'], { user: USERS.inGroup });
      const [name, groups, env, cwd] = r.stdout.trim().split('\n');
      expect(name).toBe('dh-in');
      expect(groups?.split(' ')).toContain('docker');
      expect(env).toBe('/home/dh-in|dh-in|dh-in|/usr/local/bin:/usr/bin:/bin:/usr/games');
      expect(cwd).toBe('/home/dh-in');
    });

    it('gives docker-group members access and refuses everyone else', async () => {
      const w = world();
      expect((await w.run(['docker', 'ps'], { user: USERS.inGroup })).code).toBe(0);
      const out = await w.run(['docker', 'ps'], { user: USERS.outOfGroup });
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/permission denied/);
    });

    it('has a stale-session mode: in the group in /etc/group, not in the process', async () => {
      const w = world();
      const groups = await w.exec(['id', '-Gn'], { user: USERS.inGroup, staleSession: true });
      expect(groups.stdout.trim().split(' ')).not.toContain('docker');
      expect(fs.readFileSync('/etc/group', 'utf8')).toMatch(/^docker:x:\d+:(.*,)?dh-in(,|$)/m);
      const ps = await w.run(['docker', 'ps'], { user: USERS.inGroup, staleSession: true });
      expect(ps.stderr).toMatch(/permission denied/);
    });

    it('runs a container from the imported busybox image with a tty', async () => {
      const r = await world().exec(['docker', 'run', '--rm', '-t', 'bb:latest', '/bin/sh', '-c', '[ -t 1 ] && echo tty']);
      expect(r.stdout.trim()).toBe('tty');
    });

    it('passes stdin and kills a command that runs too long', async () => {
      const w = world();
      expect((await w.exec(['cat'], { stdin: 'hello' })).stdout).toBe('hello');
      const slow = await w.run(['sleep', '30'], { user: USERS.inGroup, timeoutMs: 300 });
      expect(slow.timedOut).toBe(true);
      expect(slow.ms).toBeLessThan(5_000);
    });

    it('stops cleanly (socket removed), crashes (socket left), and restarts', async () => {
      const w = world();
      await w.stopDaemon();
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
      await w.startDaemon();
      await w.killDaemon();
      expect(fs.statSync(w.hostPath(DEFAULT_SOCKET)).isSocket()).toBe(true);
      const dead = await w.run(PING);
      expect(dead.code).toBe(7); // curl: could not connect
      await w.startDaemon();
      expect((await w.exec(PING)).stdout).toBe('OK');
    });
  });

  describe('sockets nobody answers on', () => {
    const world = useWorld({ name: 'harness-dead', rootful: 'dead-socket' });

    it('makes a socket file with no listener', async () => {
      const w = world();
      expect(fs.statSync(w.hostPath(DEFAULT_SOCKET)).isSocket()).toBe(true);
      expect((await w.run(PING)).code).toBe(7);
    });

    it('makes a listener that never answers', async () => {
      const w = world();
      await w.makeHungSocket('/tmp/hung.sock');
      const r = await w.run(['curl', '-sS', '--max-time', '1', '--unix-socket', '/tmp/hung.sock', 'http://localhost/_ping']);
      expect(r.code).toBe(28); // curl: timed out
    });
  });

  describe('without systemd', () => {
    const world = useWorld({ name: 'harness-nosystemd', rootful: 'stopped' });

    it('has the real systemctl, which says systemd is not running', async () => {
      const w = world();
      const r = await w.run(['systemctl', 'is-active', 'docker']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/System has not been booted with systemd/);
      expect(w.exists('/run/systemd/system')).toBe(false);
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
    });

    it('keeps a daemon started by the sysv script (`service docker start`) inside the world', async () => {
      const w = world();
      if (!hasCapability(CAP_SYS_RESOURCE)) {
        // The script raises the open-files hard limit to 1048576 and stops when it cannot:
        // without CAP_SYS_RESOURCE (some sandboxes and containers) the service cannot start.
        const refused = await w.run(['service', 'docker', 'start']);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toMatch(/ulimit/);
        return;
      }
      await w.exec(['service', 'docker', 'start']);
      // start-stop-daemon returns before dockerd listens.
      let ping = await w.run(PING);
      for (let i = 0; i < 100 && ping.stdout !== 'OK'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ping = await w.run(PING);
      }
      expect(ping.stdout).toBe('OK');
      const cmdline = (await w.exec(['ps', '-C', 'dockerd', '-o', 'args='])).stdout;
      expect(cmdline).toContain(`--data-root ${w.dir}/rootful/data`);
      expect(w.readFile('/var/log/docker.log')).toMatch(/API listen on \/var\/run\/docker.sock/);
      await w.exec(['service', 'docker', 'stop']);
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
    });
  });

  describe('with the systemctl stand-in', () => {
    const world = useWorld({ name: 'harness-systemd', rootful: 'stopped', systemd: true, rootless: 'installed' });

    it('reports the stopped service the way systemctl does', async () => {
      const w = world();
      expect(w.exists('/run/systemd/system')).toBe(true);
      const active = await w.run(['systemctl', 'is-active', 'docker']);
      expect([active.code, active.stdout]).toEqual([3, 'inactive\n']);
      const show = await w.exec(['systemctl', 'show', '-p', 'ActiveState,SubState,Result,LoadState,UnitFileState', 'docker.service', 'docker.socket']);
      expect(show.stdout).toBe(
        'ActiveState=inactive\nSubState=dead\nResult=success\nLoadState=loaded\nUnitFileState=enabled\n\n' +
          'ActiveState=inactive\nSubState=dead\nResult=success\nLoadState=loaded\nUnitFileState=enabled\n',
      );
      expect((await w.run(['systemctl', 'is-enabled', 'docker'])).stdout).toBe('enabled\n');
      expect((await w.run(['systemctl', 'is-failed', 'docker'])).code).toBe(1);
    });

    it('refuses to start a system unit for a user, and starts and stops the real daemon for root', async () => {
      const w = world();
      const denied = await w.run(['systemctl', 'start', 'docker'], { user: USERS.inGroup });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/Interactive authentication required/);
      await w.exec(['/usr/bin/systemctl', 'start', 'docker.service']);
      expect((await w.exec(PING)).stdout).toBe('OK');
      expect((await w.exec(['systemctl', 'is-active', 'docker.service', 'docker.socket'])).stdout).toBe('active\nactive\n');
      await w.exec(['systemctl', 'stop', 'docker']);
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
    });

    it('reports a crashed daemon as failed', async () => {
      const w = world();
      await w.startDaemon();
      await w.killDaemon();
      const show = await w.exec(['systemctl', 'show', '--property=ActiveState', '-p', 'Result', 'docker']);
      expect(show.stdout).toBe('ActiveState=failed\nResult=signal\n');
      await w.exec(['systemctl', 'start', 'docker']);
      const failed = await w.run(['systemctl', 'is-failed', 'docker']);
      expect([failed.code, failed.stdout]).toEqual([1, 'active\n']);
    });

    it('fails a start the way systemd does when dockerd cannot start', async () => {
      const w = world();
      await w.exec(['systemctl', 'stop', 'docker']);
      w.writeFile('/etc/docker/daemon.json', '{ not json');
      const r = await w.run(['systemctl', 'start', 'docker']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Job for docker.service failed/);
      expect((await w.exec(['systemctl', 'show', '-p', 'ActiveState,Result', 'docker'])).stdout).toBe('ActiveState=failed\nResult=exit-code\n');
      expect((await w.exec(['journalctl', '-u', 'docker.service', '-n', '20'])).stdout).toMatch(/daemon\.json|invalid character/);
      w.writeFile('/etc/docker/daemon.json', '{}');
    });

    it('answers --user for the rootless unit and really starts it', async () => {
      const w = world();
      const as = { user: USERS.rootless };
      expect((await w.run(['systemctl', '--user', 'is-active', 'docker'], as)).stdout).toBe('inactive\n');
      await w.exec(['systemctl', '--user', 'start', 'docker'], as);
      const info = await w.exec(['docker', '-H', w.rootlessHost(), 'info', '--format', '{{.SecurityOptions}}'], as);
      expect(info.stdout).toMatch(/name=rootless/);
      await w.exec(['systemctl', '--user', 'stop', 'docker.service'], as);
      expect((await w.run(['systemctl', '--user', 'is-active', 'docker'], as)).code).toBe(3);
      const noBus = await w.run(['systemctl', '--user', 'is-active', 'docker'], { user: USERS.outOfGroup });
      expect(noBus.stderr).toMatch(/Failed to connect to bus/);
    });
  });

  describe('rootless daemon', () => {
    const world = useWorld({ name: 'harness-rootless', rootful: 'absent', rootless: 'running', image: true });

    it('answers on /run/user/UID/docker.sock and says it is rootless', async () => {
      const w = world();
      const as = { user: USERS.rootless };
      const env = await w.exec(['sh', '-c', 'echo $XDG_RUNTIME_DIR; stat -c "%U %a" "$XDG_RUNTIME_DIR"'], as);
      const uid = w.user(USERS.rootless).uid;
      expect(env.stdout).toBe(`/run/user/${uid}\ndh-rootless 700\n`);
      const info = await w.exec(['docker', '-H', w.rootlessHost(), 'info', '--format', '{{.SecurityOptions}}'], as);
      expect(info.stdout).toMatch(/name=rootless/);
      const run = await w.exec(['docker', '-H', w.rootlessHost(), 'run', '--rm', '-t', 'bb:latest', '/bin/sh', '-c', '[ -t 1 ] && echo tty'], as);
      expect(run.stdout.trim()).toBe('tty');
      // The default endpoint is someone else's business: nothing there in this world.
      const plain = await w.run(['docker', 'ps'], as);
      expect(plain.stderr).toMatch(/Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker.sock/);
    });
  });

  describe('WSL2', () => {
    const world = useWorld({ name: 'harness-wsl', rootful: 'absent', wsl: true });

    it('says WSL2 in /proc/version and osrelease', async () => {
      const w = world();
      const r = await w.exec(['sh', '-c', 'cat /proc/version /proc/sys/kernel/osrelease; echo $WSL_DISTRO_NAME'], { user: USERS.inGroup });
      expect(r.stdout).toMatch(/^Linux version 5\.15\.153\.1-microsoft-standard-WSL2 \(root@/);
      expect(r.stdout).toMatch(/\n5\.15\.153\.1-microsoft-standard-WSL2\nDebian\n$/);
      // The machine's own /proc/version is untouched.
      expect(fs.readFileSync('/proc/version', 'utf8')).not.toMatch(/microsoft/);
    });
  });

  it(
    'leaves nothing behind after dispose',
    async () => {
      const w = await createWorld({ name: 'harness-dispose', rootful: 'running', rootless: 'running' });
      const pid = w.pid;
      await w.dispose();
      expect(fs.existsSync(w.dir)).toBe(false);
      expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
      await w.dispose(); // twice is fine
    },
    WORLD_BUILD_TIMEOUT_MS,
  );
});
