// After docker failed to reach its daemon: diagnose, then carry out the response plan
// (core/plan.ts) — hint, ask, auto-apply, wait for a started daemon, re-run — and when a fix
// fails or the daemon does not answer in time, look again and go round with what is new.
import type { AppContext } from './context.js';
import { endpointFor, investigate } from './investigate.js';
import { spawn } from 'node:child_process';
import { applyFix } from './apply.js';
import { concreteArgv } from '../core/privilege.js';
import { isReachable } from '../core/diagnose.js';
import { afterApply, chosen, envOnly, mayApplyUnasked, NOTHING_FAILED, plan, type Failed, type Mode, type Offered, type Plan } from '../core/plan.js';
import type { Config } from '../core/config-schema.js';
import type { Fix } from '../core/types.js';
import { childEnv, dockerBinary, dockerExitStatus } from '../io/docker.js';
import { askKey, canPrompt, ROOT_EQUIVALENT_SETTLE_MS } from '../io/prompt.js';
import { progress } from '../io/progress.js';
import { commandLine, shellWords } from '../io/render.js';
import { realSystem } from '../io/system.js';
import { systemDaemonGone } from '../probes/service.js';
import { fixLines, questionText, renderOffered } from './present.js';
import { realClock, waitUntilAnswers } from './wait.js';

export interface FailureInput {
  /** docker's arguments, as the user typed them. */
  dockerArgs: readonly string[];
  /** docker's exit status: returned unchanged when nothing is fixed. */
  status: number;
  envOut: string | null;
  /** Ask even without a failed command (dockhook fix), and apply without asking (--yes). */
  mode: Mode;
}

/** Whether autoApply alone (no question) would apply this fix; `interactive`: a terminal shows it. */
export function autoApplies(fix: Fix, policy: Config['autoApply'], interactive: boolean): boolean {
  return mayApplyUnasked(fix, policy, interactive);
}

