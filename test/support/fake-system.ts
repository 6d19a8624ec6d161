// A machine described as plain data, behind the System interface the probes use (src/io/system.ts),
// so every probe can be tested without root, a daemon or a particular distribution:
//
//   const sys = fakeSystem({
//     user: { name: 'ada', uid: 1000 },
//     files: { '/etc/group': 'docker:x:998:ada\n', '/var/run/docker.sock': socket({ gid: 998, mode: 0o660 }) },
//     commands: [{ argv: ['systemctl', '--version'], stdout: 'systemd 252\n' }],
//     pings: { 'unix:///var/run/docker.sock': 'eacces' },
//   });
//
// Paths behave as on Linux: directories are implied by the paths below them (root's, 0755) unless
// given; symlinks are followed by stat, realpath and readFile, not by lstat; permission checks use
// the owner, group and other bits against the user's uid and groups (root may do anything, except
// execute a file with no x bit). Anything not described is absent: a missing file, a command that is
// not installed (ENOENT), a socket where nobody listens.
import type { Stats } from 'node:fs';
import type { PingFacts, PingOutcome, UserFacts } from '../../src/core/types.js';
import type { PingOptions } from '../../src/io/ping.js';
import type { RunOptions, RunResult } from '../../src/io/run.js';
import type { System } from '../../src/io/system.js';

export type NodeKind = 'file' | 'dir' | 'socket' | 'symlink';

export interface FakeNode {
  kind: NodeKind;
  uid?: number;
  gid?: number;
  /** Permission bits; defaults: files 0644, dirs 0755, sockets 0660, symlinks 0777. */
  mode?: number;
  content?: string;
  /** A symlink's target, absolute or relative to its directory. */
  target?: string;
  /** Reading it never finishes (a FIFO, a dead NFS mount). */
  hang?: boolean;
}

export const file = (content: string, more: Omit<FakeNode, 'kind' | 'content'> = {}): FakeNode => ({ kind: 'file', content, ...more });
export const executable = (more: Omit<FakeNode, 'kind'> = {}): FakeNode => ({ kind: 'file', content: '#!/bin/sh\n', mode: 0o755, ...more });
export const dir = (more: Omit<FakeNode, 'kind'> = {}): FakeNode => ({ kind: 'dir', ...more });
export const socket = (more: Omit<FakeNode, 'kind'> = {}): FakeNode => ({ kind: 'socket', ...more });
export const symlink = (target: string, more: Omit<FakeNode, 'kind' | 'target'> = {}): FakeNode => ({ kind: 'symlink', target, ...more });

export interface FakeCommand {
  argv: readonly string[];
  code?: number | null;
  stdout?: string;
  stderr?: string;
  error?: string | null;
  /** 'bounded': runs past its time bound and is stopped, as runCommand does; 'forever': never returns at all. */
  hang?: 'bounded' | 'forever';
}

export interface FakeProcess {
  pid: number;
  comm: string;
  uid?: number;
}

export interface FakeMachine {
  user?: Partial<UserFacts>;
  /** Group ids the process carries; default: the user's gid. */
  processGids?: number[];
  env?: Record<string, string | undefined>;
  /** Path → file content (a regular file) or a node. */
  files?: Record<string, string | FakeNode>;
  commands?: FakeCommand[];
  /** URL → outcome; 'hang' never answers. Unlisted unix:// URLs: enoent when no socket is there, refused when one is. */
  pings?: Record<string, PingOutcome | PingFacts | 'hang'>;
  /** Processes, seen through /proc/PID/comm and /proc/PID/status. */
  processes?: FakeProcess[];
  /** Milliseconds each sys.now() call advances the clock by. */
  tick?: number;
  /** Mount point → free and total bytes; statfs of a path answers for the longest mount point above it. */
  disks?: Record<string, { freeBytes: number; totalBytes: number }>;
}

export interface FakeSystem extends System {
  /** Every command run and every URL pinged, in order. */
  readonly log: { runs: string[][]; pings: string[]; reads: string[] };
}

