// Is there an Engine to start at all?
import type { InstallFacts } from '../core/types.js';
import type { System } from '../io/system.js';

export async function probeInstall(sys: System): Promise<InstallFacts> {
  const [dockerd, dockerCli] = await Promise.all([
    sys.which('dockerd', ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/snap/bin']),
    sys.which('docker'),
  ]);
  return { dockerd, dockerCli };
}
