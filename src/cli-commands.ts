// Every command dockhook answers, with its options and its help, in one table: the parser in
// cli.ts accepts exactly the options listed here, so the help cannot drift from what works.
// Adding an option: add it here with its help line (both catalogues), then read it in cli.ts.
import type { MessageId, ParamNames } from './core/messages/index.js';

/** A message without placeholders: help text is worded as it stands. */
export type PlainId = { [K in MessageId]: [ParamNames<K>] extends [never] ? K : never }[MessageId];

export interface OptionHelp {
  type: 'boolean' | 'string';
  short?: string;
  /** The value's name in the help (`--status {n}`), a metavariable of metaVariables(). */
  value?: string;
  help: PlainId;
}

export interface CommandHelp {
  /** Command lines: the syntax stays, metavariables ({file}, {command}, …) are translated. */
  synopsis: readonly string[];
  /** One line for the command list of `dockhook --help`. */
  about: PlainId;
  description: PlainId;
  options: Readonly<Record<string, OptionHelp>>;
  examples: ReadonlyArray<readonly [command: string, about: PlainId]>;
  exits: ReadonlyArray<readonly [status: string, about: PlainId]>;
}

const envOut: OptionHelp = { type: 'string', value: '{file}', help: 'help.opt.env-out' };

export const COMMANDS = {
  doctor: {
    synopsis: ['dockhook doctor [--json] [--logs]'],
    about: 'help.doctor.about',
    description: 'help.doctor.description',
    options: { json: { type: 'boolean', help: 'help.opt.doctor-json' }, logs: { type: 'boolean', help: 'help.opt.doctor-logs' } },
    examples: [
      ['dockhook doctor', 'help.ex.doctor'],
      ['dockhook doctor --logs', 'help.ex.doctor-logs'],
      ['dockhook doctor --json | jq -r .diagnosis.cause', 'help.ex.doctor-json'],
    ],
    exits: [
      ['0', 'help.exit.reachable'],
      ['1', 'help.exit.unreachable'],
      ['2', 'help.exit.usage'],
    ],
  },
  fix: {
    synopsis: ['dockhook fix [--yes] [--dry-run]'],
    about: 'help.fix.about',
    description: 'help.fix.description',
    options: {
      yes: { type: 'boolean', short: 'y', help: 'help.opt.fix-yes' },
      'dry-run': { type: 'boolean', help: 'help.opt.fix-dry-run' },
      'env-out': envOut,
    },
    examples: [
      ['dockhook fix', 'help.ex.fix'],
      ['dockhook fix --dry-run', 'help.ex.fix-dry-run'],
    ],
    exits: [
      ['0', 'help.exit.fixed'],
      ['1', 'help.exit.not-fixed'],
      ['2', 'help.exit.usage'],
    ],
  },
  init: {
    synopsis: ['dockhook init bash|zsh|fish'],
    about: 'help.init.about',
    description: 'help.init.description',
    options: {},
    examples: [
      ['eval "$(dockhook init bash)"', 'help.ex.init-bash'],
      ['eval "$(dockhook init zsh)"', 'help.ex.init-zsh'],
      ['dockhook init fish | source', 'help.ex.init-fish'],
    ],
    exits: [
      ['0', 'help.exit.printed'],
      ['2', 'help.exit.unknown-shell'],
    ],
  },
  classify: {
    synopsis: ['dockhook classify [--json] < {text}'],
    about: 'help.classify.about',
    description: 'help.classify.description',
    options: { json: { type: 'boolean', help: 'help.opt.classify-json' } },
    examples: [
      ['docker ps 2>&1 | dockhook classify', 'help.ex.classify'],
      ['dockhook classify --json < ci.log', 'help.ex.classify-json'],
    ],
    exits: [
      ['0', 'help.exit.match'],
      ['1', 'help.exit.no-match'],
      ['2', 'help.exit.usage'],
    ],
  },
  config: {
    synopsis: ['dockhook config [--json]'],
    about: 'help.config.about',
    description: 'help.config.description',
    options: { json: { type: 'boolean', help: 'help.opt.config-json' } },
    examples: [
      ['dockhook config', 'help.ex.config'],
      ['DOCKHOOK_CONFIG=/etc/dockhook.json dockhook config', 'help.ex.config-explicit'],
    ],
    exits: [
      ['0', 'help.exit.config'],
      ['2', 'help.exit.usage'],
    ],
  },
  exec: {
    synopsis: ['dockhook exec [--env-out {file}] -- {dockerArgs}'],
    about: 'help.exec.about',
    description: 'help.exec.description',
    options: { 'env-out': envOut },
    examples: [
      ['dockhook exec -- ps -a', 'help.ex.exec'],
      ['dockhook exec -- --help', 'help.ex.exec-help'],
    ],
    exits: [
      ['N', 'help.exit.docker'],
      ['128+N', 'help.exit.signal'],
      ['2', 'help.exit.usage'],
    ],
  },
  check: {
    synopsis: ['dockhook check [--status {n}] [--env-out {file}] -- {dockerArgs}'],
    about: 'help.check.about',
    description: 'help.check.description',
    options: { status: { type: 'string', value: '{n}', help: 'help.opt.check-status' }, 'env-out': envOut },
    examples: [['dockhook check --status 1 -- ps', 'help.ex.check']],
    exits: [
      ['N', 'help.exit.check'],
      ['2', 'help.exit.usage'],
    ],
  },
  help: {
    synopsis: ['dockhook help [{command}]', 'dockhook {command} --help'],
    about: 'help.help.about',
    description: 'help.help.description',
    options: {},
    examples: [['dockhook help doctor', 'help.ex.help']],
    exits: [
      ['0', 'help.exit.help'],
      ['2', 'help.exit.unknown-command'],
    ],
  },
  version: {
    synopsis: ['dockhook --version'],
    about: 'help.version.about',
    description: 'help.version.about',
    options: {},
    examples: [],
    exits: [['0', 'help.exit.help']],
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMANDS;

export function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** Environment variables dockhook reads, for the overview. */
export const ENVIRONMENT: ReadonlyArray<readonly [name: string, about: PlainId]> = [
  ['DOCKHOOK_DISABLE', 'help.env.disable'],
  ['DOCKHOOK_CONFIG', 'help.env.config'],
  ['LC_ALL, LC_MESSAGES, LANG', 'help.env.language'],
  ['NO_COLOR, FORCE_COLOR', 'help.env.colour'],
];
