// Timing: one process start, timed from the parent with a monotonic high-resolution clock, and
// an interleaving driver so that every variant of a row is measured in every round (rotating
// the order each round), which cancels drift from whatever else the machine is doing.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export class BenchError extends Error {}
export class Interrupted extends Error {}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface TimedRun {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface SpawnSpec {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdio for the child; stdin defaults to ignore. Pipes are collected (and shown on failure). */
  stdio?: SpawnSyncOptions['stdio'];
  /** exit statuses that count as success (default [0]). */
  expect?: readonly number[];
  timeoutMs?: number;
}

/** Runs once and returns the wall time; throws BenchError on an unexpected status. */
export function timeSpawn(spec: SpawnSpec): TimedRun {
  const stdio = spec.stdio ?? ['ignore', 'pipe', 'pipe'];
  const t0 = process.hrtime.bigint();
  const result = spawnSync(spec.file, [...spec.args], {
    env: spec.env,
    cwd: spec.cwd,
    stdio,
    maxBuffer: 64 * 1024 * 1024,
    timeout: spec.timeoutMs ?? 120_000,
  });
  const t1 = process.hrtime.bigint();
  const stdout = result.stdout ? result.stdout.toString() : '';
  const stderr = result.stderr ? result.stderr.toString() : '';
  if (result.signal === 'SIGINT') throw new Interrupted('interrupted');
  if (result.error) throw new BenchError(`${spec.file} ${spec.args.join(' ')}: ${result.error.message}`);
  const expect = spec.expect ?? [0];
  if (result.status === null || !expect.includes(result.status)) {
    throw new BenchError(
      `${spec.file} ${spec.args.join(' ')} exited ${result.status ?? result.signal} (expected ${expect.join('/')})\n` +
        `stdout: ${stdout.slice(0, 600)}\nstderr: ${stderr.slice(0, 1200)}`,
    );
  }
  return { ms: Number(t1 - t0) / 1e6, status: result.status, stdout, stderr };
}

export interface Variant {
  id: string;
  /** One measurement in ms (or any unit: the driver only collects numbers). */
  run: () => number | Promise<number>;
}

/**
 * Every round runs every variant once, in an order rotated by the round number and reversed
 * on odd rounds, so no variant is always first or always after the same neighbour.
 */
export async function interleave(variants: readonly Variant[], rounds: number, warmup = 1, onRound?: (round: number) => void): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(variants.map((v) => [v.id, []]));
  for (let round = -warmup; round < rounds; round++) {
    const r = round < 0 ? 0 : round;
    const rotated = variants.map((_, i) => variants[(i + r) % variants.length]!);
    const order = r % 2 === 1 ? rotated.reverse() : rotated;
    for (const variant of order) {
      // Let signal handlers run between measurements (a Ctrl-C is handled at the next one).
      await new Promise((resolve) => setImmediate(resolve));
      const value = await variant.run();
      if (round >= 0) out.get(variant.id)!.push(value);
    }
    if (round >= 0) onRound?.(round);
  }
  return out;
}
