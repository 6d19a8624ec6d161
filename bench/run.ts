// `npm run bench`: dockhook's performance targets, measured against a real Docker engine this
// script starts (and always stops), every row twice (NODE_EXTRA_CA_CERTS set and unset), both
// sides of every comparison interleaved round by round, medians reported.
//
//   npm run bench                      full run (about 10–15 minutes on 2 cores)
//   BENCH_QUICK=1 npm run bench        smoke run for CI (< 60 s): few rounds, 5× loops, 20 MB detector
//   BENCH_ONLY=shells,node,detector,forward   run only these groups
//   BENCH_ROUNDS_SCALE=2               twice the rounds everywhere
//
// The table goes to stdout and to bench/out/latest.md. Exit status: 1 when a row or check fails
// (in quick mode only for correctness failures: integration not loading, bytes differing,
// detector missing the error, or a row that could not be measured), 2 on a harness error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type Engine } from './lib/engine.js';
import { baseEnv, caBundle } from './lib/env.js';
import { BenchError, Interrupted } from './lib/measure.js';
import { renderChecks, renderTable, type BenchContext } from './lib/report.js';
import { nodeRows } from './rows/node.js';
import { shellRows } from './rows/shells.js';
import { detectorRow, forwardRows } from './rows/stream.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
const scale = Number(process.env.BENCH_ROUNDS_SCALE ?? '1') || 1;
const only = new Set(
  (process.env.BENCH_ONLY ?? 'shells,node,detector,forward')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const started = Date.now();

const progress = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

let engine: Engine | null = null;
let tmp: string | null = null;
function cleanup(): void {
  try {
    engine?.stop();
  } catch (error) {
    process.stderr.write(`bench: stopping dockerd: ${(error as Error).message}\n`);
  }
  engine = null;
  if (tmp && process.env.BENCH_KEEP_TMP !== '1') rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}
process.on('exit', cleanup);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping the engine\n`);
    cleanup();
    process.exit(code);
  });
}

function versionOf(file: string, args: string[]): string {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr || '').trim().split('\n')[0] ?? '?';
}

async function main(): Promise<number> {
  const needsDist = only.has('node') || only.has('forward');
  if (needsDist && !existsSync(`${repo}/dist/cli.cjs`)) throw new BenchError('dist/cli.cjs is missing: run `npm run build` (npm run bench does)');
  tmp = mkdtempSync(`${tmpdir()}/dockhook-bench-`);
  const home = `${tmp}/home`;
  // The install path users get: install.sh and `npm install -g` both make
  // PREFIX/bin/dockhook -> ../lib/node_modules/dockhook/bin/dockhook, PREFIX/bin on PATH. The
  // package directory is this checkout, linked as `npm install -g .` links a folder.
  const prefix = `${tmp}/prefix`;
  const binDir = `${prefix}/bin`;
  mkdirSync(home, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  mkdirSync(`${prefix}/lib/node_modules`, { recursive: true });
  symlinkSync(repo, `${prefix}/lib/node_modules/dockhook`);
  symlinkSync('../lib/node_modules/dockhook/bin/dockhook', `${binDir}/dockhook`);
  const env = baseEnv({ home, binDir });
  const load0 = loadavg();

  progress(`starting dockerd in ${tmp}/engine`);
  engine = await startEngine(`${tmp}/engine`, env, { removeOnExit: process.env.BENCH_KEEP_TMP === '1' ? null : tmp });
  progress(`dockerd ${engine.version} up: ${engine.unixHost}, ${engine.tcpHost}`);

  const ctx: BenchContext = { repo, bin: `${repo}/bin/dockhook`, tmp, binDir, env, engine, quick, scale, rows: [], checks: [], progress };
  if (only.has('shells')) await shellRows(ctx);
  if (only.has('node')) await nodeRows(ctx);
  if (only.has('detector')) await detectorRow(ctx);
  if (only.has('forward')) await forwardRows(ctx);

  const order = ['1', '2', '3', '4', '5', '6', '7', '7b'];
  const rows = [...ctx.rows].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const load1 = loadavg();
  const header = [
    `# dockhook bench — ${quick ? 'QUICK smoke run (few rounds: indicative only)' : 'full run'}`,
    '',
    `- ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s; ${cpus().length} CPUs; load average ${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at end`,
    `- node ${process.version} (\`${versionOf('node', ['-p', 'process.execPath'])}\`); docker client ${versionOf('docker', ['--version'])} (\`${versionOf('sh', ['-c', 'command -v docker'])}\`); dockerd ${engine.version} (private: --storage-driver=vfs --bridge=none, own socket, tcp port and context)`,
    `- ${versionOf('bash', ['--version'])}; ${versionOf('zsh', ['--version'])}; ${versionOf('fish', ['--version'])}`,
    `- NODE_EXTRA_CA_CERTS "set" = \`${caBundle() ?? '(no bundle found)'}\`; "unset" = removed from the environment. The launcher parks the variable before starting Node; \`node -e 0\` pays for it.`,
    '- Every comparison: A and B (and both CA settings) measured in every round, order rotated per round; medians of the rounds; "paired B/A" is the median of the per-round ratios.',
    '',
    '',
  ].join('\n');
  const checks = renderChecks(ctx.checks);
  const text = `${header}${renderTable(rows)}\n${checks ? `\n## Checks\n\n${checks}\n` : ''}`;
  process.stdout.write(`\n${text}`);
  mkdirSync(`${repo}/bench/out`, { recursive: true });
  writeFileSync(`${repo}/bench/out/latest.md`, text);
  writeFileSync(`${repo}/bench/out/latest-${quick ? 'quick' : 'full'}.md`, text);
  progress(`table written to bench/out/latest.md (and latest-${quick ? 'quick' : 'full'}.md)`);

  const failedRows = rows.filter((r) => r.pass === false);
  const failedChecks = ctx.checks.filter((c) => !c.pass);
  const correctness = failedRows.filter((r) => /INVALID|ERROR|FAIL: missed/.test(r.notes));
  const rowIds = [...new Set(failedRows.map((r) => `${r.id} (${r.variant}, CA ${r.ca})`))];
  progress(`${rows.length - failedRows.length}/${rows.length} rows pass, ${ctx.checks.length - failedChecks.length}/${ctx.checks.length} checks pass`);
  if (failedRows.length > 0) progress(`failing rows: ${rowIds.join('; ')}`);
  if (quick) return correctness.length > 0 || failedChecks.length > 0 ? 1 : 0;
  return failedRows.length > 0 || failedChecks.length > 0 ? 1 : 0;
}

main().then(
  (status) => {
    cleanup();
    process.exitCode = status;
  },
  (error: unknown) => {
    cleanup();
    if (error instanceof Interrupted) {
      process.exitCode = 130;
      return;
    }
    process.stderr.write(`bench: ${error instanceof BenchError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exitCode = 2;
  },
);
