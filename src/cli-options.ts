// dockhook's own options, parsed strictly: an unknown or malformed option is a usage error,
// never silently ignored. (node:util's parseArgs does the same but costs ~1.7 ms to load.)
import { message, type Message } from './core/messages/index.js';

/** A mistake in how dockhook was called: one line from the catalogue, exit status 2. */
export class UsageError extends Error {
  /** `command` names the command whose help the error line points to (none: the overview). */
  constructor(
    readonly reason: Message,
    readonly command: string | null = null,
  ) {
    super(reason.id);
  }
}

export type OptionSpec = Record<string, { type: 'boolean' | 'string'; short?: string }>;
export type OptionValues<S> = { [K in keyof S]?: S[K] extends { type: 'boolean' } ? boolean : string };

export function parseOptions<S extends OptionSpec>(command: string, args: readonly string[], spec: S): { values: OptionValues<S>; positionals: string[] } {
  const values: Record<string, boolean | string> = {};
  const positionals: string[] = [];
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, o]) => o.short)
      .map(([name, o]) => [o.short!, name]),
  );
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const long = arg.startsWith('--');
    const name = long ? arg.slice(2, eq > 0 ? eq : undefined) : byShort.get(arg.slice(1));
    const option = name === undefined ? undefined : spec[name];
    if (name === undefined || option === undefined || (!long && arg.length !== 2))
      throw new UsageError(message('usage.unknown-option', { flag: arg, command }), command);
    if (option.type === 'boolean') {
      if (eq > 0) throw new UsageError(message('usage.unknown-option', { flag: arg, command }), command);
      values[name] = true;
    } else if (eq > 0) {
      values[name] = arg.slice(eq + 1);
    } else {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(message('usage.missing-value', { flag: arg, command }), command);
      values[name] = value;
      i += 1;
    }
  }
  return { values: values as OptionValues<S>, positionals };
}
