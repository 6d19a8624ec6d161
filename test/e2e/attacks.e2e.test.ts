// The attacks SECURITY.md promises dockhook withstands, each run for real: two real users (the
// victim dh-in, the attacker dh-out), real shells through a pseudo-terminal, real files, real
// daemons in worlds (world.ts). Every test tries the opposite of a promise and checks it held.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKHOOK, REPO_ROOT, USERS, type World } from './world.js';
import { describeWithWorlds, useWorld } from './support.js';
import { withShell, type PtyShell, type ShellName, type ShellOptions } from './pty.js';

const SHELLS: ShellName[] = ['bash', 'zsh', 'fish'];
const YES_NO = /\[Y\/n(\/\d)*\] /;
const ESC = '\x1b';

function initLine(shell: ShellName, bin = DOCKHOOK): string {
  return shell === 'fish' ? `${bin} init fish | source` : `eval "$(${bin} init ${shell})"`;
}

function shell(name: ShellName, extra: Partial<ShellOptions> = {}): ShellOptions {
  return { shell: name, ...extra, rc: [...(extra.rc ?? []), initLine(name)] };
}

/** A shell one-liner that loads the integration and runs `body` (for runs without a terminal). */
function script(name: ShellName, body: string, bin = DOCKHOOK): string[] {
  const argv0 = name === 'bash' ? '/bin/bash' : name === 'zsh' ? '/usr/bin/zsh' : '/usr/bin/fish';
  // fish -c would read the user's config.fish, which a pty test may have written.
  return name === 'fish' ? [argv0, '--no-config', '-c', `${initLine(name, bin)}; ${body}`] : [argv0, '-c', `${initLine(name, bin)}; ${body}`];
}

const statusOf = (name: ShellName) => (name === 'fish' ? '$status' : '$?');

async function serviceState(w: World): Promise<string> {
  return (await w.run(['systemctl', 'is-active', 'docker.service'])).stdout.trim();
}

async function stopService(w: World): Promise<void> {
  if (w.exists('/var/run/docker.sock')) await w.stopDaemon();
}

/** The terminal is sane again: canonical input, echo, and Ctrl-C makes a signal. */
async function expectSaneTerminal(sh: PtyShell): Promise<void> {
  const stty = await sh.run('stty -a');
  expect(stty).toMatch(/(^|\s)icanon(\s|;|$)/m);
  expect(stty).toMatch(/(^|\s)echo(\s|;|$)/m);
  expect(stty).toMatch(/(^|\s)isig(\s|;|$)/m);
}

/** Ctrl-C interrupts a later command at once. */
async function expectCtrlCWorks(sh: PtyShell): Promise<void> {
  sh.type('sleep 30');
  sh.press('enter');
  await new Promise((resolve) => setTimeout(resolve, 400));
  sh.press('ctrl-c');
  // fish draws its prompt after a ⏎ mark on the same line, not after a newline.
  await sh.waitFor(/\^C/, 5_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await sh.status()).toBe(130);
}

