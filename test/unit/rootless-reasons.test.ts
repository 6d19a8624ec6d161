// A rootless start's log → reason, for every rootless reason id; and the pre-flight that runs
// before a rootless setup. Wordings: moby contrib/dockerd-rootless.sh (20.10.24, docker-v29.7.2),
// dockerd-rootless-setuptool.sh, rootlesskit pkg/parent (warn.go, parent.go, idtools.go at
// e780dd3b4f); lines marked "real" were printed in this machine's e2e worlds.
import { describe, expect, it } from 'vitest';
import { readRootlessFailure, ROOTLESS_REASONS, rootlessBlockers } from '../../src/core/rootless-reasons.js';
import { ROOTLESS_FAILED_REASONS, type Facts, type RootlessFailedReason, type RootlessPreflight } from '../../src/core/types.js';

const table: Array<[string, string, RootlessFailedReason | null]> = [
  ['dockerd-rootless.sh without XDG_RUNTIME_DIR (20.10 → v29)', 'XDG_RUNTIME_DIR needs to be set and writable', 'no-login-session'],
  ['dockerd itself (docs)', 'could not get XDG_RUNTIME_DIR', 'no-login-session'],
  ['systemctl --user after sudo -iu (docs)', 'Failed to connect to bus: No such file or directory', 'no-login-session'],
  [
    'setuptool',
    '[ERROR] Aborting because systemd was detected but XDG_RUNTIME_DIR ("/run/user/1001") is not set, does not exist, or is not writable',
    'no-login-session',
  ],
  [
    'rootlesskit warn.go: userns_clone',
    'time="2024-01-01T00:00:00Z" level=warning msg="/proc/sys/kernel/unprivileged_userns_clone needs to be set to 1."',
    'userns-disabled',
  ],
  [
    'rootlesskit warn.go: max_user_namespaces',
    'time="x" level=warning msg="/proc/sys/user/max_user_namespaces needs to be set to non-zero."',
    'userns-disabled',
  ],
  [
    'rootlesskit ≥ 2.0.2 AppArmor hint',
    'time="x" level=warning msg="This error might have happened because /proc/sys/kernel/apparmor_restrict_unprivileged_userns is set to 1" error="fork/exec /proc/self/exe: permission denied"',
    'apparmor-userns',
  ],
  [
    'rootlesskit < 2.0.2 on Ubuntu 24.04 (moby/moby#47480)',
    '[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: permission denied',
    'apparmor-userns',
  ],
  [
    'newuidmap not setuid (moby/moby#46791)',
    '[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 56 [0 1000 1 1 100000 65536] failed: newuidmap: write to uid_map failed: Operation not permitted',
    'newuidmap',
  ],
  [
    'newuidmap missing (rootlesskit exec)',
    '[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 1234 [0 1001 1 1 100000 65536] failed: : exec: "newuidmap": executable file not found in $PATH',
    'newuidmap',
  ],
  ['setuptool', '[ERROR] newuidmap binary not found. Please install with a package manager.', 'newuidmap'],
  [
    'no subuid range (idtools.go)',
    '[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: No subuid ranges found for user 1001 ("testuser")',
    'subid',
  ],
  [
    'no subgid range',
    '[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute uid/gid map: No subgid ranges found for user 1001 ("testuser")',
    'subid',
  ],
  ['a clean stop says nothing', 'time="x" level=info msg="Daemon shutdown complete"', null],
];

describe("a rootless start's last words → reason", () => {
  it.each(table)('%s', (_name, line, reason) => {
    expect(readRootlessFailure([line])?.reason ?? null).toBe(reason);
  });

  it('covers every reason id but unknown', () => {
    const covered = new Set(table.map(([, , r]) => r));
    expect(ROOTLESS_FAILED_REASONS.filter((r) => r !== 'unknown' && !covered.has(r))).toEqual([]);
    expect(ROOTLESS_REASONS.map((r) => r.reason).sort()).toEqual(ROOTLESS_FAILED_REASONS.filter((r) => r !== 'unknown').sort());
  });
});

describe('the rootless pre-flight (more than `dockerd-rootless-setuptool.sh check`)', () => {
  const ok: RootlessPreflight = {
    runtimeDir: 'ok',
    apparmorRestricted: false,
    apparmorProfile: null,
    rootlesskit: '/usr/bin/rootlesskit',
    usernsClone: null,
    maxUserNamespaces: 28633,
    subidNext: 165536,
  };
  const rootless: NonNullable<Facts['rootless']> = {
    xdgRuntimeDir: '/run/user/1000',
    socketPath: '/run/user/1000/docker.sock',
    socket: null,
    contextHost: null,
    setupTool: '/usr/bin/dockerd-rootless-setuptool.sh',
    rootlessScript: '/usr/bin/dockerd-rootless.sh',
    newuidmap: '/usr/bin/newuidmap',
    newgidmap: '/usr/bin/newgidmap',
    subuidCount: 65536,
    subgidCount: 65536,
    userUnit: false,
  };
  const facts = (pre: Partial<RootlessPreflight>, more: Partial<typeof rootless> = {}) =>
    ({ user: { name: 'ada', uid: 1000, gid: 1000, home: '/home/ada' }, rootless: { ...rootless, ...more, preflight: { ...ok, ...pre } } }) as unknown as Facts;
  const reasons = (f: Facts) => rootlessBlockers(f).map((b) => b.reason);

  it('nothing in the way', () => expect(reasons(facts({}))).toEqual([]));
  it('no login session', () => expect(reasons(facts({ runtimeDir: 'unset' }))).toEqual(['no-login-session']));
  it('AppArmor restriction without a profile (the check the setup tool misses)', () =>
    expect(reasons(facts({ apparmorRestricted: true, apparmorProfile: false }))).toEqual(['apparmor-userns']));
  it('AppArmor restriction with a profile is fine', () => expect(reasons(facts({ apparmorRestricted: true, apparmorProfile: true }))).toEqual([]));
  it('userns sysctls', () => expect(reasons(facts({ usernsClone: 0 }))).toEqual(['userns-disabled']));
  it('newuidmap missing', () => expect(reasons(facts({}, { newuidmap: null }))).toEqual(['newuidmap']));
  it('fewer than 65,536 subordinate ids', () => expect(reasons(facts({}, { subgidCount: 1000 }))).toEqual(['subid']));
  it('all at once, in list order', () =>
    expect(reasons(facts({ runtimeDir: 'missing', usernsClone: 0 }, { newuidmap: null, subuidCount: 0 }))).toEqual([
      'no-login-session',
      'userns-disabled',
      'newuidmap',
      'subid',
    ]));
});
