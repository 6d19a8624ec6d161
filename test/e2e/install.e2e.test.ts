// Installing and loading dockhook the ways a user does: install.sh (rc files byte for byte after
// --uninstall, several cycles), `npm install -g` from the packed tarball, the zsh plugin and the
// fish conf.d file, and `docker doctor` as a docker CLI plugin with every docker client on PATH.
// Real shells and real docker clients, no root and no daemon needed.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, inCI } from './world.js';

const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Every distinct `name` on PATH (/bin/docker and /usr/bin/docker are one file on merged-/usr). */
function onPath(name: string): string[] {
  const seen = new Set<string>();
  return BASE_PATH.split(':')
    .map((d) => path.join(d, name))
    .filter((p) => {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        const real = fs.realpathSync(p);
        if (seen.has(real)) return false;
        seen.add(real);
        return true;
      } catch {
        return false;
      }
    });
}

const missing = ['zsh', 'fish', 'npm', 'docker'].filter((t) => onPath(t).length === 0);
const built = fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.cjs'));
const why = missing.length > 0 ? `missing on this machine: ${missing.join(', ')}` : built ? null : 'dist/ is not built (npm run build)';
if (why && !inCI()) console.warn(`[install] skipping: ${why}`);
const suite = why && !inCI() ? describe.skip : describe;

function run(argv: string[], opts: SpawnSyncOptions & { env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error: r.error };
}

/** The machine's way to the registry (proxy, CA files): npm needs it, nothing else is kept. */
const NETWORK_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => /proxy|_CA_|CERT|^npm_config_registry$/i.test(k)));

/** A clean environment for a user whose HOME is `home` (no rc files from this machine). */
function userEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...NETWORK_ENV, HOME: home, PATH: BASE_PATH, LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1', ...extra };
}

