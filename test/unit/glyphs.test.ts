import { describe, expect, it } from 'vitest';
import { asciiGlyphs, utf8Locale } from '../../src/core/glyphs.js';

describe('symbols in a locale that is not UTF-8', () => {
  it.each([
    [{}, false],
    [{ LANG: 'C' }, false],
    [{ LANG: 'POSIX' }, false],
    [{ LANG: 'en_US.ISO-8859-1' }, false],
    [{ LANG: 'C.UTF-8' }, true],
    [{ LANG: 'zh_CN.utf8' }, true],
    [{ LANG: 'C.UTF-8', LC_ALL: 'C' }, false],
    [{ LANG: 'C', LC_CTYPE: 'en_US.UTF-8' }, true],
    [{ LC_ALL: '', LANG: 'de_DE.UTF-8' }, true],
  ])('%j → UTF-8 %s', (env, utf8) => {
    expect(utf8Locale(env)).toBe(utf8);
  });

  it('the report and the prompt lines in ASCII, everything else as it is', () => {
    expect(asciiGlyphs('  ✓ ping           unix:///var/run/docker.sock: answers')).toBe('  + ping           unix:///var/run/docker.sock: answers');
    expect(asciiGlyphs('  ✗ rootless       /run/user/1004/docker.sock: no such socket')).toBe('  x rootless       /run/user/1004/docker.sock: no such socket');
    expect(asciiGlyphs('cause: healthy — the daemon answers.')).toBe('cause: healthy - the daemon answers.');
    expect(asciiGlyphs('dockhook: looking again…')).toBe('dockhook: looking again...');
    expect(asciiGlyphs('(`service docker status` → not running)')).toBe('(`service docker status` -> not running)');
    expect(asciiGlyphs('plain /tmp/ü.sock')).toBe('plain /tmp/ü.sock');
  });
});
