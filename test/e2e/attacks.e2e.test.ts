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
  return [argv0, '-c', `${initLine(name, bin)}; ${body}`];
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
            await sh.waitFor(/\$ sudo systemctl start docker\.service|\[Y\/n\]/);
            expect(sh.text).not.toMatch(/sh -c/);
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
          const r = await w.run(script(name, `docker --version; echo "version-status=${statusOf(name)}"; docker ps; echo "ps-status=${statusOf(name)}"`, bin), { user: USERS.outOfGroup, env });
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

void ESC;
