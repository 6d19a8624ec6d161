// Worlds: real machine states for end-to-end tests, built with a real Docker engine.
//
// A world is a private mount namespace and a private pid namespace (holder.sh) in which the
// default socket /var/run/docker.sock, /run/user/UID, /run/systemd/system, /etc/docker, /home,
// /root, /tmp, /var/log and /proc's process list belong to the test alone. Commands run inside those namespaces through nsenter, as
// root or as one of the real users dh-in / dh-out / dh-rootless, so a daemon started in a world
// is the one its commands see, and nothing in a world can see or disturb a daemon the machine
// (or another world) runs. How it is built, and why: README.md next to this file.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCRIPTS = path.join(HERE, 'world');
const HOLDER = path.join(SCRIPTS, 'holder.sh');
const CTL = path.join(SCRIPTS, 'ctl.sh');

/** The repository root, and dockhook's launcher in it (what the tests run). */
export const REPO_ROOT = path.resolve(HERE, '../..');
export const DOCKHOOK = path.join(REPO_ROOT, 'bin', 'dockhook');

/** The default endpoint, as the docker CLI names it. */
export const DEFAULT_SOCKET = '/var/run/docker.sock';
export const DEFAULT_HOST = `unix://${DEFAULT_SOCKET}`;

/** The accounts worlds use (created on the machine by world/users.sh). */
export const USERS = {
  /** In the docker group. */
  inGroup: 'dh-in',
  /** Not in the docker group. */
  outOfGroup: 'dh-out',
  /** Not in the docker group; has 65536 subordinate uids and gids; runs the rootless daemon. */
  rootless: 'dh-rootless',
} as const;

/** Debian's login PATHs (/etc/login.defs): users do not have the sbin directories. */
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const USER_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/games';

/** What a WSL2 kernel reports in /proc/version and /proc/sys/kernel/osrelease. */
const WSL2_OSRELEASE = '5.15.153.1-microsoft-standard-WSL2';
const WSL2_VERSION =
  `Linux version ${WSL2_OSRELEASE} (root@941d701f84f1) (gcc (GCC) 11.2.0, GNU ld (GNU Binutils) 2.37) ` + '#1 SMP Fri Mar 29 23:14:13 UTC 2024';

export type RootfulState =
  /** Never started: no socket, no data. */
  | 'absent'
  /** Started, then stopped cleanly (SIGTERM): dockerd removed its socket. */
  | 'stopped'
  /** Running and answering on /var/run/docker.sock. */
  | 'running'
  /** Started, then SIGKILLed: the socket file is left behind with nobody listening. */
  | 'killed'
  /** Never started, but a socket file nobody listens on sits at /var/run/docker.sock. */
  | 'dead-socket'
  /** Something listens on /var/run/docker.sock, accepts, and never answers. */
  | 'hung';

export interface WorldSpec {
  /** Shown in logs and in the world's directory name. */
  name: string;
  /** The rootful daemon at /var/run/docker.sock. Default `running`. */
  rootful?: RootfulState;
  /**
   * dh-rootless's rootless daemon on /run/user/UID/docker.sock. `installed` sets it up (runtime
   * dir, user unit file) without starting it. Default: not set up at all.
   */
  rootless?: 'running' | 'installed';
  /** Pretend systemd is the init: stand-in systemctl/journalctl, /run/systemd/system. */
  systemd?: boolean;
  /** Pretend to be WSL2: its kernel's /proc/version and osrelease, WSL_DISTRO_NAME. */
  wsl?: boolean;
  /** Import bb:latest into every daemon running once the world is built. */
  image?: boolean;
  /** Content for the world's /etc/docker/daemon.json (written before any daemon starts). */
  daemonJson?: string;
  /** Extra dockerd flags for the rootful daemon. */
  dockerdArgs?: string[];
}