const DEFAULT_MODE: Record<NodeKind, number> = { file: 0o644, dir: 0o755, socket: 0o660, symlink: 0o777 };
const forever = <T>() => new Promise<T>(() => {});

function parent(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

function join(base: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function fakeSystem(machine: FakeMachine = {}): FakeSystem {
  const user: UserFacts = { name: 'ada', uid: 1000, gid: 1000, home: '/home/ada', ...machine.user };
  const processGids = machine.processGids ?? [user.gid];
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: user.home, ...machine.env };
  const log = { runs: [] as string[][], pings: [] as string[], reads: [] as string[] };

  const nodes = new Map<string, FakeNode>();
  const addDirs = (path: string) => {
    for (let p = parent(path); ; p = parent(p)) {
      if (!nodes.has(p)) nodes.set(p, { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
      if (p === '/') break;
    }
  };
  for (const [path, spec] of Object.entries(machine.files ?? {})) {
    const node = typeof spec === 'string' ? { kind: 'file' as const, content: spec } : spec;
    nodes.set(path, { uid: 0, gid: 0, mode: DEFAULT_MODE[node.kind], ...node });
    addDirs(path);
  }
  for (const proc of machine.processes ?? []) {
    for (const [path, content] of [
      [`/proc/${proc.pid}/comm`, `${proc.comm}\n`],
      [`/proc/${proc.pid}/status`, `Name:\t${proc.comm}\nUid:\t${proc.uid ?? 0}\t${proc.uid ?? 0}\t${proc.uid ?? 0}\t${proc.uid ?? 0}\n`],
    ] as const) {
      nodes.set(path, { kind: 'file', uid: proc.uid ?? 0, gid: 0, mode: 0o444, content });
      addDirs(path);
    }
  }
  if (!nodes.has('/')) nodes.set('/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });

  const may = (node: FakeNode, bit: 1 | 2 | 4) => {
    const mode = node.mode ?? DEFAULT_MODE[node.kind];
    if (user.uid === 0) return bit !== 1 || node.kind === 'dir' || (mode & 0o111) !== 0;
    if (node.uid === user.uid) return (mode & (bit << 6)) !== 0;
    if (processGids.includes(node.gid ?? 0)) return (mode & (bit << 3)) !== 0;
    return (mode & bit) !== 0;
  };

  /** Resolves every symlink on the way (and at the end when `follow`); null when something is missing or cannot be searched. */
  const resolve = (path: string, follow: boolean, depth = 0): { path: string; node: FakeNode } | null => {
    if (depth > 40 || !path.startsWith('/')) return null;
    const parts = path.split('/').filter(Boolean);
    let here = '/';
    for (let i = 0; i < parts.length; i += 1) {
      const dirNode = nodes.get(here);
      if (!dirNode || dirNode.kind !== 'dir' || !may(dirNode, 1)) return null;
      const next = here === '/' ? `/${parts[i]}` : `${here}/${parts[i]}`;
      const node = nodes.get(next);
      if (!node) return null;
      const last = i === parts.length - 1;
      if (node.kind === 'symlink' && (!last || follow)) {
        const target = resolve(join(here, node.target ?? ''), true, depth + 1);
        if (!target) return null;
        here = target.path;
        if (last) return target;
        continue;
      }
      here = next;
    }
    const node = nodes.get(here);
    return node ? { path: here, node } : null;
  };

  const stats = (node: FakeNode): Stats =>
    ({
      uid: node.uid ?? 0,
      gid: node.gid ?? 0,
      mode: { file: 0o100000, dir: 0o040000, socket: 0o140000, symlink: 0o120000 }[node.kind] | (node.mode ?? DEFAULT_MODE[node.kind]),
      size: node.content?.length ?? 0,
      isFile: () => node.kind === 'file',
      isDirectory: () => node.kind === 'dir',
      isSocket: () => node.kind === 'socket',
      isSymbolicLink: () => node.kind === 'symlink',
      isFIFO: () => false,
      isCharacterDevice: () => false,
      isBlockDevice: () => false,
    }) as unknown as Stats;

  const access = async (path: string, bit: 1 | 2 | 4) => {
    const found = resolve(path, true);
    return found !== null && may(found.node, bit);
  };

  let clock = 0;
  const sys: FakeSystem = {
    env,
    user,
    processGids,
    log,
    run: (argv: readonly string[], options: RunOptions): Promise<RunResult> => {
      log.runs.push([...argv]);
      const command = machine.commands?.find((c) => c.argv.length === argv.length && c.argv.every((a, i) => a === argv[i]));
      if (!command) return Promise.resolve({ code: null, stdout: '', stderr: '', error: 'ENOENT' });
      if (command.hang === 'forever') return forever();
      if (command.hang === 'bounded')
        return new Promise((done) => setTimeout(() => done({ code: null, stdout: '', stderr: '', error: 'timeout' }), options.timeoutMs));
      return Promise.resolve({
        code: command.code === undefined ? 0 : command.code,
        stdout: command.stdout ?? '',
        stderr: command.stderr ?? '',
        error: command.error ?? null,
      });
    },
    ping: (url: string, _options: PingOptions): Promise<PingFacts> => {
      log.pings.push(url);
      const given = machine.pings?.[url];
      if (given === 'hang') return forever();
      if (typeof given === 'string') return Promise.resolve({ outcome: given, detail: '', podman: false });
      if (given) return Promise.resolve(given);
      const path = /^unix:\/\/(\/.*)$/.exec(url)?.[1];
      if (path === undefined) return Promise.resolve({ outcome: 'error', detail: 'no such host', podman: false });
      const found = resolve(path, true);
      if (!found) return Promise.resolve({ outcome: 'enoent', detail: 'ENOENT', podman: false });
      if (found.node.kind !== 'socket') return Promise.resolve({ outcome: 'notsock', detail: 'ENOTSOCK', podman: false });
      if (!may(found.node, 2)) return Promise.resolve({ outcome: 'eacces', detail: 'EACCES', podman: false });
      return Promise.resolve({ outcome: 'refused', detail: 'ECONNREFUSED', podman: false });
    },
    readFile: async (path) => {
      log.reads.push(path);
      const found = resolve(path, true);
      if (!found || found.node.kind !== 'file' || !may(found.node, 4)) return null;
      if (found.node.hang) return forever();
      return found.node.content ?? '';
    },
    readTail: async (path, bytes) => {
      const text = await sys.readFile(path);
      return text === null ? null : text.slice(-bytes);
    },
    lstat: async (path) => {
      const found = resolve(path, false);
      return found ? stats(found.node) : null;
    },
    stat: async (path) => {
      const found = resolve(path, true);
      return found ? stats(found.node) : null;
    },
    canWrite: (path) => access(path, 2),
    canSearch: (path: string) => access(path, 1),
    realpath: async (path) => resolve(path, true)?.path ?? null,
    listDir: async (path) => {
      const found = resolve(path, true);
      if (!found || found.node.kind !== 'dir' || !may(found.node, 4)) return null;
      const prefix = found.path === '/' ? '/' : `${found.path}/`;
      return [...nodes.keys()]
        .filter((p) => p !== found.path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length));
    },
    which: async (name, extraDirs = []) => {
      for (const d of [...(env.PATH ?? '').split(':').filter(Boolean), ...extraDirs]) {
        const candidate = `${d}/${name}`;
        const found = resolve(candidate, true);
        if (found && found.node.kind === 'file' && may(found.node, 1)) return candidate;
      }
      return null;
    },
    diskSpace: async (path: string) => {
      if (resolve(path, true) === null) return null;
      const mount = Object.keys(machine.disks ?? {})
        .filter((m) => path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`))
        .sort((a, b) => b.length - a.length)[0];
      return mount === undefined ? null : machine.disks![mount]!;
    },
    now: () => (clock += machine.tick ?? 1),
  } as FakeSystem;
  return sys;
}
