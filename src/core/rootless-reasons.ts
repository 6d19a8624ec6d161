// Why a rootless daemon cannot start: the `reason` of rootless-failed, and the pre-flight that
// runs before a rootless setup is offered. One ordered list, one entry per reason: what the
// machine shows before any start (`blocks`), the lines its start prints (`patterns`), and what to
// say and offer. The first entry that holds wins; `position` says why it stands there.
// Wordings: moby contrib/dockerd-rootless.sh and dockerd-rootless-setuptool.sh, rootlesskit
// pkg/parent (warn.go, parent.go, idtools); sources in docs/research/daemon-failures.md.
import { makeFix } from './fixes.js';
import type { Translate } from './messages/index.js';
import type { Fix, Facts, RootlessFailedReason, RootlessPreflight } from './types.js';

export interface RootlessMatch {
  reason: RootlessFailedReason;
  /** The line that proves it: from the daemon's log, or null when the pre-flight found it before any start. */
  line: string | null;
  params: Readonly<Record<string, string>>;
}

interface RootlessRule {
  reason: Exclude<RootlessFailedReason, 'unknown'>;
  position: string;
  /** What the machine shows before any start; params for the explanation, or null when fine. */
  blocks(facts: Facts, pre: RootlessPreflight): Record<string, string> | null;
  patterns: readonly RegExp[];
  explain(t: Translate, facts: Facts, m: RootlessMatch): { why: string; fixes: Fix[] };
}

const SUBID_RANGE = 65536;

