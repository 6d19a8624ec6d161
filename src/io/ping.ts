// Is a daemon there? `HEAD /_ping` is the cheapest request the Engine answers (moby
// api/swagger.yaml SystemPingHead); the CLI itself tries HEAD first (moby client/ping.go).
import { stat } from 'node:fs';
import type { Socket } from 'node:net';
import type { PingFacts } from '../core/types.js';
import { runCommand } from './run.js';

const REQUEST = 'HEAD /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: dockhook\r\nConnection: close\r\n\r\n';

export interface PingOptions {
  timeoutMs: number;
  /** Speak TLS on tcp:// (certificates are not verified: this only asks "is anyone there?"). */
  tls?: boolean;
}

/** ENOENT before any connect: a missing socket file is the commonest dead daemon. */
function missing(path: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => stat(path, (error) => resolve(error && (error.code === 'ENOENT' || error.code === 'ENOTDIR') ? error : null)));
}

export async function pingEndpoint(url: string, options: PingOptions): Promise<PingFacts> {
  const unix = /^unix:\/\/(\/.*)$/i.exec(url);
  if (unix?.[1]) {
    const path = unix[1];
    // node:net (with node:stream) costs about 4 ms to load; a socket file that is not there
    // needs no connection to say so.
    const gone = await missing(path);
    if (gone) return fromErrno(gone);
    const { connect } = await import('node:net');
    return pingSocket(() => connect({ path }), options.timeoutMs);
  }
  const tcp = /^(?:tcp|https?):\/\/\[?([^\]/]+?)\]?:(\d+)/i.exec(url);
  if (tcp?.[1] && tcp[2]) {
    const host = tcp[1];
    const port = Number(tcp[2]);
    // node:tls costs a few ms to load; only TLS endpoints pay for it.
    if (options.tls)
      return import('node:tls').then(({ connect }) =>
        pingSocket(() => connect({ host, port, rejectUnauthorized: false, servername: host }), options.timeoutMs, 'secureConnect'),
      );
    const { connect } = await import('node:net');
    return pingSocket(() => connect({ host, port }), options.timeoutMs);
  }
  if (/^ssh:\/\//i.test(url)) return pingSsh(url, options.timeoutMs);
  return { outcome: 'skipped', detail: url, podman: false };
}

function pingSocket(open: () => Socket, timeoutMs: number, readyEvent: 'connect' | 'secureConnect' = 'connect'): Promise<PingFacts> {
  return new Promise((resolve) => {
    let settled = false;
    let response = '';
    const socket = open();
    const finish = (facts: PingFacts) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(facts);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout', detail: `${timeoutMs} ms`, podman: false }), timeoutMs);
    socket.once(readyEvent, () => socket.write(REQUEST));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      response += chunk;
      const end = response.indexOf('\r\n\r\n');
      if (end >= 0 || response.length > 16384) finish(readResponse(response.slice(0, end >= 0 ? end : undefined)));
    });
    socket.on('end', () => finish(response ? readResponse(response) : { outcome: 'error', detail: 'connection closed without an answer', podman: false }));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(fromErrno(error)));
  });
}

/** The head of an HTTP answer (whatever the endpoint sent) as ping facts. */
export function readResponse(head: string): PingFacts {
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})[^\r\n]*/.exec(head);
  const podman = /^libpod-api-version:/im.test(head);
  if (!status) return { outcome: 'error', detail: 'not an HTTP answer', podman };
  // Any HTTP answer means a daemon (or a proxy in front of one) is there; 5xx is unhealthy.
  const code = Number(status[1]);
  return { outcome: code < 500 ? 'ok' : 'unhealthy', detail: status[0], podman };
}

function fromErrno(error: NodeJS.ErrnoException): PingFacts {
  const code = error.code ?? '';
  const outcome: PingFacts['outcome'] =
    code === 'ENOENT'
      ? 'enoent'
      : code === 'EACCES' || code === 'EPERM'
        ? 'eacces'
        : code === 'ECONNREFUSED'
          ? 'refused'
          : code === 'ENOTSOCK'
            ? 'notsock'
            : code === 'ETIMEDOUT'
              ? 'timeout'
              : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
                ? 'dns'
                : 'error';
  return { outcome, detail: code || error.message, podman: false };
}

/** The CLI dials ssh://… with `ssh … docker system dial-stdio` (docker/cli connhelper). */
async function pingSsh(url: string, timeoutMs: number): Promise<PingFacts> {
  const parsed = /^ssh:\/\/(?:([^@/]+)@)?([^:/]+)(?::(\d+))?/i.exec(url);
  if (!parsed?.[2]) return { outcome: 'error', detail: `cannot parse ${url}`, podman: false };
  const argv = ['ssh', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${Math.max(1, Math.floor(timeoutMs / 1000))}`, '-T'];
  if (parsed[3]) argv.push('-p', parsed[3]);
  if (parsed[1]) argv.push('-l', parsed[1]);
  argv.push('--', parsed[2], 'docker', 'version', '--format', '{{.Server.Version}}');
  const result = await runCommand(argv, { timeoutMs });
  if (result.code === 0) return { outcome: 'ok', detail: `server ${result.stdout.trim()}`, podman: false };
  if (result.error === 'timeout') return { outcome: 'timeout', detail: `${timeoutMs} ms`, podman: false };
  const detail = (result.stderr.trim().split('\n').pop() ?? result.error ?? `exit ${result.code}`).slice(0, 200);
  return { outcome: /could not resolve/i.test(detail) ? 'dns' : /refused/i.test(detail) ? 'refused' : 'error', detail, podman: false };
}
