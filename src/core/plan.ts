// The response plan: what dockhook does next with a diagnosis. A pure function of the diagnosis,
// the terminal, the configuration, the mode, the round and what already failed in this run, so
// every path (hint, ask, auto-apply, re-diagnose, stop) is decided here and tested as a table.
// app/flow.ts carries the plan out; it decides nothing itself.
import type { AutoApply } from './config-schema.js';
import { isSafe } from './fixes.js';
import type { Diagnosis, Fix } from './types.js';

/** after-failure: a docker command failed; fix: `dockhook fix`; fix-yes: `fix --yes`; dry-run: `fix --dry-run`. */
export type Mode = 'after-failure' | 'fix' | 'fix-yes' | 'dry-run';

/** Rounds of diagnose → fix before dockhook gives up: enough for "start failed, here is why". */
export const MAX_ROUNDS = 3;

/** What failed earlier in this run. A fix that just failed is never offered again. */
export interface Failed {
  ids: readonly string[];
  /** Commands (catalogue argv) that exited non-zero: any fix that would run one again is dropped. */
  commands: ReadonlyArray<readonly string[]>;
}

export const NOTHING_FAILED: Failed = { ids: [], commands: [] };

export interface PlanInput {
  diagnosis: Diagnosis;
  /** The daemon answers `/_ping` now. */
  reachable: boolean;
  /** A person can be asked: stderr is a terminal and this is not CI. */
  terminal: boolean;
  autoApply: AutoApply;
  mode: Mode;
  /** 1 for the first diagnosis; each failed fix adds one. */
  round: number;
  failed: Failed;
  maxRounds?: number;
  /** Environment changes reach the calling shell (its hand-back file); false for a bare `dockhook fix`. Default true. */
  handBack?: boolean;
}

/** One fix as the prompt shows it: its number on the screen and the key that picks it. */
export interface Offered {
  number: number;
  fix: Fix;
}

export type Plan =
  /** The daemon answers and nothing was fixed yet: docker failed for its own reasons. */
  | { kind: 'healthy' }
  /** The daemon answers after a fix: re-run the command. */
  | { kind: 'rerun' }
  /** Show the diagnosis and the fixes, apply nothing (`fix --dry-run`). */
  | { kind: 'show'; offered: Offered[] }
  /** No one to ask: one line naming the cause and the first command; nothing is applied. */
  | { kind: 'hint'; offered: Offered[]; fix: Fix | null }
  /** Ask on the terminal. `keys` is what the prompt names, e.g. `[Y/n/2]`. */
  | { kind: 'ask'; offered: Offered[]; preferred: Offered; defaultYes: boolean; keys: string; choices: Offered[]; alternative: Offered | null }
  /** Apply without asking, after showing what runs: autoApply opted in, or `fix --yes`. */
  | { kind: 'apply'; offered: Offered[]; fix: Fix; why: 'auto' | 'yes'; hintFirst: boolean }
  /** The fix only changes the shell's environment and no shell takes it back: the line to run, no question. */
  | { kind: 'tell'; offered: Offered[]; fix: Fix }
  /** Nothing (more) dockhook can do: the diagnosis stands, with its manual fixes if any. */
  | { kind: 'stop'; offered: Offered[]; why: 'no-fix' | 'rounds' };

/** A fix that only changes variables of the shell (DOCKER_HOST, DOCKER_CONTEXT): no command, no file. */
export function envOnly(fix: Fix): boolean {
  return !fix.manual && fix.commands.length === 0 && (fix.files ?? []).length === 0 && Object.keys(fix.env).some((name) => name !== 'DOCKHOOK_GROUP');
}

/** A fix dockhook can carry out (not instructions only). */
export function isRunnable(fix: Fix): boolean {
  return !fix.manual;
}

const sameArgv = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((word, i) => word === b[i]);

/** True when the fix, or one of its commands, already failed in this run. */
export function alreadyFailed(fix: Fix, failed: Failed): boolean {
  if (failed.ids.includes(fix.id)) return true;
  return fix.commands.some((argv) => failed.commands.some((done) => sameArgv(argv, done)));
}

/**
 * Whether a fix may be applied with nobody answering a question. Root-equivalent power is never
 * handed out unasked, and nothing privileged runs without a terminal on which its command is shown
 * (sudo may ask for a password there, and a person can stop it).
 */
export function mayApplyUnasked(fix: Fix, policy: AutoApply | 'yes', terminal: boolean): boolean {
  if (fix.rootEquivalent || fix.manual) return false;
  if (fix.privileged && !terminal) return false;
  if (policy === 'yes' || policy === 'all') return true;
  return policy === 'safe' && isSafe(fix);
}

/** The keys a prompt names: the default in capitals, then the number of every other choice. */
export function promptKeys(defaultYes: boolean, choices: readonly Offered[]): string {
  return `[${[defaultYes ? 'Y/n' : 'y/N', ...choices.map((c) => String(c.number))].join('/')}]`;
}

