// Rows 4–5: the Node side on a dead daemon. `dockhook doctor --json` against `node -e 0`, and the
// shim's time from docker's error line to dockhook's first line (read off a pipe by this
// process with a monotonic clock) against `node -e 0`.
import { spawn } from 'node:child_process';
import { compare, errorRow } from '../lib/compare.js';
import { withCa, type CaSetting } from '../lib/env.js';
import { BenchError, Interrupted, nowMs, timeSpawn } from '../lib/measure.js';
import { rounds, type BenchContext } from '../lib/report.js';
import { fmtMs, median } from '../lib/stats.js';

const DOCKER_ERROR = /Cannot connect to the Docker daemon|connect: no such file or directory|dial unix/;

function nodeZero(ctx: BenchContext, ca: CaSetting): number {
  return timeSpawn({ file: 'node', args: ['-e', '0'], env: withCa(ctx.env, ca) }).ms;
}

interface ShimTiming {
  /** spawn → docker's error line on the pipe. */
  dockerLine: number;
  /** docker's error line → dockhook's first line. */
  delta: number;
  /** spawn → exit. */
  total: number;
  status: number | null;
  firstLine: string;
}

/** Runs the shim with stderr a pipe and timestamps each line as it arrives. */
export function shimLatency(ctx: BenchContext, env: Record<string, string>, args: readonly string[]): Promise<ShimTiming> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(ctx.bin, [...args], { env, cwd: ctx.tmp, stdio: ['ignore', 'ignore', 'pipe'] });
    let buffered = '';
    let dockerAt: number | null = null;
    let dockhookAt: number | null = null;
    let firstLine = '';
    let all = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const at = nowMs();
      all += text;
      buffered += text;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (dockerAt === null && DOCKER_ERROR.test(line) && !line.startsWith('dockhook:')) dockerAt = at;
        if (dockhookAt === null && line.startsWith('dockhook:')) {
          dockhookAt = at;
          firstLine = line;
        }
      }
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const total = nowMs() - t0;
      if (signal === 'SIGINT') return reject(new Interrupted('interrupted'));
      if (dockerAt === null || dockhookAt === null) {
        return reject(
          new BenchError(
            `shim output lacks ${dockerAt === null ? "docker's error line" : 'a dockhook: line'} (exit ${status ?? signal}):\n${all.slice(0, 800)}`,
          ),
        );
      }
      resolve({ dockerLine: dockerAt - t0, delta: dockhookAt - dockerAt, total, status, firstLine });
    });
  });
}

export async function nodeRows(ctx: BenchContext): Promise<void> {
  const dead = `unix://${ctx.tmp}/no-daemon-here.sock`;
  const deadEnv = (ca: CaSetting) => withCa(ctx.env, ca, { DOCKER_HOST: dead, DOCKER_CONFIG: ctx.engine.plainConfig });

  // --- row 4: doctor --json on a dead daemon ---------------------------------------------------
  {
    const what = '`dockhook doctor --json` on a dead daemon vs `node -e 0`';
    const variant = `DOCKER_HOST=${dead.replace(ctx.tmp, '$TMP')}`;
    try {
      const probe = timeSpawn({ file: ctx.bin, args: ['doctor', '--json'], env: deadEnv('unset'), expect: [1], cwd: ctx.tmp });
      const report = JSON.parse(probe.stdout) as { reachable: boolean; diagnosis: { cause: string }; probes: Array<{ id: string; ms: number; ok: boolean }> };
      if (report.reachable !== false) throw new BenchError(`doctor says the dead endpoint is reachable: ${probe.stdout.slice(0, 300)}`);
      const probeMs = new Map<string, number[]>();
      const doctor = (ca: CaSetting) => {
        const r = timeSpawn({ file: ctx.bin, args: ['doctor', '--json'], env: deadEnv(ca), expect: [1], cwd: ctx.tmp });
        if (ca === 'unset') {
          try {
            for (const p of (JSON.parse(r.stdout) as typeof report).probes) probeMs.set(p.id, [...(probeMs.get(p.id) ?? []), p.ms]);
          } catch {
            /* counted as a failure below only if the first parse failed */
          }
        }
        return r.ms;
      };
      await compare(ctx, {
        id: '4',
        what,
        variant,
        maxRatio: 2.0,
        rounds: rounds(ctx, 20, 3),
        baselineLabel: 'node -e 0',
        dockhookLabel: 'doctor',
        a: (ca) => nodeZero(ctx, ca),
        b: doctor,
        extras: [
          {
            key: 'version',
            label: 'breakdown: `dockhook --version` (launcher + Node + bundle)',
            run: (ca) => timeSpawn({ file: ctx.bin, args: ['--version'], env: deadEnv(ca), cwd: ctx.tmp }).ms,
          },
          {
            key: 'config',
            label: '`dockhook config --json` (+ config loading)',
            run: (ca) => timeSpawn({ file: ctx.bin, args: ['config', '--json'], env: deadEnv(ca), cwd: ctx.tmp }).ms,
          },
        ],
        notes: () => {
          const slow = [...probeMs.entries()]
            .map(([id, ms]) => [id, median(ms)] as const)
            .sort((x, y) => y[1] - x[1])
            .slice(0, 3);
          return `cause ${report.diagnosis.cause}; slowest probes (median, in-process): ${slow.map(([id, ms]) => `${id} ${fmtMs(ms)}`).join(', ')}`;
        },
      });
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      ctx.rows.push(...errorRow('4', what, variant, '≤ 2.00×', error));
    }
  }

  // --- row 5: docker's error line → dockhook's first line, through the shim -----------------
  {
    const what = "shim: docker's error line → first `dockhook:` line, vs `node -e 0`";
    const variant = '`dockhook exec -- ps`, stderr a pipe, dead DOCKER_HOST';
    try {
      const extra = new Map<CaSetting, ShimTiming[]>([
        ['set', []],
        ['unset', []],
      ]);
      await compare(ctx, {
        id: '5',
        what,
        variant,
        maxRatio: 2.0,
        rounds: rounds(ctx, 20, 3),
        baselineLabel: 'node -e 0',
        dockhookLabel: 'error→diagnosis',
        a: (ca) => nodeZero(ctx, ca),
        b: async (ca) => {
          const t = await shimLatency(ctx, deadEnv(ca), ['exec', '--', 'ps']);
          extra.get(ca)!.push(t);
          return t.delta;
        },
        notes: (ca) => {
          const runs = extra.get(ca)!;
          const first = runs[0]?.firstLine ?? '';
          return `shim start→docker's line ${fmtMs(median(runs.map((r) => r.dockerLine)))}, total ${fmtMs(median(runs.map((r) => r.total)))}, exit ${runs[0]?.status}; first line: "${first.slice(0, 90)}${first.length > 90 ? '…' : ''}"`;
        },
      });
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      ctx.rows.push(...errorRow('5', what, variant, '≤ 2.00×', error));
    }
  }
}
