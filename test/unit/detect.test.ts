import { readdirSync, readFileSync } from 'node:fs';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { classify, extractEndpoint } from '../../src/core/detect.js';
import type { ErrorKind } from '../../src/core/types.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);

interface PositiveFixture {
  name: string;
  text: string;
  source: string;
  kind: ErrorKind;
  endpoint: string | null;
  /** Nothing in the text tells it apart from other programs' errors: kept, and expected not to match. */
  knownMiss: boolean;
}

function fixtureNames(folder: string): string[] {
  return readdirSync(new URL(folder, FIXTURES))
    .filter((file) => file.endsWith('.txt'))
    .map((file) => file.slice(0, -'.txt'.length))
    .sort();
}

function readFixture(folder: string, name: string): { text: string; meta: Record<string, unknown> } {
  return {
    text: readFileSync(new URL(`${folder}/${name}.txt`, FIXTURES), 'utf8'),
    meta: JSON.parse(readFileSync(new URL(`${folder}/${name}.json`, FIXTURES), 'utf8')) as Record<string, unknown>,
  };
}

const positives: PositiveFixture[] = fixtureNames('stderr/').map((name) => {
  const { text, meta } = readFixture('stderr', name);
  return {
    name,
    text,
    source: String(meta.source),
    kind: meta.kind as ErrorKind,
    endpoint: (meta.endpoint ?? null) as string | null,
    knownMiss: meta.knownMiss === true,
  };
});
const detectable = positives.filter(({ knownMiss }) => !knownMiss);

const lookalikes = fixtureNames('lookalikes/').map((name) => ({ name, ...readFixture('lookalikes', name) }));

/** The fixture text as one string without ANSI escapes or line breaks: any reported line lies inside it. */
function flattened(text: string): string {
  return stripAnsi(text).replace(/\r\n|\r|\n/g, '');
}

