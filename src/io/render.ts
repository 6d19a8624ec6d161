// Human output on stderr: colour only when stderr is a colour terminal, and never when
// NO_COLOR is set (no-color.org) unless FORCE_COLOR says otherwise.
import type { ChalkInstance } from 'chalk';

export interface Palette {
  ok: (s: string) => string;
  bad: (s: string) => string;
  warn: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
  cmd: (s: string) => string;
}

export function colourLevel(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n >= 1 && n <= 3 ? (n as 1 | 2 | 3) : 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return /truecolor|24bit/i.test(env.COLORTERM ?? '') ? 3 : /256/.test(env.TERM ?? '') ? 2 : 1;
}

const plain: Palette = { ok: (s) => s, bad: (s) => s, warn: (s) => s, dim: (s) => s, bold: (s) => s, cmd: (s) => s };

export async function palette(level: 0 | 1 | 2 | 3): Promise<Palette> {
  if (level === 0) return plain;
  const { Chalk } = await import('chalk');
  const c: ChalkInstance = new Chalk({ level });
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, bold: c.bold, cmd: c.cyan };
}

// Quoting is pure and lives in the core; re-exported for the edges that print commands.
export { commandLine, shellQuote, shellWords } from '../core/quote.js';
