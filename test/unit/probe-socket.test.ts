import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeSocket } from '../../src/probes/socket.js';
import type { System } from '../../src/io/system.js';

interface Node { type: 'dir' | 'socket'; uid: number; gid: number; mode: number }

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n';
const GROUP = 'root:x:0:\ndocker:x:998:\nada:x:1000:\nbob:x:1001:\n';

/**
 * A machine as ada (uid 1000, not in docker) sees it: a directory may be searched when its mode grants
 * x to ada as owner, as a member of its group, or as anyone; stat and lstat fail below a directory ada
 * may not search, as the kernel makes them fail.
 */
function machine(nodes: Record<string, Node>): System {
  const uid = 1000;
  const gids = [1000];
  const may = (node: Node, bit: number) =>
    (node.uid === uid && (node.mode & (bit << 6)) !== 0) || (gids.includes(node.gid) && (node.mode & (bit << 3)) !== 0) || (node.mode & bit) !== 0;
  const reachable = (path: string) => {
    let dir = '';
    for (const part of path.split('/').filter(Boolean).slice(0, -1)) {
      dir += `/${part}`;
      const node = nodes[dir];
      if (!node || !may(node, 1)) return false;
    }
    return true;
  };
  const stats = (node: Node) => ({ uid: node.uid, gid: node.gid, mode: node.mode, isDirectory: () => node.type === 'dir', isSocket: () => node.type === 'socket', isSymbolicLink: () => false }) as unknown as Stats;
  const look = async (path: string) => (reachable(path) && nodes[path] ? stats(nodes[path]) : null);
  return {
    env: {},
    user: { name: 'ada', uid, gid: 1000, home: '/home/ada' },
    processGids: gids,
    readFile: async (path: string) => (path === '/etc/passwd' ? PASSWD : path === '/etc/group' ? GROUP : null),
    lstat: look,
    stat: look,
    canWrite: async (path: string) => reachable(path) && !!nodes[path] && may(nodes[path], 2),
    canSearch: async (path: string) => reachable(path) && !!nodes[path] && may(nodes[path], 1),
  } as unknown as System;
}

const dir = (uid: number, mode: number, gid = uid): Node => ({ type: 'dir', uid, gid, mode });
const sock = (uid: number, gid: number, mode: number): Node => ({ type: 'socket', uid, gid, mode });
const system = { '/': dir(0, 0o755), '/home': dir(0, 0o755), '/run': dir(0, 0o755), '/run/user': dir(0, 0o755), '/var': dir(0, 0o755), '/var/run': dir(0, 0o755) };

describe('probeSocket: the first directory on the way that this user may not enter', () => {
  it("names another user's 0700 directory, its owner and mode", async () => {
    const facts = await probeSocket(machine({ ...system, '/home/bob': dir(1001, 0o755), '/home/bob/private': dir(1001, 0o700), '/home/bob/private/docker.sock': sock(0, 998, 0o660) }), '/home/bob/private/docker.sock');
    expect(facts.exists).toBe(false);
    expect(facts.writable).toBe(false);
    expect(facts.blockedBy).toEqual({ path: '/home/bob/private', uid: 1001, ownerName: 'bob', gid: 1001, groupName: 'bob', mode: 0o700 });
  });

  it("stops at the first one: another user's runtime directory", async () => {
    const facts = await probeSocket(machine({ ...system, '/run/user/1001': dir(1001, 0o700), '/run/user/1001/docker.sock': sock(1001, 1001, 0o660) }), '/run/user/1001/docker.sock');
    expect(facts.blockedBy).toMatchObject({ path: '/run/user/1001', ownerName: 'bob', mode: 0o700 });
  });

  it('a 0750 directory of a group the user is in lets them through', async () => {
    const facts = await probeSocket(machine({ ...system, '/home/bob': dir(1001, 0o750, 1000), '/home/bob/docker.sock': sock(0, 998, 0o660) }), '/home/bob/docker.sock');
    expect(facts.exists).toBe(true);
    expect(facts.blockedBy).toBeNull();
  });

  it('nothing in the way: the socket itself refuses (the group case)', async () => {
    const facts = await probeSocket(machine({ ...system, '/var/run/docker.sock': sock(0, 998, 0o660) }), '/var/run/docker.sock');
    expect(facts).toMatchObject({ exists: true, isSocket: true, writable: false, groupName: 'docker', blockedBy: null });
  });

  it('a missing directory is not a blocked one', async () => {
    const facts = await probeSocket(machine(system), '/run/user/1000/docker.sock');
    expect(facts.exists).toBe(false);
    expect(facts.blockedBy).toBeNull();
  });

  it('a writable socket is not walked to', async () => {
    const facts = await probeSocket(machine({ ...system, '/home/ada': dir(1000, 0o700), '/home/ada/docker.sock': sock(1000, 1000, 0o600) }), '/home/ada/docker.sock');
    expect(facts).toMatchObject({ writable: true, blockedBy: null });
  });
});
