// The fix catalogue: each fix is data (argv arrays, env changes, flags). Commands that need
// root start with "sudo"; at apply time that word becomes the configured sudo, or goes away
// when dockhook already runs as root. Sources: docs/research/probes-and-fixes.md §4.4, §6.3, §7.2,
// §8–§13. Never here: chmod 666/777 on the socket, `sudo docker …`, deleting ~/.docker.
import { DEFAULT_UNIX_HOST } from './endpoint.js';
import type { AltRuntime, BlockedDir, Fix, HandbackVar, OsRelease } from './types.js';
import type { Translate } from './messages/index.js';

type FixInit = Partial<Fix> & Pick<Fix, 'id' | 'title'>;

/** A fix with the defaults filled in: no root, nothing persistent, a plain re-run. */
export function makeFix(init: FixInit): Fix {
  return fix(init);
}

function fix(init: FixInit): Fix {
  return {
    commands: [],
    privileged: false,
    env: {},
    persistent: false,
    rootEquivalent: false,
    retry: 'plain',
    manual: false,
    waitFor: null,
    detach: null,
    personal: false,
    ...init,
  };
}

export function startServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'start-service',
    title: t('fix.start-service'),
    commands: [['sudo', 'systemctl', 'start', 'docker.service']],
    privileged: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

export function enableServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'enable-service',
    title: t('fix.enable-service'),
    commands: [['sudo', 'systemctl', 'enable', '--now', 'docker.service', 'docker.socket']],
    privileged: true,
    persistent: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

export function unmaskServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'unmask-service',
    title: t('fix.unmask-service'),
    commands: [
      ['sudo', 'systemctl', 'unmask', 'docker.service', 'docker.socket'],
      ['sudo', 'systemctl', 'start', 'docker.service'],
    ],
    privileged: true,
    persistent: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

export function restartFailedServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'restart-failed-service',
    title: t('fix.restart-failed-service'),
    commands: [
      ['sudo', 'systemctl', 'reset-failed', 'docker.service', 'docker.socket'],
      ['sudo', 'systemctl', 'start', 'docker.service'],
    ],
    privileged: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

/** Editing the file is the user's job; `dockerd --validate` exists only from Engine 23 on (moby 8f80e55111). */
export function validateDaemonJson(t: Translate, path: string): Fix {
  return fix({ id: 'edit-daemon-json', title: t('fix.validate-daemon-json', { path }), retry: 'none', manual: true });
}

