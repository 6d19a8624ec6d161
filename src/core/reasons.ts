// Why a dockerd that tried to start died, read from its own last words: the `reason` of
// service-failed. An ordered list, one entry per reason: the lines that prove it (patterns whose
// named groups become parameters), then what dockhook says and offers for it. The first entry
// with a matching line wins; `position` says why an entry stands where it does.
//
// Every wording below was checked against moby's source at the tags named in
// docs/research/daemon-failures.md, and the ones this machine's Engine 20.10 prints were seen for
// real (test/e2e/daemon-failures.e2e.test.ts).
import { DEFAULT_UNIX_HOST } from './endpoint.js';
import { makeFix } from './fixes.js';
import { jsonMistake } from './json-syntax.js';
import type { Evidence, Situation } from './situation.js';
import type { Fix, ServiceFailedReason } from './types.js';

export interface ReasonMatch {
  reason: ServiceFailedReason;
  /** The daemon's own line that proves it. */
  line: string;
  params: Readonly<Record<string, string>>;
}

/** What the reading of an attempt found: the reason (null: none known) and systemd's start-limit line. */
export interface FailureReading {
  match: ReasonMatch | null;
  startLimit: string | null;
}

export interface ReasonExplanation {
  /** One clause: why it died (goes after "the Docker service tried to start and failed: "). */
  why: string;
  fixes: Fix[];
}

interface ReasonRule {
  reason: Exclude<ServiceFailedReason, 'start-limit' | 'unknown'>;
  position: string;
  patterns: readonly RegExp[];
  /** The earliest matching line is the proof (the first write that failed), not the last. */
  earliest?: boolean;
  /** Other lines of the same attempt that add parameters (not proof): e.g. the driver's name. */
  more?: readonly RegExp[];
  /** `then` is the start that follows the repair (with reset-failed when systemd gave up retrying). */
  explain(s: Situation, m: ReasonMatch, ev: Evidence, then: Fix): ReasonExplanation;
}

const DAEMON_JSON = '/etc/docker/daemon.json';

