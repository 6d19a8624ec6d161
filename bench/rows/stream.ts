// Rows 6–7: the stream side. The detector's throughput and memory on a 100 MB BuildKit log
// (in a child Node with --expose-gc, bundled from bench/detector-worker.ts), and the shim
// forwarding 50 MB of stderr byte for byte (pipe mode; pty mode under script(1) reported too).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { compare, errorRow } from '../lib/compare.js';
import { CA_SETTINGS, withCa, type CaSetting } from '../lib/env.js';
import { BenchError, Interrupted, interleave, timeSpawn } from '../lib/measure.js';
import { rounds, type BenchContext } from '../lib/report.js';
import { fmtMiB, median } from '../lib/stats.js';

interface WorkerResult {
  mbPerSec: number;
  bytes: number;
  ms: number;
  detection: { match: boolean; kind?: string };
  memDetection: { match: boolean; kind?: string };
  heap: Array<{ at: number; bytes: number }>;
  peakRss: number;
  gc: boolean;
}

async function bundleWorker(ctx: BenchContext): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = `${ctx.repo}/bench/out/.build/detector-worker.cjs`;
  await build({
    entryPoints: [`${ctx.repo}/bench/detector-worker.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}

export async function detectorRow(ctx: BenchContext): Promise<void> {
  const what = 'detector stream API on a synthetic `docker build` log, 64 KiB chunks';
  const bytes = ctx.quick ? 20_000_000 : 100_000_000;
  const variant = `${bytes / 1e6} MB BuildKit log (plain + TTY progress, UTF-8, near misses), error line split across the last chunk boundary`;
  const samples = ctx.quick ? [2_000_000, 10_000_000, 20_000_000] : [10_000_000, 50_000_000, 100_000_000];
  try {
    if (!existsSync(`${ctx.repo}/src/core/detect.ts`)) throw new BenchError('src/core/detect.ts does not exist yet');
    const worker = await bundleWorker(ctx);
    ctx.progress(`6 detector: bundled ${worker}`);
    const results = new Map<CaSetting, WorkerResult[]>([
      ['set', []],
      ['unset', []],
    ]);
    const variants = CA_SETTINGS.map((ca) => ({
      id: ca,
      run: () => {
        const r = timeSpawn({
          file: 'node',
          args: ['--expose-gc', worker],
          env: withCa(ctx.env, ca, { BENCH_DETECTOR_BYTES: String(bytes), BENCH_DETECTOR_SAMPLES: samples.join(',') }),
          timeoutMs: 300_000,
        });
        const line = r.stdout.trim().split('\n').pop() ?? '';
        const parsed = JSON.parse(line) as WorkerResult;
        results.get(ca)!.push(parsed);
        return parsed.mbPerSec;
      },
    }));
    const n = rounds(ctx, 5, 1);
    ctx.progress(`6 detector: ${n} rounds × 2`);
    await interleave(variants, n, 0);
    for (const ca of CA_SETTINGS) {
      const runs = results.get(ca)!;
      const mbps = median(runs.map((r) => r.mbPerSec));
      // Memory: the median over runs of each sample point, and the growth first → last.
      const points = samples.map((at) => median(runs.map((r) => r.heap.find((h) => h.at === at)?.bytes ?? Number.NaN)));
      const growth = (points[points.length - 1] ?? Number.NaN) - (points[0] ?? Number.NaN);
      const detected = runs.every((r) => r.detection.match && r.memDetection.match);
      const kind = runs[0]?.detection.kind ?? 'none';
      const flat = growth <= 2 * 1048576;
      const fast = mbps >= 200;
      const problems = [
        !fast ? `${mbps.toFixed(0)} MB/s < 200` : null,
        !flat ? `grows ${fmtMiB(growth)}` : null,
        !detected ? 'missed the connection error split across the last chunk boundary' : null,
      ].filter(Boolean);
      ctx.rows.push({
        id: '6',
        what,
        variant,
        ca,
        baseline: '—',
        dockhook: `${mbps.toFixed(0)} MB/s`,
        result: `${mbps.toFixed(0)} MB/s; heap+external ${points.map((p, i) => `${(samples[i]! / 1e6).toFixed(0)} MB: ${fmtMiB(p)}`).join(', ')} (Δ ${fmtMiB(growth)})`,
        target: '≥ 200 MB/s; Δ memory ≤ 2 MiB from first to last sample',
        pass: fast && flat && detected,
        notes: [
          `n=${runs.length}`,
          `MB/s range ${Math.min(...runs.map((r) => r.mbPerSec)).toFixed(0)}–${Math.max(...runs.map((r) => r.mbPerSec)).toFixed(0)}`,
          `end(): match=${runs[0]?.detection.match} kind=${kind}`,
          `peak RSS ${fmtMiB(median(runs.map((r) => r.peakRss)))}`,
          runs[0]?.gc ? 'sampled after gc()' : 'NO gc() (samples noisy)',
          ...problems.map((p) => `FAIL: ${p}`),
        ].join('; '),
      });
      ctx.progress(`   ${ca}: ${mbps.toFixed(0)} MB/s, Δ ${fmtMiB(growth)}, detected ${detected}`);
    }
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    ctx.rows.push(...errorRow('6', what, variant, '≥ 200 MB/s, flat memory', error));
  }
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** 50 MiB of base64 lines (76 columns, like `base64`), written once. */
function payload(dir: string, bytes: number): string {
  const file = `${dir}/payload.b64`;
  const raw = randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 76) lines.push(raw.slice(i, i + 76));
  writeFileSync(file, Buffer.from(`${lines.join('\n')}\n`).subarray(0, bytes - 1));
  writeFileSync(file, '\n', { flag: 'a' });
  return file;
}

/** A one-binary image (busybox) in the bench engine, imported without network. */
function importBusybox(ctx: BenchContext, dir: string): void {
  const root = `${dir}/bb-root`;
  const script = [
    'set -e',
    `rm -rf '${root}'; mkdir -p '${root}/bin'`,
    `cp "$(command -v busybox)" '${root}/bin/busybox'`,
    `for tool in sh cat; do ln -sf busybox '${root}/bin/'$tool; done`,
    `tar -C '${root}' -c . | docker import - bb:latest >/dev/null`,
  ].join('\n');
  const result = spawnSync('sh', ['-c', script], {
    env: { ...ctx.env, DOCKER_HOST: ctx.engine.unixHost, DOCKER_CONFIG: ctx.engine.plainConfig },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`importing busybox into the bench engine failed: ${result.stderr}`);
}

export async function forwardRows(ctx: BenchContext): Promise<void> {
  const bytes = (ctx.quick ? 10 : 50) * 1048576;
  const size = `${bytes / 1048576} MiB`;
  // A bound per run, so a pathological shim cannot stall the bench (quick mode must stay < 60 s).
  const timeoutMs = ctx.quick ? 15_000 : 180_000;
  const dir = ctx.tmp;
  const data = payload(dir, bytes);
  // The bare command is a real docker command streaming a container's stderr (what the shim
  // wraps in life), not `cat` into a file, which the kernel copies without userspace at all.
  importBusybox(ctx, dir);
  const emit = `${dir}/emit-stderr.sh`;
  writeFileSync(
    emit,
    `#!/bin/sh\n# docker streaming ${size} of a container's stderr, exit 0\nDOCKER_HOST='${ctx.engine.unixHost}' DOCKER_CONFIG='${ctx.engine.plainConfig}' exec docker run --rm -i bb:latest /bin/sh -c 'cat >&2' <${data}\n`,
  );
  chmodSync(emit, 0o755);
  const expected = sha256(data);
  // For the breakdown: the detector alone on these bytes, and a Node forwarder without detection.
  let detectorOnly = 'detector alone on this payload: not measured';
  try {
    if (existsSync(`${ctx.repo}/src/core/detect.ts`)) {
      const worker = await bundleWorker(ctx);
      const r = timeSpawn({ file: 'node', args: [worker], env: withCa(ctx.env, 'unset', { BENCH_DETECTOR_FILE: data }), timeoutMs: 300_000 });
      const parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { mbPerSec: number; ms: number };
      detectorOnly = `detector alone on this payload (in-process, 64 KiB pushes): ${parsed.mbPerSec.toFixed(0)} MB/s = ${parsed.ms.toFixed(0)} ms`;
    }
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    detectorOnly = `detector alone on this payload: ${(error as Error).message.split('\n')[0]}`;
  }
  const forwarder = `${dir}/node-forwarder.cjs`;
  writeFileSync(
    forwarder,
    [
      '// The plumbing of the shim without its detector: spawn, read stderr from a pipe, writeSync it to fd 2.',
      "const { spawn } = require('node:child_process');",
      "const { writeSync } = require('node:fs');",
      "const child = spawn(process.argv[2], [], { stdio: ['inherit', 'inherit', 'pipe'] });",
      "child.stderr.on('data', (b) => { let o = 0; while (o < b.length) o += writeSync(2, b, o); });",
      "child.on('close', (code) => { process.exitCode = code ?? 1; });",
      '',
    ].join('\n'),
  );
  const envFor = (ca: CaSetting) => withCa(ctx.env, ca, { DOCKHOOK_DOCKER: emit, DOCKER_HOST: ctx.engine.unixHost, DOCKER_CONFIG: ctx.engine.plainConfig });

  // --- pipe mode: stderr a regular file --------------------------------------------------------
  {
    const what = `shim forwarding ${size} on stderr, byte-identical, vs the bare command`;
    const variant = 'pipe mode (stderr a file)';
    try {
      const mismatches: string[] = [];
      const run = (ca: CaSetting, side: 'bare' | 'shim') => {
        const out = `${dir}/fwd-${side}.out`;
        const fd = openSync(out, 'w');
        try {
          const argv = side === 'bare' ? [emit] : [ctx.bin, 'exec', '--', 'build', '.'];
          const ms = timeSpawn({ file: argv[0]!, args: argv.slice(1), env: envFor(ca), cwd: dir, stdio: ['ignore', 'ignore', fd], timeoutMs }).ms;
          closeSync(fd);
          const got = sha256(out);
          if (got !== expected) mismatches.push(`${side}/${ca}: sha256 ${got.slice(0, 12)} ≠ ${expected.slice(0, 12)}`);
          return ms;
        } finally {
          try {
            closeSync(fd);
          } catch {
            /* closed */
          }
        }
      };
      await compare(ctx, {
        id: '7',
        what,
        variant,
        maxRatio: 1.2,
        rounds: rounds(ctx, 12, 2),
        warmup: ctx.quick ? 0 : 1,
        baselineLabel: 'bare',
        dockhookLabel: 'dockhook exec',
        a: (ca) => run(ca, 'bare'),
        b: (ca) => run(ca, 'shim'),
        extras: [
          {
            key: 'node-forwarder',
            label: 'breakdown: plain Node forwarder, no detector (NODE_EXTRA_CA_CERTS removed, as the launcher does)',
            run: () => {
              const fd = openSync(`${dir}/fwd-node.out`, 'w');
              try {
                return timeSpawn({ file: 'node', args: [forwarder, emit], env: withCa(ctx.env, 'unset'), cwd: dir, stdio: ['ignore', 'ignore', fd], timeoutMs })
                  .ms;
              } finally {
                closeSync(fd);
              }
            },
          },
        ],
        notes: () =>
          `${detectorOnly}; ` +
          (mismatches.length === 0
            ? `all outputs byte-identical (sha256 ${expected.slice(0, 12)}…)`
            : `MISMATCH ×${mismatches.length}: ${mismatches.slice(0, 2).join(', ')}`),
        invalid: () => (mismatches.length === 0 ? null : 'output not byte-identical'),
      });
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      ctx.rows.push(...errorRow('7', what, variant, '≤ 1.20×, byte-identical', error));
    }
  }

  // --- pty mode: under script(1), stderr a terminal ------------------------------------------
  {
    const what = `shim forwarding ${size} on stderr, byte-identical, vs the bare command`;
    const variant = 'pty mode (under `script -qfec`, stderr a terminal; docker gets its own pty)';
    try {
      const hashes = new Map<string, Set<string>>([
        ['bare', new Set()],
        ['shim', new Set()],
      ]);
      const sizes = new Map<string, number[]>([
        ['bare', []],
        ['shim', []],
      ]);
      let prefixes = 0;
      const run = (ca: CaSetting, side: 'bare' | 'shim') => {
        const out = `${dir}/pty-${side}.out`;
        const fd = openSync(out, 'w');
        try {
          const command = side === 'bare' ? emit : `${ctx.bin} exec -- build .`;
          const ms = timeSpawn({
            file: 'script',
            args: ['-qfec', command, '/dev/null'],
            env: envFor(ca),
            cwd: dir,
            stdio: ['ignore', fd, 'pipe'],
            timeoutMs,
          }).ms;
          closeSync(fd);
          hashes.get(side)!.add(sha256(out));
          sizes.get(side)!.push(statSync(out).size);
          if (side === 'shim' && existsSync(`${dir}/pty-bare.out`)) {
            const got = readFileSync(out);
            const want = readFileSync(`${dir}/pty-bare.out`);
            if (got.length < want.length && want.subarray(0, got.length).equals(got)) prefixes += 1;
          }
          return ms;
        } finally {
          try {
            closeSync(fd);
          } catch {
            /* closed */
          }
        }
      };
      // What the terminal should show: the payload through one line discipline (\n → \r\n).
      const crlf = createHash('sha256').update(readFileSync(data).toString('latin1').replace(/\n/g, '\r\n'), 'latin1').digest('hex');
      await compare(ctx, {
        id: '7b',
        what,
        variant,
        maxRatio: 1.2,
        rounds: rounds(ctx, 6, 1),
        warmup: ctx.quick ? 0 : 1,
        baselineLabel: 'bare',
        dockhookLabel: 'dockhook exec',
        a: (ca) => run(ca, 'bare'),
        b: (ca) => run(ca, 'shim'),
        notes: () => {
          const bare = [...hashes.get('bare')!];
          const shim = [...hashes.get('shim')!];
          const same = shim.length === 1 && bare.length === 1 && shim[0] === bare[0];
          const want = Math.max(...sizes.get('bare')!);
          const short = sizes
            .get('shim')!
            .map((n) => want - n)
            .filter((d) => d !== 0);
          const shortText =
            short.length === 0
              ? ''
              : `; shim output short by ${Math.min(...short)}–${Math.max(...short)} bytes in ${short.length} of ${sizes.get('shim')!.length} runs${prefixes > 0 ? `, ${prefixes} of them an exact prefix of the bare output (the tail is lost)` : ''}`;
          return `${same ? 'shim output identical to bare' : `shim output DIFFERS from bare (${shim.length} distinct shim hashes)`}; bare ${bare.length === 1 && bare[0] === crlf ? '= payload with \\n→\\r\\n' : '≠ payload with \\n→\\r\\n'}${shortText}`;
        },
        invalid: () => {
          const bare = [...hashes.get('bare')!];
          const shim = [...hashes.get('shim')!];
          return shim.length === 1 && bare.length === 1 && shim[0] === bare[0] ? null : 'pty output differs from the bare command';
        },
      });
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      ctx.rows.push(...errorRow('7b', what, variant, '≤ 1.20×, byte-identical', error));
    }
  }
}
