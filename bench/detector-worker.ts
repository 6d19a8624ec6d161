// Runs in its own Node process (bundled by bench/run.ts, started with --expose-gc): feeds the
// StreamDetector a synthetic BuildKit log in 64 KiB chunks and prints one JSON line:
//   { mbPerSec, bytes, ms, heap: [{ at, bytes }], detection }
// The timed pass pushes views into a pre-generated pool (so only the detector is timed); the
// memory pass pushes a fresh Buffer per chunk, as a real stream does, so a detector that keeps
// its chunks (or concatenates them) shows up as growth.
import { readFileSync } from 'node:fs';
import { StreamDetector } from '../src/core/detect.js';
import { buildLogChunks, type BuildLog } from './lib/buildlog.js';

const totalBytes = Number(process.env.BENCH_DETECTOR_BYTES ?? 100_000_000);
const samplesAt = (process.env.BENCH_DETECTOR_SAMPLES ?? '10000000,50000000,100000000').split(',').map(Number);

const gc = (globalThis as { gc?: () => void }).gc;

function footprint(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  // heapUsed alone would miss a detector that keeps Buffers (they live outside the JS heap).
  return m.heapUsed + m.external;
}

function timed(log: BuildLog, chunks: number): { ms: number; bytes: number; detection: unknown } {
  const detector = new StreamDetector();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < chunks; i++) detector.push(log.chunk(i));
  const detection = detector.end();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, bytes: chunks * log.chunkSize, detection };
}

function memory(log: BuildLog): { heap: Array<{ at: number; bytes: number }>; detection: unknown; peakRss: number } {
  const heap: Array<{ at: number; bytes: number }> = [];
  const detector = new StreamDetector();
  const pending = [...samplesAt].sort((a, b) => a - b);
  let pushed = 0;
  let peakRss = 0;
  for (let i = 0; i < log.chunks; i++) {
    detector.push(Buffer.from(log.chunk(i)));
    pushed += log.chunkSize;
    while (pending.length > 0 && pushed >= pending[0]!) {
      heap.push({ at: pending.shift()!, bytes: footprint() });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
  const detection = detector.end();
  return { heap, detection, peakRss };
}

const file = process.env.BENCH_DETECTOR_FILE;
if (file) {
  // Throughput only, on the bytes of a given file (row 7 uses it to split the shim's time).
  const data = readFileSync(file);
  const size = 65536;
  const chunks = Math.ceil(data.length / size);
  const fileLog = { chunkSize: size, chunks, chunk: (i: number) => data.subarray(i * size, Math.min(data.length, (i + 1) * size)) } as unknown as BuildLog;
  timed(fileLog, Math.max(1, Math.floor(chunks / 5)));
  const run = timed(fileLog, chunks);
  process.stdout.write(`${JSON.stringify({ mbPerSec: data.length / 1e6 / (run.ms / 1000), bytes: data.length, ms: run.ms, detection: run.detection })}\n`);
  process.exit(0);
}

const log = buildLogChunks(totalBytes);
// Warm-up (JIT) on a fifth of the stream, not timed.
timed(log, Math.max(2, Math.floor(log.chunks / 5)));
const run = timed(log, log.chunks);
const mem = memory(log);
process.stdout.write(
  `${JSON.stringify({
    mbPerSec: run.bytes / 1e6 / (run.ms / 1000),
    bytes: run.bytes,
    ms: run.ms,
    detection: run.detection,
    memDetection: mem.detection,
    heap: mem.heap,
    peakRss: mem.peakRss,
    gc: gc !== undefined,
  })}\n`,
);
