// Finds and reads the configuration, from the user's own places only.
//
// dockhook runs in every directory the user types `docker` in, including freshly cloned
// repositories. cosmiconfig (v9) reads a "meta config" (.config/config.{json,yaml,js,…}) from
// process.cwd() when the explorer is constructed, and can $import or execute JS from there
// (research/style-and-config.md; cosmiconfig src/index.ts getUserDefinedOptionsFromMetaConfig).
// So: search only $XDG_CONFIG_HOME/dockhook, ~/.config/dockhook and the home directory, or the
// file named by DOCKHOOK_CONFIG; construct the explorer with the cwd set to that trusted
// directory; and make every executable format throw instead of loading.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { validateConfig, DEFAULT_CONFIG, type Config, type ConfigProblem } from '../core/config-schema.js';

export interface LoadedConfig {
  config: Config;
  /** The file the values came from, or null for the defaults. */
  path: string | null;
  /** One line each: a broken file, an unknown key, a wrong value. */
  problems: ConfigProblem[];
}

const EXECUTABLE = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

function refuse(path: string): never {
  // Caught below and reported as config.unreadable; the path is what matters in that line.
  throw new Error(`refusing to execute ${path}`);
}

export function trustedPlaces(env: Readonly<Record<string, string | undefined>>, home: string): Array<{ dir: string; places: string[] }> {
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : `${home}/.config`;
  return [
    { dir: `${xdg}/dockhook`, places: ['config.json', 'config.yaml', 'config.yml'] },
    { dir: home, places: ['.dockhookrc', '.dockhookrc.json', '.dockhookrc.yaml', '.dockhookrc.yml'] },
  ];
}

async function inDirectory<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(previous);
  }
}

export async function loadConfig(env: Readonly<Record<string, string | undefined>>, home: string): Promise<LoadedConfig> {
  // Most users have no config file: finding that out must not cost cosmiconfig's load time.
  if (!env.DOCKHOOK_CONFIG && !trustedPlaces(env, home).some(({ dir, places }) => places.some((place) => existsSync(`${dir}/${place}`)))) {
    return { config: structuredClone(DEFAULT_CONFIG), path: null, problems: [] };
  }
  const { cosmiconfig } = await import('cosmiconfig');
  const loaders = Object.fromEntries(EXECUTABLE.map((ext) => [ext, refuse]));
  const explorerFor = (places: string[]) => cosmiconfig('dockhook', { searchStrategy: 'none', searchPlaces: places, loaders, cache: false });
  const finish = (path: string | null, raw: unknown, extra: ConfigProblem[] = []): LoadedConfig => {
    const { config, problems } = validateConfig(raw);
    return { config, path, problems: [...extra, ...problems] };
  };

  const explicit = env.DOCKHOOK_CONFIG;
  try {
    if (explicit) {
      if (!explicit.startsWith('/')) return finish(null, null, [{ id: 'config.relative', params: { path: explicit } }]);
      if (EXECUTABLE.some((ext) => explicit.endsWith(ext))) return finish(explicit, null, [{ id: 'config.refuse-exec', params: { path: explicit } }]);
      const result = await inDirectory(dirname(explicit), () => explorerFor([]).load(explicit));
      return finish(explicit, result?.config ?? null);
    }
    for (const { dir, places } of trustedPlaces(env, home)) {
      let result;
      try {
        result = await inDirectory(dir, () => explorerFor(places).search(dir));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') continue;
        throw error;
      }
      if (result && !result.isEmpty) return finish(result.filepath, result.config);
      if (result?.isEmpty) return finish(result.filepath, null);
    }
    return finish(null, null);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'unreadable';
    return { config: structuredClone(DEFAULT_CONFIG), path: explicit ?? null, problems: [{ id: 'config.unreadable', params: { message } }] };
  }
}
