import { describe, expect, it } from 'vitest';
import * as F from '../../src/core/fixes.js';
import { translator } from '../../src/core/messages/index.js';
import { afterApply, chosen, MAX_ROUNDS, NOTHING_FAILED, plan, promptKeys, type Failed, type Mode, type Plan, type PlanInput } from '../../src/core/plan.js';
import type { AutoApply } from '../../src/core/config-schema.js';
import type { Diagnosis, Fix } from '../../src/core/types.js';

const t = translator('en');
const HOST = 'unix:///run/user/1000/docker.sock';

const start = F.startServiceSystemd(t);
const enable = F.enableServiceSystemd(t);
const group = F.addToDockerGroup(t, 'ada', true);
const setup = F.setupRootless(t, 'ada', '/usr/bin/dockerd-rootless-setuptool.sh', false);
const context = F.rootlessContext(t);
const env = F.rootlessEnv(t, HOST);
const manual = F.installDocker(t);
const restart = F.restartFailedServiceSystemd(t);

const diagnosis = (...fixes: Fix[]): Diagnosis => ({ cause: 'service-stopped', summary: 's', evidence: ['e'], fixes, reason: null }) as Diagnosis;

function input(fixes: Fix[], over: Partial<PlanInput> = {}): PlanInput {
  return {
    diagnosis: diagnosis(...fixes),
    reachable: false,
    terminal: true,
    autoApply: 'never',
    mode: 'after-failure',
    round: 1,
    failed: NOTHING_FAILED,
    ...over,
  };
}

/** The plan, reduced to what a table can compare: its kind and the fix it would apply or ask about. */
function summary(p: Plan): string {
  switch (p.kind) {
    case 'ask':
      return `ask ${p.preferred.fix.id} ${p.keys}${p.alternative ? ` alt=${p.alternative.number}` : ''}`;
    case 'apply':
      return `apply ${p.fix.id} (${p.why}${p.hintFirst ? ', hint first' : ''})`;
    case 'hint':
      return `hint ${p.fix?.id ?? '-'}`;
    case 'stop':
      return `stop ${p.why}`;
    case 'show':
      return `show ${p.offered.length}`;
    case 'tell':
      return `tell ${p.fix.id}`;
    default:
      return p.kind;
  }
}

const failedStart: Failed = { ids: ['start-service'], commands: [['sudo', 'systemctl', 'start', 'docker.service']] };

