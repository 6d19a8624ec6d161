// How fixes read on the terminal: shared by the doctor report and the prompt.
import type { Translate } from '../core/messages/index.js';
import type { Fix } from '../core/types.js';
import { commandLine, type Palette } from '../io/render.js';

export function envChanges(fix: Fix): string {
  return Object.entries(fix.env)
    .map(([name, value]) => (value === null ? `unset ${name}` : `export ${name}=${commandLine([value])}`))
    .join('; ');
}

/** `concrete` turns a catalogue argv into what would really run here (sudo swapped or dropped). */
export function renderFixes(fixes: readonly Fix[], t: Translate, c: Palette, concrete: (argv: readonly string[]) => string[] = (a) => [...a], indent = '  '): string[] {
  const lines: string[] = [];
  fixes.forEach((fix, index) => {
    const marks = [fix.privileged ? t('report.fix-privileged') : null, fix.rootEquivalent ? c.warn(t('report.fix-root-equivalent')) : null].filter(Boolean).join(' ');
    lines.push(`${indent}${index + 1}. ${fix.title}${marks ? ` ${marks}` : ''}`);
    for (const argv of fix.commands) lines.push(`${indent}   ${c.cmd(commandLine(concrete(argv)))}`);
    if (Object.keys(fix.env).length > 0) lines.push(`${indent}   ${c.cmd(t('report.fix-env', { changes: envChanges(fix) }))}`);
  });
  return lines;
}
