// The fix catalogue: each fix is data (argv arrays, env changes, flags). Commands that need
// root start with "sudo"; at apply time that word becomes the configured sudo, or goes away
// when dockhook already runs as root. Sources: docs/research/probes-and-fixes.md §4.4, §6.3, §7.2,
// §8–§13. Never here: chmod 666/777 on the socket, `sudo docker …`, deleting ~/.docker.
import type { AltRuntime, BlockedDir, Fix, HandbackVar } from './types.js';
import type { Translate } from './messages/index.js';

type FixInit = Partial<Fix> & Pick<Fix, 'id' | 'title'>;

function fix(init: FixInit): Fix {
  return {
    commands: [],
    privileged: false,
    env: {},
    persistent: false,
    rootEquivalent: false,
    retry: 'plain',
    manual: false,
    ...init,
  };
}

export function startServiceSystemd(t: Translate): Fix {
  return fix({ id: 'start-service', title: t('fix.start-service'), commands: [['sudo', 'systemctl', 'start', 'docker.service']], privileged: true });
}

export function enableServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'enable-service',
    title: t('fix.enable-service'),
    commands: [['sudo', 'systemctl', 'enable', '--now', 'docker.service', 'docker.socket']],
    privileged: true,
    persistent: true,
  });
}

export function unmaskServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'unmask-service',
    title: t('fix.unmask-service'),
    commands: [['sudo', 'systemctl', 'unmask', 'docker.service', 'docker.socket'], ['sudo', 'systemctl', 'start', 'docker.service']],
    privileged: true,
    persistent: true,
  });
}

export function restartFailedServiceSystemd(t: Translate): Fix {
  return fix({
    id: 'restart-failed-service',
    title: t('fix.restart-failed-service'),
    commands: [['sudo', 'systemctl', 'reset-failed', 'docker.service', 'docker.socket'], ['sudo', 'systemctl', 'start', 'docker.service']],
    privileged: true,
  });
}

/** Editing the file is the user's job; `dockerd --validate` exists only from Engine 23 on (moby 8f80e55111). */
export function validateDaemonJson(t: Translate, path: string): Fix {
  return fix({ id: 'edit-daemon-json', title: t('fix.validate-daemon-json', { path }), retry: 'none', manual: true });
}

export function startServiceSysv(t: Translate): Fix {
  return fix({ id: 'start-service', title: t('fix.start-service'), commands: [['sudo', 'service', 'docker', 'start']], privileged: true });
}

export function startServiceOpenrc(t: Translate): Fix {
  return fix({ id: 'start-service', title: t('fix.start-service'), commands: [['sudo', 'rc-service', 'docker', 'start']], privileged: true });
}

export function restartServiceSystemd(t: Translate): Fix {
  return fix({ id: 'restart-service', title: t('fix.restart-service'), commands: [['sudo', 'systemctl', 'restart', 'docker.service']], privileged: true });
}

export function restartServiceSysv(t: Translate): Fix {
  return fix({ id: 'restart-service', title: t('fix.restart-service'), commands: [['sudo', 'service', 'docker', 'restart']], privileged: true });
}

/** The docker group is root-equivalent (docs: linux-postinstall, "grants root-level privileges"). */
export function addToDockerGroup(t: Translate, user: string, groupExists: boolean): Fix {
  const commands = groupExists
    ? [['sudo', 'usermod', '-aG', 'docker', user]]
    : [['sudo', 'groupadd', 'docker'], ['sudo', 'usermod', '-aG', 'docker', user]];
  return fix({
    id: 'add-to-group',
    title: groupExists ? t('fix.add-to-group', { user }) : t('fix.create-group-and-add', { user }),
    commands,
    privileged: true,
    persistent: true,
    rootEquivalent: true,
    retry: 'sg-docker',
  });
}

/** sg(1) runs one command with the group from /etc/group, without a new login. */
export function useGroupNow(t: Translate): Fix {
  return fix({ id: 'use-group-now', title: t('fix.use-group-now'), retry: 'sg-docker' });
}