/** Returns the status the caller should exit with. */
export async function handleFailure(ctx: AppContext, input: FailureInput): Promise<number> {
  const { config } = await ctx.loadConfig();
  const t = ctx.t(config);
  const standalone = input.mode !== 'after-failure';
  const unfixed = standalone ? 1 : input.status;
  const c = await ctx.colours();
  const docker = dockerBinary(ctx.env);
  const shown = commandLine(['docker', ...input.dockerArgs]);
  const terminal = canPrompt(ctx.env, ctx.stderrIsTTY);
  const concrete = (argv: readonly string[]) => concreteArgv(argv, { sudo: config.sudo, uid: ctx.sys.user.uid, dockerBinary: 'docker' });
  // Fixes change the environment (DOCKER_HOST, the group to re-run with): later rounds and the
  // re-run see the changed one.
  const env = { ...ctx.env } as Record<string, string | undefined>;
  let round = 1;
  let failed: Failed = NOTHING_FAILED;
  let lastFix: Fix | null = null;

  for (;;) {
    // Ctrl-C while the probes run means "never mind": leave with docker's own status.
    const leave = () => process.exit(input.mode === 'after-failure' ? input.status : 130);
    process.on('SIGINT', leave);
    const sys = round === 1 ? ctx.sys : realSystem(env);
    const inv = await investigate(sys, input.dockerArgs, config, t).finally(() => process.removeListener('SIGINT', leave));
    const { diagnosis } = inv;
    const next = plan({
      diagnosis,
      reachable: isReachable(inv.facts.ping),
      terminal,
      autoApply: config.autoApply,
      mode: input.mode,
      round,
      failed,
      handBack: input.envOut !== null,
    });

    const block = (offered: readonly Offered[]) => {
      const lines = [c.bold(t('prompt.header', { summary: diagnosis.summary }))];
      for (const line of diagnosis.evidence.slice(1)) lines.push(c.dim(`  ${line}`));
      lines.push(...renderOffered(offered, t, c, concrete, '  ', ctx.shell));
      ctx.say(lines.join('\n'));
    };

    let fix: Fix | null = null;
    switch (next.kind) {
      case 'healthy':
        // The daemon answers: docker failed for its own reasons, which it has already printed.
        if (standalone) ctx.say(t('cause.healthy', { url: inv.endpoint.url }));
        return standalone ? 0 : input.status;
      case 'rerun':
        // It answers now (it only needed longer, or the last fix worked after all).
        return finish(lastFix);
      case 'show':
        block(next.offered);
        ctx.say(t('prompt.dry-run'));
        return unfixed;
      case 'hint':
        ctx.say(hintLine(next, diagnosis.summary));
        return unfixed;
      case 'tell':
        block(next.offered);
        ctx.say(t('prompt.env-run', { changes: fixLines(next.fix, concrete, ctx.shell).join('; ') }));
        return unfixed;
      case 'stop':
        if (terminal || round > 1) block(next.offered);
        else ctx.say(hintLine(next, diagnosis.summary));
        if (round > 1 && next.why === 'rounds') ctx.say(t('stop.rounds', { rounds: round - 1 }));
        else if (round > 1) ctx.say(t(next.offered.length > 0 ? 'stop.no-fix' : 'stop.nothing'));
        return unfixed;
      case 'apply':
        if (next.hintFirst) ctx.say(hintLine(next, diagnosis.summary));
        else block(next.offered);
        if (next.why === 'auto') ctx.say(t('prompt.auto', { policy: config.autoApply, title: next.fix.title }));
        fix = next.fix;
        break;
      case 'ask': {
        // The root-equivalent warning stands under the group fix itself (present.ts).
        block(next.offered);
        const retrying = config.retry && next.preferred.fix.retry !== 'none' && !standalone;
        const question = `  ${questionText(next, retrying, shown, t)} ${next.keys} `;
        // A yes that grants root-equivalent rights waits a visible moment (io/prompt.ts).
        const answer = await askKey(question, next.defaultYes, next.offered.length, {
          settleMs: next.preferred.fix.rootEquivalent ? ROOT_EQUIVALENT_SETTLE_MS : 0,
          settleKeys: ['y', 'Y', String(next.preferred.number)],
        });
        if (answer.kind === 'no-tty') ctx.say(t('error.no-tty'));
        fix = chosen(next, answer.kind === 'choice' ? { kind: 'choice', number: answer.index + 1 } : answer);
        if (fix === null) {
          ctx.say(t('prompt.declined'));
          return unfixed;
        }
        break;
      }
    }

    const applied = await applyFix(fix, { config, t, say: ctx.say, env, envOut: input.envOut, uid: ctx.sys.user.uid, dockerBinary: docker, shell: ctx.shell });
    let outcome = applied.outcome;
    if (outcome.kind === 'done' && fix.waitFor !== null) {
      // A start of the system service (sudo … start): its daemon can be watched for going away.
      const service = fix.privileged && applied.background === null && fix.detach === null;
      const waited = await waitForDaemon(fix.waitFor, applied.background, service);
      if (waited === 'interrupted') outcome = { kind: 'interrupted', argv: [], status: 130 };
      else if (waited === 'timeout') outcome = { kind: 'timeout' };
    }
    // Only then re-run: does the command's endpoint (as the changed environment resolves it) answer?
    let endpointAnswers: boolean | null = null;
    if (outcome.kind === 'done' && fix.retry === 'plain') {
      const endpoint = endpointFor(realSystem(env), input.dockerArgs);
      // A context that still cannot be read answers nothing, whatever its fallback url does.
      endpointAnswers =
        endpoint.contextError === null && isReachable(await ctx.sys.ping(endpoint.url, { timeoutMs: config.probeTimeoutMs, tls: endpoint.tls }));
    }
    const then = afterApply({ fix, outcome, mode: input.mode, retry: config.retry, round, failed, endpointAnswers });
    lastFix = fix;
    switch (then.kind) {
      case 'done':
        return 0;
      case 'rerun':
        return finish(fix);
      case 'stop':
        if (then.why === 'rounds') ctx.say(t('stop.rounds', { rounds: round }));
        // Ctrl-C at sudo's password prompt: nothing ran; the step stays the person's to take.
        else if (outcome.kind === 'interrupted' && outcome.argv.length > 0)
          ctx.say(t('stop.step-yours', { command: fixLines(fix, concrete, ctx.shell).join(' && ') }));
        return unfixed;
      case 're-diagnose':
        ctx.say(t('loop.again'));
        round = then.round;
        failed = then.failed;
        break;
    }
  }

  /** The one-line version, for when no one can be asked. */
  function hintLine(p: Extract<Plan, { kind: 'hint' | 'stop' | 'apply' }>, summary: string): string {
    const first = p.kind === 'stop' ? p.offered[0]?.fix : p.fix;
    const command = !first ? null : first.manual ? first.title : (fixLines(first, concrete, ctx.shell)[0] ?? first.title);
    if (command && first && envOnly(first)) return t('hint.no-tty-env', { summary, command });
    return command ? t('hint.no-tty', { summary, command }) : t('hint.no-fix', { summary });
  }

  /**
   * Waits for a started daemon, with a live line on a terminal. Ctrl-C stops the wait (only). It
   * ends early when waiting cannot help: the socket refuses this user (the daemon is up: look
   * again at once), or the daemon started has gone (a detached one exited; a service's dockerd is
   * gone or the service failed, checked once a second).
   */
  async function waitForDaemon(url: string, background: { exited: () => boolean } | null, service: boolean): Promise<'answered' | 'timeout' | 'interrupted'> {
    const limit = Math.round(config.startTimeoutMs / 1000);
    const indicator = progress(ctx.stderrIsTTY, (seconds) => t('wait.progress', { url, seconds, limit }), t('wait.start', { url, limit }));
    let interrupted = false;
    const stop = () => {
      interrupted = true;
    };
    process.on('SIGINT', stop);
    // A service script may return a moment before its dockerd exists (on a busy machine, seconds):
    // "gone" counts from 4 s on, and only when two looks a second apart agree.
    let nextCheck = 3000;
    let goneBefore = false;
    const result = await waitUntilAnswers(url, config.startTimeoutMs, {
      ping: ctx.sys.ping,
      clock: realClock,
      progress: indicator,
      gaveUp: async (elapsed) => {
        if (interrupted || background?.exited() === true) return true;
        if (!service || elapsed < nextCheck) return false;
        nextCheck = elapsed + 1000;
        const gone = await systemDaemonGone(ctx.sys, config.probeTimeoutMs);
        const agreed = gone && goneBefore;
        goneBefore = gone;
        return agreed;
      },
    }).finally(() => process.removeListener('SIGINT', stop));
    const seconds = (result.ms / 1000).toFixed(1);
    if (result.answered) indicator.end(ctx.stderrIsTTY ? undefined : t('wait.answered', { url, seconds }));
    else if (interrupted) indicator.end(t('wait.interrupted', { url }));
    else if (result.ended === 'denied') indicator.end(t('wait.denied', { url }));
    else indicator.end(result.ended === 'gone' ? t('wait.exited', { url }) : t('wait.timeout', { url, limit }));
    return result.answered ? 'answered' : interrupted ? 'interrupted' : 'timeout';
  }

  /** The re-run after a fix: plainly, or under `sg docker` when the group is not in this session yet. */
  async function finish(fix: Fix | null): Promise<number> {
    if (standalone || !config.retry) return 0;
    ctx.say(t('apply.retrying', { command: shown }));
    if (fix?.retry === 'sg-docker') return runDocker(sgArgv(docker, input.dockerArgs), env);
    return runDocker([docker, ...input.dockerArgs], env);
  }
}

/**
 * sg(1) takes one command string, run by /bin/sh -c; every argument is quoted for it. `exec`: docker
 * replaces that shell, so Ctrl-C reaches docker alone (sg's own waiting parent ignores SIGINT) and
 * docker's status is what sg returns — a shell between them would die of the SIGINT (130) while
 * docker, which forwards it to the container, may still finish with 0.
 */
export function sgArgv(docker: string, dockerArgs: readonly string[], group = 'docker'): string[] {
  return ['sg', group, '-c', shellWords(['exec', docker, ...dockerArgs])];
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
      resolve(dockerExitStatus(code, signal));
    });
  });
}
