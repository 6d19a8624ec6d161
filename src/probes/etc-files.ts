// /etc/group, /etc/passwd, /etc/subuid: the database that `id USER` and newuidmap read.

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parseGroupFile(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const [name, , gid, members] = line.split(':');
    if (!name || gid === undefined || name.startsWith('#')) continue;
    entries.push({
      name,
      gid: Number(gid),
      members: (members ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    });
  }
  return entries;
}

export function groupNameOf(groups: readonly GroupEntry[], gid: number): string | null {
  return groups.find((g) => g.gid === gid)?.name ?? null;
}

export function parsePasswdNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return names;
}

/** Total ids granted to the user in /etc/subuid or /etc/subgid (entries by name or by uid). */
export function subordinateCount(text: string, user: string, uid: number): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const [who, , count] = line.trim().split(':');
    if (who === user || who === String(uid)) total += Number(count) || 0;
  }
  return total;
}