export const SERVICE_REASONS: readonly ReasonRule[] = [
  {
    reason: 'disk-full',
    position:
      'First: a full data-root makes the containerd dockerd starts fail to load its plugins, and dockerd then blames containerd (seen for real with Engine 20.10) — the full disk is the cause.',
    patterns: [/(?:write|mkdir|open|create|rename) (?<path>\/\S+?):? no space left on device/i, /no space left on device/i],
    earliest: true,
    explain: (s, m, ev, then) => {
      const { t } = s;
      const disk = s.facts.logs?.diskFree ?? null;
      const path = disk?.path ?? (m.params.path ? dataRootOfWrite(m.params.path) : dataRoot(s));
      if (disk) ev.add(t('evidence.disk-free', { path: disk.path, free: bytes(disk.freeBytes), size: bytes(disk.totalBytes) }));
      return {
        why: disk
          ? t('reason.disk-full', { path: disk.path, free: bytes(disk.freeBytes), size: bytes(disk.totalBytes) })
          : t('reason.disk-full-path', { path }),
        fixes: [manual('free-disk', t('fix.free-disk', { path, json: daemonJsonPath(s) })), then],
      };
    },
  },
  {
    reason: 'flag-and-file-conflict',
    position:
      'Before daemon-json: the same "unable to configure the Docker daemon with file" prefix, but the file is fine — it collides with a flag of the service.',
    patterns: [
      /the following directives are specified both as a flag and in the configuration file: (?<directive>[\w-]+): \(from flag: (?<flag>.*?), from file: (?<file>.*?)\)/,
    ],
    explain: (s, m, ev, then) => {
      const { t } = s;
      const path = configPathIn(m.line) ?? daemonJsonPath(s);
      const directive = m.params.directive ?? 'hosts';
      const execStart = s.facts.logs?.execStart ?? null;
      if (execStart) ev.add(t('evidence.exec-start', { command: execStart }));
      const fixes: Fix[] = [];
      // The file as it is now: no longer setting the directive, a start is what is left; still setting
      // it, a start must fail again, so the repair is offered alone (a changed flag is the user's to know).
      const json = s.facts.logs?.daemonJson ?? null;
      if (json !== null && json.syntax === null && json.path === path && !json.keys.includes(directive)) {
        ev.add(t('evidence.daemon-json-conflict-gone', { path, directive }));
        return { why: t('reason.flag-and-file-conflict', { directive, path, flag: m.params.flag ?? '?' }), fixes: [then] };
      }
      const dropIn = directive === 'hosts' && s.unit !== null ? hostsDropIn(s, path) : null;
      if (dropIn) fixes.push(dropIn);
      fixes.push(manual('remove-conflict', t('fix.remove-conflict', { directive, path })));
      if (!dropIn && json === null) fixes.push(then);
      return { why: t('reason.flag-and-file-conflict', { directive, path, flag: m.params.flag ?? '?' }), fixes };
    },
  },
  {
    reason: 'daemon-json',
    position: 'After flag-and-file-conflict (same prefix): daemon.json does not parse, names options dockerd does not know, or holds a value it rejects.',
    patterns: [
      /unable to configure the Docker daemon with file (?<path>\S+?): (?<message>.+)$/,
      /(?<message>[\w-]+ and [\w-]+ must not both be specified in the config file)/,
      /failed to start daemon: (?<message>invalid mirror: .+)$/,
    ],
    explain: (s, m, ev, then) => {
      const { t } = s;
      const json = s.facts.logs?.daemonJson ?? null;
      const path = m.params.path ?? json?.path ?? DAEMON_JSON;
      const message = (m.params.message ?? '').replace(/^invalid JSON: /, '');
      const unknown = /don't match any configuration option: (?<keys>.+)$/.exec(message)?.groups?.keys;
      // The file as it is now: corrected since the failed start, a start is what is left; still
      // broken, the repair is all there is to offer (a start must fail until then).
      const logKeys =
        unknown
          ?.split(', ')
          .map((k) => k.trim())
          .filter(Boolean) ?? [];
      const syntaxInLog =
        unknown === undefined && /invalid character|unexpected end of JSON|invalid JSON|^EOF$|cannot unmarshal|looking for beginning/.test(message);
      const corrected =
        m.line !== '' && json !== null && json.syntax === null && (unknown !== undefined ? !logKeys.some((k) => json.keys.includes(k)) : syntaxInLog);
      if (corrected) {
        ev.add(t('evidence.daemon-json-corrected', { path }));
        return { why: t('reason.daemon-json-other', { path, message }), fixes: [then] };
      }
      if (json?.syntax) {
        // The file as it is now, read by dockhook: the mistake itself, in the user's language.
        const { line, column } = json.syntax;
        return {
          why: t('reason.daemon-json-syntax', { path, line, column, what: jsonMistake(t, json.syntax) }),
          fixes: [manual('edit-daemon-json', t('fix.edit-daemon-json-at', { path, line, column }))],
        };
      }
      if (unknown !== undefined) {
        const keys = unknown
          .split(', ')
          .map((k) => k.trim())
          .filter(Boolean);
        const known = new Map((json?.unknownKeys ?? []).map((u) => [u.key, u.closest]));
        const first = keys[0] ?? unknown;
        const closest = known.get(first) ?? null;
        const fix =
          keys.length === 1 && closest
            ? manual('edit-daemon-json', t('fix.rename-daemon-json-key', { path, key: first, closest }))
            : manual(
                'edit-daemon-json',
                t('fix.remove-daemon-json-keys', { path, keys: keys.map((k) => (known.get(k) ? `"${k}" (→ "${known.get(k)}")` : `"${k}"`)).join(', ') }),
              );
        const why =
          keys.length === 1 && closest
            ? t('reason.daemon-json-unknown-closest', { path, key: first, closest })
            : t('reason.daemon-json-unknown', { path, keys: keys.map((k) => `"${k}"`).join(', ') });
        return { why, fixes: [fix] };
      }
      ev.add(t('evidence.daemon-json-check', { path }));
      return { why: t('reason.daemon-json-other', { path, message }), fixes: [manual('edit-daemon-json', t('fix.validate-daemon-json', { path })), then] };
    },
  },
  {
    reason: 'pid-file',
    position: 'A fatal line of its own: nothing else in the same attempt can be confused with it.',
    patterns: [
      /failed to start daemon, ensure docker is not running or delete (?<path>\S+): process with PID (?<pid>\d+) is still running/,
      /pid file found, ensure docker is not running or delete (?<path>\S+)/,
    ],
    explain: (s, m, ev, then) => {
      const { t } = s;
      const owner = s.facts.logs?.pidOwner ?? null;
      const path = m.params.path ?? '/var/run/docker.pid';
      const pid = m.params.pid ?? (owner ? String(owner.pid) : '?');
      if (owner) ev.add(owner.comm === null ? t('evidence.pid-gone', { pid: owner.pid }) : t('evidence.pid-owner', { pid: owner.pid, comm: owner.comm }));
      if (owner && owner.comm === 'dockerd') {
        return { why: t('reason.pid-file-dockerd', { pid, path }), fixes: [manual('stop-other-dockerd', t('fix.stop-other-dockerd', { pid }))] };
      }
      const remove = makeFix({
        id: 'remove-pid-file',
        title: t('fix.remove-pid-file', { path }),
        commands: [['sudo', 'rm', '-f', path], ...then.commands],
        privileged: true,
        waitFor: then.waitFor,
      });
      const why = owner?.comm ? t('reason.pid-file-other', { path, pid, comm: owner.comm }) : t('reason.pid-file', { path, pid });
      // Not knowing who holds the PID, removing the file is only safe once it is known not to be dockerd.
      return { why, fixes: owner?.comm ? [remove] : [manual('check-pid', t('fix.check-pid', { pid, path })), remove] };
    },
  },
  {
    reason: 'storage-driver',
    position: 'A graphdriver line is fatal on its own; before iptables and containerd, which come later in a start.',
    patterns: [
      /the (?<driver>[\w-]+) storage-driver has been deprecated and removed/,
      /(?<root>\/\S+) contains several valid graphdrivers: (?<drivers>[\w, -]+?); (?:Please )?cleanup or explicitly choose storage driver/,
      /error initializing graphdriver: (?<detail>.+)$/,
      /(?<detail>'overlay' not found as a supported filesystem on this host)/,
      /(?<detail>backing file system is unsupported for this graph driver)/,
    ],
    // Engine 20.10 names the driver only on the line before the fatal one (seen for real).
    more: [/msg="Failed to GetDriver graph" driver=(?<driver>[\w.-]+)/, /storage-driver=(?<driver>[\w.-]+)/],
    explain: (s, m, _ev, then) => {
      const { t } = s;
      const path = daemonJsonPath(s);
      if (m.params.drivers) {
        return {
          why: t('reason.storage-driver-several', { root: m.params.root ?? '/var/lib/docker', drivers: m.params.drivers }),
          fixes: [manual('choose-storage-driver', t('fix.choose-storage-driver', { path, root: m.params.root ?? '/var/lib/docker' })), then],
        };
      }
      const driver = m.params.driver ?? s.facts.logs?.daemonJson?.storageDriver ?? null;
      if (/deprecated and removed/.test(m.line) && m.params.driver)
        return {
          why: t('reason.storage-driver-removed', { driver: m.params.driver }),
          fixes: [manual('set-storage-driver', t('fix.set-storage-driver', { path })), then],
        };
      const detail = m.params.detail ?? m.line;
      const fixes: Fix[] = [manual('set-storage-driver', t('fix.set-storage-driver', { path }))];
      if (/overlay/.test(`${driver ?? ''} ${detail}`))
        fixes.unshift(
          makeFix({
            id: 'modprobe-overlay',
            title: t('fix.modprobe-overlay'),
            commands: [['sudo', 'modprobe', 'overlay'], ...then.commands],
            privileged: true,
            waitFor: then.waitFor,
          }),
        );
      else fixes.push(then);
      return { why: driver ? t('reason.storage-driver-named', { driver, detail }) : t('reason.storage-driver', { detail }), fixes };
    },
  },
  {
    reason: 'iptables',
    position: 'The network controller comes after the graphdriver in a start; its failure names iptables itself.',
    patterns: [
      /failed to create NAT chain \S+: (?<detail>[Ii]ptables not found)/,
      /(?<detail>iptables not found)/i,
      /(?<detail>(?<tool>ip6?tables) v[\d.]+ \((?<mode>legacy|nf_tables)\):.*?(?:can't initialize|Table does not exist|RULE_APPEND failed|CHAIN_ADD failed|Permission denied).*)$/,
      /failed to create NAT chain \S+: (?<detail>.+)$/,
      /Error initializing network controller: (?<detail>.*iptables.*)$/,
    ],
    explain: (s, m, _ev, then) => {
      const { t } = s;
      const path = daemonJsonPath(s);
      if (/not found/i.test(m.params.detail ?? '')) {
        return { why: t('reason.iptables-missing'), fixes: [manual('install-iptables', t('fix.install-iptables', { path })), then] };
      }
      const mode = m.params.mode ?? null;
      const fixes: Fix[] = [];
      if (mode) {
        // The other backend is the usual way out (moby/moby#46400, microsoft/WSL#7705; #49557 the other way).
        const target = mode === 'legacy' ? 'nft' : 'legacy';
        fixes.push(
          makeFix({
            id: 'iptables-alternative',
            title: t('fix.iptables-alternative', { target }),
            commands: [
              ['sudo', 'update-alternatives', '--set', 'iptables', `/usr/sbin/iptables-${target}`],
              ['sudo', 'update-alternatives', '--set', 'ip6tables', `/usr/sbin/ip6tables-${target}`],
              ...then.commands,
            ],
            privileged: true,
            waitFor: then.waitFor,
            persistent: true,
          }),
        );
      }
      fixes.push(manual('iptables-modules', t('fix.iptables-modules')));
      return { why: t('reason.iptables', { detail: shortDetail(m.params.detail ?? m.line) }), fixes };
    },
  },
  {
    reason: 'socket-activation',
    position: 'systemd\'s socket unit and "-H fd://": their lines name the socket, not the daemon.',
    patterns: [
      /no sockets found via socket activation/,
      /docker\.socket: Failed to resolve group (?<group>\S+?):/,
      /docker\.socket: Failed to create listening socket \((?<path>[^)]+)\): Address already in use/,
      /Failed to listen on Docker Socket for the API/,
    ],
    explain: (s, m, _ev, then) => {
      const { t } = s;
      if (m.params.group) {
        return {
          why: t('reason.socket-activation-group', { group: m.params.group }),
          fixes: [
            makeFix({
              id: 'create-docker-group',
              title: t('fix.create-docker-group', { group: m.params.group }),
              commands: [
                ['sudo', 'groupadd', m.params.group],
                ['sudo', 'systemctl', 'reset-failed', 'docker.socket', 'docker.service'],
                ['sudo', 'systemctl', 'start', 'docker.socket', 'docker.service'],
              ],
              privileged: true,
              persistent: true,
              waitFor: then.waitFor,
            }),
          ],
        };
      }
      if (m.params.path)
        return {
          why: t('reason.socket-activation-in-use', { path: m.params.path }),
          fixes: [manual('socket-in-use', t('fix.socket-in-use', { path: m.params.path }))],
        };
      return {
        why: t('reason.socket-activation'),
        fixes: [
          makeFix({
            id: 'start-docker-socket',
            title: t('fix.start-docker-socket'),
            commands: [
              ['sudo', 'systemctl', 'reset-failed', 'docker.socket', 'docker.service'],
              ['sudo', 'systemctl', 'enable', '--now', 'docker.socket'],
              ['sudo', 'systemctl', 'start', 'docker.service'],
            ],
            privileged: true,
            persistent: true,
            waitFor: then.waitFor,
          }),
        ],
      };
    },
  },
  {
    reason: 'cgroups',
    position: 'Checked after the network: a cgroup failure is fatal on its own and rare.',
    patterns: [
      /(?<detail>Devices cgroup isn't mounted)/,
      /(?<detail>cgroup mountpoint does not exist)/,
      /(?<detail>cgroups?: cgroup mountpoint does not exist.*)$/,
    ],
    explain: (s, m, _ev, then) => ({
      why: s.t('reason.cgroups', { detail: m.params.detail ?? m.line }),
      fixes: [manual('mount-cgroups', s.t('fix.mount-cgroups')), then],
    }),
  },
  {
    reason: 'containerd',
    position: 'Last of the known: containerd is dialled late in a start, and a full disk or a broken config can make it fail too — those come first.',
    patterns: [
      /failed to dial "(?<socket>[^"]+)"/,
      /(?<detail>timeout waiting for containerd to start)/,
      /Failed to connect to containerd.*?Got error: (?<detail>.+)$/,
      /failed to start containerd: (?<detail>.+)$/,
    ],
    explain: (s, m, _ev, then) => {
      const { t } = s;
      if (m.params.socket) {
        const managed = /\/containerd\/containerd\.sock$/.test(m.params.socket) && !/^\/(var\/)?run\/containerd\//.test(m.params.socket);
        const fixes: Fix[] = [];
        if (!managed && s.unit !== null)
          fixes.push(
            makeFix({
              id: 'start-containerd',
              title: t('fix.start-containerd'),
              commands: [['sudo', 'systemctl', 'start', 'containerd.service'], ...then.commands],
              privileged: true,
              waitFor: then.waitFor,
            }),
          );
        fixes.push(manual('check-containerd', t('fix.check-containerd', { socket: m.params.socket })));
        return { why: t('reason.containerd-dial', { socket: m.params.socket }), fixes };
      }
      return { why: t('reason.containerd', { detail: m.params.detail ?? m.line }), fixes: [then] };
    },
  },
];

