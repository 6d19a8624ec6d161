// Rootless Docker for this user: running, set up, or possible (docs: engine/security/rootless).
import { contextDirName, readContext } from '../core/endpoint.js';
import type { Endpoint, RootlessFacts } from '../core/types.js';
import type { System } from '../io/system.js';
import { subordinateCount } from './etc-files.js';
import { dockerdDirs } from './install.js';
import { rootlessLogPath } from '../core/rootless-log.js';
import { latestAttemptInFile, latestAttemptInJournal, parseJournalJson } from '../core/daemon-log.js';
import type { RootlessPreflight } from '../core/types.js';
import { journalArgv } from './logs.js';

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
  const logPath = rootlessLogPath(env, user.home);
  const userUnit = unit !== null;
  const setUp = userUnit || context.ok;
  const [preflight, attempt] =
    user.uid === 0
      ? [null, null]
      : await Promise.all([
          rootlessPreflight(sys, xdgRuntimeDir, subuid ?? '', subgid ?? ''),
          setUp ? latestRootlessAttempt(sys, xdgRuntimeDir !== null && userUnit, logPath, timeoutMs) : null,
        ]);
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
    userUnit,
    dockerd,
    logPath,
    preflight,
    attempt,
  };
}

/** The sysctl as a number, or null where this kernel has no such file. */
async function sysctl(sys: System, path: string): Promise<number | null> {
  const text = (await sys.readFile(path))?.trim();
  return text === undefined || text === '' || Number.isNaN(Number(text)) ? null : Number(text);
}

/** What rootlesskit needs, checked before any start (rootlesskit pkg/parent/warn.go reads the same files). */
async function rootlessPreflight(sys: System, xdg: string | null, subuid: string, subgid: string): Promise<RootlessPreflight> {
  const runUser = `/run/user/${sys.user.uid}`;
  const [dir, restricted, usernsClone, maxUserNamespaces, rootlesskit] = await Promise.all([
    sys.stat(xdg ?? runUser),
    sysctl(sys, '/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
    sysctl(sys, '/proc/sys/kernel/unprivileged_userns_clone'),
    sysctl(sys, '/proc/sys/user/max_user_namespaces'),
    sys.which('rootlesskit', ['/usr/bin', '/usr/local/bin', `${sys.user.home}/bin`]),
  ]);
  const state = dir === null || !dir.isDirectory() ? 'missing' : dir.uid !== sys.user.uid ? 'not-owned' : 'ok';
  const runtimeDir = xdg === null ? 'unset' : state;
  const apparmorProfile = restricted === 1 && rootlesskit !== null ? await hasUsernsProfile(sys, rootlesskit) : null;
  return {
    runtimeDir,
    ...(xdg === null ? { runUserDir: state } : {}),
    apparmorRestricted: restricted === null ? null : restricted === 1,
    apparmorProfile,
    rootlesskit,
    usernsClone,
    maxUserNamespaces,
    subidNext: nextFreeSubid(subuid, subgid),
  };
}

/**
 * A profile in /etc/apparmor.d that lets rootlesskit create user namespaces: Ubuntu's apparmor
 * package ships one for the packaged binary; a binary elsewhere (~/bin from get.docker.com) needs
 * its own, named after its path (rootlesskit's own hint). Profiles may name the path with globs.
 */
async function hasUsernsProfile(sys: System, rootlesskit: string): Promise<boolean> {
  const names = (await sys.listDir('/etc/apparmor.d')) ?? [];
  for (const name of names.filter((n) => n.includes('rootlesskit'))) {
    const text = (await sys.readFile(`/etc/apparmor.d/${name}`)) ?? '';
    if (!/^\s*userns\b/m.test(text)) continue;
    if (text.includes(rootlesskit) || /\S*[{*]\S*rootlesskit/.test(text)) return true;
  }
  return false;
}

/** Where a new 65,536-id range can start: above every range already given out (/etc/subuid, /etc/subgid). */
export function nextFreeSubid(...files: string[]): number {
  let next = 100000;
  for (const text of files) {
    for (const line of text.split('\n')) {
      const [, start, count] = line.trim().split(':');
      const end = Number(start) + Number(count);
      if (Number.isFinite(end) && end > next) next = end;
    }
  }
  return next;
}

/** The user journal where a user manager runs the unit, else the log file dockhook's background start writes. */
async function latestRootlessAttempt(sys: System, userJournal: boolean, logPath: string, timeoutMs: number): Promise<RootlessFacts['attempt']> {
  if (userJournal && (await sys.lstat('/run/systemd/system'))?.isDirectory()) {
    const journal = await sys.run(journalArgv('docker.service', true), { timeoutMs });
    const entries = journal.code === 0 ? parseJournalJson(journal.stdout) : [];
    if (entries.length > 0) return { source: 'journalctl --user -u docker.service', lines: latestAttemptInJournal(entries) };
  }
  const text = await sys.readTail(logPath, 256 * 1024);
  return text === null || text.trim() === '' ? null : { source: logPath, lines: latestAttemptInFile(text) };
}
