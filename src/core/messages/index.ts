import { en, type MessageId } from './en.js';
import { zh } from './zh.js';

export type { MessageId };
export type Language = 'en' | 'zh';
export type Params = Readonly<Record<string, string | number>>;
export type Translate = (id: MessageId, params?: Params) => string;

const catalogues: Record<Language, Readonly<Record<MessageId, string>>> = { en, zh };

/** Fills {name} placeholders; an unknown placeholder stays visible rather than vanishing. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function translator(language: Language): Translate {
  const catalogue = catalogues[language];
  return (id, params) => format(catalogue[id] ?? en[id], params);
}

/** LC_ALL beats LC_MESSAGES beats LANG, as in POSIX locale resolution. */
export function languageFromEnv(env: Readonly<Record<string, string | undefined>>): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh(_|-|\.|$)/i.test(locale) ? 'zh' : 'en';
}
