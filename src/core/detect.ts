// The detector: does text that docker printed on stderr say that it could not reach its daemon,
// and if so which kind of failure and which endpoint? Pure: no I/O, only strings in and data out.
//
// Wordings, sources and the lookalikes that must not match are collected in
// docs/research/error-messages.md; the section numbers below (§2.1 …) point there.
//
// How text becomes a verdict:
//   bytes ──split at CR/LF, prefiltered──▶ rows ──UTF-8, ANSI stripped──▶ logical lines ──rules──▶ Detection
// A logical line is a row plus the rows a terminal wrapped it onto (see `mayContinue`). The first
// logical line that matches a rule wins: the first connection error docker printed.

import stripAnsi from 'strip-ansi';
import type { Detection, ErrorKind } from './types.js';

const NO_MATCH: Detection = { match: false };

// ---------------------------------------------------------------------------------------------
// Prefilter

// Every rule below contains at least one of these fragments, so a logical line without any of
// them is never handed to the rules. They are cut so that the letter whose case changed between
// docker generations is left out ("Cannot"/"cannot", "Docker daemon"/"docker API", §2), which lets
// the scan be case-sensitive: a case-insensitive alternation of the same fragments runs at about half
// the speed on a BuildKit log, and the prefilter is what sets the throughput.
//
// They are specific on purpose: a bare "connect" is also in "Cannot connect to the database" and
// "connect ECONNREFUSED", lines a build log can hold by the thousand, and every hit costs a look at
// its lines. How a fragment starts matters too: V8's regex engine skips ahead by the length of the
// shortest alternative and checks the first characters, so a three-letter "WSL" cost a fifth of the
// speed and "--host" (a dash starts every apt option) more than half; each fragment here starts inside
// a word for that reason.
//
// Most wordings carry two fragments far apart ("docker daemon" twice in D1–D3; "docker API" or
// "docker daemon" and "trying to connect" in P1–P3; "context" and "conflicting"), so a terminal wrap
// that cuts one in two leaves the other whole. Only rows are tested, never rows rejoined: a fragment
// that exists only across a wrap is not seen, and that keeps the fast path below exact.

/** Fragments of the wordings that can appear at any point of a run: a daemon can die mid-build. */
const CONNECTION_NEEDLES = ['ocker daemon', 'ocker API', 'uring connect', 'rying to connect', 'rom daemon: ', 'API route'];

/**
 * Fragments of the wordings printed while the client is being built (contexts, TLS material, the WSL
 * helper, docker-py, the 1.x clients' first request): they come before any other output, so they are only looked for
 * near the start of a stream, which keeps the scan of a long build log to the six fragments above.
 */
const CLIENT_SETUP_NEEDLES = [
  "ouldn't connect",
  'etching server',
  'ndpoint',
  'ontext',
  'onflicting',
  'ile system, pl',
  'tlsverify',
  'ertification sett',
  'CA certificate',
  'X509 key',
  'SSL error',
  'TLS configuration',
  'TLS data',
  'in this WSL',
  // The 1.x clients' raw request errors (`Get http:///var/run/docker.sock/v1.16/…: <cause>`), the context store's
  // read errors, and the ssh transport's URL checks.
  '/v1.',
  'ead metadata',
  'ost connection is not',
  'nvalid SSH URL',
];

/** How far into a stream the client-setup wordings are looked for (a MiB of output is far past client setup). */
const CLIENT_SETUP_BYTES = 1024 * 1024;

