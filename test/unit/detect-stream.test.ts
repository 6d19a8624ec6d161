import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, StreamDetector } from '../../src/core/detect.js';
import { HEAD_BYTES, StderrWatch } from '../../src/core/stderr-watch.js';
import type { Detection } from '../../src/core/types.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const D1 = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

const fixtures = ['stderr', 'lookalikes'].flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, FIXTURES))
    .filter((file) => file.endsWith('.txt'))
    .sort()
    .map((file) => ({ name: `${folder}/${file.slice(0, -'.txt'.length)}`, bytes: readFileSync(new URL(`${folder}/${file}`, FIXTURES)) })),
);

function detectChunks(chunks: readonly (Buffer | string)[], windowBytes?: number): Detection {
  const detector = new StreamDetector(windowBytes === undefined ? undefined : { windowBytes });
  for (const chunk of chunks) detector.push(chunk);
  return detector.end();
}

/** A small deterministic PRNG (mulberry32), so a failing chunking can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(bytes: Buffer, random: () => number, maxSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const size = 1 + Math.floor(random() * maxSize);
    chunks.push(bytes.subarray(start, start + size));
    start += size;
  }
  return chunks;
}

describe('StreamDetector: chunk boundaries anywhere', () => {
  it.each(fixtures)('$name: a split at every byte position gives the verdict of the whole text', ({ bytes }) => {
    const whole = classify(bytes.toString('utf8'));
    for (let at = 0; at <= bytes.length; at++) {
      expect(detectChunks([bytes.subarray(0, at), bytes.subarray(at)]), `split at byte ${at}`).toEqual(whole);
    }
  });

  it.each(fixtures)('$name: one byte at a time gives the verdict of the whole text', ({ bytes }) => {
    const chunks = Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
    expect(detectChunks(chunks)).toEqual(classify(bytes.toString('utf8')));
  });

  it('random chunkings of every fixture give the verdict of the whole text', () => {
    const random = randomSource(20260823);
    for (const { name, bytes } of fixtures) {
      const whole = classify(bytes.toString('utf8'));
      for (let round = 0; round < 20; round++) {
        expect(detectChunks(randomChunks(bytes, random, 48)), `${name} round ${round}`).toEqual(whole);
      }
    }
  });

  it('splits inside multi-byte characters', () => {
    const bytes = Buffer.from(`\u001b[32m用户@主机\u001b[0m:~/项目 🐳$ docker ps\n${D1}\n`);
    const insideCharacter = [...bytes.keys()].filter((index) => ((bytes[index] ?? 0) & 0xc0) === 0x80);
    expect(insideCharacter.length).toBeGreaterThan(10);
    for (const at of insideCharacter) {
      expect(detectChunks([bytes.subarray(0, at), bytes.subarray(at)])).toMatchObject({ match: true, line: D1 });
    }
  });

  it('splits inside ANSI escapes', () => {
    const text = `\u001b[2K\u001b[1m\u001b[31mERROR\u001b[0m: ${D1}\n`;
    const bytes = Buffer.from(text);
    for (let at = 1; at < 12; at++) {
      expect(detectChunks([bytes.subarray(0, at), bytes.subarray(at)]), `split at ${at}`).toMatchObject({ match: true, line: `ERROR: ${D1}` });
    }
  });

  it('takes a CR and a LF in different chunks as one line end', () => {
    const rows = ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker', ' daemon running?'];
    const detection = detectChunks([`${rows[0]}\r`, `\n${rows[1]}\r`, '\n']);
    expect(detection).toMatchObject({ match: true, line: D1 });
    expect(detectChunks(['a\r', '\n', '\n', `${D1}\n`])).toEqual(classify(`a\r\n\n${D1}\n`));
  });

  it('decodes invalid UTF-8 the same in pieces as at once', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xe2, 0x82, 0x41, 0xf0, 0x9f]),
      Buffer.from(` ${D1} `),
      Buffer.from([0xc3]),
      Buffer.from('\n'),
      Buffer.from([0xe2, 0x82]),
    ]);
    const whole = detectChunks([bytes]);
    expect(whole).toMatchObject({ match: true });
    for (let at = 0; at <= bytes.length; at++) expect(detectChunks([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(whole);
  });
});

describe('StreamDetector: skipping lines without needles', () => {
  // Fed one line per push, the detector has nothing to skip: each push is a stretch of one line. That is
  // the reference the skipping of longer stretches (classify, big chunks) must agree with.
  function lineByLine(document: string): Detection {
    return detectChunks(document.match(/[^\r\n]*(?:\r\n|\r|\n|$)/g) ?? []);
  }

  it('gives the verdict of reading every line, on random documents', () => {
    const random = randomSource(4242);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const fixtureLines = fixtures.flatMap(({ bytes }) => bytes.toString('utf8').split(/\r\n|\r|\n/));
    const buildLines = buildkitMebibyte(9).toString('utf8').split('\n').slice(0, 300);
    const messages = fixtureLines.filter((line) => line.length > 60);
    const wrapped = (line: string): string[] => {
      const width = 40 + Math.floor(random() * 80);
      const rows: string[] = [];
      for (let start = 0; start < line.length; start += width) rows.push(line.slice(start, start + width));
      return rows;
    };
    for (let round = 0; round < 400; round++) {
      const lines: string[] = [];
      const length = 2 + Math.floor(random() * 60);
      while (lines.length < length) {
        const choice = random();
        if (choice < 0.45) lines.push(pick(buildLines));
        else if (choice < 0.7) lines.push(pick(fixtureLines));
        else if (choice < 0.85) lines.push(...wrapped(pick(messages)));
        else if (choice < 0.92) lines.push('');
        else lines.push('q'.repeat(40 + Math.floor(random() * 60)));
      }
      const ending = random() < 0.3 ? '\r\n' : '\n';
      const document = lines.join(ending) + (random() < 0.5 ? ending : '');
      const reference = lineByLine(document);
      expect(classify(document), `round ${round}`).toEqual(reference);
      expect(detectChunks(randomChunks(Buffer.from(document), random, 700)), `round ${round}`).toEqual(reference);
    }
  });
});

describe('StreamDetector: client-setup wordings near the start only', () => {
  const MIB = 1024 * 1024;
  const contextError = 'Failed to initialize: unable to resolve docker endpoint: context "gone": context not found';

  /** `before` bytes of build log, then `line`: the line starts at stream offset `before`. */
  function after(before: number, line: string): Buffer {
    const filler = buildkitLog(Math.ceil(before / MIB) + 1).subarray(0, before);
    const cut = filler.lastIndexOf(0x0a, before - 2) + 1;
    const padding = Buffer.from(`${'.'.repeat(before - cut - 1)}\n`);
    return Buffer.concat([filler.subarray(0, cut), padding, Buffer.from(`${line}\n`)]);
  }

  it('finds a context error in the first MiB and not after it, whatever the chunking', () => {
    const random = randomSource(99);
    for (const [offset, found] of [
      [MIB - 200, true],
      [MIB - 1, true],
      [MIB, false],
      [MIB + 300, false],
    ] as const) {
      const stream = after(offset, contextError);
      expect(stream.indexOf(contextError)).toBe(offset);
      const whole = detectChunks([stream]);
      expect(whole.match, `offset ${offset}`).toBe(found);
      for (let round = 0; round < 5; round++) expect(detectChunks(randomChunks(stream, random, 200_000))).toEqual(whole);
    }
  });

  it('finds connection errors at any offset', () => {
    expect(detectChunks([after(3 * MIB, D1)])).toMatchObject({ match: true, line: D1 });
  });
});

