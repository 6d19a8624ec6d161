// The daemon's log, cut down to its latest start attempt: an hour-old episode must never explain
// today's failure. Pure: text in, lines out. Sources: docs/research/daemon-failures.md, "Logs".

/** One journal entry as `journalctl -o json` prints it (one JSON object per line). */
export interface JournalEntry {
  message: string;
  /** `_SYSTEMD_INVOCATION_ID`: set by systemd on everything the unit's own processes log. */
  processInvocation: string | null;
  /** `INVOCATION_ID` (or `USER_INVOCATION_ID`): set on systemd's own messages about the unit. */
  managerInvocation: string | null;
}

export function parseJournalJson(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const message = fieldText(record.MESSAGE);
    if (message === null) continue;
    entries.push({
      message,
      processInvocation: fieldText(record._SYSTEMD_INVOCATION_ID),
      managerInvocation: fieldText(record.INVOCATION_ID) ?? fieldText(record.USER_INVOCATION_ID),
    });
  }
  return entries;
}

/** journald prints a field that is not valid UTF-8 as an array of byte values. */
function fieldText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return null;
}

/**
 * The latest start attempt in the journal: from the first entry of the last invocation whose
 * processes logged anything, to the end (systemd's own lines after it, such as "Start request
 * repeated too quickly", belong to that attempt). Without invocation ids (very old systemd), the
 * last "Starting up" decides, as in a log file.
 */
export function latestAttemptInJournal(entries: readonly JournalEntry[]): string[] {
  let last: string | null = null;
  for (let i = entries.length - 1; i >= 0 && last === null; i -= 1) last = entries[i]!.processInvocation;
  if (last === null) return latestAttemptInLines(entries.map((e) => e.message));
  const first = entries.findIndex((e) => e.processInvocation === last || e.managerInvocation === last);
  return splitLines(entries.slice(first).map((e) => e.message));
}

/**
 * dockerd's first line of every start (moby cmd/dockerd/daemon.go `Info("Starting up")`, Engine
 * 20.10 and later), and the line dockhook writes before it starts a rootless daemon in the background.
 */
const START_MARKERS = [/msg="Starting up"/, /^dockhook: starting /];

/**
 * Lines that end an attempt. A clean stop ends a run (moby cmd/dockerd/daemon.go "Daemon shutdown
 * complete"). A daemon.json dockerd cannot use ends the attempt before dockerd's "Starting up" is ever
 * written (the file is read first), so on a log file without start markers each such line is one
 * whole attempt of its own.
 */
const SHUTDOWN = /Daemon shutdown complete/;
const CONFIG_FAILURE = /unable to configure the Docker daemon with file/;

/**
 * The latest start attempt in a log file's text: from the last start marker on, or, where an
 * attempt ended after it, from just after the end before that one; else the last 30 lines.
 */
export function latestAttemptInFile(text: string): string[] {
  return latestAttemptInLines(splitLines([text]));
}

function latestAttemptInLines(lines: readonly string[]): string[] {
  const all = splitLines(lines);
  const isEnd = (l: string): boolean => SHUTDOWN.test(l) || CONFIG_FAILURE.test(l);
  let marker = -1;
  for (let i = all.length - 1; i >= 0 && marker < 0; i -= 1) if (START_MARKERS.some((m) => m.test(all[i]!))) marker = i;
  let lastEnd = -1;
  for (let i = all.length - 1; i > marker && lastEnd < 0; i -= 1) if (isEnd(all[i]!)) lastEnd = i;
  // A config failure after the last start marker (or with none): its attempt began after the end before it.
  if (lastEnd >= 0 && CONFIG_FAILURE.test(all[lastEnd]!)) {
    let previousEnd = -1;
    for (let i = lastEnd - 1; i > marker && previousEnd < 0; i -= 1) if (isEnd(all[i]!)) previousEnd = i;
    if (previousEnd >= 0 || marker >= 0) return all.slice(previousEnd >= 0 ? previousEnd + 1 : marker);
    return all.slice(Math.max(0, lastEnd - 29));
  }
  if (marker < 0) return all.slice(-30);
  // dockerd's marker of a rootless start: dockhook's own line came before the script's trace.
  let start = marker;
  if (/msg="Starting up"/.test(all[marker]!)) {
    for (let j = marker - 1; j >= 0; j -= 1) {
      if (/msg="Starting up"/.test(all[j]!) || isEnd(all[j]!)) break;
      if (/^dockhook: starting /.test(all[j]!)) {
        start = j;
        break;
      }
    }
  }
  return all.slice(start);
}

function splitLines(chunks: readonly string[]): string[] {
  return chunks
    .flatMap((c) => c.split('\n'))
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

const MAX_TELLING = 5;

/**
 * The lines that say why the daemon died, newest last. logrus lines carry their own level: info
 * and debug lines are normal life, even when a field says error="<nil>" (a graceful shutdown logs
 * several of those), and so are grpc's reconnect chatter.
 */
export function tellingLines(lines: readonly string[], max = MAX_TELLING): string[] {
  // A run that ended in a clean stop: what went wrong while it ran (a failed image pull) is not why
  // it is down now; only what came after the stop can be.
  let from = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    if (SHUTDOWN.test(lines[i]!)) {
      from = i + 1;
      break;
    }
  }
  const telling = lines
    .slice(from)
    .map((l) => l.trim())
    .filter((l) => {
      if (/module=grpc/.test(l)) return false;
      const level = /\blevel=(\w+)/.exec(l)?.[1];
      if (level !== undefined) return level === 'error' || level === 'fatal' || level === 'panic';
      return /(failed|error|unable|invalid|cannot|can't|denied|refus|exited|too quickly|no space left|not found)/i.test(l);
    });
  return telling.slice(-max).map((l) => shortLine(l));
}

/** A line shortened for one row of evidence: cut at a word boundary, never inside a word. */
export function shortLine(line: string, max = 240): string {
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()} …`;
}
