// What the rows produce and how the table is drawn.
import type { CaSetting } from './env.js';
import type { Engine } from './engine.js';

export interface Row {
  /** Row of the table, e.g. "1". */
  id: string;
  what: string;
  /** Which shell / endpoint / mode. */
  variant: string;
  ca: CaSetting;
  baseline: string;
  dockhook: string;
  result: string;
  target: string;
  /** null: reported for information, no target of its own. */
  pass: boolean | null;
  notes: string;
}

export interface Check {
  what: string;
  pass: boolean;
  detail: string;
}

export interface BenchContext {
  repo: string;
  /** Absolute path of bin/dockhook. */
  bin: string;
  tmp: string;
  /** Directory with the `dockhook` symlink (first on PATH in `env`). */
  binDir: string;
  env: Record<string, string>;
  engine: Engine;
  quick: boolean;
  /** Multiplies every row's number of rounds (BENCH_ROUNDS_SCALE). */
  scale: number;
  rows: Row[];
  checks: Check[];
  progress(message: string): void;
}

export function rounds(ctx: BenchContext, full: number, quick: number): number {
  return Math.max(1, Math.round((ctx.quick ? quick : full) * ctx.scale));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(rows: readonly Row[]): string {
  const head = '| # | what | variant | NODE_EXTRA_CA_CERTS | baseline (median) | dockhook (median) | ratio / value | target | result | notes |';
  const sep = '| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- | --- |';
  const lines = rows.map((r) => {
    const verdict = r.pass === null ? 'info' : r.pass ? 'PASS' : '**FAIL**';
    return `| ${[r.id, r.what, r.variant, r.ca, r.baseline, r.dockhook, r.result, r.target, verdict, r.notes].map(cell).join(' | ')} |`;
  });
  return [head, sep, ...lines].join('\n');
}

export function renderChecks(checks: readonly Check[]): string {
  if (checks.length === 0) return '';
  const lines = checks.map((c) => `| ${cell(c.what)} | ${c.pass ? 'PASS' : '**FAIL**'} | ${cell(c.detail)} |`);
  return ['| check | result | detail |', '| --- | --- | --- |', ...lines].join('\n');
}
