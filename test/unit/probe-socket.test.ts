// The socket probe's walk to the socket: the first directory on the way this user may not enter,
// on machines described as plain data (test/support/fake-system.ts). ada is uid 1000, not in docker.
import { describe, expect, it } from 'vitest';
import { probeSocket } from '../../src/probes/socket.js';
import { dir, fakeSystem, socket, type FakeMachine } from '../support/fake-system.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n';
const GROUP = 'root:x:0:\ndocker:x:998:\nada:x:1000:\nbob:x:1001:\n';

/** A machine as ada sees it; directories not listed are root's, 0755. */
const machine = (files: FakeMachine['files'] = {}) => fakeSystem({ files: { '/etc/passwd': PASSWD, '/etc/group': GROUP, ...files } });
const owned = (uid: number, mode: number, gid = uid) => dir({ uid, gid, mode });

describe('probeSocket: the first directory on the way that this user may not enter', () => {
  it("names another user's 0700 directory, its owner and mode", async () => {
    const facts = await probeSocket(
      machine({
        '/home/bob': owned(1001, 0o755),
        '/home/bob/private': owned(1001, 0o700),
        '/home/bob/private/docker.sock': socket({ uid: 0, gid: 998, mode: 0o660 }),
      }),
      '/home/bob/private/docker.sock',
    );
    expect(facts.exists).toBe(false);
    expect(facts.writable).toBe(false);
    expect(facts.blockedBy).toEqual({ path: '/home/bob/private', uid: 1001, ownerName: 'bob', gid: 1001, groupName: 'bob', mode: 0o700 });
  });

  it("stops at the first one: another user's runtime directory", async () => {
    const facts = await probeSocket(
      machine({ '/run/user/1001': owned(1001, 0o700), '/run/user/1001/docker.sock': socket({ uid: 1001, gid: 1001, mode: 0o660 }) }),
      '/run/user/1001/docker.sock',
    );
    expect(facts.blockedBy).toMatchObject({ path: '/run/user/1001', ownerName: 'bob', mode: 0o700 });
  });

  it('a 0750 directory of a group the user is in lets them through', async () => {
    const facts = await probeSocket(
      machine({ '/home/bob': owned(1001, 0o750, 1000), '/home/bob/docker.sock': socket({ uid: 0, gid: 998, mode: 0o660 }) }),
      '/home/bob/docker.sock',
    );
    expect(facts.exists).toBe(true);
    expect(facts.blockedBy).toBeNull();
  });

  it('nothing in the way: the socket itself refuses (the group case)', async () => {
    const facts = await probeSocket(machine({ '/var/run/docker.sock': socket({ uid: 0, gid: 998, mode: 0o660 }) }), '/var/run/docker.sock');
    expect(facts).toMatchObject({ exists: true, isSocket: true, writable: false, groupName: 'docker', blockedBy: null });
  });

  it('a missing directory is not a blocked one', async () => {
    const facts = await probeSocket(machine(), '/run/user/1000/docker.sock');
    expect(facts.exists).toBe(false);
    expect(facts.blockedBy).toBeNull();
  });

  it('a writable socket is not walked to', async () => {
    const facts = await probeSocket(
      machine({ '/home/ada': owned(1000, 0o700), '/home/ada/docker.sock': socket({ uid: 1000, gid: 1000, mode: 0o600 }) }),
      '/home/ada/docker.sock',
    );
    expect(facts).toMatchObject({ writable: true, blockedBy: null });
  });
});
