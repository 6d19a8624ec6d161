// A private Docker engine for the bench: its own socket, TCP port on 127.0.0.1, data root,
// exec root (so its managed containerd is private too) and pid file, all under one temporary
// directory. Nothing touches /var/run/docker.sock or /var/lib/docker. Stopped (and its
// containerd with it) on every way out: normal end, error, Ctrl-C, SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { BenchError } from './measure.js';

export interface Engine {
  dir: string;
  socket: string;
  port: number;
  unixHost: string;
  tcpHost: string;
  /** A DOCKER_CONFIG whose current context ("bench") points at the engine's socket. */
  contextConfig: string;
  /** An empty DOCKER_CONFIG (the default context) for the other rows. */
  plainConfig: string;
  version: string;
  log: string;
  stop(): void;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function docker(env: NodeJS.ProcessEnv, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('docker', args, { env, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/**
 * A detached watchdog: once the process `parent` is gone (even SIGKILLed — tsx kills its child
 * when it does not acknowledge a Ctrl-C within 30 ms, which a child busy in spawnSync cannot do),
 * it stops this engine's dockerd and containerd (only if their command lines still name `dir`)
 * and removes `removeDir`.
 */
function startReaper(parent: number, dockerdPid: number, dir: string, removeDir: string | null): void {
  const script = [
    'parent=$1 dockerd=$2 dir=$3 remove=$4',
    'while kill -0 "$parent" 2>/dev/null; do sleep 0.5; done',
    'ours() { [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr "\\0" " " <"/proc/$1/cmdline" | grep -qF -- "$dir"; }',
    'containerd=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null)',
    'for pid in "$dockerd" "$containerd"; do',
    '  ours "$pid" || continue',
    '  kill -TERM "$pid" 2>/dev/null',
    '  i=0; while ours "$pid" && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done',
    '  ours "$pid" && kill -KILL "$pid" 2>/dev/null',
    'done',
    '[ -n "$remove" ] && rm -rf -- "$remove"',
    'exit 0',
  ].join('\n');
  const reaper = spawn('sh', ['-c', script, 'dockhook-bench-reaper', String(parent), String(dockerdPid), dir, removeDir ?? ''], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}

export async function startEngine(dir: string, env: Record<string, string>, options: { removeOnExit?: string | null; dockerd?: string } = {}): Promise<Engine> {
  const dockerd = options.dockerd ?? '/usr/sbin/dockerd';
  if (!existsSync(dockerd)) throw new BenchError(`${dockerd} is missing (apt-get install docker.io)`);
  if (process.getuid?.() !== 0) throw new BenchError('the bench starts its own dockerd and needs root');
  mkdirSync(dir, { recursive: true });
  const socket = `${dir}/docker.sock`;
  const port = await freePort();
  const log = `${dir}/dockerd.log`;
  const logFd = openSync(log, 'a');
  const child = spawn(
    dockerd,
    [
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver=vfs',
      '-H',
      `unix://${socket}`,
      '-H',
      `tcp://127.0.0.1:${port}`,
      '--data-root',
      `${dir}/data`,
      '--exec-root',
      `${dir}/exec`,
      '--pidfile',
      `${dir}/docker.pid`,
    ],
    // Its own process group: a Ctrl-C on the terminal reaches the bench, which stops it in order.
    { detached: true, stdio: ['ignore', logFd, logFd], env: { PATH: env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir } },
  );
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new BenchError(`could not start ${dockerd}`);
  child.unref();
  startReaper(process.pid, pid, dir, options.removeOnExit ?? null);

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    // The managed containerd's pid, in case dockerd has to be killed and cannot stop it itself.
    let containerd: number | null;
    try {
      containerd = Number(readFileSync(`${dir}/exec/containerd/containerd.pid`, 'utf8').trim()) || null;
    } catch {
      containerd = null;
    }
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 150 && alive(pid); i++) sleepSync(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    if (containerd !== null && alive(containerd)) {
      // Only if it is still the containerd we started (its command line names our exec root).
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${containerd}/cmdline`, 'utf8');
      } catch {
        cmdline = '';
      }
      if (cmdline.includes(`${dir}/exec/`)) {
        process.kill(containerd, 'SIGTERM');
        for (let i = 0; i < 50 && alive(containerd); i++) sleepSync(100);
        if (alive(containerd)) process.kill(containerd, 'SIGKILL');
      }
    }
  };

  const unixHost = `unix://${socket}`;
  const tcpHost = `tcp://127.0.0.1:${port}`;
  const plainConfig = `${dir}/docker-config-plain`;
  const contextConfig = `${dir}/docker-config-context`;
  mkdirSync(plainConfig, { recursive: true });
  mkdirSync(contextConfig, { recursive: true });
  const clientEnv = (extra: Record<string, string>) => {
    const out: Record<string, string> = { ...env };
    delete out.DOCKER_HOST;
    delete out.DOCKER_CONTEXT;
    return { ...out, ...extra };
  };
  try {
    let version = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!alive(pid)) throw new BenchError(`dockerd exited during start; see ${log}:\n${readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}`);
      if (existsSync(socket)) {
        const r = docker(clientEnv({ DOCKER_CONFIG: plainConfig, DOCKER_HOST: unixHost }), ['version', '--format', '{{.Server.Version}}']);
        if (r.ok) {
          version = r.out.trim();
          break;
        }
      }
      sleepSync(100);
    }
    if (!version) throw new BenchError(`dockerd did not answer on ${socket} within 60 s; see ${log}`);
    const tcp = docker(clientEnv({ DOCKER_CONFIG: plainConfig, DOCKER_HOST: tcpHost }), ['ps']);
    if (!tcp.ok) throw new BenchError(`dockerd does not answer on ${tcpHost}: ${tcp.err}`);
    const ctxEnv = clientEnv({ DOCKER_CONFIG: contextConfig });
    const created = docker(ctxEnv, ['context', 'create', 'bench', '--docker', `host=${unixHost}`]);
    if (!created.ok) throw new BenchError(`docker context create: ${created.err}`);
    const used = docker(ctxEnv, ['context', 'use', 'bench']);
    if (!used.ok) throw new BenchError(`docker context use: ${used.err}`);
    const viaContext = docker(ctxEnv, ['ps']);
    if (!viaContext.ok) throw new BenchError(`docker ps through the bench context: ${viaContext.err}`);
    return { dir, socket, port, unixHost, tcpHost, contextConfig, plainConfig, version, log, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
