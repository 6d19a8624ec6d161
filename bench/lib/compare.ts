// The common shape of a row: side A (the baseline) against side B (with dockhook), each with
// NODE_EXTRA_CA_CERTS set and unset, all four measured in every round, interleaved.
import { CA_SETTINGS, type CaSetting } from './env.js';
import { interleave } from './measure.js';
import type { BenchContext, Row } from './report.js';
import { fmtMs, fmtRatio, median, pairedRatios, quantile } from './stats.js';

export interface Comparison {
  id: string;
  what: string;
  variant: string;
  /** B/A must be at most this. */
  maxRatio: number;
  rounds: number;
  warmup?: number;
  baselineLabel: string;
  dockhookLabel: string;
  /** One measurement of A (ms) for the given CA setting. */
  a: (ca: CaSetting) => number | Promise<number>;
  b: (ca: CaSetting) => number | Promise<number>;
  /** Extra notes for the row (called after measuring). */
  notes?: (ca: CaSetting, a: readonly number[], b: readonly number[]) => string;
  /** Marks the row as information only (no PASS/FAIL of its own). */
  infoOnly?: boolean;
  /** A reason the measurement is invalid (the row then fails whatever the numbers say). */
  invalid?: (ca: CaSetting) => string | null;
  /** More sides measured in the same rounds, for the notes only (a breakdown of B − A). */
  extras?: ReadonlyArray<{ key: string; label: string; run: (ca: CaSetting) => number | Promise<number> }>;
}

export interface ComparisonResult {
  a: Record<CaSetting, number[]>;
  b: Record<CaSetting, number[]>;
}

export async function compare(ctx: BenchContext, c: Comparison): Promise<ComparisonResult> {
  const variants = CA_SETTINGS.flatMap((ca) => [
    { id: `a:${ca}`, run: () => c.a(ca) },
    { id: `b:${ca}`, run: () => c.b(ca) },
    ...(c.extras ?? []).map((x) => ({ id: `x:${x.key}:${ca}`, run: () => x.run(ca) })),
  ]);
  ctx.progress(`${c.id} ${c.what} — ${c.variant}: ${c.rounds} rounds × ${variants.length}`);
  const samples = await interleave(variants, c.rounds, c.warmup ?? 1);
  const result: ComparisonResult = { a: { set: [], unset: [] }, b: { set: [], unset: [] } };
  for (const ca of CA_SETTINGS) {
    const a = samples.get(`a:${ca}`) ?? [];
    const b = samples.get(`b:${ca}`) ?? [];
    result.a[ca] = a;
    result.b[ca] = b;
    const ratio = median(b) / median(a);
    const paired = pairedRatios(a, b);
    const notes = [
      `n=${a.length}`,
      `paired B/A median ${fmtRatio(median(paired))} (IQR ${fmtRatio(quantile(paired, 0.25))}–${fmtRatio(quantile(paired, 0.75))})`,
      `A IQR ${fmtMs(quantile(a, 0.25))}–${fmtMs(quantile(a, 0.75))}, B IQR ${fmtMs(quantile(b, 0.25))}–${fmtMs(quantile(b, 0.75))}`,
    ];
    for (const x of c.extras ?? []) notes.push(`${x.label}: ${fmtMs(median(samples.get(`x:${x.key}:${ca}`) ?? []))}`);
    const extra = c.notes?.(ca, a, b);
    if (extra) notes.push(extra);
    const invalid = c.invalid?.(ca) ?? null;
    if (invalid) notes.unshift(`INVALID: ${invalid}`);
    const row: Row = {
      id: c.id,
      what: c.what,
      variant: c.variant,
      ca,
      baseline: `${c.baselineLabel}: ${fmtMs(median(a))}`,
      dockhook: `${c.dockhookLabel}: ${fmtMs(median(b))}`,
      result: fmtRatio(ratio),
      target: `≤ ${c.maxRatio.toFixed(2)}×`,
      pass: invalid ? false : c.infoOnly ? null : ratio <= c.maxRatio,
      notes: notes.join('; '),
    };
    ctx.rows.push(row);
    ctx.progress(`   ${ca}: A ${fmtMs(median(a))}  B ${fmtMs(median(b))}  ${fmtRatio(ratio)}`);
  }
  return result;
}

/** A row that could not be measured: reported as a failure with the reason. */
export function errorRow(id: string, what: string, variant: string, target: string, error: unknown): Row[] {
  const message = error instanceof Error ? error.message : String(error);
  return CA_SETTINGS.map((ca) => ({
    id,
    what,
    variant,
    ca,
    baseline: '—',
    dockhook: '—',
    result: 'not measured',
    target,
    pass: false,
    notes: `ERROR: ${message.split('\n').slice(0, 3).join(' / ').slice(0, 400)}`,
  }));
}