describe('StreamDetector: the verdict', () => {
  it('keeps the first error docker printed and ignores the rest', () => {
    const detector = new StreamDetector();
    detector.push('permission denied while trying to connect to the docker API at unix:///var/run/docker.sock\n');
    detector.push(`${D1}\n`);
    expect(detector.detection).toMatchObject({ kind: 'permission-denied' });
    expect(detector.retainedSize).toBe(0);
    detector.push('Cannot connect to the Docker daemon at tcp://10.0.0.5:2375. Is the docker daemon running?\n');
    expect(detector.end()).toMatchObject({ kind: 'permission-denied', endpoint: 'unix:///var/run/docker.sock' });
  });

  it('judges the logical line being assembled when asked before end()', () => {
    const detector = new StreamDetector();
    detector.push('#1 [internal] load build definition from Dockerfile\n');
    expect(detector.detection).toEqual({ match: false });
    detector.push(`ERROR: ${D1.slice(0, 40)}`);
    expect(detector.detection).toEqual({ match: false });
    detector.push(`${D1.slice(40)}\n`);
    expect(detector.detection).toMatchObject({ match: true, kind: 'daemon-unreachable' });
    expect(detector.end()).toMatchObject({ match: true, line: `ERROR: ${D1}` });
  });

  it('finds a last line that has no line break', () => {
    expect(detectChunks(['#2 DONE 0.1s\n', D1])).toMatchObject({ match: true, line: D1 });
  });

  it('is final after end()', () => {
    const detector = new StreamDetector();
    detector.push('all good\n');
    expect(detector.end()).toEqual({ match: false });
    detector.push(`${D1}\n`);
    expect(detector.end()).toEqual({ match: false });
    expect(detector.detection).toEqual({ match: false });
  });

  it('takes decoded text as well as bytes', () => {
    expect(detectChunks([D1.slice(0, 10), Buffer.from(D1.slice(10))])).toMatchObject({ match: true, line: D1 });
  });

  it('cuts a line longer than a quarter of the window to its head and still reads the lines after it', () => {
    const long = `#9 ${'x'.repeat(3 * 1024 * 1024)}`;
    expect(detectChunks([long, '\n', `${D1}\n`])).toMatchObject({ match: true, line: D1 });
    expect(detectChunks([`${D1} ${'y'.repeat(1024 * 1024)}\n`])).toMatchObject({ match: true, kind: 'daemon-unreachable' });
  });
});