const START_LIMIT = [/Start request repeated too quickly/, /Failed with result 'start-limit-hit'/, /start of the service was attempted too often/];

/**
 * Reads the lines of one start attempt. The first entry (in list order) with a matching line
 * wins; within an entry the last matching line is the proof (dockerd's fatal line comes last).
 */
export function readServiceFailure(lines: readonly string[]): FailureReading {
  let match: ReasonMatch | null = null;
  for (const rule of SERVICE_REASONS) {
    const order = rule.earliest ? lines.map((_, i) => i) : lines.map((_, i) => lines.length - 1 - i);
    for (const i of order) {
      if (match !== null) break;
      for (const pattern of rule.patterns) {
        const found = pattern.exec(lines[i]!);
        if (found) {
          match = { reason: rule.reason, line: lines[i]!, params: stripUndefined(found.groups ?? {}) };
          break;
        }
      }
    }
    if (match) {
      // Parameters other lines of the attempt add (the proof's own win).
      for (const pattern of rule.more ?? []) {
        for (let i = lines.length - 1; i >= 0; i -= 1) {
          const found = pattern.exec(lines[i]!);
          if (found) {
            match = { ...match, params: { ...stripUndefined(found.groups ?? {}), ...match.params } };
            break;
          }
        }
      }
      break;
    }
  }
  const startLimit = [...lines].reverse().find((l) => START_LIMIT.some((p) => p.test(l))) ?? null;
  return { match, startLimit };
}

