// Bundles the program into one CommonJS file: on Node 20 a CJS bundle starts 17–20 ms
// faster than the unbundled ESM graph (docs/research/style-and-config.md, "Startup time"), and every
// millisecond here is paid on each failing docker command.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// Dependencies that only some runs need live in their own files, so that a run which does not
// need them does not parse them: the main bundle require()s them on first use.
const vendored = { cosmiconfig: 'vendor-cosmiconfig.cjs', chalk: 'vendor-chalk.cjs' };
// The names the main bundle takes from each. They are re-exported by name so that esbuild
// annotates them for Node's CommonJS export detection: `await import('./vendor-chalk.cjs')`
// only has a `Chalk` key if cjs-module-lexer can see it (`module.exports = require(…)` of an
// ESM package gives nothing but `default`).
const names = { cosmiconfig: ['defaultLoaders'], chalk: ['Chalk'] };

for (const [name, file] of Object.entries(vendored)) {
  await build({
    stdin: { contents: `export { ${names[name].join(', ')} } from ${JSON.stringify(name)};`, resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/${file}`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['typescript'],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /^(cosmiconfig|chalk)$/ }, (args) => ({ path: `./${vendored[args.path]}`, external: true }));
  },
};

await build({
  plugins: [vendorPlugin],
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // node-pty's native half is loaded at run time from its platform package; cosmiconfig only reaches for typescript to load .ts configs,
  // which dockhook refuses anyway.
  external: ['@lydell/node-pty-*', 'typescript'],
  // The bundle is CommonJS, where import.meta is empty; the native pty loader resolves from it.
  define: { 'import.meta.url': '__dockhookModuleUrl' },
  banner: { js: "const __dockhookModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});

// `dockhook init SHELL` runs at every shell start. The launcher prints the integration script by
// sourcing this one-command copy of it (a printf, a /bin/sh builtin) instead of starting cat:
// about 0.7 ms of a 4 ms zsh start (bench row 3). It uses the copy only while shell/ is not newer.
for (const shell of ['bash', 'zsh', 'fish']) {
  const text = readFileSync(`shell/dockhook.${shell}`, 'utf8');
  writeFileSync(`dist/init.${shell}.sh`, `printf '%s' '${text.replace(/'/g, "'\\''")}'\n`);
}
