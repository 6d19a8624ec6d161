// dockhook's entry: argv → command → exit status. Nothing runs at import time, heavy modules
// load only in the commands that need them, and a fault of dockhook's never costs the user
// their docker command (`exec` falls back to running docker plainly).
import { createContext, type AppContext } from './app/context.js';
import { COMMANDS, isCommand, type CommandName } from './cli-commands.js';
import { parseOptions, UsageError, type OptionSpec, type OptionValues } from './cli-options.js';
import { message, say } from './core/messages/index.js';
import { childEnv, dockerBinary, dockerExitStatus, signalToRepeat } from './io/docker.js';
import { markRunning } from './io/envfile.js';
import { writeOut } from './io/stderr.js';

const VERSION = '0.1.0';

/** Splits `[own options] -- docker args`; without `--` everything is docker's. */
function splitDockerArgs(args: string[]): { own: string[]; docker: string[] } {
  const dash = args.indexOf('--');
  if (dash >= 0) return { own: args.slice(0, dash), docker: args.slice(dash + 1) };
  return { own: [], docker: args };
}

type OwnOptions<N extends CommandName> = (typeof COMMANDS)[N]['options'] & { help: { type: 'boolean' } };

/** Parses a command's own options as listed in cli-commands.ts, plus -h/--help. */
function optionsOf<N extends CommandName>(
  name: N,
  args: readonly string[],
  maxPositionals = 0,
): { values: OptionValues<OwnOptions<N>>; positionals: string[] } {
  const spec: OptionSpec = { ...COMMANDS[name].options, help: { type: 'boolean', short: 'h' } };
  const parsed = parseOptions(name, args, spec) as { values: OptionValues<OwnOptions<N>>; positionals: string[] };
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined && parsed.values.help !== true) throw new UsageError(message('usage.unexpected', { arg: extra, command: name }), name);
  return parsed;
}

async function showHelp(ctx: AppContext, name: CommandName | null): Promise<number> {
  const { config } = await ctx.loadConfig();
  const { commandHelp, overviewHelp } = await import('./cli-help.js');
  writeOut(name === null ? overviewHelp(ctx.t(config)) : commandHelp(ctx.t(config), name));
  return 0;
}

