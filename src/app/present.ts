// How fixes read on the terminal: shared by the doctor report and the prompt. Commands are
// shown as they would really run here, in the syntax of the user's shell.
import type { Translate } from '../core/messages/index.js';
import type { Offered } from '../core/plan.js';
import { detachedLine, envLines } from '../core/shell-syntax.js';
import type { Fix, ShellName } from '../core/types.js';
import { commandLine, type Palette } from '../io/render.js';

export function envChanges(fix: Fix, shell: ShellName = 'bash'): string {
  return envLines(shell, fix.env);
}

/** The lines a person would type for a fix, one per command (env changes last). */
export function fixLines(fix: Fix, concrete: (argv: readonly string[]) => string[] = (a) => [...a], shell: ShellName = 'bash'): string[] {
  const lines = fix.commands.map((argv, index) => (fix.detach && index === 0 ? detachedLine(concrete(argv), fix.detach) : commandLine(concrete(argv))));
  // The hand-back variable that makes the shell remember the group is dockhook's own business.
  const env = { ...fix.env };
  delete env.DOCKHOOK_GROUP;
  if (Object.keys(env).length > 0) lines.push(envLines(shell, env));
  return lines;
}

/** `concrete` turns a catalogue argv into what would really run here (sudo swapped or dropped). */
export function renderFixes(
  fixes: readonly Fix[],
  t: Translate,
  c: Palette,
  concrete: (argv: readonly string[]) => string[] = (a) => [...a],
  indent = '  ',
  shell: ShellName = 'bash',
): string[] {
  return renderOffered(
    fixes.map((fix, index) => ({ number: index + 1, fix })),
    t,
    c,
    concrete,
    indent,
    shell,
  );
}

export function renderOffered(
  offered: readonly Offered[],
  t: Translate,
  c: Palette,
  concrete: (argv: readonly string[]) => string[] = (a) => [...a],
  indent = '  ',
  shell: ShellName = 'bash',
): string[] {
  const lines: string[] = [];
  for (const { number, fix } of offered) {
    const marks = [fix.privileged ? t('report.fix-privileged') : null, fix.persistent && !fix.manual && !fix.rootEquivalent ? t('report.fix-lasts') : null]
      .filter(Boolean)
      .join(' ');
    lines.push(`${indent}${number}. ${fix.title}${marks ? ` ${marks}` : ''}`);
    // A file the fix writes is shown whole before the commands that follow it.
    for (const file of fix.files ?? []) {
      lines.push(`${indent}   ${c.cmd(commandLine(concrete(fileWriteArgv(file.path, fix.privileged))))} ${t('report.fix-file')}`);
      for (const row of file.content.replace(/\n$/, '').split('\n')) lines.push(`${indent}     ${c.dim('│')} ${row}`);
    }
    const commands = fix.commands.map((argv, index) => (fix.detach && index === 0 ? detachedLine(concrete(argv), fix.detach) : commandLine(concrete(argv))));
    for (const line of commands) lines.push(`${indent}   ${c.cmd(line)}`);
    const env = { ...fix.env };
    delete env.DOCKHOOK_GROUP;
    if (Object.keys(env).length > 0) lines.push(`${indent}   ${c.cmd(t('report.fix-env', { changes: envLines(shell, env) }))}`);
    // What really runs after the yes: docker through sg(1), not the `newgrp` a person would type.
    if (fix.env.DOCKHOOK_GROUP) lines.push(`${indent}   ${c.cmd(t('report.fix-sg', { group: fix.env.DOCKHOOK_GROUP }))}`);
    // One warning, under the fix it is about, naming the safer choice when there is one.
    if (fix.rootEquivalent) {
      const safer = offered.find((o) => !o.fix.rootEquivalent && o.number !== number);
      lines.push(`${indent}   ${c.warn(safer ? t('report.fix-root-warning-alt', { number: safer.number }) : t('report.fix-root-warning'))}`);
    }
  }
  return lines;
}

/** The question names which fix a yes applies whenever more than one is on the screen, and what the other keys pick. */
export function questionText(
  ask: { offered: readonly Offered[]; preferred: Offered; choices: readonly Offered[] },
  retrying: boolean,
  command: string,
  t: Translate,
): string {
  if (ask.offered.length === 1) return retrying ? t('prompt.apply-retry', { command }) : t('prompt.apply');
  const number = ask.preferred.number;
  const others = ask.choices.map((o) => o.number).join(', ');
  if (others === '') return retrying ? t('prompt.apply-retry-n', { number, command }) : t('prompt.apply-n', { number });
  return retrying ? t('prompt.apply-retry-or', { number, command, others }) : t('prompt.apply-or', { number, others });
}

/** How a file of a fix is written: tee(1) with the shown content on its stdin, through sudo when the fix needs root. */
export function fileWriteArgv(path: string, privileged: boolean): string[] {
  return privileged ? ['sudo', 'tee', path] : ['tee', path];
}

/** The directory a file of a fix goes into is made first. */
export function fileDirArgv(path: string, privileged: boolean): string[] {
  const dir = path.replace(/\/[^/]*$/, '') || '/';
  return privileged ? ['sudo', 'mkdir', '-p', dir] : ['mkdir', '-p', dir];
}
