// The one-key question, asked on the terminal itself (/dev/tty), never on docker's stdin.
// No terminal (GUI clients, CI, `cannot open /dev/tty`): no question, the caller prints a hint.
//
// Only keys typed after the question is on the screen answer it. Whatever waits in the
// terminal's input queue when the question comes (a second Enter after `docker ps`, the rest of
// a pasted script such as "yarn install\n", whose "y" would say yes) is read and thrown away
// first: Node has no tcflush(3), so the queue is drained through a second, non-blocking
// descriptor right after raw mode is on, before the event loop lets libuv read anything.
// A root-equivalent question also waits a visible moment (a countdown) before it takes keys.
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';

export type Answer = { kind: 'yes' } | { kind: 'no' } | { kind: 'choice'; index: number } | { kind: 'no-tty' };

export interface AskOptions {
  /**
   * Keys are not taken for this long after the question shows (a countdown says so), and what
   * was typed meanwhile is thrown away: for questions whose yes grants root-equivalent rights.
   */
  settleMs?: number;
  /**
   * The keys held back while the countdown runs (default y and Y): the ones that would grant
   * the root-equivalent fix. Any other key (n, a digit for a safer fix) counts at once.
   */
  settleKeys?: readonly string[];
}

/** How long a root-equivalent question waits before it takes an answer. */
export const ROOT_EQUIVALENT_SETTLE_MS = 1500;

export function canPrompt(env: Readonly<Record<string, string | undefined>>, stderrIsTTY: boolean): boolean {
  if (!stderrIsTTY) return false;
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return false;
  return true;
}

/** Reads and throws away what waits on a non-blocking descriptor; returns how many bytes. */
export function discardPending(fd: number): number {
  const buffer = Buffer.alloc(4096);
  let total = 0;
  // Bounded: a terminal that never stops sending (a runaway paste) cannot keep dockhook here.
  for (let i = 0; i < 256; i += 1) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch {
      break; // EAGAIN: nothing more waits.
    }
    if (n <= 0) break;
    total += n;
  }
  return total;
}

const RESTORE_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGINT'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads one key in raw mode; Enter takes the default, Ctrl-C, Ctrl-D and Esc mean no. */
export async function askKey(question: string, defaultYes: boolean, choices: number, options: AskOptions = {}): Promise<Answer> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return { kind: 'no-tty' };
  }
  let drain: number | null = null;
  try {
    drain = openSync('/dev/tty', constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    // Without it nothing can be thrown away: ask anyway (the terminal is there).
  }
  let input: ReadStream;
  try {
    input = new ReadStream(fd);
    input.setRawMode(true);
  } catch {
    for (const open of [drain, fd])
      if (open !== null)
        try {
          closeSync(open);
        } catch {
          /* already closed */
        }
    return { kind: 'no-tty' };
  }
  // Synchronous, before the event loop turns: libuv has not read from the terminal yet, so
  // everything typed so far (a partial line included, now that raw mode is on) goes here.
  const discard = () => {
    if (drain !== null) discardPending(drain);
  };
  discard();

  // A terminal left in raw mode is the worst thing a prompt can do; restore it on any exit,
  // a signal included (the default action of SIGTERM or SIGHUP would skip the 'exit' event).
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      input.setRawMode(false);
    } catch {
      /* the terminal went away */
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    try {
      writeSync(fd, '\r\n');
    } catch {
      /* nothing to write to */
    }
    for (const s of RESTORE_SIGNALS) process.removeListener(s, onSignal);
    // Die of the same signal, as the shell expects; should another listener keep the process
    // alive, leave with the status a shell would show.
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : signal === 'SIGQUIT' ? 3 : 15)), 100).unref();
  };
  process.once('exit', restore);
  for (const s of RESTORE_SIGNALS) process.on(s, onSignal);

  try {
    return await new Promise<Answer>((resolve) => {
      // waiting: the question is not shown yet; settling: the countdown holds back settleKeys.
      let state: 'waiting' | 'settling' | 'open' | 'answered' = 'waiting';
      const held = new Set(options.settleKeys ?? ['y', 'Y']);
      const done = (echo: string, answer: Answer) => {
        // An answer during the countdown replaces its digit on the screen.
        const countdown = state === 'settling' ? '\b \b' : '';
        state = 'answered';
        try {
          writeSync(fd, `${countdown}${echo}\r\n`);
        } catch {
          /* nothing to echo to */
        }
        resolve(answer);
      };
      input.on('data', (chunk: Buffer) => {
        if (state === 'waiting' || state === 'answered') return;
        const key = chunk.toString('utf8', 0, 1);
        if (state === 'settling' && (held.has(key) || key === '\r' || key === '\n')) return;
        if (key === '\r' || key === '\n') return done(defaultYes ? 'y' : 'n', defaultYes ? { kind: 'yes' } : { kind: 'no' });
        if (key === 'y' || key === 'Y') return done('y', { kind: 'yes' });
        if (key === 'n' || key === 'N' || key === 'q' || key === '\x1b' || key === '\x04') return done('n', { kind: 'no' });
        if (key === '\x03') return done('^C', { kind: 'no' });
        const digit = Number(key);
        if (Number.isInteger(digit) && digit >= 1 && digit <= choices) return done(key, { kind: 'choice', index: digit - 1 });
      });
      input.once('end', () => resolve({ kind: 'no' }));
      input.once('error', () => resolve({ kind: 'no-tty' }));
      const start = async () => {
        try {
          writeSync(fd, question);
          const settle = options.settleMs ?? 0;
          if (settle > 0) {
            // A visible countdown; the held keys typed meanwhile are read and dropped.
            state = 'settling';
            const steps = Math.min(9, Math.max(1, Math.ceil(settle / 500)));
            for (let left = steps; left > 0; left -= 1) {
              writeSync(fd, `${left}`);
              await sleep(settle / steps);
              if (state !== 'settling') return;
              writeSync(fd, '\b \b');
            }
            discard();
          }
        } catch {
          resolve({ kind: 'no-tty' });
          return;
        }
        if (state !== 'answered') state = 'open';
      };
      void start();
    });
  } finally {
    restore();
    process.removeListener('exit', restore);
    for (const s of RESTORE_SIGNALS) process.removeListener(s, onSignal);
    input.destroy();
    if (drain !== null)
      try {
        closeSync(drain);
      } catch {
        /* already closed */
      }
  }
}
