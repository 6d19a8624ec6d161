// Log text → reason, for every reason id and every wording generation moby has printed.
// Wordings: moby's source at the tags named (docs/research/daemon-failures.md has the table);
// lines marked "real" were printed by this machine's dockerd 20.10.24 in the e2e worlds.
import { describe, expect, it } from 'vitest';
import { dataRootOfWrite, readServiceFailure, SERVICE_REASONS, withoutHostFlags } from '../../src/core/reasons.js';
import { SERVICE_FAILED_REASONS, type ServiceFailedReason } from '../../src/core/types.js';

type Row = [generation: string, line: string, reason: ServiceFailedReason | null, params?: Record<string, string>];

const table: Row[] = [
  // daemon-json: the prefix since 1.12 (cmd/dockerd/daemon.go; daemon/command/daemon.go in v29)
  [
    '20.10 syntax (real)',
    "unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '}' looking for beginning of object key string",
    'daemon-json',
    { path: '/etc/docker/daemon.json' },
  ],
  [
    '1.13 syntax, with its stray newline',
    "Error starting daemon: unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '<' looking for beginning of value",
    'daemon-json',
  ],
  [
    'v29.7.2 "invalid JSON:" prefix',
    'unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid JSON: unexpected end of JSON input',
    'daemon-json',
    { message: 'invalid JSON: unexpected end of JSON input' },
  ],
  ['≤ 23 empty file (real)', 'unable to configure the Docker daemon with file /etc/docker/daemon.json: EOF', 'daemon-json', { message: 'EOF' }],
  [
    'unknown directive (real, 20.10; same text 1.13 → v29)',
    "unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: debugg, storage-drivr",
    'daemon-json',
  ],
  [
    'v29 migrated option',
    'unable to configure the Docker daemon with file /etc/docker/daemon.json: host-gateway-ip and host-gateway-ips must not both be specified in the config file',
    'daemon-json',
  ],
  [
    '28.x bad mirror',
    "failed to start daemon: invalid mirror: no scheme specified for \"example.com\": must use either 'https://' or 'http://'",
    'daemon-json',
  ],
  // flag-and-file-conflict (config.go, 1.13 → v29)
  [
    'hosts with -H (real)',
    'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///var/run/docker.sock tcp://127.0.0.1:2375])',
    'flag-and-file-conflict',
    { directive: 'hosts', flag: '[fd://]' },
  ],
  [
    'debug twice',
    'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: debug: (from flag: true, from file: true)',
    'flag-and-file-conflict',
    { directive: 'debug' },
  ],
  // storage-driver (daemon/graphdriver)
  ['driver not supported (real)', 'failed to start daemon: error initializing graphdriver: driver not supported', 'storage-driver'],
  ['≤ 19.03 wrapper', 'Error starting daemon: error initializing graphdriver: driver not supported', 'storage-driver'],
  [
    'several drivers ≤ 20.10',
    'failed to start daemon: error initializing graphdriver: /var/lib/docker contains several valid graphdrivers: devicemapper, overlay2; Please cleanup or explicitly choose storage driver (-s <DRIVER>)',
    'storage-driver',
    { root: '/var/lib/docker', drivers: 'devicemapper, overlay2' },
  ],
  [
    'several drivers ≥ 23',
    'failed to start daemon: error initializing graphdriver: /var/lib/docker contains several valid graphdrivers: aufs, overlay2; cleanup or explicitly choose storage driver (-s <DRIVER>)',
    'storage-driver',
    { drivers: 'aufs, overlay2' },
  ],
  [
    'removed driver ≥ 24',
    'failed to start daemon: error initializing graphdriver: [graphdriver] ERROR: the devicemapper storage-driver has been deprecated and removed; visit https://docs.docker.com/go/storage-driver/ for more information',
    'storage-driver',
    { driver: 'devicemapper' },
  ],
  [
    'overlay module missing (logged error)',
    'time="2019-01-01T00:00:00Z" level=error msg="\'overlay\' not found as a supported filesystem on this host. Please ensure kernel is new enough and has overlay support loaded." storage-driver=overlay2',
    'storage-driver',
  ],
  [
    '20.10 names the driver on the line before (real)',
    'time="x" level=error msg="Failed to GetDriver graph" driver=nosuchdriver error="graphdriver plugins are only supported with experimental mode" home-dir=/var/lib/docker',
    null,
  ],
  ['backing fs', 'failed to start daemon: error initializing graphdriver: backing file system is unsupported for this graph driver', 'storage-driver'],
  // iptables (libnetwork)
  [
    'no binary ≤ 24 (real)',
    'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to create NAT chain DOCKER: Iptables not found',
    'iptables',
  ],
  [
    'no binary ≥ 25',
    'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to register "bridge" driver: failed to create NAT chain DOCKER: iptables not found',
    'iptables',
  ],
  [
    'legacy table missing',
    'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to register "bridge" driver: failed to create NAT chain DOCKER: iptables failed: iptables --wait -t nat -N DOCKER: iptables v1.8.10 (legacy): can\'t initialize iptables table `nat\': Table does not exist (do you need to insmod?)',
    'iptables',
    { mode: 'legacy' },
  ],
  [
    'nf_tables rule append',
    'failed to start daemon: Error initializing network controller: error obtaining controller instance: unable to add return rule in DOCKER-ISOLATION-STAGE-1 chain:  (iptables failed: iptables --wait -A DOCKER-ISOLATION-STAGE-1 -j RETURN: iptables v1.8.7 (nf_tables):  RULE_APPEND failed (No such file or directory): rule in chain DOCKER-ISOLATION-STAGE-1',
    'iptables',
    { mode: 'nf_tables' },
  ],
  // containerd
  [
    'cannot dial (real, 20.10; same format 19.03 → v29)',
    'failed to start daemon: failed to dial "/run/nothing.sock": failed to dial "/run/nothing.sock": context deadline exceeded',
    'containerd',
    { socket: '/run/nothing.sock' },
  ],
  ['managed containerd timeout (19.03 → v29)', 'failed to start daemon: failed to start containerd: timeout waiting for containerd to start', 'containerd'],
  [
    '1.13 / 17.x',
    'Error starting daemon: Failed to connect to containerd. Please make sure containerd is installed in your PATH or you have specified the correct address. Got error: timeout',
    'containerd',
  ],
  // pid-file (pkg/pidfile)
  [
    '≤ 23 (real, 20.10)',
    'failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid',
    'pid-file',
    { path: '/var/run/docker.pid' },
  ],
  ['≤ 19.03 wrapper', 'Error starting daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid', 'pid-file'],
  [
    '≥ 24',
    'failed to start daemon, ensure docker is not running or delete /var/run/docker.pid: process with PID 1234 is still running',
    'pid-file',
    { path: '/var/run/docker.pid', pid: '1234' },
  ],
  // disk-full
  [
    'containerd metadata on a full data-root (real)',
    'time="2026-11-29T14:28:03.821524213Z" level=warning msg="failed to load plugin io.containerd.metadata.v1.bolt" error="write /run/full/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db: no space left on device"',
    'disk-full',
    { path: '/run/full/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db' },
  ],
  [
    'key file (linuxkit/linuxkit#348)',
    'Error starting daemon: Error saving key file: write /etc/docker/.tmp-key.json123: no space left on device',
    'disk-full',
  ],
  // socket-activation (daemon/listeners, and systemd's own lines)
  [
    'no sockets (1.13 → v29)',
    'failed to start daemon: failed to load listeners: no sockets found via socket activation: make sure the service was started by systemd',
    'socket-activation',
  ],
  [
    '1.12 logrus',
    'time="2016-11-29T10:00:00Z" level=fatal msg="no sockets found via socket activation: make sure the service was started by systemd"',
    'socket-activation',
  ],
  ['group missing', 'docker.socket: Failed to resolve group docker: No such process', 'socket-activation', { group: 'docker' }],
  [
    'address in use',
    'docker.socket: Failed to create listening socket (/run/docker.sock): Address already in use',
    'socket-activation',
    { path: '/run/docker.sock' },
  ],
  // cgroups
  ['devices cgroup (1.13 → v29)', "failed to start daemon: Devices cgroup isn't mounted", 'cgroups'],
  // nothing known
  ['only the wrapper', 'docker.service: Main process exited, code=exited, status=1/FAILURE', null],
  ['an info line that mentions iptables is not a failure', 'time="x" level=info msg="Loading containers: start."', null],
];