suite('installing and loading dockhook', { timeout: 180_000 }, () => {
  if (why) {
    it('has what the install tests need', () => {
      throw new Error(`CI is set, and the install tests cannot run here: ${why}`);
    });
    return;
  }

  let tmp: string;
  let copy: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockhook-install-'));
    fs.chmodSync(tmp, 0o755);
    // install.sh builds in its checkout; a copy keeps that away from the dist/ other suites run.
    copy = path.join(tmp, 'checkout');
    fs.mkdirSync(copy);
    for (const entry of ['bin', 'scripts', 'shell', 'src', 'package.json', 'package-lock.json', 'tsconfig.json', 'install.sh', 'README.md']) {
      fs.cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    // The build tools: a node_modules of its own whose entries link to the real ones (an npm ci
    // in the copy would remove the links, never what they point to), with a lockfile older than
    // them so that install.sh only builds.
    const modules = path.join(REPO_ROOT, 'node_modules');
    fs.mkdirSync(path.join(copy, 'node_modules'));
    for (const entry of fs.readdirSync(modules)) fs.symlinkSync(path.join(modules, entry), path.join(copy, 'node_modules', entry));
    fs.utimesSync(path.join(copy, 'package-lock.json'), new Date(0), new Date(0));
  });
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('install.sh', () => {
    let home: string;
    const rc = (h: string) => ({
      bash: path.join(h, '.bashrc'),
      zsh: path.join(h, '.zshrc'),
      fish: path.join(h, '.config', 'fish', 'config.fish'),
    });
    // What the user had before: an rc file with a last line that has no newline, one with a
    // trailing blank line, and no fish config at all.
    const before = { bash: 'alias ll="ls -l"\n# no newline at the end', zsh: 'setopt no_beep\n\n' };

    beforeAll(() => {
      home = path.join(tmp, 'home');
      fs.mkdirSync(home);
      fs.writeFileSync(rc(home).bash, before.bash);
      fs.writeFileSync(rc(home).zsh, before.zsh);
    });

    const install = () =>
      run(['bash', path.join(copy, 'install.sh'), '--shell', 'bash', '--shell', 'zsh', '--shell', 'fish'], { env: userEnv(home), cwd: home });
    const uninstall = () => run(['bash', path.join(copy, 'install.sh'), '--uninstall'], { env: userEnv(home), cwd: home });

    it('installs under ~/.local like npm -g, with the CLI plugin, and new shells of all three kinds find dockhook', () => {
      const r = install();
      expect(r.status, r.stderr).toBe(0);
      const link = path.join(home, '.local', 'bin', 'dockhook');
      expect(fs.readlinkSync(link)).toBe('../lib/node_modules/dockhook/bin/dockhook');
      expect(fs.readlinkSync(path.join(home, '.docker', 'cli-plugins', 'docker-doctor'))).toBe(
        path.join(home, '.local/lib/node_modules/dockhook/bin/docker-doctor'),
      );
      // It says how to reach dockhook in the shell it ran in, whose PATH it cannot change.
      expect(r.stderr).toContain(`in this shell, run ${link} doctor`);
      // The checkout is as it was: no dist/ left behind (it had none).
      expect(fs.existsSync(path.join(copy, 'dist'))).toBe(false);
      const probes: Record<string, string[]> = {
        bash: ['bash', '-i', '-c', 'command -v dockhook; type -t docker'],
        zsh: ['zsh', '-i', '-c', 'command -v dockhook; whence -w docker'],
        fish: ['fish', '-i', '-c', 'command -v dockhook; functions -q docker; and echo function'],
      };
      for (const [shell, argv] of Object.entries(probes)) {
        const s = run(argv, { env: userEnv(home) });
        expect(s.stdout, `${shell}: ${s.stderr}`).toContain(link);
        expect(s.stdout, `${shell}: ${s.stderr}`).toMatch(/function/);
      }
    });

    it('a checkout this user cannot write: one line naming it, its owner and what to do; nothing written, no npm trace', () => {
      const ro = path.join(tmp, 'shared-checkout');
      for (const entry of ['bin', 'shell', 'package.json', 'package-lock.json', 'install.sh'])
        fs.cpSync(path.join(copy, entry), path.join(ro, entry), { recursive: true });
      const asRoot = process.getuid?.() === 0;
      // Root writes anywhere: the shared checkout is root's, and the user is nobody (as after
      // `git clone` into /opt by root). A normal user gets a checkout without write permission.
      fs.chmodSync(ro, asRoot ? 0o755 : 0o555);
      const argv = ['bash', path.join(ro, 'install.sh'), '--shell', 'bash'];
      const r = run(asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv, {
        env: userEnv(path.join(tmp, 'nobody-home')),
        cwd: '/',
      });
      fs.chmodSync(ro, 0o755);
      expect(r.status).toBe(1);
      const owner = asRoot ? 'root' : os.userInfo().username;
      expect(r.stderr).toBe(`install.sh: cannot write ${ro} (owned by ${owner}): copy it yourself (cp -r ${ro} ~/dockhook) and run ./install.sh there\n`);
      expect(fs.readdirSync(ro).sort()).toEqual(['bin', 'install.sh', 'package-lock.json', 'package.json', 'shell']);
    });

    it('is idempotent: a second install adds no second block', () => {
      const r = install();
      expect(r.status, r.stderr).toBe(0);
      for (const file of Object.values(rc(home))) {
        expect(fs.readFileSync(file, 'utf8').split('# >>> dockhook >>>').length - 1).toBe(1);
      }
    });

    it('--uninstall puts every rc file back byte for byte and removes what install made, cycle after cycle', () => {
      for (let cycle = 0; cycle < 3; cycle++) {
        if (cycle > 0) expect(install().status).toBe(0);
        const r = uninstall();
        expect(r.status, r.stderr).toBe(0);
        expect(fs.readFileSync(rc(home).bash, 'utf8')).toBe(before.bash);
        expect(fs.readFileSync(rc(home).zsh, 'utf8')).toBe(before.zsh);
        expect(fs.existsSync(rc(home).fish)).toBe(false);
        // Only the user's own two files are left, and what fish itself wrote when it ran.
        const left = (fs.readdirSync(home, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(home, f)).isFile()).sort();
        expect(left).toEqual(['.bashrc', '.config/fish/fish_variables', '.zshrc'].filter((f) => f !== '.config/fish/fish_variables' || left.includes(f)));
      }
    });
  });

  describe('npm install -g from the packed tarball', () => {
    let prefix: string;
    beforeAll(() => {
      const pack = run(['npm', 'pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
        cwd: REPO_ROOT,
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${BASE_PATH}` },
      });
      expect(pack.status, pack.stderr).toBe(0);
      const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
      packed = info!.files.map((f) => f.path).sort();
      prefix = path.join(tmp, 'global');
      const home = path.join(tmp, 'npm-home');
      fs.mkdirSync(home);
      const inst = run(['npm', 'install', '-g', '--prefix', prefix, '--no-fund', '--no-audit', path.join(tmp, info!.filename)], {
        env: { ...userEnv(home), npm_config_cache: path.join(tmp, 'npm-cache') },
      });
      expect(inst.status, inst.stderr).toBe(0);
    });
    let packed: string[] = [];

    it('packs the launcher, the plugin, the bundle and the shell files, and no sources or tests', () => {
      for (const file of [
        'bin/dockhook',
        'bin/docker-doctor',
        'dist/cli.cjs',
        'shell/dockhook.bash',
        'shell/dockhook.zsh',
        'shell/dockhook.fish',
        'shell/dockhook.plugin.zsh',
        'shell/conf.d/dockhook.fish',
        'package.json',
      ]) {
        expect(packed).toContain(file);
      }
      expect(packed.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
    });

    it('installs no compiler-built addon: the pty binary comes prebuilt from the registry', () => {
      const pkg = path.join(prefix, 'lib', 'node_modules', 'dockhook');
      const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(Object.keys(manifest.dependencies)).not.toContain('node-pty');
      const native = path.join(pkg, 'node_modules', '@lydell', `node-pty-${process.platform}-${process.arch}`, 'pty.node');
      expect(fs.existsSync(native)).toBe(true);
      expect(fs.existsSync(path.join(pkg, 'node_modules', '@lydell', 'node-pty', 'build'))).toBe(false);
    });

    it('the PATH symlink prints the init script starting nothing but /bin/sh: no readlink, no cat (every shell start)', () => {
      const bin = path.join(prefix, 'bin', 'dockhook');
      const init = run(['strace', '-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', bin, 'init', 'zsh'], { env: userEnv(tmp) });
      if (init.error || init.status === null) return; // no strace here: the output check below still runs
      const execs = init.stderr.split('\n').filter((l) => /execve\(/.test(l) && / = 0$/.test(l));
      expect(execs.filter((l) => !l.includes(`execve("${bin}"`))).toEqual([]);
      expect(init.stdout.split('\n').slice(1).join('\n')).toBe(fs.readFileSync(path.join(REPO_ROOT, 'shell', 'dockhook.zsh'), 'utf8'));
      expect(init.stdout).toContain(`_DOCKHOOK_BIN='${prefix}/bin/../lib/node_modules/dockhook/bin/dockhook'`);
      expect(init.stdout).toContain('docker()');
    });

    it('gives docker a pseudo-terminal for stderr when stderr is one', () => {
      const fake = path.join(tmp, 'fake-docker');
      fs.writeFileSync(fake, '#!/bin/sh\nif [ -t 2 ]; then echo "stderr is a tty" >&2; else echo "stderr is a pipe" >&2; fi\n', { mode: 0o755 });
      const bin = path.join(prefix, 'bin', 'dockhook');
      // script(1) gives the launcher a terminal, as an interactive shell would.
      const r = run(['script', '-qec', `${bin} exec -- ps`, '/dev/null'], { env: userEnv(tmp, { DOCKHOOK_DOCKER: fake }) });
      expect(r.stdout, r.stderr).toContain('stderr is a tty');
    });
  });

  describe('plugin managers', () => {
    it('zsh: sourcing dockhook.plugin.zsh (also through a linked plugin directory, as oh-my-zsh does) defines docker', () => {
      const custom = path.join(tmp, 'omz', 'plugins');
      fs.mkdirSync(custom, { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, 'shell'), path.join(custom, 'dockhook'));
      for (const file of [path.join(REPO_ROOT, 'shell', 'dockhook.plugin.zsh'), path.join(custom, 'dockhook', 'dockhook.plugin.zsh')]) {
        const r = run(['zsh', '-f', '-c', `setopt err_exit no_unset pipe_fail; source ${file}; whence -w docker; print -r -- $_DOCKHOOK_BIN`], {
          env: userEnv(tmp),
          cwd: '/',
        });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe(`docker: function\n${path.join(REPO_ROOT, 'bin', 'dockhook')}\n`);
      }
    });

    it('fish: conf.d/dockhook.fish loads at start, linked from its package or copied away by a manager', () => {
      const linked = path.join(tmp, 'fish-linked');
      fs.mkdirSync(path.join(linked, 'fish', 'conf.d'), { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, 'shell', 'conf.d', 'dockhook.fish'), path.join(linked, 'fish', 'conf.d', 'dockhook.fish'));
      const a = run(['fish', '-i', '-c', 'functions -q docker; and echo $_DOCKHOOK_BIN'], { env: userEnv(tmp, { XDG_CONFIG_HOME: linked }) });
      expect(a.stdout.trim(), a.stderr).toBe(path.join(REPO_ROOT, 'bin', 'dockhook'));
      // fisher copies conf.d files into ~/.config/fish/conf.d: then the dockhook on PATH loads it.
      const copied = path.join(tmp, 'fish-copied');
      fs.mkdirSync(path.join(copied, 'fish', 'conf.d'), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, 'shell', 'conf.d', 'dockhook.fish'), path.join(copied, 'fish', 'conf.d', 'dockhook.fish'));
      const binDir = path.join(tmp, 'fish-bin');
      fs.mkdirSync(binDir);
      fs.symlinkSync(path.join(REPO_ROOT, 'bin', 'dockhook'), path.join(binDir, 'dockhook'));
      const b = run(['fish', '-i', '-c', 'functions -q docker; and echo $_DOCKHOOK_BIN'], {
        env: userEnv(tmp, { XDG_CONFIG_HOME: copied, PATH: `${binDir}:${BASE_PATH}` }),
      });
      expect(b.stdout.trim(), b.stderr).toBe(path.join(REPO_ROOT, 'bin', 'dockhook'));
    });
  });

  describe('docker doctor, a docker CLI plugin', () => {
    const plugin = path.join(REPO_ROOT, 'bin', 'docker-doctor');
    let config: string;
    beforeAll(() => {
      config = path.join(tmp, 'docker-config');
      fs.mkdirSync(path.join(config, 'cli-plugins'), { recursive: true });
      fs.symlinkSync(plugin, path.join(config, 'cli-plugins', 'docker-doctor'));
    });

    it('answers docker-cli-plugin-metadata with the JSON docker/cli expects', () => {
      const r = run([plugin, 'docker-cli-plugin-metadata']);
      expect(r.status).toBe(0);
      const meta = JSON.parse(r.stdout) as Record<string, unknown>;
      // cli-plugins/manager/metadata.go: SchemaVersion "0.1.0" and Vendor are mandatory.
      expect(meta['SchemaVersion']).toBe('0.1.0');
      expect(typeof meta['Vendor']).toBe('string');
      expect(typeof meta['ShortDescription']).toBe('string');
    });

    // Debian's docker.io (20.10, /usr/bin/docker) and a newer client where one is installed.
    for (const client of onPath('docker')) {
      it(`${client}: \`docker doctor\` runs dockhook doctor with no daemon, and lists it in help`, () => {
        const version = run([client, '--version']).stdout.trim();
        const env = userEnv(tmp, { DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
        const help = run([client, '--help'], { env });
        expect(help.stdout + help.stderr, version).toMatch(/^\s+doctor\*?\s/m);
        const r = run([client, 'doctor', '--json'], { env });
        expect(r.status, `${version}: ${r.stderr}`).toBe(1);
        const report = JSON.parse(r.stdout) as { endpoint: { url: string; source: string }; reachable: boolean };
        expect(report.reachable).toBe(false);
        expect(report.endpoint).toMatchObject({ url: 'unix:///nonexistent/docker.sock', source: 'DOCKER_HOST' });
        // docker's own -H before the plugin's name chooses the endpoint, as it would for docker.
        const h = run([client, '-H', 'unix:///elsewhere.sock', 'doctor', '--json'], { env });
        expect((JSON.parse(h.stdout) as { endpoint: { url: string } }).endpoint.url, h.stderr).toBe('unix:///elsewhere.sock');
      });
    }
  });
});
