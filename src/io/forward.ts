// Runs docker with stdin and stdout untouched and its stderr passed through dockhook, every
// byte forwarded as it arrives and also handed to `onChunk` (the detector).
//
// docker and buildx decide colours and progress bars by isatty(2) (moby/term, buildx
// progress "auto"), so when our stderr is a terminal docker gets a pseudo-terminal for its
// stderr, sized like ours and resized with it; otherwise a pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ReadStream } from 'node:tty';
import { dockerExitStatus } from './docker.js';

export interface ForwardOptions {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  usePty: boolean;
  onChunk: (chunk: Buffer) => void;
}

export interface ForwardResult {
  status: number;
  /** The spawn itself failed (docker not found): nothing ran. */
  spawnError: NodeJS.ErrnoException | null;
}

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
  resize(fd: number, cols: number, rows: number): void;
}

function forwardBytes(chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) {
    try {
      offset += writeSync(2, chunk, offset);
    } catch (error) {
      // A non-blocking stderr can be momentarily full; anything else means stderr is gone.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

interface Pty {
  master: number;
  /** docker's stderr; dockhook keeps its own copy open until the drain is done. */
  slave: number;
  resize: (cols: number, rows: number) => void;
}

/**
 * node-pty's native half. The @lydell/node-pty build ships it prebuilt, per platform, inside an
 * optional registry package (nothing is compiled or downloaded at install), so it may be absent
 * on an unusual platform or with `--omit=optional`: then docker gets a pipe for its stderr, which
 * only costs colours and progress bars.
 */
function loadNativePty(): NativePty | null {
  try {
    const load = createRequire(import.meta.url);
    return load(`@lydell/node-pty-${process.platform}-${process.arch}/pty.node`) as NativePty;
  } catch {
    return null;
  }
}

async function openPty(): Promise<Pty | null> {
  try {
    const native = loadNativePty();
    if (!native) return null;
    const cols = process.stderr.columns || 80;
    const rows = process.stderr.rows || 24;
    const term = native.open(cols, rows);
    // node-pty makes both ends non-blocking. The master is read through libuv, which wants
    // that; the slave becomes docker's stderr, and a program that is not ready for EAGAIN on
    // stderr would lose output. Opening the slave again by name gives a blocking descriptor.
    const slave = openSync(term.pty, constants.O_RDWR | constants.O_NOCTTY);
    closeSync(term.slave);
    // The line discipline would turn "\n" into "\r\n"; the real terminal does that already.
    const stty = spawn('stty', ['-opost'], { stdio: [slave, 'ignore', 'ignore'] });
    await new Promise((resolve) => {
      stty.on('close', resolve);
      stty.on('error', resolve);
    });
    return { master: term.master, slave, resize: (c, r) => native.resize(term.master, c, r) };
  } catch {
    return null;
  }
}

/**
 * Reads the pty master until docker has exited and everything it wrote has been read.
 *
 * Waiting for end-of-file loses data: when the last holder of the slave closes it, the kernel
 * may report the hang-up before it has moved the last bytes into the master's read buffer,
 * and libuv takes a hang-up after a short read for the end of the stream (uv__stream_io). So
 * dockhook keeps the slave open itself and, once docker has exited, writes a marker through
 * it: the pty is first in, first out, so when the marker comes out, docker's output is all out.
 */
function drainPty(pty: Pty, forward: (chunk: Buffer) => void, exited: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const reader = new ReadStream(pty.master);
    // A pty hands over at most 4 KiB per read; libuv reads several in one turn of the loop.
    // Passing them on together halves the write calls when docker prints fast.
    let pending: Buffer[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (pending.length === 0) return;
      const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      forward(chunk);
    };
    const take = (chunk: Buffer) => {
      pending.push(chunk);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    };
    let marker: Buffer | null = null;
    let held = Buffer.alloc(0);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (held.length > 0) take(held);
      flush();
      reader.destroy();
      try {
        closeSync(pty.slave);
      } catch {
        /* already closed */
      }
      resolve();
    };
    // A daemonised child of docker could keep writing forever; do not wait on it long.
    let timer: NodeJS.Timeout | undefined;
    reader.on('data', (chunk: Buffer) => {
      if (marker === null) return take(chunk);
      held = Buffer.concat([held, chunk]);
      const at = held.indexOf(marker);
      if (at >= 0) {
        held = held.subarray(0, at);
        finish();
      } else if (held.length > marker.length) {
        take(held.subarray(0, held.length - marker.length));
        held = held.subarray(held.length - marker.length);
      }
    });
    reader.on('error', finish);
    reader.on('close', finish);
    void exited.then(() => {
      if (finished) return;
      marker = Buffer.from(`\u0000dockhook-drain-${process.pid}-${Date.now()}\u0000`);
      timer = setTimeout(finish, 2000);
      try {
        writeSync(pty.slave, marker);
      } catch {
        finish();
      }
    });
  });
}

export async function runForwarding(options: ForwardOptions): Promise<ForwardResult> {
  const pty = options.usePty ? await openPty() : null;
  let child: ChildProcess;
  try {
    child = spawn(options.file, [...options.args], { stdio: ['inherit', 'inherit', pty ? pty.slave : 'pipe'], env: options.env });
  } catch (error) {
    if (pty) {
      closeSync(pty.master);
      closeSync(pty.slave);
    }
    return { status: 127, spawnError: error as NodeJS.ErrnoException };
  }
  // Ctrl-C and Ctrl-\ reach docker from the terminal (same process group); dockhook stays to
  // report docker's status. SIGTERM and SIGHUP are meant for the command: pass them on.
  const ignore = () => {};
  const relay = (signal: NodeJS.Signals) => () => child.kill(signal);
  const relays: Array<[NodeJS.Signals, () => void]> = [
    ['SIGTERM', relay('SIGTERM')],
    ['SIGHUP', relay('SIGHUP')],
  ];
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  for (const [signal, handler] of relays) process.on(signal, handler);
  const onResize = () => pty?.resize(process.stderr.columns || 80, process.stderr.rows || 24);
  if (pty) process.on('SIGWINCH', onResize);

  const take = (chunk: Buffer) => {
    forwardBytes(chunk);
    options.onChunk(chunk);
  };
  const exited = new Promise<ForwardResult>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code === 'ENOENT' ? 127 : 126, spawnError: error }));
    child.on('close', (code, signal) => resolve({ status: dockerExitStatus(code, signal), spawnError: null }));
  });
  const drained = pty
    ? drainPty(pty, take, exited)
    : new Promise<void>((resolve) => {
        child.stderr!.on('data', take);
        child.stderr!.on('end', () => resolve());
        child.stderr!.on('error', () => resolve());
      });
  const outcome = await exited;
  // A background child of docker (none normally) could hold a pipe open: bound the wait.
  await Promise.race([drained, new Promise((r) => setTimeout(r, pty ? 2500 : 200))]);
  process.removeListener('SIGINT', ignore);
  process.removeListener('SIGQUIT', ignore);
  for (const [signal, handler] of relays) process.removeListener(signal, handler);
  if (pty) process.removeListener('SIGWINCH', onResize);
  return outcome;
}
