// The one-key question, asked on the terminal itself (/dev/tty), never on docker's stdin.
// No terminal (GUI clients, CI, `cannot open /dev/tty`): no question, the caller prints a hint.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';

export type Answer = { kind: 'yes' } | { kind: 'no' } | { kind: 'choice'; index: number } | { kind: 'no-tty' };

export function canPrompt(env: Readonly<Record<string, string | undefined>>, stderrIsTTY: boolean): boolean {
  if (!stderrIsTTY) return false;
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return false;
  return true;
}

/** Reads one key in raw mode; Enter takes the default, Ctrl-C, Ctrl-D and Esc mean no. */
export async function askKey(question: string, defaultYes: boolean, choices: number): Promise<Answer> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return { kind: 'no-tty' };
  }
  let input: ReadStream;
  try {
    input = new ReadStream(fd);
    input.setRawMode(true);
    writeSync(fd, question);
  } catch {
    try { closeSync(fd); } catch { /* already closed */ }
    return { kind: 'no-tty' };
  }
  // A terminal left in raw mode is the worst thing a prompt can do; restore it on any exit.
  const restore = () => {
    try { input.setRawMode(false); } catch { /* the terminal went away */ }
  };
  process.once('exit', restore);
  try {
    return await new Promise<Answer>((resolve) => {
      const done = (echo: string, answer: Answer) => {
        try { writeSync(fd, `${echo}\r\n`); } catch { /* nothing to echo to */ }
        resolve(answer);
      };
      input.on('data', (chunk: Buffer) => {
        const key = chunk.toString('utf8', 0, 1);
        if (key === '\r' || key === '\n') return done(defaultYes ? 'y' : 'n', defaultYes ? { kind: 'yes' } : { kind: 'no' });
        if (key === 'y' || key === 'Y') return done('y', { kind: 'yes' });
        if (key === 'n' || key === 'N' || key === 'q' || key === '\x1b' || key === '\x04') return done('n', { kind: 'no' });
        if (key === '\x03') return done('^C', { kind: 'no' });
        const digit = Number(key);
        if (Number.isInteger(digit) && digit >= 1 && digit <= choices) return done(key, { kind: 'choice', index: digit - 1 });
      });
      input.once('end', () => resolve({ kind: 'no' }));
      input.once('error', () => resolve({ kind: 'no-tty' }));
    });
  } finally {
    restore();
    process.removeListener('exit', restore);
    input.destroy();
  }
}
