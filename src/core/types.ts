// The data that flows through dockhook: detector → probes → diagnosis → fixes.
// Everything here is plain data so the pure core can be tested without a machine.
import type { DaemonJsonFacts } from './daemon-json.js';
import type { Cause } from './rules.js';

/** What a docker error message says went wrong (the `kind` of `dockhook classify`). */
export type ErrorKind = 'daemon-unreachable' | 'permission-denied' | 'context-error' | 'tls-error';

export type Detection = { match: true; kind: ErrorKind; endpoint: string | null; line: string } | { match: false };

/** Where the docker CLI got its endpoint from (the `source` of `doctor --json`). */
export type EndpointSource = 'flag' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'context' | 'default';

export interface Endpoint {
  /** Normalised as the docker CLI does it, e.g. `unix:///var/run/docker.sock`, `tcp://h:2375`. */
  url: string;
  source: EndpointSource;
  /** The context that supplied the endpoint, when one did (`default` is never named here). */
  context: string | null;
  /** Why the named context could not be read (missing or unparsable meta.json), else null. */
  contextError: string | null;
  /** TLS is on for this endpoint (DOCKER_TLS_VERIFY / DOCKER_TLS, or a context's TLS material). */
  tls: boolean;
  /** Where the docker CLI keeps config.json and contexts/ (DOCKER_CONFIG or ~/.docker). */
  configDir: string;
}

/** The cause ids of `doctor --json`: derived from the ordered rule list in rules.ts. */
export type { Cause } from './rules.js';

/** Why a system dockerd died (`diagnosis.reason` with cause `service-failed`). */
export const SERVICE_FAILED_REASONS = [
  'daemon-json',
  'flag-and-file-conflict',
  'storage-driver',
  'iptables',
  'containerd',
  'pid-file',
  'disk-full',
  'socket-activation',
  'cgroups',
  'start-limit',
  'unknown',
] as const;
/** Why a rootless dockerd cannot start (`diagnosis.reason` with cause `rootless-failed`). */
export const ROOTLESS_FAILED_REASONS = ['no-login-session', 'apparmor-userns', 'newuidmap', 'subid', 'userns-disabled', 'unknown'] as const;
export type ServiceFailedReason = (typeof SERVICE_FAILED_REASONS)[number];
export type RootlessFailedReason = (typeof ROOTLESS_FAILED_REASONS)[number];
export type Reason = ServiceFailedReason | RootlessFailedReason;

/** Environment variables a fix may hand back to the calling shell (and nothing else). */
export const HANDBACK_VARS = [
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_TLS_VERIFY',
  'DOCKER_TLS',
  'DOCKER_CERT_PATH',
  'DOCKER_MACHINE_NAME',
  'DOCKHOOK_GROUP',
  'XDG_RUNTIME_DIR',
] as const;
export type HandbackVar = (typeof HANDBACK_VARS)[number];

export interface Fix {
  id: string;
  title: string;
  /** argv arrays, run in order; never strings for a shell. */
  commands: string[][];
  /** Needs root: run through the configured sudo unless already root. */
  privileged: boolean;
  /** Variables to export (string) or unset (null) in the calling shell. */
  env: Partial<Record<HandbackVar, string | null>>;
  /** Survives a new shell or a reboot. */
  persistent: boolean;
  /** Grants root-equivalent power (the docker group): never auto-applied, default answer is no. */
  rootEquivalent: boolean;
  /** How the original command is re-run after this fix: plainly, or under `sg docker` (new group). */
  retry: 'plain' | 'sg-docker' | 'none';
  /** Instructions only: nothing dockhook can run (e.g. start Docker Desktop on Windows). */
  manual: boolean;
  /**
   * The fix starts a daemon: after it, wait until this endpoint answers `/_ping` before the
   * command is re-run (a start command often returns before the daemon listens). Null: no wait.
   */
  waitFor: string | null;
  /**
   * Run the first command in the background, detached from the terminal in a session of its
   * own, with these directories put in front of PATH and its output appended to `log`; the rest
   * run in the foreground as usual.
   */
  detach: { log: string; pathPrepend: string[] } | null;
  /**
   * The commands are for the person's own shell (`newgrp docker` starts a new shell, which a
   * child process cannot do for its parent): dockhook shows them and applies only `env` and `retry`.
   */
  personal: boolean;
  /**
   * Files the fix writes before its commands run, each shown in full first (as root when the fix is
   * privileged). Absent for most fixes.
   */
  files?: Array<{ path: string; content: string }>;
}

/** The shell the user types in: commands shown for it are written in its syntax. */
export type ShellName = 'bash' | 'zsh' | 'fish' | 'sh';