export function plan(input: PlanInput): Plan {
  const { diagnosis, mode, terminal } = input;
  if (input.reachable) return input.round > 1 ? { kind: 'rerun' } : { kind: 'healthy' };
  const offered: Offered[] = diagnosis.fixes.filter((fix) => !alreadyFailed(fix, input.failed)).map((fix, index) => ({ number: index + 1, fix }));
  const runnable = offered.filter((o) => isRunnable(o.fix));
  const first = runnable[0];
  if (mode === 'dry-run') return { kind: 'show', offered };
  if (input.round > (input.maxRounds ?? MAX_ROUNDS)) return { kind: 'stop', offered, why: 'rounds' };
  if (!first) return { kind: 'stop', offered, why: 'no-fix' };

  // Asking "Apply?" for a change that cannot reach the shell would apply nothing: say the line instead.
  if (input.handBack === false && envOnly(first.fix) && (terminal || mode !== 'after-failure')) return { kind: 'tell', offered, fix: first.fix };
  if (mode === 'fix-yes' && mayApplyUnasked(first.fix, 'yes', terminal)) return { kind: 'apply', offered, fix: first.fix, why: 'yes', hintFirst: !terminal };
  if (mayApplyUnasked(first.fix, input.autoApply, terminal)) return { kind: 'apply', offered, fix: first.fix, why: 'auto', hintFirst: !terminal };
  if (!terminal) return { kind: 'hint', offered, fix: first.fix };

  // The root-equivalent group is offered, but "no" is the default and the safer fix is named.
  const defaultYes = !first.fix.rootEquivalent;
  const choices = runnable.filter((o) => o !== first);
  const alternative = first.fix.rootEquivalent ? (runnable.find((o) => !o.fix.rootEquivalent) ?? null) : null;
  return { kind: 'ask', offered, preferred: first, defaultYes, keys: promptKeys(defaultYes, choices), choices, alternative };
}

export type Answer = { kind: 'yes' } | { kind: 'no' } | { kind: 'choice'; number: number } | { kind: 'no-tty' };

/** The fix an answer picks, or null for no. */
export function chosen(ask: Extract<Plan, { kind: 'ask' }>, answer: Answer): Fix | null {
  if (answer.kind === 'yes') return ask.preferred.fix;
  if (answer.kind === 'choice') {
    if (answer.number === ask.preferred.number) return ask.preferred.fix;
    return ask.choices.find((c) => c.number === answer.number)?.fix ?? null;
  }
  return null;
}

/** How a fix went: its commands, then (for a fix that starts a daemon) the wait for an answer. */
export type Outcome =
  | { kind: 'done' }
  | { kind: 'failed'; argv: readonly string[]; status: number }
  /** The person stopped it (Ctrl-C at sudo's password prompt): stop, ask nothing more. */
  | { kind: 'interrupted'; argv: readonly string[]; status: number }
  /** sudo ran nothing: no password was accepted. The fix is still the right one: offered again. */
  | { kind: 'refused'; argv: readonly string[]; status: number }
  /** The commands ran, but the daemon did not answer in time. */
  | { kind: 'timeout' };

export type Next =
  | { kind: 'rerun' }
  /** Fixed, and nothing to re-run (dockhook fix, retry off, or a fix that needs no re-run). */
  | { kind: 'done' }
  /** Look again: probe, diagnose and plan round `round`, without what failed. */
  | { kind: 're-diagnose'; round: number; failed: Failed }
  | { kind: 'stop'; why: 'interrupted' | 'rounds' };

/**
 * `endpointAnswers`: after a fix that worked, whether the command's endpoint answers now (null:
 * not checked, e.g. a re-run under `sg docker`, which this process cannot check). A fix that ran
 * fine but left the endpoint dead (the rootless setup tool without systemd, a daemon started while
 * docker still points at another socket) is a step, not the end: look again for the next one.
 */
export function afterApply(input: {
  fix: Fix;
  outcome: Outcome;
  mode: Mode;
  retry: boolean;
  round: number;
  failed: Failed;
  maxRounds?: number;
  endpointAnswers?: boolean | null;
}): Next {
  const { fix, outcome, round } = input;
  const last = round >= (input.maxRounds ?? MAX_ROUNDS);
  if (outcome.kind === 'done') {
    if (input.endpointAnswers === false && fix.retry !== 'none' && !last)
      return { kind: 're-diagnose', round: round + 1, failed: { ids: [...input.failed.ids, fix.id], commands: input.failed.commands } };
    if (input.mode !== 'after-failure' || !input.retry || fix.retry === 'none') return { kind: 'done' };
    return { kind: 'rerun' };
  }
  if (outcome.kind === 'interrupted') return { kind: 'stop', why: 'interrupted' };
  if (last) return { kind: 'stop', why: 'rounds' };
  if (outcome.kind === 'refused') return { kind: 're-diagnose', round: round + 1, failed: input.failed };
  const failed: Failed = {
    ids: [...input.failed.ids, fix.id],
    commands: outcome.kind === 'failed' ? [...input.failed.commands, outcome.argv] : input.failed.commands,
  };
  return { kind: 're-diagnose', round: round + 1, failed };
}