export const ROOTLESS_REASONS: readonly RootlessRule[] = [
  {
    reason: 'no-login-session',
    position:
      'First: without a runtime directory of its own (a login through pam_systemd) nothing of rootless Docker can even start, and `su`/`sudo -i` is the most reported way to get there.',
    blocks: (facts, pre) => (pre.runtimeDir === 'ok' ? null : { dir: facts.rootless?.xdgRuntimeDir ?? `/run/user/${facts.user.uid}`, state: pre.runtimeDir }),
    patterns: [
      /XDG_RUNTIME_DIR needs to be set and writable/,
      /could not get XDG_RUNTIME_DIR/,
      /Aborting because systemd was detected but XDG_RUNTIME_DIR/,
      /Failed to connect to bus: (?<detail>.+)$/,
    ],
    explain: (t, facts, m) => {
      const why =
        m.params.state === 'unset' || (m.line !== null && /needs to be set|could not get|Failed to connect to bus/.test(m.line))
          ? t('reason.rootless-no-login-session', { user: facts.user.name })
          : t('reason.rootless-runtime-dir', { dir: m.params.dir ?? '?', user: facts.user.name });
      // Without systemd nothing makes /run/user/UID at login (no pam_systemd, no user manager, no
      // linger): the session gets the directory itself — this shell's XDG_RUNTIME_DIR, made first
      // (by root: /run is root's) where it is missing. Then the start can work.
      if (facts.service?.systemdBooted === false) {
        const dir = `/run/user/${facts.user.uid}`;
        const unset = (m.params.state ?? facts.rootless?.preflight?.runtimeDir) === 'unset';
        const own = unset ? facts.rootless?.preflight?.runUserDir : 'not-owned';
        const why = unset
          ? t('reason.rootless-no-runtime-dir', { user: facts.user.name })
          : t('reason.rootless-runtime-dir', { dir: m.params.dir ?? '?', user: facts.user.name });
        if (own === 'ok') return { why, fixes: [makeFix({ id: 'runtime-dir', title: t('fix.rootless-runtime-dir', { dir }), env: { XDG_RUNTIME_DIR: dir } })] };
        if (own === 'missing') {
          return {
            why,
            fixes: [
              makeFix({
                id: 'runtime-dir',
                title: t('fix.rootless-runtime-dir-make', { dir, user: facts.user.name }),
                commands: [['sudo', 'install', '-d', '-m', '0700', '-o', facts.user.name, '-g', String(facts.user.gid), dir]],
                privileged: true,
                env: { XDG_RUNTIME_DIR: dir },
              }),
            ],
          };
        }
        return { why, fixes: [manual('runtime-dir', t('fix.rootless-runtime-dir-other', { user: facts.user.name }))] };
      }
      return {
        why,
        fixes: [
          manual('login-session', t('fix.rootless-login', { user: facts.user.name })),
          makeFix({
            id: 'enable-linger',
            title: t('fix.enable-linger', { user: facts.user.name }),
            commands: [['sudo', 'loginctl', 'enable-linger', facts.user.name]],
            privileged: true,
            persistent: true,
            retry: 'none',
          }),
        ],
      };
    },
  },
  {
    reason: 'userns-disabled',
    position: 'Before AppArmor: when the kernel refuses unprivileged user namespaces to everyone, no profile helps.',
    blocks: (_facts, pre) => {
      if (pre.usernsClone === 0) return { sysctl: 'kernel.unprivileged_userns_clone', value: '1' };
      if (pre.maxUserNamespaces === 0) return { sysctl: 'user.max_user_namespaces', value: '28633' };
      return null;
    },
    patterns: [
      /\/proc\/sys\/kernel\/(?<file>unprivileged_userns_clone) needs to be set to 1/,
      /\/proc\/sys\/user\/(?<file>max_user_namespaces) needs to be set to non-zero/,
    ],
    explain: (t, _facts, m) => {
      const sysctl = m.params.sysctl ?? (m.params.file === 'max_user_namespaces' ? 'user.max_user_namespaces' : 'kernel.unprivileged_userns_clone');
      const value = m.params.value ?? (sysctl === 'user.max_user_namespaces' ? '28633' : '1');
      return {
        why: t('reason.rootless-userns-disabled', { sysctl }),
        fixes: [
          makeFix({
            id: 'userns-sysctl',
            title: t('fix.userns-sysctl', { sysctl, value }),
            files: [{ path: '/etc/sysctl.d/99-rootless.conf', content: `${sysctl}=${value}\n` }],
            commands: [['sudo', 'sysctl', '--system']],
            privileged: true,
            persistent: true,
            retry: 'none',
          }),
        ],
      };
    },
  },
  {
    reason: 'apparmor-userns',
    position:
      'After the sysctls: Ubuntu 24.04 and later allow user namespaces only to programs with an AppArmor profile that says `userns` — and `dockerd-rootless-setuptool.sh check` does not look.',
    blocks: (_facts, pre) =>
      pre.apparmorRestricted === true && pre.rootlesskit !== null && pre.apparmorProfile === false ? { rootlesskit: pre.rootlesskit } : null,
    patterns: [
      /This error might have happened because \/proc\/sys\/kernel\/apparmor_restrict_unprivileged_userns is set to 1/,
      /\[rootlesskit:parent\] error: failed to start the child: fork\/exec \/proc\/self\/exe: permission denied/,
    ],
    explain: (t, facts, m) => {
      const rootlesskit = m.params.rootlesskit ?? facts.rootless?.preflight?.rootlesskit ?? '/usr/bin/rootlesskit';
      const name = rootlesskit.replace(/^\//, '').replace(/\//g, '.');
      // The profile rootlesskit itself prints as its hint (rootlesskit pkg/parent/warn.go).
      const content = `# ref: https://ubuntu.com/blog/ubuntu-23-10-restricted-unprivileged-user-namespaces\nabi <abi/4.0>,\ninclude <tunables/global>\n\n${rootlesskit} flags=(unconfined) {\n  userns,\n\n  # Site-specific additions and overrides. See local/README for details.\n  include if exists <local/${name}>\n}\n`;
      return {
        why: t('reason.rootless-apparmor', { rootlesskit }),
        fixes: [
          makeFix({
            id: 'apparmor-rootlesskit',
            title: t('fix.apparmor-rootlesskit', { rootlesskit }),
            files: [{ path: `/etc/apparmor.d/${name}`, content }],
            commands: [['sudo', 'systemctl', 'restart', 'apparmor.service']],
            privileged: true,
            persistent: true,
            retry: 'none',
          }),
        ],
      };
    },
  },
  {
    reason: 'newuidmap',
    position: 'After the kernel: rootlesskit needs the setuid newuidmap and newgidmap (package uidmap) to map the ids.',
    blocks: (facts) => {
      const r = facts.rootless;
      if (!r) return null;
      if (r.newuidmap === null) return { tool: 'newuidmap' };
      if (r.newgidmap === null) return { tool: 'newgidmap' };
      return null;
    },
    patterns: [
      /(?<tool>newuidmap|newgidmap) binary not found/,
      /exec: "(?<tool>newuidmap|newgidmap)": executable file not found/,
      /(?<tool>newuidmap|newgidmap) \d+ \[[^\]]*\] failed: (?<detail>.+)$/,
    ],
    explain: (t, _facts, m) => {
      const tool = m.params.tool ?? 'newuidmap';
      const detail = m.params.detail ?? null;
      return {
        why: detail ? t('reason.rootless-newuidmap-failed', { tool, detail: detail.trim() }) : t('reason.rootless-newuidmap-missing', { tool }),
        fixes: [manual('install-uidmap', detail ? t('fix.newuidmap-setuid', { tool }) : t('fix.install-uidmap'))],
      };
    },
  },
  {
    reason: 'subid',
    position:
      'Last of the known: ids to map come from /etc/subuid and /etc/subgid; an entry must exist and hold 65,536 ids (the setup tool checks only that one exists).',
    blocks: (facts) => {
      const r = facts.rootless;
      if (!r) return null;
      if (r.subuidCount >= SUBID_RANGE && r.subgidCount >= SUBID_RANGE) return null;
      return { file: r.subuidCount < SUBID_RANGE ? '/etc/subuid' : '/etc/subgid', count: String(Math.min(r.subuidCount, r.subgidCount)) };
    },
    patterns: [/No (?<kind>subuid|subgid) ranges found for user (?<uid>\d+)/, /failed to compute uid\/gid map/],
    explain: (t, facts, m) => {
      const user = facts.user.name;
      const start = facts.rootless?.preflight?.subidNext ?? 100000;
      const range = `${start}-${start + SUBID_RANGE - 1}`;
      const count = m.params.count ?? '0';
      return {
        why: count === '0' ? t('reason.rootless-subid-none', { user }) : t('reason.rootless-subid-small', { user, count }),
        fixes: [
          makeFix({
            id: 'add-subids',
            title: t('fix.add-subids', { user, range }),
            commands: [['sudo', 'usermod', '--add-subuids', range, '--add-subgids', range, user]],
            privileged: true,
            persistent: true,
            // The ids alone start nothing: dockhook looks again (the start comes next) and re-runs the command.
            retry: 'plain',
          }),
        ],
      };
    },
  },
];

