// Carries out a fix: its commands (sudo swapped for the configured one, or dropped for root),
// its environment changes (for this process and, through the hand-back file, the shell).
import { spawn } from 'node:child_process';
import type { Config } from '../core/config-schema.js';
import type { Translate } from '../core/messages/index.js';
import type { Fix } from '../core/types.js';
import { childEnv, exitStatus } from '../io/docker.js';
import { writeEnvFile } from '../io/envfile.js';
import { commandLine } from '../io/render.js';
import { concreteArgv } from '../core/privilege.js';
import { envChanges } from './present.js';

export interface ApplyOptions {
  config: Config;
  t: Translate;
  say: (line: string) => void;
  env: Record<string, string | undefined>;
  envOut: string | null;
  uid: number;
  dockerBinary: string;
}


export function runInherit(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) return resolve(127);
    // Ctrl-C (at sudo's password prompt, say) reaches the command straight from the terminal;
    // dockhook stays to report that the fix did not complete and to return docker's status.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    const done = (status: number) => {
      process.removeListener('SIGINT', ignore);
      resolve(status);
    };
    // stdout of a fix goes to stderr: stdout belongs to the docker command being fixed.
    const child = spawn(file, args, { stdio: ['inherit', 2, 2], env });
    child.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOENT' ? 127 : 126));
    child.on('close', (code, signal) => done(exitStatus(code, signal)));
  });
}

/** Returns true when every command succeeded. */
export async function applyFix(fix: Fix, options: ApplyOptions): Promise<boolean> {
  const { t, say } = options;
  for (const argv of fix.commands) {
    const concrete = concreteArgv(argv, { sudo: options.config.sudo, uid: options.uid, dockerBinary: options.dockerBinary });
    say(t('apply.running', { command: commandLine(concrete) }));
    const status = await runInherit(concrete, childEnv(options.env));
    if (status !== 0) {
      say(t('apply.failed', { command: commandLine(concrete), status }));
      return false;
    }
  }
  const names = Object.keys(fix.env) as Array<keyof Fix['env']>;
  if (names.length > 0) {
    for (const name of names) {
      const value = fix.env[name];
      if (value === null || value === undefined) delete options.env[name];
      else options.env[name] = value;
    }
    const changes = envChanges(fix);
    const problem = options.envOut === null ? 'no shell' : writeEnvFile(options.envOut, fix.env);
    say(problem === null ? t('apply.env', { changes }) : t('apply.env-no-shell', { changes }));
  }
  return true;
}
