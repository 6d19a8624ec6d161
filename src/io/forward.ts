// Runs docker with stdin and stdout untouched and its stderr passed through dockhook, every
// byte forwarded as it arrives and also handed to `onChunk` (the detector).
//
// docker and buildx decide colours and progress bars by isatty(2) (moby/term, buildx
// progress "auto"), so when our stderr is a terminal docker gets a pseudo-terminal for its
// stderr, sized like ours and resized with it; otherwise a pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { exitStatus } from './docker.js';

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

async function openPty(): Promise<{ master: number; slave: number; resize: (c: number, r: number) => void } | null> {
  try {
    const mod = (await import('node-pty')) as unknown as { native?: NativePty; default?: { native?: NativePty } };
    const native = mod.native ?? mod.default?.native;
    if (!native) return null;
    const cols = process.stderr.columns || 80;
    const rows = process.stderr.rows || 24;
    const term = native.open(cols, rows);
    // The line discipline would turn "\n" into "\r\n"; the real terminal does that already.
    const stty = spawn('stty', ['-opost'], { stdio: [term.slave, 'ignore', 'ignore'] });
    await new Promise((resolve) => { stty.on('close', resolve); stty.on('error', resolve); });
    return { master: term.master, slave: term.slave, resize: (c, r) => native.resize(term.master, c, r) };
  } catch {
    return null;
  }
}

export async function runForwarding(options: ForwardOptions): Promise<ForwardResult> {
  const pty = options.usePty ? await openPty() : null;
  let child: ChildProcess;
  try {
    child = spawn(options.file, [...options.args], { stdio: ['inherit', 'inherit', pty ? pty.slave : 'pipe'], env: options.env });
  } catch (error) {
    if (pty) { closeSync(pty.master); closeSync(pty.slave); }
    return { status: 127, spawnError: error as NodeJS.ErrnoException };
  }
  // Ctrl-C and Ctrl-\ reach docker from the terminal (same process group); dockhook stays to
  // report docker's status. SIGTERM and SIGHUP are meant for the command: pass them on.
  const ignore = () => {};
  const relay = (signal: NodeJS.Signals) => () => child.kill(signal);
  const relays: Array<[NodeJS.Signals, () => void]> = [['SIGTERM', relay('SIGTERM')], ['SIGHUP', relay('SIGHUP')]];
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  for (const [signal, handler] of relays) process.on(signal, handler);
  const onResize = () => pty?.resize(process.stderr.columns || 80, process.stderr.rows || 24);
  if (pty) process.on('SIGWINCH', onResize);

  let reader: ReadStream | null = null;
  const drained = new Promise<void>((resolve) => {
    const take = (chunk: Buffer) => {
      forwardBytes(chunk);
      options.onChunk(chunk);
    };
    if (pty) {
      closeSync(pty.slave);
      reader = new ReadStream(pty.master);
      reader.on('data', take);
      // Linux answers EIO on the master once every holder of the slave has closed it.
      reader.on('error', () => resolve());
      reader.on('close', () => resolve());
      reader.on('end', () => resolve());
    } else {
      child.stderr!.on('data', take);
      child.stderr!.on('end', () => resolve());
      child.stderr!.on('error', () => resolve());
    }
  });

  const outcome = await new Promise<ForwardResult>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code === 'ENOENT' ? 127 : 126, spawnError: error }));
    child.on('close', (code, signal) => resolve({ status: exitStatus(code, signal), spawnError: null }));
  });
  // Background children of docker (none normally) could hold the pty open: bound the drain.
  await Promise.race([drained, new Promise((r) => setTimeout(r, 200))]);
  (reader as ReadStream | null)?.destroy();
  process.removeListener('SIGINT', ignore);
  process.removeListener('SIGQUIT', ignore);
  for (const [signal, handler] of relays) process.removeListener(signal, handler);
  if (pty) process.removeListener('SIGWINCH', onResize);
  return outcome;
}

