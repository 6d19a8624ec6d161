// The reasons as a person meets them: `docker ps` in a real shell through a pseudo-terminal, a
// real dockerd that refuses to start under the stand-in systemd, keys counted. The screens are
// printed (`--- title ---`) for the record.

import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DOCKHOOK, type World } from './world.js';
import { describeWithWorlds, useWorld } from './support.js';
import { withShell, type PtyShell, type ShellName, type ShellOptions } from './pty.js';

const INIT_LINE: Record<ShellName, string> = {
  bash: `eval "$(${DOCKHOOK} init bash)"`,
  zsh: `eval "$(${DOCKHOOK} init zsh)"`,
  fish: `${DOCKHOOK} init fish | source`,
};
const LISTING = /CONTAINER ID +IMAGE +COMMAND/;

function shell(name: ShellName, extra: Partial<ShellOptions> = {}): ShellOptions {
  return { shell: name, ...extra, env: { NO_COLOR: '1', ...extra.env }, rc: [...(extra.rc ?? []), INIT_LINE[name]] };
}

function enter(sh: PtyShell, line: string): void {
  sh.type(line);
  sh.press('enter');
}

function record(title: string, sh: PtyShell, mark: number): void {
  console.log(`--- ${title} ---\n${sh.since(mark)}\n--- end ---`);
}

async function failedStart(w: World): Promise<void> {
  const start = await w.run(['systemctl', 'start', 'docker'], { timeoutMs: 60_000 });
  expect(start.code, start.stderr).toBe(1);
}

describeWithWorlds('a daemon that refuses to start, met in a shell', () => {
  const world = useWorld({ name: 'rs-shell', rootful: 'absent', systemd: true });

  it('bash as root, a pid file held by another program: the reason, its line, one key, and docker ps works', async () => {
    const w = world();
    const holder = await w.run(['sh', '-c', 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!']);
    fs.writeFileSync(path.join(w.dir, 'rootful', 'docker.pid'), `${holder.stdout.trim()}\n`);
    await failedStart(w);
    await withShell(w, shell('bash'), async (sh) => {
      const mark = sh.mark();
      enter(sh, 'docker ps');
      await sh.waitFor(
        /dockhook: the Docker service tried to start and failed: the pid file .* names PID \d+, which now belongs to another program \(sleep\), so the file is stale\./,
      );
      await sh.waitFor(/dockerd said: failed to start daemon: pid file found, ensure docker is not running or delete /);
      await sh.waitFor(/\[Y\/n\] /);
      sh.type('y'); // the one key
      await sh.waitFor(LISTING, 40_000);
      await sh.waitForPrompt();
      expect(await sh.status()).toBe(0);
      record('pid file held by sleep (bash, root): 1 key', sh, mark);
    });
    await w.run(['systemctl', 'stop', 'docker']);
  });

  it('zsh as root, daemon.json with a typo before any start: said first, no start offered; corrected, one key', async () => {
    const w = world();
    w.writeFile('/etc/docker/daemon.json', '{ "debugg": true }\n');
    await withShell(w, shell('zsh'), async (sh) => {
      const mark = sh.mark();
      enter(sh, 'docker ps');
      await sh.waitFor(
        /the Docker service cannot start until this is fixed: \/etc\/docker\/daemon\.json has an option dockerd does not know, "debugg" \(did you mean "debug"\?\)\./,
      );
      await sh.waitFor(/In \/etc\/docker\/daemon\.json, rename "debugg" to "debug"/);
      await sh.waitForPrompt();
      expect(await sh.status()).toBe(1);
      expect(sh.since(mark)).not.toMatch(/Apply and re-run/);
      record('daemon.json with a typo, before any start (zsh, root): 0 keys, the repair named', sh, mark);
      // The person corrects the file, and runs the command again.
      w.writeFile('/etc/docker/daemon.json', '{ "debug": true }\n');
      const again = sh.mark();
      enter(sh, 'docker ps');
      await sh.waitFor(/\[Y\/n\/2\] /);
      sh.type('y');
      await sh.waitFor(LISTING, 40_000);
      await sh.waitForPrompt();
      expect(await sh.status()).toBe(0);
      record('daemon.json corrected (zsh, root): 1 key', sh, again);
    });
    await w.run(['systemctl', 'stop', 'docker']);
    fs.rmSync(w.hostPath('/etc/docker/daemon.json'), { force: true });
  });

  it('fish as root, no iptables binary with iptables on: the reason and the line, no internal error', async () => {
    const w = world();
    fs.writeFileSync(path.join(w.dir, 'state', 'dockerd-args'), '--iptables=true\n');
    fs.writeFileSync(path.join(w.dir, 'state', 'dockerd-path'), '/usr/bin:/bin');
    expect((await w.run(['sh', '-c', 'PATH=/usr/bin:/bin command -v iptables'])).code).not.toBe(0);
    await failedStart(w);
    await withShell(w, shell('fish'), async (sh) => {
      const mark = sh.mark();
      enter(sh, 'docker ps');
      await sh.waitFor(/the Docker service tried to start and failed: dockerd manages iptables \(the default\), but no iptables program is installed\./);
      await sh.waitFor(/dockerd said: failed to start daemon: Error initializing network controller: .*Iptables not found/);
      await sh.waitFor(/\[Y\/n\] /);
      sh.type('n');
      await sh.waitForPrompt();
      expect(sh.since(mark)).not.toMatch(/internal error/);
      record('no iptables, iptables on (fish, root): the reason named; n', sh, mark);
    });
  });
});
