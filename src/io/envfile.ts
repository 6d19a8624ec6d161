// Hands environment changes back to the calling shell through a file the shell function reads
// with builtins (never eval). Only HANDBACK_VARS names, no newlines in values, and only into
// a directory that belongs to this user and nobody else can write.
import { closeSync, lstatSync, mkdirSync, openSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { HANDBACK_VARS, type Fix } from '../core/types.js';

export function envFileLines(env: Fix['env']): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!(HANDBACK_VARS as readonly string[]).includes(name)) continue;
    if (value === null || value === undefined) lines.push(`unset ${name}`);
    else if (!/[\n\r\0]/.test(value)) lines.push(`set ${name} ${value}`);
  }
  return lines;
}

/** Writes the hand-back file; returns an error line instead of throwing. */
export function writeEnvFile(path: string, env: Fix['env']): string | null {
  const dir = dirname(path);
  const uid = process.getuid?.() ?? -1;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o022) !== 0) return `${dir} is not a private directory of this user`;
    try {
      unlinkSync(path);
    } catch {
      // Usually there is no previous file.
    }
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, envFileLines(env).map((line) => `${line}\n`).join(''));
    } finally {
      closeSync(fd);
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
