// Closing the loop: after one yes the user's command works — on a machine without systemd whose
// start returns early, for a rootless user on Debian's own packages with no user manager, in a new
// shell afterwards, in fish's own syntax, after a start that fails for a reason only its log
// knows, and in a login session older than the user's group membership. Real shells through a
// pseudo-terminal (pty.ts), real daemons in worlds (world.ts), keys counted.

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, DOCKHOOK, REPO_ROOT, USERS, type World } from './world.js';
import { describeWithWorlds, useWorld } from './support.js';
import { withShell, type PtyShell, type ShellName, type ShellOptions } from './pty.js';

const DIST = `${REPO_ROOT}/dist/cli.cjs`;
const CTL = path.join(REPO_ROOT, 'test', 'e2e', 'world', 'ctl.sh');
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const INIT_LINE: Record<ShellName, string> = {
  bash: `eval "$(${DOCKHOOK} init bash)"`,
  zsh: `eval "$(${DOCKHOOK} init zsh)"`,
  fish: `${DOCKHOOK} init fish | source`,
};

const DOCKER_ERROR = /Cannot connect to the Docker daemon at unix:\/\/|failed to connect to the docker API|permission denied while trying to connect/;
const LISTING = /CONTAINER ID +IMAGE +COMMAND/;

function shell(name: ShellName, extra: Partial<ShellOptions> = {}): ShellOptions {
  return { shell: name, ...extra, rc: [...(extra.rc ?? []), INIT_LINE[name]] };
}

/** Types a command and presses Enter: the keys a person presses are counted by the caller. */
function enter(sh: PtyShell, line: string): void {
  sh.type(line);
  sh.press('enter');
}

