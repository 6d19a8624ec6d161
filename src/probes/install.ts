// Is there an Engine to start at all?
import type { InstallFacts } from '../core/types.js';
import type { System } from '../io/system.js';
import { probeOsRelease } from './os-release.js';

/** Where packages put dockerd: docker-ce /usr/bin, Debian's docker.io /usr/sbin, a static install ~/bin. */
export function dockerdDirs(home: string): string[] {
  return ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/snap/bin', `${home}/bin`];
}

export async function probeInstall(sys: System): Promise<InstallFacts> {
  const [dockerd, dockerCli, osRelease] = await Promise.all([sys.which('dockerd', dockerdDirs(sys.user.home)), sys.which('docker'), probeOsRelease(sys)]);
  return { dockerd, dockerCli, osRelease };
}
