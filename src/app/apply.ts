// Carries out a fix: its commands (sudo swapped for the configured one, or dropped for root),
// in the foreground or, for a daemon with no service manager to keep it, detached in the
// background; then its environment changes (for this process and, through the hand-back file,
// the shell). Says how it went as an Outcome; what comes next is the plan's business.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { closeSync, writeSync } from 'node:fs';
import { rootlessStartLine } from '../core/rootless-log.js';
import type { Config } from '../core/config-schema.js';
import type { Translate } from '../core/messages/index.js';
import type { Outcome } from '../core/plan.js';
import type { Fix, ShellName } from '../core/types.js';
import { childEnv, exitStatus } from '../io/docker.js';
import { writeEnvFile } from '../io/envfile.js';
import { openPrivateLog } from '../io/private-file.js';
import { commandLine } from '../io/render.js';
import { concreteArgv } from '../core/privilege.js';
import { detachedLine, envLines } from '../core/shell-syntax.js';
import { fileDirArgv, fileWriteArgv } from './present.js';

export interface ApplyOptions {
  config: Config;
  t: Translate;
  say: (line: string) => void;
  env: Record<string, string | undefined>;
  envOut: string | null;
  uid: number;
  dockerBinary: string;
  shell: ShellName;
}

export interface Applied {
  outcome: Outcome;
  /** A detached daemon dockhook started: lets the wait stop early when it has already died. */
  background: { exited: () => boolean } | null;
}

/** Runs a command on the terminal; `interrupted` when the person pressed Ctrl-C meanwhile. */
export function runInherit(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number; interrupted: boolean }> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) return resolve({ status: 127, interrupted: false });
    // Ctrl-C (at sudo's password prompt, say) reaches the command straight from the terminal;
    // dockhook stays to report that the fix did not complete and to return docker's status.
    let interrupted = false;
    const note = () => {
      interrupted = true;
    };
    process.on('SIGINT', note);
    const done = (status: number) => {
      process.removeListener('SIGINT', note);
      resolve({ status, interrupted });
    };
    // stdout of a fix goes to stderr: stdout belongs to the docker command being fixed.
    const child = spawn(file, args, { stdio: ['inherit', 2, 2], env });
    child.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOENT' ? 127 : 126));
    child.on('close', (code, signal) => done(exitStatus(code, signal)));
  });
}

/**
 * Starts a daemon in a session of its own (setsid), so closing the terminal or the shell does
 * not take it down, with its output appended to a private log file.
 */
function startDetached(
  argv: readonly string[],
  detach: NonNullable<Fix['detach']>,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; problem: string | null; exited: () => boolean }> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    const log = openPrivateLog(detach.log);
    if (!file || typeof log === 'string') return resolve({ status: 1, problem: typeof log === 'string' ? log : null, exited: () => true });
    let exited = false;
    // A line that marks this attempt, so whoever reads the log can tell it from earlier ones.
    try {
      writeSync(log, `${rootlessStartLine(file, new Date())}\n`);
    } catch {
      // A log that cannot be written to still takes the daemon's own output, or nothing.
    }
    const path = [...detach.pathPrepend, ...(env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')].filter(Boolean).join(':');
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log], env: { ...env, PATH: path } });
    child.on('exit', () => {
      exited = true;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      exited = true;
      closeSync(log);
      resolve({ status: error.code === 'ENOENT' ? 127 : 126, problem: null, exited: () => true });
    });
    child.once('spawn', () => {
      closeSync(log);
      child.unref();
      resolve({ status: 0, problem: null, exited: () => exited });
    });
  });
}

/** Runs a command with `input` on its stdin (a file's shown content for tee); its stdout is not shown again. */
function runWithInput(argv: readonly string[], input: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) return resolve(127);
    // sudo may ask for a password on the terminal (it opens /dev/tty itself), so stdin can carry the content.
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 2], env });
    child.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? 127 : 126));
    child.on('close', (code, signal) => resolve(exitStatus(code, signal)));
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/**
 * After a command through sudo failed: did sudo refuse (a wrong password three times), rather
 * than the command fail? Then sudo holds no credentials now: `sudo -n true` fails. (With the
 * right password or NOPASSWD it succeeds, and the failure was the command's own.) Not asked
 * when the configured sudo is non-interactive already, or for root.
 */
