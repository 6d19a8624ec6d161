// Finds and reads the configuration, from the user's own places only.
//
// dockhook runs in every directory the user types `docker` in, including freshly cloned
// repositories. cosmiconfig's explorer (v9) reads a "meta config" (.config/config.{json,yaml,
// js,cjs,…}) from process.cwd() as soon as it is constructed, executes it if it is JavaScript,
// and follows `$import` from any config (docs/research/style-and-config.md, "Configuration";
// cosmiconfig src/index.ts getUserDefinedOptionsFromMetaConfig; SECURITY.md). There is no option to
// turn that off. So dockhook never constructs an explorer: it looks at a fixed list of absolute
// places itself, reads the first file there with a bounded, non-blocking read, and hands the
// text to cosmiconfig's own JSON and YAML parsers. No file is ever executed, nothing is
// imported, and nothing in the current directory or its parents is ever looked at.
import { extname } from 'node:path';
import { validateConfig, DEFAULT_CONFIG, type Config, type ConfigProblem } from '../core/config-schema.js';
import stripAnsi from 'strip-ansi';
import { jsonMistake, jsonSyntaxError } from '../core/json-syntax.js';
import { languageFromEnv, message, translator, type Language } from '../core/messages/index.js';
import { readBounded } from './bounded-read.js';

export interface LoadedConfig {
  config: Config;
  /** The file the values came from, or null for the defaults. */
  path: string | null;
  /** What the problems are about, for the lines that report them: a file, or DOCKHOOK_CONFIG. */
  source: string;
  /** One line each: a broken file, unknown keys, a wrong value. */
  problems: ConfigProblem[];
}

/** 1 MiB: a dockhook config is a few hundred bytes. */
const CONFIG_LIMIT = 1024 * 1024;
const EXECUTABLE = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

/** The places searched, in order: all absolute, all the user's own. */
export function trustedPlaces(env: Readonly<Record<string, string | undefined>>, home: string): string[] {
  if (!home.startsWith('/')) return [];
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : `${home}/.config`;
  const base = home === '/' ? '' : home;
  return [
    ...['config.json', 'config.yaml', 'config.yml'].map((name) => `${xdg}/dockhook/${name}`),
    ...['.dockhookrc', '.dockhookrc.json', '.dockhookrc.yaml', '.dockhookrc.yml'].map((name) => `${base}/${name}`),
  ];
}

/** The parser's reason in one line: not its "JSON Error in FILE:" heading, not its code frame. */
export function parseReason(error: unknown): string {
  // On a terminal parse-json colours its code frame: the escapes go before anything is read.
  const lines = stripAnsi(String((error as Error)?.message ?? error))
    .split('\n')
    .map((line) => line.trim());
  const reason = lines.find((line) => line !== '' && !/^(JSON|YAML) Error in /.test(line) && !/^(>|\||-+\^|\d+ \|)/.test(line)) ?? 'unreadable';
  const short = reason.replace(/ while parsing .*$/, '');
  return short.length > 200 ? `${short.slice(0, 197)}...` : short;
}

type Parsed = { ok: true; value: unknown } | { ok: false; problem: ConfigProblem };

async function parseFile(path: string, text: string, language: Language): Promise<Parsed> {
  const ext = extname(path).toLowerCase();
  // JSON: where the mistake is, in line and column and the user's language (the parser says only
  // "at position N", in English, or a colour code frame on a terminal).
  if (ext === '.json') {
    const syntax = jsonSyntaxError(text.replace(/^\uFEFF/, ''));
    if (syntax) {
      const { line, column } = syntax;
      return { ok: false, problem: message('config.json-syntax', { what: jsonMistake(translator(language), { message: '', ...syntax }), line, column }) };
    }
  }
  const { defaultLoaders } = await import('cosmiconfig');
  const loader = ext === '.json' ? defaultLoaders['.json'] : defaultLoaders['.yaml'];
  try {
    // cosmiconfig's own parsers (parse-json, js-yaml's safe schema), given text, not a path.
    return { ok: true, value: await loader(path, text) };
  } catch (error) {
    return { ok: false, problem: message('config.unreadable', { message: parseReason(error) }) };
  }
}

function loaded(path: string | null, source: string, raw: unknown, extra: ConfigProblem[] = []): LoadedConfig {
  const { config, problems } = validateConfig(raw);
  return { config, path, source, problems: [...extra, ...problems] };
}

function defaults(source: string, problem: ConfigProblem): LoadedConfig {
  return { config: structuredClone(DEFAULT_CONFIG), path: null, source, problems: [problem] };
}

async function readConfigFile(path: string, language: Language): Promise<LoadedConfig | 'missing' | 'empty'> {
  const read = await readBounded(path, { limit: CONFIG_LIMIT });
  if (!read.ok) {
    if (read.reason === 'missing') return 'missing';
    if (read.reason === 'not-regular') return defaults(path, message('config.not-regular'));
    if (read.reason === 'too-large') return defaults(path, message('config.too-large', { limit: CONFIG_LIMIT }));
    return defaults(path, message('config.unreadable', { message: read.message }));
  }
  if (read.text.trim() === '') return 'empty';
  const parsed = await parseFile(path, read.text, language);
  if (!parsed.ok) return defaults(path, parsed.problem);
  return loaded(path, path, parsed.value);
}

export async function loadConfig(env: Readonly<Record<string, string | undefined>>, home: string): Promise<LoadedConfig> {
  // A broken file gives the defaults, whose language follows the locale: the problem is worded in it.
  const language = languageFromEnv(env);
  const explicit = env.DOCKHOOK_CONFIG;
  if (explicit) {
    const source = `DOCKHOOK_CONFIG=${explicit}`;
    if (!explicit.startsWith('/')) return defaults(source, message('config.relative', { path: explicit }));
    if (EXECUTABLE.includes(extname(explicit).toLowerCase())) return defaults(explicit, message('config.refuse-exec', { path: explicit }));
    const result = await readConfigFile(explicit, language);
    if (result === 'missing') return defaults(source, message('config.missing', { path: explicit }));
    return result === 'empty' ? loaded(explicit, explicit, null) : result;
  }
  for (const path of trustedPlaces(env, home)) {
    const result = await readConfigFile(path, language);
    // Like cosmiconfig's search: a missing or empty file lets the search go on.
    if (result === 'missing' || result === 'empty') continue;
    return result;
  }
  return loaded(null, 'defaults', null);
}