export function rootlessEnv(t: Translate, host: string): Fix {
  return fix({ id: 'rootless-env', title: t('fix.rootless-env'), env: { DOCKER_HOST: host } });
}

export function rootlessContext(t: Translate): Fix {
  return fix({ id: 'rootless-context', title: t('fix.rootless-context'), commands: [['docker', 'context', 'use', 'rootless']], persistent: true });
}

export function startRootlessSystemd(t: Translate): Fix {
  return fix({ id: 'start-rootless', title: t('fix.start-rootless'), commands: [['systemctl', '--user', 'start', 'docker']] });
}

export function startRootlessManual(t: Translate, script: string): Fix {
  return fix({ id: 'start-rootless-manual', title: t('fix.start-rootless-manual'), commands: [[script]], manual: true, retry: 'none' });
}

export function setupRootless(t: Translate, user: string, tool: string, force: boolean): Fix {
  return fix({
    id: 'setup-rootless',
    title: t('fix.setup-rootless', { user }),
    commands: [force ? [tool, 'install', '--force'] : [tool, 'install']],
    persistent: true,
  });
}

/** Unsets DOCKER_HOST and, with it, TLS leftovers of `eval $(docker-machine env)` that are set. */
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

export function startDesktopLinux(t: Translate): Fix {
  return fix({ id: 'start-desktop', title: t('fix.start-desktop'), commands: [['systemctl', '--user', 'start', 'docker-desktop']] });
}

const ALT_START: Record<AltRuntime, string[]> = {
  colima: ['colima', 'start'],
  orbstack: ['orb', 'start'],
  'rancher-desktop': ['rdctl', 'start'],
  podman: ['systemctl', '--user', 'start', 'podman.socket'],
};

export function startAltRuntime(t: Translate, runtime: AltRuntime): Fix {
  return fix({ id: `start-${runtime}`, title: t('fix.start-alt-runtime', { runtime }), commands: [ALT_START[runtime]] });
}

export function wslStartEngine(t: Translate, systemd: boolean): Fix {
  const commands = systemd ? [['sudo', 'systemctl', 'start', 'docker.service']] : [['sudo', 'service', 'docker', 'start']];
  return fix({ id: 'wsl-start-engine', title: t('fix.wsl-start-engine'), commands, privileged: true });
}

export function wslDesktop(t: Translate): Fix {
  return fix({ id: 'wsl-desktop', title: t('fix.wsl-desktop'), manual: true, retry: 'none' });
}

export function snapStart(t: Translate): Fix {
  return fix({ id: 'snap-start', title: t('fix.snap-start'), commands: [['sudo', 'snap', 'start', 'docker']], privileged: true });
}

export function installDocker(t: Translate): Fix {
  return fix({ id: 'install-docker', title: t('fix.install-docker'), manual: true, retry: 'none' });
}

/** A directory on the way to the socket is another user's: only its owner (or root) can change that. */
export function askDirOwner(t: Translate, user: string, dir: BlockedDir): Fix {
  const owner = dir.ownerName ?? String(dir.uid);
  return fix({ id: 'ask-dir-owner', title: t('fix.ask-dir-owner', { owner, dir: dir.path, user }), manual: true, retry: 'none' });
}

export function checkRemote(t: Translate, url: string): Fix {
  return fix({ id: 'check-remote', title: t('fix.check-remote', { url }), manual: true, retry: 'none' });
}

/**
 * What autoApply "safe" may apply, exactly the documented list: environment changes, `docker
 * context use`, `systemctl --user start docker`. No root, nothing outside this user, nothing
 * found on PATH (a setup tool, another runtime's launcher) — those are always asked about.
 */
export const SAFE_FIX_IDS: readonly string[] = ['rootless-env', 'unset-docker-host', 'unset-docker-context', 'rootless-context', 'use-default-context', 'start-rootless'];

export function isSafe(fix: Fix): boolean {
  return SAFE_FIX_IDS.includes(fix.id) && !fix.privileged && !fix.rootEquivalent && !fix.manual;
}
