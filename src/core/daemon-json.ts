// What is wrong with a daemon.json, found before dockerd is asked to start: a syntax error with its
// line and column, and keys dockerd does not know with the valid key closest to each.
// Facts and sources: docs/research/daemon-failures.md, "daemon.json".
import { jsonSyntaxError, lineAndColumnAt, type JsonSyntaxKind } from './json-syntax.js';

/**
 * The top-level keys dockerd accepts in daemon.json: the json tags of its configuration structs
 * (moby daemon/config/config.go, config_linux.go; the registry options) in Engine 20.10.24 and
 * docker-v29.7.2, together. A key only one of them knows is still a real key, so it is never
 * called unknown here; dockerd's own log says so when the installed engine disagrees.
 */
export const DAEMON_JSON_KEYS: readonly string[] = [
  'allow-direct-routing',
  'allow-nondistributable-artifacts',
  'api-cors-header',
  'authorization-plugins',
  'bip',
  'bip6',
  'bridge',
  'bridge-accept-fwmark',
  'builder',
  'cdi-spec-dirs',
  'cgroup-parent',
  'cluster-advertise',
  'cluster-store',
  'cluster-store-opts',
  'containerd',
  'containerd-namespace',
  'containerd-plugin-namespace',
  'cpu-rt-period',
  'cpu-rt-runtime',
  'cri-containerd',
  'data-root',
  'debug',
  'default-address-pools',
  'default-cgroupns-mode',
  'default-gateway',
  'default-gateway-v6',
  'default-init',
  'default-ipc-mode',
  'default-network-opts',
  'default-runtime',
  'default-shm-size',
  'default-stop-timeout',
  'default-ulimits',
  'deprecated-key-path',
  'dns',
  'dns-opts',
  'dns-search',
  'exec-opts',
  'exec-root',
  'experimental',
  'features',
  'firewall-backend',
  'fixed-cidr',
  'fixed-cidr-v6',
  'graph',
  'group',
  'host-gateway-ip',
  'host-gateway-ips',
  'hosts',
  'http-proxy',
  'https-proxy',
  'icc',
  'init',
  'init-path',
  'insecure-registries',
  'ip',
  'ip-forward',
  'ip-forward-no-drop',
  'ip-masq',
  'ip6tables',
  'iptables',
  'ipv6',
  'labels',
  'live-restore',
  'log-driver',
  'log-format',
  'log-level',
  'log-opts',
  'max-concurrent-downloads',
  'max-concurrent-uploads',
  'max-download-attempts',
  'metrics-addr',
  'min-api-version',
  'mtu',
  'network-control-plane-mtu',
  'network-diagnostic-port',
  'no-new-privileges',
  'no-proxy',
  'node-generic-resources',
  'nri-opts',
  'oom-score-adjust',
  'pidfile',
  'proxies',
  'raw-logs',
  'registry-mirrors',
  'resolv-conf',
  'rootless',
  'runtimes',
  'seccomp-profile',
  'selinux-enabled',
  'shutdown-timeout',
  'storage-driver',
  'storage-opts',
  'swarm-default-advertise-addr',
  'swarm-raft-election-tick',
  'swarm-raft-heartbeat-tick',
  'tls',
  'tlscacert',
  'tlscert',
  'tlskey',
  'tlsverify',
  'userland-proxy',
  'userland-proxy-path',
  'userns-remap',
];

/** Objects whose keys dockerd reads one level down (moby config.go `configValuesSet`), unlike these. */
const KEPT_WHOLE = new Set(['cluster-store-opts', 'default-network-opts', 'log-opts', 'runtimes', 'default-ulimits', 'features', 'builder', 'nri-opts']);

export interface DaemonJsonFacts {
  path: string;
  /**
   * The file does not parse: where and why (line and column count from 1, at the mistake itself).
   * `message` is the parser's English; `kind` and `token` word it in the user's language.
   */
  syntax: { message: string; line: number; column: number; kind?: JsonSyntaxKind | 'not-object'; token?: string } | null;
  /** Every option the file sets, read the way dockerd reads them (nested objects flattened). */
  keys: string[];
  /** Keys dockerd would call "directives that don't match any configuration option". */
  unknownKeys: Array<{ key: string; closest: string | null }>;
  /** Values the diagnosis needs; null when absent or not a string. */
  hosts: boolean;
  dataRoot: string | null;
  storageDriver: string | null;
}

export function analyzeDaemonJson(path: string, text: string): DaemonJsonFacts {
  const facts: DaemonJsonFacts = { path, syntax: null, keys: [], unknownKeys: [], hosts: false, dataRoot: null, storageDriver: null };
  // Engine 24 and later accept an empty file (moby bb19265ba8); older ones fail with "EOF",
  // which the log then shows. Before anything runs, an empty file is not called broken.
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return facts;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/, '');
    // Where the mistake is, not where JSON.parse gave up; its own offset only if the scan disagrees.
    const found = jsonSyntaxError(body);
    if (found) {
      facts.syntax = { message, line: found.line, column: found.column, kind: found.kind, token: found.token };
    } else {
      facts.syntax = { message, ...lineAndColumn(body, errorOffset(body, (error as Error).message)) };
    }
    return facts;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    facts.syntax = { message: 'the file must hold one JSON object ({ … })', line: 1, column: 1, kind: 'not-object', token: '' };
    return facts;
  }
  const top = parsed as Record<string, unknown>;
  const known = new Set(DAEMON_JSON_KEYS);
  for (const [key, value] of Object.entries(top)) {
    // Like dockerd, read the keys of a nested object (other than the ones kept whole) as options.
    const keys = value !== null && typeof value === 'object' && !Array.isArray(value) && !KEPT_WHOLE.has(key) ? Object.keys(value) : [key];
    for (const k of keys) {
      facts.keys.push(k);
      if (!known.has(k)) facts.unknownKeys.push({ key: k, closest: closestKey(k) });
    }
  }
  facts.hosts = Array.isArray(top.hosts) ? top.hosts.length > 0 : typeof top.hosts === 'string';
  facts.dataRoot = typeof top['data-root'] === 'string' ? top['data-root'] : typeof top.graph === 'string' ? top.graph : null;
  facts.storageDriver = typeof top['storage-driver'] === 'string' ? top['storage-driver'] : null;
  return facts;
}

/** Where JSON.parse stopped: Node says "at position N", or names the token, or ran out of input. */
function errorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  const token = /Unexpected token '(.)'/.exec(message)?.[1];
  if (token !== undefined && text.includes(token)) return text.indexOf(token);
  return text.length;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  return lineAndColumnAt(text, offset);
}

/** The valid key a typo most likely meant: edit distance at most 2, or 3 for long keys. */
export function closestKey(key: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const limit = key.length > 10 ? 3 : 2;
  for (const candidate of DAEMON_JSON_KEYS) {
    const d = editDistance(key.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