/** A docker command in a shell that must just work: no word from dockhook, status 0. */
async function worksPlainly(sh: PtyShell, line = 'docker ps', expected: RegExp = LISTING): Promise<void> {
  const { output, status } = await sh.runStatus(line, 30_000);
  if (/dockhook|\[Y\/n|\[y\/N/i.test(output)) throw sh.failure(`dockhook spoke where the command should just work:\n${output}`);
  expect(output).toMatch(expected);
  expect(status).toBe(0);
}

function record(title: string, sh: PtyShell, mark: number): void {
  console.log(`--- ${title} ---\n${sh.since(mark)}\n--- end ---`);
}

async function asUser(w: World, user: string, cmd: string[]): Promise<void> {
  await w.exec(cmd, { user });
}

describeWithWorlds('closing the loop: one yes, then the command works', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  });

  describe('no systemd: `service docker start` returns before dockerd answers', () => {
    const world = useWorld({ name: 'lp-sysv', rootful: 'absent' });

    it('bash as root: one key, dockhook waits for the socket, the re-run works, status 0', async () => {
      const w = world();
      // What /etc/init.d/docker does through start-stop-daemon --background: it returns while
      // dockerd is still starting. (The real script cannot run here: root lacks CAP_SYS_RESOURCE
      // for its `ulimit -n`.) It starts the world's real dockerd, a second later.
      await w.exec(['mkdir', '-p', '/root/fakebin']);
      w.writeFile(
        '/root/fakebin/service',
        [
          '#!/bin/sh',
          'if [ "$1" = docker ] && [ "$2" = start ]; then',
          `  WORLD_DIR='${w.dir}' setsid sh -c 'sleep 1; exec ${CTL} rootful-start' >/dev/null 2>&1 </dev/null &`,
          '  echo "Starting Docker: docker."',
          '  exit 0',
          'fi',
          'exec /usr/sbin/service "$@"',
        ].join('\n') + '\n',
        { mode: 0o755 },
      );
      await withShell(w, shell('bash', { env: { PATH: `/root/fakebin:${ROOT_PATH}` } }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(DOCKER_ERROR);
        await sh.waitFor(/dockhook: the Docker service is installed but stopped/);
        await sh.waitFor(/\n {5}service docker start\n/);
        await sh.waitFor(/Apply and re-run `docker ps`\? \[Y\/n\] /);
        sh.type('y'); // the one key
        await sh.waitFor(/\$ service docker start\nStarting Docker: docker\.\n/);
        await sh.waitFor(/dockhook: re-running `docker ps`/, 40_000);
        await sh.waitFor(LISTING, 30_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        const seen = sh.since(mark);
        // Docker's error once (before the question), never again after the fix.
        expect(seen.match(new RegExp(DOCKER_ERROR.source, 'g'))).toHaveLength(1);
        // The live line was drawn (in the raw stream) and erased (not on the screen model).
        expect(sh.rawOutput).toMatch(/waiting for unix:\/\/\/var\/run\/docker\.sock to answer… \d+\.\d s \(up to 30 s\)/);
        expect(seen).not.toMatch(/waiting for unix/);
        record('no systemd, service returns early (bash, root): 1 key', sh, mark);
      });
      expect(w.exists(DEFAULT_SOCKET)).toBe(true);
    });
  });

  describe('no systemd: a start that returns and never brings the daemon up', () => {
    const world = useWorld({ name: 'lp-sysv-never', rootful: 'absent' });

    it("bash as root: Ctrl-C during the wait stops the wait only, the line is erased, the status is docker's", async () => {
      const w = world();
      await w.exec(['mkdir', '-p', '/root/fakebin']);
      w.writeFile('/root/fakebin/service', '#!/bin/sh\necho "Starting Docker: docker."\nexit 0\n', { mode: 0o755 });
      await withShell(w, shell('bash', { env: { PATH: `/root/fakebin:${ROOT_PATH}` } }), async (sh) => {
        enter(sh, 'docker ps');
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y');
        await sh.waitFor(/Starting Docker: docker\.\n/);
        // The live line is on the screen, then Ctrl-C.
        await sh.waitFor(/waiting for unix:\/\/\/var\/run\/docker\.sock to answer… \d+\.\d s/, 10_000, 0);
        sh.press('ctrl-c');
        // (Searched from the top: the erased live line's place on the screen is taken by this one.)
        await sh.waitFor('dockhook: stopped waiting for unix:///var/run/docker.sock; the start itself was not undone.', 10_000, 0);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(1);
        expect(sh.text).not.toMatch(/re-running|internal error/);
        const stty = await sh.run('stty -a');
        expect(stty).toMatch(/(^|\s)icanon(\s|;|$)/m);
        expect(stty).toMatch(/(^|\s)echo(\s|;|$)/m);
      });
    });
  });

  describe('no systemd: a start that returns while its dockerd is already gone', () => {
    const world = useWorld({ name: 'lp-sysv-gone', rootful: 'absent' });

    it('bash as root: the wait ends within seconds (no dockerd process), then dockhook looks again', async () => {
      const w = world();
      await w.exec(['mkdir', '-p', '/root/fakebin']);
      w.writeFile('/root/fakebin/service', '#!/bin/sh\necho "Starting Docker: docker."\nexit 0\n', { mode: 0o755 });
      await withShell(w, shell('bash', { env: { PATH: `/root/fakebin:${ROOT_PATH}` } }), async (sh) => {
        enter(sh, 'docker ps');
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y');
        await sh.waitFor(/Starting Docker: docker\.\n/);
        const started = Date.now();
        await sh.waitFor('dockhook: the daemon exited before unix:///var/run/docker.sock answered.', 15_000, 0);
        expect(Date.now() - started).toBeLessThan(10_000);
        await sh.waitFor('dockhook: looking again…', 10_000, 0);
        await sh.waitForPrompt();
        expect(sh.text).not.toMatch(/did not answer within/);
      });
    });

    it('bash: `dockhook fix` for a DOCKER_HOST at nothing prints the line to run, asks nothing, status 1', async () => {
      const w = world();
      await withShell(w, shell('bash'), async (sh) => {
        const { output, status } = await sh.runStatus(`DOCKER_HOST=unix:///tmp/n.sock ${DOCKHOOK} fix`, 30_000);
        expect(output).toMatch(/dockhook: dockhook cannot change the variables of your shell from here; run this in it: unset DOCKER_HOST/);
        expect(output).not.toMatch(/Apply|\[Y\/n/);
        expect(status).toBe(1);
      });
    });
  });

  describe("rootless on Debian's docker.io, no user manager", () => {
    const world = useWorld({ name: 'lp-rl-down', rootful: 'absent', rootless: 'installed' });

    it('the rootless context is selected and its daemon is down: one key starts it in the background and the command works, in a new shell too', async () => {
      const w = world();
      const user = USERS.rootless;
      const home = w.user(user).home;
      const host = w.rootlessHost(user);
      // What this machine needs for rootless dockerd (vfs, no iptables), as a user would set it.
      await asUser(w, user, ['mkdir', '-p', `${home}/.config/docker`]);
      w.writeFile(`${home}/.config/docker/daemon.json`, '{"storage-driver":"vfs","iptables":false}\n', { owner: user });
      await asUser(w, user, ['docker', 'context', 'create', 'rootless', '--docker', `host=${host}`]);
      await asUser(w, user, ['docker', 'context', 'use', 'rootless']);
      await withShell(w, shell('bash', { user }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(DOCKER_ERROR);
        await sh.waitFor(/dockhook: rootless Docker is set up for dh-rootless, but its daemon is not running\./);
        // Runnable as shown from a user's shell: dockerd is in /usr/sbin, off a user's PATH.
        await sh.waitFor(
          'env PATH="/usr/share/docker.io/contrib:/usr/sbin:$PATH" setsid -f /usr/share/docker.io/contrib/dockerd-rootless.sh >>/home/dh-rootless/.local/state/dockhook/dockerd-rootless.log 2>&1 </dev/null',
        );
        await sh.waitFor(/Apply and re-run `docker ps`\? \[Y\/n\] /);
        sh.type('y'); // the one key
        await sh.waitFor(/dockhook: re-running `docker ps`/, 40_000);
        await sh.waitFor(LISTING, 30_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        record('rootless context, daemon down, docker.io, no user manager (bash, dh-rootless): 1 key', sh, mark);
      });
      // The daemon outlived the shell it was started from; its output is in a private log.
      await withShell(w, shell('zsh', { user }), async (sh) => worksPlainly(sh));
      const log = `${home}/.local/state/dockhook/dockerd-rootless.log`;
      expect(fs.statSync(w.hostPath(log)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(w.hostPath(path.dirname(log))).mode & 0o777).toBe(0o700);
      expect(w.readFile(log)).toMatch(/API listen on/);
    });
  });

  describe("rootless on Debian's docker.io after su, no systemd", () => {
    const world = useWorld({ name: 'lp-rl-su', rootful: 'absent', rootless: 'installed' });
    it('after su (no XDG_RUNTIME_DIR), no systemd: this shell gets /run/user/UID (one key), then the start (one key); never loginctl or machinectl', async () => {
      const w = world();
      const user = USERS.rootless;
      const uid = w.user(user).uid;
      const home = w.user(user).home;
      await w.makeRuntimeDir(user); // /run/user/UID is there (made at boot, or by an earlier login); the session does not name it
      await asUser(w, user, ['mkdir', '-p', `${home}/.config/docker`]);
      w.writeFile(`${home}/.config/docker/daemon.json`, '{"storage-driver":"vfs","iptables":false}\n', { owner: user });
      await asUser(w, user, ['docker', 'context', 'create', 'rootless', '--docker', `host=${w.rootlessHost(user)}`]);
      await asUser(w, user, ['docker', 'context', 'use', 'rootless']);
      await withShell(w, shell('bash', { user, env: { XDG_RUNTIME_DIR: null } }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(DOCKER_ERROR);
        await sh.waitFor(
          /this session has no runtime directory of its own \(XDG_RUNTIME_DIR is not set, and without systemd no login sets it for dh-rootless\)/,
        );
        await sh.waitFor(`in this shell: export XDG_RUNTIME_DIR=/run/user/${uid}`);
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y');
        await sh.waitFor(/dockhook: rootless Docker is set up for dh-rootless, but its daemon is not running\./, 30_000);
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y');
        await sh.waitFor(LISTING, 60_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        expect(sh.since(mark)).not.toMatch(/loginctl|machinectl|linger/);
        expect(await sh.run('echo "xdg=$XDG_RUNTIME_DIR"')).toBe(`xdg=/run/user/${uid}`);
        record('rootless after su, no systemd (bash, dh-rootless): 2 keys', sh, mark);
      });
    });
  });

  describe('a rootless daemon up, the client aimed elsewhere (dh-rootless)', () => {
    const world = useWorld({ name: 'lp-rl-up', rootful: 'absent', rootless: 'running' });
    const as: Partial<ShellOptions> = { user: USERS.rootless, env: { DOCKER_HOST: null } };

    it('fish is shown fish syntax for the per-shell choice', async () => {
      const w = world();
      const host = w.rootlessHost();
      await withShell(w, shell('fish', as), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(/dockhook: a rootless Docker daemon is running for dh-rootless/);
        await sh.waitFor(`in this shell: set -gx DOCKER_HOST ${host}`);
        await sh.waitFor(/\[Y\/n\/2\] /);
        expect(sh.since(mark)).not.toMatch(/export DOCKER_HOST|unset DOCKER_HOST/);
        sh.type('n');
        await sh.waitForPrompt();
        record('fish is shown fish syntax', sh, mark);
      });
    });

    it('after one yes (the rootless context), a new shell works with no prompt', async () => {
      const w = world();
      await withShell(w, shell('bash', as), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(/1\. Create the "rootless" context and switch docker to it \(every new shell uses it too\) \(lasts\)/);
        await sh.waitFor(/\[Y\/n\/2\] /);
        sh.type('y'); // the one key
        await sh.waitFor(/\$ docker context use rootless/);
        await sh.waitFor(LISTING, 30_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        record('rootless up, client aimed elsewhere (bash): 1 key', sh, mark);
      });
      for (const name of ['zsh', 'fish', 'bash'] as const) await withShell(w, shell(name, as), async (sh) => worksPlainly(sh));
    });
  });

  describe('the rootful daemon up (dh-in)', () => {
    const world = useWorld({ name: 'lp-rootful', rootful: 'running', image: true });

    it('zsh, DOCKER_CONTEXT naming no context: docker cannot even start, dockhook names the context and one key unsets it', async () => {
      const w = world();
      await withShell(w, shell('zsh', { user: USERS.inGroup, rc: ['export DOCKER_CONTEXT=nosuch'] }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        // docker 28: `Failed to initialize: … context "nosuch": context not found`; Debian's 20.10: `… context "nosuch" does not exist`.
        await sh.waitFor(/unable to resolve docker endpoint: context "nosuch"(: context not found| does not exist)/);
        await sh.waitFor(/dockhook: the docker context "nosuch" cannot be read/);
        await sh.waitFor('in this shell: unset DOCKER_CONTEXT');
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y'); // the one key
        await sh.waitFor(LISTING, 30_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        await worksPlainly(sh);
        record('zsh, DOCKER_CONTEXT=nosuch: 1 key', sh, mark);
      });
    });

    it('fish, a stale DOCKER_HOST from config.fish: the file and line are named, the unset is fish syntax, one key', async () => {
      const w = world();
      await withShell(w, shell('fish', { user: USERS.inGroup, rc: ['set -gx DOCKER_HOST unix:///tmp/nothing.sock'] }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(/dockhook: DOCKER_HOST points at unix:\/\/\/tmp\/nothing\.sock, where no daemon answers\./);
        await sh.waitFor(/~\/\.config\/fish\/config\.fish line \d+ sets it: set -gx DOCKER_HOST unix:\/\/\/tmp\/nothing\.sock/);
        await sh.waitFor('in this shell: set -e DOCKER_HOST');
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y');
        await sh.waitFor('dockhook: this shell now has set -e DOCKER_HOST');
        await sh.waitFor(LISTING, 30_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        expect(await sh.run('set -q DOCKER_HOST; and echo set; or echo unset')).toBe('unset');
        record('fish, stale DOCKER_HOST from config.fish: 1 key', sh, mark);
      });
    });

    // Before the test below, which sets rootless up for dh-rootless in this world.
    it('dh-rootless after `su` (no runtime dir): one indented warning, rootless still offered as numbered step 2 (its first step), n changes nothing', async () => {
      const w = world();
      await withShell(w, shell('bash', { user: USERS.rootless }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(/dockhook: dh-rootless may not open the Docker socket/);
        // No systemd here: no login would make a runtime directory, so the first step is to give this shell one.
        await sh.waitFor(/\n {2}2\. Towards rootless Docker instead \(no root-equivalent group\), first: Make \/run\/user\/\d+ for dh-rootless \(mode 0700\)/);
        await sh.waitFor(/\n {5}in this shell: export XDG_RUNTIME_DIR=\/run\/user\/\d+\n/);
        await sh.waitFor(/Apply 1 and re-run `docker ps`, or 2 instead\? \[y\/N\/2\] /);
        sh.type('n');
        await sh.waitFor('dockhook: nothing changed.');
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(1);
        const seen = sh.since(mark);
        // The warning once, indented; no line of dockhook's block at column 0 but its first.
        expect(seen.match(/can become root/g)).toHaveLength(1);
        expect(seen).toMatch(/\n {5}! root-equivalent: anyone in the docker group can become root on this machine; the safer choice is 2\n/);
        expect(seen).not.toMatch(/\nThe docker group/);
        record('dh-rootless refused, no login session, no systemd (bash): rootless first step as 2, n', sh, mark);
      });
    });

    it('dh-rootless, refused by the rootful socket, no user manager: "2" sets rootless up and the command works, in a new shell too', async () => {
      const w = world();
      const user = USERS.rootless;
      const home = w.user(user).home;
      await w.makeRuntimeDir(user);
      await asUser(w, user, ['mkdir', '-p', `${home}/.config/docker`]);
      w.writeFile(`${home}/.config/docker/daemon.json`, '{"storage-driver":"vfs","iptables":false}\n', { owner: user });
      await withShell(w, shell('zsh', { user }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(/dockhook: dh-rootless may not open the Docker socket/);
        await sh.waitFor(/\n {5}! root-equivalent: anyone in the docker group can become root on this machine; the safer choice is 2\n/);
        await sh.waitFor(/Apply 1 and re-run `docker ps`, or 2 instead\? /);
        await sh.waitFor(/\[y\/N\/2\] /);
        // As a person would: a moment after the question shows, not within the same millisecond.
        await new Promise((resolve) => setTimeout(resolve, 300));
        sh.type('2'); // the one key
        await sh.waitFor(/\$ docker context use rootless/, 30_000);
        await sh.waitFor(LISTING, 40_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        record('dh-rootless refused by the rootful socket, no user manager (zsh): "2"', sh, mark);
      });
      await withShell(w, shell('bash', { user }), async (sh) => worksPlainly(sh));
    });

    it("docker -H at nothing: names the -H flag (not DOCKER_HOST), asks nothing, docker's status", async () => {
      const w = world();
      await withShell(w, shell('bash', { env: { DOCKER_HOST: null } }), async (sh) => {
        const mark = sh.mark();
        const { status } = await sh.runStatus('docker -H unix:///tmp/n.sock ps', 30_000);
        expect(status).toBe(1);
        const seen = sh.since(mark);
        expect(seen).toMatch(/dockhook: the -H flag of this command names unix:\/\/\/tmp\/n\.sock, where no daemon answers\./);
        expect(seen).toMatch(/the default socket unix:\/\/\/var\/run\/docker\.sock answers/);
        expect(seen).toMatch(/\n {2}1\. Run the command without -H unix:\/\/\/tmp\/n\.sock/);
        expect(seen).not.toMatch(/DOCKER_HOST|\[Y\/n|what stopped the daemon/);
        record('docker -H at nothing (bash, root)', sh, mark);
      });
    });

    it('a stale group session: one yes, and the next docker command in that shell does not repeat the block', async () => {
      const w = world();
      await withShell(w, shell('bash', { user: USERS.inGroup, staleSession: true }), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(DOCKER_ERROR);
        await sh.waitFor(/dockhook: dh-in was added to the docker group, but this login session started before that\./);
        await sh.waitFor(/\n {5}then docker runs in this shell as: sg docker -c "docker …"\n/);
        expect(sh.since(mark)).not.toMatch(/\n {5}newgrp docker\n/);
        await sh.waitFor(/\[Y\/n\] /);
        sh.type('y'); // the one key
        await sh.waitFor(/dockhook: docker commands in this shell now run with the docker group/);
        await sh.waitFor(LISTING, 30_000);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(0);
        const second = sh.mark();
        await worksPlainly(sh);
        await worksPlainly(sh, 'docker images', /REPOSITORY +TAG +IMAGE ID/);
        expect(sh.since(second)).not.toMatch(DOCKER_ERROR);
        // Every docker call in that shell has the group: also those that discard stderr (completion).
        await worksPlainly(sh, "docker images --format '{{.Repository}}' 2>/dev/null", /^bb\r?$/m);
        // Ctrl-C as without dockhook: docker passes it to the container (busybox sleep as pid 1
        // ignores it) and exits with the container's 0; nothing between sg and docker dies of it.
        enter(sh, 'docker run --rm bb:latest sleep 3');
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        const interrupted = sh.mark();
        sh.press('ctrl-c');
        // Not killed by the SIGINT, bash prints its prompt right after the echoed ^C (no new line).
        await sh.waitFor(/\^Cpty\$ $/, 20_000);
        expect(sh.since(interrupted)).not.toMatch(/dockhook/);
        expect(await sh.status()).toBe(0);
        record('stale group session (bash, dh-in): 1 key, then plain', sh, mark);
      });
    });

    for (const name of ['zsh', 'fish'] as const) {
      it(`${name}, a stale group session after the yes: Tab completion and 2>/dev/null calls get the group, Ctrl-C keeps docker's status`, async () => {
        const w = world();
        const completion = name === 'zsh' ? ['autoload -Uz compinit && compinit -u'] : [];
        await withShell(w, shell(name, { user: USERS.inGroup, staleSession: true, rc: completion }), async (sh) => {
          const mark = sh.mark();
          enter(sh, 'docker ps');
          await sh.waitFor(/\[Y\/n\] /);
          sh.type('y');
          await sh.waitFor(LISTING, 30_000);
          await sh.waitForPrompt();
          expect(await sh.status()).toBe(0);
          await worksPlainly(sh, "docker images --format '{{.Repository}}' 2>/dev/null", /^bb\r?$/m);
          // docker's own completion calls docker with stderr thrown away.
          sh.type('docker rmi bb:');
          sh.press('tab');
          await sh.waitFor(/docker rmi bb:latest/, 15_000);
          sh.press('ctrl-u');
          expect(await sh.run('echo completed')).toBe('completed');
          enter(sh, 'docker run --rm bb:latest sleep 3');
          await new Promise((resolve) => setTimeout(resolve, 1_200));
          const interrupted = sh.mark();
          sh.press('ctrl-c');
          await sh.waitFor(/pty\$ $/, 20_000);
          expect(sh.since(interrupted)).not.toMatch(/dockhook/);
          expect(await sh.status()).toBe(0);
          record(`stale group session (${name}, dh-in): completion and Ctrl-C through sg`, sh, mark);
        });
      });
    }
  });

  describe('a start that fails for a reason visible only afterwards (stand-in systemd)', () => {
    // dockerd refuses this storage driver only when it starts: nothing before the start says so.
    const world = useWorld({ name: 'lp-failing', rootful: 'absent', systemd: true, dockerdArgs: ['--storage-driver=nosuchdriver'] });

    it('zsh as root: the start fails, dockhook looks again and names the reason from the fresh log, no internal error', async () => {
      const w = world();
      await withShell(w, shell('zsh'), async (sh) => {
        const mark = sh.mark();
        enter(sh, 'docker ps');
        await sh.waitFor(/dockhook: the Docker service is installed but stopped/);
        await sh.waitFor(/\[Y\/n\/2\] /);
        sh.type('y');
        await sh.waitFor(/dockhook: `systemctl start docker\.service` failed with status 1\./, 40_000);
        await sh.waitFor('dockhook: looking again…');
        await sh.waitFor(/dockhook: the Docker service tried to start and failed/);
        await sh.waitFor(/nosuchdriver/);
        await sh.waitFor(/dockhook: (nothing more dockhook can run for this|giving up after)/);
        await sh.waitForPrompt();
        expect(await sh.status()).toBe(1);
        const seen = sh.since(mark);
        expect(seen).not.toMatch(/internal error/);
        // The start that just failed is not offered again.
        expect(seen.slice(seen.indexOf('looking again'))).not.toMatch(/Apply and re-run/);
        record('a start that fails, reason visible afterwards (zsh, root)', sh, mark);
      });
    });
  });
});
