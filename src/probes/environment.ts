// Where this machine's docker may really live: WSL, a snap, Docker Desktop, colima, OrbStack,
// Rancher Desktop, podman. Socket paths: docs/research/probes-and-fixes.md §2.
import type { AltRuntime, Endpoint, EnvironmentFacts } from '../core/types.js';
import type { System } from '../io/system.js';

/** microsoft/WSL#423: "microsoft" in /proc/version; "-Microsoft" is WSL 1. */
export function wslVersion(procVersion: string | null, env: System['env']): 1 | 2 | null {
  if (procVersion !== null && /microsoft/i.test(procVersion)) return /-Microsoft\b/.test(procVersion) && !/WSL2|microsoft-standard/i.test(procVersion) ? 1 : 2;
  if (env.WSL_DISTRO_NAME) return 2;
  return null;
}

export async function probeEnvironment(sys: System, endpoint: Endpoint, timeoutMs: number): Promise<EnvironmentFacts> {
  const home = sys.user.home;
  const xdg = sys.env.XDG_RUNTIME_DIR || `/run/user/${sys.user.uid}`;
  const candidates: Array<{ runtime: AltRuntime; socketPath: string; context: string | null }> = [
    { runtime: 'colima', socketPath: `${home}/.colima/default/docker.sock`, context: 'colima' },
    { runtime: 'colima', socketPath: `${home}/.config/colima/default/docker.sock`, context: 'colima' },
    { runtime: 'orbstack', socketPath: `${home}/.orbstack/run/docker.sock`, context: 'orbstack' },
    { runtime: 'rancher-desktop', socketPath: `${home}/.rd/docker.sock`, context: 'rancher-desktop' },
    { runtime: 'podman', socketPath: `${xdg}/podman/podman.sock`, context: null },
    { runtime: 'podman', socketPath: '/run/podman/podman.sock', context: null },
  ];
  const desktopSocket = `${home}/.docker/desktop/docker.sock`;
  const [procVersion, dockerCli, desktopLink, desktopContext, ...present] = await Promise.all([
    sys.readFile('/proc/version'),
    sys.which('docker'),
    sys.lstat(desktopSocket),
    hasContext(sys, endpoint, 'desktop-linux'),
    ...candidates.map((c) => sys.lstat(c.socketPath)),
  ]);
  const cliReal = dockerCli ? await sys.realpath(dockerCli) : null;
  const found = candidates.filter((_, i) => present[i] !== null);
  const alive = await Promise.all(found.map((c) => sys.ping(`unix://${c.socketPath}`, { timeoutMs })));
  const desktop =
    desktopLink !== null || desktopContext
      ? {
          socketPath: desktopSocket,
          alive: desktopLink !== null && (await sys.ping(`unix://${desktopSocket}`, { timeoutMs })).outcome === 'ok',
          context: desktopContext,
        }
      : null;
  return {
    wsl: wslVersion(procVersion, sys.env),
    snap: Boolean(dockerCli?.startsWith('/snap/') || cliReal?.startsWith('/snap/') || cliReal === '/usr/bin/snap'),
    desktop,
    alternatives: found.map((c, i) => ({ runtime: c.runtime, socketPath: c.socketPath, alive: alive[i]?.outcome === 'ok', context: c.context })),
  };
}

async function hasContext(sys: System, endpoint: Endpoint, name: string): Promise<boolean> {
  const { contextMetaPath } = await import('../core/endpoint.js');
  return (await sys.lstat(contextMetaPath(endpoint.configDir, name))) !== null;
}