const table: Array<[string, Fix[], Partial<PlanInput>, string]> = [
  // The daemon answers.
  ['answers before any fix: docker failed on its own', [start], { reachable: true }, 'healthy'],
  ['answers after a fix (it needed longer)', [start], { reachable: true, round: 2 }, 'rerun'],
  // A person at a terminal.
  ['one fix, terminal: ask, Y is the default', [start], {}, 'ask start-service [Y/n]'],
  ['two fixes: the keys name the second', [start, enable], {}, 'ask start-service [Y/n/2]'],
  ['the lasting context first, the per-shell export as 2', [context, env], {}, 'ask rootless-context [Y/n/2]'],
  ['the group: no is the default, the safer fix named by its number', [group, setup], {}, 'ask add-to-group [y/N/2] alt=2'],
  ['the group alone: no alternative to name', [group], {}, 'ask add-to-group [y/N]'],
  ['an instructions-only fix first: the runnable one is asked about', [manual, start], {}, 'ask start-service [Y/n]'],
  ['only instructions: nothing to run', [manual], {}, 'stop no-fix'],
  ['no fix at all', [], {}, 'stop no-fix'],
  // `dockhook fix` on its own: no shell takes variables back.
  ['dockhook fix, an env-only fix: the line to run, no question', [env], { mode: 'fix', handBack: false }, 'tell rootless-env'],
  ['dockhook fix --yes, an env-only fix: the line, nothing "applied"', [env], { mode: 'fix-yes', handBack: false }, 'tell rootless-env'],
  ['dockhook fix, a fix with a command and an env change: asked as usual', [context], { mode: 'fix', handBack: false }, 'ask rootless-context [Y/n]'],
  ['through the shell function, the env fix is asked', [env], { handBack: true }, 'ask rootless-env [Y/n]'],
  [
    'no shell to take it back and no terminal, after a failed command: the hint (it names the line)',
    [env],
    { handBack: false, terminal: false },
    'hint rootless-env',
  ],
  // No terminal.
  ['no terminal: a hint, nothing applied', [start], { terminal: false }, 'hint start-service'],
  ['no terminal, autoApply all: still nothing privileged', [start], { terminal: false, autoApply: 'all' }, 'hint start-service'],
  [
    'no terminal, autoApply safe, a no-root fix: applied, with the hint line',
    [env],
    { terminal: false, autoApply: 'safe' },
    'apply rootless-env (auto, hint first)',
  ],
  ['no terminal, fix --yes, privileged: only the hint', [start], { terminal: false, mode: 'fix-yes' }, 'hint start-service'],
  ['no terminal, fix --yes, no root needed: applied', [context], { terminal: false, mode: 'fix-yes' }, 'apply rootless-context (yes, hint first)'],
  // autoApply with a terminal.
  ['autoApply safe, no-root fix', [env], { autoApply: 'safe' }, 'apply rootless-env (auto)'],
  ['autoApply safe, root needed: asked', [start], { autoApply: 'safe' }, 'ask start-service [Y/n]'],
  ['autoApply all, root needed, terminal: applied (shown first)', [start], { autoApply: 'all' }, 'apply start-service (auto)'],
  ['autoApply all never hands out the group', [group, setup], { autoApply: 'all' }, 'ask add-to-group [y/N/2] alt=2'],
  // Modes.
  ['fix --yes', [start, enable], { mode: 'fix-yes' }, 'apply start-service (yes)'],
  ['fix --yes never takes the group', [group], { mode: 'fix-yes' }, 'ask add-to-group [y/N]'],
  ['fix --dry-run shows everything', [start, enable], { mode: 'dry-run' }, 'show 2'],
  ['dockhook fix asks like the shim', [start], { mode: 'fix' }, 'ask start-service [Y/n]'],
  // Later rounds.
  ['round 2: the start that failed is not offered again', [start, enable], { round: 2, failed: failedStart }, 'ask enable-service [Y/n]'],
  ['round 2: nor any fix that runs the failed command again', [restart], { round: 2, failed: failedStart }, 'stop no-fix'],
  ['round 2: only instructions left', [F.validateDaemonJson(t, '/etc/docker/daemon.json'), restart], { round: 2, failed: failedStart }, 'stop no-fix'],
  ['past the last round: stop', [start], { round: MAX_ROUNDS + 1 }, 'stop rounds'],
];

describe('plan: diagnosis × terminal × config × mode × round → what happens', () => {
  it.each(table)('%s', (_name, fixes, over, expected) => {
    expect(summary(plan(input(fixes, over)))).toBe(expected);
  });

  it('numbers the fixes as shown, without the ones that failed', () => {
    const p = plan(input([start, enable, manual], { round: 2, failed: failedStart }));
    expect(p.kind === 'ask' && p.offered.map((o) => `${o.number}.${o.fix.id}`)).toEqual(['1.enable-service', '2.install-docker']);
  });

  it('every mode × terminal × policy gives a plan, and never applies the group or a privileged fix unseen', () => {
    const modes: Mode[] = ['after-failure', 'fix', 'fix-yes', 'dry-run'];
    const policies: AutoApply[] = ['never', 'safe', 'all'];
    for (const mode of modes)
      for (const terminal of [true, false])
        for (const autoApply of policies) {
          for (const fixes of [[group, setup], [start], [env], [manual]]) {
            const p = plan(input(fixes, { mode, terminal, autoApply }));
            if (p.kind === 'apply') {
              expect(p.fix.rootEquivalent).toBe(false);
              if (!terminal) expect(p.fix.privileged).toBe(false);
            }
            if (!terminal) expect(p.kind).not.toBe('ask');
          }
        }
  });
});

