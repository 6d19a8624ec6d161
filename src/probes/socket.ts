// The socket file itself: is it there, is it a socket, whose is it, may this process write it; and
// the way to it: the first directory this process may not enter, whose socket would then be unreachable
// whatever its own owner and mode say.
import type { BlockedDir, SocketFacts } from '../core/types.js';
import type { System } from '../io/system.js';
import { groupNameOf, parseGroupFile, parsePasswdNames } from './etc-files.js';

export async function probeSocket(sys: System, path: string): Promise<SocketFacts> {
  const link = await sys.lstat(path);
  const target = link?.isSymbolicLink() ? await sys.stat(path) : link;
  const [groupText, passwdText] = await Promise.all([sys.readFile('/etc/group'), sys.readFile('/etc/passwd')]);
  const groups = parseGroupFile(groupText ?? '');
  const owners = parsePasswdNames(passwdText ?? '');
  const mode = target ? target.mode & 0o777 : null;
  const writable = target !== null && (await sys.canWrite(path));
  return {
    path,
    exists: target !== null,
    symlink: link?.isSymbolicLink() ?? false,
    dangling: link !== null && link.isSymbolicLink() && target === null,
    isSocket: target?.isSocket() ?? false,
    uid: target?.uid ?? null,
    gid: target?.gid ?? null,
    mode,
    groupName: target ? groupNameOf(groups, target.gid) : null,
    ownerName: target ? (owners.get(target.uid) ?? null) : null,
    writable,
    worldWritable: mode !== null && (mode & 0o002) !== 0,
    // Only looked for when the socket is out of reach: a writable socket was reached through every directory.
    blockedBy: writable
      ? null
      : await firstBlockedDir(
          sys,
          path,
          (gid) => groupNameOf(groups, gid),
          (uid) => owners.get(uid) ?? null,
        ),
  };
}

/**
 * The first directory on the way to `path` this process may not search, walking down from "/". Each
 * one is stat()ed from its parent, which was searchable, so its owner and mode can be read; the walk
 * stops at the first one that cannot be entered, or at one that is missing.
 */
async function firstBlockedDir(
  sys: System,
  path: string,
  groupName: (gid: number) => string | null,
  ownerName: (uid: number) => string | null,
): Promise<BlockedDir | null> {
  if (!path.startsWith('/')) return null;
  const parts = path.split('/').filter(Boolean).slice(0, -1);
  let dir = '';
  for (const part of parts) {
    dir += `/${part}`;
    const stats = await sys.stat(dir);
    if (stats === null || !stats.isDirectory()) return null;
    if (!(await sys.canSearch(dir))) {
      return { path: dir, uid: stats.uid, ownerName: ownerName(stats.uid), gid: stats.gid, groupName: groupName(stats.gid), mode: stats.mode & 0o7777 };
    }
  }
  return null;
}