export interface Diagnosis {
  cause: Cause;
  /** Why the daemon died, for service-failed and rootless-failed; null otherwise. */
  reason: Reason | null;
  /** The daemon's own log line that proves the reason; null when there is none. */
  proof: string | null;
  summary: string;
  evidence: string[];
  fixes: Fix[];
}

// ---------------------------------------------------------------------------------------------
// Facts gathered by the probes. Each probe fills one part; a part is null when its probe failed
// or timed out, and the rules treat that as "unknown", never as "no".

/** Result of `HEAD /_ping` (or `ssh … docker version` for ssh://). */
export type PingOutcome = 'ok' | 'unhealthy' | 'enoent' | 'eacces' | 'refused' | 'timeout' | 'notsock' | 'dns' | 'error' | 'skipped';

export interface PingFacts {
  outcome: PingOutcome;
  /** Errno code or HTTP status line, for the report. */
  detail: string;
  /** The answering server is podman (Libpod-Api-Version header). */
  podman: boolean;
}

export interface SocketFacts {
  path: string;
  exists: boolean;
  /** lstat says symlink; `dangling` when its target is missing. */
  symlink: boolean;
  dangling: boolean;
  isSocket: boolean;
  uid: number | null;
  gid: number | null;
  /** Permission bits, e.g. 0o660. */
  mode: number | null;
  groupName: string | null;
  ownerName: string | null;
  /** access(W_OK) for this process. */
  writable: boolean;
  worldWritable: boolean;
  /**
   * The first directory on the way to the socket that this process may not search (no x bit for it):
   * connect(2) then fails with EACCES whoever the socket belongs to, and the socket cannot even be seen.
   * Null when every directory may be searched (or the probe could not tell).
   */
  blockedBy: BlockedDir | null;
}

/** A directory this process may not enter. */
export interface BlockedDir {
  path: string;
  uid: number;
  ownerName: string | null;
  gid: number;
  groupName: string | null;
  /** Permission bits, e.g. 0o700. */
  mode: number;
}

export interface UnitFacts {
  /** `ActiveState`: active, inactive, failed, activating, … ; null when unknown. */
  active: string | null;
  /** `UnitFileState`: enabled, disabled, masked, … */
  enabled: string | null;
  /** `Result`: success, exit-code, start-limit-hit, … */
  result: string | null;
  /** `LoadState`: loaded, not-found, masked. */
  load: string | null;
}

export interface ServiceFacts {
  /** The init system that manages services here. */
  manager: 'systemd' | 'sysv' | 'openrc' | 'none';
  systemdBooted: boolean;
  /** `systemctl` answered "System has not been booted with systemd" or is absent. */
  docker: UnitFacts | null;
  dockerSocket: UnitFacts | null;
  /** The user manager's docker.service (rootless), when a user manager is reachable. */
  userDocker: UnitFacts | null;
  /** `/etc/init.d/docker` exists. */
  sysvScript: boolean;
  /** A dockerd process is running (any user), from /proc. */
  dockerdRunning: boolean;
}

export interface GroupFacts {
  /** The docker group from /etc/group, or null when it does not exist. */
  docker: { name: string; gid: number; members: string[] } | null;
  /** The user is in the docker group in /etc/group (or it is their primary group). */
  inDatabase: boolean;
  /** This process carries the docker group's gid. */
  inProcess: boolean;
  /** Names (or gids) of the groups this process carries, for the report. */
  session: string[];
}

export interface RootlessFacts {
  xdgRuntimeDir: string | null;
  /** `$XDG_RUNTIME_DIR/docker.sock` (or /run/user/UID/docker.sock). */
  socketPath: string;
  socket: PingFacts | null;
  /** A context named `rootless` exists; its host. */
  contextHost: string | null;
  setupTool: string | null;
  rootlessScript: string | null;
  newuidmap: string | null;
  newgidmap: string | null;
  /** Size of the user's range in /etc/subuid and /etc/subgid (0 when absent). */
  subuidCount: number;
  subgidCount: number;
  /** ~/.config/systemd/user/docker.service exists. */
  userUnit: boolean;
  /** dockerd itself, where the packages put it (docker.io: /usr/sbin, static: ~/bin). */
  dockerd?: string | null;
  /** Where dockhook keeps the output of a rootless daemon it starts (core/rootless-log.ts). */
  logPath?: string | null;
  /** What a rootless start needs from this machine, checked before one (null: not probed). */
  preflight?: RootlessPreflight | null;
  /** The latest rootless start attempt: the user journal of docker.service, or dockhook's log file. */
  attempt?: { source: string; lines: string[] } | null;
}