/** A `docker build` log as BuildKit prints it without a TTY (plain progress), one MiB of distinct lines. */
function buildkitMebibyte(seed: number): Buffer {
  const packages = ['curl', 'ca-certificates', 'git', 'python3', 'build-essential', 'libssl-dev', 'libgnutls30', 'openssh-client'];
  const lines: string[] = [];
  let size = 0;
  for (let step = 1; size < 1024 * 1024; step++) {
    const id = (seed * 7919 + step) % 997;
    const hash = (id * 2654435761).toString(16).padStart(8, '0').repeat(8);
    const group = [
      `#${id} [${(step % 4) + 1}/4] RUN apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`,
      `#${id} 0.512 Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]`,
      `#${id} 0.733 Get:2 http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]`,
      `#${id} 1.204 Fetched 9035 kB in 1s (7043 kB/s)`,
      `#${id} 2.101 Setting up ${packages[step % packages.length] ?? 'curl'} (7.88.1-10+deb12u5) ...`,
      `#${id} [internal] load metadata for docker.io/library/node:20-bookworm`,
      `#${id} resolve docker.io/library/python:3.12-slim@sha256:${hash} 0.0s done`,
      `#${id} sha256:${hash} 29.13MB / 29.13MB 1.2s done`,
      `#${id} extracting sha256:${hash} 0.9s done`,
      `#${id} DONE 3.4s`,
    ];
    if (step % 500 === 0) group.push(`#${id} [internal] load build context`, `#${id} transferring context: 2.31kB done`);
    for (const line of group) {
      lines.push(line);
      size += line.length + 1;
    }
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function buildkitLog(mebibytes: number): Buffer {
  const unique = [buildkitMebibyte(1), buildkitMebibyte(2), buildkitMebibyte(3)];
  const log = Buffer.allocUnsafe(mebibytes * (unique[0]?.length ?? 0) + 1024 * 1024 * 3);
  let offset = 0;
  for (let index = 0; index < mebibytes; index++) offset += (unique[index % unique.length] ?? Buffer.alloc(0)).copy(log, offset);
  return log.subarray(0, offset);
}

describe('StreamDetector: memory bounded by the window', () => {
  it('holds at most the window however long the stream, and the same at 64 MiB as at 1 MiB', () => {
    const windowBytes = 16 * 1024;
    const random = randomSource(7);
    const pathological = Buffer.from(
      [
        `#3 ${'z'.repeat(2 * 1024 * 1024)}`, // one line far longer than the window
        ...Array.from({ length: 20000 }, () => 'q'.repeat(199)), // rows a terminal could have wrapped: one endless logical line
        ...Array.from({ length: 20000 }, (_, index) => `${index}% [=====>    ] \r`), // progress overwritten in place
        '',
      ].join('\n'),
    );
    const stream = [buildkitLog(32), pathological, buildkitLog(28), Buffer.from(`ERROR: ${D1}\n`)];
    const detector = new StreamDetector({ windowBytes });
    let pushed = 0;
    let peakAtOneMebibyte = 0;
    let peak = 0;
    for (const part of stream) {
      for (const chunk of randomChunks(part, random, 256 * 1024)) {
        detector.push(chunk);
        pushed += chunk.length;
        peak = Math.max(peak, detector.retainedSize);
        if (pushed <= 1024 * 1024) peakAtOneMebibyte = peak;
      }
    }
    expect(pushed).toBeGreaterThan(64 * 1024 * 1024);
    expect(peak).toBeLessThanOrEqual(windowBytes);
    expect(peakAtOneMebibyte).toBeGreaterThan(0);
    console.log(`retained at most ${peak} over ${(pushed / 1048576).toFixed(0)} MiB (window ${windowBytes}; ${peakAtOneMebibyte} after the first MiB)`);
    expect(detector.end()).toMatchObject({ match: true, line: `ERROR: ${D1}` });
  }, 120_000);

  it('honours a smaller window', () => {
    const detector = new StreamDetector({ windowBytes: 2048 });
    for (let index = 0; index < 2000; index++) {
      detector.push(`#${index} ${'w'.repeat(index % 700)}\n`);
      expect(detector.retainedSize).toBeLessThanOrEqual(2048);
    }
    detector.push(`${D1}\n`);
    expect(detector.end()).toMatchObject({ match: true, line: D1 });
  });
});

describe('StreamDetector: throughput', () => {
  it('scans a 100 MiB BuildKit log quickly (printed, with only a loose floor)', () => {
    const log = buildkitLog(100);
    const chunkSize = 64 * 1024;
    let best = 0;
    for (let round = 0; round < 3; round++) {
      const detector = new StreamDetector();
      const started = process.hrtime.bigint();
      for (let offset = 0; offset < log.length; offset += chunkSize) detector.push(log.subarray(offset, offset + chunkSize));
      const verdict = detector.end();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      expect(verdict).toEqual({ match: false });
      best = Math.max(best, log.length / 1048576 / seconds);
    }
    console.log(`StreamDetector: ${best.toFixed(0)} MB/s on a ${(log.length / 1048576).toFixed(0)} MiB BuildKit log in 64 KiB chunks`);
    expect(best).toBeGreaterThanOrEqual(20);

    const detector = new StreamDetector();
    for (let offset = 0; offset < log.length; offset += chunkSize) detector.push(log.subarray(offset, offset + chunkSize));
    detector.push(`ERROR: ${D1}\n`);
    expect(detector.end()).toMatchObject({ match: true, kind: 'daemon-unreachable', endpoint: 'unix:///var/run/docker.sock' });
  }, 120_000);
});

describe('StderrWatch: what the shim hands the detector', () => {
  const noise = (bytes: number) =>
    Buffer.from('#7 12.3 Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n'.repeat(Math.ceil(bytes / 72))).subarray(0, bytes);
  const error = Buffer.from('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');

  it('finds the error at the start', () => {
    const watch = new StderrWatch();
    watch.push(error);
    watch.push(noise(3 * HEAD_BYTES));
    expect(watch.end()).toMatchObject({ match: true, kind: 'daemon-unreachable' });
  });

  it('finds the error at the end of a long stream (the daemon died mid-build)', () => {
    const watch = new StderrWatch();
    for (let i = 0; i < 40; i += 1) watch.push(noise(64 * 1024));
    watch.push(error);
    expect(watch.end()).toMatchObject({ match: true, endpoint: 'unix:///var/run/docker.sock' });
  });

  it('ignores an error buried in the middle of a long stream', () => {
    const watch = new StderrWatch();
    watch.push(noise(2 * HEAD_BYTES));
    watch.push(error);
    watch.push(noise(2 * HEAD_BYTES));
    expect(watch.end().match).toBe(false);
  });
});