export interface RunOptions {
  /** `root` (default) or an account name. */
  user?: string;
  /**
   * Run as `user` with the groups /etc/group gives it minus `docker`: the session of a user
   * who was added to the group after logging in.
   */
  staleSession?: boolean;
  /** Added to the login environment; null removes a variable. */
  env?: Record<string, string | null>;
  stdin?: string;
  /** Working directory inside the world. Default: the user's home. */
  cwd?: string;
  /** Kill the command after this long (default 60 s); the result then has `timedOut`. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit status, or 128+N when killed by signal N (as a shell reports it). */
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the command, including entering the world (a few ms). */
  ms: number;
  timedOut: boolean;
}

/** A command line that runs inside the world, for callers that spawn it themselves (node-pty). */
export interface WorldCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** The host-side cwd for the spawn; the real working directory is set by nsenter. */
  cwd: string;
}

export interface UserInfo {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Supplementary gids from /etc/group (including the primary group). */
  gids: number[];
}

export interface World {
  readonly name: string;
  /** The world's directory on the machine (daemon data, logs, state). Removed on dispose. */
  readonly dir: string;
  /** Host pid of the world's pid 1 (tini); /proc/PID/root is the world's file system. */
  readonly pid: number;
  /** The gid of the machine's docker group. */
  readonly dockerGid: number;
  /** How long createWorld took, in ms. */
  readonly buildMs: number;

  run(cmd: string[], opts?: RunOptions): Promise<RunResult>;
  /** Like run, but throws (with stdout and stderr) unless the command exits 0. */
  exec(cmd: string[], opts?: RunOptions): Promise<RunResult>;
  /** The nsenter command line for `cmd`, for node-pty and other spawners. */
  command(cmd: string[], opts?: RunOptions): WorldCommand;

  user(name: string): UserInfo;
  /** The machine path that reaches `inside` in the world's file system (through /proc/PID/root). */
  hostPath(inside: string): string;
  writeFile(inside: string, content: string, opts?: { owner?: string; mode?: number }): void;
  readFile(inside: string): string;
  exists(inside: string): boolean;

  /** Start the rootful daemon and wait until /_ping answers. */
  startDaemon(): Promise<void>;
  /** SIGTERM and wait: the socket is removed. */
  stopDaemon(): Promise<void>;
  /** SIGKILL: the socket stays behind with nobody listening. */
  killDaemon(): Promise<void>;
  /** A unix socket file at `socketPath` with no listener, root:docker 0660. */
  makeDeadSocket(socketPath?: string): Promise<void>;
  /** A listener at `socketPath` that never answers. */
  makeHungSocket(socketPath?: string): Promise<void>;

  /** /run/user/UID for `user`, owned by it, 0700; later runs as `user` get XDG_RUNTIME_DIR. */
  makeRuntimeDir(user: string): Promise<void>;
  /** Start `user`'s rootless daemon and wait until it answers and says it is rootless. */
  startRootless(user?: string): Promise<void>;
  stopRootless(user?: string): Promise<void>;
  /** unix:///run/user/UID/docker.sock for `user`. */
  rootlessHost(user?: string): string;

  /** Import bb:latest (busybox) into the rootful daemon, or `user`'s rootless one. Once each. */
  ensureImage(target?: { rootlessUser?: string }): Promise<void>;

  /** The daemons' logs, for failure messages. */
  logs(): string;
  /** Kill everything in the world and remove its directory. Safe to call twice. */
  dispose(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Can worlds be built here?

export type Preflight = { ok: true } | { ok: false; reason: string };

function which(name: string, extra: string[] = []): string | null {
  const dirs = [...extra, ...ROOT_PATH.split(':')];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Absolute path of a machine tool: worlds run commands with the world user's PATH, which may
 * lack the sbin directories. */
function tool(name: string): string {
  const found = which(name);
  if (!found) throw new Error(`${name} not found on this machine`);
  return found;
}

/**
 * The docker client the worlds' users get, found on root's PATH the way a shell would: Debian's
 * docker.io (/usr/bin/docker, 20.10) on a fresh machine, a newer client where one is installed
 * ahead of it (/usr/local/bin). Tests that need "the real docker" by path use this.
 */
export function dockerClient(): string {
  return tool('docker');
}

/** Every distinct docker client on root's PATH (/bin/docker and /usr/bin/docker count once). */
export function dockerClients(): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const dir of ROOT_PATH.split(':')) {
    const candidate = path.join(dir, 'docker');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      const real = fs.realpathSync(candidate);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(candidate);
    } catch {
      // not here
    }
  }
  return found;
}