export function explainReason(s: Situation, m: ReasonMatch, ev: Evidence, then: Fix): ReasonExplanation {
  const rule = SERVICE_REASONS.find((r) => r.reason === m.reason);
  if (!rule) return { why: s.t('reason.unknown'), fixes: [then] };
  return rule.explain(s, m, ev, then);
}

// ---------------------------------------------------------------------------------------------

function stripUndefined(groups: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(groups).filter((e): e is [string, string] => e[1] !== undefined));
}

function manual(id: string, title: string): Fix {
  return makeFix({ id, title, manual: true, retry: 'none' });
}

function daemonJsonPath(s: Situation): string {
  return s.facts.logs?.daemonJson?.path ?? DAEMON_JSON;
}

function dataRoot(s: Situation): string {
  return s.facts.logs?.daemonJson?.dataRoot ?? '/var/lib/docker';
}

/**
 * Where a failed write says the data lives: containerd keeps its state under `<data-root>/containerd`
 * (Engine 20.10's managed containerd, seen for real), so that part names the data-root; else the
 * directory written to.
 */
export function dataRootOfWrite(path: string): string {
  const at = path.indexOf('/containerd/');
  if (at > 0) return path.slice(0, at);
  return path.replace(/\/[^/]*$/, '') || '/';
}

