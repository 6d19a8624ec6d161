// dockhook as a person meets it: real bash, zsh and fish in a pseudo-terminal (pty.ts), the
// integration loaded from the rc file, commands typed and the prompt answered key by key,
// against real daemons in worlds (world.ts). The number in a test's name is its scenario: 1 the
// prompt answered yes, 2 a fix handed back to the shell, 3 answered no, 4 healthy commands untouched,
// 5 no terminal, 6 Ctrl-C at the prompt, 7 autoApply, 8 hygiene of the init scripts, 9 edge cases.

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, DOCKHOOK, REPO_ROOT, USERS, dockerClient, dockerClients, inCI, type RunOptions, type World } from './world.js';
import { describeWithWorlds, useWorld } from './support.js';
import { PROMPT, PtyShell, withShell, type ShellName, type ShellOptions } from './pty.js';

const DIST = `${REPO_ROOT}/dist/cli.cjs`;
const SHELLS: ShellName[] = ['bash', 'zsh', 'fish'];

/** The line each shell's rc file gets, as README.md tells users to add it. */
const INIT_LINE: Record<ShellName, string> = {
  bash: `eval "$(${DOCKHOOK} init bash)"`,
  zsh: `eval "$(${DOCKHOOK} init zsh)"`,
  fish: `${DOCKHOOK} init fish | source`,
};

/** docker's own words for an unreachable daemon (old and new clients). */
const DOCKER_ERROR = /Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock|failed to connect to the docker API/;
/** The prompt's keys: yes by default, then the number of every other fix, e.g. [Y/n/2]. */
const YES_NO = /\[Y\/n(?:\/\d)*\] /;
const BB = 'bb:latest';

/** rc lines that turn on docker's own completion (fish loads it by itself). */
const COMPLETION_RC: Record<ShellName, string[]> = {
  bash: ['source /usr/share/bash-completion/bash_completion'],
  zsh: ['autoload -Uz compinit && compinit -u'],
  fish: [],
};
const HAS_BASH_COMPLETION = fs.existsSync('/usr/share/bash-completion/bash_completion');

function shell(name: ShellName, extra: Partial<ShellOptions> = {}): ShellOptions {
  return { shell: name, ...extra, rc: [...(extra.rc ?? []), INIT_LINE[name]] };
}

/** Is the world's rootful docker.service active, as the stand-in systemctl sees it? */
async function serviceState(w: World): Promise<string> {
  return (await w.run(['systemctl', 'is-active', 'docker.service'])).stdout.trim();
}

async function ensureStopped(w: World): Promise<void> {
  if (w.exists(DEFAULT_SOCKET)) await w.stopDaemon();
  expect(await serviceState(w)).toBe('inactive');
}

async function ensureRunning(w: World): Promise<void> {
  if (!w.exists(DEFAULT_SOCKET)) await w.startDaemon();
  await w.ensureImage();
}

function writeConfig(w: World, user: string, content: string): string {
  const home = w.user(user).home;
  fs.mkdirSync(w.hostPath(`${home}/.config/dockhook`), { recursive: true });
  const owner = w.user(user);
  for (const dir of [`${home}/.config`, `${home}/.config/dockhook`]) fs.chownSync(w.hostPath(dir), owner.uid, owner.gid);
  const file = `${home}/.config/dockhook/config.json`;
  w.writeFile(file, content, { owner: user, mode: 0o600 });
  return file;
}

function removeConfig(w: World, user: string): void {
  fs.rmSync(w.hostPath(`${w.user(user).home}/.config/dockhook`), { recursive: true, force: true });
}

/** The shell's exported environment (without `_`, the last command's path). */
async function shellEnv(sh: PtyShell): Promise<string> {
  const out = await sh.run('env | grep -v ^_= | sort; echo env-end');
  return out.slice(0, out.indexOf('env-end'));
}

/** Nothing from dockhook in what a command printed. */
function expectNoDockhook(sh: PtyShell, output: string): void {
  if (/dockhook/i.test(output)) throw sh.failure(`dockhook printed something where it must be silent:\n${output}`);
}