describe("the daemon's last words → reason", () => {
  it.each(table)('%s', (_generation, line, reason, params) => {
    const { match } = readServiceFailure([line]);
    expect(match?.reason ?? null).toBe(reason);
    if (match) expect(match.line).toBe(line);
    if (params) expect(match?.params).toMatchObject(params);
  });

  it('covers every reason id', () => {
    const covered = new Set(table.map(([, , reason]) => reason).filter(Boolean));
    // start-limit and unknown are what is left when nothing else matches (next tests).
    const withPatterns = SERVICE_FAILED_REASONS.filter((r) => r !== 'start-limit' && r !== 'unknown');
    expect(withPatterns.filter((r) => !covered.has(r))).toEqual([]);
    expect(SERVICE_REASONS.map((r) => r.reason).sort()).toEqual([...withPatterns].sort());
  });

  it('start-limit is read beside the real reason, and alone when it is all there is', () => {
    const lines = [
      'failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid',
      'docker.service: Start request repeated too quickly.',
      "docker.service: Failed with result 'start-limit-hit'.",
    ];
    expect(readServiceFailure(lines)).toMatchObject({ match: { reason: 'pid-file' }, startLimit: "docker.service: Failed with result 'start-limit-hit'." });
    expect(readServiceFailure(lines.slice(1))).toMatchObject({ match: null, startLimit: expect.stringContaining('start-limit-hit') });
  });

  it("the driver's name comes from the line before the fatal one (real, 20.10)", () => {
    const { match } = readServiceFailure([
      'time="x" level=error msg="Failed to GetDriver graph" driver=nosuchdriver error="graphdriver plugins are only supported with experimental mode" home-dir=/d',
      'failed to start daemon: error initializing graphdriver: driver not supported',
    ]);
    expect(match).toMatchObject({
      reason: 'storage-driver',
      line: 'failed to start daemon: error initializing graphdriver: driver not supported',
      params: { driver: 'nosuchdriver' },
    });
  });

  it('a full disk beats the containerd failure it causes (real, 20.10)', () => {
    const lines = [
      'time="x" level=warning msg="failed to load plugin io.containerd.metadata.v1.bolt" error="write /d/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db: no space left on device"',
      'failed to start daemon: failed to dial "/e/containerd/containerd.sock": unknown service containerd.services.namespaces.v1.Namespaces: not implemented',
    ];
    expect(readServiceFailure(lines).match?.reason).toBe('disk-full');
  });

  it('a full disk: the first write that failed is the proof, and the data-root is where containerd keeps its state', () => {
    const lines = [
      'time="x" level=warning msg="failed to load plugin io.containerd.metadata.v1.bolt" error="write /run/full/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db: no space left on device"',
      'time="x" level=warning msg="failed to load plugin io.containerd.grpc.v1.snapshots" error="write /run/full/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db: no space left on device"',
    ];
    expect(readServiceFailure(lines).match?.line).toBe(lines[0]);
    expect(dataRootOfWrite('/run/full/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db')).toBe('/run/full/docker');
    expect(dataRootOfWrite('/etc/docker/.tmp-key.json123')).toBe('/etc/docker');
  });

  it("the hosts drop-in keeps the unit's other flags", () => {
    expect(withoutHostFlags('/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock')).toEqual([
      '/usr/bin/dockerd',
      '--containerd=/run/containerd/containerd.sock',
    ]);
    expect(withoutHostFlags('/usr/sbin/dockerd -Hfd:// --host=unix:///x $DOCKER_OPTS')).toEqual(['/usr/sbin/dockerd', '$DOCKER_OPTS']);
  });
});