function alternation(fragments: readonly string[]): RegExp {
  return new RegExp(fragments.map((fragment) => fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

const NEEDLES_ANYWHERE = alternation(CONNECTION_NEEDLES);
const NEEDLES_NEAR_START = alternation([...CONNECTION_NEEDLES, ...CLIENT_SETUP_NEEDLES]);

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * A phrase as a regex source in which every space also matches no space at all:
 * when a terminal wraps a line at a word boundary, copying the screen often drops the trailing
 * space of the wrapped row, and the rejoined text then reads "…to theDocker daemon…".
 */
function phrase(words: string): string {
  return words.split(' ').join('\\s*');
}

function rx(source: string): RegExp {
  return new RegExp(source, 'i');
}

interface Rule {
  /** Research id(s) of the wording, for tests and for people reading a verdict. */
  readonly id: string;
  readonly kind: ErrorKind;
  readonly pattern: RegExp;
  /** The message never names the client's endpoint (or names one that is not the client's). */
  readonly noEndpoint?: boolean;
}

// Checked before everything else: `Error response from daemon: %w` means the daemon (or a proxy
// in front of it) answered (moby client/request.go checkResponseErr), so it is a lookalike (§9 L1)
// unless it is one of the §7 proxy answers that do mean "no daemon behind me".
const DAEMON_ANSWERED = rx(phrase('error response from daemon:'));
const DAEMON_ANSWER_EXCEPTIONS: readonly Rule[] = [
  // T2: Go's TLS server answers plain HTTP with a 400 and this body (siderolabs/talos#6706, docker/compose#9790).
  {
    id: 'T2',
    kind: 'tls-error',
    noEndpoint: true,
    pattern: rx(`${phrase('error response from daemon:')}\\s*${phrase('client sent an http request to an https server')}`),
  },
  // Docker Desktop for Mac's proxy with its VM down (docker/for-mac#4768, #5062; 1.12 betas: for-mac#39). The
  // socket named is Desktop's internal one, not the client's endpoint.
  {
    id: 'desktop-mac-proxy',
    kind: 'daemon-unreachable',
    noEndpoint: true,
    pattern: rx(`${phrase('error response from daemon:')}\\s*dial\\s*unix\\s*\\S*(?:docker\\.raw\\.sock|com\\.docker\\.docker)`),
  },
  // Docker Desktop for Windows' proxy with its backend down (docker/for-win#7186, #7243).
  {
    id: 'desktop-windows-proxy',
    kind: 'daemon-unreachable',
    noEndpoint: true,
    pattern: rx(`${phrase('error response from daemon:')}\\s*open\\s*\\\\\\\\\\.\\\\pipe\\\\`),
  },
];

// Context errors happen while the CLI builds its client, before any connection; their text can
// wrap "no such file or directory", so they are tested first (§4, §10).
const CONTEXT_RULES: readonly Rule[] = [
  // docker/cli cli/command/cli.go: `unable to resolve docker endpoint: %w` (printed as `Failed to initialize: …` ≥ v23).
  { id: 'C-resolve', kind: 'context-error', noEndpoint: true, pattern: rx(phrase('unable to resolve docker endpoint')) },
  // docker/cli cli/command/cli.go resolveContextName, 19.03–20.10.
  {
    id: 'C-current',
    kind: 'context-error',
    noEndpoint: true,
    pattern: rx(`${phrase('current context')}\\s*"[^"]*"\\s*${phrase('is not found on the file system')}`),
  },
  // docker/cli cli/context/store: contextDoesNotExistError, metadatastore.go get/getByID and the meta.json parse error.
  {
    id: 'C-missing',
    kind: 'context-error',
    noEndpoint: true,
    pattern: rx(`context\\s*"[^"]*"(?:\\s*${phrase('does not exist')}|:\\s*${phrase('context not found')}|:\\s*parsing\\s*\\S*meta\\.json)`),
  },
  // docker/buildx store/storeutil GetCurrentEndpoint: `docker endpoint for %q not found` (a broken context store).
  { id: 'C-buildx', kind: 'context-error', noEndpoint: true, pattern: rx(`${phrase('docker endpoint for')}\\s*"[^"]*"\\s*${phrase('not found')}`) },
  // docker/cli cli/command/cli.go (≥ v23) and its ≤ 20.10 wording.
  {
    id: 'C-conflict',
    kind: 'context-error',
    noEndpoint: true,
    pattern: rx(
      `${phrase('conflicting options:')}\\s*(?:${phrase('cannot specify both --host and --context')}|${phrase('either specify --host or --context, not both')})`,
    ),
  },
  // docker/cli cli/context/docker/load.go and cli/context/store/tlsstore.go: the context's endpoint or TLS material is
  // broken; docker/buildx builder/builder.go: TLS variables set where buildx wants a context.
  {
    id: 'C-broken',
    kind: 'context-error',
    noEndpoint: true,
    pattern: rx(
      `${phrase('cannot find docker endpoint in context')}|${phrase('failed to retrieve context tls info')}|${phrase('tls data for')}\\s*\\S+\\s*${phrase('does not exist')}|${phrase('could not create a builder instance with tls data loaded from environment')}`,
    ),
  },
  // docker/cli cli/context/store/metadatastore.go: the store could not read a context's meta.json — `failed to read
  // metadata: %w` while listing, or the bare `open …/contexts/meta/<sha256>/meta.json: …` of ≤ v23 (moby/moby#44926).
  {
    id: 'C-store',
    kind: 'context-error',
    noEndpoint: true,
    pattern: rx(`(?:^|:\\s)${phrase('failed to read metadata:')}|(?:open|parsing)\\s+\\S*contexts[/\\\\]meta[/\\\\][0-9a-f]{64}[/\\\\]meta\\.json`),
  },
  // docker/cli cli/connhelper/connhelper.go and ssh/ssh.go: an ssh:// endpoint that cannot even be parsed.
  { id: 'C-ssh-url', kind: 'context-error', noEndpoint: true, pattern: rx(`${phrase('ssh host connection is not valid:')}|${phrase('invalid ssh url:')}`) },
];

const CONNECT_WRAPPER = `(?:${phrase('error during connect:')}|${phrase('an error occurred trying to connect:')})`;

// What Go's net/http and crypto/tls say when the TLS layer itself failed, across Go versions: certificate checks
// (x509), alerts from the daemon (`remote error: tls: bad certificate`; before Go 1.8 without "tls:", as in
// `remote error: handshake failure`), a handshake that never finished (`net/http: TLS handshake timeout`), and a TLS
// client talking to a plain server (`tls: first record does not look like a TLS handshake`, `tls: oversized record`,
// `server gave HTTP response to HTTPS client`).
const TLS_FAILURE = `(?:${phrase('server gave http response to https client')}|x509:|\\btls:|${phrase('remote error:')}|${phrase('handshake failure')}|${phrase('tls handshake timeout')}|certificate signed by unknown authority|certificate is valid for|certificate has expired)`;

// TLS failures also arrive inside `error during connect:` (T4, T5), so they come before the
// connection rules (§10).
const TLS_RULES: readonly Rule[] = [
  // T3: moby client/request.go (lower-cased in v23 by 10c56efa97).
  { id: 'T3', kind: 'tls-error', pattern: rx(phrase('the server probably has client authentication (--tlsverify) enabled').replace(/[()]/g, '\\$&')) },
  // T4, T5: E1 around Go's net/http and crypto/tls texts; "An error occurred trying to connect:" is the
  // ≤ 1.12 form of the same wrapper (docker.machine#122).
  { id: 'T4-T5', kind: 'tls-error', pattern: rx(`${CONNECT_WRAPPER}.*${TLS_FAILURE}`) },
  // T6: docker/go-connections tlsconfig/config.go, vendored in docker/cli (the ≤ 1.x CLI capitalised "Could").
  {
    id: 'T6',
    kind: 'tls-error',
    pattern: rx(`${phrase('could not read ca certificate')}|${phrase('could not load x509 key pair')}|${phrase('error reading x509 key pair')}`),
  },
  // compose v1 compose/cli/errors.py (`SSL error: %s`) and compose/cli/docker_client.py (TLSParameterError).
  { id: 'compose1-tls', kind: 'tls-error', pattern: rx(`(?:^|\\s)${phrase('ssl error:')}|${phrase('tls configuration is invalid')}`) },
  // docker-py _retrieve_server_version around a requests SSLError (compose ≥ 1.27, §5).
  { id: 'dockerpy-tls', kind: 'tls-error', pattern: rx(`${phrase('error while fetching server api version:')}.*\\bSSL`) },
];

const PERMISSION_RULES: readonly Rule[] = [
  // P1 (`Got permission denied … Docker daemon socket at %v: <cause>`, v1.13–v20.10), P2 (lower-case, v23–v28),
  // P3 (`permission denied while trying to connect to the docker API at %v`, v29+): moby client/request.go.
  {
    id: 'P1-P3',
    kind: 'permission-denied',
    pattern: rx(`${phrase('permission denied while trying to connect to the docker')}\\s*(?:${phrase('daemon socket')}|api)\\s*at`),
  },
  // docker-py _retrieve_server_version: ('Connection aborted.', PermissionError(13, 'Permission denied')) (§5).
  {
    id: 'dockerpy-eacces',
    kind: 'permission-denied',
    pattern: rx(`${phrase('error while fetching server api version:')}.*(?:PermissionError|error\\(13,|\\[Errno 13\\]|${phrase('permission denied')})`),
  },
];

const UNREACHABLE_RULES: readonly Rule[] = [
  // D1 `Cannot connect to the Docker daemon at %s. Is the docker daemon running?`, D2 (no host; ≤ 1.12 also
  // "Is 'docker -d' running on this host?"), D3 the hijack form `cannot connect to the Docker daemon. Is
  // 'docker daemon' running on this host?: %w`: moby client/errors.go and client/hijack.go.
  { id: 'D1-D3', kind: 'daemon-unreachable', pattern: rx(phrase('cannot connect to the docker daemon')) },
  // F1 (`…; check if the path is correct and if the daemon is running: %w`), F2 (`… at %v: %w`): moby client/request.go, v29+.
  { id: 'F1-F2', kind: 'daemon-unreachable', pattern: rx(phrase('failed to connect to the docker api at')) },
  // W2 (`this error may indicate that the docker daemon is not running`, and the ≤ 19.03
  // "This error may also indicate …"): only ever inside E1 on Windows.
  { id: 'W2', kind: 'daemon-unreachable', pattern: rx(phrase('indicate that the docker daemon is not running')) },
  // E1 `error during connect: %w`: the client's transport failed to reach the daemon (DNS, routes, ssh helper,
  // a daemon that died mid-request). Only TLS failures share the wrapper and they were tested above.
  { id: 'E1', kind: 'daemon-unreachable', pattern: rx(CONNECT_WRAPPER) },
  // compose v1 compose/cli/errors.py conn_error_* (`Couldn't connect to Docker daemon at {url} - is it running?` and kin).
  { id: 'compose1', kind: 'daemon-unreachable', pattern: rx(phrase("couldn't connect to docker daemon")) },
  // docker-py _retrieve_server_version with the socket missing or refusing (compose ≥ 1.27 crashes with this, §5).
  {
    id: 'dockerpy-conn',
    kind: 'daemon-unreachable',
    pattern: rx(
      `${phrase('error while fetching server api version:')}.*(?:${phrase('connection aborted')}|${phrase('connection refused')}|FileNotFoundError|ConnectionRefusedError|${phrase('no such file')}|error\\((?:2|111),|${phrase('max retries exceeded')})`,
    ),
  },
  // moby client/request.go checkResponseErr, empty body: `request returned %s for API route and version %s, …`
  // (≥ v28 with the status number). Only a proxy answers a 5xx with an empty body — Rancher Desktop with its VM
  // down (rancher-desktop#1156), Docker Desktop stuck starting its engine (docker/for-win#13909, #13834). A 4xx
  // is the daemon refusing the route (§9 L17).
  {
    id: 'proxy-5xx',
    kind: 'daemon-unreachable',
    pattern: rx(
      `${phrase('request returned')}\\s*(?:5\\d\\d\\s*)?(?:${phrase('internal server error')}|${phrase('bad gateway')}|${phrase('service unavailable')}|${phrase('gateway timeout')})\\s*${phrase('for api route and version')}`,
    ),
  },
  // Docker Desktop's helper left in a WSL distro while Desktop or its integration is off (docker/for-win#13088).
  {
    id: 'wsl',
    kind: 'daemon-unreachable',
    noEndpoint: true,
    pattern: rx(`the\\s*command\\s*'docker(?:-compose)?'\\s*${phrase('could not be found in this wsl')}\\s*[12]\\s*distro`),
  },
  // D0, the ≤ 1.8 client's hint (ONLYOFFICE/Docker-CommunityServer#3).
  { id: 'D0', kind: 'daemon-unreachable', pattern: rx(phrase('is your docker daemon up and running')) },
];

// The 1.x clients printed Go's request error itself, `Get http:///var/run/docker.sock/v1.16/containers/json: dial
// unix /var/run/docker.sock: permission denied`, and a client without TLS appended a hint to every failure but a
// refusal: `%v. Are you trying to connect to a TLS-enabled daemon without TLS?` (1.4–1.7), `%v.\n* Are you trying …?\n*
// Is your docker daemon up and running?` (1.8) (api/client/utils.go clientRequest of those releases). Since 1.13 the
// hint (T1, moby client/request.go) is only added to a "malformed HTTP response". The hint names TLS whatever went
// wrong, so the kind is read from the cause; only a hint with no cause anywhere near it is taken at its word.
const TLS_HINT = rx(phrase('are you trying to connect to a tls-enabled daemon without tls'));
// A request to the engine API (`/v1.24/…`: the registry's paths are `/v1/` and `/v2/`), failed, and the cause after it.
const ENGINE_REQUEST_FAILED = /\b(?:get|post|head|put|delete)\s+"?https?:\/\/\S*?\/v1\.\d+\/\S*?"?:\s+(.*)$/i;
const CAUSE_TLS = rx(`${phrase('malformed http response')}|${TLS_FAILURE}`);
const CAUSE_UNREACHABLE =
  /dial\s*(?:unix|tcp)|no\s*such\s*file|connection\s*(?:refused|reset)|i\/o\s*timeout|no\s*route\s*to\s*host|network\s*is\s*unreachable|no\s*such\s*host|\bEOF\b|open\s*\/\/\.\/pipe\//i;

// The cause at the end of a connection error says when it was really the socket refusing this user:
// EACCES on connect(2) (the hijack form D3 never turns it into P1–P3, moby client/hijack.go; the 1.x clients
// printed it without "connect:"), or a named pipe refusing access on Windows. W1 ("must be run with elevated
// privileges") cannot decide it: the branch choosing W1 or W2 was inverted from v20.10 to v26 (moby
// 1a5dafb31e, fixed in e6f41e22a7).
const SOCKET_REFUSED_USER = /dial\s*unix\s*\S+:\s*(?:connect:\s*)?permission\s*denied|open\s*\/\/\.\/pipe\/\S+:\s*access\s*is\s*denied/i;

/** The kind a Go request error's cause stands for, or null when it names none of them. */
function kindOfCause(cause: string): ErrorKind | null {
  if (CAUSE_TLS.test(cause)) return 'tls-error';
  if (SOCKET_REFUSED_USER.test(cause)) return 'permission-denied';
  if (CAUSE_UNREACHABLE.test(cause)) return 'daemon-unreachable';
  return null;
}

// The ssh transport (docker/cli cli/connhelper/commandconn/commandconn.go: `command %v has exited with %v, [please ]make
// sure the URL is valid, and Docker 18.09 or later is installed on the remote host: stderr=%s`). What follows
// `stderr=` is the remote side's: a P1–P3 there is the remote socket refusing the ssh user, and the socket it names is
// not this client's endpoint.
const SSH_HELPER_FAILED = rx(`command\\s*\\[ssh\\b[^\\]]*\\]\\s*${phrase('has exited with')}`);
const REMOTE_SOCKET_REFUSED = rx(`stderr=.*${phrase('permission denied while trying to connect to the docker')}`);

// Text that another program printed, recognisable by how its lines begin: a container's output as compose shows it
// (`web-1  | …`), a BuildKit RUN step's output (`#5 0.345 …`), a journal or syslog record (`Apr 12 13:12:44 host
// unit[pid]: …`), a JSON log record. docker begins none of its own lines like that. CI runners put a timestamp in
// front of every line they capture, so one is stepped over first.
const CI_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?\s+/;
const FOREIGN_LINE = new RegExp(
  [
    '^[A-Za-z0-9][\\w.-]*\\s*\\|\\s', // compose: a service's output
    '^#\\d+\\s+\\d+(?:\\.\\d+)?\\s', // BuildKit plain progress: a step's output with its elapsed seconds
    '^[A-Z][a-z]{2}\\s+\\d{1,2}\\s+\\d\\d:\\d\\d:\\d\\d\\s+\\S+\\s+[^\\s:]+:\\s', // journal, syslog
    '^\\{"', // a JSON log record
  ].join('|'),
);
// The classic builder runs a step's command after ` ---> Running in <container id>`: what comes next is its output.
const RUN_STEP_STARTED = /^\s*--->\s*Running\s+in\s+[0-9a-f]{12}\b/;
// A Go program's log record holding a wording that only the client library has printed since 1.13 (D1 with its host,
// P1–P3, F1–F2). docker itself logs nothing through logrus since 1.13 but the BuildKit session dial (D3, "failed to
// dial gRPC"), so the record comes from a program using the library, typically a container given the socket
// (watchtower, traefik). The 1.x clients did log every error through logrus, with their own wordings (D2, raw
// request errors), and those still count.
const LOGRUS_RECORD = /(?:^|\s)(?:time="[^"]*"\s+level="?\w+"?\s+msg=|(?:ERRO|FATA|WARN|INFO|DEBU|PANI)\[\d+\]\s)/;
const LIBRARY_ERA_WORDING = rx(
  `${phrase('cannot connect to the docker daemon at')}|${phrase('permission denied while trying to connect to the docker')}|${phrase('failed to connect to the docker api at')}`,
);

/** The line was printed by something other than the docker client being watched. */
function printedByAnother(text: string, previous: string): boolean {
  const line = text.replace(CI_TIMESTAMP, '');
  if (FOREIGN_LINE.test(line)) return true;
  if (RUN_STEP_STARTED.test(previous.replace(CI_TIMESTAMP, ''))) return true;
  return LOGRUS_RECORD.test(line) && LIBRARY_ERA_WORDING.test(line);
}

// ---------------------------------------------------------------------------------------------
// Endpoint extraction (§3)

/** Hosts the CLI puts in request URLs for ssh:// endpoints (docker/cli connhelper; `docker` before v20.10). */
function isSshPlaceholderHost(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'docker.example.com' || lower === 'docker';
}

/** The endpoint a request URL's host stands for: the socket path is URL-escaped into the host (moby buildRequest). */
function endpointFromRequestHost(rawHost: string): string | null {
  if (rawHost === '') return null;
  if (/^%2f/i.test(rawHost)) {
    let path: string;
    try {
      path = decodeURIComponent(rawHost);
    } catch {
      return null;
    }
    return path.startsWith('//./pipe/') ? `npipe://${path}` : `unix://${path}`;
  }
  if (isSshPlaceholderHost(rawHost)) return null;
  return `tcp://${rawHost}`;
}

/** compose v1 names docker-py's base_url (§5): a placeholder for sockets, the real URL for tcp. */
function endpointFromDockerPyUrl(url: string): string | null {
  const lower = url.toLowerCase();
  if (lower.startsWith('http+docker://')) return null;
  if (lower.startsWith('http+unix://')) return `unix:///${url.slice('http+unix://'.length).replace(/^\/+/, '')}`;
  const tcp = /^https?:\/\/([^/\s]+)/i.exec(url);
  return tcp?.[1] !== undefined ? `tcp://${tcp[1]}` : null;
}

function trimUrlTail(url: string): string {
  return url.replace(/[.,;:'")\]]+$/, '');
}

function acceptNamedUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  const trimmed = trimUrlTail(url);
  if (trimmed === '') return null;
  const host = /^https?:\/\/([^/]+)/i.exec(trimmed)?.[1];
  if (host !== undefined && isSshPlaceholderHost(host)) return null;
  return trimmed;
}

const NAMED_BY_D1 = rx(`${phrase('cannot connect to the docker daemon at')}\\s*(\\S+?)(?=\\.\\s*is\\s|\\.?(?:\\s|$))`);
const NAMED_BY_P1_P2 = rx(`${phrase('docker daemon socket at')}\\s*(\\S+?)(?=:\\s|:?$)`);
const NAMED_BY_P3_F = rx(`${phrase('docker api at')}\\s*([^;\\s]+?)(?=;|:\\s|:?\\s*$|\\s)`);
const NAMED_BY_COMPOSE1 = rx(`${phrase("couldn't connect to docker daemon at")}\\s*(\\S+)`);
const REQUEST_URL = /(?:\b(?:GET|POST|HEAD|PUT|DELETE|PATCH)\s+"?|for\s*api\s*route\s*and\s*version\s*)https?:\/\/([^/"\s,]*)/i;
const DIALED_SOCKET = /dial\s*unix\s*(\/[^\s:]+)/i;
const OPENED_PIPE = /open\s*(\/\/\.\/pipe\/[^\s:]+)/i;
const DIALED_ADDRESS = /dial\s*tcp\s*(\[[0-9a-f:.%]+\]:\d+|[\w.-]+:\d+)/i;
const SSH_URL = /\bssh:\/\/[^\s"'),:/]+(?::\d+)?(?:\/[^\s"'),:]*)?/i;

type EndpointSource = (line: string) => string | null;

// In order of trust: the host the message names, then the request URL, then the dial inside the cause.
const ENDPOINT_SOURCES: readonly EndpointSource[] = [
  // D1: between "at " and ". Is the docker daemon running"; unix paths contain dots (docker.sock, .colima).
  (line) => acceptNamedUrl(NAMED_BY_D1.exec(line)?.[1]),
  // P1/P2: after "socket at ", up to ": " — tcp hosts contain ":port", so never stop at a bare ":".
  (line) => acceptNamedUrl(NAMED_BY_P1_P2.exec(line)?.[1]),
  // P3 (to the end), F1 (up to ";"), F2 (up to ": ").
  (line) => acceptNamedUrl(NAMED_BY_P3_F.exec(line)?.[1]),
  // compose v1: `Couldn't connect to Docker daemon at {url} - is it running?`.
  (line) => {
    const url = NAMED_BY_COMPOSE1.exec(line)?.[1];
    return url === undefined ? null : endpointFromDockerPyUrl(url);
  },
  // Request URL: `Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.51/…"` (Go < 1.14 unquoted), or the URL in
  // `request returned … for API route and version http://…`.
  (line) => {
    const host = REQUEST_URL.exec(line)?.[1];
    return host === undefined ? null : endpointFromRequestHost(host);
  },
  // The dial inside the cause, all generations: `dial unix /var/run/docker.sock: …`, `open //./pipe/docker_engine: …`,
  // `dial tcp 10.0.0.5:2376: …`.
  (line) => {
    const socket = DIALED_SOCKET.exec(line)?.[1];
    return socket === undefined ? null : `unix://${socket}`;
  },
  (line) => {
    const pipe = OPENED_PIPE.exec(line)?.[1];
    return pipe === undefined ? null : `npipe://${pipe}`;
  },
  (line) => {
    const address = DIALED_ADDRESS.exec(line)?.[1];
    return address === undefined ? null : `tcp://${address}`;
  },
  // An ssh:// URL the message happens to name, since its request URL only shows the placeholder host.
  (line) => acceptNamedUrl(SSH_URL.exec(line)?.[0]),
];

/**
 * The endpoint URL named in one message line: `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`,
 * `npipe:////./pipe/docker_engine`, or the socket decoded from a request URL; null when the line names
 * none, or only the ssh placeholder host `http://docker.example.com`.
 */
export function extractEndpoint(line: string): string | null {
  for (const source of ENDPOINT_SOURCES) {
    const endpoint = source(line);
    if (endpoint !== null) return endpoint;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Classifying one logical line

function firstMatching(rules: readonly Rule[], text: string): Rule | undefined {
  return rules.find((rule) => rule.pattern.test(text));
}

function verdict(rule: Rule, text: string, endpoint: string | null): Detection {
  let kind = rule.kind;
  if (kind === 'daemon-unreachable' && SOCKET_REFUSED_USER.test(text)) kind = 'permission-denied';
  return { match: true, kind, endpoint: rule.noEndpoint === true ? null : endpoint, line: text };
}

/**
 * The verdict on one logical line (ANSI already stripped). `previous` is the logical line before
 * it: T1 and D0 are hints printed on a line of their own after the failed request.
 */
function classifyLogicalLine(text: string, previous: string): Detection {
  if (DAEMON_ANSWERED.test(text)) {
    const exception = firstMatching(DAEMON_ANSWER_EXCEPTIONS, text);
    return exception === undefined ? NO_MATCH : verdict(exception, text, null);
  }
  if (printedByAnother(text, previous)) return NO_MATCH;
  const contextRule = firstMatching(CONTEXT_RULES, text);
  if (contextRule !== undefined) return verdict(contextRule, text, null);
  if (SSH_HELPER_FAILED.test(text)) {
    const kind: ErrorKind = REMOTE_SOCKET_REFUSED.test(text) ? 'permission-denied' : 'daemon-unreachable';
    return { match: true, kind, endpoint: acceptNamedUrl(SSH_URL.exec(text)?.[0]), line: text };
  }
  const rule = firstMatching(TLS_RULES, text) ?? firstMatching(PERMISSION_RULES, text) ?? firstMatching(UNREACHABLE_RULES, text);
  if (rule !== undefined) {
    const endpoint = extractEndpoint(text) ?? (rule.id === 'D0' ? extractEndpoint(previous) : null);
    return verdict(rule, text, endpoint);
  }
  // A 1.x client's raw request error, with or without the hint after it.
  const cause = ENGINE_REQUEST_FAILED.exec(text)?.[1];
  const causeKind = cause === undefined ? null : kindOfCause(cause);
  if (causeKind !== null) return { match: true, kind: causeKind, endpoint: extractEndpoint(text), line: text };
  // The hint on a line of its own: the request error above it is its cause.
  if (TLS_HINT.test(text)) {
    const endpoint = extractEndpoint(text) ?? extractEndpoint(previous);
    const kind = kindOfCause(text) ?? kindOfCause(previous) ?? 'tls-error';
    return { match: true, kind, endpoint, line: text };
  }
  return NO_MATCH;
}

// ---------------------------------------------------------------------------------------------
// Physical lines into logical lines: undoing a terminal's wrapping
//
// Text pasted from a terminal (into an issue, or into `dockhook classify`) may carry a newline
// wherever the terminal wrapped a long line. A hard wrap keeps every character, so a wrapped line is
// rebuilt by plain concatenation; the rules tolerate a missing space for the copies that trim it.
// Joining two lines that were really separate is the risk, so a line continues the one before only when
//   - the one before is long enough to have been wrapped (terminals are at least this wide),
//   - it does not end a sentence (docker's messages end in "?", "." or nothing), unless the break plainly
//     fell inside a path or a version, or at a word boundary (CONTINUES_TOKEN, WRAPPED_AT_SPACE),
//   - this line does not look like the start of a message of its own (a log prefix, a prompt, a label,
//     or one of the wordings above), and
//   - once a logical line has two rows, a further row only continues a row as wide as the first: a
//     terminal wraps at a fixed width, so a narrower row was the last one.

const MIN_WRAPPED_WIDTH = 40;

// A dot with a word right before it, and right after the break a lowercase letter, a digit or path
// punctuation, is more likely a path, a version or a Go error chain cut by the wrap ("docker." /
// "sock", "v1." / "24", "npipe:////." / "/pipe", "not running." / ": Get") than a sentence end.
const CONTINUES_TOKEN = /^(?:[a-z0-9/_%:;,)]|-(?!\s))/;
// A hard wrap at a word boundary leaves the space on the next row: one space, then the next word.
// D1–D3 go on after a full stop ("… daemon. Is the docker daemon running", "Is 'docker daemon' running
// on this host?: dial unix …"), and no message of docker's begins with "Is".
const WRAPPED_AT_SPACE = /^(?: \S|Is\s+(?:the|'docker)\b)/;
const WRAPPED_WORD = /^ (?![A-Z][\w /.-]*:(?:\s|$))\S/;
// Phrases of Go's and docker's own that a wrap at their space cuts into a line end and what looks like a message of its
// own, even in a copy that dropped the space: Go's TLS alert `remote error: …`, the ssh transport's `command [ssh …]`.
const SPLIT_PHRASE = /(?:\bremote\nerror:|\bcommand\n\[ssh\b)/;

// Case matters here: with /i the label pattern would also take a wrapped row such as "ect: connection refused".
const STARTS_MESSAGE_SHAPE = new RegExp(
  `^(?:${[
    '#\\d+\\s', // BuildKit plain progress: "#5 0.512 …"
    '\\[', // "[+] Building", "[FAIL] DD0031", "[00:00:24]", "[16109] Failed to execute script"
    '=>', // BuildKit tty progress
    '```', // a pasted Markdown fence
    '\\*\\s', // the "* Are you trying …" hints
    '[$#>%]\\s', // a bare prompt
    '[\\w.-]+@[\\w.-]+:\\S*[$#%>](?:\\s|$)', // user@host:~$ prompt
    'PS\\s+[A-Za-z]:\\\\', // PowerShell prompt
    '[A-Za-z]:\\\\\\S*>', // cmd.exe prompt
    '\\d{4}-\\d\\d-\\d\\d[T\\s]', // ISO timestamp
    '\\d\\d:\\d\\d:\\d\\d', // time of day
    '(?:time|level|msg)=', // logrus key=value
    '(?:ERRO|WARN|INFO|DEBU|FATA|PANI)\\[', // logrus text
    'Traceback\\b',
    'File\\s"',
    'During\\s+handling',
    '[A-Z][\\w/.-]*:(?:\\s|$)', // a label: "Error:", "ERROR:", "Warning:", "Client:", "OS/Arch:"
    '[\\w.]+(?:Error|Exception|Warning):\\s', // Python: "docker.errors.DockerException: …"
    '(?:docker|docker-compose|error|warning|fatal):\\s',
  ].join('|')})`,
);

const STARTS_MESSAGE_WORDING = rx(
  `^(?:${[
    'cannot connect to',
    'got permission denied',
    'permission denied while trying',
    'failed to connect to the docker',
    'error during connect',
    'an error occurred trying to connect',
    "couldn't connect to docker",
    'unable to resolve docker endpoint',
    'failed to initialize',
    'request returned',
    "the command '",
    'error response from daemon',
    'unable to find image',
    'usage:',
    "see '",
    "run '",
  ]
    .map((start) => phrase(start))
    .join('|')})`,
);

/** Could `next` be the rest of `line`, wrapped by a terminal? (Pairwise: ignores the width rule.) */
function mayContinue(line: string, next: string): boolean {
  // Character tests from the end, not regexes: a compiler command line in a build log runs to kilobytes.
  const end = line.trimEnd();
  if (end.length < MIN_WRAPPED_WIDTH) return false;
  const last = end[end.length - 1];
  if (last === '.' || last === '?' || last === '!') {
    const before = end[end.length - 2] ?? ' ';
    const dotInToken = last === '.' && end === line && before !== '.' && before.trim() !== '' && CONTINUES_TOKEN.test(next);
    if (!dotInToken && !WRAPPED_AT_SPACE.test(next)) return false;
  }
  const start = next.trimStart();
  if (start === '') return false;
  if (SPLIT_PHRASE.test(`${end.slice(-8)}\n${start.slice(0, 6)}`)) return true;
  // A hard wrap at a word boundary leaves one space at the start of the next row, before whatever word came next, even
  // one that could start a message of its own ("remote" / " error: tls: …", "command" / " [ssh …"). An indented label
  // row (" Version: …" of `docker version`) is not that.
  if (WRAPPED_WORD.test(next)) return !STARTS_MESSAGE_WORDING.test(start);
  return !STARTS_MESSAGE_SHAPE.test(start) && !STARTS_MESSAGE_WORDING.test(start);
}

// ---------------------------------------------------------------------------------------------
// Streaming
//
// The stream is scanned as a byte string: one character per byte (Buffer#toString('latin1')). The
// needles are ASCII and CR/LF never occur inside a UTF-8 sequence, so lines are found and prefiltered on
// the bytes, and only the few rows that are actually looked at get decoded. That keeps chunks holding
// CJK test names or "✔" from becoming two-byte strings, on which the prefilter runs at a third of the
// speed, and it makes a character split between two chunks a non-event. It also makes the window a
// true byte count.

const DEFAULT_WINDOW = 16 * 1024;
const MIN_WINDOW = 1024;
const SCAN_ANYWHERE = new RegExp(NEEDLES_ANYWHERE.source, 'g');
const SCAN_NEAR_START = new RegExp(NEEDLES_NEAR_START.source, 'g');

interface Row {
  /** The physical line, decoded and ANSI stripped. */
  readonly text: string;
  /** Its size in the stream, in bytes. */
  readonly bytes: number;
  /** The raw line holds a needle, so the logical line it belongs to is worth judging. */
  readonly hasNeedle: boolean;
}

function toByteString(chunk: Buffer | string): string {
  return (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).toString('latin1');
}

const NON_ASCII = /[\u0080-\u00ff]/;

/** A row of the byte string as text: ASCII is its own decoding, anything else goes through UTF-8. */
function decodeRow(bytes: string): string {
  return stripAnsi(NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes);
}

/**
 * Index of the last CR or LF before `before`, or -1. A loop rather than two lastIndexOf calls: a
 * stream with LF endings has no CR, and lastIndexOf('\r') would walk the whole block every time.
 */
function lastBreakBefore(text: string, before: number): number {
  for (let index = before - 1; index >= 0; index--) {
    const code = text.charCodeAt(index);
    if (code === 0x0a || code === 0x0d) return index;
  }
  return -1;
}

/** Start of the line that holds the character at `index` (or whose terminator starts there). */
function lineStart(block: string, index: number): number {
  return lastBreakBefore(block, index) + 1;
}

/** Index of the terminator of the line starting at `start` (the block's length if it has none), or `limit`. */
function lineEnd(block: string, start: number, limit = block.length): number {
  const stop = Math.min(limit, block.length);
  for (let index = start; index < stop; index++) {
    const code = block.charCodeAt(index);
    if (code === 0x0a || code === 0x0d) return index;
  }
  return stop;
}

/** Index at which the terminator ending just before `endExclusive` starts ("\r\n" counts as one). */
function terminatorStart(block: string, endExclusive: number): number {
  const last = endExclusive - 1;
  return block[last] === '\n' && block[last - 1] === '\r' ? last - 1 : last;
}

/** Where the next line starts, given the index of a terminator ("\r\n" counts as one). */
function afterTerminator(block: string, terminator: number): number {
  return block[terminator] === '\r' && block[terminator + 1] === '\n' ? terminator + 2 : terminator + 1;
}

/**
 * Finds the first daemon-connection error in a byte stream fed in chunks of any size, split anywhere:
 * inside a UTF-8 sequence, inside an ANSI escape or a line (only complete lines are decoded, stripped
 * and judged; the unfinished one waits), or between the CR and the LF of a line break.
 *
 * Memory is bounded by the window, not by the length of the stream: a quarter of it for the
 * unfinished line (a longer line keeps its head, where docker's message starts), half for the
 * logical line being assembled, a quarter for the logical line before it.
 *
 * Throughput comes from the prefilter: lines are looked at one by one only around a needle; a
 * stretch of lines without any is skipped but for its last two logical lines, which may still join
 * what follows or be the line before a hint.
 */
export class StreamDetector {
  readonly #lineLimit: number;
  readonly #logicalLimit: number;
  readonly #previousLimit: number;
  /** Bytes of the stream seen so far: where the next chunk starts. */
  #offset = 0;
  /** The line begun but not yet ended, as bytes; cut to #lineLimit. */
  #unfinished = '';
  /** Stream offset of #unfinished. */
  #unfinishedStart = 0;
  /** How block indices map to stream offsets: the head (the unfinished line) is contiguous, the rest shifted. */
  #blockHeadLength = 0;
  #blockHeadStart = 0;
  #blockRestShift = 0;
  /** #unfinished was cut: the rest of that line is being skipped. */
  #unfinishedCut = false;
  /** The last byte seen was a CR, so a LF arriving first is its other half. */
  #afterCarriageReturn = false;
  #logical: Row[] = [];
  #logicalBytes = 0;
  #previous = '';
  #result: Detection | null = null;
  #ended = false;

  constructor(options?: { windowBytes?: number }) {
    const window = Math.max(MIN_WINDOW, Math.floor(options?.windowBytes ?? DEFAULT_WINDOW));
    this.#lineLimit = Math.floor(window / 4);
    this.#logicalLimit = Math.floor(window / 2);
    this.#previousLimit = window - this.#lineLimit - this.#logicalLimit;
  }

  /** Feed bytes, or text (taken as UTF-8), as they arrive. Ignored after a match or after end(). */
  push(chunk: Buffer | string): void {
    if (this.#result !== null || this.#ended || chunk.length === 0) return;
    this.#consume(toByteString(chunk));
  }

  /** Flush the rest (a last line without a line break) and return the final verdict. */
  end(): Detection {
    if (!this.#ended) {
      this.#ended = true;
      if (this.#result === null && (this.#unfinished !== '' || this.#unfinishedCut)) this.#addRow(this.#unfinished, this.#unfinishedStart);
      if (this.#result === null) this.#closeLogical();
      this.#release();
    }
    return this.#result ?? NO_MATCH;
  }

  /**
   * The verdict so far. Before end() the logical line still being assembled is judged as it stands
   * (a further wrapped row could still lengthen its endpoint); the unfinished physical line is not.
   */
  get detection(): Detection {
    if (this.#result !== null || this.#ended) return this.#result ?? NO_MATCH;
    return this.#judgeLogical() ?? NO_MATCH;
  }

  /**
   * What is held right now: bytes of stream text, plus the characters of the one logical line kept
   * decoded. Never more than the window.
   */
  get retainedSize(): number {
    return this.#unfinished.length + this.#logicalBytes + this.#previous.length;
  }

  #consume(input: string): void {
    let start = this.#offset;
    this.#offset += input.length;
    let text = input;
    if (this.#afterCarriageReturn && text.startsWith('\n')) {
      text = text.slice(1);
      start += 1;
    }
    this.#afterCarriageReturn = false;
    if (text === '') return;
    const lastBreak = lastBreakBefore(text, text.length);
    if (lastBreak < 0) {
      this.#extendUnfinished(text, start);
      return;
    }
    this.#afterCarriageReturn = text.endsWith('\r');
    // When the line under way was cut, the first line of this text only ends it: its head stands for it.
    const firstLineEnd = this.#unfinishedCut ? lineEnd(text, 0) : 0;
    const head = this.#unfinished;
    this.#blockHeadLength = head.length;
    this.#blockHeadStart = this.#unfinishedStart;
    this.#blockRestShift = start + firstLineEnd - head.length;
    const block = head + text.slice(firstLineEnd, lastBreak + 1);
    this.#unfinished = '';
    this.#unfinishedCut = false;
    this.#consumeBlock(block);
    this.#extendUnfinished(text.slice(lastBreak + 1), start + lastBreak + 1);
  }

  /** Stream offset of the character at `index` of the block being consumed. */
  #streamOffset(index: number): number {
    return index < this.#blockHeadLength ? this.#blockHeadStart + index : this.#blockRestShift + index;
  }

  #extendUnfinished(text: string, start: number): void {
    if (this.#unfinishedCut || text === '') return;
    if (this.#unfinished === '') this.#unfinishedStart = start;
    const line = this.#unfinished + text;
    if (line.length > this.#lineLimit) {
      this.#unfinished = line.slice(0, this.#lineLimit);
      this.#unfinishedCut = true;
    } else {
      this.#unfinished = line;
    }
  }

  /** `block` holds complete lines only: it ends with a line terminator. */
  #consumeBlock(block: string): void {
    let position = 0;
    while (position < block.length && this.#result === null) {
      if (this.#logical.some((row) => row.hasNeedle)) {
        position = this.#consumeUntilQuiet(block, position);
        continue;
      }
      // Near the start the wider scan finds more than the rows will count as needles; never less.
      const scan = this.#streamOffset(position) < CLIENT_SETUP_BYTES ? SCAN_NEAR_START : SCAN_ANYWHERE;
      scan.lastIndex = position;
      const hit = scan.exec(block);
      const quietEnd = hit === null ? block.length : lineStart(block, hit.index);
      if (quietEnd > position) this.#skipQuiet(block, position, quietEnd);
      if (hit === null || this.#result !== null) return;
      position = this.#consumeUntilQuiet(block, quietEnd);
    }
  }

  /**
   * Feeds lines from `start` until the logical line that holds a needle has been judged and the one now
   * open holds none; returns where the next line starts.
   */
  #consumeUntilQuiet(block: string, start: number): number {
    let position = start;
    do {
      const end = lineEnd(block, position);
      this.#addRow(block.slice(position, end), this.#streamOffset(position));
      position = afterTerminator(block, end);
    } while (position < block.length && this.#result === null && this.#logical.some((row) => row.hasNeedle));
    return position;
  }

  /**
   * Lines [start, end) hold no needle and neither does the open logical line, so no logical line ending
   * among them can match. Only the last two matter: the last may continue past `end`, the one before is
   * the `previous` of what follows. Both start at a line that cannot continue the line above it, which
   * is decided without knowing the width rows were wrapped at, so it can be found walking backwards;
   * the lines from there are replayed. With fewer than two such starts every line is replayed.
   */
  #skipQuiet(block: string, start: number, end: number): void {
    let from = start;
    let rowStart = lineStart(block, terminatorStart(block, end));
    let below = this.#rowText(block, rowStart);
    let starts = 0;
    while (rowStart > start) {
      const aboveStart = Math.max(start, lineStart(block, terminatorStart(block, rowStart)));
      const above = this.#rowText(block, aboveStart);
      if (!mayContinue(above, below)) {
        starts += 1;
        if (starts === 2) {
          from = rowStart;
          this.#dropLogical();
          break;
        }
      }
      rowStart = aboveStart;
      below = above;
    }
    for (let position = from; position < end && this.#result === null;) {
      const rowEnd = lineEnd(block, position);
      this.#addRow(block.slice(position, rowEnd), this.#streamOffset(position));
      position = afterTerminator(block, rowEnd);
    }
  }

  /** The decoded, stripped text of the row starting at `start`, cut as #addRow cuts it. */
  #rowText(block: string, start: number): string {
    return decodeRow(block.slice(start, lineEnd(block, start, start + this.#lineLimit)));
  }

  /** `start` is the row's offset in the stream: it decides which needles count. */
  #addRow(raw: string, start: number): void {
    const cut = raw.length > this.#lineLimit ? raw.slice(0, this.#lineLimit) : raw;
    const needles = start < CLIENT_SETUP_BYTES ? NEEDLES_NEAR_START : NEEDLES_ANYWHERE;
    const row: Row = { text: decodeRow(cut), bytes: cut.length, hasNeedle: needles.test(cut) };
    if (!this.#continuesLogical(row.text)) {
      this.#closeLogical();
      if (this.#result !== null) return;
    }
    this.#logical.push(row);
    this.#logicalBytes += row.bytes;
    while (this.#logicalBytes > this.#logicalLimit && this.#logical.length > 1) {
      const dropped = this.#logical.shift();
      this.#logicalBytes -= dropped?.bytes ?? 0;
    }
  }

  #continuesLogical(next: string): boolean {
    const first = this.#logical[0];
    const last = this.#logical[this.#logical.length - 1];
    if (first === undefined || last === undefined || !mayContinue(last.text, next)) return false;
    // Rows are compared untrimmed, less one column: a copy may have trimmed the space a row ended with.
    return this.#logical.length < 2 || last.text.length >= first.text.length - 1;
  }

  #logicalText(): string {
    return this.#logical
      .map((row) => row.text)
      .join('')
      .trim();
  }

  #judgeLogical(): Detection | null {
    if (!this.#logical.some((row) => row.hasNeedle)) return null;
    const detection = classifyLogicalLine(this.#logicalText(), this.#previous);
    return detection.match ? detection : null;
  }

  #closeLogical(): void {
    if (this.#logical.length === 0) return;
    const detection = this.#judgeLogical();
    if (detection !== null) {
      this.#result = detection;
      this.#release();
      return;
    }
    const text = this.#logicalText();
    this.#previous = text.length > this.#previousLimit ? text.slice(text.length - this.#previousLimit) : text;
    this.#dropLogical();
  }

  #dropLogical(): void {
    this.#logical = [];
    this.#logicalBytes = 0;
  }

  #release(): void {
    this.#unfinished = '';
    this.#unfinishedCut = false;
    this.#previous = '';
    this.#dropLogical();
  }
}

/** The verdict on a whole text, e.g. what `dockhook classify` read on stdin. */
export function classify(text: string): Detection {
  const detector = new StreamDetector();
  detector.push(text);
  return detector.end();
}
