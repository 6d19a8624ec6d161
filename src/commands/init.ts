// `dockhook init SHELL` when Node is asked directly (bin/dockhook answers it without Node).
import { writeOut } from '../io/stderr.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppContext } from '../app/context.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function initCommand(ctx: AppContext, shell: string | undefined): number {
  if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
    ctx.say(ctx.t()('error.unknown-shell', { shell: shell ?? '' }));
    return 2;
  }
  // dist/cli.cjs → ../shell/dockhook.SHELL
  const root = join(dirname(process.argv[1] ?? '.'), '..');
  writeOut(readFileSync(join(root, 'shell', `dockhook.${shell}`), 'utf8'));
  return 0;
}
