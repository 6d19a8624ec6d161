import { describe, expect, it } from 'vitest';
import { en } from '../../src/core/messages/en.js';
import { zh } from '../../src/core/messages/zh.js';
import { message, say, translator } from '../../src/core/messages/index.js';
import { untranslatedWords } from './zh-words.js';

/** The placeholder names in a template, matched the way format() in index.ts matches them. */
function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1] ?? ''))].sort();
}

const enKeys = Object.keys(en).sort();
const zhKeys = Object.keys(zh).sort();

describe('message catalogues', () => {
  it('zh has exactly the keys of en', () => {
    expect(zhKeys).toEqual(enKeys);
  });

  it.each(enKeys)('%s has the same placeholders in zh as in en', (key) => {
    const id = key as keyof typeof en;
    expect(placeholders(zh[id])).toEqual(placeholders(en[id]));
  });

  it('no message is empty', () => {
    for (const [catalogue, messages] of [
      ['en', en],
      ['zh', zh],
    ] as const) {
      for (const [key, text] of Object.entries(messages)) {
        expect(typeof text, `${catalogue} ${key}`).toBe('string');
        expect(text.trim(), `${catalogue} ${key}`).not.toBe('');
      }
    }
  });
});

describe('zh is Chinese', () => {
  it('no English word is left in the zh catalogue', () => {
    const leaks = Object.entries(zh).flatMap(([key, text]) => untranslatedWords(text).map((word) => `${key}: ${word}`));
    expect(leaks, 'translate these, or add the word to LITERAL_WORDS if it is a name or id a person types').toEqual([]);
  });

  it('the check itself catches an English word', () => {
    expect(untranslatedWords('服务由 nothing 管理')).toEqual(['nothing']);
    expect(untranslatedWords('运行 `docker ps -a`，见 --force 与 /etc/group，{user} 在 DOCKER_HOST 中')).toEqual([]);
  });
});

describe('typed parameters', () => {
  // These lines are checked by tsc (npm run typecheck): each must stay a compile error.
  it('a misspelled, missing or extra placeholder does not compile', () => {
    const t = translator('en');
    // @ts-expect-error misspelled placeholder
    t('cause.healthy', { ulr: 'unix:///x' });
    // @ts-expect-error parameters missing
    t('cause.healthy');
    // @ts-expect-error one parameter of several missing
    t('cause.socket-permission', { user: 'ada', path: '/var/run/docker.sock' });
    // @ts-expect-error a parameter the message does not have
    t('probe.missing', { extra: 1 });
    // @ts-expect-error an id that is not in the catalogue
    t('cause.no-such-cause');
    expect(t('cause.healthy', { url: 'unix:///x' })).toBe('the Docker daemon at unix:///x is reachable.');
    expect(say(t, message('usage.unknown-command', { command: 'frob' }))).toBe('unknown command "frob"');
  });
});
