// Misses and false fires of the detector on the real transcripts in test/fixtures, per set
// (the sidecar's "set": "seed" when absent, "dev" for those the detector was widened from,
// "held-out" for those gathered first and only measured). Run: npx tsx scripts/measure-detector.ts
// DETECT_MODULE=path/to/detect.ts measures another version of the detector on the same files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Verdict {
  match: boolean;
  kind?: string;
  endpoint?: string | null;
}
const modulePath = resolve(process.env.DETECT_MODULE ?? 'src/core/detect.ts');
const { classify } = (await import(pathToFileURL(modulePath).href)) as { classify: (text: string) => Verdict };

const root = resolve('test/fixtures');
type Row = { set: string; positives: number; missed: string[]; wrongKind: string[]; lookalikes: number; fired: string[] };
const rows = new Map<string, Row>();
const row = (set: string): Row => {
  let r = rows.get(set);
  if (r === undefined) rows.set(set, (r = { set, positives: 0, missed: [], wrongKind: [], lookalikes: 0, fired: [] }));
  return r;
};

for (const folder of ['stderr', 'lookalikes']) {
  for (const file of readdirSync(join(root, folder))
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const name = file.slice(0, -4);
    const meta = JSON.parse(readFileSync(join(root, folder, `${name}.json`), 'utf8')) as Record<string, unknown>;
    if ('derivedFrom' in meta) continue;
    const r = row(String(meta.set ?? 'seed'));
    const verdict = classify(readFileSync(join(root, folder, file), 'utf8'));
    if (folder === 'stderr') {
      r.positives += 1;
      if (!verdict.match) r.missed.push(name);
      else if (verdict.kind !== meta.kind) r.wrongKind.push(`${name} (${verdict.kind}, want ${String(meta.kind)})`);
    } else {
      r.lookalikes += 1;
      if (verdict.match) r.fired.push(`${name} (${verdict.kind})`);
    }
  }
}

for (const r of rows.values()) {
  console.log(
    `${r.set}: ${r.positives} positives, missed ${r.missed.length}, wrong kind ${r.wrongKind.length}; ${r.lookalikes} lookalikes, fired on ${r.fired.length}`,
  );
  for (const n of r.missed) console.log(`  missed      ${n}`);
  for (const n of r.wrongKind) console.log(`  wrong kind  ${n}`);
  for (const n of r.fired) console.log(`  fired       ${n}`);
}