/** The machine facts a rootless daemon needs, read before any start (core/rootless-reasons.ts). */
export interface RootlessPreflight {
  /** XDG_RUNTIME_DIR: set and a directory this user owns (`ok`), `unset`, `missing`, or `not-owned`. */
  runtimeDir: 'ok' | 'unset' | 'missing' | 'not-owned';
  /** /run/user/UID while XDG_RUNTIME_DIR is unset: a directory this user owns (`ok`), `missing`, or `not-owned`. */
  runUserDir?: 'ok' | 'missing' | 'not-owned';
  /** /proc/sys/kernel/apparmor_restrict_unprivileged_userns is 1 (null: no such file). */
  apparmorRestricted: boolean | null;
  /** An /etc/apparmor.d profile for rootlesskit allows `userns` (null: not looked, no AppArmor restriction). */
  apparmorProfile: boolean | null;
  /** rootlesskit on PATH (or where the packages put it). */
  rootlesskit: string | null;
  /** /proc/sys/kernel/unprivileged_userns_clone (Debian, Arch), null where the kernel has no such switch. */
  usernsClone: number | null;
  /** /proc/sys/user/max_user_namespaces. */
  maxUserNamespaces: number | null;
  /** The first subordinate id above every range in /etc/subuid and /etc/subgid (at least 100000). */
  subidNext: number;
}

export type AltRuntime = 'colima' | 'orbstack' | 'rancher-desktop' | 'podman';

export interface EnvironmentFacts {
  /** 1 or 2 under WSL, else null. */
  wsl: 1 | 2 | null;
  /** The docker CLI on PATH comes from a snap. */
  snap: boolean;
  /** Docker Desktop for Linux: its context or socket exists. */
  desktop: { socketPath: string; alive: boolean; context: boolean } | null;
  alternatives: Array<{ runtime: AltRuntime; socketPath: string; alive: boolean; context: string | null }>;
}

export interface InstallFacts {
  dockerd: string | null;
  dockerCli: string | null;
  /** /etc/os-release, for the distribution's install command; null when unreadable. */
  osRelease?: OsRelease | null;
}

/** The fields of /etc/os-release (os-release(5)) that pick a package manager. */
export interface OsRelease {
  id: string;
  idLike: string[];
  prettyName: string | null;
}

/** A line in a shell start-up file that sets a variable (shown to the user, never edited). */
export interface StartupLine {
  path: string;
  line: number;
  text: string;
}

export interface LogFacts {
  /** Where the log was read: `journalctl -u docker.service`, or a log file's path; null when nowhere. */
  source: string | null;
  /** Every line of the latest start attempt, oldest first (the journal since the unit's last start, or the log file from its last start marker). */
  attempt: string[];
  /** The lines of that attempt that say why the daemon died, newest last (at most five, each cut at a word boundary). */
  lines: string[];
  /** /etc/docker/daemon.json (or the rootless one) does not parse. */
  daemonJsonError: { path: string; message: string } | null;
  /** What daemon.json says, read before anything runs; null when there is no such file. */
  daemonJson: DaemonJsonFacts | null;
  /** The unit's ExecStart command line (systemd), for the hosts drop-in. */
  execStart: string | null;
  /** The process holding the PID a pid-file failure names (comm null: no such process). */
  pidOwner: { pid: number; comm: string | null } | null;
  /** Free space where a "no space left on device" failure wrote. */
  diskFree: { path: string; freeBytes: number; totalBytes: number } | null;
}

export interface UserFacts {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface Facts {
  endpoint: Endpoint;
  user: UserFacts;
  ping: PingFacts;
  socket: SocketFacts | null;
  /** The default socket, when the endpoint is something else (null if the endpoint is it). */
  defaultSocket: PingFacts | null;
  service: ServiceFacts | null;
  groups: GroupFacts | null;
  rootless: RootlessFacts | null;
  environment: EnvironmentFacts | null;
  install: InstallFacts | null;
  logs: LogFacts | null;
  /** docker-machine leftovers set in the environment, to unset along with DOCKER_HOST. */
  tlsLeftovers: HandbackVar[];
  /** Start-up files that export DOCKER_HOST (~/.bashrc, fish config, /etc/environment, …). */
  startupFiles?: StartupLine[] | null;
}

/** One line of the report: what a probe found, how long it took. */
export interface ProbeReport {
  id: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface Preferences {
  rootless: { prefer: 'auto' | 'always' | 'never'; host: string | null };
  disabledFixes: string[];
}
