// What counts as an English word left in Chinese text (used by messages.test.ts and
// diagnose.test.ts).
// Words that may stand in Chinese text as they are: names of programs, products and
// commands, and literal ids a person types or reads elsewhere. Anything else in Latin letters
// is an English word left untranslated. Flags (--x), paths (/x, ~/x, $X), placeholders, `code`,
// ALL_CAPS names, camelCase keys and dotted or underscored ids are literal by their shape.
export const LITERAL_WORDS = new Set([
  'docker',
  'Docker',
  'dockerd',
  'dockhook',
  'Desktop',
  'Engine',
  'Windows',
  'WSL',
  'snap',
  'Node',
  'systemd',
  'systemctl',
  'sg',
  'sudo',
  'doas',
  'run0',
  'pkexec',
  'newuidmap',
  'newgidmap',
  'subuid',
  'subgid',
  'gid',
  'id',
  'argv',
  'unit',
  'root',
  'rootless',
  'shell',
  'bash',
  'zsh',
  'fish',
  'https',
  'unix',
  'doctor',
  'init',
  'exec',
  'check',
  'fix',
  'classify',
  'config',
  'help',
  'unmask',
  'default',
  'retry',
  'true',
  'false',
  'json',
  'yaml',
  'yml',
  'dockhookrc',
  'zh',
]);

export function untranslatedWords(text: string, literal: ReadonlySet<string> = LITERAL_WORDS): string[] {
  const prose = text
    .replace(/[a-z]+:\/\/[^\s）)，。、；]*/g, ' ') // unix://…, tcp://…, ssh://…, https://…
    .replace(/\{[a-zA-Z]+\}/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/(^|[\s（(“"：:，、])(--?|[/~$.])[^\s）)”"，、；：。]*/g, ' ')
    .replace(/(^|\s|，)[-dlscbp][-rwxsStT]{9}(?=$|\s|，)/g, ' '); // file modes
  return (prose.match(/[A-Za-z][A-Za-z0-9_.\-/]*/g) ?? []).filter(
    (word) =>
      !literal.has(word) &&
      !/^[A-Z0-9_]+$/.test(word) && // DOCKER_HOST, JSON, CI, ID
      !/[a-z][A-Z]/.test(word) && // autoApply, probeTimeoutMs
      !/[_./]/.test(word),
  ); // zh_CN.UTF-8, rootless.host, etc/group, Y/n
}