function configPathIn(line: string): string | null {
  return /with file (\S+?):/.exec(line)?.[1] ?? null;
}

function shortDetail(detail: string): string {
  return detail.replace(/\s+/g, ' ').trim();
}

/** 1.5 GiB, 12 MiB, 900 KiB: enough to tell "full" from "nearly full". */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** systemd's documented override path for docker.service (docs: engine/daemon/troubleshoot.md). */
export const HOSTS_DROP_IN = '/etc/systemd/system/docker.service.d/docker.conf';

/**
 * The documented fix for `hosts` in daemon.json beside the unit's `-H fd://`: a drop-in that clears
 * ExecStart and starts dockerd without -H, then daemon-reload. The unit's own other flags are kept
 * (docker-ce's `--containerd=…`), so only the conflicting flag goes.
 */
function hostsDropIn(s: Situation, path: string): Fix | null {
  const execStart = s.facts.logs?.execStart ?? null;
  const argv = execStart ? withoutHostFlags(execStart) : [s.facts.install?.dockerd ?? '/usr/bin/dockerd'];
  if (argv.length === 0) return null;
  const content = `# Written by dockhook: ${path} sets "hosts", so the service must not pass -H.\n[Service]\nExecStart=\nExecStart=${argv.join(' ')}\n`;
  return makeFix({
    id: 'hosts-drop-in',
    title: s.t('fix.hosts-drop-in', { path }),
    files: [{ path: HOSTS_DROP_IN, content }],
    commands: [
      ['sudo', 'systemctl', 'daemon-reload'],
      ['sudo', 'systemctl', 'reset-failed', 'docker.service', 'docker.socket'],
      ['sudo', 'systemctl', 'start', 'docker.service'],
    ],
    privileged: true,
    persistent: true,
    waitFor: DEFAULT_UNIX_HOST,
  });
}

/** `/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock` → argv without -H/--host. */
export function withoutHostFlags(execStart: string): string[] {
  const words = execStart.trim().split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i]!;
    if (w === '-H' || w === '--host') {
      i += 1;
      continue;
    }
    if (/^(-H|--host=)./.test(w)) continue;
    out.push(w);
  }
  return out;
}
