// dockhook's entry: argv → command → exit status. Nothing runs at import time, heavy modules
// load only in the commands that need them, and a fault of dockhook's never costs the user
// their docker command (`exec` falls back to running docker plainly).
import { createContext, type AppContext } from './app/context.js';
import { parseOptions, UsageError } from './cli-options.js';
import { message, say } from './core/messages/index.js';
import { childEnv, dockerBinary, exitStatus } from './io/docker.js';
import { writeOut } from './io/stderr.js';

const VERSION = '0.1.0';


/** Splits `[own options] -- docker args`; without `--` everything is docker's. */
function splitDockerArgs(args: string[]): { own: string[]; docker: string[] } {
  const dash = args.indexOf('--');
  if (dash >= 0) return { own: args.slice(0, dash), docker: args.slice(dash + 1) };
  return { own: [], docker: args };
}

function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(message('usage.unexpected', { arg: positionals[0] ?? '', command }));
}

async function run(ctx: AppContext, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'init': {
      const { initCommand } = await import('./commands/init.js');
      if (rest.length !== 1) throw new UsageError(message('usage.init-shell'));
      return initCommand(ctx, rest[0]);
    }
    case 'exec': {
      const { own, docker } = splitDockerArgs(rest);
      const parsed = parseOptions('exec', own, { 'env-out': { type: 'string' } });
      noPositionals('exec', parsed.positionals);
      const { execCommand } = await import('./commands/exec.js');
      return execCommand(ctx, docker, parsed.values['env-out'] ?? null);
    }
    case 'check': {
      const { own, docker } = splitDockerArgs(rest);
      const parsed = parseOptions('check', own, { status: { type: 'string' }, 'env-out': { type: 'string' } });
      noPositionals('check', parsed.positionals);
      const status = Number(parsed.values.status ?? '1');
      if (!Number.isInteger(status) || status < 0 || status > 255) throw new UsageError(message('usage.status', { value: String(parsed.values.status) }));
      const { checkCommand } = await import('./commands/check.js');
      return checkCommand(ctx, docker, status, parsed.values['env-out'] ?? null);
    }
    case 'doctor': {
      const parsed = parseOptions('doctor', rest, { json: { type: 'boolean' } });
      noPositionals('doctor', parsed.positionals);
      const { doctorCommand } = await import('./commands/doctor.js');
      return doctorCommand(ctx, { json: parsed.values.json === true });
    }
    case 'fix': {
      const parsed = parseOptions('fix', rest, { yes: { type: 'boolean', short: 'y' }, 'dry-run': { type: 'boolean' }, 'env-out': { type: 'string' } });
      noPositionals('fix', parsed.positionals);
      const { fixCommand } = await import('./commands/fix.js');
      return fixCommand(ctx, { yes: parsed.values.yes === true, dryRun: parsed.values['dry-run'] === true, envOut: parsed.values['env-out'] ?? null });
    }
    case 'classify': {
      const parsed = parseOptions('classify', rest, { json: { type: 'boolean' } });
      noPositionals('classify', parsed.positionals);
      const { classifyCommand } = await import('./commands/classify.js');
      return classifyCommand(ctx, { json: parsed.values.json === true });
    }
    case 'config': {
      const parsed = parseOptions('config', rest, { json: { type: 'boolean' } });
      noPositionals('config', parsed.positionals);
      const { configCommand } = await import('./commands/config.js');
      return configCommand(ctx, { json: parsed.values.json === true });
    }
    case '--version':
    case 'version':
      writeOut(`dockhook ${VERSION}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      ctx.say(ctx.t()('error.usage', { message: ctx.t()('usage.version', { version: VERSION }) }));
      return 0;
    case undefined:
      throw new UsageError(message('usage.missing'));
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
  return exitStatus(result.status, result.signal);
}

export async function main(argv: string[]): Promise<number> {
  const ctx = createContext();
  try {
    return await run(ctx, argv);
  } catch (error) {
    if (error instanceof UsageError) {
      const t = ctx.t();
      ctx.say(t('error.usage', { message: say(t, error.reason) }));
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
  (status) => process.exit(status),
  () => process.exit(2),
);
