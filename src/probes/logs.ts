// Why the daemon last died, from its latest start attempt only (the journal since the unit's last
// start, or the log file from its last start marker), and what daemon.json says before anything
// runs. After reading the log, the few facts its reason's fix needs: who holds a PID a pid file
// names, how much space is left where a write failed, and the unit's ExecStart.
import { analyzeDaemonJson } from '../core/daemon-json.js';
import { latestAttemptInFile, latestAttemptInJournal, parseJournalJson, tellingLines } from '../core/daemon-log.js';
import { dataRootOfWrite, readServiceFailure } from '../core/reasons.js';
import type { LogFacts } from '../core/types.js';
import type { System } from '../io/system.js';

export const JOURNAL_LINES = 300;
const SYSV_LOG = '/var/log/docker.log';

/** The journal command of the system unit: the newest entries, with their invocation ids. */
export function journalArgv(unit = 'docker.service', user = false): string[] {
  return ['journalctl', ...(user ? ['--user'] : []), '-u', unit, '-n', String(JOURNAL_LINES), '--no-pager', '-o', 'json'];
}

export async function probeLogs(sys: System, timeoutMs: number, daemonJsonPath = '/etc/docker/daemon.json'): Promise<LogFacts> {
  const systemdBooted = (await sys.lstat('/run/systemd/system'))?.isDirectory() ?? false;
  const [daemonJsonText, logFile, journal] = await Promise.all([
    sys.readFile(daemonJsonPath),
    systemdBooted ? null : sys.readTail(SYSV_LOG, 256 * 1024),
    systemdBooted ? sys.run(journalArgv(), { timeoutMs }) : null,
  ]);
  const entries = journal?.code === 0 ? parseJournalJson(journal.stdout) : [];
  let source: string | null = null;
  let attempt: string[] = [];
  if (entries.length > 0) {
    source = 'journalctl -u docker.service';
    attempt = latestAttemptInJournal(entries);
  } else if (logFile !== null) {
    source = SYSV_LOG;
    attempt = latestAttemptInFile(logFile);
  }
  const daemonJson = daemonJsonText === null ? null : analyzeDaemonJson(daemonJsonPath, daemonJsonText);
  const facts: LogFacts = {
    source,
    attempt,
    lines: tellingLines(attempt),
    daemonJsonError: daemonJson?.syntax ? { path: daemonJsonPath, message: daemonJson.syntax.message } : null,
    daemonJson,
    execStart: null,
    pidOwner: null,
    diskFree: null,
  };
  const { match } = readServiceFailure(attempt);
  if (match?.reason === 'pid-file') facts.pidOwner = await pidOwner(sys, match.params.pid ?? null, match.params.path ?? null);
  if (match?.reason === 'disk-full')
    facts.diskFree = await diskFree(sys, match.params.path ? dataRootOfWrite(match.params.path) : (daemonJson?.dataRoot ?? '/var/lib/docker'));
  if (match?.reason === 'flag-and-file-conflict' && systemdBooted) {
    const show = await sys.run(['systemctl', 'show', '-p', 'ExecStart', '--value', 'docker.service'], { timeoutMs });
    facts.execStart = show.code === 0 ? execStartCommand(show.stdout) : null;
  }
  return facts;
}

/** `{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// … ; ignore_errors=no ; … }` → the argv part. */
export function execStartCommand(value: string): string | null {
  const argv = /argv\[\]=(.*?) ;/.exec(value)?.[1];
  if (argv !== undefined) return argv.trim() || null;
  const plain = value.trim();
  return plain === '' ? null : plain;
}

/** The PID the log names (Engine 24 and later), else the one in the pid file; who has it now. */
async function pidOwner(sys: System, pidText: string | null, pidFile: string | null): Promise<LogFacts['pidOwner']> {
  const fromFile = pidFile === null ? null : ((await sys.readFile(pidFile))?.trim() ?? null);
  const pid = Number(pidText ?? fromFile);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const comm = (await sys.readFile(`/proc/${pid}/comm`))?.trim() ?? null;
  return { pid, comm: comm || null };
}

/** statfs of the path, or of the nearest directory above it that exists. */
async function diskFree(sys: System, path: string): Promise<LogFacts['diskFree']> {
  let at = path;
  for (let i = 0; i < 32; i += 1) {
    const space = await sys.diskSpace(at);
    if (space !== null) return { path: at, ...space };
    if (at === '/' || !at.includes('/')) return null;
    at = at.replace(/\/[^/]*\/?$/, '') || '/';
  }
  return null;
}
