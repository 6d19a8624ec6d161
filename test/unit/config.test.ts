// A config planted in the directory where the user types `docker` must never run or be obeyed
// (docs/research/style-and-config.md, "Configuration": cosmiconfig's meta config is read from process.cwd()).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { currentUser } from '../../src/io/system.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig, DEFAULT_CONFIG } from '../../src/core/config-schema.js';
import { loadConfig, parseReason } from '../../src/io/config.js';
import { say, translator } from '../../src/core/messages/index.js';
import type { ConfigProblem } from '../../src/core/config-schema.js';

const t = translator('en');
const text = (problems: ConfigProblem[]) => problems.map((p) => say(t, p)).join('\n');

let root: string;
let home: string;
let repo: string;
let marker: string;
const previousCwd = process.cwd();

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dockhook-config-'));
  home = join(root, 'home');
  repo = join(root, 'cloned-repo');
  marker = join(root, 'PWNED');
  mkdirSync(home, { recursive: true });
  mkdirSync(repo, { recursive: true });
  const payload = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = { autoApply: 'all' };`;
  // Every trick from the table in docs/research/style-and-config.md, planted at once.
  write(join(repo, '.config/config.js'), payload);
  write(join(repo, '.config/config.json'), JSON.stringify({ dockhook: { autoApply: 'all' }, cosmiconfig: { searchPlaces: ['.config/{name}.js'] } }));
  write(join(repo, '.config/dockhook.js'), payload);
  write(join(repo, '.dockhookrc.json'), JSON.stringify({ $import: 'evil.cjs', autoApply: 'all' }));
  write(join(repo, 'evil.cjs'), payload);
  write(join(repo, 'dockhook.config.js'), payload);
  write(join(repo, 'package.json'), JSON.stringify({ name: 'x', dockhook: { autoApply: 'all' }, cosmiconfig: { searchPlaces: ['dockhook.config.js'] } }));
  process.chdir(repo);
});

afterEach(() => {
  process.chdir(previousCwd);
  rmSync(root, { recursive: true, force: true });
});

describe('loadConfig in an untrusted directory', () => {
  it('without a config of the user: defaults, nothing executed, nothing obeyed', async () => {
    const loaded = await loadConfig({ HOME: home }, home);
    expect(existsSync(marker)).toBe(false);
    expect(loaded.path).toBeNull();
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(process.cwd()).toBe(repo);
  });

  it('reads the XDG config of the user, still ignoring the planted files', async () => {
    write(join(home, '.config/dockhook/config.json'), JSON.stringify({ autoApply: 'safe', language: 'zh' }));
    const loaded = await loadConfig({ HOME: home }, home);
    expect(existsSync(marker)).toBe(false);
    expect(loaded.path).toBe(join(home, '.config/dockhook/config.json'));
    expect(loaded.config.autoApply).toBe('safe');
    expect(loaded.config.language).toBe('zh');
  });

  it('honours XDG_CONFIG_HOME and YAML', async () => {
    const xdg = join(root, 'xdg');
    write(join(xdg, 'dockhook/config.yaml'), 'autoApply: safe\nrootless:\n  prefer: always\n');
    const loaded = await loadConfig({ HOME: home, XDG_CONFIG_HOME: xdg }, home);
    expect(loaded.config.rootless.prefer).toBe('always');
  });

  it('reads ~/.dockhookrc.json', async () => {
    write(join(home, '.dockhookrc.json'), JSON.stringify({ probeTimeoutMs: 900 }));
    expect((await loadConfig({ HOME: home }, home)).config.probeTimeoutMs).toBe(900);
  });

  it('never executes a JS config, even one the user names in DOCKHOOK_CONFIG', async () => {
    const loaded = await loadConfig({ HOME: home, DOCKHOOK_CONFIG: join(repo, 'dockhook.config.js') }, home);
    expect(existsSync(marker)).toBe(false);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(text(loaded.problems)).toMatch(/refusing to execute/);
  });

  it('refuses a $import of JS from a trusted file', async () => {
    write(join(home, '.config/dockhook/config.json'), JSON.stringify({ $import: join(repo, 'evil.cjs') }));
    const loaded = await loadConfig({ HOME: home }, home);
    expect(existsSync(marker)).toBe(false);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.problems).toHaveLength(1);
  });

  it('a broken file gives one line and the defaults', async () => {
    write(join(home, '.config/dockhook/config.json'), '{ "autoApply": ');
    const loaded = await loadConfig({ HOME: home }, home);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.problems).toHaveLength(1);
    expect(text(loaded.problems)).not.toMatch(/\n/);
  });

  it('DOCKHOOK_CONFIG must be absolute', async () => {
    const loaded = await loadConfig({ HOME: home, DOCKHOOK_CONFIG: 'relative.json' }, home);
    expect(text(loaded.problems)).toMatch(/absolute/);
  });
});

describe('loadConfig: what a hostile directory or file can try', () => {
  it('a planted ~/.config/config.cjs (cosmiconfig meta config) never runs, even with a ~/.dockhookrc.json', async () => {
    write(join(home, '.config/config.cjs'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = {};`);
    write(join(home, '.config/config.json'), JSON.stringify({ dockhook: { autoApply: 'all' } }));
    write(join(home, '.dockhookrc.json'), JSON.stringify({ probeTimeoutMs: 900 }));
    process.chdir(home);
    const loaded = await loadConfig({ HOME: home }, home);
    expect(existsSync(marker)).toBe(false);
    expect(loaded.config.probeTimeoutMs).toBe(900);
    expect(loaded.config.autoApply).toBe('never');
  });

  it('DOCKHOOK_CONFIG in a shared directory: the .config/config.cjs next to it never runs', async () => {
    const shared = join(root, 'shared');
    write(join(shared, '.config/config.cjs'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = {};`);
    write(join(shared, 'dockhook.json'), JSON.stringify({ retry: false }));
    const loaded = await loadConfig({ HOME: home, DOCKHOOK_CONFIG: join(shared, 'dockhook.json') }, home);
    expect(existsSync(marker)).toBe(false);
    expect(loaded.config.retry).toBe(false);
  });

  it('HOME=. is not a home: the password database says where home is', async () => {
    expect(currentUser({ HOME: '.' }).home).toMatch(/^\//);
    expect(currentUser({ HOME: 'repo' }).home).toMatch(/^\//);
    const loaded = await loadConfig({ HOME: '.' }, '.');
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.path).toBeNull();
  });

  it('a FIFO as ~/.dockhookrc.json: one line at once, never a hang', async () => {
    execFileSync('mkfifo', [join(home, '.dockhookrc.json')]);
    const started = Date.now();
    const loaded = await loadConfig({ HOME: home }, home);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(text(loaded.problems)).toMatch(/not a regular file/);
    expect(loaded.source).toBe(join(home, '.dockhookrc.json'));
  });

  it('a huge file is refused without reading it all', async () => {
    write(join(home, '.dockhookrc.json'), `{"retry": false, "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    const loaded = await loadConfig({ HOME: home }, home);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(text(loaded.problems)).toMatch(/larger than/);
  });

  it('$import of a file with a thousand keys: one line, nothing imported', async () => {
    const big = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key${i}`, i]));
    write(join(home, 'big.json'), JSON.stringify(big));
    write(join(home, '.dockhookrc.json'), JSON.stringify({ $import: join(home, 'big.json'), ...Object.fromEntries(Object.entries(big).slice(0, 300)) }));
    const loaded = await loadConfig({ HOME: home }, home);
    expect(loaded.problems).toHaveLength(2);
    expect(text(loaded.problems)).toMatch(/\$import" is not supported/);
    expect(text(loaded.problems)).toMatch(/unknown keys ignored: key0, key1, key2, key3, key4 \(\+295\)/);
  });

  it("a broken file names itself and the parser's reason, in one line", async () => {
    write(join(home, '.config/dockhook/config.json'), '{"a":1,}');
    const loaded = await loadConfig({ HOME: home }, home);
    expect(loaded.source).toBe(join(home, '.config/dockhook/config.json'));
    // Where the mistake is (the comma), in line and column — not the parser's "at position 7".
    expect(text(loaded.problems)).toBe('not valid JSON: a comma before the closing bracket (remove that comma) (line 1, column 7); using the defaults');
  });

  it("a JSON syntax error is worded in the locale's language, with no parser English and no colour codes", async () => {
    write(join(home, '.config/dockhook/config.json'), '{ autoApply: safe,, }');
    const en = await loadConfig({ HOME: home, FORCE_COLOR: '3' }, home);
    expect(text(en.problems)).toBe('not valid JSON: a property name in double quotes is expected here, not "autoApply" (line 1, column 3); using the defaults');
    const zh = await loadConfig({ HOME: home, LANG: 'zh_CN.UTF-8', FORCE_COLOR: '3' }, home);
    const said = zh.problems.map((p) => say(translator('zh'), p)).join('\n');
    expect(said).toBe('不是合法的 JSON：此处应是带双引号的属性名，而不是 "autoApply"（第 1 行第 3 列）；改用默认值');
    expect(said).not.toMatch(/\x1b|\\x1b/);
  });

  it('a parser message with colour codes is read without them', () => {
    const coloured =
      'JSON Error in /x/config.json:\n\x1b[0m\x1b[31m\x1b[1m>\x1b[22m\x1b[39m\x1b[90m 1 |\x1b[39m { a\x1b[33m:\x1b[39m b }\n\nUnexpected token "a" (0x61) in JSON at position 2 while parsing near "{ a: b }"';
    expect(parseReason(new Error(coloured))).toBe('Unexpected token "a" (0x61) in JSON at position 2');
  });

  it('without DOCKHOOK_CONFIG, no line blames it', async () => {
    write(join(home, '.dockhookrc.yaml'), 'autoApply: [');
    const loaded = await loadConfig({ HOME: home }, home);
    expect(loaded.source).toBe(join(home, '.dockhookrc.yaml'));
    expect(loaded.problems).toHaveLength(1);
  });

  it('DOCKHOOK_CONFIG naming a missing file says so', async () => {
    const loaded = await loadConfig({ HOME: home, DOCKHOOK_CONFIG: join(root, 'nope.json') }, home);
    expect(loaded.source).toBe(`DOCKHOOK_CONFIG=${join(root, 'nope.json')}`);
    expect(text(loaded.problems)).toMatch(/no such file/);
  });
});

describe('privilege comes from an allow-list', () => {
  it.each([
    [['sudo']],
    [['doas']],
    [['run0']],
    [['pkexec']],
    [['/usr/bin/sudo', '-E']],
    [['doas', '-n']],
    [['sudo', '-n', '-H']],
    [['run0', '--no-ask-password']],
  ])('%j is accepted', (sudo) => {
    const { config, problems } = validateConfig({ sudo });
    expect(problems).toEqual([]);
    expect(config.sudo).toEqual(sudo);
  });
});

describe('validateConfig', () => {
  it('keeps good values', () => {
    const { config, problems } = validateConfig({
      autoApply: 'all',
      retry: false,
      sudo: ['doas'],
      disabledFixes: ['enable-service'],
      rootless: { prefer: 'never', host: 'unix:///run/user/7/docker.sock' },
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      autoApply: 'all',
      retry: false,
      sudo: ['doas'],
      disabledFixes: ['enable-service'],
      rootless: { prefer: 'never', host: 'unix:///run/user/7/docker.sock' },
    });
  });

  it.each([
    [{ autoApply: 'yes' }, /autoApply/],
    [{ sudo: 'sudo -E' }, /sudo/],
    [{ sudo: ['sudo', 'rm -rf /;'] }, /sudo/],
    [{ probeTimeoutMs: 0 }, /probeTimeoutMs/],
    [{ rootless: { host: 'tcp://x:1' } }, /rootless.host/],
    [{ colour: true }, /unknown keys ignored: colour/],
    [{ sudo: ['sh', '-c', 'id'] }, /sudo/],
    [{ sudo: ['sudo', 'sh', '-c', 'id'] }, /sudo/],
    [{ sudo: ['./sudo'] }, /sudo/],
    [{ sudo: ['/tmp/../usr/bin/sudo'] }, /sudo/],
    [{ sudo: ['sudo', '-u', 'root'] }, /sudo/],
    [{ sudo: ['sudo', '-s'] }, /sudo/],
    [{ sudo: ['doas', '-s'] }, /sudo/],
    [{ sudo: [] }, /sudo/],
    [[1, 2], /object/],
  ])('%j is reported and defaulted', (raw, problem) => {
    const { config, problems } = validateConfig(raw);
    expect(text(problems)).toMatch(problem);
    expect(config.sudo).toEqual(DEFAULT_CONFIG.sudo);
    expect(config.autoApply).toBe('never');
  });
});
