// After docker failed to reach its daemon: diagnose, tell, ask (or auto-apply), fix, re-run.
import type { AppContext } from './context.js';
import { investigate } from './investigate.js';
import { spawn } from 'node:child_process';
import { applyFix } from './apply.js';
import { concreteArgv } from '../core/privilege.js';
import { isReachable } from '../core/diagnose.js';
import { isSafe } from '../core/fixes.js';
import type { Config } from '../core/config-schema.js';
import type { Fix } from '../core/types.js';
import { childEnv, dockerBinary, exitStatus } from '../io/docker.js';
import { askKey, canPrompt } from '../io/prompt.js';
import { commandLine } from '../io/render.js';
import { envChanges, renderFixes } from './present.js';

export interface FailureInput {
  /** docker's arguments, as the user typed them. */
  dockerArgs: readonly string[];
  /** docker's exit status: returned unchanged when nothing is fixed. */
  status: number;
  envOut: string | null;
  /** Ask even without a failed command (dockhook fix), and apply without asking (--yes). */
  mode: 'after-failure' | 'fix' | 'fix-yes' | 'dry-run';
}

export function autoApplies(fix: Fix, policy: Config['autoApply'], interactive: boolean): boolean {
  if (fix.rootEquivalent || fix.manual) return false;
  // Nothing privileged runs where nobody sees it: without a terminal there is no shown command
  // and no one to answer sudo, so a privileged fix is a hint there, whatever the policy says.
  if (fix.privileged && !interactive) return false;
  if (policy === 'all') return true;
  return policy === 'safe' && isSafe(fix);
}

/** Returns the status the caller should exit with. */
export async function handleFailure(ctx: AppContext, input: FailureInput): Promise<number> {
  // Ctrl-C while the probes run means "never mind": leave with docker's own status.
  const leave = () => process.exit(input.mode === 'after-failure' ? input.status : 130);
  process.on('SIGINT', leave);
  const { config } = await ctx.loadConfig();
  const t = ctx.t(config);
  const inv = await investigate(ctx.sys, input.dockerArgs, config, t).finally(() => process.removeListener('SIGINT', leave));
  const standalone = input.mode !== 'after-failure';
  if (isReachable(inv.facts.ping)) {
    // The daemon answers: docker failed for its own reasons, which it has already printed.
    if (standalone) ctx.say(t('cause.healthy', { url: inv.endpoint.url }));
    return standalone ? 0 : input.status;
  }
  const { diagnosis } = inv;
  const c = await ctx.colours();
  const runnable = diagnosis.fixes.filter((f) => !f.manual);
  const first = runnable[0];
  const docker = dockerBinary(ctx.env);
  const shown = commandLine(['docker', ...input.dockerArgs]);
  const interactive = canPrompt(ctx.env, ctx.stderrIsTTY);
  const concrete = (argv: readonly string[]) => concreteArgv(argv, { sudo: config.sudo, uid: ctx.sys.user.uid, dockerBinary: 'docker' });

  if (!interactive && input.mode !== 'fix-yes' && input.mode !== 'dry-run') {
    // No terminal: one short hint, never a question, never a hang.
    const command = !first ? diagnosis.fixes[0]?.title
      : first.commands[0] ? commandLine(concrete(first.commands[0]))
      : Object.keys(first.env).length > 0 ? envChanges(first)
      : first.title;
    ctx.say(command ? t('hint.no-tty', { summary: diagnosis.summary, command }) : t('hint.no-fix', { summary: diagnosis.summary }));
    const auto = first && autoApplies(first, config.autoApply, interactive) ? first : null;
    if (!auto) return standalone ? 1 : input.status;
  }

  const lines = [c.bold(t('prompt.header', { summary: diagnosis.summary }))];
  for (const line of diagnosis.evidence.slice(1)) lines.push(c.dim(`  ${line}`));
  if (diagnosis.fixes.length > 0) lines.push(...renderFixes(diagnosis.fixes, t, c, concrete));
  if (interactive || input.mode === 'dry-run' || input.mode === 'fix-yes') ctx.say(lines.join('\n'));
  if (input.mode === 'dry-run') ctx.say(t('prompt.dry-run'));
  if (!first || input.mode === 'dry-run') return standalone ? 1 : input.status;

  let chosen: Fix | null = null;
  if (input.mode === 'fix-yes' && !first.rootEquivalent && (interactive || !first.privileged)) chosen = first;
  else if (autoApplies(first, config.autoApply, interactive)) {
    ctx.say(t('prompt.auto', { policy: config.autoApply, title: first.title }));
    chosen = first;
  } else if (interactive) {
    if (first.rootEquivalent) {
      const alternative = runnable.find((f) => !f.rootEquivalent);
      ctx.say(c.warn(t('prompt.root-warning')) + (alternative ? ` ${diagnosis.fixes.indexOf(alternative) + 1}. ${alternative.title}` : ''));
    }
    const retrying = config.retry && first.retry !== 'none' && !standalone;
    const question = `  ${retrying ? t('prompt.apply-retry', { command: shown }) : t('prompt.apply')} ${first.rootEquivalent ? t('prompt.choices-no') : t('prompt.choices-yes')} `;
    // A digit picks a fix by the number it is shown with; instructions-only fixes cannot be picked.
    const answer = await askKey(question, !first.rootEquivalent, diagnosis.fixes.length);
    if (answer.kind === 'yes') chosen = first;
    else if (answer.kind === 'choice') chosen = runnable.find((f) => f === diagnosis.fixes[answer.index]) ?? null;
    else if (answer.kind === 'no-tty') ctx.say(t('error.no-tty'));
  }
  if (chosen === null) {
    ctx.say(t('prompt.declined'));
    return standalone ? 1 : input.status;
  }

  const env = { ...ctx.env } as Record<string, string | undefined>;
  const ok = await applyFix(chosen, { config, t, say: ctx.say, env, envOut: input.envOut, uid: ctx.sys.user.uid, dockerBinary: docker });
  if (!ok) return standalone ? 1 : input.status;
  if (standalone || !config.retry || chosen.retry === 'none') return 0;

  ctx.say(t('apply.retrying', { command: shown }));
  if (chosen.retry === 'sg-docker') {
    // sg(1) takes one command string; every argument is quoted for it.
    const status = await runDocker(['sg', 'docker', '-c', commandLine([docker, ...input.dockerArgs])], env);
    ctx.say(t('apply.newgrp'));
    return status;
  }
  return runDocker([docker, ...input.dockerArgs], env);
}

/** The re-run: docker's own stdio, so its output lands exactly where the first run's would. */
function runDocker(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) return resolve(127);
    // Ctrl-C reaches docker straight from the terminal; dockhook only waits for its status.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    const child = spawn(file, args, { stdio: 'inherit', env: childEnv(env) });
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => {
      process.removeListener('SIGINT', ignore);
      resolve(exitStatus(code, signal));
    });
  });
}
