// Rootless Docker for this user: running, set up, or possible (docs: engine/security/rootless).
import { contextDirName, readContext } from '../core/endpoint.js';
import type { Endpoint, RootlessFacts } from '../core/types.js';
import type { System } from '../io/system.js';
import { subordinateCount } from './etc-files.js';
import { dockerdDirs } from './install.js';
import { rootlessLogPath } from '../core/rootless-log.js';

/**
 * Where the packages put the rootless scripts: docker-ce-rootless-extras /usr/bin, Debian's
 * docker.io /usr/share/docker.io/contrib (outside PATH), the static tarballs wherever they were
 * unpacked, usually ~/bin.
 */
export function rootlessScriptDirs(home: string): string[] {
  return ['/usr/bin', '/usr/share/docker.io/contrib', '/usr/local/bin', `${home}/bin`];
}

export async function probeRootless(sys: System, endpoint: Endpoint, timeoutMs: number, configuredHost: string | null = null): Promise<RootlessFacts> {
  const { user, env } = sys;
  const xdgRuntimeDir = env.XDG_RUNTIME_DIR || null;
  const socketPath = configuredHost?.replace(/^unix:\/\//, '') ?? `${xdgRuntimeDir ?? `/run/user/${user.uid}`}/docker.sock`;
  const contextText = new Map<string, string | null>();
  const metaPath = `${endpoint.configDir}/contexts/meta`;
  const dirs = rootlessScriptDirs(user.home);
  const [socket, setupTool, rootlessScript, dockerd, newuidmap, newgidmap, subuid, subgid, unit, contextFiles] = await Promise.all([
    user.uid === 0 ? null : sys.ping(`unix://${socketPath}`, { timeoutMs }),
    sys.which('dockerd-rootless-setuptool.sh', dirs),
    sys.which('dockerd-rootless.sh', dirs),
    sys.which('dockerd', dockerdDirs(user.home)),
    sys.which('newuidmap', ['/usr/bin']),
    sys.which('newgidmap', ['/usr/bin']),
    sys.readFile('/etc/subuid'),
    sys.readFile('/etc/subgid'),
    sys.lstat(`${user.home}/.config/systemd/user/docker.service`),
    sys.listDir(metaPath),
  ]);
  if (contextFiles !== null) {
    const dir = contextDirName('rootless');
    if (contextFiles.includes(dir)) contextText.set(`${metaPath}/${dir}/meta.json`, await sys.readFile(`${metaPath}/${dir}/meta.json`));
  }
  const context = readContext(endpoint.configDir, 'rootless', (path) => contextText.get(path) ?? null);
  return {
    xdgRuntimeDir,
    socketPath,
    socket,
    contextHost: context.ok ? context.host : null,
    setupTool,
    rootlessScript,
    newuidmap,
    newgidmap,
    subuidCount: subordinateCount(subuid ?? '', user.name, user.uid),
    subgidCount: subordinateCount(subgid ?? '', user.name, user.uid),
    userUnit: unit !== null,
    dockerd,
    logPath: rootlessLogPath(env, user.home),
  };
}