describe('classify: real transcripts (test/fixtures/stderr)', () => {
  it('has the transcripts the issue asks for', () => {
    const real = positives.filter(({ name }) => !('derivedFrom' in readFixture('stderr', name).meta));
    expect(real.length).toBeGreaterThanOrEqual(25);
    expect(lookalikes.length).toBeGreaterThanOrEqual(15);
    for (const { source } of positives) expect(source).toMatch(/^https:\/\/github\.com\//);
  });

  it.each(detectable)('$name → $kind, $endpoint', ({ text, kind, endpoint }) => {
    const detection = classify(text);
    expect(detection).toMatchObject({ match: true, kind, endpoint });
    if (!detection.match) return;
    expect(detection.line).not.toMatch(/[\r\n\u001b]/);
    expect(detection.line).toBe(detection.line.trim());
    expect(flattened(text)).toContain(detection.line);
  });
});

describe('classify: real transcripts no detector can read (knownMiss)', () => {
  it.each(positives.filter(({ knownMiss }) => knownMiss))('$name does not match', ({ text }) => {
    expect(classify(text)).toEqual({ match: false });
  });
});

describe('classify: real lookalikes (test/fixtures/lookalikes)', () => {
  it.each(lookalikes.filter(({ meta }) => meta.knownFire !== true))('$name does not match', ({ text }) => {
    expect(classify(text)).toEqual({ match: false });
  });

  // Text identical to docker's own, printed by a docker CLI inside a container: the detector cannot know.
  it.each(lookalikes.filter(({ meta }) => meta.knownFire === true))('$name matches (known false fire)', ({ text }) => {
    expect(classify(text)).toMatchObject({ match: true });
  });
});

describe('classify: the reported line', () => {
  it.each([
    {
      fixture: 'p1-wrapped-112-columns',
      line: 'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Post http://%2Fvar%2Frun%2Fdocker.sock/v1.35/build?buildargs=%7B%7D&cachefrom=%5B%5D&cgroupparent=&cpuperiod=0&cpuquota=0&cpusetcpus=&cpusetmems=&cpushares=0&dockerfile=Dockerfile&labels=%7B%7D&memory=0&memswap=0&networkmode=default&rm=1&session=57da952107578b7cdaa0d35d533aefc8af001e6be3cb06960fe651a7f7990217&shmsize=0&t=vanvalenlab%2Fkiosk%3Alatest&target=&ulimits=null: dial unix /var/run/docker.sock: connect: permission denied',
    },
    {
      fixture: 'd3-hijack-wrapped-eacces',
      line: "ERRO[0000] failed to dial gRPC: cannot connect to the Docker daemon. Is 'docker daemon' running on this host?: dial unix /var/run/docker.sock: connect: permission denied",
    },
    { fixture: 'd1-wrapped-80-columns', line: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' },
    { fixture: 'compose1-localhost-ansi', line: "ERROR: Couldn't connect to Docker daemon at http+docker://localhost - is it running?" },
    {
      fixture: 'd3-buildkit-hijack',
      line: "ERRO[0000] failed to dial gRPC: cannot connect to the Docker daemon. Is 'docker daemon' running on this host?: dial unix /var/run/docker.sock: connect: no such file or directory",
    },
    {
      fixture: 'tls-malformed-http-response',
      line: 'Get http://localhost:2376/v1.26/containers/json: malformed HTTP response "\\x15\\x03\\x01\\x00\\x02\\x02".',
    },
  ])('$fixture: the whole logical line, rejoined and stripped', ({ fixture, line }) => {
    expect(classify(readFixture('stderr', fixture).text)).toMatchObject({ match: true, line });
  });
});

// Every wording in docs/research/error-messages.md, as the CLI renders it (research ids in the names).
const wordings: Array<{ id: string; text: string; kind: ErrorKind; endpoint: string | null }> = [
  {
    id: 'D1 unix',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  },
  {
    id: 'D1 tcp',
    kind: 'daemon-unreachable',
    endpoint: 'tcp://10.0.0.5:2376',
    text: 'Cannot connect to the Docker daemon at tcp://10.0.0.5:2376. Is the docker daemon running?',
  },
  {
    id: 'D1 npipe',
    kind: 'daemon-unreachable',
    endpoint: 'npipe:////./pipe/dockerDesktopLinuxEngine',
    text: 'Cannot connect to the Docker daemon at npipe:////./pipe/dockerDesktopLinuxEngine. Is the docker daemon running?',
  },
  {
    id: 'D1 ssh placeholder',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: 'Cannot connect to the Docker daemon at http://docker.example.com. Is the docker daemon running?',
  },
  {
    id: 'D1 Desktop for Linux',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///home/u/.docker/desktop/docker.sock',
    text: 'Cannot connect to the Docker daemon at unix:///home/u/.docker/desktop/docker.sock. Is the docker daemon running?',
  },
  {
    id: 'D1 docker run ≤ v27',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.\nSee 'docker run --help'.",
  },
  {
    id: 'D1 docker run v28',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n\nRun 'docker run --help' for more information",
  },
  { id: 'D2', kind: 'daemon-unreachable', endpoint: null, text: 'Cannot connect to the Docker daemon. Is the docker daemon running on this host?' },
  {
    id: 'D3 tcp',
    kind: 'daemon-unreachable',
    endpoint: 'tcp://127.0.0.1:2375',
    text: 'time="2020-04-22T02:39:12Z" level=error msg="failed to dial gRPC: cannot connect to the Docker daemon. Is \'docker daemon\' running on this host?: dial tcp 127.0.0.1:2375: connect: connection refused"',
  },
  {
    id: 'P1',
    kind: 'permission-denied',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied',
  },
  {
    id: 'P2 tcp',
    kind: 'permission-denied',
    endpoint: 'tcp://10.0.0.5:2376',
    text: 'permission denied while trying to connect to the Docker daemon socket at tcp://10.0.0.5:2376: Get "https://10.0.0.5:2376/v1.47/info": x',
  },
  {
    id: 'P3',
    kind: 'permission-denied',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'permission denied while trying to connect to the docker API at unix:///var/run/docker.sock',
  },
  {
    id: 'P3 docker run v29.0',
    kind: 'permission-denied',
    endpoint: 'unix:///run/user/1000/docker.sock',
    text: "docker: permission denied while trying to connect to the docker API at unix:///run/user/1000/docker.sock\n\nRun 'docker run --help' for more information",
  },
  {
    id: 'P3 npipe (Access is denied)',
    kind: 'permission-denied',
    endpoint: 'npipe:////./pipe/docker_engine',
    text: 'permission denied while trying to connect to the docker API at npipe:////./pipe/docker_engine',
  },
  {
    id: 'F1',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory',
  },
  {
    id: 'F2',
    kind: 'daemon-unreachable',
    endpoint: 'tcp://no-such-host.invalid:2375',
    text: 'failed to connect to the docker API at tcp://no-such-host.invalid:2375: lookup no-such-host.invalid on 127.0.0.53:53: no such host',
  },
  {
    id: 'F1 via buildx failed to build',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'ERROR: failed to build: failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory',
  },
  {
    id: 'E1 no route',
    kind: 'daemon-unreachable',
    endpoint: 'tcp://10.0.0.5:2375',
    text: 'error during connect: Get "http://10.0.0.5:2375/v1.47/containers/json": dial tcp 10.0.0.5:2375: connect: no route to host',
  },
  {
    id: 'E1 ipv6',
    kind: 'daemon-unreachable',
    endpoint: 'tcp://[fd00::5]:2375',
    text: 'error during connect: Get "http://[fd00::5]:2375/v1.47/version": dial tcp [fd00::5]:2375: i/o timeout',
  },
  {
    id: 'E1 ssh',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: 'error during connect: Get "http://docker.example.com/v1.24/version": command [ssh -o ConnectTimeout=30 -T -- host docker system dial-stdio] has exited with exit status 255, make sure the URL is valid, and Docker 18.09 or later is installed on the remote host: stderr=ssh: connect to host host port 22: Connection refused',
  },
  {
    id: 'E1 ssh with the ssh URL named',
    kind: 'daemon-unreachable',
    endpoint: 'ssh://deploy@build-01',
    text: 'error during connect: Get "http://docker.example.com/v1.47/version": ssh://deploy@build-01: command [ssh -T -- deploy@build-01 docker system dial-stdio] has exited with exit status 255',
  },
  {
    id: 'W1 ≥ v27 Access is denied',
    kind: 'permission-denied',
    endpoint: 'npipe:////./pipe/docker_engine',
    text: 'error during connect: in the default daemon configuration on Windows, the docker client must be run with elevated privileges to connect: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.46/version": open //./pipe/docker_engine: Access is denied.',
  },
  {
    id: 'W2 v20.10',
    kind: 'daemon-unreachable',
    endpoint: 'npipe:////./pipe/docker_engine_linux',
    text: 'error during connect: This error may indicate that the docker daemon is not running.: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine_linux/v1.24/containers/json?limit=0": open //./pipe/docker_engine_linux: The system cannot find the file specified.',
  },
  {
    id: 'T1',
    kind: 'tls-error',
    endpoint: 'tcp://192.168.99.100:2376',
    text: 'Get http://192.168.99.100:2376/v1.20/containers/json: malformed HTTP response "\\x15\\x03\\x01\\x00\\x02\\x02".\n* Are you trying to connect to a TLS-enabled daemon without TLS?',
  },
  { id: 'T2', kind: 'tls-error', endpoint: null, text: 'Error response from daemon: Client sent an HTTP request to an HTTPS server.' },
  {
    id: 'T3',
    kind: 'tls-error',
    endpoint: 'tcp://h:2376',
    text: 'the server probably has client authentication (--tlsverify) enabled; check your TLS client certification settings: Get "https://h:2376/v1.51/_ping": remote error: tls: bad certificate',
  },
  {
    id: 'T3 ≤ v20.10',
    kind: 'tls-error',
    endpoint: null,
    text: 'The server probably has client authentication (--tlsverify) enabled. Please check your TLS client certification settings',
  },
  {
    id: 'T4',
    kind: 'tls-error',
    endpoint: 'tcp://10.0.0.5:2376',
    text: 'error during connect: Get "https://10.0.0.5:2376/v1.47/info": http: server gave HTTP response to HTTPS client',
  },
  {
    id: 'T5 Go ≥ 1.20',
    kind: 'tls-error',
    endpoint: 'tcp://h:2376',
    text: 'error during connect: Get "https://h:2376/v1.47/version": tls: failed to verify certificate: x509: certificate signed by unknown authority',
  },
  {
    id: 'T5 name',
    kind: 'tls-error',
    endpoint: 'tcp://10.0.0.5:2376',
    text: 'error during connect: Get "https://10.0.0.5:2376/v1.41/version": x509: certificate is valid for 10.0.0.6, not 10.0.0.5',
  },
  {
    id: 'T6 key pair',
    kind: 'tls-error',
    endpoint: null,
    text: 'could not load X509 key pair (cert: "/home/u/.docker/cert.pem", key: "/home/u/.docker/key.pem"): open /home/u/.docker/cert.pem: no such file or directory',
  },
  {
    id: 'T6 encrypted key',
    kind: 'tls-error',
    endpoint: null,
    text: 'error reading X509 key pair - make sure the key is not encrypted (cert: "/c/cert.pem", key: "/c/key.pem"): tls: failed to parse private key',
  },
  {
    id: 'T7',
    kind: 'context-error',
    endpoint: null,
    text: 'Failed to initialize: unable to resolve docker endpoint: open /home/u/.docker/ca.pem: no such file or directory',
  },
  { id: 'T8', kind: 'context-error', endpoint: null, text: 'failed to retrieve context tls info: ca.pem seems invalid' },
  { id: 'T8 store', kind: 'context-error', endpoint: null, text: 'TLS data for remote/docker/ca.pem does not exist' },
  {
    id: 'C current context',
    kind: 'context-error',
    endpoint: null,
    text: 'Current context "colima" is not found on the file system, please check your config file at /home/u/.docker/config.json',
  },
  { id: 'C does not exist', kind: 'context-error', endpoint: null, text: 'unable to resolve docker endpoint: context "rootless" does not exist' },
  {
    id: 'C parsing meta.json',
    kind: 'context-error',
    endpoint: null,
    text: 'Failed to initialize: unable to resolve docker endpoint: context "default": parsing /home/u/.docker/contexts/meta/37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f/meta.json: unexpected end of JSON input',
  },
  {
    id: 'C parsing (docker context ls)',
    kind: 'context-error',
    endpoint: null,
    text: 'context "desktop-linux": parsing /home/u/.docker/contexts/meta/fe9c6bd7/meta.json: unexpected end of JSON input',
  },
  { id: 'C conflicting', kind: 'context-error', endpoint: null, text: 'conflicting options: cannot specify both --host and --context' },
  { id: 'C conflicting ≤ 20.10', kind: 'context-error', endpoint: null, text: 'Conflicting options: either specify --host or --context, not both' },
  { id: 'C no docker endpoint', kind: 'context-error', endpoint: null, text: 'cannot find docker endpoint in context' },
  {
    id: 'compose v1 docker-machine',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: "ERROR: Couldn't connect to Docker daemon - you might need to run `docker-machine start default`.",
  },
  {
    id: 'compose v1 Docker for Mac',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: "Couldn't connect to Docker daemon. You might need to start Docker for Mac.",
  },
  {
    id: 'compose v1 SSL',
    kind: 'tls-error',
    endpoint: null,
    text: "ERROR: SSL error: HTTPSConnectionPool(host='10.0.0.5', port=2376): Max retries exceeded with url: /v1.30/version (Caused by SSLError(SSLError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:852)'),))",
  },
  {
    id: 'compose v1 TLS config',
    kind: 'tls-error',
    endpoint: null,
    text: 'ERROR: TLS configuration is invalid - make sure your DOCKER_TLS_VERIFY and DOCKER_CERT_PATH are set correctly.',
  },
  {
    id: 'docker-py refused',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: "docker.errors.DockerException: Error while fetching server API version: ('Connection aborted.', ConnectionRefusedError(111, 'Connection refused'))",
  },
  {
    id: 'docker-py tcp',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: "docker.errors.DockerException: Error while fetching server API version: HTTPConnectionPool(host='localhost', port=2375): Max retries exceeded with url: /version (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
  },
  {
    id: 'Desktop for Mac 1.12 proxy',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: 'Error response from daemon: dial unix /Users/fzx/Library/Containers/com.docker.docker/Data/*00000003.00000948: connect: connection refused',
  },
  {
    id: 'proxy 502 v28',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'request returned 502 Bad Gateway for API route and version http://%2Fvar%2Frun%2Fdocker.sock/v1.54/containers/json, check if the server supports the requested API version',
  },
  {
    id: 'proxy 502 Rancher',
    kind: 'daemon-unreachable',
    endpoint: 'npipe:////./pipe/docker_engine',
    text: 'request returned Bad Gateway for API route and version http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.41/containers/json, check if the server supports the requested API version',
  },
  {
    id: 'WSL 1',
    kind: 'daemon-unreachable',
    endpoint: null,
    text: "The command 'docker' could not be found in this WSL 1 distro.\nWe recommend to convert this distro to WSL 2 and activate\nthe WSL integration in Docker Desktop settings.",
  },
  { id: 'WSL compose', kind: 'daemon-unreachable', endpoint: null, text: "The command 'docker-compose' could not be found in this WSL 2 distro." }, // The 1.x clients: Go's request error itself, the TLS hint after it naming TLS whatever the cause.
  {
    id: '1.x hint after EACCES',
    kind: 'permission-denied',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'FATA[0000] Get http:///var/run/docker.sock/v1.17/containers/json: dial unix /var/run/docker.sock: permission denied. Are you trying to connect to a TLS-enabled daemon without TLS? ',
  },
  {
    id: '1.x hint after a timeout',
    kind: 'daemon-unreachable',
    endpoint: 'tcp://192.168.59.103:2375',
    text: 'Get http://192.168.59.103:2375/v1.19/version: dial tcp 192.168.59.103:2375: i/o timeout. Are you trying to connect to a TLS-enabled daemon without TLS?',
  },
  {
    id: '1.8 hint lines after EACCES',
    kind: 'permission-denied',
    endpoint: 'unix:///var/run/docker.sock',
    text: 'Get http:///var/run/docker.sock/v1.20/version: dial unix /var/run/docker.sock: permission denied.\n* Are you trying to connect to a TLS-enabled daemon without TLS?\n* Is your docker daemon up and running?',
  },
  {
    id: '1.0–1.3 raw request error',
    kind: 'permission-denied',
    endpoint: 'unix:///var/run/docker.sock',
    text: '2014/10/23 09:12:44 Get http:///var/run/docker.sock/v1.15/containers/json: dial unix /var/run/docker.sock: permission denied',
  },
  {
    id: '1.4 raw x509',
    kind: 'tls-error',
    endpoint: 'tcp://192.168.59.103:2376',
    text: 'FATA[0000] Get https://192.168.59.103:2376/v1.16/containers/json: x509: certificate is valid for 127.0.0.1, 10.0.2.15, not 192.168.59.103',
  },
  // TLS handshakes that never complete, across Go versions.
  {
    id: 'TLS handshake timeout',
    kind: 'tls-error',
    endpoint: 'tcp://192.168.99.100:2376',
    text: 'error during connect: Get "https://192.168.99.100:2376/v1.40/containers/json": net/http: TLS handshake timeout',
  },
  {
    id: 'TLS alert, Go ≥ 1.8',
    kind: 'tls-error',
    endpoint: 'tcp://h:2376',
    text: 'error during connect: Get "https://h:2376/v1.47/info": remote error: tls: handshake failure',
  },
  {
    id: 'TLS client, plain daemon',
    kind: 'tls-error',
    endpoint: 'tcp://h:2375',
    text: 'error during connect: Get "https://h:2375/v1.47/info": tls: first record does not look like a TLS handshake',
  },
  // The ssh transport: what the remote side said is about the remote side.
  {
    id: 'ssh, remote socket refused the ssh user',
    kind: 'permission-denied',
    endpoint: null,
    text: 'error during connect: Get "http://docker.example.com/v1.41/info": command [ssh -l deploy -- build-01 docker system dial-stdio] has exited with exit status 1, please make sure the URL is valid, and Docker 18.09 or later is installed on the remote host: stderr=permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/_ping": dial unix /var/run/docker.sock: connect: permission denied',
  },
  { id: 'ssh URL that cannot be parsed', kind: 'context-error', endpoint: null, text: 'ssh host connection is not valid: invalid SSH URL: no host specified' },
  // The context store.
  {
    id: 'context store listing',
    kind: 'context-error',
    endpoint: null,
    text: 'failed to read metadata: parsing /home/u/.docker/contexts/meta/fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e/meta.json: unexpected end of JSON input',
  },
  {
    id: 'buildx with TLS variables',
    kind: 'context-error',
    endpoint: null,
    text: 'ERROR: could not create a builder instance with TLS data loaded from environment. Please use `docker context create <context-name>` to create a context for current environment and then create a builder instance with context set to <context-name>',
  },
  // Prefixes that stay docker's own.
  {
    id: 'CI timestamp',
    kind: 'daemon-unreachable',
    endpoint: 'unix:///var/run/docker.sock',
    text: '2024-05-01T10:00:00.1234567Z Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  },
];

describe('classify: every wording in the research, as rendered', () => {
  it.each(wordings)('$id → $kind', ({ text, kind, endpoint }) => {
    expect(classify(text)).toMatchObject({ match: true, kind, endpoint });
  });

  it('matches wordings case-insensitively', () => {
    expect(classify('CANNOT CONNECT TO THE DOCKER DAEMON at unix:///var/run/docker.sock. Is the docker daemon running?')).toMatchObject({
      match: true,
      kind: 'daemon-unreachable',
    });
  });
});

describe('classify: lookalikes from §9 of the research', () => {
  it.each([
    ['L1', 'Error response from daemon: No such container: web'],
    [
      'L1 with connection words',
      'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    ],
    [
      'L1 relaying a dind error',
      'Error response from daemon: failed to build: Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?',
    ],
    [
      'L1 registry 400 body',
      'Error response from daemon: Get "http://registry:5000/v2/": error parsing HTTP 400 response body: invalid character \'C\' looking for beginning of value: "Client sent an HTTP request to an HTTPS server.\\n"',
    ],
    [
      'L5',
      'docker: Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused: process_linux.go:297: applying cgroup configuration for process caused: read unix @->/run/systemd/private: read: connection reset by peer: unknown.',
    ],
    [
      'L7',
      "Error response from daemon: pull access denied for x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    ],
    [
      'L10 rootless',
      "docker: Error response from daemon: driver failed programming external connectivity on endpoint web: Error starting userland proxy: error while calling PortManager.AddPort(): cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen tcp4 0.0.0.0:80: bind: permission denied.",
    ],
    ['L11', 'docker: failed to register layer: Error processing tar file(exit status 1): lchown /usr/bin/x: invalid argument.'],
    ['L12', 'Error: No such image: busybox:nope'],
    [
      'L13',
      'docker: Error response from daemon: Conflict. The container name "/web" is already in use by container "3f2a". You have to remove (or rename) that container to be able to reuse that name.',
    ],
    ['L16', 'dial unix /var/run/docker.sock: connect: permission denied'],
    [
      'L17',
      'request returned Not Found for API route and version http://%2Fvar%2Frun%2Fdocker.sock/v1.52/containers/json, check if the server supports the requested API version',
    ],
    [
      'docker-py answered',
      'docker.errors.DockerException: Error while fetching server API version: 500 Server Error for http+docker://localhost/version: Internal Server Error ("server error")',
    ],
    [
      'build output',
      '#5 0.912 Err:1 http://deb.debian.org/debian bookworm InRelease\n#5 0.913   Could not connect to deb.debian.org:80 (151.101.2.132), connection timed out',
    ],
    ['kubectl', 'error: context "prod" does not exist in your kubeconfig'.replace('context "prod" does not exist', 'no context exists with the name: "prod"')],
    // Printed by a container, a log viewer or another engine, not by the docker being watched.
    ['compose service output', 'web-1  | Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'],
    [
      'compose v1 service output',
      'ci_1     | permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.45/_ping": dial unix /var/run/docker.sock: connect: permission denied',
    ],
    [
      'BuildKit RUN step output',
      '#7 [2/2] RUN docker ps\n#7 0.312 Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n#7 ERROR: process "/bin/sh -c docker ps" did not complete successfully: exit code: 1',
    ],
    [
      'BuildKit RUN step output in a CI log',
      '2024-05-01T10:00:00.1234567Z #7 0.312 failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory',
    ],
    [
      'classic builder RUN step output',
      "Step 2/2 : RUN docker ps\n ---> Running in 3f2a6b1c9d0e\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nThe command '/bin/sh -c docker ps' returned a non-zero code: 1",
    ],
    [
      'journal record',
      'Nov 29 14:00:01 build-01 gitlab-runner[812]: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    ],
    ['JSON log record', '{"level":"error","msg":"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"}'],
    [
      'SDK user logging P2',
      'time="2024-05-01T10:00:00Z" level=error msg="permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \\"http://%2Fvar%2Frun%2Fdocker.sock/v1.45/version\\": dial unix /var/run/docker.sock: connect: permission denied"',
    ],
    [
      'podman',
      'Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM',
    ],
    ['registry v1 path', 'Get https://index.docker.io/v1/repositories/library/ubuntu/images: dial tcp: lookup index.docker.io: no such host'],
  ])('%s', (_id, text) => {
    expect(classify(text)).toEqual({ match: false });
  });
});

describe('classify: precedence and order', () => {
  it('puts context errors before TLS errors and TLS before connection errors', () => {
    expect(classify('unable to resolve docker endpoint: could not read CA certificate "/x/ca.pem": open /x/ca.pem: no such file or directory')).toMatchObject({
      kind: 'context-error',
    });
    expect(
      classify('error during connect: Get "https://h:2376/v1.47/version": tls: failed to verify certificate: x509: certificate signed by unknown authority'),
    ).toMatchObject({ kind: 'tls-error' });
  });

  it('reports the first connection error docker printed', () => {
    const text = [
      'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info": dial unix /var/run/docker.sock: connect: permission denied',
      'Cannot connect to the Docker daemon at tcp://10.0.0.5:2375. Is the docker daemon running?',
    ].join('\n');
    expect(classify(text)).toMatchObject({ kind: 'permission-denied', endpoint: 'unix:///var/run/docker.sock' });
  });

  it('finds a real error after a lookalike line', () => {
    const text =
      "Error response from daemon: pull access denied for x, repository does not exist or may require 'docker login'\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";
    expect(classify(text)).toMatchObject({
      kind: 'daemon-unreachable',
      line: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
  });

  it('reads the ≤ 1.8 TLS hint by the dial error above it', () => {
    expect(
      classify('Get http://h:2376/v1.20/info: malformed HTTP response "\\x15".\n* Are you trying to connect to a TLS-enabled daemon without TLS?'),
    ).toMatchObject({ kind: 'tls-error' });
    expect(classify('* Are you trying to connect to a TLS-enabled daemon without TLS?')).toMatchObject({ kind: 'tls-error', endpoint: null });
  });
});

describe('extractEndpoint', () => {
  it.each([
    ['D1', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 'unix:///var/run/docker.sock'],
    [
      'D1 dotted directories',
      'Cannot connect to the Docker daemon at unix:///Users/me/.colima/default/docker.sock. Is the docker daemon running?',
      'unix:///Users/me/.colima/default/docker.sock',
    ],
    [
      'D1 with the space after "at" lost',
      'Cannot connect to the Docker daemon atunix:///var/run/docker.sock. Is the docker daemon running?',
      'unix:///var/run/docker.sock',
    ],
    ['D1 ssh placeholder', 'Cannot connect to the Docker daemon at http://docker.example.com. Is the docker daemon running?', null],
    [
      'P1 tcp stops at ": " not at ":"',
      'Got permission denied while trying to connect to the Docker daemon socket at tcp://10.0.0.5:2376: Get "https://10.0.0.5:2376/v1.40/info": x',
      'tcp://10.0.0.5:2376',
    ],
    [
      'P3 at the end of a sentence',
      'permission denied while trying to connect to the docker API at unix:///run/user/1000/docker.sock.',
      'unix:///run/user/1000/docker.sock',
    ],
    [
      'F1 stops at ";"',
      'failed to connect to the docker API at npipe:////./pipe/docker_engine; check if the path is correct',
      'npipe:////./pipe/docker_engine',
    ],
    ['request URL, unix', 'error during connect: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.51/containers/json": EOF', 'unix:///var/run/docker.sock'],
    [
      'request URL, npipe',
      'error during connect: Head "http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/_ping": open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified.',
      'npipe:////./pipe/dockerDesktopLinuxEngine',
    ],
    ['request URL, https', 'error during connect: Get "https://10.0.0.5:2376/v1.47/info": EOF', 'tcp://10.0.0.5:2376'],
    ['request URL, old ssh placeholder', 'error during connect: Get http://docker/v1.40/version: command [ssh host docker system dial-stdio] has exited', null],
    ['request URL, malformed escape', 'error during connect: Get "http://%2Fvar%2Frun%2F%E0%A4%A/v1.40/version": EOF', null],
    [
      'hijack dial unix',
      "cannot connect to the Docker daemon. Is 'docker daemon' running on this host?: dial unix /run/user/1000/docker.sock: connect: connection refused",
      'unix:///run/user/1000/docker.sock',
    ],
    ['dial tcp ipv6', 'dial tcp [::1]:2375: connect: connection refused', 'tcp://[::1]:2375'],
    ['open pipe', 'open //./pipe/docker_engine: The system cannot find the file specified.', 'npipe:////./pipe/docker_engine'],
    ['compose v1 placeholder', "Couldn't connect to Docker daemon at http+docker://localnpipe - is it running?", null],
    ['compose v1 tcp', "Couldn't connect to Docker daemon at https://10.0.0.5:2376 - is it running?", 'tcp://10.0.0.5:2376'],
    ['compose v1 docker-py 1.x', "Couldn't connect to Docker daemon at http+unix://var/run/docker.sock - is it running?", 'unix:///var/run/docker.sock'],
    ['nothing named', 'Cannot connect to the Docker daemon. Is the docker daemon running on this host?', null],
    ['dial tcp without an address', 'dial tcp: lookup docker on 10.10.10.12:53: no such host', null],
  ])('%s', (_id, line, endpoint) => {
    expect(extractEndpoint(line)).toBe(endpoint);
  });
});

describe('classify: ANSI escapes and line ends', () => {
  it('strips colour, erase-line and OSC sequences', () => {
    const text =
      '\u001b]0;docker\u0007\u001b[2K\u001b[1G\u001b[31;1mERROR\u001b[0m: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
    expect(classify(text)).toMatchObject({
      match: true,
      line: 'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
  });

  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['CR (progress overwritten in place)', '\r'],
  ])('treats %s as a line end', (_name, end) => {
    const text = [
      '#3 [internal] load build definition from Dockerfile',
      '#3 transferring dockerfile: 2B done',
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      '',
    ].join(end);
    expect(classify(text)).toMatchObject({
      kind: 'daemon-unreachable',
      line: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
  });
});

/** A hard wrap the way a terminal draws a long line: rows of exactly `width` characters, nothing lost. */
function hardWrap(text: string, width: number, trimRows = false): string {
  return text
    .split('\n')
    .map((line) => {
      const rows: string[] = [];
      for (let start = 0; start < line.length; start += width) rows.push(line.slice(start, start + width));
      return (trimRows ? rows.map((row, index) => (index < rows.length - 1 ? row.trimEnd() : row)) : rows).join('\n');
    })
    .join('\n');
}

describe('classify: lines wrapped by a terminal', () => {
  const singleLineWordings = wordings.filter(({ text, id }) => !text.includes('\n') && !id.startsWith('T2'));

  it.each(singleLineWordings)('$id keeps its kind and endpoint when wrapped at any width from 60 to 140', ({ text, kind, endpoint }) => {
    for (let width = 60; width <= 140; width++) {
      expect(classify(hardWrap(text, width)), `width ${width}`).toMatchObject({ match: true, kind, endpoint });
    }
  });

  it.each(singleLineWordings)('$id survives a copy that trimmed the trailing spaces of wrapped rows', ({ text, kind, endpoint }) => {
    for (let width = 60; width <= 140; width += 7) {
      expect(classify(hardWrap(text, width, true)), `width ${width}`).toMatchObject({ match: true, kind, endpoint });
    }
  });

  it.each(detectable.filter(({ name }) => !name.includes('wrapped')))(
    '$name keeps its kind and endpoint when the whole transcript is wrapped at 80 and 120 columns',
    ({ text, kind, endpoint }) => {
      for (const width of [80, 120]) {
        expect(classify(hardWrap(stripAnsi(text).replace(/\r\n?/g, '\n'), width)), `width ${width}`).toMatchObject({ match: true, kind, endpoint });
      }
    },
  );

  it('does not join a message with the docker hint that follows it', () => {
    const text = "docker: permission denied while trying to connect to the docker API at unix:///var/run/docker.sock\nSee 'docker run --help'.";
    expect(classify(text)).toMatchObject({
      endpoint: 'unix:///var/run/docker.sock',
      line: 'docker: permission denied while trying to connect to the docker API at unix:///var/run/docker.sock',
    });
  });

  it('does not join a message with a shell prompt or a log line that follows it', () => {
    for (const next of ['user@host:~$ ls', '2026-01-02T03:04:05Z starting', 'Warning: Docker build failed', '#7 [2/4] RUN make']) {
      const text = `permission denied while trying to connect to the docker API at unix:///var/run/docker.sock\n${next}`;
      expect(classify(text), next).toMatchObject({ endpoint: 'unix:///var/run/docker.sock' });
    }
  });

  it('stops a wrapped message at its first row narrower than the first', () => {
    const text =
      "ERRO[0000] failed to dial gRPC: cannot connect to the Docker daemon. Is 'docker daemon' running on this host?: d\nial unix /var/run/docker.sock: connect: permission denied\ncontext canceled";
    expect(classify(text)).toMatchObject({
      line: "ERRO[0000] failed to dial gRPC: cannot connect to the Docker daemon. Is 'docker daemon' running on this host?: dial unix /var/run/docker.sock: connect: permission denied",
    });
  });

  it('does not join short lines, sentences, or blank-line separated text', () => {
    expect(classify('Cannot connect to the\nDocker daemon at unix:///var/run/docker.sock. Is the docker daemon running?')).toEqual({ match: false });
    expect(
      classify(
        "Couldn't connect to Docker daemon at http://127.0.0.1:2375 - is it running?\n\nIf it's at a non-standard location, specify the URL with the DOCKER_HOST environment variable.",
      ),
    ).toMatchObject({
      line: "Couldn't connect to Docker daemon at http://127.0.0.1:2375 - is it running?",
    });
  });
});