let preflightCache: Preflight | undefined;

/** Whether this machine can build worlds, and if not, exactly why. Cheap; cached. */
export function preflight(): Preflight {
  if (preflightCache) return preflightCache;
  preflightCache = checkPrerequisites();
  return preflightCache;
}

function checkPrerequisites(): Preflight {
  if (process.platform !== 'linux') return { ok: false, reason: `worlds need Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: 'worlds need root (namespaces, mounts, useradd, dockerd); run the e2e tests as root' };
  }
  const needed: Array<[string, string]> = [
    ['dockerd', 'docker.io'],
    ['docker', 'docker.io'],
    ['containerd', 'docker.io'],
    ['docker-init', 'docker.io (tini)'],
    ['unshare', 'util-linux'],
    ['nsenter', 'util-linux'],
    ['setpriv', 'util-linux'],
    ['curl', 'curl'],
    ['python3', 'python3'],
    ['useradd', 'passwd'],
    ['busybox', 'busybox-static'],
  ];
  const missing = needed.filter(([bin]) => !which(bin)).map(([bin, pkg]) => `${bin} (${pkg})`);
  if (missing.length > 0) return { ok: false, reason: `missing: ${missing.join(', ')}` };
  // The test users run bin/dockhook from this checkout: every directory above it must let them in.
  // Worlds bring their own /root, /home, /tmp, /run and /var/log and open the copies there
  // (holder.sh), so a checkout below those (say /root/project) works; elsewhere the machine's
  // own directories must be searchable.
  const worldOwned = /^\/(root|home|tmp|run|var\/log)(\/|$)/;
  for (let dir = REPO_ROOT; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (dir !== REPO_ROOT && worldOwned.test(dir)) continue;
    if ((fs.statSync(dir).mode & 0o001) === 0)
      return { ok: false, reason: `${dir} is not searchable by other users (chmod o+x), so the test users cannot run ${DOCKHOOK}` };
  }
  // A quick real namespace: fails in containers without CAP_SYS_ADMIN, or with seccomp.
  const probe = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private', 'true'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.status !== 0) {
    return { ok: false, reason: `cannot create mount and pid namespaces: ${(probe.stderr || String(probe.error)).trim()}` };
  }
  return { ok: true };
}

/** CI is on: worlds that cannot be built must fail the run, never skip. */
export function inCI(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

// ---------------------------------------------------------------------------------------------
// Accounts

let usersCache: Map<string, UserInfo> | undefined;

/** Creates dh-in, dh-out and dh-rootless once per process (idempotent on the machine). */
function ensureUsers(): Map<string, UserInfo> {
  if (usersCache) return usersCache;
  const out = spawnSync('bash', [path.join(SCRIPTS, 'users.sh')], { encoding: 'utf8', timeout: 90_000 });
  if (out.status !== 0) throw new Error(`world/users.sh failed (${out.status}): ${out.stderr}`);
  const users = new Map<string, UserInfo>();
  users.set('root', { name: 'root', uid: 0, gid: 0, home: '/root', gids: [0] });
  for (const line of out.stdout.trim().split('\n')) {
    const [name, uid, gid, home, gids] = line.split(' ');
    if (!name || !uid || !gid || !home || gids === undefined) throw new Error(`world/users.sh: bad line ${JSON.stringify(line)}`);
    users.set(name, { name, uid: Number(uid), gid: Number(gid), home, gids: gids.split(',').filter(Boolean).map(Number) });
  }
  usersCache = users;
  return users;
}

function dockerGroupGid(): number {
  const out = spawnSync('getent', ['group', 'docker'], { encoding: 'utf8' });
  const gid = Number(out.stdout.split(':')[2]);
  if (out.status !== 0 || !Number.isInteger(gid)) throw new Error('the docker group does not exist (world/users.sh makes it)');
  return gid;
}

// ---------------------------------------------------------------------------------------------
// The safety net: worlds still alive when the process exits are killed. (If the process dies
// without running exit handlers, holder.sh sees its stdin pipe close and ends the world itself.)

const liveWorlds = new Set<WorldImpl>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const world of liveWorlds) world.killNow();
  });
}

// ---------------------------------------------------------------------------------------------

function signalNumber(signal: NodeJS.Signals | null): number {
  if (!signal) return 0;
  return (os.constants.signals as Record<string, number>)[signal] ?? 0;
}

/** The parent pid of `pid`, from /proc/PID/stat (the comm field may hold spaces or parens). */
function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (parentOf(Number(entry)) === pid) kids.push(Number(entry));
  }
  return kids;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class WorldImpl implements World {
  readonly name: string;
  readonly dir: string;
  readonly dockerGid: number;
  pid = 0;
  buildMs = 0;

  private readonly spec: WorldSpec;
  private readonly users: Map<string, UserInfo>;
  private holder: ChildProcess | null = null;
  private holderExit: Promise<number | null> | null = null;
  private readonly runtimeDirs = new Set<number>();
  private readonly images = new Set<string>();
  private disposed = false;

  constructor(spec: WorldSpec, dir: string, users: Map<string, UserInfo>, dockerGid: number) {
    this.spec = spec;
    this.name = spec.name;
    this.dir = dir;
    this.users = users;
    this.dockerGid = dockerGid;
  }

  // --- building ------------------------------------------------------------------------------

  /** Files the holder mounts, written before the namespaces exist. */
  layOut(): void {
    const d = this.dir;
    // Users must traverse the world directory: the systemctl wrapper and the image tar live here.
    fs.chmodSync(d, 0o755);
    for (const sub of ['etc-docker', 'home', 'var-lib-docker', 'bin', 'dev', 'state', 'logs', 'users', 'rootful', 'wsl']) {
      fs.mkdirSync(path.join(d, sub), { mode: 0o755 });
    }
    fs.mkdirSync(path.join(d, 'root-home'), { mode: 0o700 });
    fs.chmodSync(path.join(d, 'var-lib-docker'), 0o710);
    // A state directory per user, owned by it: rootless pid and log, user unit enablement.
    for (const user of this.users.values()) {
      if (user.uid === 0) continue;
      fs.mkdirSync(path.join(d, 'home', user.name), { mode: 0o750 });
      fs.chownSync(path.join(d, 'home', user.name), user.uid, user.gid);
      const own = path.join(d, 'users', user.name);
      fs.mkdirSync(own, { mode: 0o755 });
      fs.chownSync(own, user.uid, user.gid);
    }
    // The sysv script reads DOCKER_OPTS from here; keep a daemon it starts inside the world.
    fs.writeFileSync(
      path.join(d, 'etc-default-docker'),
      '# written by the e2e world: a daemon started by /etc/init.d/docker stays in the world\n' +
        `DOCKER_OPTS="--iptables=false --bridge=none --storage-driver=vfs --data-root ${d}/rootful/data --exec-root ${d}/rootful/exec"\n`,
    );
    // Bind-mounted over /var/log/docker.log in worlds without systemd; must exist first.
    fs.writeFileSync(path.join(d, 'logs', 'dockerd.log'), '');
    if (this.spec.daemonJson !== undefined) fs.writeFileSync(path.join(d, 'etc-docker', 'daemon.json'), this.spec.daemonJson);
    if (this.spec.dockerdArgs?.length) fs.writeFileSync(path.join(d, 'state', 'dockerd-args'), this.spec.dockerdArgs.join('\n') + '\n');
    fs.writeFileSync(path.join(d, 'wsl', 'version'), WSL2_VERSION + '\n');
    fs.writeFileSync(path.join(d, 'wsl', 'osrelease'), WSL2_OSRELEASE + '\n');
    for (const tool of ['systemctl', 'journalctl']) {
      const wrapper = path.join(d, 'bin', tool);
      // A fixed WORLD_DIR: the wrapper is bind-mounted over /usr/bin/TOOL and run by any user.
      fs.writeFileSync(wrapper, `#!/bin/sh\nWORLD_DIR='${d}' exec '${path.join(SCRIPTS, `${tool}.sh`)}' "$@"\n`, { mode: 0o755 });
    }
  }

  async start(): Promise<void> {
    const env: Record<string, string> = { PATH: ROOT_PATH, LANG: 'C.UTF-8' };
    env['WORLD_REPO'] = REPO_ROOT;
    if (this.spec.systemd) env['WORLD_SYSTEMD'] = '1';
    if (this.spec.wsl) env['WORLD_WSL'] = '1';
    // detached: a Ctrl-C aimed at the test run must not kill the holder before it cleans up.
    const holder = spawn('bash', [HOLDER, 'outer', this.dir], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.holder = holder;
    this.holderExit = new Promise((resolve) => holder.on('exit', (code) => resolve(code)));
    let stderr = '';
    holder.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = await new Promise<boolean>((resolve) => {
      let stdout = '';
      const timer = setTimeout(() => resolve(false), 20_000);
      holder.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready\n')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      holder.on('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) throw new Error(`the world's namespaces could not be set up: ${stderr.trim() || 'no output from holder.sh'}`);
    // Do not let the world keep the test process alive; dispose() or the exit hook ends it.
    holder.unref();
    (holder.stdout as unknown as { unref?: () => void }).unref?.();
    (holder.stderr as unknown as { unref?: () => void }).unref?.();
    (holder.stdin as unknown as { unref?: () => void }).unref?.();
    // holder.sh (bash) → unshare → tini, pid 1 of the world's pid namespace.
    const unshare = childrenOf(holder.pid!)[0];
    const init = unshare === undefined ? undefined : childrenOf(unshare)[0];
    if (init === undefined) throw new Error("cannot find the world's pid 1 under holder.sh");
    // Every command enters these namespaces; entering the machine's own by mistake would put
    // the world's daemons on the machine.
    for (const ns of ['mnt', 'pid']) {
      if (fs.readlinkSync(`/proc/${init}/ns/${ns}`) === fs.readlinkSync(`/proc/self/ns/${ns}`)) {
        throw new Error(`process ${init} is in this process's ${ns} namespace, not in a world's`);
      }
    }
    this.pid = init;
  }

  async populate(): Promise<void> {
    const rootful = this.spec.rootful ?? 'running';
    const tasks: Array<Promise<void>> = [];
    switch (rootful) {
      case 'absent':
        break;
      case 'running':
        tasks.push(this.startDaemon());
        break;
      case 'stopped':
        tasks.push(this.startDaemon().then(() => this.stopDaemon()));
        break;
      case 'killed':
        tasks.push(this.startDaemon().then(() => this.killDaemon()));
        break;
      case 'dead-socket':
        tasks.push(this.makeDeadSocket());
        break;
      case 'hung':
        tasks.push(this.makeHungSocket());
        break;
    }
    if (this.spec.rootless) {
      // Started alongside the rootful daemon: each takes a few hundred ms, mostly waiting.
      tasks.push(
        (async () => {
          await this.installRootless(USERS.rootless);
          if (this.spec.rootless === 'running') await this.startRootless(USERS.rootless);
        })(),
      );
    }
    await Promise.all(tasks);
    if (this.spec.image) {
      if (rootful === 'running') await this.ensureImage();
      if (this.spec.rootless === 'running') await this.ensureImage({ rootlessUser: USERS.rootless });
    }
  }

  /** What dockerd-rootless-setuptool.sh install leaves behind: the runtime dir and a user unit. */
  private async installRootless(user: string): Promise<void> {
    await this.makeRuntimeDir(user);
    const info = this.user(user);
    const unitDir = `${info.home}/.config/systemd/user`;
    await this.exec(['mkdir', '-p', unitDir], { user });
    this.writeFile(
      `${unitDir}/docker.service`,
      [
        '[Unit]',
        'Description=Docker Application Container Engine (Rootless)',
        'Documentation=https://docs.docker.com/go/rootless/',
        '',
        '[Service]',
        'Environment=PATH=/usr/share/docker.io/contrib:/sbin:/usr/sbin:/usr/local/bin:/usr/bin:/bin',
        'ExecStart=/usr/share/docker.io/contrib/dockerd-rootless.sh --storage-driver=vfs --iptables=false',
        'ExecReload=/bin/kill -s HUP $MAINPID',
        'TimeoutSec=0',
        'RestartSec=2',
        'Restart=always',
        'StartLimitBurst=3',
        'StartLimitInterval=60s',
        'LimitNOFILE=infinity',
        'LimitNPROC=infinity',
        'LimitCORE=infinity',
        'TasksMax=infinity',
        'Delegate=yes',
        'Type=simple',
        'KillMode=mixed',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
      { owner: user, mode: 0o644 },
    );
  }

  // --- running commands ----------------------------------------------------------------------

  user(name: string): UserInfo {
    const info = this.users.get(name);
    if (!info) throw new Error(`no such world user: ${name} (known: ${[...this.users.keys()].join(', ')})`);
    return info;
  }

  command(cmd: string[], opts: RunOptions = {}): WorldCommand {
    if (cmd.length === 0) throw new Error('empty command');
    const user = this.user(opts.user ?? 'root');
    const env: Record<string, string> = {
      HOME: user.home,
      USER: user.name,
      LOGNAME: user.name,
      SHELL: '/bin/bash',
      PATH: user.uid === 0 ? ROOT_PATH : USER_PATH,
      LANG: 'C.UTF-8',
    };
    if (this.runtimeDirs.has(user.uid)) env['XDG_RUNTIME_DIR'] = `/run/user/${user.uid}`;
    if (this.spec.wsl) env['WSL_DISTRO_NAME'] = 'Debian';
    for (const [key, value] of Object.entries(opts.env ?? {})) {
      if (value === null) delete env[key];
      else env[key] = value;
    }

    const credentials: string[] = [];
    if (user.uid !== 0) {
      credentials.push(`--reuid=${user.uid}`, `--regid=${user.gid}`);
      if (opts.staleSession) {
        // The groups the process would have had at login, before `usermod -aG docker`.
        const groups = user.gids.filter((gid) => gid !== this.dockerGid);
        credentials.push(groups.length > 0 ? `--groups=${groups.join(',')}` : '--clear-groups');
      } else {
        credentials.push('--init-groups');
      }
    } else if (opts.staleSession) {
      throw new Error('staleSession needs a non-root user');
    }

    const args = [
      `--target=${this.pid}`,
      '--mount',
      '--pid',
      // Resolved inside the world (plain --wd would resolve it on the machine).
      `--wdns=${opts.cwd ?? user.home}`,
      '--',
      tool('setpriv'),
      ...credentials,
      // If the test kills nsenter (a timeout), the command goes too, even though nsenter
      // forked it into the world's pid namespace. Set last by setpriv, after the uid change.
      '--pdeathsig=KILL',
      '--',
      ...cmd,
    ];
    return { file: tool('nsenter'), args, env, cwd: '/' };
  }

  run(cmd: string[], opts: RunOptions = {}): Promise<RunResult> {
    if (this.disposed) return Promise.reject(new Error(`world ${this.name} is disposed`));
    const { file, args, env, cwd } = this.command(cmd, opts);
    const started = performance.now();
    const timeoutMs = opts.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        env,
        cwd,
        stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code: code ?? 128 + signalNumber(signal),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ms: performance.now() - started,
          timedOut,
        });
      });
      if (opts.stdin !== undefined) {
        child.stdin!.on('error', () => {
          // The command may exit without reading its input; that is its business.
        });
        child.stdin!.end(opts.stdin);
      }
    });
  }

  async exec(cmd: string[], opts: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(cmd, opts);
    if (result.code !== 0) {
      throw new Error(
        `[world ${this.name}] ${JSON.stringify(cmd)} as ${opts.user ?? 'root'} exited ${result.code}` +
          `${result.timedOut ? ' (timed out)' : ''}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`,
      );
    }
    return result;
  }

  // --- files ---------------------------------------------------------------------------------

  hostPath(inside: string): string {
    if (!path.isAbsolute(inside)) throw new Error(`world paths are absolute: ${inside}`);
    // /proc/PID/root is the root as the world's pid 1 sees it, with the world's mounts. But an
    // absolute symlink met on the way (/var/run → /run) would be resolved against the
    // machine's root, so symlinks are followed here, inside the world's root.
    const root = `/proc/${this.pid}/root`;
    const pending = path.normalize(inside).split('/').filter(Boolean);
    const done: string[] = [];
    for (let hops = 0; pending.length > 0;) {
      const part = pending.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const here = `${root}/${[...done, part].join('/')}`;
      let target: string | null = null;
      try {
        if (fs.lstatSync(here).isSymbolicLink()) target = fs.readlinkSync(here);
      } catch {
        // Missing: the rest cannot hold symlinks either.
      }
      if (target === null) {
        done.push(part);
        continue;
      }
      if (++hops > 40) throw new Error(`too many symlinks under ${inside} in world ${this.name}`);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter(Boolean));
    }
    return `${root}/${done.join('/')}`;
  }

  writeFile(inside: string, content: string, opts: { owner?: string; mode?: number } = {}): void {
    const target = this.hostPath(inside);
    fs.writeFileSync(target, content, { mode: opts.mode ?? 0o644 });
    if (opts.mode !== undefined) fs.chmodSync(target, opts.mode);
    if (opts.owner) {
      const owner = this.user(opts.owner);
      fs.chownSync(target, owner.uid, owner.gid);
    }
  }

  readFile(inside: string): string {
    return fs.readFileSync(this.hostPath(inside), 'utf8');
  }

  exists(inside: string): boolean {
    try {
      fs.lstatSync(this.hostPath(inside));
      return true;
    } catch {
      return false;
    }
  }

  // --- daemons -------------------------------------------------------------------------------

  private ctl(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec([CTL, ...args], { ...opts, env: { ...opts.env, WORLD_DIR: this.dir } });
  }

  async startDaemon(): Promise<void> {
    await this.ctl(['rootful-start']);
  }

  async stopDaemon(): Promise<void> {
    await this.ctl(['rootful-stop']);
  }

  async killDaemon(): Promise<void> {
    await this.ctl(['rootful-kill']);
  }

  async makeDeadSocket(socketPath = DEFAULT_SOCKET): Promise<void> {
    await this.ctl(['dead-socket', socketPath]);
  }

  async makeHungSocket(socketPath = DEFAULT_SOCKET): Promise<void> {
    await this.ctl(['hung-socket', socketPath]);
  }

  async makeRuntimeDir(user: string): Promise<void> {
    const info = this.user(user);
    await this.ctl(['runtime-dir', user]);
    this.runtimeDirs.add(info.uid);
  }

  async startRootless(user: string = USERS.rootless): Promise<void> {
    const info = this.user(user);
    if (!this.runtimeDirs.has(info.uid)) await this.makeRuntimeDir(user);
    await this.ctl(['rootless-start'], { user, env: { XDG_RUNTIME_DIR: `/run/user/${info.uid}` } });
  }

  async stopRootless(user: string = USERS.rootless): Promise<void> {
    const info = this.user(user);
    await this.ctl(['rootless-stop'], { user, env: { XDG_RUNTIME_DIR: `/run/user/${info.uid}` } });
  }

  rootlessHost(user: string = USERS.rootless): string {
    return `unix:///run/user/${this.user(user).uid}/docker.sock`;
  }

  async ensureImage(target: { rootlessUser?: string } = {}): Promise<void> {
    const key = target.rootlessUser ?? 'rootful';
    if (this.images.has(key)) return;
    // Built per world (about 0.1 s) in the world's directory, so it goes with the world.
    const tar = path.join(this.dir, 'bb.tar');
    if (!fs.existsSync(tar)) {
      const out = spawnSync('bash', [path.join(SCRIPTS, 'busybox-rootfs.sh'), tar], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`world/busybox-rootfs.sh failed: ${out.stderr}`);
    }
    const opts: RunOptions = target.rootlessUser
      ? { user: target.rootlessUser, env: { DOCKER_HOST: this.rootlessHost(target.rootlessUser) } }
      : { env: { DOCKER_HOST: DEFAULT_HOST } };
    await this.exec(['docker', 'import', tar, 'bb:latest'], opts);
    this.images.add(key);
  }

  logs(): string {
    const parts: string[] = [];
    const read = (file: string, title: string): void => {
      try {
        const text = fs.readFileSync(file, 'utf8');
        if (text) parts.push(`--- ${title} (last 40 lines)\n${text.split('\n').slice(-41).join('\n')}`);
      } catch {
        // no such log
      }
    };
    read(path.join(this.dir, 'logs', 'dockerd.log'), 'dockerd.log');
    for (const user of this.users.values()) read(path.join(this.dir, 'users', user.name, 'rootless.log'), `${user.name} rootless.log`);
    return parts.join('\n');
  }

  // --- ending --------------------------------------------------------------------------------

  /** Synchronous, for the exit hook: SIGKILL the world's pid 1, which ends the pid namespace. */
  killNow(): void {
    if (this.pid > 0) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      this.holder?.stdin?.destroy();
    } catch {
      // already closed
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    liveWorlds.delete(this);
    // Closing the pipe ends holder.sh's `cat`, then tini, then (the kernel) every process in the
    // world; SIGKILL to tini makes it immediate. holder.sh then removes the directory.
    this.killNow();
    const exited = this.holderExit ? await Promise.race([this.holderExit.then(() => true), sleep(15_000).then(() => false)]) : true;
    if (!exited) {
      try {
        if (this.holder?.pid) process.kill(-this.holder.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    // holder.sh removed it; make sure (e.g. when the holder never started).
    await fs.promises.rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/**
 * Builds a world: namespaces, users, daemons as the spec says. Throws with the daemons' logs
 * when any of it fails (and cleans up what was built).
 */
export async function createWorld(spec: WorldSpec): Promise<World> {
  const check = preflight();
  if (!check.ok) throw new Error(`cannot build e2e worlds here: ${check.reason}`);
  const started = performance.now();
  const users = ensureUsers();
  const dockerGid = dockerGroupGid();
  const safeName = spec.name.replace(/[^a-zA-Z0-9_.-]+/g, '-').slice(0, 24);
  // Not under /tmp: the world mounts its own /tmp. Short: unix socket paths under the world
  // directory (containerd's) must stay below 108 bytes.
  const base = process.env['DOCKHOOK_E2E_DIR'] || '/var/tmp';
  const dir = fs.mkdtempSync(path.join(base, `dhw-${safeName}-`));
  if (dir.length > 48) throw new Error(`world directory ${dir} is too long for unix socket paths; set DOCKHOOK_E2E_DIR shorter`);
  const world = new WorldImpl(spec, dir, users, dockerGid);
  installExitHook();
  liveWorlds.add(world);
  try {
    world.layOut();
    await world.start();
    await world.populate();
  } catch (error) {
    const logs = world.logs();
    await world.dispose();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`[world ${spec.name}] could not be built: ${message}${logs ? `\n${logs}` : ''}`, { cause: error });
  }
  world.buildMs = performance.now() - started;
  return world;
}
