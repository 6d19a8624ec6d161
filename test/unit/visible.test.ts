// Outside text reaches the terminal only with its control characters made visible.
import { describe, expect, it } from 'vitest';
import { hasControl, visible } from '../../src/core/visible.js';
import { format, translator } from '../../src/core/messages/index.js';
import { commandLine, shellWords } from '../../src/io/render.js';

const OSC_TITLE = '\x1b]0;PWNED\x07';
const CLEAR = '\x1b[2J\x1b[H';

describe('visible', () => {
  it('escapes ESC, OSC, BEL, CR/LF, DEL, C1 and bidi controls', () => {
    expect(visible(`a${OSC_TITLE}b`)).toBe('a\\x1b]0;PWNED\\x07b');
    expect(visible(CLEAR)).toBe('\\x1b[2J\\x1b[H');
    expect(visible('line\r\nfake: line')).toBe('line\\r\\nfake: line');
    expect(visible('\x7f\x9b\u202e')).toBe('\\x7f\\x9b\\u202e');
    expect(visible('tab\there')).toBe('tab\\there');
  });

  it('leaves ordinary text, Chinese included, as it is', () => {
    expect(visible('unix:///run/user/1000/docker.sock — 守护进程')).toBe('unix:///run/user/1000/docker.sock — 守护进程');
  });

  it('is idempotent', () => {
    const once = visible(`${OSC_TITLE}${CLEAR}\u202e`);
    expect(visible(once)).toBe(once);
    expect(hasControl(once)).toBe(false);
  });

  it('every placeholder of every message is escaped, in both languages', () => {
    for (const language of ['en', 'zh'] as const) {
      const t = translator(language);
      const line = t('evidence.log', { line: `dockerd: ${OSC_TITLE}failed` });
      expect(hasControl(line)).toBe(false);
      expect(line).toContain('\\x1b]0;PWNED\\x07');
    }
    expect(format('{a}', { a: CLEAR })).toBe('\\x1b[2J\\x1b[H');
  });

  it('a shown command escapes, the command a shell runs does not', () => {
    expect(commandLine(['docker', 'context', 'use', `x${CLEAR}`])).toBe("docker context use 'x\\x1b[2J\\x1b[H'");
    expect(shellWords(['echo', 'a\nb'])).toBe("echo 'a\nb'");
  });
});
