// Why the daemon last died: the journal or the log file, and daemon.json, whose syntax errors
// are the most common reason dockerd refuses to start (moby daemon/config/config.go).
import type { LogFacts } from '../core/types.js';
import type { System } from '../io/system.js';

const MAX_LINES = 5;

/**
 * dockerd prints its fatal error as one bare line (moby cmd/dockerd/main.go); keep the telling
 * ones. logrus lines carry their own level: info and debug lines are normal life, even when a
 * field says error="<nil>" (a graceful shutdown logs several of those).
 */
export function tellingLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter((l) => {
    const level = /\blevel=(\w+)/.exec(l)?.[1];
    if (level !== undefined) return level === 'error' || level === 'fatal' || level === 'panic';
    return /(failed|error|unable|invalid|cannot|can't|denied|refus|exited|too quickly)/i.test(l);
  });
  return telling.slice(-MAX_LINES).map((l) => (l.length > 240 ? `${l.slice(0, 237)}...` : l));
}

export async function probeLogs(sys: System, timeoutMs: number, daemonJsonPath = '/etc/docker/daemon.json'): Promise<LogFacts> {
  const systemdBooted = (await sys.lstat('/run/systemd/system'))?.isDirectory() ?? false;
  const journal = systemdBooted
    ? sys.run(['journalctl', '-u', 'docker.service', '-n', '30', '--no-pager', '-o', 'cat'], { timeoutMs })
    : null;
  const [daemonJson, logFile, journalResult] = await Promise.all([
    sys.readFile(daemonJsonPath),
    systemdBooted ? null : sys.readTail('/var/log/docker.log', 64 * 1024),
    journal,
  ]);
  let daemonJsonError: LogFacts['daemonJsonError'] = null;
  if (daemonJson !== null && daemonJson.trim() !== '') {
    try {
      JSON.parse(daemonJson);
    } catch (error) {
      daemonJsonError = { path: daemonJsonPath, message: (error as Error).message };
    }
  }
  const source = journalResult?.code === 0 ? journalResult.stdout : logFile ?? '';
  return { lines: tellingLines(source.slice(-64 * 1024)), daemonJsonError };
}
