// A synthetic but realistic `docker build` (BuildKit) log: plain-progress steps with timestamps,
// apt and npm chatter, compiler command lines (a few hundred characters, now and then a few KB;
// the mean line is about 100 bytes, as in real build logs), UTF-8 (npm's ✔, CJK test names),
// TTY-progress frames full of ANSI cursor sequences and \r, and near misses a detector must
// not take for a daemon-connection error ("Cannot connect to the database", ECONNREFUSED).
// Deterministic (seeded), so every run and every machine feeds the detector the same bytes.

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PACKAGES = [
  'libc6',
  'libssl3',
  'ca-certificates',
  'build-essential',
  'libgcc-12-dev',
  'python3-minimal',
  'libsqlite3-0',
  'zlib1g-dev',
  'git',
  'curl',
  'libcurl4',
  'openssh-client',
  'libpq5',
  'tzdata',
  'locales',
];
const NPM = ['inflight@1.0.6', 'glob@7.2.3', 'rimraf@3.0.2', 'npmlog@6.0.2', 'are-we-there-yet@3.0.1', 'gauge@4.0.4', '@humanwhocodes/config-array@0.11.14'];
const CJK = ['用户登录应当成功', '配置文件缺失时使用默认值', 'ユーザー設定を読み込む', '데이터베이스 연결 재시도'];

export function buildLogText(targetBytes: number, seed = 42): string {
  const rnd = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
    return s;
  };
  const parts: string[] = ['#0 building with "default" instance using docker driver\n\n'];
  let size = parts[0]!.length;
  const push = (line: string) => {
    parts.push(line);
    size += Buffer.byteLength(line);
  };
  let step = 1;
  let t = 0;
  while (size < targetBytes) {
    const n = step++;
    const kind = rnd();
    const ts = () => (t += rnd() * 0.8).toFixed(3);
    if (kind < 0.25) {
      push(`#${n} [${(n % 9) + 1}/9] RUN apt-get update && apt-get install -y --no-install-recommends ${pick(PACKAGES)} ${pick(PACKAGES)}\n`);
      for (let i = 0, k = 20 + Math.floor(rnd() * 60); i < k; i++) {
        const r = rnd();
        if (r < 0.3)
          push(
            `#${n} ${ts()} Get:${i + 1} http://deb.debian.org/debian bookworm/main amd64 ${pick(PACKAGES)} amd64 ${Math.floor(rnd() * 9)}.${Math.floor(rnd() * 40)}-${Math.floor(rnd() * 5)} [${Math.floor(rnd() * 3000)} kB]\n`,
          );
        else if (r < 0.6)
          push(`#${n} ${ts()} Unpacking ${pick(PACKAGES)}:amd64 (${Math.floor(rnd() * 9)}.${Math.floor(rnd() * 40)}-${Math.floor(rnd() * 5)}) ...\n`);
        else if (r < 0.9) push(`#${n} ${ts()} Setting up ${pick(PACKAGES)}:amd64 (${Math.floor(rnd() * 9)}.${Math.floor(rnd() * 40)}) ...\n`);
        else push(`#${n} ${ts()} debconf: delaying package configuration, since apt-utils is not installed\n`);
      }
      push(`#${n} DONE ${(rnd() * 60).toFixed(1)}s\n\n`);
    } else if (kind < 0.45) {
      push(`#${n} [${(n % 9) + 1}/9] RUN npm ci --no-audit\n`);
      for (let i = 0, k = 5 + Math.floor(rnd() * 20); i < k; i++) {
        const r = rnd();
        if (r < 0.5) push(`#${n} ${ts()} npm WARN deprecated ${pick(NPM)}: This module is not supported, and leaks memory. Do not use it.\n`);
        else if (r < 0.7) push(`#${n} ${ts()} \x1b[32m✔\x1b[39m ${pick(CJK)} (${Math.floor(rnd() * 900)} ms)\n`);
        else if (r < 0.85) push(`#${n} ${ts()} npm ERR! Cannot connect to the database at postgres://db:5432 (retrying)\n`);
        else push(`#${n} ${ts()} Error: connect ECONNREFUSED 127.0.0.1:6379 — redis is not running, using the in-memory cache\n`);
      }
      push(`#${n} ${ts()} added ${Math.floor(rnd() * 2000)} packages in ${Math.floor(rnd() * 60)}s\n#${n} DONE ${(rnd() * 60).toFixed(1)}s\n\n`);
    } else if (kind < 0.6) {
      push(`#${n} [${(n % 9) + 1}/9] RUN make -j2\n`);
      for (let i = 0, k = 3 + Math.floor(rnd() * 8); i < k; i++) {
        // Mostly a few hundred characters; now and then a multi-KB command line.
        const count = rnd() < 0.03 ? 60 + Math.floor(rnd() * 100) : 2 + Math.floor(rnd() * 10);
        const flags = Array.from({ length: count }, () => `-I/usr/src/app/third_party/${hex(6)}/include`).join(' ');
        push(`#${n} ${ts()} gcc -O2 -g -Wall -Wextra -fPIC ${flags} -c src/${hex(8)}.c -o build/${hex(8)}.o\n`);
        if (rnd() < 0.3)
          push(
            `#${n} ${ts()} src/${hex(8)}.c:${Math.floor(rnd() * 900)}:${Math.floor(rnd() * 80)}: warning: unused variable ‘${hex(4)}’ [-Wunused-variable]\n`,
          );
      }
      push(`#${n} DONE ${(rnd() * 30).toFixed(1)}s\n\n`);
    } else if (kind < 0.75) {
      // A TTY-mode progress frame: cursor up, clear line, redraw.
      const lines = 4 + Math.floor(rnd() * 6);
      let frame = `\x1b[${lines}A\x1b[0G\x1b[?25l[+] Building ${t.toFixed(1)}s (${n}/40)\x1b[K\r\n`;
      for (let i = 0; i < lines; i++) frame += ` \x1b[34m=> [${(i % 9) + 1}/9] RUN step ${hex(6)}\x1b[0m${' '.repeat(20)}${(rnd() * 9).toFixed(1)}s\x1b[K\r\n`;
      push(`${frame}\x1b[?25h`);
    } else if (kind < 0.9) {
      push(`#${n} [internal] load metadata for docker.io/library/node:20-bookworm\n#${n} DONE ${(rnd() * 3).toFixed(1)}s\n\n`);
      push(`#${n + 1} [1/9] FROM docker.io/library/node:20-bookworm@sha256:${hex(64)}\n`);
      push(`#${n + 1} resolve docker.io/library/node:20-bookworm@sha256:${hex(64)} 0.0s done\n`);
      for (let i = 0, k = 2 + Math.floor(rnd() * 6); i < k; i++)
        push(`#${n + 1} sha256:${hex(64)} ${(rnd() * 50).toFixed(2)}MB / 49.56MB ${(rnd() * 3).toFixed(1)}s\r`);
      push(`\n#${n + 1} extracting sha256:${hex(64)} ${(rnd() * 5).toFixed(1)}s done\n#${n + 1} DONE ${(rnd() * 20).toFixed(1)}s\n\n`);
      step++;
    } else {
      push(
        `#${n} exporting to image\n#${n} exporting layers ${(rnd() * 5).toFixed(1)}s done\n#${n} writing image sha256:${hex(64)} done\n#${n} naming to docker.io/library/app:${hex(7)} done\n#${n} DONE ${(rnd() * 5).toFixed(1)}s\n\n`,
      );
    }
  }
  return parts.join('');
}

