// Commands as the user's own shell reads them. Argv words are quoted POSIX-style, which bash,
// zsh and fish all read the same way (fish takes '…' and \\' outside quotes); what differs is
// how a shell sets and unsets a variable, and fish has no `export`.
import type { ShellName } from './types.js';
import { commandLine } from './quote.js';

const SHELLS: readonly ShellName[] = ['bash', 'zsh', 'fish', 'sh'];

/**
 * The calling shell: what the shell function says (_DOCKHOOK_SHELL); for `dockhook fix` typed at
 * a prompt, the parent process (a fish started from a bash login keeps SHELL=/bin/bash); else the
 * login shell.
 */
export function shellFromEnv(env: Readonly<Record<string, string | undefined>>, parent: string | null = null): ShellName {
  const named = env._DOCKHOOK_SHELL ?? '';
  if ((SHELLS as readonly string[]).includes(named)) return named as ShellName;
  for (const candidate of [parent?.trim() ?? '', /([^/]+)$/.exec(env.SHELL ?? '')?.[1] ?? '']) {
    if (candidate === 'fish' || candidate === 'zsh' || candidate === 'bash') return candidate;
  }
  return 'sh';
}

export function setVariable(shell: ShellName, name: string, value: string): string {
  return shell === 'fish' ? `set -gx ${name} ${commandLine([value])}` : `export ${name}=${commandLine([value])}`;
}

export function unsetVariable(shell: ShellName, name: string): string {
  return shell === 'fish' ? `set -e ${name}` : `unset ${name}`;
}

/** `export A=…; unset B` (or fish's `set -gx A …; set -e B`) for a fix's environment changes. */
export function envLines(shell: ShellName, env: Readonly<Record<string, string | null | undefined>>): string {
  return Object.entries(env)
    .map(([name, value]) => (value === null || value === undefined ? unsetVariable(shell, name) : setVariable(shell, name, value)))
    .join('; ');
}

/**
 * A command started in the background, in a session of its own, with directories in front of
 * PATH and its output appended to a log: what dockhook does for a detached fix, written so a
 * person can paste it. `env PATH="…:$PATH"` reads the same in bash, zsh and fish (fish joins a
 * quoted path list with colons).
 */
export function detachedLine(argv: readonly string[], detach: { log: string; pathPrepend: readonly string[] }): string {
  const path = detach.pathPrepend.length > 0 ? `env PATH="${detach.pathPrepend.join(':')}:$PATH" ` : '';
  return `${path}setsid -f ${commandLine(argv)} >>${commandLine([detach.log])} 2>&1 </dev/null`;
}
