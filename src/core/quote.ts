// Quoting argv for display and for `sg -c`: POSIX single quotes where needed.
import { visible } from './visible.js';

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One string for a shell to run (sg -c): exact, never for display. */
export function shellWords(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** For display: a control character in an argument is shown escaped, never sent to the terminal. */
export function commandLine(argv: readonly string[]): string {
  return visible(shellWords(argv));
}