/** The error the stream ends with (split across a chunk boundary by `buildLogChunks`). */
export const CONNECTION_ERROR = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

export interface BuildLog {
  /** Distinct bytes, reused cyclically (a multiple of chunkSize, ending in a newline). */
  pool: Buffer;
  /** The last two chunks: log text, then CONNECTION_ERROR starting `straddle` bytes before the boundary. */
  tail: Buffer;
  chunkSize: number;
  chunks: number;
  totalBytes: number;
  chunk(index: number): Buffer;
}

export function buildLogChunks(totalBytes: number, chunkSize = 65536, poolChunks = 128, straddle = 40): BuildLog {
  const poolSize = chunkSize * poolChunks;
  let text = Buffer.from(buildLogText(poolSize));
  // End on a line boundary, then pad with a progress-bar line to exactly poolSize bytes.
  const cut = text.lastIndexOf(0x0a, poolSize - 200);
  text = text.subarray(0, cut + 1);
  const padding = poolSize - text.length;
  const pool = Buffer.concat([text, Buffer.from(`${'='.repeat(padding - 1)}\n`)]);
  if (pool.length !== poolSize) throw new Error(`pool size ${pool.length} != ${poolSize}`);
  const head = pool.subarray(0, chunkSize - straddle - 1);
  const tailText = Buffer.concat([head, Buffer.from(`\n${CONNECTION_ERROR}\n`)]);
  const tail = Buffer.concat([tailText, Buffer.alloc(2 * chunkSize - tailText.length, 0x0a)]);
  const chunks = Math.max(2, Math.ceil(totalBytes / chunkSize));
  return {
    pool,
    tail,
    chunkSize,
    chunks,
    totalBytes: chunks * chunkSize,
    chunk(index: number): Buffer {
      if (index >= chunks - 2) {
        const k = index - (chunks - 2);
        return tail.subarray(k * chunkSize, (k + 1) * chunkSize);
      }
      const k = index % poolChunks;
      return pool.subarray(k * chunkSize, (k + 1) * chunkSize);
    },
  };
}
