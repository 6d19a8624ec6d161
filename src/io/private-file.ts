// A log file only its user can read, in a directory only its user can write, opened so that
// nobody can redirect it elsewhere (no following a planted symlink).
import { constants, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens `path` for appending (creating it 0600, its directory 0700); a descriptor, or why not. */
export function openPrivateLog(path: string): number | string {
  const dir = dirname(path);
  const uid = process.getuid?.() ?? -1;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0) return `${dir} is not a private directory of this user`;
    const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    return fd;
  } catch (error) {
    return (error as Error).message;
  }
}
