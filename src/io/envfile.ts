// Hands environment changes back to the calling shell through a file the shell function reads
// with builtins (never eval). Only HANDBACK_VARS names, no newlines in values, and only into
// a directory that belongs to this user, mode 0700, and is not a symlink. The directory is
// opened once (O_NOFOLLOW) and checked through that descriptor; the file is made through it
// too (/proc/self/fd/N/NAME), so nobody can swap the directory between the check and the write.
// The shell side does the same when it reads (shell/dockhook.bash, __dockhook_handback).
import { closeSync, fstatSync, mkdirSync, openSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname } from 'node:path';
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

/** Writes `content` as DIR/NAME inside a private directory; returns an error line instead of throwing. */
export function writePrivateFile(path: string, content: string): string | null {
  const dir = dirname(path);
  const name = basename(path);
  if (!path.startsWith('/') || name === '' || name === '.' || name === '..') return `${path} is not an absolute file name`;
  const uid = process.getuid?.() ?? -1;
  let dirFd: number | null = null;
  try {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      // It may exist already (even as something else): the checks below decide.
    }
    const refused = `${dir} is not a private directory of this user (mode 0700)`;
    try {
      dirFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch (error) {
      // A symlink (ELOOP, or ENOTDIR with O_DIRECTORY) or a file where the directory should be.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') return refused;
      throw error;
    }
    const info = fstatSync(dirFd);
    if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o777) !== 0o700) return refused;
    const inside = `/proc/self/fd/${dirFd}/${name}`;
    try {
      unlinkSync(inside);
    } catch {
      // Usually there is no previous file.
    }
    const fd = openSync(inside, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const data = Buffer.from(content);
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset);
    } finally {
      closeSync(fd);
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (dirFd !== null) closeSync(dirFd);
  }
}

/** Writes the hand-back file; returns an error line instead of throwing. */
export function writeEnvFile(path: string, env: Fix['env']): string | null {
  return writePrivateFile(
    path,
    envFileLines(env)
      .map((line) => `${line}\n`)
      .join(''),
  );
}

/**
 * An empty hand-back file, made as soon as dockhook runs: the shell function reads "the file is
 * there" as "dockhook got as far as running", and otherwise (a truncated install, a crashing
 * node, an argv too long for it) runs docker itself or keeps docker's status.
 */
export function markRunning(path: string | null): void {
  if (path !== null) writePrivateFile(path, '');
}
