// In the docker group on paper (/etc/group) versus in this process (getgroups): the gap
// between the two is the "added to the group but the session is stale" case.
import type { GroupFacts } from '../core/types.js';
import type { System } from '../io/system.js';
import { groupNameOf, parseGroupFile } from './etc-files.js';

export async function probeGroups(sys: System, groupName = 'docker'): Promise<GroupFacts> {
  const groups = parseGroupFile((await sys.readFile('/etc/group')) ?? '');
  const docker = groups.find((g) => g.name === groupName) ?? null;
  const { user } = sys;
  const session = [...new Set([user.gid, ...sys.processGids])].map((gid) => groupNameOf(groups, gid) ?? String(gid));
  return {
    docker,
    inDatabase: docker !== null && (docker.members.includes(user.name) || user.gid === docker.gid),
    inProcess: docker !== null && sys.processGids.includes(docker.gid),
    session,
  };
}