async function sudoRefused(concrete: readonly string[], options: ApplyOptions): Promise<boolean> {
  const [file] = concrete;
  if (!file || options.uid === 0 || basename(file) !== 'sudo' || options.config.sudo.some((word) => word === '-n' || word === '--non-interactive'))
    return false;
  return new Promise((resolve) => {
    const child = spawn(file, ['-n', 'true'], { stdio: 'ignore', env: childEnv(options.env) });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code !== 0));
  });
}

export async function applyFix(fix: Fix, options: ApplyOptions): Promise<Applied> {
  const { t, say } = options;
  let background: Applied['background'] = null;
  // `newgrp docker` and friends are for the person's own shell; dockhook applies env and retry.
  const commands = fix.personal ? [] : fix.commands;
  // Files first, each written by tee from the content the person was shown.
  for (const file of fix.personal ? [] : (fix.files ?? [])) {
    for (const [argv, input] of [
      [fileDirArgv(file.path, fix.privileged), null],
      [fileWriteArgv(file.path, fix.privileged), file.content],
    ] as const) {
      const concrete = concreteArgv(argv, { sudo: options.config.sudo, uid: options.uid, dockerBinary: options.dockerBinary });
      say(t('apply.running', { command: commandLine(concrete) }));
      const status = input === null ? (await runInherit(concrete, childEnv(options.env))).status : await runWithInput(concrete, input, childEnv(options.env));
      if (status !== 0) {
        say(t('apply.failed-again', { command: commandLine(concrete), status }));
        return { outcome: { kind: 'failed', argv: [...argv], status }, background: null };
      }
    }
  }
  for (const [index, argv] of commands.entries()) {
    const concrete = concreteArgv(argv, { sudo: options.config.sudo, uid: options.uid, dockerBinary: options.dockerBinary });
    if (fix.detach && index === 0) {
      say(t('apply.running', { command: detachedLine(concrete, fix.detach) }));
      const started = await startDetached(concrete, fix.detach, childEnv(options.env));
      if (started.problem !== null) say(t('apply.log-refused', { message: started.problem }));
      if (started.status !== 0) {
        say(t('apply.failed-again', { command: commandLine(concrete), status: started.status }));
        return { outcome: { kind: 'failed', argv, status: started.status }, background: null };
      }
      background = { exited: started.exited };
      continue;
    }
    say(t('apply.running', { command: commandLine(concrete) }));
    const { status, interrupted } = await runInherit(concrete, childEnv(options.env));
    if (status !== 0 && !interrupted && (await sudoRefused(concrete, options))) {
      say(t('apply.sudo-refused', { command: commandLine(concrete) }));
      return { outcome: { kind: 'refused', argv, status }, background: null };
    }
    if (status !== 0) {
      say(t(interrupted ? 'apply.failed' : 'apply.failed-again', { command: commandLine(concrete), status }));
      return { outcome: { kind: interrupted ? 'interrupted' : 'failed', argv, status }, background: null };
    }
  }
  const names = Object.keys(fix.env) as Array<keyof Fix['env']>;
  if (names.length > 0) {
    for (const name of names) {
      const value = fix.env[name];
      if (value === null || value === undefined) delete options.env[name];
      else options.env[name] = value;
    }
    const problem = options.envOut === null ? 'no shell' : writeEnvFile(options.envOut, fix.env);
    const shown = { ...fix.env };
    delete shown.DOCKHOOK_GROUP;
    const changes = envLines(options.shell, shown);
    if (changes) say(problem === null ? t('apply.env', { changes }) : t('apply.env-no-shell', { changes }));
    if (fix.env.DOCKHOOK_GROUP && problem === null) say(t('apply.group-remembered', { group: fix.env.DOCKHOOK_GROUP }));
  }
  return { outcome: { kind: 'done' }, background };
}
