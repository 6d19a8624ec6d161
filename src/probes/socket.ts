// The socket file itself: is it there, is it a socket, whose is it, may this process write it.
import type { SocketFacts } from '../core/types.js';
import type { System } from '../io/system.js';
import { groupNameOf, parseGroupFile, parsePasswdNames } from './etc-files.js';

export async function probeSocket(sys: System, path: string): Promise<SocketFacts> {
  const link = await sys.lstat(path);
  const target = link?.isSymbolicLink() ? await sys.stat(path) : link;
  const [groupText, passwdText] = await Promise.all([sys.readFile('/etc/group'), sys.readFile('/etc/passwd')]);
  const groups = parseGroupFile(groupText ?? '');
  const owners = parsePasswdNames(passwdText ?? '');
  const mode = target ? target.mode & 0o777 : null;
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
    ownerName: target ? owners.get(target.uid) ?? null : null,
    writable: target !== null && (await sys.canWrite(path)),
    worldWritable: mode !== null && (mode & 0o002) !== 0,
  };
}
