// A contributor can follow every pointer: a file the code, tests or docs name exists in the
// repository, and nothing points outside it (to notes that are not here, or to an issue tracker
// entry by number instead of saying the thing).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The tracked text files a contributor reads (fixtures are other people's words: left out). */
function files(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', 'src', 'test', 'shell', 'bin', 'scripts', 'bench', 'docs', 'README.md', 'install.sh'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed.split('\0').filter((path) => path !== '' && !path.startsWith('test/fixtures/') && existsSync(join(ROOT, path)));
}

// Paths of this repository, as comments and docs name them. The directory list keeps paths of other
// projects out ("cosmiconfig src/index.ts", "moby client/request.go").
const OWN_PATH =
  /(?<![\w/.-])((?:docs|test|shell|scripts|bench)\/[\w./-]*\w|src\/(?:app|core|io|probes|commands)\/[\w./-]*\w|src\/cli[\w-]*\.ts|bin\/dockhook)/g;

describe('the house', () => {
  const texts = files().map((path) => [path, readFileSync(join(ROOT, path), 'utf8')] as const);

  // docs/research quotes its sources, which name files of other projects and their issues by number.
  const ours = texts.filter(([path]) => !path.startsWith('docs/research/'));

  it('every file of this repository that is named exists', () => {
    const missing: string[] = [];
    for (const [path, text] of ours) {
      for (const match of text.matchAll(OWN_PATH)) {
        const named = match[1]!.replace(/[.,:;)]+$/, '');
        // A pattern, not a file: shell/dockhook.{bash,zsh,fish}, shell/dockhook.SHELL, test/unit/*.test.ts,
        // `${repo}/shell/dockhook.${shell}`, bench/out/… (git-ignored output).
        const around = text.slice(match.index!, match.index! + named.length + 2);
        if (/[{*$]|…|\.['"`]/.test(around) || /\b[A-Z]{2,}\b/.test(named) || named.startsWith('bench/out')) continue;
        if (!existsSync(join(ROOT, named))) missing.push(`${path}: ${named}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('a section cited as docs/research/FILE.md §N exists in that file', () => {
    const wrong: string[] = [];
    for (const [path, text] of ours) {
      for (const match of text.matchAll(/docs\/research\/([\w-]+\.md)((?:[\s,;and]*§\d+(?:\.\d+)?(?:[–-]§?\d+)?)+)/g)) {
        const target = join(ROOT, 'docs', 'research', match[1]!);
        if (!existsSync(target)) continue; // reported by the test above
        const headings = new Set([...readFileSync(target, 'utf8').matchAll(/^#{2,4} (\d+(?:\.\d+)?)[.\s]/gm)].map((m) => m[1]));
        for (const section of match[2]!.matchAll(/§(\d+(?:\.\d+)?)(?:[–-]§?(\d+))?/g)) {
          const [from, to] = [Number(section[1]), section[2] === undefined ? null : Number(section[2])];
          const wanted = to === null ? [section[1]!] : Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
          for (const number of wanted) if (!headings.has(number)) wrong.push(`${path}: ${match[1]} §${number}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('docs/internals.md names every source file in its layout', () => {
    const internals = readFileSync(join(ROOT, 'docs', 'internals.md'), 'utf8');
    const layout = internals.slice(internals.indexOf('## Layout'), internals.indexOf('\n## ', internals.indexOf('## Layout') + 1));
    const sources = files().filter((path) => path.startsWith('src/') && path.endsWith('.ts'));
    // A file is named by its path, or in its directory's row by its name (`detect.ts`), or without
    // the extension where the row lists commands or probes (`doctor`, `socket`).
    const named = (path: string) => {
      const file = path.slice(path.lastIndexOf('/') + 1);
      return layout.includes(path) || layout.includes(`\`${file}\``) || layout.includes(`\`${file.replace(/\.ts$/, '')}\``);
    };
    const unnamed = sources.filter((path) => !named(path));
    expect(unnamed, 'add each to the layout table of docs/internals.md, with what it is').toEqual([]);
  });

  it('nothing points outside the repository', () => {
    const outside = /\/work\/|\bshared\/|DESIGN\.md/g;
    const tracker = /\bissue #?\d+\b/gi;
    const found = [
      ...texts.flatMap(([path, text]) => [...text.matchAll(outside)].map((m) => `${path}: ${m[0]}`)),
      ...ours.flatMap(([path, text]) => [...text.matchAll(tracker)].map((m) => `${path}: ${m[0]}`)),
    ];
    // This file names the patterns it looks for.
    expect(found.filter((f) => !f.startsWith('test/unit/house.test.ts'))).toEqual([]);
  });
});
