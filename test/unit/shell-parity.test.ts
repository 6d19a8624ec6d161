// The three integration scripts say the same thing in three languages. Each case runs
// shell/dockhook.{bash,zsh,fish} in the real shell, with stand-in `docker` and `dockhook`
// executables that record how they were called, and checks that the three shells call the same
// program with the same argv and return the same status, and that this is what endpoint
// resolution in TypeScript (src/core/endpoint.ts) says: docker directly when the endpoint is one
// the shell cannot judge or a socket it can use, dockhook otherwise. Needs no root and no daemon.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint, unixSocketPath } from '../../src/core/endpoint.js';
import { parseGlobalFlags } from '../../src/core/docker-argv.js';
import { HANDBACK_VARS } from '../../src/core/types.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];
const ROOT = join(import.meta.dirname, '..', '..');

function found(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}
const missing = [...SHELLS, 'script'].filter((program) => !found(program));
// In CI a missing shell is a failure, not a skip (.ci/run installs them all).
const CI = Boolean(process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0');
const describeShells = missing.length === 0 || CI ? describe : describe.skip;

let T: string;
let server: Server;
let runServer: Server;
let dockerd: ChildProcess | undefined;

// The stand-ins log one line per call: the program's name and its arguments, separated by \x1f.
const RECORD = `{ printf '%s' "\${0##*/}"; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\n'; } >>"$DH_LOG"`;
const STANDIN_DOCKER = `#!/bin/sh\n${RECORD}\nexit "\${DH_DOCKER_STATUS:-0}"\n`;
// Like dockhook, it always leaves the hand-back file (empty unless the case hands something back).
const STANDIN_DOCKHOOK = `#!/bin/sh
${RECORD}
# A dockhook that cannot run (a broken install) dies before it writes anything.
if [ -n "\${DH_DOCKHOOK_BROKEN-}" ]; then exit 127; fi
out=
while [ $# -gt 0 ]; do
  case $1 in
    --env-out) out=$2; shift 2 ;;
    --) break ;;
    *) shift ;;
  esac
done
if [ -n "$out" ]; then
  mkdir -p -m 700 "\${out%/*}"
  : >"$out"
  if [ -n "\${DH_HANDBACK-}" ]; then cat -- "$DH_HANDBACK" >"$out"; fi
fi
exit "\${DH_DOCKHOOK_STATUS:-0}"
`;

// sg: records its call, then runs the command string as sg does (/bin/sh -c), with the group as given.
const STANDIN_SG = `#!/bin/sh\n${RECORD}\n[ "$1" = docker ] && [ "$2" = -c ] || exit 2\nexec /bin/sh -c "$3"\n`;
// id -Gn USER: the groups the group database gives this user (DH_ID_GROUPS); never recorded.
const STANDIN_ID = `#!/bin/sh\nprintf '%s\\n' "\${DH_ID_GROUPS:-nobody}"\n`;

/** What each shell runs: load the integration as `dockhook init SHELL` prints it, call docker once, save $? and the environment. */
const DRIVERS: Record<Shell, string> = {
  bash: `set -euo pipefail
source "$DH_INIT"
st=0
if [[ $DH_REDIRECT == devnull ]]; then docker "$@" 2>/dev/null || st=$?; else docker "$@" || st=$?; fi
echo "$st" >"$DH_STATUS"
command env >"$DH_ENV"
`,
  zsh: `set -euo pipefail
source "$DH_INIT"
st=0
if [[ $DH_REDIRECT == devnull ]]; then docker "$@" 2>/dev/null || st=$?; else docker "$@" || st=$?; fi
echo "$st" >"$DH_STATUS"
command env >"$DH_ENV"
`,
  fish: `source $DH_INIT
if test "$DH_REDIRECT" = devnull
    docker $argv 2>/dev/null
else
    docker $argv
end
echo $status >$DH_STATUS
command env >$DH_ENV
`,
};

const SHELL_ARGV: Record<Shell, string[]> = { bash: ['bash', '--norc', '--noprofile'], zsh: ['zsh', '-f'], fish: ['fish', '--no-config'] };

interface Case {
  name: string;
  argv: string[];
  /** Environment on top of the base; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** stderr of the docker call: a pipe (a script), /dev/null (completion), or a terminal (a person). */
  stderr?: 'pipe' | 'devnull' | 'tty';
  dockerStatus?: number;
  dockhookStatus?: number;
  /** Lines the stand-in dockhook hands back. */
  handback?: string[];
  /** The config.json in $HOME/.docker: its currentContext, or none. */
  currentContext?: string;
  /** dockhook dies before it does anything (exit 127, no hand-back file). */
  broken?: boolean;
  /** A pid file next to the socket names a live dockerd: the daemon is visibly up. */
  pidFile?: boolean;
}

interface Outcome {
  calls: string[][];
  status: number;
  env: Record<string, string | null>;
}

const WATCHED = [...HANDBACK_VARS, 'DOCKHOOK_TEST_INTRUDER', 'BASH_ENV'];

function sh(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function baseEnv(home: string): Record<string, string> {
  return { PATH: `${T}/bin:/usr/local/bin:/usr/bin:/bin`, HOME: home, LANG: 'C.UTF-8', TERM: 'dumb', XDG_RUNTIME_DIR: `${T}/run`, TMPDIR: `${T}/tmp` };
}

function homeFor(c: Case): string {
  return join(T, 'homes', c.currentContext ?? 'none');
}

function runCase(shell: Shell, c: Case, index: number | string): Outcome & { stderr: string } {
  const dir = join(T, 'cases', shell, String(index));
  mkdirSync(dir, { recursive: true });
  const files = { log: join(dir, 'log'), status: join(dir, 'status'), env: join(dir, 'env') };
  const env: Record<string, string> = {
    ...baseEnv(homeFor(c)),
    DH_INIT: join(T, `init.${shell}`),
    DH_LOG: files.log,
    DH_STATUS: files.status,
    DH_ENV: files.env,
    DH_REDIRECT: c.stderr === 'devnull' ? 'devnull' : 'keep',
  };
  if (c.dockerStatus !== undefined) env.DH_DOCKER_STATUS = String(c.dockerStatus);
  if (c.dockhookStatus !== undefined) env.DH_DOCKHOOK_STATUS = String(c.dockhookStatus);
  if (c.broken) env.DH_DOCKHOOK_BROKEN = '1';
  if (c.handback) {
    writeFileSync(join(dir, 'handback'), `${c.handback.join('\n')}\n`);
    env.DH_HANDBACK = join(dir, 'handback');
  }
  for (const [name, value] of Object.entries(c.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  // The pid file beside $XDG_RUNTIME_DIR/docker.sock: our dockerd-named process, or this test's own pid.
  writeFileSync(join(T, 'run', 'docker.pid'), `${c.pidFile ? dockerd?.pid : process.pid}\n`);
  const command = [...SHELL_ARGV[shell], join(T, `driver.${shell}`), ...c.argv];
  const result =
    c.stderr === 'tty'
      ? spawnSync('script', ['-qec', command.map(sh).join(' '), '/dev/null'], { env, input: '', encoding: 'utf8', timeout: 20_000 })
      : spawnSync(command[0]!, command.slice(1), { env, input: '', encoding: 'utf8', timeout: 20_000 });
  if (!existsSync(files.status)) throw new Error(`${shell} ${c.name}: the driver did not finish (exit ${result.status})\n${result.stdout}\n${result.stderr}`);
  const calls = existsSync(files.log)
    ? readFileSync(files.log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\x1f'))
    : [];
  const envText = readFileSync(files.env, 'utf8');
  const seen: Record<string, string | null> = {};
  for (const name of WATCHED) {
    const line = envText.split('\n').find((l) => l.startsWith(`${name}=`));
    seen[name] = line === undefined ? null : line.slice(name.length + 1);
  }
  return { calls: calls.map(normaliseEnvOut), status: Number(readFileSync(files.status, 'utf8').trim()), env: seen, stderr: result.stderr ?? '' };
}

/** The hand-back file's name carries the shell's pid; the parity is in passing one at all. */
function normaliseEnvOut(call: string[]): string[] {
  return call.map((arg, i) => (call[i - 1] === '--env-out' ? 'ENV-FILE' : arg));
}

/** What endpoint resolution in TypeScript says the shell must do. */
function expected(c: Case): Outcome {
  const env: Record<string, string | undefined> = { ...baseEnv(homeFor(c)), ...c.env };
  for (const [name, value] of Object.entries(c.env ?? {})) if (value === undefined) delete env[name];
  const home = env.HOME ?? '/';
  const docker = ['docker', ...c.argv];
  const dockerStatus = c.dockerStatus ?? 0;
  const dockhookStatus = c.broken ? 127 : (c.dockhookStatus ?? 0);
  const before: Record<string, string | null> = Object.fromEntries(WATCHED.map((n) => [n, env[n] ?? null]));
  const after = (calledDockhook: boolean) => {
    if (!calledDockhook || !c.handback || c.broken) return before;
    const next = { ...before };
    for (const line of c.handback) {
      const [verb, name = '', ...value] = line.split(' ');
      if (!(HANDBACK_VARS as readonly string[]).includes(name)) continue;
      next[name] = verb === 'set' ? value.join(' ') : null;
    }
    return next;
  };
  if (env.DOCKHOOK_DISABLE) return { calls: [docker], status: dockerStatus, env: before };

  const endpoint = resolveEndpoint({
    argv: c.argv,
    env,
    home,
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
  });
  const flags = parseGlobalFlags(c.argv);
  const socket = unixSocketPath(endpoint.url);
  // The shell judges only a unix socket chosen by DOCKER_HOST or the default; a flag, a context,
  // another config directory or another scheme it leaves to docker.
  const cannotJudge =
    endpoint.source === 'flag' || endpoint.source === 'context' || endpoint.source === 'DOCKER_CONTEXT' || flags.config !== null || socket === null;
  const usable = socket !== null && isWritableSocket(socket);
  if (cannotJudge || usable) {
    const tty = c.stderr === 'tty';
    // A daemon visibly up (its pid file names a live dockerd) failed for its own reasons: nothing to ask.
    if (tty && (dockerStatus === 1 || dockerStatus === 125) && !(socket !== null && daemonVisiblyUp(socket, env))) {
      const check = ['dockhook', 'check', '--status', String(dockerStatus), '--env-out', 'ENV-FILE', '--', ...c.argv];
      // A dockhook that could not run leaves docker's answer standing.
      return { calls: [docker, check], status: c.broken ? dockerStatus : dockhookStatus, env: after(true) };
    }
    return { calls: [docker], status: dockerStatus, env: before };
  }
  if (c.stderr === 'devnull') {
    // The "through sg" mode: completion and scripts that discard stderr run docker with the group too,
    // as `sg docker -c 'exec DOCKER ARGS…'` (each argument single-quoted for /bin/sh) — for a member only.
    if (env.DOCKHOOK_GROUP === 'docker' && ` ${env.DH_ID_GROUPS ?? ''} `.includes(' docker ')) {
      return { calls: [['sg', 'docker', '-c', `exec ${[join(T, 'bin', 'docker'), ...c.argv].map(sh).join(' ')}`], docker], status: dockerStatus, env: before };
    }
    return { calls: [docker], status: dockerStatus, env: before };
  }
  const exec = ['dockhook', 'exec', '--env-out', 'ENV-FILE', '--', ...c.argv];
  // Fail open: a dockhook that could not run, then docker as asked.
  if (c.broken) return { calls: [exec, docker], status: dockerStatus, env: before };
  return { calls: [exec], status: dockhookStatus, env: after(true) };
}

/** The pid file beside the system socket, or beside $XDG_RUNTIME_DIR/docker.sock, names a live dockerd. */
function daemonVisiblyUp(socket: string, env: Record<string, string | undefined>): boolean {
  const pidFile =
    socket === '/var/run/docker.sock' || socket === '/run/docker.sock'
      ? '/var/run/docker.pid'
      : env.XDG_RUNTIME_DIR && socket === `${env.XDG_RUNTIME_DIR}/docker.sock`
        ? `${env.XDG_RUNTIME_DIR}/docker.pid`
        : null;
  if (pidFile === null) return false;
  try {
    const pid = readFileSync(pidFile, 'utf8').split('\n')[0] ?? '';
    return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
  } catch {
    return false;
  }
}

function isWritableSocket(path: string): boolean {
  try {
    if (!statSync(path).isSocket()) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const live = () => `unix://${T}/live.sock`;
const dead = () => `unix://${T}/missing.sock`;

// Built lazily: the paths live under T, made in beforeAll.
function cases(): Case[] {
  const handback = [
    'set DOCKER_HOST unix:///run/user/1000/docker.sock',
    'unset DOCKER_CONTEXT',
    'set DOCKER_CERT_PATH /a path/with spaces',
    'set DOCKHOOK_TEST_INTRUDER x',
    'set BASH_ENV /tmp/evil',
    'export DOCKER_TLS=1',
    'set',
  ];
  return [
    { name: 'DOCKER_HOST on a usable socket', argv: ['ps'], env: { DOCKER_HOST: live() } },
    {
      name: 'usable socket, docker fails, at a terminal: check',
      argv: ['ps', '-a'],
      env: { DOCKER_HOST: live() },
      stderr: 'tty',
      dockerStatus: 1,
      dockhookStatus: 0,
    },
    {
      name: 'usable socket, docker exits 125, at a terminal: check',
      argv: ['run', 'x'],
      env: { DOCKER_HOST: live() },
      stderr: 'tty',
      dockerStatus: 125,
      dockhookStatus: 125,
    },
    { name: 'usable socket, docker fails with 2: nothing to ask', argv: ['ps'], env: { DOCKER_HOST: live() }, stderr: 'tty', dockerStatus: 2 },
    { name: 'usable socket, docker fails in a script: no check', argv: ['ps'], env: { DOCKER_HOST: live() }, dockerStatus: 1 },
    { name: 'DOCKER_HOST on a missing socket: exec', argv: ['ps'], env: { DOCKER_HOST: dead() }, dockhookStatus: 3 },
    {
      name: 'missing socket, stderr to /dev/null (completion): docker alone',
      argv: ['ps', '--format', '{{.Names}}'],
      env: { DOCKER_HOST: dead() },
      stderr: 'devnull',
      dockerStatus: 1,
    },
    { name: 'missing socket at a terminal: exec', argv: ['ps'], env: { DOCKER_HOST: dead() }, stderr: 'tty' },
    { name: 'DOCKER_HOST on a regular file: exec', argv: ['ps'], env: { DOCKER_HOST: `unix://${T}/not-a-socket` } },
    { name: 'DOCKER_HOST tcp://', argv: ['ps'], env: { DOCKER_HOST: 'tcp://127.0.0.1:9' }, dockerStatus: 1 },
    { name: 'DOCKER_HOST ssh://', argv: ['ps'], env: { DOCKER_HOST: 'ssh://me@example.invalid' } },
    { name: 'DOCKER_HOST empty: the default socket', argv: ['ps'], env: { DOCKER_HOST: '' } },
    { name: 'DOCKER_HOST unix:// with no path: the default socket', argv: ['ps'], env: { DOCKER_HOST: 'unix://' } },
    { name: 'DOCKER_HOST empty, DOCKER_CONTEXT set', argv: ['ps'], env: { DOCKER_HOST: '', DOCKER_CONTEXT: 'remote' } },
    { name: 'DOCKER_CONTEXT empty', argv: ['ps'], env: { DOCKER_CONTEXT: '' } },
    { name: 'DOCKER_TLS_VERIFY set', argv: ['ps'], env: { DOCKER_TLS_VERIFY: '1' } },
    { name: 'currentContext names a context', argv: ['ps'], currentContext: 'remote' },
    { name: 'currentContext is default', argv: ['ps'], currentContext: 'default' },
    { name: 'DOCKER_CONFIG set but empty: ~/.docker is read', argv: ['ps'], env: { DOCKER_CONFIG: '' }, currentContext: 'remote' },
    { name: 'DOCKER_CONFIG names another directory', argv: ['ps'], env: { DOCKER_CONFIG: `${T}/config-other` }, currentContext: 'default' },
    { name: 'DOCKER_CONFIG without a config.json', argv: ['ps'], env: { DOCKER_CONFIG: `${T}/config-empty` }, currentContext: 'remote' },
    { name: '-H flag', argv: ['-H', dead(), 'ps'] },
    { name: '-H glued', argv: [`-H${dead()}`, 'ps'] },
    { name: '--host= flag', argv: [`--host=${dead()}`, 'ps'] },
    { name: '--context flag', argv: ['--context', 'remote', 'ps'] },
    { name: '-c default', argv: ['-c', 'default', 'ps'], env: { DOCKER_HOST: dead() } },
    { name: '--config flag', argv: ['--config', `${T}/config-other`, 'ps'], env: { DOCKER_HOST: dead() } },
    { name: '-l with its value before -H', argv: ['-l', 'debug', '-H', dead(), 'ps'], env: { DOCKER_HOST: live() } },
    { name: '--log-level with its value before --context', argv: ['--log-level', 'debug', '--context', 'remote', 'ps'], env: { DOCKER_HOST: dead() } },
    { name: '-D before the subcommand', argv: ['-D', 'ps'], env: { DOCKER_HOST: dead() } },
    { name: '-H after the subcommand is not a global flag', argv: ['ps', '-H', 'tcp://x'], env: { DOCKER_HOST: dead() } },
    { name: 'DOCKHOOK_DISABLE=1', argv: ['ps'], env: { DOCKER_HOST: dead(), DOCKHOOK_DISABLE: '1' }, dockerStatus: 1 },
    { name: 'DOCKHOOK_DISABLE set but empty', argv: ['ps'], env: { DOCKER_HOST: dead(), DOCKHOOK_DISABLE: '' } },
    {
      name: 'arguments with spaces, quotes and globs pass verbatim',
      argv: ['run', '--rm', 'a b', "it's", '$HOME', '*', '', '-'],
      env: { DOCKER_HOST: dead() },
    },
    { name: 'hand-back after exec: only the allowed names', argv: ['ps'], env: { DOCKER_HOST: dead(), DOCKER_CONTEXT: 'old' }, handback },
    { name: 'a dockhook that cannot run: docker runs anyway, with its own status', argv: ['ps'], env: { DOCKER_HOST: dead() }, dockerStatus: 4, broken: true },
    {
      name: "a dockhook that cannot run after docker failed: docker's status stands",
      argv: ['ps'],
      env: { DOCKER_HOST: live() },
      stderr: 'tty',
      dockerStatus: 1,
      broken: true,
    },
    {
      name: 'the rootless daemon visibly up (its pid file names a dockerd): nothing to ask',
      argv: ['ps'],
      env: { DOCKER_HOST: `unix://${T}/run/docker.sock` },
      stderr: 'tty',
      dockerStatus: 1,
      pidFile: true,
    },
    {
      name: 'a pid file naming a process that is not dockerd: ask',
      argv: ['ps'],
      env: { DOCKER_HOST: `unix://${T}/run/docker.sock` },
      stderr: 'tty',
      dockerStatus: 1,
    },
    { name: 'hand-back after check', argv: ['ps'], env: { DOCKER_HOST: live() }, stderr: 'tty', dockerStatus: 1, handback },
    {
      name: 'through sg: stderr to /dev/null (completion) runs docker with the group, arguments verbatim',
      argv: ['images', '--format', '{{.Repository}}', "it's", '$HOME', '*', ''],
      env: { DOCKER_HOST: dead(), DOCKHOOK_GROUP: 'docker', DH_ID_GROUPS: 'me docker' },
      stderr: 'devnull',
      dockerStatus: 3,
    },
    {
      name: 'through sg, but not in the docker group in the database: plain docker (sg would ask for a password)',
      argv: ['ps'],
      env: { DOCKER_HOST: dead(), DOCKHOOK_GROUP: 'docker', DH_ID_GROUPS: 'me wheel' },
      stderr: 'devnull',
      dockerStatus: 1,
    },
  ];
}

describeShells('the shell integrations agree', () => {
  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`needed for the shell-parity test and not installed: ${missing.join(', ')}`);
    T = mkdtempSync(join(tmpdir(), 'dockhook-parity-'));
    chmodSync(T, 0o700);
    for (const d of ['bin', 'run', 'tmp', 'config-empty', 'config-other']) mkdirSync(join(T, d), { recursive: true, mode: 0o700 });
    writeFileSync(join(T, 'bin', 'docker'), STANDIN_DOCKER, { mode: 0o755 });
    writeFileSync(join(T, 'bin', 'sg'), STANDIN_SG, { mode: 0o755 });
    writeFileSync(join(T, 'bin', 'id'), STANDIN_ID, { mode: 0o755 });
    writeFileSync(join(T, 'dockhook'), STANDIN_DOCKHOOK, { mode: 0o755 });
    writeFileSync(join(T, 'not-a-socket'), '');
    writeFileSync(join(T, 'config-other', 'config.json'), JSON.stringify({ currentContext: 'other' }));
    for (const context of ['none', 'remote', 'default']) {
      mkdirSync(join(T, 'homes', context, '.docker'), { recursive: true });
      if (context !== 'none') writeFileSync(join(T, 'homes', context, '.docker', 'config.json'), `{\n  "auths": {},\n  "currentContext": "${context}"\n}\n`);
    }
    for (const shell of SHELLS) {
      // Exactly what `dockhook init SHELL` prints (bin/dockhook), with the stand-in as the launcher.
      const launcher = shell === 'fish' ? `set -g _DOCKHOOK_BIN '${T}/dockhook'\n` : `_DOCKHOOK_BIN='${T}/dockhook'\n`;
      writeFileSync(join(T, `init.${shell}`), launcher + readFileSync(join(ROOT, 'shell', `dockhook.${shell}`), 'utf8'));
      writeFileSync(join(T, `driver.${shell}`), DRIVERS[shell]);
    }
    server = createServer();
    await new Promise<void>((resolve) => server.listen(join(T, 'live.sock'), resolve));
    runServer = createServer();
    await new Promise<void>((resolve) => runServer.listen(join(T, 'run', 'docker.sock'), resolve));
    // A live process whose name is dockerd (a copy of sleep), for the pid-file cases.
    copyFileSync('/bin/sleep', join(T, 'dockerd'));
    chmodSync(join(T, 'dockerd'), 0o755);
    dockerd = spawn(join(T, 'dockerd'), ['600'], { stdio: 'ignore' });
  });
  afterAll(async () => {
    dockerd?.kill();
    await new Promise((resolve) => runServer?.close(resolve));
    await new Promise((resolve) => server?.close(resolve));
    if (T) rmSync(T, { recursive: true, force: true });
  });

  // Names are known before beforeAll runs; the cases themselves are built inside each test.
  const names = cases.call(null).map((c) => c.name);
  it.each(names.map((name, index) => [name, index] as const))('%s', (_name, index) => {
    const c = cases()[index]!;
    writeFileSync(join(T, 'run', 'docker.pid'), `${c.pidFile ? dockerd?.pid : process.pid}\n`);
    const want = expected(c);
    const got = Object.fromEntries(
      SHELLS.map((shell) => {
        const { stderr: _stderr, ...outcome } = runCase(shell, c, index);
        return [shell, outcome];
      }),
    );
    expect(got.bash, 'bash against endpoint.ts').toEqual(want);
    expect(got.zsh, 'zsh against bash').toEqual(got.bash);
    expect(got.fish, 'fish against bash').toEqual(got.bash);
  });

  it.each([
    ['C.UTF-8', 'dockhook: could not run (status 127); running docker without it\n'],
    ['zh_CN.UTF-8', 'dockhook: 无法运行（状态 127）；改为直接运行 docker\n'],
  ])('a dockhook that cannot run is said in the same words by all three shells (LANG=%s)', (lang, line) => {
    const c: Case = { name: 'broken', argv: ['ps'], env: { DOCKER_HOST: dead(), LANG: lang }, dockerStatus: 3, broken: true };
    for (const shell of SHELLS) expect(runCase(shell, c, `broken-${lang}`).stderr, shell).toBe(line);
  });

  it("bin/dockhook with its bundle missing says so in the reader's language, and runs docker", () => {
    const root = join(T, 'launcher');
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(join(root, 'bin', 'dockhook'), readFileSync(join(ROOT, 'bin', 'dockhook')), { mode: 0o755 });
    for (const [lang, line] of [
      ['C.UTF-8', 'cannot run (node or'],
      ['zh_CN.UTF-8', '无法运行（缺少 node 或'],
    ] as const) {
      const log = join(root, `log.${lang}`);
      const result = spawnSync(join(root, 'bin', 'dockhook'), ['exec', '--', 'ps'], {
        env: { ...baseEnv(join(T, 'homes', 'none')), LANG: lang, DH_LOG: log, DH_DOCKER_STATUS: '5' },
        encoding: 'utf8',
      });
      expect(result.stderr).toContain(`dockhook: ${line}`);
      expect(result.status).toBe(5);
      expect(readFileSync(log, 'utf8')).toBe('docker\x1fps\n');
    }
  });

  it.each(SHELLS)('the hand-back allow-list of dockhook.%s is HANDBACK_VARS', (shell) => {
    const text = readFileSync(join(ROOT, 'shell', `dockhook.${shell}`), 'utf8');
    const lists = [...text.matchAll(/DOCKER_HOST[ |]*DOCKER_CONTEXT[^\n);]*/g)].map((m) => m[0].split(/[\s|]+/).filter(Boolean));
    expect(lists.length, 'the allow-list is found in the script').toBeGreaterThan(0);
    for (const list of lists) expect([...list].sort()).toEqual([...HANDBACK_VARS].sort());
  });
});
