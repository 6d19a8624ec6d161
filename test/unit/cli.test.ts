// The command line a person meets: real help on stdout, reports on stdout, one readable line
// and status 2 for a mistake. Runs the real entry point (bundled once, as the build does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName } from '../../src/cli-commands.js';
import { commandHelp, overviewHelp } from '../../src/cli-help.js';
import { translator } from '../../src/core/messages/index.js';

let dir: string;
let cli: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhook-cli-'));
  cli = join(dir, 'cli.cjs');
  await build({
    entryPoints: ['src/cli.ts'],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['node-pty', 'typescript'],
    logLevel: 'error',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dockhook(args: string[], env: Record<string, string> = {}, input = ''): Run {
  const home = join(dir, 'home');
  const result = spawnSync(process.execPath, [cli, ...args], {
    input,
    encoding: 'utf8',
    timeout: 20_000,
    // A private home and an endpoint that cannot exist: nothing on this machine is touched.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      NO_COLOR: '1',
      CI: 'true',
      DOCKER_HOST: `unix://${dir}/no-daemon.sock`,
      LANG: 'C.UTF-8',
      ...env,
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const commands = Object.keys(COMMANDS) as CommandName[];

describe('help', () => {
  it.each([['--help'], ['-h'], ['help']])('`dockhook %s` prints the overview on stdout and exits 0', (flag) => {
    const run = dockhook([flag]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(overviewHelp(translator('en')));
    for (const name of commands) expect(run.stdout).toContain(name === 'version' ? '--version' : `  ${name} `);
  });

  it.each(commands)('`dockhook help %s` and `%s --help` print the same full help on stdout', (name) => {
    const byHelp = dockhook(['help', name]);
    const byFlag = dockhook([name === 'version' ? '--version' : name, '--help']);
    expect(byHelp).toEqual({ code: 0, stdout: commandHelp(translator('en'), name), stderr: '' });
    expect(byFlag).toEqual(byHelp);
    expect(byHelp.stdout).toMatch(/^Usage: dockhook /);
    expect(byHelp.stdout).toContain('\nOptions:\n');
    expect(byHelp.stdout).toContain('\nExit status:\n');
  });

  it("`exec --help` alone is dockhook's help; after `--` it is docker's argument", () => {
    expect(dockhook(['exec', '--help']).stdout).toBe(commandHelp(translator('en'), 'exec'));
    expect(dockhook(['exec', '-h']).stdout).toBe(commandHelp(translator('en'), 'exec'));
  });

  it('zh help is the Chinese text, with the same shape', () => {
    const run = dockhook(['help', 'doctor'], { LANG: 'zh_CN.UTF-8' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(commandHelp(translator('zh'), 'doctor'));
    expect(run.stdout).toMatch(/^用法：dockhook doctor \[--json\]/);
  });

  it.each(['en', 'zh'] as const)('every option is documented and no %s help line is wider than 80 columns', (language) => {
    const t = translator(language);
    const columns = (line: string) => [...line].reduce((n, ch) => n + (/[\u2e80-\ua4cf\uac00-\ud7a3\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
    for (const name of commands) {
      const text = commandHelp(t, name);
      for (const option of Object.keys(COMMANDS[name].options)) expect(text).toContain(`--${option}`);
      for (const line of text.split('\n')) expect(columns(line), `${name}: ${line}`).toBeLessThanOrEqual(80);
    }
    for (const line of overviewHelp(t).split('\n')) expect(columns(line), line).toBeLessThanOrEqual(80);
  });
});

describe('mistakes: one readable line on stderr, status 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['doctor', '--frobnicate'], /^dockhook: unknown option --frobnicate for "doctor" \(see `dockhook doctor --help`\)\n$/],
    ['a boolean option given a value', ['config', '--json=yes'], /^dockhook: unknown option --json=yes for "config"/],
    ['an extra argument', ['classify', 'extra'], /^dockhook: unexpected argument "extra" for "classify" \(see `dockhook classify --help`\)\n$/],
    ['an unknown command', ['frobnicate'], /^dockhook: unknown command "frobnicate" \(see `dockhook --help`\)\n$/],
    ['help for an unknown command', ['help', 'frobnicate'], /^dockhook: unknown command "frobnicate"/],
    ['init without a shell', ['init'], /^dockhook: init takes one shell: bash, zsh or fish/],
    ['init with two shells', ['init', 'bash', 'zsh'], /^dockhook: unexpected argument "zsh" for "init"/],
    ['an unknown shell', ['init', 'tcsh'], /^dockhook: unknown shell "tcsh"/],
    ['a missing option value', ['check', '--status', '--'], /^dockhook: --status needs a value/],
    ['a bad status', ['check', '--status', 'x', '--'], /^dockhook: --status must be an exit status from 0 to 255 \(got "x"\)/],
    ['an unknown option of fix', ['fix', '--force'], /^dockhook: unknown option --force for "fix"/],
  ];
  it.each(cases)('%s', (_what, args, pattern) => {
    const run = dockhook(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('the same mistakes are told in Chinese', () => {
    const run = dockhook(['doctor', '--frobnicate'], { LANG: 'zh_CN.UTF-8' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('dockhook: "doctor" 不支持选项 --frobnicate（参见 `dockhook doctor --help`）\n');
  });

  it('a bare `dockhook` shows what it can do, on stderr, with status 2', () => {
    const run = dockhook([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: dockhook COMMAND [OPTIONS]');
  });
});

describe('standalone reports go to stdout', () => {
  it('doctor: the report on stdout, status 1 when nothing answers', () => {
    const run = dockhook(['doctor']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^dockhook doctor\nendpoint: unix:\/\/.*no-daemon\.sock \(from DOCKER_HOST\)\n/);
    expect(run.stdout).toContain('cause: ');
    expect(run.stderr).toBe('');
  });

  it('config: the effective configuration on stdout', () => {
    const run = dockhook(['config']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^config file: none \(defaults\)\n\{/);
  });

  it('classify: the answer on stdout', () => {
    const run = dockhook(['classify'], {}, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^daemon-unreachable: Cannot connect/);
    expect(dockhook(['classify'], {}, 'hello\n')).toEqual({ code: 1, stdout: 'no daemon-connection error found\n', stderr: '' });
  });

  it('--version on stdout', () => {
    expect(dockhook(['--version'])).toEqual({ code: 0, stdout: expect.stringMatching(/^dockhook \d+\.\d+\.\d+\n$/), stderr: '' });
  });
});

describe('fix --dry-run', () => {
  it('shows the diagnosis, says it changed nothing, exits 1', () => {
    const run = dockhook(['fix', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^dockhook: /);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('dockhook: dry run: nothing was run, nothing changed.');
  });

  it('says so in Chinese too', () => {
    const run = dockhook(['fix', '--dry-run'], { LANG: 'zh_CN.UTF-8' });
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('dockhook: 演练模式：没有运行任何命令，也没有做任何改动。');
  });
});

describe('wrapping help text', () => {
  it('breaks English between words and Chinese between characters, never before closing punctuation', async () => {
    const { wrap, width } = await import('../../src/cli-help.js');
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('一二三四五六七八', 8)).toEqual(['一二三四', '五六七八']);
    expect(wrap('一二三，四五六', 6)).toEqual(['一二三，', '四五六']);
    expect(wrap('一二（三四五六', 6)).toEqual(['一二', '（三四', '五六']);
    expect(width('用法：x')).toBe(7);
  });
});