describeWithWorlds('dockhook in real shells through a pseudo-terminal', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  });

  // One world for everything about the rootful service: the tests move it between stopped and
  // running in the order they are written, and each makes sure of the state it needs.
  describe('rootful docker.service under (stand-in) systemd, as root', () => {
    const world = useWorld({ name: 'sh-service', rootful: 'stopped', systemd: true });

    it("3. fish, service stopped: answering n changes nothing and returns docker's 1", async () => {
      const w = world();
      await ensureStopped(w);
      await withShell(w, shell('fish'), async (sh) => {
        const envBefore = await shellEnv(sh);
        expect(envBefore).toMatch(/^HOME=\/root$/m);
        sh.type('docker ps');
        sh.press('enter');
        await sh.waitFor(DOCKER_ERROR);
        await sh.waitFor(/dockhook: the Docker service is installed but stopped/);
        await sh.waitFor(YES_NO);
        sh.type('n');
        await sh.waitFor('dockhook: nothing changed.');
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(1);
        expect(await shellEnv(sh)).toBe(envBefore);
      });
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
      expect(await serviceState(w)).toBe('inactive');
    });

    it('5. stderr to a file, stdin from /dev/null: no prompt, status 1, the hint in the file', async () => {
      const w = world();
      await ensureStopped(w);
      w.writeFile('/root/err.txt', '');
      await withShell(w, shell('bash'), async (sh) => {
        const { output, status } = await sh.runStatus('docker ps 2>err.txt </dev/null');
        expect(status).toBe(1);
        expect(output).toBe('');
        expect(sh.text).not.toMatch(YES_NO);
      });
      const err = w.readFile('/root/err.txt');
      expect(err).toMatch(DOCKER_ERROR);
      expect(err).toMatch(/^dockhook: .*stopped/m);
      // A hint, not a question.
      expect(err).not.toMatch(/\[Y\/n\]|\[y\/N\]/);
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
    });

    for (const name of SHELLS) {
      it(`6. ${name}: Ctrl-C at the prompt leaves the terminal sane, and the status is docker's`, async () => {
        const w = world();
        await ensureStopped(w);
        await withShell(w, shell(name), async (sh) => {
          sh.type('docker ps');
          sh.press('enter');
          await sh.waitFor(YES_NO);
          sh.press('ctrl-c');
          await sh.waitFor('dockhook: nothing changed.');
          await sh.waitForPrompt();
          expect(await sh.status()).toBe(1);
          // Typed text echoes and a line is read as a line: canonical mode and echo are back.
          const mark = sh.mark();
          const out = await sh.run('echo ok');
          expect(sh.since(mark)).toMatch(/pty\$ echo ok\nok\n/);
          expect(out).toBe('ok');
          const stty = await sh.run('stty -a');
          expect(stty).toMatch(/(^|\s)icanon(\s|;|$)/m);
          expect(stty).toMatch(/(^|\s)echo(\s|;|$)/m);
          expect(stty).toMatch(/(^|\s)isig(\s|;|$)/m);
        });
        expect(w.exists(DEFAULT_SOCKET)).toBe(false);
      });
    }

    it.skipIf(!fs.existsSync('/usr/bin/sudo') && !inCI())(
      "6. Ctrl-C at sudo's password prompt (a user without root): the fix fails, the status is docker's, echo is back",
      async () => {
        const w = world();
        await ensureStopped(w);
        await withShell(w, shell('bash', { user: USERS.inGroup }), async (sh) => {
          sh.type('docker ps');
          sh.press('enter');
          await sh.waitFor(YES_NO);
          sh.type('y');
          await sh.waitFor(/\$ sudo systemctl start docker\.service\n/);
          await sh.waitFor(/password for dh-in: ?$/);
          // As a person would, not within a millisecond of the prompt: a Ctrl-C that lands while
          // sudo is still setting up its password read is lost (measured: sudo stays waiting).
          await new Promise((resolve) => setTimeout(resolve, 300));
          sh.press('ctrl-c');
          await sh.waitFor(/dockhook: `sudo systemctl start docker\.service` failed with status \d+; nothing more was run\./);
          // The step stays shown, for the person to take later.
          await sh.waitFor('dockhook: nothing changed; to apply it yourself: sudo systemctl start docker.service');
          await sh.waitForPrompt();
          expect(await sh.status()).toBe(1);
          const stty = await sh.run('stty -a');
          expect(stty).toMatch(/(^|\s)icanon(\s|;|$)/m);
          expect(stty).toMatch(/(^|\s)echo(\s|;|$)/m);
        });
        expect(await serviceState(w)).toBe('inactive');
      },
    );

    it.skipIf(!fs.existsSync('/usr/bin/sudo') && !inCI())('6b. a wrong sudo password (three times): the same start is offered again, not dropped', async () => {
      const w = world();
      await ensureStopped(w);
      await withShell(w, shell('bash', { user: USERS.inGroup }), async (sh) => {
        const mark = sh.mark();
        sh.type('docker ps');
        sh.press('enter');
        await sh.waitFor(YES_NO);
        sh.type('y');
        await sh.waitFor(/\$ sudo systemctl start docker\.service\n/);
        for (let attempt = 0; attempt < 3; attempt++) {
          await sh.waitFor(/password for dh-in: ?$/, 15_000);
          await new Promise((resolve) => setTimeout(resolve, 300));
          sh.type('not-the-password\r');
        }
        await sh.waitFor(/dockhook: sudo did not run `sudo systemctl start docker\.service` \(no password was accepted\); nothing changed\./, 20_000);
        await sh.waitFor('dockhook: looking again…');
        await sh.waitFor(/\n {5}sudo systemctl start docker\.service\n[^]*\[Y\/n(\/\d)*\] $/, 15_000);
        sh.type('n');
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(1);
        expect(sh.since(mark)).not.toMatch(/nothing more dockhook can run/);
      });
      expect(await serviceState(w)).toBe('inactive');
    });

    it('7. autoApply "safe" never applies a root-only fix without a yes (service stopped, zsh)', async () => {
      const w = world();
      await ensureStopped(w);
      writeConfig(w, 'root', '{"autoApply":"safe"}\n');
      try {
        await withShell(w, shell('zsh'), async (sh) => {
          sh.type('docker ps');
          sh.press('enter');
          await sh.waitFor(YES_NO);
          expect(sh.text).not.toMatch(/applying \(autoApply/);
          sh.type('n');
          await sh.waitForPrompt();
          expect(await sh.status()).toBe(1);
        });
      } finally {
        removeConfig(w, 'root');
      }
      expect(w.exists(DEFAULT_SOCKET)).toBe(false);
      expect(await serviceState(w)).toBe('inactive');
    });

    it('9. a broken config file: one line about it, and docker still runs with its own status', async () => {
      const w = world();
      await ensureStopped(w);
      const file = writeConfig(w, 'root', '{\n');
      try {
        const r = await w.run([DOCKHOOK, 'exec', '--', 'ps']);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(DOCKER_ERROR);
        const about = r.stderr.split('\n').filter((line) => line.includes(file));
        expect(about, r.stderr).toHaveLength(1);
        expect(about[0]).toMatch(/^dockhook: /);
      } finally {
        removeConfig(w, 'root');
      }
    });

    for (const name of SHELLS) {
      it.skipIf(name === 'bash' && !HAS_BASH_COMPLETION && !inCI())(
        `8. ${name}, service stopped: Tab completion runs docker silently, no diagnosis, no question`,
        async () => {
          const w = world();
          await ensureStopped(w);
          await withShell(w, { shell: name, rc: [...COMPLETION_RC[name], INIT_LINE[name]] }, async (sh) => {
            sh.type('docker rmi b');
            sh.press('tab');
            // Typed behind the Tab: had completion started a question, this Enter would answer it.
            sh.press('ctrl-u');
            const out = await sh.run('echo after-tab');
            expect(out).toBe('after-tab');
            expect(sh.text).not.toMatch(/\[Y\/n\]|\[y\/N\]/);
            expectNoDockhook(sh, sh.text);
          });
          expect(await serviceState(w)).toBe('inactive');
        },
      );
    }

    it("1. zsh, service stopped: docker's error, the diagnosis, [Y/n], y → started and re-run, $? 0", async () => {
      const w = world();
      await ensureStopped(w);
      await withShell(w, shell('zsh'), async (sh) => {
        const mark = sh.mark();
        sh.type('docker ps');
        sh.press('enter');
        const error = await sh.waitFor(DOCKER_ERROR);
        const diagnosis = await sh.waitFor(/dockhook: the Docker service is installed but stopped \(`?systemctl is-active docker`? → inactive\)\./);
        await sh.waitFor(/systemctl start docker\.service/);
        const question = await sh.waitFor(/Apply 1 and re-run `docker ps`, or 2 instead\? \[Y\/n\/2\] /);
        expect(error.index).toBeLessThan(diagnosis.index);
        expect(diagnosis.index).toBeLessThan(question.index);
        sh.type('y');
        await sh.waitFor(/dockhook: re-running `docker ps`/, 30_000);
        await sh.waitFor(/CONTAINER ID +IMAGE +COMMAND/);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        // What a person sees, for the record.
        console.log(`--- scenario 1, zsh, what the terminal shows ---\n${sh.since(mark)}\n--- end ---`);
      });
      expect(await serviceState(w)).toBe('active');
      expect(w.exists(DEFAULT_SOCKET)).toBe(true);
    });

    // Not in the list, found by these tests: the shell runs docker directly when the
    // socket looks usable, and only asks `dockhook check` after docker failed. A socket file
    // nobody listens on takes that path. Each shell answers with another key.
    const answers: Array<[ShellName, 'y' | 'enter' | '1']> = [
      ['bash', 'y'],
      ['zsh', 'enter'],
      ['fish', '1'],
    ];
    for (const [name, key] of answers) {
      it(`fast path, ${name}: docker fails on a dead socket, check diagnoses, "${key}" fixes, the re-run's 0 is the status`, async () => {
        const w = world();
        await ensureStopped(w);
        await w.makeDeadSocket();
        await withShell(w, shell(name), async (sh) => {
          const mark = sh.mark();
          // stdin is not the terminal: the question is still asked, and answered, on /dev/tty.
          sh.type('docker ps </dev/null');
          sh.press('enter');
          await sh.waitFor(DOCKER_ERROR);
          await sh.waitFor(/dockhook: /);
          await sh.waitFor(YES_NO);
          if (key === 'enter') sh.press('enter');
          else sh.type(key);
          await sh.waitFor(/CONTAINER ID +IMAGE/, 30_000);
          await sh.waitForPrompt();
          expect(await sh.status()).toBe(0);
          // docker ran once before the question (its error is not printed twice).
          expect(sh.since(mark).match(new RegExp(DOCKER_ERROR.source, 'g'))).toHaveLength(1);
        });
        expect(await serviceState(w)).toBe('active');
      });
    }

    for (const name of SHELLS) {
      it(`4. ${name}, healthy: docker run -t, docker build, a failing command and Tab completion, with no word from dockhook`, async () => {
        const w = world();
        await ensureRunning(w);
        await w.exec(['mkdir', '-p', '/root/ctx']);
        w.writeFile('/root/ctx/Dockerfile', `FROM ${BB}\nRUN echo hi\n`);
        await withShell(w, { shell: name, rc: [...COMPLETION_RC[name], INIT_LINE[name]] }, async (sh) => {
          // A container on a terminal, its own exit status.
          const run = `docker run --rm -t ${BB} sh -c '[ -t 1 ] && echo tty; exit 7'`;
          const ran = await sh.runStatus(run, 30_000);
          expect(ran.output).toMatch(/^tty$/m);
          expect(ran.status).toBe(7);
          expectNoDockhook(sh, ran.output);

          // The legacy builder (no buildx here) and its step display.
          const build = await sh.runStatus('docker build --no-cache -t dh-hi ctx', 60_000);
          expect(build.output).toMatch(/Step 2\/2 : RUN echo hi/);
          expect(build.output).toMatch(/^hi$/m);
          expect(build.output).toMatch(/Successfully tagged dh-hi:latest/);
          expect(build.status).toBe(0);
          expectNoDockhook(sh, build.output);

          // A command that fails with 1 while the daemon answers: dockhook asks (check) and
          // stays silent; the status is docker's, the same as without dockhook.
          const plain = await sh.runStatus('command docker image inspect nosuch:tag');
          const wrapped = await sh.runStatus('docker image inspect nosuch:tag');
          expect(plain.status).toBe(1);
          expect(wrapped.status).toBe(plain.status);
          expect(wrapped.output).toBe(plain.output);
          expectNoDockhook(sh, wrapped.output);

          // docker's own completion, through the function (it calls `docker images`).
          if (name !== 'bash' || HAS_BASH_COMPLETION || inCI()) {
            sh.type('docker rmi bb:');
            sh.press('tab');
            await sh.waitFor(/docker rmi bb:latest/, 10_000);
            sh.press('ctrl-u');
            const after = await sh.run('echo completed');
            expect(after).toBe('completed');
          } else {
            console.warn('[shells] bash Tab completion not checked: bash-completion is not installed');
          }
          // Not a word from dockhook anywhere on the screen.
          expectNoDockhook(sh, sh.text);
        });
      });
    }

    it('4. the shim itself (dockhook exec, stderr through its pseudo-terminal) is just as transparent', async () => {
      const w = world();
      await ensureRunning(w);
      await w.exec(['mkdir', '-p', '/root/ctx']);
      w.writeFile('/root/ctx/Dockerfile', `FROM ${BB}\nRUN echo hi\n`);
      await withShell(w, shell('bash'), async (sh) => {
        const ran = await sh.runStatus(`"$_DOCKHOOK_BIN" exec -- run --rm -t ${BB} sh -c '[ -t 1 ] && [ -t 2 ] && echo tty; exit 7'`, 30_000);
        expect(ran.output).toMatch(/^tty$/m);
        expect(ran.status).toBe(7);
        expectNoDockhook(sh, ran.output);
        const build = await sh.runStatus('"$_DOCKHOOK_BIN" exec -- build --no-cache -t dh-hi ctx', 60_000);
        expect(build.output).toMatch(/Step 2\/2 : RUN echo hi/);
        expect(build.output).toMatch(/^hi$/m);
        expect(build.status).toBe(0);
        expectNoDockhook(sh, build.output);
      });
    });

    it("4. the shim's stderr terminal has the real terminal's size, and follows a resize", async () => {
      const w = world();
      // A stand-in docker (DOCKHOOK_DOCKER) that reports the size of the terminal on its stderr,
      // at start and after the window changes.
      await w.exec(['mkdir', '-p', '/root/fakebin']);
      w.writeFile(
        '/root/fakebin/sizes',
        [
          '#!/bin/bash',
          'echo "start $(stty size <&2)"',
          `trap 'sleep 0.3; echo "resized $(stty size <&2)"; exit 3' WINCH`,
          'echo ready',
          'for _ in $(seq 200); do sleep 0.05; done',
          'exit 9',
        ].join('\n') + '\n',
        { mode: 0o755 },
      );
      await withShell(w, { ...shell('bash'), cols: 120, rows: 40 }, async (sh) => {
        sh.type('DOCKHOOK_DOCKER=/root/fakebin/sizes "$_DOCKHOOK_BIN" exec -- x');
        sh.press('enter');
        await sh.waitFor(/start 40 120\nready\n/);
        sh.resize(100, 30);
        await sh.waitFor(/resized 30 100\n/);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(3);
      });
    });

    it('9. Ctrl-C inside docker run -it, then exit: the status is what plain docker gives', async () => {
      const w = world();
      await ensureRunning(w);
      await withShell(w, shell('bash'), async (sh) => {
        const statuses: number[] = [];
        for (const how of ['command docker', 'docker', '"$_DOCKHOOK_BIN" exec --']) {
          sh.type(`${how} run -it --rm ${BB} sh`);
          sh.press('enter');
          await sh.waitFor(/\n\/ # $/, 30_000);
          sh.press('ctrl-c');
          await sh.waitFor(/\n\/ # $/);
          sh.type('exit');
          sh.press('enter');
          await sh.waitForPrompt();
          statuses.push(await sh.status());
        }
        const [plain, ...wrapped] = statuses;
        expect(wrapped, `plain docker: ${plain}`).toEqual([plain, plain]);
        expectNoDockhook(sh, sh.text.replace(/"\$_DOCKHOOK_BIN"/g, ''));
      });
    });

    // Clients differ here: a newer docker catches SIGINT and exits 130; Debian's 20.10 dies of the
    // signal, and then bash abandons the rest of the command line and starts a new line. Through
    // dockhook it must be the same, with each client on PATH: the same $? and the same screen.
    for (const client of dockerClients()) {
      it(`9. Ctrl-C ending docker events (${client}): the status is what plain docker gives`, async () => {
        const w = world();
        await ensureRunning(w);
        await withShell(w, shell('bash'), async (sh) => {
          await sh.run(`PATH=${path.dirname(client)}:$PATH; hash -r`);
          const runs: string[] = [];
          for (const how of ['command docker', 'docker', '"$_DOCKHOOK_BIN" exec --']) {
            const mark = sh.mark();
            sh.type(`${how} events; echo "events=$?"`);
            sh.press('enter');
            // Give docker time to connect and wait for events.
            await new Promise((resolve) => setTimeout(resolve, 700));
            sh.press('ctrl-c');
            // The prompt comes back on a new line or right after ^C, depending on the client.
            await sh.waitFor(PROMPT);
            const status = await sh.status();
            // What a person sees after Ctrl-C (did the rest of the line run?) and $?.
            runs.push(`${/events=\d+/.exec(sh.text.slice(mark))?.[0] ?? 'rest of the line abandoned'}, $?=${status}`);
          }
          const [plain, ...wrapped] = runs;
          // Either docker exited 130 and the line went on, or it died of SIGINT and bash stopped.
          expect(plain).toMatch(/^(events=130, \$\?=0|rest of the line abandoned, \$\?=130)$/);
          expect(wrapped, `plain docker: ${plain}`).toEqual([plain, plain]);
          expectNoDockhook(sh, sh.text.replace(/"\$_DOCKHOOK_BIN"/g, ''));
        });
      });
    }

    describe('8. hygiene: the init scripts in real shells without a terminal', () => {
      const calls = '/root/docker-calls';
      // A docker first on PATH that counts its runs, then is the real one.
      const counting: RunOptions = { env: { PATH: '/root/fakebin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } };

      beforeAll(async () => {
        const w = world();
        await ensureRunning(w);
        await w.exec(['mkdir', '-p', '/root/fakebin']);
        w.writeFile('/root/fakebin/docker', `#!/bin/sh\necho "$*" >>${calls}\nexec ${dockerClient()} "$@"\n`, { mode: 0o755 });
      });

      const strictScripts: Record<ShellName, { argv: string[]; script: string }> = {
        bash: {
          argv: ['bash', '--noprofile', '--norc', '-c'],
          script: [
            'set -euo pipefail',
            "PROMPT_COMMAND='echo mine'",
            `eval "$(${DOCKHOOK} init bash)"`,
            'once=$(declare -f docker)',
            `eval "$(${DOCKHOOK} init bash)"`,
            '[[ $once == "$(declare -f docker)" ]] || { echo "wrapped twice"; exit 11; }',
            '[[ $PROMPT_COMMAND == "echo mine" ]] || { echo "PROMPT_COMMAND: $PROMPT_COMMAND"; exit 12; }',
            'docker version --format "{{.Server.Os}}" >/dev/null',
            'st=0; docker image inspect nosuch:tag >/dev/null 2>&1 || st=$?',
            '[[ $st == 1 ]] || { echo "status $st"; exit 13; }',
            // The shim path (a DOCKER_HOST with nothing behind it) under set -u as well.
            'st=0; DOCKER_HOST=unix:///tmp/nothing.sock docker ps 2>/dev/null || st=$?',
            'st2=0; DOCKER_HOST=unix:///tmp/nothing.sock docker ps 2>/root/shim-err || st2=$?',
            '[[ $st == 1 && $st2 == 1 ]] || { echo "shim status $st $st2"; exit 14; }',
          ].join('\n'),
        },
        zsh: {
          argv: ['zsh', '--no-rcs', '-c'],
          script: [
            'setopt err_exit no_unset pipe_fail',
            'precmd_functions=(mine); preexec_functions=(mine2); chpwd_functions=()',
            `eval "$(${DOCKHOOK} init zsh)"`,
            'once=$(functions docker)',
            `eval "$(${DOCKHOOK} init zsh)"`,
            '[[ $once == "$(functions docker)" ]] || { echo "wrapped twice"; exit 11; }',
            '[[ "$precmd_functions|$preexec_functions|$chpwd_functions" == "mine|mine2|" ]] || { echo "hooks changed"; exit 12; }',
            'docker version --format "{{.Server.Os}}" >/dev/null',
            'st=0; docker image inspect nosuch:tag >/dev/null 2>&1 || st=$?',
            '[[ $st == 1 ]] || { echo "status $st"; exit 13; }',
            'st=0; DOCKER_HOST=unix:///tmp/nothing.sock docker ps 2>/dev/null || st=$?',
            'st2=0; DOCKER_HOST=unix:///tmp/nothing.sock docker ps 2>/root/shim-err || st2=$?',
            '[[ $st == 1 && $st2 == 1 ]] || { echo "shim status $st $st2"; exit 14; }',
          ].join('\n'),
        },
        fish: {
          argv: ['fish', '--no-config', '-c'],
          script: [
            'set -l handlers (functions --handlers | string collect)',
            `${DOCKHOOK} init fish | source`,
            'set -l once (functions docker | string collect)',
            `${DOCKHOOK} init fish | source`,
            // (An empty command substitution is no argument at all to test: compare variables.)
            'set -l twice (functions docker | string collect)',
            'test "$once" = "$twice"; or begin; echo "wrapped twice"; exit 11; end',
            'set -l handlers_after (functions --handlers | string collect)',
            'test "$handlers" = "$handlers_after"; or begin; echo "event handlers changed"; exit 12; end',
            'docker version --format "{{.Server.Os}}" >/dev/null; or exit 15',
            'docker image inspect nosuch:tag >/dev/null 2>&1',
            'set -l st $status',
            'test $st = 1; or begin; echo "status $st"; exit 13; end',
            'DOCKER_HOST=unix:///tmp/nothing.sock docker ps 2>/dev/null',
            'set -l st $status',
            'DOCKER_HOST=unix:///tmp/nothing.sock docker ps 2>/root/shim-err',
            'set -l st2 $status',
            'test $st = 1 -a $st2 = 1; or begin; echo "shim status $st $st2"; exit 14; end',
          ].join('\n'),
        },
      };

      for (const name of SHELLS) {
        it(`${name}: sourcing prints nothing and exits 0 under strict options, twice is harmless`, async () => {
          const w = world();
          const strict = {
            bash: `set -euo pipefail; eval "$(${DOCKHOOK} init bash)"`,
            zsh: `setopt err_exit no_unset pipe_fail; eval "$(${DOCKHOOK} init zsh)"`,
            fish: `${DOCKHOOK} init fish | source`,
          }[name];
          const argv = strictScripts[name].argv;
          const sourced = await w.run([...argv, strict]);
          expect({ code: sourced.code, stdout: sourced.stdout, stderr: sourced.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });

          w.writeFile(calls, '');
          const r = await w.run([...argv, strictScripts[name].script], counting);
          expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
          // docker ran once per docker command (version, inspect, twice ps): never twice over.
          expect(w.readFile(calls).trim().split('\n')).toEqual(['version --format {{.Server.Os}}', 'image inspect nosuch:tag', 'ps', 'ps']);
          // Without a terminal the shim gives docker's error and a one-line hint, no question.
          const err = w.readFile('/root/shim-err');
          expect(err).toMatch(/nothing\.sock/);
          expect(err).toMatch(/^dockhook: /m);
          expect(err).not.toMatch(/\[Y\/n\]|\[y\/N\]/);
        });
      }

      it.skipIf(!fs.existsSync('/usr/share/bash-completion/completions/docker') && !inCI())(
        "bash: docker's completion is still registered and completes through the function",
        async () => {
          const w = world();
          const script = [
            'source /usr/share/bash-completion/bash_completion',
            'source /usr/share/bash-completion/completions/docker',
            `eval "$(${DOCKHOOK} init bash)"`,
            'complete -p docker',
            'COMP_WORDS=(docker p); COMP_CWORD=1; COMP_LINE="docker p"; COMP_POINT=8; COMPREPLY=()',
            '_docker; printf "sub:%s\\n" "${COMPREPLY[@]}"',
            'COMP_WORDS=(docker rmi bb); COMP_CWORD=2; COMP_LINE="docker rmi bb"; COMP_POINT=13; COMPREPLY=()',
            '_docker; printf "img:%s\\n" "${COMPREPLY[@]}"',
          ].join('\n');
          const r = await w.run(['bash', '--noprofile', '--norc', '-c', script], counting);
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout).toMatch(/^complete -F _docker docker$/m);
          expect(r.stdout).toMatch(/^sub:ps$/m);
          expect(r.stdout).toMatch(/^sub:pull$/m);
          expect(r.stdout).toMatch(/^img:bb:latest$/m);
          expect(r.stderr).toBe('');
        },
      );

      it("zsh: compdef still maps docker to docker's completion", async () => {
        const w = world();
        const script = [
          'autoload -Uz compinit && compinit -u -D',
          'print -r -- "before=$_comps[docker]"',
          `eval "$(${DOCKHOOK} init zsh)"`,
          `eval "$(${DOCKHOOK} init zsh)"`,
          'print -r -- "after=$_comps[docker]"',
        ].join('\n');
        const r = await w.run(['zsh', '--no-rcs', '-c', script]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe('before=_docker\nafter=_docker\n');
      });

      it("fish: docker's completions still complete subcommands and images", async () => {
        const w = world();
        // Debian's fish ships a placeholder docker.fish; docker.io installs the real one in
        // vendor_completions.d, which fish prefers.
        expect(fs.existsSync('/usr/share/fish/vendor_completions.d/docker.fish') || fs.existsSync('/usr/share/fish/completions/docker.fish')).toBe(true);
        const script = [
          `${DOCKHOOK} init fish | source`,
          "complete -C 'docker p' | string replace -r '\\t.*' '' | string replace -r '^' 'sub:'",
          "complete -C 'docker rmi bb' | string replace -r '\\t.*' '' | string replace -r '^' 'img:'",
        ].join('\n');
        // Not --no-config: that empties fish_complete_path. An empty config directory instead.
        await w.exec(['mkdir', '-p', '/tmp/empty-config']);
        const r = await w.run(['fish', '-c', script], { env: { XDG_CONFIG_HOME: '/tmp/empty-config' } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^sub:ps$/m);
        expect(r.stdout).toMatch(/^sub:pull$/m);
        expect(r.stdout).toMatch(/^img:bb:latest$/m);
        expect(r.stderr).toBe('');
      });
    });

    it('9. init for an unknown shell: status 2, one line; a missing docker binary: one line, 127', async () => {
      const w = world();
      const init = await w.run([DOCKHOOK, 'init', 'nosuchshell']);
      expect(init.code).toBe(2);
      expect(init.stdout).toBe('');
      expect(init.stderr.trimEnd().split('\n'), init.stderr).toHaveLength(1);
      expect(init.stderr).toMatch(/nosuchshell/);

      const missing = await w.run([DOCKHOOK, 'exec', '--', 'ps'], { env: { DOCKHOOK_DOCKER: '/nonexistent/docker' } });
      expect(missing.code).toBe(127);
      expect(missing.stdout).toBe('');
      expect(missing.stderr.trimEnd().split('\n'), missing.stderr).toHaveLength(1);
      expect(missing.stderr).toMatch(/^dockhook: .*\/nonexistent\/docker/);
    });
  });

  describe('rootless daemon up, DOCKER_HOST unset (dh-rootless)', () => {
    const world = useWorld({ name: 'sh-rootless', rootful: 'absent', rootless: 'running' });
    const as: Partial<ShellOptions> = { user: USERS.rootless, env: { DOCKER_HOST: null } };

    for (const name of ['bash', 'zsh'] as const) {
      it(`2. ${name}: "2" (the per-shell choice) points the shell at the rootless daemon, through the env hand-back file`, async () => {
        const w = world();
        const host = w.rootlessHost();
        await withShell(w, shell(name, as), async (sh) => {
          sh.type('docker ps');
          sh.press('enter');
          await sh.waitFor(DOCKER_ERROR);
          await sh.waitFor(/dockhook: a rootless Docker daemon is running for dh-rootless/);
          await sh.waitFor(/\[Y\/n\/2\] /);
          sh.type('2');
          await sh.waitFor(`dockhook: this shell now has export DOCKER_HOST=${host}`);
          await sh.waitFor(/CONTAINER ID +IMAGE/);
          await sh.waitForPrompt();
          expect(await sh.status()).toBe(0);
          // The change reached this very shell: plain docker (no dockhook) works here now.
          const plain = await sh.runStatus('command docker ps');
          expect(plain.output).toMatch(/^CONTAINER ID +IMAGE/m);
          expect(plain.status).toBe(0);
          expect(await sh.run('echo "host=$DOCKER_HOST"')).toBe(`host=${host}`);
          // The hand-back file is read once and removed.
          expect(await sh.run('ls -A "$XDG_RUNTIME_DIR/dockhook"; echo listed')).toBe('listed');
        });
      });
    }

    it('7. fish, autoApply "safe": the rootless context fix is applied without a question (rootful up but not for this user)', async () => {
      const w = world();
      const host = w.rootlessHost();
      // A rootful daemon this user may not use: the socket exists and is not writable.
      await w.startDaemon();
      writeConfig(w, USERS.rootless, '{"autoApply":"safe"}\n');
      try {
        await withShell(w, shell('fish', as), async (sh) => {
          const mark = sh.mark();
          sh.type('docker ps');
          sh.press('enter');
          // The lasting fix is the safe one too: the rootless context, created as the setup tool would.
          await sh.waitFor(/dockhook: applying \(autoApply is "safe"\): Create the "rootless" context/);
          await sh.waitFor(/CONTAINER ID +IMAGE/);
          await sh.waitForPrompt();
          expect(sh.since(mark)).not.toMatch(/\[Y\/n|\[y\/N/);
          expect(await sh.status()).toBe(0);
          expect(await sh.run('echo "host=$DOCKER_HOST"')).toBe('host=');
          const plain = await sh.runStatus('command docker ps');
          expect(plain.status).toBe(0);
          void host;
        });
      } finally {
        removeConfig(w, USERS.rootless);
        fs.rmSync(w.hostPath(`${w.user(USERS.rootless).home}/.docker`), { recursive: true, force: true });
      }
    });
  });
});
