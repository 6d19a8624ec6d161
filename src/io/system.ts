// The machine as the probes see it. Everything a probe touches comes through here, so a test
// can hand the probes a different machine.
import * as fs from 'node:fs';
import { accessSync, constants, lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { readBounded, readBoundedSync, type BoundedRead } from './bounded-read.js';
import { userInfo } from 'node:os';
import type { PingFacts, UserFacts } from '../core/types.js';
import { pingEndpoint, type PingOptions } from './ping.js';
import { runCommand, type Runner } from './run.js';

export interface System {
  env: Readonly<Record<string, string | undefined>>;
  user: UserFacts;
  /** Group ids this process carries: effective, primary and supplementary. */
  processGids: readonly number[];
  run: Runner;
  ping: (url: string, options: PingOptions) => Promise<PingFacts>;
  /** A regular file's text, at most 4 MiB; null for anything else (missing, a FIFO, too large). */
  readFile: (path: string) => Promise<string | null>;
  /** The last `bytes` of a regular file (logs). */
  readTail: (path: string, bytes: number) => Promise<string | null>;
  lstat: (path: string) => Promise<Stats | null>;
  stat: (path: string) => Promise<Stats | null>;
  canWrite: (path: string) => Promise<boolean>;
  /** access(X_OK): for a directory, may this process look up names in it. */
  canSearch: (path: string) => Promise<boolean>;
  realpath: (path: string) => Promise<string | null>;
  listDir: (path: string) => Promise<string[] | null>;
  /** First executable named `name` on PATH, then in `extraDirs`. */
  which: (name: string, extraDirs?: readonly string[]) => Promise<string | null>;
  /** Free and total bytes of the file system holding `path` (statfs(2)); null when it cannot be read. */
  diskSpace: (path: string) => Promise<{ freeBytes: number; totalBytes: number } | null>;
  now: () => number;
}

const orNull = async <T>(work: Promise<T>): Promise<T | null> => work.catch(() => null);

/**
 * The callback form of an fs call as a promise. fs.promises would do, but loading it costs
 * about 2 ms at start-up, which every failing docker command would pay.
 */
function callback<T>(call: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value as T))));
}

export function currentUser(env: System['env']): UserFacts {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  // Only an absolute HOME: `HOME=.` would make the current directory (a cloned repository,
  // say) the home whose files dockhook reads; then the password database's home is used.
  const envHome = env.HOME?.startsWith('/') ? env.HOME : undefined;
  let name = env.USER || env.LOGNAME || String(uid);
  let home = envHome ?? '/';
  try {
    const info = userInfo();
    name = info.username;
    home = envHome ?? (info.homedir.startsWith('/') ? info.homedir : '/');
  } catch {
    // No passwd entry for this uid (containers): keep what the environment says.
  }
  return { name, uid, gid, home };
}

/**
 * Paths on the machine's own file systems (/etc, /proc, /run, /usr …) answer from memory or a
 * local disk: a synchronous call costs microseconds there, where an asynchronous one waits in
 * libuv's four-thread queue behind every other probe. Anything else (a home directory, which
 * may be on NFS and hang) goes through the asynchronous calls, so a probe's time bound holds.
 */
export function isLocalSystemPath(path: string): boolean {
  return /^\/(etc|proc|run|var\/run|usr|sys|dev|bin|sbin|lib|snap)(\/|$)/.test(path);
}

const textOf = (read: BoundedRead): string | null => (read.ok ? read.text : null);

function attempt<T>(work: () => T): T | null {
  try {
    return work();
  } catch {
    return null;
  }
}

export function realSystem(env: System['env'] = process.env): System {
  const local = <T>(path: string, sync: () => T, async: () => Promise<T>): Promise<T | null> =>
    isLocalSystemPath(path) ? Promise.resolve(attempt(sync)) : orNull(async());
  const canAccess = (path: string, mode: number) =>
    local(
      path,
      () => (accessSync(path, mode), true),
      () => callback<void>((done) => fs.access(path, mode, done)).then(() => true),
    ).then((ok) => ok === true);
  return {
    env,
    user: currentUser(env),
    processGids: [...new Set([...(process.getegid ? [process.getegid()] : []), ...(process.getgroups?.() ?? [])])],
    run: runCommand,
    ping: pingEndpoint,
    readFile: (path) =>
      local(
        path,
        () => textOf(readBoundedSync(path)),
        () => readBounded(path).then(textOf),
      ),
    readTail: (path, bytes) =>
      local(
        path,
        () => textOf(readBoundedSync(path, { limit: bytes, tail: true })),
        () => readBounded(path, { limit: bytes, tail: true }).then(textOf),
      ),
    lstat: (path) =>
      local(
        path,
        () => lstatSync(path),
        () => callback<Stats>((done) => fs.lstat(path, done)),
      ),
    stat: (path) =>
      local(
        path,
        () => statSync(path),
        () => callback<Stats>((done) => fs.stat(path, done)),
      ),
    canWrite: (path) => canAccess(path, constants.W_OK),
    canSearch: (path) => canAccess(path, constants.X_OK),
    realpath: (path) =>
      local(
        path,
        () => realpathSync(path),
        () => callback<string>((done) => fs.realpath(path, done)),
      ),
    listDir: (path) =>
      local(
        path,
        () => readdirSync(path),
        () => callback<string[]>((done) => fs.readdir(path, done)),
      ),
    which: async (name, extraDirs = []) => {
      const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), ...extraDirs];
      for (const dir of dirs) {
        const candidate = `${dir}/${name}`;
        if (await canAccess(candidate, constants.X_OK)) return candidate;
      }
      return null;
    },
    diskSpace: (path) =>
      orNull(callback<fs.StatsFs>((done) => fs.statfs(path, done)).then((st) => ({ freeBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize }))),
    // process.hrtime, not performance.now(): the latter loads perf_hooks (about 1.5 ms).
    now: () => Number(process.hrtime.bigint()) / 1e6,
  };
}