export function startServiceSysv(t: Translate): Fix {
  return fix({
    id: 'start-service',
    title: t('fix.start-service'),
    commands: [['sudo', 'service', 'docker', 'start']],
    privileged: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

export function startServiceOpenrc(t: Translate): Fix {
  return fix({
    id: 'start-service',
    title: t('fix.start-service'),
    commands: [['sudo', 'rc-service', 'docker', 'start']],
    privileged: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

/** OpenRC's lasting start: in the default runlevel, and started now (research §4.4). */
export function enableServiceOpenrc(t: Translate): Fix {
  return fix({
    id: 'enable-service',
    title: t('fix.enable-service'),
    commands: [
      ['sudo', 'rc-update', 'add', 'docker', 'default'],
      ['sudo', 'rc-service', 'docker', 'start'],
    ],
    privileged: true,
    persistent: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

export function restartServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'restart-service',
    title: t('fix.restart-service'),
    commands: [['sudo', 'systemctl', 'restart', 'docker.service']],
    privileged: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

export function restartServiceSysv(t: Translate): Fix {
  return fix({
    id: 'restart-service',
    title: t('fix.restart-service'),
    commands: [['sudo', 'service', 'docker', 'restart']],
    privileged: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

/** The docker group is root-equivalent (docs: linux-postinstall, "grants root-level privileges"). */
export function addToDockerGroup(t: Translate, user: string, groupExists: boolean): Fix {
  const commands = groupExists
    ? [['sudo', 'usermod', '-aG', 'docker', user]]
    : [
        ['sudo', 'groupadd', 'docker'],
        ['sudo', 'usermod', '-aG', 'docker', user],
      ];
  return fix({
    id: 'add-to-group',
    title: groupExists ? t('fix.add-to-group', { user }) : t('fix.create-group-and-add', { user }),
    commands,
    privileged: true,
    persistent: true,
    rootEquivalent: true,
    // The membership counts from the next login: until then this shell runs docker through sg,
    // without asking again.
    env: { DOCKHOOK_GROUP: 'docker' },
    retry: 'sg-docker',
  });
}

/**
 * sg(1) runs one command with the group from /etc/group, without a new login. dockhook cannot
 * change its parent's groups, so a yes hands the shell DOCKHOOK_GROUP, and its later docker
 * commands run through sg unasked. No command of its own: what is shown is what runs (the sg
 * line); `newgrp docker` / a new login, the lasting way, is named in the title only.
 */
export function useGroupNow(t: Translate): Fix {
  return fix({ id: 'use-group-now', title: t('fix.use-group-now'), commands: [], env: { DOCKHOOK_GROUP: 'docker' }, retry: 'sg-docker' });
}

/** Rootless needs a login session of its own (XDG_RUNTIME_DIR): after `su` it is a step for the person, shown with its number. */
export function rootlessAfterLogin(t: Translate, user: string): Fix {
  return fix({ id: 'rootless-after-login', title: t('fix.rootless-after-login', { user }), manual: true, retry: 'none' });
}

export function rootlessEnv(t: Translate, host: string): Fix {
  return fix({ id: 'rootless-env', title: t('fix.rootless-env'), env: { DOCKER_HOST: host } });
}

/**
 * The lasting answer for a rootless daemon: the `rootless` context, as the setup tool leaves it
 * (moby contrib/dockerd-rootless-setuptool.sh cli_ctx_create), created when it is missing. A
 * DOCKER_HOST in this shell would beat any context (docker/cli resolveContextName): unset it.
 */
export function rootlessContext(t: Translate, create: { host: string } | null = null, unsetHost = false): Fix {
  const commands = create
    ? [
        ['docker', 'context', 'create', 'rootless', '--docker', `host=${create.host}`],
        ['docker', 'context', 'use', 'rootless'],
      ]
    : [['docker', 'context', 'use', 'rootless']];
  return fix({
    id: 'rootless-context',
    title: t(create ? 'fix.rootless-context-create' : 'fix.rootless-context'),
    commands,
    env: unsetHost ? { DOCKER_HOST: null } : {},
    persistent: true,
  });
}

export function startRootlessSystemd(t: Translate, socketUrl: string | null = null): Fix {
  return fix({ id: 'start-rootless', title: t('fix.start-rootless'), commands: [['systemctl', '--user', 'start', 'docker']], waitFor: socketUrl });
}

/** Started at every login, and kept running after logout (docs: rootless, "enable-linger"). */
export function enableRootlessSystemd(t: Translate, user: string, socketUrl: string | null = null): Fix {
  return fix({
    id: 'enable-rootless',
    title: t('fix.enable-rootless'),
    commands: [
      ['systemctl', '--user', 'enable', '--now', 'docker'],
      ['sudo', 'loginctl', 'enable-linger', user],
    ],
    privileged: true,
    persistent: true,
    waitFor: socketUrl,
  });
}

/** Where the packages put the rootless pieces: what the start needs on PATH. */
export interface RootlessStart {
  /** dockerd-rootless.sh, wherever it is (docker.io: /usr/share/docker.io/contrib). */
  script: string;
  /** Directories to put in front of PATH: dockerd's (docker.io: /usr/sbin) and the script's. */
  pathPrepend: string[];
  /** The private log file (core/rootless-log.ts rootlessLogPath). */
  log: string;
  socketUrl: string;
}

/**
 * No user manager to run it: start dockerd-rootless.sh in the background, in its own session,
 * with dockerd on its PATH (a user's PATH lacks sbin) and its output kept for doctor to read.
 */
export function startRootlessDetached(t: Translate, start: RootlessStart): Fix {
  return fix({
    id: 'start-rootless-manual',
    title: t('fix.start-rootless-manual'),
    commands: [[start.script]],
    detach: { log: start.log, pathPrepend: start.pathPrepend },
    waitFor: start.socketUrl,
  });
}

/**
 * Rootless set up where no user manager runs: what the setup tool would leave to the user
 * ("dockerd-rootless.sh needs to be started manually") done here, and the `rootless` context it
 * would create. (Debian's docker.io tool also fails at that context step: it looks for `docker`
 * next to dockerd-rootless.sh, in /usr/share/docker.io/contrib.)
 */
export function setupRootlessUnmanaged(t: Translate, user: string, start: RootlessStart): Fix {
  return fix({
    id: 'setup-rootless',
    title: t('fix.setup-rootless', { user }),
    commands: [[start.script], ['docker', 'context', 'create', 'rootless', '--docker', `host=${start.socketUrl}`], ['docker', 'context', 'use', 'rootless']],
    detach: { log: start.log, pathPrepend: start.pathPrepend },
    waitFor: start.socketUrl,
    persistent: true,
  });
}

/** Kept for callers that know only the script: instructions, since its PATH needs are unknown. */
export function startRootlessManual(t: Translate, script: string): Fix {
  return fix({ id: 'start-rootless-manual', title: t('fix.start-rootless-manual'), commands: [[script]], manual: true, retry: 'none' });
}

/**
 * The setup tool checks that dockerd-rootless.sh and dockerd are on PATH ("needs to be present
 * under $PATH"); Debian's docker.io keeps them in /usr/share/docker.io/contrib and /usr/sbin, so
 * they go in front of PATH through env(1), which reads the same in every shell.
 */
export function setupRootless(
  t: Translate,
  user: string,
  tool: string,
  force: boolean,
  pathPrepend: readonly string[] = [],
  socketUrl: string | null = null,
): Fix {
  const install = force ? [tool, 'install', '--force'] : [tool, 'install'];
  const argv = pathPrepend.length > 0 ? ['env', `PATH=${[...pathPrepend, '/usr/local/bin', '/usr/bin', '/bin'].join(':')}`, ...install] : install;
  return fix({
    id: 'setup-rootless',
    title: t('fix.setup-rootless', { user }),
    commands: [argv],
    persistent: true,
    waitFor: socketUrl,
  });
}

/** Unsets DOCKER_HOST and, with it, TLS leftovers of `eval $(docker-machine env)` that are set. */
/** `docker -H URL`: nothing dockhook can change makes that endpoint answer, so no yes/no, only the step. */
export function dropHostFlag(t: Translate, url: string): Fix {
  return fix({ id: 'drop-host-flag', title: t('fix.drop-host-flag', { url }), manual: true, retry: 'none' });
}

export function unsetDockerHost(t: Translate, alsoSet: readonly HandbackVar[]): Fix {
  const env: Fix['env'] = { DOCKER_HOST: null };
  for (const name of alsoSet) env[name] = null;
  return fix({ id: 'unset-docker-host', title: t('fix.unset-docker-host'), env });
}

export function useDefaultContext(t: Translate): Fix {
  return fix({ id: 'use-default-context', title: t('fix.use-default-context'), commands: [['docker', 'context', 'use', 'default']], persistent: true });
}

export function unsetDockerContext(t: Translate): Fix {
  return fix({ id: 'unset-docker-context', title: t('fix.unset-docker-context'), env: { DOCKER_CONTEXT: null } });
}

/** `systemctl --user start docker-desktop` returns before Desktop's VM answers: wait for its socket. */
export function startDesktopLinux(t: Translate, socketUrl: string | null = null): Fix {
  return fix({ id: 'start-desktop', title: t('fix.start-desktop'), commands: [['systemctl', '--user', 'start', 'docker-desktop']], waitFor: socketUrl });
}

const ALT_START: Record<AltRuntime, string[]> = {
  colima: ['colima', 'start'],
  orbstack: ['orb', 'start'],
  'rancher-desktop': ['rdctl', 'start'],
  podman: ['systemctl', '--user', 'start', 'podman.socket'],
};

export function startAltRuntime(t: Translate, runtime: AltRuntime, socketUrl: string | null = null): Fix {
  return fix({ id: `start-${runtime}`, title: t('fix.start-alt-runtime', { runtime }), commands: [ALT_START[runtime]], waitFor: socketUrl });
}

export function wslStartEngine(t: Translate, systemd: boolean): Fix {
  const commands = systemd ? [['sudo', 'systemctl', 'start', 'docker.service']] : [['sudo', 'service', 'docker', 'start']];
  return fix({ id: 'wsl-start-engine', title: t('fix.wsl-start-engine'), commands, privileged: true, waitFor: DEFAULT_UNIX_HOST });
}

export function wslDesktop(t: Translate): Fix {
  return fix({ id: 'wsl-desktop', title: t('fix.wsl-desktop'), manual: true, retry: 'none' });
}

export function snapStart(t: Translate): Fix {
  return fix({ id: 'snap-start', title: t('fix.snap-start'), commands: [['sudo', 'snap', 'start', 'docker']], privileged: true, waitFor: DEFAULT_UNIX_HOST });
}

export function installDocker(t: Translate): Fix {
  return fix({ id: 'install-docker', title: t('fix.install-docker'), manual: true, retry: 'none' });
}

/** A directory on the way to the socket is another user's: only its owner (or root) can change that. */
export function askDirOwner(t: Translate, user: string, dir: BlockedDir): Fix {
  const owner = dir.ownerName ?? String(dir.uid);
  return fix({ id: 'ask-dir-owner', title: t('fix.ask-dir-owner', { owner, dir: dir.path, user }), manual: true, retry: 'none' });
}

type Family = 'debian' | 'fedora' | 'rhel' | 'arch' | 'alpine' | 'suse';

/** /etc/os-release ID, then ID_LIKE (os-release(5)), to the package families below. */
export function osFamily(os: OsRelease): Family | null {
  for (const id of [os.id, ...os.idLike]) {
    if (id === 'debian' || id === 'ubuntu' || id === 'raspbian' || id === 'linuxmint' || id === 'pop') return 'debian';
    if (id === 'fedora') return 'fedora';
    if (id === 'rhel' || id === 'centos' || id === 'rocky' || id === 'almalinux' || id === 'ol') return 'rhel';
    if (id === 'arch' || id === 'manjaro' || id === 'endeavouros') return 'arch';
    if (id === 'alpine') return 'alpine';
    if (id === 'opensuse' || id === 'opensuse-leap' || id === 'opensuse-tumbleweed' || id === 'suse' || id === 'sles') return 'suse';
  }
  return null;
}

/**
 * The distribution's own Engine package (docs: engine/install per distribution). Debian/Ubuntu
 * docker.io ships the rootless scripts in its contrib directory and needs uidmap, rootlesskit and
 * slirp4netns for them; Fedora moby-engine; RHEL has no Engine package, only Docker's repository
 * (docker-ce-rootless-extras there); Arch docker; Alpine docker, started by OpenRC; openSUSE
 * docker and docker-rootless-extras. Null when the distribution is not one of these.
 */
export function installEngine(t: Translate, os: OsRelease, rootlessExtras: boolean): Fix | null {
  const family = osFamily(os);
  const distro = os.prettyName ?? os.id;
  const commands: Record<Family, string[][]> = {
    debian: [['sudo', 'apt-get', 'install', '-y', 'docker.io', ...(rootlessExtras ? ['uidmap', 'rootlesskit', 'slirp4netns'] : [])]],
    fedora: [['sudo', 'dnf', 'install', '-y', 'moby-engine', ...(rootlessExtras ? ['shadow-utils', 'fuse-overlayfs', 'slirp4netns'] : [])]],
    rhel: [
      ['sudo', 'dnf', 'config-manager', '--add-repo', 'https://download.docker.com/linux/rhel/docker-ce.repo'],
      ['sudo', 'dnf', 'install', '-y', 'docker-ce', 'docker-ce-cli', 'containerd.io', ...(rootlessExtras ? ['docker-ce-rootless-extras'] : [])],
    ],
    // Arch's rootless scripts are in the AUR (docker-rootless-extras), which pacman cannot
    // install; the rootless documentation stays the answer there, as for Alpine.
    arch: [['sudo', 'pacman', '-S', '--needed', '--noconfirm', 'docker']],
    alpine: [['sudo', 'apk', 'add', 'docker']],
    suse: [['sudo', 'zypper', 'install', '-y', 'docker', ...(rootlessExtras ? ['docker-rootless-extras'] : [])]],
  };
  if (family === null) return null;
  return fix({
    id: 'install-engine',
    title: t('fix.install-engine', { distro }),
    commands: commands[family],
    privileged: true,
    persistent: true,
    retry: 'none',
  });
}

export function checkRemote(t: Translate, url: string): Fix {
  return fix({ id: 'check-remote', title: t('fix.check-remote', { url }), manual: true, retry: 'none' });
}

/**
 * What autoApply "safe" may apply, exactly the documented list: environment changes, `docker
 * context use`, `systemctl --user start docker`. No root, nothing outside this user, nothing
 * found on PATH (a setup tool, another runtime's launcher) — those are always asked about.
 */
export const SAFE_FIX_IDS: readonly string[] = [
  'rootless-env',
  'unset-docker-host',
  'unset-docker-context',
  'rootless-context',
  'use-default-context',
  'start-rootless',
];

export function isSafe(fix: Fix): boolean {
  return SAFE_FIX_IDS.includes(fix.id) && !fix.privileged && !fix.rootEquivalent && !fix.manual;
}
