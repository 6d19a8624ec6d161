// `dockhook doctor [--json] [--logs]`: probe the current endpoint, report, diagnose. The report is the
// point of the command, so it goes to stdout (`dockhook doctor | less`); problems go to stderr.
import { visible } from '../core/visible.js';
import { forLocale, writeOut } from '../io/stderr.js';
import type { AppContext } from '../app/context.js';
import { concreteArgv } from '../core/privilege.js';
import { investigate, type Investigation } from '../app/investigate.js';
import { isReachable } from '../core/diagnose.js';
import { renderFixes } from '../app/present.js';
import type { Translate as AppTranslate } from '../core/messages/index.js';
import type { Palette } from '../io/render.js';
import { endpointSource } from '../core/situation.js';

export function diagnosisJson(inv: Investigation): object {
  const { endpoint, diagnosis } = inv;
  return {
    endpoint: { url: endpoint.url, source: endpoint.source, context: endpoint.context, contextError: endpoint.contextError },
    reachable: isReachable(inv.facts.ping),
    probes: inv.probes,
    diagnosis: {
      cause: diagnosis.cause,
      reason: diagnosis.reason,
      proof: diagnosis.proof,
      summary: diagnosis.summary,
      evidence: diagnosis.evidence,
      fixes: diagnosis.fixes.map((fix) => ({
        id: fix.id,
        title: fix.title,
        commands: fix.commands,
        privileged: fix.privileged,
        env: fix.env,
        persistent: fix.persistent,
        rootEquivalent: fix.rootEquivalent,
        manual: fix.manual,
        // After applying: the endpoint that must answer; a daemon started in the background
        // (its log, PATH additions); commands that are for the person's own shell (newgrp).
        waitFor: fix.waitFor,
        detach: fix.detach,
        personal: fix.personal,
        files: fix.files ?? [],
      })),
    },
  };
}

export async function doctorCommand(ctx: AppContext, options: { json: boolean; logs: boolean }): Promise<number> {
  const { config } = await ctx.loadConfig();
  const t = ctx.t(config);
  const inv = await investigate(ctx.sys, [], config, t);
  const reachable = isReachable(inv.facts.ping);
  if (options.json) {
    const json = diagnosisJson(inv) as Record<string, unknown>;
    if (options.logs) json.logs = { source: inv.facts.logs?.source ?? null, attempt: inv.facts.logs?.attempt ?? [] };
    writeOut(`${JSON.stringify(json, null, 2)}\n`);
    return reachable ? 0 : 1;
  }
  const c = await ctx.colours('stdout');
  const lines = [c.bold(t('report.title')), t('report.endpoint', { url: inv.endpoint.url, source: endpointSource(t, inv.endpoint) })];
  for (const probe of inv.probes)
    lines.push(`  ${probe.ok ? c.ok('✓') : c.bad('✗')} ${probe.id.padEnd(14)} ${visible(probe.detail)} ${c.dim(`${probe.ms} ms`)}`);
  const { diagnosis } = inv;
  const cause = diagnosis.reason ? `${diagnosis.cause} (${diagnosis.reason})` : diagnosis.cause;
  // The cause is coloured after the line is worded: placeholder values are escaped text.
  const causeLine = t('report.cause', { cause, summary: diagnosis.summary });
  lines.push(causeLine.replace(cause, reachable ? c.ok(cause) : c.bad(cause)));
  // The daemon's own line that proves the reason, right under it.
  if (diagnosis.proof)
    lines.push(`  ${c.dim(visible(t(diagnosis.cause === 'rootless-failed' ? 'report.proof-rootless' : 'report.proof', { line: diagnosis.proof })))}`);
  if (!reachable || diagnosis.evidence.length > 3) {
    lines.push(t('report.evidence'));
    // The proof is already under the cause line; the evidence does not repeat it.
    for (const line of diagnosis.evidence) if (!diagnosis.proof || !line.endsWith(diagnosis.proof)) lines.push(`  - ${visible(line)}`);
  }
  if (diagnosis.fixes.length > 0) {
    lines.push(t('report.fixes'));
    lines.push(
      ...renderFixes(
        diagnosis.fixes,
        t,
        c,
        (argv) => concreteArgv(argv, { sudo: config.sudo, uid: ctx.sys.user.uid, dockerBinary: 'docker' }),
        '  ',
        ctx.shell,
      ),
    );
  }
  if (options.logs) lines.push(...logReport(inv, t, c));
  // The report (not the JSON) is for a person: in the locale's characters.
  writeOut(forLocale(`${lines.join('\n')}\n`));
  return reachable ? 0 : 1;
}

/** `--logs`: every line of the latest start attempt, unshortened, and where it was read. */
function logReport(inv: Investigation, t: AppTranslate, c: Palette): string[] {
  const logs = inv.facts.logs;
  if (!logs || logs.source === null || logs.attempt.length === 0) return [t('report.logs-none')];
  // Log text is the daemon's (or anyone's who can write the log file): shown, never obeyed by the terminal.
  return [visible(t('report.logs', { source: logs.source })), ...logs.attempt.map((line) => `  ${c.dim('│')} ${visible(line)}`)];
}
