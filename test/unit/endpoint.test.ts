import { describe, expect, it } from 'vitest';
import { contextDirName, normalizeHost, resolveEndpoint } from '../../src/core/endpoint.js';
import { parseGlobalFlags } from '../../src/core/docker-argv.js';

const HOME = '/home/ada';

/** A context store laid out as docker/cli writes it: contexts/meta/<sha256(name)>/meta.json. */
function store(files: Record<string, string>, contexts: Record<string, string> = {}, configDir = `${HOME}/.docker`) {
  const all: Record<string, string> = { ...files };
  for (const [name, host] of Object.entries(contexts)) {
    all[`${configDir}/contexts/meta/${contextDirName(name)}/meta.json`] = JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
    });
  }
  return (path: string) => all[path] ?? null;
}

function resolve(argv: string[], env: Record<string, string>, readFile = store({})) {
  return resolveEndpoint({ argv, env, home: HOME, readFile });
}

describe('normalizeHost (docker/cli opts/hosts.go)', () => {
  it.each([
    ['', false, 'unix:///var/run/docker.sock'],
    ['', true, 'tcp://localhost:2376'],
    ['unix://', false, 'unix:///var/run/docker.sock'],
    ['unix:///run/user/1000/docker.sock', false, 'unix:///run/user/1000/docker.sock'],
    ['tcp://10.0.0.5', false, 'tcp://10.0.0.5:2375'],
    ['10.0.0.5:2376', false, 'tcp://10.0.0.5:2376'],
    ['tcp://h:2376', true, 'tcp://h:2376'],
    ['ssh://me@box', false, 'ssh://me@box'],
    ['npipe:////./pipe/docker_engine', false, 'npipe:////./pipe/docker_engine'],
  ])('%j (tls %s) → %s', (raw, tls, expected) => {
    expect(normalizeHost(raw, tls)).toBe(expected);
  });
});

describe('parseGlobalFlags', () => {
  it('stops at the subcommand', () => {
    expect(parseGlobalFlags(['-H', 'tcp://x:1', 'run', '-H', 'nope'])).toMatchObject({ host: 'tcp://x:1', subcommandIndex: 2 });
  });
  it('reads glued and = forms', () => {
    expect(parseGlobalFlags(['-Hunix:///a.sock', 'ps']).host).toBe('unix:///a.sock');
    expect(parseGlobalFlags(['--host=tcp://h:2', 'ps']).host).toBe('tcp://h:2');
    expect(parseGlobalFlags(['--context', 'rootless', 'ps']).context).toBe('rootless');
    expect(parseGlobalFlags(['-c=remote', 'ps']).context).toBe('remote');
    expect(parseGlobalFlags(['--config', '/etc/dc', 'ps']).config).toBe('/etc/dc');
    expect(parseGlobalFlags(['--debug', '--log-level', 'warn', 'ps']).subcommandIndex).toBe(3);
  });
});

describe('resolveEndpoint precedence (docker/cli resolveContextName)', () => {
  const contexts = { rootless: 'unix:///run/user/1000/docker.sock', remote: 'ssh://me@box', colima: 'unix:///home/ada/.colima/default/docker.sock' };
  const withCurrent = (name: string) => store({ [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: name }) }, contexts);

  it('defaults to the unix socket', () => {
    expect(resolve([], {})).toMatchObject({ url: 'unix:///var/run/docker.sock', source: 'default', context: null });
  });
  it('--context beats everything', () => {
    expect(resolve(['--context', 'rootless', 'ps'], { DOCKER_HOST: 'tcp://h:1' }, withCurrent('remote'))).toMatchObject({
      url: 'unix:///run/user/1000/docker.sock',
      source: 'flag',
      context: 'rootless',
    });
  });
  it('-H beats DOCKER_HOST', () => {
    expect(resolve(['-H', 'tcp://a:1', 'ps'], { DOCKER_HOST: 'tcp://b:2' })).toMatchObject({ url: 'tcp://a:1', source: 'flag' });
  });
  it('DOCKER_HOST beats DOCKER_CONTEXT (the code, not the docs: docker/buildx#1834)', () => {
    expect(resolve([], { DOCKER_HOST: 'tcp://b:2', DOCKER_CONTEXT: 'rootless' }, withCurrent('remote'))).toMatchObject({
      url: 'tcp://b:2',
      source: 'DOCKER_HOST',
    });
  });
  it('an empty DOCKER_HOST does not count (v23+ uses Getenv != "")', () => {
    expect(resolve([], { DOCKER_HOST: '' })).toMatchObject({ source: 'default' });
  });
  it('DOCKER_CONTEXT beats currentContext', () => {
    expect(resolve([], { DOCKER_CONTEXT: 'colima' }, withCurrent('remote'))).toMatchObject({
      url: 'unix:///home/ada/.colima/default/docker.sock',
      source: 'DOCKER_CONTEXT',
      context: 'colima',
    });
  });
  it('currentContext in config.json', () => {
    expect(resolve([], {}, withCurrent('remote'))).toMatchObject({ url: 'ssh://me@box', source: 'context', context: 'remote' });
  });
  it('currentContext "default" is the default socket', () => {
    expect(resolve([], {}, withCurrent('default'))).toMatchObject({ url: 'unix:///var/run/docker.sock', source: 'default' });
  });
  it('DOCKER_CONFIG moves config.json and the context store', () => {
    const read = store({ '/etc/dc/config.json': '{"currentContext":"rootless"}' }, contexts, '/etc/dc');
    expect(resolve([], { DOCKER_CONFIG: '/etc/dc' }, read)).toMatchObject({
      url: 'unix:///run/user/1000/docker.sock',
      source: 'context',
      configDir: '/etc/dc',
    });
  });
  it('a missing context is reported, not guessed', () => {
    const endpoint = resolve([], {}, withCurrent('gone'));
    expect(endpoint.source).toBe('context');
    expect(endpoint.context).toBe('gone');
    expect(endpoint.contextError).toMatch(/context "gone": context not found/);
  });
  it('a corrupt meta.json is reported', () => {
    const path = `${HOME}/.docker/contexts/meta/${contextDirName('bad')}/meta.json`;
    const endpoint = resolve([], { DOCKER_CONTEXT: 'bad' }, store({ [path]: '{"Name":' }));
    expect(endpoint.contextError).toMatch(/parsing .*meta.json/);
  });
  it('an unparsable config.json is ignored like the CLI does', () => {
    expect(resolve([], {}, store({ [`${HOME}/.docker/config.json`]: '{nope' }))).toMatchObject({ source: 'default' });
  });
  it('TLS env without DOCKER_HOST means tcp://localhost:2376 (docker-machine leftovers)', () => {
    expect(resolve([], { DOCKER_TLS_VERIFY: '1' })).toMatchObject({ url: 'tcp://localhost:2376', tls: true });
  });
  it('context dir names are sha256 of the name (docs/research/probes-and-fixes.md §1.4)', () => {
    expect(contextDirName('rootless')).toBe('12b961af5feb3e9d39f93b2cefb9a1a944f18d02cca0cac2f04f5a982240605f');
    expect(contextDirName('desktop-linux')).toBe('fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e');
  });
});
