// The machine as the probes see it. Everything a probe touches comes through here, so a test
// can hand the probes a different machine.
import { constants, promises as fs, readFileSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import type { PingFacts, UserFacts } from '../core/types.js';
import { pingEndpoint, type PingOptions } from './ping.js';
import { runCommand, type Runner } from './run.js';

export interface System {
  env: Readonly<Record<string, string | undefined>>;
  user: UserFacts;
  /** Group ids this process carries (primary and supplementary). */
  processGids: readonly number[];
  run: Runner;
  ping: (url: string, options: PingOptions) => Promise<PingFacts>;
  readFile: (path: string) => Promise<string | null>;
  /** For /proc only, which never blocks: a synchronous read. */
  readProcSync: (path: string) => string | null;
  lstat: (path: string) => Promise<Stats | null>;
  stat: (path: string) => Promise<Stats | null>;
  canWrite: (path: string) => Promise<boolean>;
  realpath: (path: string) => Promise<string | null>;
  listDir: (path: string) => Promise<string[] | null>;
  /** First executable named `name` on PATH, then in `extraDirs`. */
  which: (name: string, extraDirs?: readonly string[]) => Promise<string | null>;
  now: () => number;
}

const orNull = async <T>(work: Promise<T>): Promise<T | null> => work.catch(() => null);

export function currentUser(env: System['env']): UserFacts {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  let name = env.USER || env.LOGNAME || String(uid);
  let home = env.HOME || '/';
  try {
    const info = userInfo();
    name = info.username;
    home = env.HOME || info.homedir;
  } catch {
    // No passwd entry for this uid (containers): keep what the environment says.
  }
  return { name, uid, gid, home };
}

export function realSystem(env: System['env'] = process.env): System {
  const isExecutable = async (path: string) => (await orNull(fs.access(path, constants.X_OK).then(() => true))) === true;
  return {
    env,
    user: currentUser(env),
    processGids: process.getgroups?.() ?? [],
    run: runCommand,
    ping: pingEndpoint,
    readFile: (path) => orNull(fs.readFile(path, 'utf8')),
    readProcSync: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    lstat: (path) => orNull(fs.lstat(path)),
    stat: (path) => orNull(fs.stat(path)),
    canWrite: async (path) => (await orNull(fs.access(path, constants.W_OK).then(() => true))) === true,
    realpath: (path) => orNull(fs.realpath(path)),
    listDir: (path) => orNull(fs.readdir(path)),
    which: async (name, extraDirs = []) => {
      const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), ...extraDirs];
      for (const dir of dirs) {
        const candidate = `${dir}/${name}`;
        if (await isExecutable(candidate)) return candidate;
      }
      return null;
    },
    now: () => performance.now(),
  };
}
