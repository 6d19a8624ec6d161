// The docker CLI's global flags sit before the subcommand (docker/cli cli/flags/options.go).
// dockhook needs the ones that choose an endpoint or a config directory.

export interface GlobalFlags {
  host: string | null;
  context: string | null;
  config: string | null;
  tls: boolean;
  /** Index of the subcommand in argv, or argv.length when there is none. */
  subcommandIndex: number;
}

const WITH_VALUE = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

export function parseGlobalFlags(argv: readonly string[]): GlobalFlags {
  const flags: GlobalFlags = { host: null, context: null, config: null, tls: false, subcommandIndex: argv.length };
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--') {
      i += 1;
      break;
    }
    let name = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else if (/^-[Hcl]./.test(arg)) {
      // pflag accepts the value glued to a short flag: -Hunix:///x, and -H=unix:///x.
      name = arg.slice(0, 2);
      value = arg.slice(2).replace(/^=/, '');
    }
    if (WITH_VALUE.has(name) && value === undefined) {
      value = argv[i + 1];
      i += 1;
    }
    i += 1;
    if (name === '-H' || name === '--host') flags.host = value ?? null;
    else if (name === '-c' || name === '--context') flags.context = value ?? null;
    else if (name === '--config') flags.config = value ?? null;
    else if (name === '--tls' || name === '--tlsverify') flags.tls = value === undefined || value === 'true';
  }
  flags.subcommandIndex = Math.min(i, argv.length);
  return flags;
}
