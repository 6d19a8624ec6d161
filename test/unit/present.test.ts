import { describe, expect, it } from 'vitest';
import { questionText, renderOffered } from '../../src/app/present.js';
import * as F from '../../src/core/fixes.js';
import { translator } from '../../src/core/messages/index.js';
import type { Offered } from '../../src/core/plan.js';
import type { Palette } from '../../src/io/render.js';

const same = (s: string) => s;
const c: Palette = { bold: same, dim: same, warn: same, cmd: same, ok: same, bad: same };
const en = translator('en');
const zh = translator('zh');
const numbered = (...fixes: ReturnType<typeof F.makeFix>[]): Offered[] => fixes.map((fix, i) => ({ number: i + 1, fix }));

describe('the prompt block', () => {
  const group = F.addToDockerGroup(en, 'ada', true);
  const setup = F.setupRootless(en, 'ada', '/usr/bin/dockerd-rootless-setuptool.sh', false);
  const login = F.rootlessAfterLogin(en, 'ada');

  it('the docker group: one warning, indented under its fix, naming the safer choice by number', () => {
    const lines = renderOffered(numbered(group, setup), en, c);
    expect(lines.filter((l) => /become root/.test(l))).toEqual([
      '     ! root-equivalent: anyone in the docker group can become root on this machine; the safer choice is 2',
    ]);
    expect(lines.every((l) => l.startsWith('  '))).toBe(true);
    expect(lines[0]).toBe('  1. Add ada to the docker group (needs root)');
  });

  it('alone, the warning still says it once; a manual rootless step counts as the safer choice', () => {
    expect(renderOffered(numbered(group), en, c).filter((l) => l.includes('root-equivalent'))).toEqual([
      '     ! root-equivalent: anyone in the docker group can become root on this machine',
    ]);
    const lines = renderOffered(numbered(group, login), en, c);
    expect(lines).toContain('     ! root-equivalent: anyone in the docker group can become root on this machine; the safer choice is 2');
    expect(lines).toContain(
      '  2. Use rootless Docker instead (no root-equivalent group): log in as ada through a login manager (`ssh ada@localhost` or `sudo machinectl shell ada@`), not su or sudo -i, and run `dockhook fix` there to set it up',
    );
  });

  it('zh: the same single warning in Chinese', () => {
    const lines = renderOffered(numbered(F.addToDockerGroup(zh, 'ada', true), F.rootlessAfterLogin(zh, 'ada')), zh, c);
    expect(lines).toContain('     ! 等同 root 权限：docker 用户组中的任何人都能成为本机的 root；更安全的选择是第 2 项');
    expect(lines.filter((l) => l.includes('等同 root 权限：'))).toHaveLength(1);
  });

  it('the stale group: what is shown is what runs (sg), not newgrp', () => {
    const lines = renderOffered(numbered(F.useGroupNow(en)), en, c);
    expect(lines.join('\n')).not.toMatch(/^\s+newgrp docker$/m);
    expect(lines).toContain('     then docker runs in this shell as: sg docker -c "docker …"');
  });
});

describe('the question', () => {
  const start = F.startServiceSysv(en);
  const subids = F.makeFix({ id: 'add-subids', title: 'subids', commands: [['sudo', 'usermod']], retry: 'none' });
  const manual = F.validateDaemonJson(en, '/etc/docker/daemon.json');

  it('one fix on the screen: the plain question', () => {
    const [one] = numbered(start);
    expect(questionText({ offered: [one!], preferred: one!, choices: [] }, true, 'docker ps', en)).toBe('Apply and re-run `docker ps`?');
  });

  it('a manual step before it: says which number a yes applies', () => {
    const [m, s] = numbered(manual, start);
    expect(questionText({ offered: [m!, s!], preferred: s!, choices: [] }, true, 'docker ps', en)).toBe('Apply 2 and re-run `docker ps`?');
  });

  it('[Y/n/2]: Y applies 1, 2 applies 2 instead', () => {
    const [a, b] = numbered(subids, start);
    expect(questionText({ offered: [a!, b!], preferred: a!, choices: [b!] }, false, 'docker ps', en)).toBe('Apply 1, or 2 instead?');
    expect(questionText({ offered: [a!, b!], preferred: a!, choices: [b!] }, true, 'docker ps', en)).toBe('Apply 1 and re-run `docker ps`, or 2 instead?');
    expect(questionText({ offered: [a!, b!], preferred: a!, choices: [b!] }, true, 'docker ps', zh)).toBe(
      '应用第 1 项并重新运行 `docker ps`，还是改用第 2 项？',
    );
  });
});