async function run(ctx: AppContext, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'init': {
      const parsed = optionsOf('init', rest, 1);
      if (parsed.values.help) return showHelp(ctx, 'init');
      if (parsed.positionals.length !== 1) throw new UsageError(message('usage.init-shell'), 'init');
      const { initCommand } = await import('./commands/init.js');
      return initCommand(ctx, parsed.positionals[0]);
    }
    case 'exec': {
      const { own, docker } = splitDockerArgs(rest);
      // `dockhook exec --help` alone is a person asking; docker's help is `exec -- --help`.
      if (own.length === 0 && docker.length === 1 && (docker[0] === '--help' || docker[0] === '-h') && !rest.includes('--')) return showHelp(ctx, 'exec');
      const parsed = optionsOf('exec', own);
      if (parsed.values.help) return showHelp(ctx, 'exec');
      markRunning(parsed.values['env-out'] ?? null);
      const { execCommand } = await import('./commands/exec.js');
      return execCommand(ctx, docker, parsed.values['env-out'] ?? null);
    }
    case 'check': {
      const { own, docker } = splitDockerArgs(rest);
      if (own.length === 0 && docker.length === 1 && (docker[0] === '--help' || docker[0] === '-h') && !rest.includes('--')) return showHelp(ctx, 'check');
      const parsed = optionsOf('check', own);
      if (parsed.values.help) return showHelp(ctx, 'check');
      // Digits only: Number('') is 0, and a lost status must not read as success.
      const given = parsed.values.status ?? '1';
      const status = /^[0-9]{1,3}$/.test(given) ? Number(given) : NaN;
      if (!Number.isInteger(status) || status < 0 || status > 255) throw new UsageError(message('usage.status', { value: given }), 'check');
      markRunning(parsed.values['env-out'] ?? null);
      const { checkCommand } = await import('./commands/check.js');
      return checkCommand(ctx, docker, status, parsed.values['env-out'] ?? null);
    }
    case 'doctor': {
      const parsed = optionsOf('doctor', rest);
      if (parsed.values.help) return showHelp(ctx, 'doctor');
      const { doctorCommand } = await import('./commands/doctor.js');
      return doctorCommand(ctx, { json: parsed.values.json === true, logs: parsed.values.logs === true });
    }
    case 'fix': {
      const parsed = optionsOf('fix', rest);
      if (parsed.values.help) return showHelp(ctx, 'fix');
      const { fixCommand } = await import('./commands/fix.js');
      return fixCommand(ctx, { yes: parsed.values.yes === true, dryRun: parsed.values['dry-run'] === true, envOut: parsed.values['env-out'] ?? null });
    }
    case 'classify': {
      const parsed = optionsOf('classify', rest);
      if (parsed.values.help) return showHelp(ctx, 'classify');
      const { classifyCommand } = await import('./commands/classify.js');
      return classifyCommand(ctx, { json: parsed.values.json === true });
    }
    case 'config': {
      const parsed = optionsOf('config', rest);
      if (parsed.values.help) return showHelp(ctx, 'config');
      const { configCommand } = await import('./commands/config.js');
      return configCommand(ctx, { json: parsed.values.json === true });
    }
    case '--version':
    case 'version': {
      const parsed = optionsOf('version', rest);
      if (parsed.values.help) return showHelp(ctx, 'version');
      writeOut(`dockhook ${VERSION}\n`);
      return 0;
    }
    case '--help':
    case '-h':
    case 'help': {
      const parsed = optionsOf('help', rest, 1);
      const target = parsed.positionals[0];
      if (target === undefined) return showHelp(ctx, parsed.values.help && command === 'help' ? 'help' : null);
      const name = target === '--version' ? 'version' : target;
      if (!isCommand(name)) throw new UsageError(message('usage.unknown-command', { command: target }));
      return showHelp(ctx, name);
    }
    case undefined: {
      // A bare `dockhook`: what it can do, on stderr, as a usage error.
      const { overviewHelp } = await import('./cli-help.js');
      ctx.say(overviewHelp(ctx.t()).trimEnd());
      return 2;
    }
    default:
      throw new UsageError(message('usage.unknown-command', { command }));
  }
}

/** Last resort for the shim: run docker exactly as the user asked, with no dockhook at all. */
async function plainDocker(ctx: AppContext, argv: string[]): Promise<number> {
  const { spawnSync } = await import('node:child_process');
  const { docker } = splitDockerArgs(argv.slice(1));
  const result = spawnSync(dockerBinary(ctx.env), docker, { stdio: 'inherit', env: childEnv(ctx.env) });
  if (result.error) return 127;
  return dockerExitStatus(result.status, result.signal);
}

export async function main(argv: string[]): Promise<number> {
  const ctx = createContext();
  try {
    return await run(ctx, argv);
  } catch (error) {
    if (error instanceof UsageError) {
      const t = ctx.t();
      ctx.say(t('error.usage', { message: say(t, error.reason), help: error.command ? `dockhook ${error.command} --help` : 'dockhook --help' }));
      return 2;
    }
    ctx.say(ctx.t()('error.internal', { message: (error as Error).message }));
    // exec reaches here only when docker has not run yet (after that, it catches its own).
    if (argv[0] === 'exec') return plainDocker(ctx, argv);
    return 2;
  }
}

// Exit explicitly: a stray handle (a terminal stream, a timer) must not keep the shell waiting.
main(process.argv.slice(2)).then(
  (status) => {
    // docker died of Ctrl-C: die of it too, so the shell sees what plain docker gives.
    const signal = signalToRepeat(status);
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(status);
  },
  () => process.exit(2),
);
