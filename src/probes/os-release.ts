// /etc/os-release (os-release(5); /usr/lib/os-release as its fallback): which distribution, for
// the install command of its own packages.
import type { OsRelease } from '../core/types.js';
import type { System } from '../io/system.js';

export function parseOsRelease(text: string): OsRelease | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = values.get('ID');
  if (!id) return null;
  return {
    id: id.toLowerCase(),
    idLike: (values.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    prettyName: values.get('PRETTY_NAME') ?? null,
  };
}

export async function probeOsRelease(sys: System): Promise<OsRelease | null> {
  const text = (await sys.readFile('/etc/os-release')) ?? (await sys.readFile('/usr/lib/os-release'));
  return text === null ? null : parseOsRelease(text);
}