describe('plan: the answer picks the fix', () => {
  const ask = plan(input([group, setup, manual])) as Extract<Plan, { kind: 'ask' }>;
  it.each([
    ['y', { kind: 'yes' } as const, 'add-to-group'],
    ['n', { kind: 'no' } as const, null],
    ['2', { kind: 'choice', number: 2 } as const, 'setup-rootless'],
    ['1', { kind: 'choice', number: 1 } as const, 'add-to-group'],
    ['3 (instructions only)', { kind: 'choice', number: 3 } as const, null],
    ['no terminal', { kind: 'no-tty' } as const, null],
  ])('%s', (_key, answer, id) => {
    expect(chosen(ask, answer)?.id ?? null).toBe(id);
  });

  it('keys', () => {
    expect(promptKeys(true, [])).toBe('[Y/n]');
    expect(
      promptKeys(false, [
        { number: 2, fix: setup },
        { number: 3, fix: env },
      ]),
    ).toBe('[y/N/2/3]');
  });
});

describe('afterApply: after a fix, re-run, stop or look again', () => {
  const base = { mode: 'after-failure' as Mode, retry: true, round: 1, failed: NOTHING_FAILED };
  it.each([
    ['worked: re-run', start, { kind: 'done' } as const, {}, 'rerun'],
    ['worked, dockhook fix: done', start, { kind: 'done' } as const, { mode: 'fix' as Mode }, 'done'],
    ['worked, retry off: done', start, { kind: 'done' } as const, { retry: false }, 'done'],
    ['worked, a fix that needs no re-run', manual, { kind: 'done' } as const, {}, 'done'],
    ['failed: look again', start, { kind: 'failed', argv: ['sudo', 'systemctl', 'start', 'docker.service'], status: 1 } as const, {}, 're-diagnose'],
    ['no answer in time: look again', start, { kind: 'timeout' } as const, {}, 're-diagnose'],
    [
      'Ctrl-C at the password prompt: stop',
      start,
      { kind: 'interrupted', argv: ['sudo', 'systemctl', 'start', 'docker.service'], status: 1 } as const,
      {},
      'stop',
    ],
    ['failed in the last round: stop', start, { kind: 'timeout' } as const, { round: MAX_ROUNDS }, 'stop'],
    ['worked, but the endpoint still does not answer: the next step', setup, { kind: 'done' } as const, { endpointAnswers: false }, 're-diagnose'],
    ['worked, endpoint not checked (a re-run under sg)', start, { kind: 'done' } as const, { endpointAnswers: null }, 'rerun'],
    ['worked, endpoint answers', start, { kind: 'done' } as const, { endpointAnswers: true }, 'rerun'],
  ])('%s', (_name, fix, outcome, over, kind) => {
    expect(afterApply({ ...base, ...over, fix, outcome }).kind).toBe(kind);
  });

  it('subordinate ids added, the rootless daemon still down: look again (the start comes next), not "done"', () => {
    const subids = F.makeFix({
      id: 'add-subids',
      title: 'ids',
      commands: [['sudo', 'usermod', '--add-subuids', '1-2', 'ada']],
      privileged: true,
      retry: 'plain',
    });
    expect(afterApply({ ...base, fix: subids, outcome: { kind: 'done' }, endpointAnswers: false })).toEqual({
      kind: 're-diagnose',
      round: 2,
      failed: { ids: ['add-subids'], commands: [] },
    });
  });

  it('remembers what failed for the next round', () => {
    const next = afterApply({ ...base, fix: start, outcome: { kind: 'failed', argv: ['sudo', 'systemctl', 'start', 'docker.service'], status: 1 } });
    expect(next).toEqual({ kind: 're-diagnose', round: 2, failed: failedStart });
    const timeout = afterApply({ ...base, fix: start, outcome: { kind: 'timeout' } });
    expect(timeout).toEqual({ kind: 're-diagnose', round: 2, failed: { ids: ['start-service'], commands: [] } });
  });

  it('sudo refused (no password accepted): look again with nothing marked failed, so the same fix is offered again', () => {
    const refused = { kind: 'refused', argv: ['sudo', 'service', 'docker', 'start'], status: 1 } as const;
    const next = afterApply({ ...base, fix: start, outcome: refused });
    expect(next).toEqual({ kind: 're-diagnose', round: 2, failed: NOTHING_FAILED });
    if (next.kind !== 're-diagnose') return;
    const again = plan(input([start], { round: next.round, failed: next.failed }));
    expect(again.kind).toBe('ask');
    expect(afterApply({ ...base, fix: start, outcome: refused, round: MAX_ROUNDS })).toEqual({ kind: 'stop', why: 'rounds' });
  });
});
