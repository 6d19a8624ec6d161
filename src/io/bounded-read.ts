// Reads files that someone other than root may control (a home directory, a docker config
// directory, a shared config path) without hanging on them and without being flooded:
// - opened O_NONBLOCK, so a FIFO opens at once instead of waiting for a writer that never comes
//   (a blocking open in libuv's thread pool would also keep the process from ever exiting:
//   Node joins those threads at exit);
// - anything but a regular file (FIFO, device, socket, directory) is refused after fstat of
//   that same descriptor;
// - at most `limit` bytes are read (or, for logs, the last `limit` bytes).
import * as fs from 'node:fs';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type ReadRefusal = 'missing' | 'not-regular' | 'too-large' | 'unreadable';
export type BoundedRead = { ok: true; text: string } | { ok: false; reason: ReadRefusal; message: string };

/** 4 MiB: far above any docker or dockhook config, far below anything that floods. */
export const READ_LIMIT = 4 * 1024 * 1024;

/** Kernel pseudo-files (size 0 in fstat) are read up to this much. */
const PSEUDO_LIMIT = 64 * 1024;

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

function refusal(error: unknown): BoundedRead {
  const e = error as NodeJS.ErrnoException;
  return { ok: false, reason: e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'missing' : 'unreadable', message: e.message };
}

export interface ReadOptions {
  limit?: number;
  /** Larger files: read their last `limit` bytes instead of refusing them. */
  tail?: boolean;
}

/** What to read, once fstat has spoken: a refusal, or the offset and the buffer to fill. */
function readPlan(path: string, info: fs.Stats, limit: number, tail: boolean): { start: number; buffer: Buffer } | BoundedRead {
  if (!info.isFile()) return { ok: false, reason: 'not-regular', message: `${path} is not a regular file` };
  if (info.size > limit && !tail) return tooLarge(path, limit);
  const start = info.size > limit ? info.size - limit : 0;
  // One byte more than allowed tells a file that grew past the limit since fstat. /proc and /sys
  // files say size 0 and still hold text (/proc/PID/comm): read those up to PSEUDO_LIMIT.
  const size = info.size === 0 ? Math.min(PSEUDO_LIMIT, limit) : Math.min(info.size - start, limit);
  return { start, buffer: Buffer.alloc(size + 1) };
}

/** The text read, or a refusal for a file that grew past the limit while it was read. */
function readResult(path: string, buffer: Buffer, length: number, limit: number, tail: boolean): BoundedRead {
  if (length > limit && !tail) return tooLarge(path, limit);
  return { ok: true, text: buffer.toString('utf8', 0, Math.min(length, limit)) };
}

function tooLarge(path: string, limit: number): BoundedRead {
  return { ok: false, reason: 'too-large', message: `${path} is larger than ${limit} bytes` };
}

/** Synchronous: for the few small reads the endpoint needs before anything else can run. */
export function readBoundedSync(path: string, options: ReadOptions = {}): BoundedRead {
  const limit = options.limit ?? READ_LIMIT;
  const tail = options.tail === true;
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (error) {
    return refusal(error);
  }
  try {
    const plan = readPlan(path, fstatSync(fd), limit, tail);
    if ('ok' in plan) return plan;
    const { start, buffer } = plan;
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, start + length);
      if (n === 0) break;
      length += n;
    }
    return readResult(path, buffer, length, limit, tail);
  } catch (error) {
    return refusal(error);
  } finally {
    closeSync(fd);
  }
}

const call = <T>(work: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => work((error, value) => (error ? reject(error) : resolve(value as T))));

/** Asynchronous (a slow file system delays only this read): the same rules. */
export async function readBounded(path: string, options: ReadOptions = {}): Promise<BoundedRead> {
  const limit = options.limit ?? READ_LIMIT;
  const tail = options.tail === true;
  let fd: number;
  try {
    fd = await call<number>((done) => fs.open(path, FLAGS, done));
  } catch (error) {
    return refusal(error);
  }
  try {
    const plan = readPlan(path, await call<fs.Stats>((done) => fs.fstat(fd, done)), limit, tail);
    if ('ok' in plan) return plan;
    const { start, buffer } = plan;
    let length = 0;
    while (length < buffer.length) {
      const n = await call<number>((done) => fs.read(fd, buffer, length, buffer.length - length, start + length, done));
      if (n === 0) break;
      length += n;
    }
    return readResult(path, buffer, length, limit, tail);
  } catch (error) {
    return refusal(error);
  } finally {
    fs.close(fd, () => {});
  }
}
