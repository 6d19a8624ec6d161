// The few non-ASCII symbols dockhook prints (✓ ✗ — … │ →) and their ASCII stand-ins for a locale
// whose character set is not UTF-8 (LANG/LC_ALL unset, C or POSIX, as after `su -` on Debian),
// where they would show as <E2><9C><93> in less or as mojibake: what ls and git do too.

/** Whether text in this locale may be UTF-8: LC_ALL, then LC_CTYPE, then LANG decide, as for setlocale(3). */
export function utf8Locale(env: Readonly<Record<string, string | undefined>>): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

const ASCII: ReadonlyArray<[string, string]> = [
  ['✓', '+'],
  ['✗', 'x'],
  ['—', '-'],
  ['…', '...'],
  ['│', '|'],
  ['→', '->'],
];

/** The same text with dockhook's symbols in ASCII; anything else (a path, a daemon's words) is left as it is. */
export function asciiGlyphs(text: string): string {
  let out = text;
  for (const [glyph, ascii] of ASCII) out = out.split(glyph).join(ascii);
  return out;
}
