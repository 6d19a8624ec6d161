// What every command gets: the environment, the machine, the config (loaded on first use),
// the message catalogue and colours. Built once per run, passed down, never global.
import { readFileSync } from 'node:fs';
import { languageFromEnv, say, translator, type Language, type Translate } from '../core/messages/index.js';
import type { Config } from '../core/config-schema.js';
import { shellFromEnv } from '../core/shell-syntax.js';
import type { ShellName } from '../core/types.js';
import { loadConfig, type LoadedConfig } from '../io/config.js';
import { colourLevel, palette, type Palette } from '../io/render.js';
import { useAsciiGlyphs, writeErr } from '../io/stderr.js';
import { utf8Locale } from '../core/glyphs.js';
import { realSystem, type System } from '../io/system.js';
import { isTerminal } from '../io/terminal.js';

export interface AppContext {
  env: Readonly<Record<string, string | undefined>>;
  sys: System;
  /** The shell dockhook was called from: commands it shows are written for it. */
  shell: ShellName;
  readonly stderrIsTTY: boolean;
  loadConfig(): Promise<LoadedConfig>;
  t(config?: Config): Translate;
  /** Colours for what goes to stderr (the default) or, for standalone reports, stdout. */
  colours(stream?: 'stderr' | 'stdout'): Promise<Palette>;
  say(line: string): void;
}

/** The name of the process that started dockhook (the launcher execs node, so: the shell). */
function parentCommand(): string | null {
  try {
    return readFileSync(`/proc/${process.ppid}/comm`, 'utf8');
  } catch {
    return null;
  }
}

export function languageFor(config: Config | undefined, env: AppContext['env']): Language {
  if (config && config.language !== 'auto') return config.language;
  return languageFromEnv(env);
}

export function createContext(env: AppContext['env'] = process.env): AppContext {
  let loaded: Promise<LoadedConfig> | null = null;
  const sys = realSystem(env);
  let stderrIsTTY: boolean | undefined;
  let shell: ShellName | undefined;
  useAsciiGlyphs(!utf8Locale(env));
  return {
    env,
    sys,
    get shell() {
      shell ??= shellFromEnv(env, env._DOCKHOOK_SHELL ? null : parentCommand());
      return shell;
    },
    get stderrIsTTY() {
      stderrIsTTY ??= isTerminal(2);
      return stderrIsTTY;
    },
    loadConfig() {
      loaded ??= loadConfig(env, sys.user.home).then((result) => {
        const t = translator(languageFor(result.config, env));
        for (const problem of result.problems) writeErr(t('error.config', { path: result.source, message: say(t, problem) }));
        return result;
      });
      return loaded;
    },
    t: (config) => translator(languageFor(config, env)),
    colours(stream = 'stderr') {
      return palette(colourLevel(env, stream === 'stdout' ? isTerminal(1) : this.stderrIsTTY));
    },
    say: writeErr,
  };
}