describeWithWorlds('attacks on dockhook, run for real', () => {
  describe('a stopped docker.service under (stand-in) systemd', () => {
    const world = useWorld({ name: 'atk-service', rootful: 'stopped', systemd: true });

    describe('type-ahead never answers the question', () => {
      for (const name of SHELLS) {
        it(`${name}: "docker ps" with a second Enter typed at once: the question waits, nothing is started`, async () => {
          const w = world();
          await stopService(w);
          await withShell(w, shell(name), async (sh) => {
            // Both Enters in one write: the second one waits in the terminal while docker runs.
            sh.type('docker ps\r\r');
            await sh.waitFor(YES_NO);
            await new Promise((resolve) => setTimeout(resolve, 1500));
            expect(sh.text).not.toMatch(/\$ systemctl start/);
            expect(await serviceState(w)).toBe('inactive');
            sh.type('n');
            await sh.waitForPrompt();
          });
          expect(await serviceState(w)).toBe('inactive');
        });
      }

      it('bash: a pasted "docker ps\\nyarn install\\n": the "y" of yarn answers nothing', async () => {
        const w = world();
        await stopService(w);
        await withShell(w, shell('bash'), async (sh) => {
          sh.type('docker ps\nyarn install\n');
          await sh.waitFor(YES_NO);
          await new Promise((resolve) => setTimeout(resolve, 1500));
          expect(sh.text).not.toMatch(/\$ systemctl start/);
          expect(await serviceState(w)).toBe('inactive');
          sh.type('n');
          await sh.waitForPrompt();
        });
      });
    });

    describe('a signal at the prompt leaves a sane terminal, and Ctrl-C works afterwards', () => {
      for (const name of SHELLS) {
        for (const signal of ['TERM', 'HUP', 'KILL'] as const) {
          it(`${name}: SIG${signal} to dockhook at the question`, async () => {
            const w = world();
            await stopService(w);
            await withShell(w, shell(name), async (sh) => {
              sh.type('docker ps');
              sh.press('enter');
              await sh.waitFor(YES_NO);
              // Only dockhook's node process in this world (its own pid namespace).
              const killed = await w.run(['pkill', `-${signal}`, '-f', 'dist/cli\\.cjs']);
              expect(killed.code).toBe(0);
              // After SIGKILL nobody ends the question's line: zsh and fish draw their
              // partial-line mark and the prompt on it.
              await sh.waitFor(/pty\$ /);
              await new Promise((resolve) => setTimeout(resolve, 300));
              await expectSaneTerminal(sh);
              await expectCtrlCWorks(sh);
            });
            expect(await serviceState(w)).toBe('inactive');
          });
        }
      }
    });

    describe('nothing privileged without a terminal and a shown command', () => {
      it('autoApply "all", no terminal (stderr to a file, stdin from /dev/null): a hint, nothing run', async () => {
        const w = world();
        await stopService(w);
        const home = w.user(USERS.inGroup).home;
        writeUserConfig(w, USERS.inGroup, JSON.stringify({ autoApply: 'all', sudo: ['sudo', '-n'] }));
        try {
          const r = await w.run(script('bash', 'docker ps 2>"$HOME/err" </dev/null; echo "status=$?"'), { user: USERS.inGroup });
          expect(r.stdout).toMatch(/status=1/);
          const err = w.readFile(`${home}/err`);
          expect(err).toMatch(/dockhook: /);
          expect(err).not.toMatch(/applying \(autoApply/);
          expect(err).not.toMatch(/\$ sudo/);
        } finally {
          removeUserConfig(w, USERS.inGroup);
        }
        expect(await serviceState(w)).toBe('inactive');
      });

      it('a config whose sudo is ["sh","-c",…] is refused: the planted program never runs', async () => {
        const w = world();
        await stopService(w);
        const marker = '/tmp/sudo-config-ran';
        writeUserConfig(w, USERS.inGroup, JSON.stringify({ autoApply: 'all', sudo: ['sh', '-c', `touch ${marker}; systemctl start docker.service`] }));
        try {
          const r = await w.run(script('bash', 'docker ps 2>&1 </dev/null; echo "status=$?"'), { user: USERS.inGroup });
          expect(r.stdout).toMatch(/sudo must be sudo, doas, run0 or pkexec/);
          expect(r.stdout).toMatch(/status=1/);
          expect(w.exists(marker)).toBe(false);
          // In a terminal, too, the fix is shown with sudo, never with the planted program.
          await withShell(w, shell('bash', { user: USERS.inGroup }), async (sh) => {
            sh.type('docker ps');
            sh.press('enter');
            // autoApply "all" with a terminal applies the shown command, with the real sudo.
            await sh.waitFor(/\$ sudo systemctl start docker\.service/);
            expect(sh.text).not.toMatch(/sh -c/);
            // Ctrl-C before sudo reads the terminal is lost, and sudo then waits for a password.
            await sh.waitFor(/password for dh-in: ?$/);
            // As a person would, not within a millisecond of the prompt (sudo drops a Ctrl-C then).
            await new Promise((resolve) => setTimeout(resolve, 300));
            sh.press('ctrl-c');
            await sh.waitForPrompt();
          });
          expect(w.exists(marker)).toBe(false);
        } finally {
          removeUserConfig(w, USERS.inGroup);
        }
      });
    });
  });

  describe('a running rootful daemon; the victim dh-in, the attacker dh-out', () => {
    const world = useWorld({ name: 'atk-running', rootful: 'running' });
    const victim = USERS.inGroup;
    const attacker = USERS.outOfGroup;
    // A loopback address nobody listens on: even a lost race must not send traffic off this machine.
    const EVIL_HOST = 'tcp://127.66.66.66:2375';

    /** As the attacker, for `seconds`: plant DOCKER_HOST lines for every victim process, everywhere it can write. */
    function plantLoop(w: World, seconds: number) {
      const uid = w.user(victim).uid;
      const loop = [
        `end=$(( $(date +%s) + ${seconds} ))`,
        `for d in /tmp/dockhook-${uid} /tmp/dockhook /tmp/dockhook-${uid}/dockhook; do mkdir -p "$d" 2>/dev/null; chmod 777 "$d" 2>/dev/null; done`,
        'while [ "$(date +%s)" -lt "$end" ]; do',
        `  for pid in $(pgrep -u ${uid}); do`,
        `    for d in /tmp/dockhook-${uid} /tmp/dockhook /tmp/dockhook-${uid}/dockhook; do`,
        `      printf 'set DOCKER_HOST ${EVIL_HOST}\\n' >"$d/env.$pid.new" 2>/dev/null && mv -f "$d/env.$pid.new" "$d/env.$pid" 2>/dev/null`,
        '    done',
        '  done',
        'done',
      ].join('\n');
      return w.run(['sh', '-c', loop], { user: attacker, timeoutMs: (seconds + 10) * 1000 });
    }

    for (const name of SHELLS) {
      it(`${name}: XDG_RUNTIME_DIR unset, another user plants hand-back files in /tmp all along: the fix's own change lands, theirs never`, async () => {
        const w = world();
        const planting = plantLoop(w, 8);
        const rc = name === 'fish' ? ['set -gx DOCKER_HOST unix:///tmp/nothing.sock'] : ['export DOCKER_HOST=unix:///tmp/nothing.sock'];
        await withShell(w, shell(name, { user: victim, env: { XDG_RUNTIME_DIR: null }, rc }), async (sh) => {
          sh.type('docker ps');
          sh.press('enter');
          await sh.waitFor(YES_NO);
          sh.type('y');
          await sh.waitForPrompt(30_000);
          const host = await sh.run('echo "host=[$DOCKER_HOST]"');
          expect(host).toContain('host=[]');
          expect(host).not.toContain(EVIL_HOST);
          // Later commands go to the real daemon.
          expect(await sh.run('docker ps --format x; echo done')).toContain('done');
          expect(sh.text).not.toContain(EVIL_HOST);
        });
        await planting;
      });
    }

    it('the root-equivalent question (docker group): a pasted "yarn install" and a "y" during its countdown answer nothing', async () => {
      const w = world();
      await withShell(w, shell('bash', { user: attacker }), async (sh) => {
        const mark = sh.mark();
        sh.type('docker ps\nyarn install\n');
        await sh.waitFor(/\[y\/N[^\]]*\] /);
        expect(sh.since(mark)).toMatch(/sudo usermod -aG docker dh-out/);
        sh.type('y');
        await new Promise((resolve) => setTimeout(resolve, 2500));
        expect(sh.text).not.toMatch(/\$ sudo usermod/);
        expect(sh.since(mark)).not.toMatch(/\[y\/N[^\]]*\] y/);
        sh.type('n');
        await sh.waitFor(/nothing changed/);
        await sh.waitForPrompt();
      });
      const groups = await w.run(['id', '-nG', attacker]);
      expect(groups.stdout.split(/\s+/)).not.toContain('docker');
    });

    describe("the shell reads a hand-back directory only if it is the user's own, mode 0700, not a symlink", () => {
      const cases: Array<[string, (w: World) => Promise<string>, boolean]> = [
        [
          "the attacker's 0777 directory, with a symlink to a file of the victim",
          async (w) => {
            await w.exec(['sh', '-c', 'mkdir -p /tmp/hb-a && chmod 777 /tmp/hb-a'], { user: attacker });
            await w.exec(['sh', '-c', `printf 'set DOCKER_HOST ${EVIL_HOST}\\n' >"$HOME/notes"`], { user: victim });
            await w.exec(['ln', '-sf', `${w.user(victim).home}/notes`, '/tmp/hb-a/env.1'], { user: attacker });
            return '/tmp/hb-a';
          },
          false,
        ],
        [
          "the victim's own directory left 0777, a file planted in it by the attacker",
          async (w) => {
            await w.exec(['sh', '-c', 'mkdir -p /tmp/hb-b && chmod 777 /tmp/hb-b'], { user: victim });
            await w.exec(['sh', '-c', `printf 'set DOCKER_HOST ${EVIL_HOST}\\n' >/tmp/hb-b/env.1`], { user: attacker });
            return '/tmp/hb-b';
          },
          false,
        ],
        [
          'a symlink by the attacker to a private directory of the victim',
          async (w) => {
            await w.exec(['sh', '-c', `mkdir -p "$HOME/priv" && chmod 700 "$HOME/priv" && printf 'set DOCKER_HOST ${EVIL_HOST}\\n' >"$HOME/priv/env.1"`], {
              user: victim,
            });
            await w.exec(['ln', '-sfn', `${w.user(victim).home}/priv`, '/tmp/hb-c'], { user: attacker });
            return '/tmp/hb-c';
          },
          false,
        ],
        [
          "the victim's 0700 directory (the control: read)",
          async (w) => {
            await w.exec(['sh', '-c', `mkdir -p "$HOME/ok" && chmod 700 "$HOME/ok" && printf 'set DOCKER_HOST unix:///run/ok.sock\\n' >"$HOME/ok/env.1"`], {
              user: victim,
            });
            return `${w.user(victim).home}/ok`;
          },
          true,
        ],
      ];
      for (const [what, prepare, read] of cases) {
        it(`${what}: ${read ? 'applied' : 'refused'} in bash, zsh and fish`, async () => {
          const w = world();
          for (const name of SHELLS) {
            // Afresh for each shell: a hand-back file that is read is also removed.
            const dir = await prepare(w);
            const r = await w.run(script(name, `__dockhook_handback ${dir} env.1; echo "rc=${statusOf(name)} host=[$DOCKER_HOST]"`), {
              user: victim,
              env: { DOCKER_HOST: null },
            });
            if (read) expect(r.stdout, name).toContain('rc=0 host=[unix:///run/ok.sock]');
            else expect(r.stdout, `${name}: ${r.stdout}${r.stderr}`).toMatch(/rc=2 host=\[\]/);
          }
        });
      }
    });

    describe('no code from any config location ever runs', () => {
      const payload = (marker: string) => `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = { autoApply: 'all' };`;

      it("a ~/.config/config.cjs (cosmiconfig's meta config) with a ~/.dockhookrc.json present: never run", async () => {
        const w = world();
        const home = w.user(victim).home;
        await w.exec(['mkdir', '-p', `${home}/.config`], { user: victim });
        w.writeFile(`${home}/.config/config.cjs`, payload('/tmp/meta-ran'), { owner: victim, mode: 0o644 });
        w.writeFile(`${home}/.dockhookrc.json`, '{"probeTimeoutMs": 900}\n', { owner: victim, mode: 0o644 });
        try {
          const r = await w.run([DOCKHOOK, 'config', '--json'], { user: victim });
          expect(JSON.parse(r.stdout).config.probeTimeoutMs).toBe(900);
          const d = await w.run([DOCKHOOK, 'doctor'], { user: victim, env: { DOCKER_HOST: 'unix:///tmp/nothing.sock' } });
          expect(d.timedOut).toBe(false);
          expect(w.exists('/tmp/meta-ran')).toBe(false);
        } finally {
          fs.rmSync(w.hostPath(`${home}/.config/config.cjs`), { force: true });
          fs.rmSync(w.hostPath(`${home}/.dockhookrc.json`), { force: true });
        }
      });

      it('a repository with .config/config.cjs and .dockhookrc.json, entered with HOME=. or named by DOCKHOOK_CONFIG: never run, never obeyed', async () => {
        const w = world();
        await w.exec(['sh', '-c', 'mkdir -p /tmp/repo/.config && chmod -R 755 /tmp/repo'], { user: attacker });
        w.writeFile('/tmp/repo/.config/config.cjs', payload('/tmp/repo-ran'), { owner: attacker, mode: 0o644 });
        w.writeFile('/tmp/repo/.config/config.json', '{"dockhook": {"autoApply": "all"}}\n', { owner: attacker, mode: 0o644 });
        w.writeFile('/tmp/repo/.dockhookrc.json', '{"autoApply": "all", "sudo": ["sh", "-c", "touch /tmp/repo-ran"]}\n', { owner: attacker, mode: 0o644 });
        w.writeFile('/tmp/repo/dockhook.json', '{"retry": false}\n', { owner: attacker, mode: 0o644 });
        const relative = await w.run([DOCKHOOK, 'config', '--json'], { user: victim, cwd: '/tmp/repo', env: { HOME: '.' } });
        expect(JSON.parse(relative.stdout).config.autoApply).toBe('never');
        const named = await w.run([DOCKHOOK, 'config', '--json'], { user: victim, cwd: '/tmp/repo', env: { DOCKHOOK_CONFIG: '/tmp/repo/dockhook.json' } });
        expect(JSON.parse(named.stdout).config).toMatchObject({ retry: false, autoApply: 'never' });
        const shim = await w.run(script('bash', 'cd /tmp/repo && HOME=. docker ps >/dev/null; echo "status=$?"'), { user: victim });
        expect(shim.stdout).toContain('status=0');
        expect(w.exists('/tmp/repo-ran')).toBe(false);
      });
    });

    describe('every read of a user-controlled path is bounded; the process exits; Ctrl-C works', () => {
      it('a FIFO as ~/.dockhookrc.json: config, doctor and the shim each end at once with one line', async () => {
        const w = world();
        const home = w.user(victim).home;
        await w.exec(['mkfifo', `${home}/.dockhookrc.json`], { user: victim });
        try {
          for (const cmd of [
            [DOCKHOOK, 'config'],
            [DOCKHOOK, 'doctor'],
            [DOCKHOOK, 'exec', '--', 'ps'],
          ]) {
            const r = await w.run(cmd, { user: victim, timeoutMs: 15_000, env: { DOCKER_HOST: 'unix:///tmp/nothing.sock' } });
            expect(r.timedOut, cmd.join(' ')).toBe(false);
            expect(r.ms, cmd.join(' ')).toBeLessThan(8_000);
            expect(
              r.stderr.split('\n').filter((line) => line.includes('.dockhookrc.json')),
              r.stderr,
            ).toHaveLength(1);
          }
        } finally {
          fs.rmSync(w.hostPath(`${home}/.dockhookrc.json`), { force: true });
        }
      });

      it("a FIFO as a context's meta.json: doctor reports and exits", async () => {
        const w = world();
        const home = w.user(victim).home;
        const name = 'evil';
        const hash = (await w.run(['sh', '-c', `printf %s ${name} | sha256sum | cut -d' ' -f1`])).stdout.trim();
        await w.exec(['mkdir', '-p', `${home}/.docker/contexts/meta/${hash}`], { user: victim });
        await w.exec(['mkfifo', `${home}/.docker/contexts/meta/${hash}/meta.json`], { user: victim });
        try {
          const r = await w.run([DOCKHOOK, 'doctor'], { user: victim, timeoutMs: 15_000, env: { DOCKER_CONTEXT: name } });
          expect(r.timedOut).toBe(false);
          expect(r.ms).toBeLessThan(8_000);
          expect(r.stdout).toMatch(/cause: /);
        } finally {
          fs.rmSync(w.hostPath(`${home}/.docker`), { recursive: true, force: true });
        }
      });
    });

    describe('what came from outside is shown with its control characters escaped', () => {
      const BAD = `${ESC}]0;PWNED\x07${ESC}[2J`;
      const expectEscaped = (text: string) => {
        expect(text).not.toContain(ESC);
        expect(text).not.toContain('\x07');
        expect(text).toContain('\\x1b]0;PWNED\\x07');
      };

      it('a daemon whose HTTP status line carries an OSC title and a clear-screen', async () => {
        const w = world();
        const server = [
          'import os, socket',
          'p = "/tmp/evil.sock"',
          's = socket.socket(socket.AF_UNIX); s.bind(p); os.chmod(p, 0o666); s.listen(8)',
          'while True:',
          '    c, _ = s.accept()',
          '    c.recv(4096)',
          `    c.sendall(b"HTTP/1.1 500 ${'\\x1b]0;PWNED\\x07\\x1b[2J'}\\r\\nContent-Length: 0\\r\\n\\r\\n")`,
          '    c.close()',
        ].join('\n');
        const serving = w.run(['python3', '-c', server], { timeoutMs: 20_000 });
        for (let i = 0; i < 50 && !w.exists('/tmp/evil.sock'); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
        const doctor = await w.run([DOCKHOOK, 'doctor'], { user: victim, env: { DOCKER_HOST: 'unix:///tmp/evil.sock' } });
        expectEscaped(doctor.stdout + doctor.stderr);
        const check = await w.run([DOCKHOOK, 'check', '--status', '1', '--', 'ps'], { user: victim, env: { DOCKER_HOST: 'unix:///tmp/evil.sock' } });
        expect(check.stdout + check.stderr).not.toContain(ESC);
        await w.run(['pkill', '-f', 'evil.sock']);
        await serving;
      });

      it('a context name and a DOCKER_HOST value with escapes', async () => {
        const w = world();
        const home = w.user(victim).home;
        await w.exec(['mkdir', '-p', `${home}/.docker`], { user: victim });
        w.writeFile(`${home}/.docker/config.json`, JSON.stringify({ currentContext: `evil${BAD}` }), { owner: victim, mode: 0o600 });
        try {
          const ctx = await w.run([DOCKHOOK, 'doctor'], { user: victim });
          expectEscaped(ctx.stdout + ctx.stderr);
        } finally {
          fs.rmSync(w.hostPath(`${home}/.docker`), { recursive: true, force: true });
        }
        const host = await w.run([DOCKHOOK, 'doctor'], { user: victim, env: { DOCKER_HOST: `unix:///tmp/x${BAD}.sock` } });
        expectEscaped(host.stdout + host.stderr);
      });

      it('a daemon log line with escapes (doctor --logs)', async () => {
        const w = world();
        w.writeFile('/var/log/docker.log', `time="2026-01-01T00:00:00Z" level=info msg="Starting up"\nfailed to start daemon: ${BAD}\n`, { mode: 0o644 });
        await w.stopDaemon();
        try {
          const r = await w.run([DOCKHOOK, 'doctor', '--logs'], { user: victim });
          expect(r.stdout + r.stderr).not.toContain(ESC);
          expect(r.stdout + r.stderr).not.toContain('\x07');
        } finally {
          await w.startDaemon();
        }
      });
    });

    describe('the healthy path stays linear and small', () => {
      it('a 60 kB ~/.docker/config.json (many registry logins): the shell decides in milliseconds', async () => {
        const w = world();
        const home = w.user(victim).home;
        const auths = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`registry${i}.example.com`, { auth: 'dXNlcjpwYXNzd29yZA=='.repeat(3) }]));
        await w.exec(['mkdir', '-p', `${home}/.docker`], { user: victim });
        w.writeFile(`${home}/.docker/config.json`, JSON.stringify({ auths, currentContext: 'default' }, null, '\t'), { owner: victim, mode: 0o600 });
        try {
          for (const name of SHELLS) {
            const body =
              name === 'fish'
                ? 'set t0 (date +%s%N); for i in 1 2 3 4 5; __dockhook_direct ps; end; set t1 (date +%s%N); echo "ms="(math "($t1 - $t0) / 1000000")'
                : 't0=$(date +%s%N); for i in 1 2 3 4 5; do __dockhook_direct ps; done; t1=$(date +%s%N); echo "ms=$(( (t1 - t0) / 1000000 ))"';
            const r = await w.run(script(name, body), { user: victim });
            const ms = Number(/ms=(\d+)/.exec(r.stdout)?.[1] ?? NaN);
            // Five decisions; the quadratic scan took seconds for one.
            expect(ms, `${name}: ${r.stdout}${r.stderr}`).toBeLessThan(250);
          }
        } finally {
          fs.rmSync(w.hostPath(`${home}/.docker`), { recursive: true, force: true });
        }
      });

      for (const name of SHELLS) {
        it(`${name}: docker's own failure (no such container) with a visibly running daemon starts no Node`, async () => {
          const w = world();
          const calls = '/tmp/dockhook-calls';
          w.writeFile(calls, '', { mode: 0o666 });
          w.writeFile('/tmp/dhwrap', `#!/bin/sh\necho "$1" >>${calls}\nexec ${DOCKHOOK} "$@"\n`, { mode: 0o755 });
          const pid = (await w.exec(['pgrep', '-x', 'dockerd'])).stdout.trim().split('\n')[0]!;
          w.writeFile('/var/run/docker.pid', `${pid}\n`, { mode: 0o644 });
          const wrap = name === 'fish' ? 'set -g _DOCKHOOK_BIN /tmp/dhwrap' : '_DOCKHOOK_BIN=/tmp/dhwrap';
          try {
            await withShell(w, shell(name, { user: victim, rc: [] }), async (sh) => {
              await sh.run(wrap);
              const r = await sh.runStatus('docker inspect no-such-container >/dev/null');
              expect(r.status).toBe(1);
              expect(w.readFile(calls)).toBe('');
              // Without the pid file the shell cannot see the daemon: dockhook checks (and stays silent).
              fs.rmSync(w.hostPath('/var/run/docker.pid'));
              const again = await sh.runStatus('docker inspect no-such-container >/dev/null');
              expect(again.status).toBe(1);
              expect(w.readFile(calls)).toContain('check');
              expect(again.output).not.toMatch(/dockhook/);
            });
          } finally {
            fs.rmSync(w.hostPath('/var/run/docker.pid'), { force: true });
          }
        });
      }
    });
  });

  describe('fail-open: a broken dockhook never breaks docker', () => {
    const world = useWorld({ name: 'atk-broken', rootful: 'absent' });
    /** A copy of the package inside the world, to break without touching the real one. */
    function brokenCopy(w: World, how: 'truncated' | 'throwing' | 'crashing-node'): string {
      // The world's own directory is the same path inside the world and on the machine.
      const root = `${w.dir}/pkg-${how}`;
      const host = root;
      fs.rmSync(host, { recursive: true, force: true });
      fs.mkdirSync(host, { recursive: true });
      for (const dir of ['bin', 'shell', 'dist']) fs.cpSync(path.join(REPO_ROOT, dir), path.join(host, dir), { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(host, 'node_modules'));
      const cli = path.join(host, 'dist/cli.cjs');
      if (how === 'truncated') fs.writeFileSync(cli, fs.readFileSync(cli).subarray(0, 4096));
      if (how === 'throwing') fs.writeFileSync(cli, `throw new Error('broken install');\n${fs.readFileSync(cli, 'utf8')}`);
      if (how === 'crashing-node') {
        // node on PATH that dies of SIGSEGV before doing anything.
        fs.mkdirSync(path.join(host, 'fakebin'));
        fs.writeFileSync(path.join(host, 'fakebin/node'), '#!/bin/sh\nkill -SEGV $$\n', { mode: 0o755 });
      }
      fs.chmodSync(host, 0o755);
      return `${root}/bin/dockhook`;
    }

    for (const how of ['truncated', 'throwing', 'crashing-node'] as const) {
      for (const name of SHELLS) {
        it(`${name}, ${how}: docker --version still prints and returns docker's 0; a failing docker command keeps its status`, async () => {
          const w = world();
          const bin = brokenCopy(w, how);
          const env: Record<string, string> = how === 'crashing-node' ? { PATH: `${w.dir}/pkg-${how}/fakebin:/usr/local/bin:/usr/bin:/bin` } : {};
          const plain = await w.run(['docker', 'ps'], { user: USERS.outOfGroup, env });
          const r = await w.run(script(name, `docker --version; echo "version-status=${statusOf(name)}"; docker ps; echo "ps-status=${statusOf(name)}"`, bin), {
            user: USERS.outOfGroup,
            env,
          });
          expect(r.stdout).toMatch(/Docker version \d+/);
          expect(r.stdout).toMatch(/version-status=0/);
          expect(r.stdout).toContain(`ps-status=${plain.code}`);
          expect(r.stderr).toMatch(/dockhook: could not run/);
        });
      }
    }

    it('an argv that docker accepts but that is too long with dockhook in front: docker runs, its status is returned', async () => {
      const w = world();
      // The longest last argument with which `docker --version A…` still starts, found by bisection,
      // then run through the function: dockhook's exec gets E2BIG, the function runs docker.
      const body = [
        'pad() { head -c "$1" /dev/zero | tr "\\0" a; }',
        'args=(); for i in $(seq 1 15); do args+=("$(pad 120000)"); done',
        'lo=0; hi=400000',
        'while [ $((hi - lo)) -gt 64 ]; do mid=$(((lo + hi) / 2)); last=$(pad $mid); if command docker --version "${args[@]}" "$last" >/dev/null 2>&1 || [ $? -ne 126 ]; then lo=$mid; else hi=$mid; fi; done',
        'last=$(pad $lo); command docker --version "${args[@]}" "$last" >/dev/null 2>&1; echo "plain=$?"',
        'docker --version "${args[@]}" "$last" >/dev/null; echo "wrapped=$?"',
      ].join('\n');
      const r = await w.run(script('bash', body), { user: USERS.outOfGroup, timeoutMs: 120_000 });
      const plain = /plain=(\d+)/.exec(r.stdout)?.[1];
      expect(plain, r.stdout + r.stderr).toBeDefined();
      expect(plain).not.toBe('126');
      expect(r.stdout).toContain(`wrapped=${plain}`);
    });
  });
});

function writeUserConfig(w: World, user: string, content: string): void {
  const info = w.user(user);
  const dir = `${info.home}/.config/dockhook`;
  fs.mkdirSync(w.hostPath(dir), { recursive: true });
  for (const d of [`${info.home}/.config`, dir]) fs.chownSync(w.hostPath(d), info.uid, info.gid);
  w.writeFile(`${dir}/config.json`, content, { owner: user, mode: 0o600 });
}

function removeUserConfig(w: World, user: string): void {
  fs.rmSync(w.hostPath(`${w.user(user).home}/.config/dockhook`), { recursive: true, force: true });
}
