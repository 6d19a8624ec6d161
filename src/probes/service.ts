// Which init system runs services here, and what it says about docker.
// sd_booted(3): systemd is running iff /run/systemd/system/ exists.
import type { ServiceFacts, UnitFacts } from '../core/types.js';
import type { System } from '../io/system.js';

const SHOW = ['show', '-p', 'ActiveState,Result,LoadState,UnitFileState'];

/** Parses `systemctl show` output for several units (blocks separated by a blank line). */
export function parseSystemctlShow(text: string): UnitFacts[] {
  return text
    .trim()
    .split(/\n\s*\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const values = new Map<string, string>();
      for (const line of block.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
      }
      return {
        active: values.get('ActiveState') || null,
        enabled: values.get('UnitFileState') || null,
        result: values.get('Result') || null,
        load: values.get('LoadState') || null,
      };
    });
}

export async function probeService(sys: System, timeoutMs: number): Promise<ServiceFacts> {
  const [systemdDir, openrcDir, sysvScript, dockerdRunning] = await Promise.all([
    sys.lstat('/run/systemd/system'),
    sys.lstat('/run/openrc'),
    sys.lstat('/etc/init.d/docker'),
    isProcessRunning(sys, 'dockerd', 0),
  ]);
  const systemdBooted = systemdDir?.isDirectory() ?? false;
  let docker: UnitFacts | null = null;
  let dockerSocket: UnitFacts | null = null;
  let userDocker: UnitFacts | null = null;
  if (systemdBooted) {
    const [system, user] = await Promise.all([
      sys.run(['systemctl', ...SHOW, 'docker.service', 'docker.socket'], { timeoutMs }),
      sys.user.uid === 0 ? null : sys.run(['systemctl', '--user', ...SHOW, 'docker.service'], { timeoutMs }),
    ]);
    if (system.code === 0) [docker = null, dockerSocket = null] = parseSystemctlShow(system.stdout);
    const userUnit = user?.code === 0 ? parseSystemctlShow(user.stdout)[0] : undefined;
    if (userUnit && userUnit.load !== 'not-found') userDocker = userUnit;
  }
  const manager: ServiceFacts['manager'] = systemdBooted ? 'systemd' : openrcDir ? 'openrc' : sysvScript ? 'sysv' : 'none';
  return { manager, systemdBooted, docker, dockerSocket, userDocker, sysvScript: sysvScript !== null, dockerdRunning };
}

/**
 * Scans /proc for a process by name (and owner: a rootless dockerd runs as its user and is not
 * the system daemon); cheaper than spawning pgrep, and works without procps.
 */
export async function isProcessRunning(sys: System, name: string, uid: number | null = null): Promise<boolean> {
  const entries = await sys.listDir('/proc');
  if (entries === null) return false;
  const pids = entries.filter((entry) => /^\d+$/.test(entry));
  // /proc is a local system path: System reads it synchronously, so this costs ~1 ms.
  for (const pid of pids) {
    if ((await sys.readFile(`/proc/${pid}/comm`))?.trim() !== name) continue;
    if (uid === null) return true;
    const real = /^Uid:\s+(\d+)/m.exec((await sys.readFile(`/proc/${pid}/status`)) ?? '')?.[1];
    if (real === String(uid)) return true;
  }
  return false;
}

/**
 * After a start of the system service returned: true once the daemon is clearly not coming —
 * systemd reports the unit failed (its own restarts are over), or, without systemd, no dockerd
 * process runs any more (it exited at once, e.g. on an invalid daemon.json).
 */
export async function systemDaemonGone(sys: System, timeoutMs: number): Promise<boolean> {
  if ((await sys.lstat('/run/systemd/system'))?.isDirectory()) {
    const state = await sys.run(['systemctl', 'show', '--property=ActiveState', '--value', 'docker.service'], { timeoutMs });
    return state.code === 0 && state.stdout.trim() === 'failed';
  }
  return !(await isProcessRunning(sys, 'dockerd'));
}
