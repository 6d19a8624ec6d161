import { en, type MessageId } from './en.js';
import { zh } from './zh.js';
import { visible } from '../visible.js';

export type { MessageId };
export type Language = 'en' | 'zh';

// --- typed placeholders -----------------------------------------------------------------------
// The parameter names of a message are read from its English template at compile time, so a
// misspelled, missing or extra placeholder at a call site is a type error, not a "{user}" shown
// to a person. The scan mirrors format() below: a placeholder is `{` letters `}`; any other
// brace is text.

type Letter =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z'
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E'
  | 'F'
  | 'G'
  | 'H'
  | 'I'
  | 'J'
  | 'K'
  | 'L'
  | 'M'
  | 'N'
  | 'O'
  | 'P'
  | 'Q'
  | 'R'
  | 'S'
  | 'T'
  | 'U'
  | 'V'
  | 'W'
  | 'X'
  | 'Y'
  | 'Z';
type IsName<S extends string> = S extends `${Letter}${infer Rest}` ? (Rest extends '' ? true : IsName<Rest>) : false;

/** The placeholder names in a template literal type, e.g. 'a {x} b {y}' → 'x' | 'y'. */
export type PlaceholderNames<S extends string> = S extends `${string}{${infer After}`
  ? After extends `${infer Name}}${infer Rest}`
    ? IsName<Name> extends true
      ? Name | PlaceholderNames<Rest>
      : PlaceholderNames<After>
    : never
  : never;

export type Template<K extends MessageId> = (typeof en)[K];
export type ParamNames<K extends MessageId> = PlaceholderNames<Template<K>>;
/** The values a message needs: exactly its placeholders. */
export type ParamsOf<K extends MessageId> = { readonly [N in ParamNames<K>]: string | number };
/** The argument list after the id: nothing for a message without placeholders. */
export type ParamArgs<K extends MessageId> = [ParamNames<K>] extends [never] ? [params?: Record<string, never>] : [params: ParamsOf<K>];

export type Translate = <K extends MessageId>(id: K, ...params: ParamArgs<K>) => string;

/** A message chosen now and worded later (errors, config problems): an id with its parameters. */
export type Message = {
  [K in MessageId]: [ParamNames<K>] extends [never] ? { id: K; params?: Record<string, never> } : { id: K; params: ParamsOf<K> };
}[MessageId];

/** Builds a Message with the same checks as a call of Translate. */
export function message<K extends MessageId>(id: K, ...params: ParamArgs<K>): Message {
  return { id, params: params[0] } as Message;
}

/** Words a Message in the given language. */
export function say(t: Translate, m: Message): string {
  return (t as (id: MessageId, params?: Params) => string)(m.id, m.params);
}

// zh must carry exactly the placeholders of en, key by key; a mismatch names the key here.
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type PlaceholderMismatch = { [K in MessageId]: SameSet<ParamNames<K>, PlaceholderNames<(typeof zh)[K & keyof typeof zh]>> extends true ? never : K }[MessageId];
const zhPlaceholdersMatchEn: [PlaceholderMismatch] extends [never] ? true : { zhPlaceholdersDifferFromEnIn: PlaceholderMismatch } = true;
void zhPlaceholdersMatchEn;

// --- runtime -------------------------------------------------------------------------------------

type Params = Readonly<Record<string, string | number>>;
const catalogues: Record<Language, Readonly<Record<MessageId, string>>> = { en, zh };

/**
 * Fills {name} placeholders; an unknown placeholder stays visible rather than vanishing. Every
 * value is shown with its control characters escaped (core/visible.ts): values carry text from
 * outside (daemon answers, log lines, context names, environment values).
 */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : visible(String(value));
  });
}

export function translator(language: Language): Translate {
  const catalogue = catalogues[language];
  // An id no catalogue knows (tsc rules it out) shows itself rather than throwing.
  const t = (id: MessageId, params?: Params) => format(catalogue[id] ?? en[id] ?? id, params);
  return t as Translate;
}

/** LC_ALL beats LC_MESSAGES beats LANG, as in POSIX locale resolution. */
export function languageFromEnv(env: Readonly<Record<string, string | undefined>>): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh(_|-|\.|$)/i.test(locale) ? 'zh' : 'en';
}