/** What the pre-flight finds before any start, in list order (empty: nothing in the way). */
export function rootlessBlockers(facts: Facts): RootlessMatch[] {
  const pre = facts.rootless?.preflight ?? null;
  if (pre === null) return [];
  const found: RootlessMatch[] = [];
  for (const rule of ROOTLESS_REASONS) {
    const params = rule.blocks(facts, pre);
    if (params) found.push({ reason: rule.reason, line: null, params });
  }
  return found;
}

/** Reads the lines of a rootless start attempt: the first entry with a matching line wins. */
export function readRootlessFailure(lines: readonly string[]): RootlessMatch | null {
  for (const rule of ROOTLESS_REASONS) {
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      for (const pattern of rule.patterns) {
        const found = pattern.exec(lines[i]!);
        if (found)
          return {
            reason: rule.reason,
            line: lines[i]!,
            params: Object.fromEntries(Object.entries(found.groups ?? {}).filter((e): e is [string, string] => e[1] !== undefined)),
          };
      }
    }
  }
  return null;
}

/** The attempt ended in a failure of rootlesskit, the script or dockerd (not a clean stop). */
export function rootlessDiedInLog(lines: readonly string[]): boolean {
  return lines.some((l) => /\[rootlesskit:(parent|child) ?\] error|^failed to start daemon|needs to be (set|installed)|level=fatal/.test(l));
}

export function explainRootless(t: Translate, facts: Facts, m: RootlessMatch): { why: string; fixes: Fix[] } {
  const rule = ROOTLESS_REASONS.find((r) => r.reason === m.reason);
  return rule ? rule.explain(t, facts, m) : { why: t('reason.rootless-unknown'), fixes: [] };
}

function manual(id: string, title: string): Fix {
  return makeFix({ id, title, manual: true, retry: 'none' });
}
