// The text of `dockhook --help`, `dockhook help CMD` and `CMD --help`. Pure: the table in
// cli-commands.ts and a Translate in, the text out (cli.ts writes it to stdout).
import { format, type Translate } from './core/messages/index.js';
import { COMMANDS, ENVIRONMENT, type CommandName, type OptionHelp } from './cli-commands.js';

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
// Chinese punctuation that must not start a line (it hangs at the end of the previous one).
const CLOSING = /^[，。、；：！？）」』”’》〉…]$/;
const OPENING = /^[（「『“‘《〈]$/;

/** Columns a string takes on a terminal: CJK and full-width characters take two. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

/**
 * Wraps a paragraph to `max` columns: between words, and between any two CJK characters
 * (Chinese has no spaces), never before closing punctuation. A catalogue message is one line;
 * the help decides where it breaks, so translators need not count columns.
 */
export function wrap(text: string, max = 78): string[] {
  const token = new RegExp(`${WIDE.source}|[^\\s${WIDE.source.slice(1, -1)}]+|\\s+`, 'g');
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const piece of paragraph.match(token) ?? []) {
      if (/^\s/.test(piece)) {
        if (line !== '') line += ' ';
        continue;
      }
      if (line.trim() !== '' && width(line + piece) > max && !CLOSING.test(piece)) {
        // An opening bracket or quote goes down with what it opens.
        const carried = OPENING.test(line.at(-1) ?? '') ? line.at(-1)! : '';
        lines.push(line.slice(0, line.length - carried.length).trimEnd());
        line = carried;
      }
      line += piece;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Two aligned columns; a left cell too wide for the column puts its text on the next line. */
function columns(rows: ReadonlyArray<readonly [string, string]>, limit = 24): string[] {
  const left = Math.min(limit, Math.max(0, ...rows.map(([l]) => width(l))));
  const pad = ' '.repeat(left + 4);
  const lines: string[] = [];
  for (const [l, r] of rows) {
    const [first = '', ...rest] = wrap(r, 78 - left - 4);
    if (width(l) > left) lines.push(`  ${l}`, `${pad}${first}`);
    else lines.push(`  ${l}${' '.repeat(left - width(l))}  ${first}`);
    for (const line of rest) lines.push(`${pad}${line}`);
  }
  return lines;
}

/** The metavariables of the synopses ({file}, {command}, …) in the reader's language. */
function metaVariables(t: Translate) {
  return {
    file: t('help.meta.file'),
    n: 'N',
    text: t('help.meta.text'),
    dockerArgs: t('help.meta.docker-args'),
    command: t('help.meta.command'),
    options: t('help.meta.options'),
  };
}

function flags(name: string, option: Pick<OptionHelp, 'short' | 'value'>, meta: Record<string, string>): string {
  const long = `--${name}${option.value ? ` ${format(option.value, meta)}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

function usage(t: Translate, synopsis: readonly string[]): string[] {
  const meta = metaVariables(t);
  const indent = ' '.repeat(width(t('help.usage', { synopsis: '' })));
  return synopsis.map((line, i) => (i === 0 ? t('help.usage', { synopsis: format(line, meta) }) : `${indent}${format(line, meta)}`));
}

export function commandHelp(t: Translate, name: CommandName): string {
  const spec = COMMANDS[name];
  const meta = metaVariables(t);
  const out = [...usage(t, spec.synopsis), '', ...wrap(t(spec.description)), ''];
  const options: Array<[string, string]> = Object.entries(spec.options as Record<string, OptionHelp>).map(([n, o]) => [flags(n, o, meta), t(o.help)]);
  options.push(['-h, --help', t('help.opt.help')]);
  out.push(t('help.options'), ...columns(options), '');
  if (spec.examples.length > 0)
    out.push(
      t('help.examples'),
      ...columns(
        spec.examples.map(([c, a]) => [c, t(a)] as const),
        30,
      ),
      '',
    );
  out.push(
    t('help.exit'),
    ...columns(
      spec.exits.map(([s, a]) => [s, t(a)] as const),
      6,
    ),
  );
  return `${out.join('\n')}\n`;
}

const MAIN: readonly CommandName[] = ['doctor', 'fix', 'init', 'classify', 'config', 'help'];
const PLUMBING: readonly CommandName[] = ['exec', 'check'];

export function overviewHelp(t: Translate): string {
  const name = (n: CommandName) => (n === 'version' ? '--version' : n);
  const out = [
    ...wrap(t('help.tagline')),
    '',
    ...usage(t, ['dockhook {command} [{options}]']),
    '',
    t('help.commands'),
    ...columns(
      [...MAIN, 'version' as const].map((n) => [name(n), t(COMMANDS[n].about)] as const),
      10,
    ),
    '',
    t('help.plumbing'),
    ...columns(
      PLUMBING.map((n) => [n, t(COMMANDS[n].about)] as const),
      10,
    ),
    '',
    t('help.environment'),
    ...columns(
      ENVIRONMENT.map(([n, a]) => [n, t(a)] as const),
      26,
    ),
    '',
    t('help.examples'),
    ...columns(
      [
        ['dockhook doctor', t('help.ex.doctor')],
        ['eval "$(dockhook init bash)"', t('help.ex.init-bash')],
        ['dockhook fix --dry-run', t('help.ex.fix-dry-run')],
      ],
      30,
    ),
    '',
    t('help.more'),
  ];
  return `${out.join('\n')}\n`;
}
