// Where a JSON text is wrong, said the way a person fixes it: the first mistake, its kind, and the
// line and column of the mistake itself — the trailing comma, not the "}" after it where a parser
// notices; the start of `tru`, not the space after it. JSON.parse's messages name only where it
// stopped (and differ between Node versions), so dockhook scans the text itself. The grammar is
// RFC 8259's, which both JSON.parse and Go's encoding/json (dockerd) follow.
import type { Translate } from './messages/index.js';

export type JsonSyntaxKind =
  | 'trailing-comma'
  | 'bad-literal'
  | 'expected-name'
  | 'expected-colon'
  | 'expected-comma'
  | 'bad-string'
  | 'bad-number'
  | 'unexpected-end'
  | 'extra'
  | 'unexpected';

export interface JsonSyntaxError {
  kind: JsonSyntaxKind;
  /** Line and column (both from 1) of the mistake. */
  line: number;
  column: number;
  /** The text found there, quoted for a message ("}" or "tru"); '' where nothing was found. */
  token: string;
}

class Found {
  constructor(readonly error: JsonSyntaxError) {}
}

/** The first syntax mistake in `text`, or null when it is one valid JSON value. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const n = text.length;
  const fail = (kind: JsonSyntaxKind, at: number, token = ''): never => {
    throw new Found({ kind, ...lineAndColumnAt(text, at), token });
  };
  // A string found where it does not belong is shown whole ("b"), any other character quoted.
  const charToken = (at: number): string => (text[at] === '"' ? /^"(?:[^"\\\n]|\\.){0,40}"?/.exec(text.slice(at))![0] : JSON.stringify(text[at] ?? ''));
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i += 1;
  };
  const string = (): void => {
    const start = i;
    i += 1;
    for (;;) {
      if (i >= n) fail('bad-string', start);
      const c = text[i]!;
      if (c === '"') {
        i += 1;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad-string', i);
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('bad-string', i);
        i += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('bad-string', c === '\n' ? start : i);
      i += 1;
    }
  };
  const word = (at: number): string => /^[\w.+-]+/.exec(text.slice(at))?.[0] ?? text[at] ?? '';
  const number = (): void => {
    const start = i;
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const found = m.exec(text);
    const end = found && found[0] !== '-' ? start + found[0].length : start;
    if (end === start || /[\w.+-]/.test(text[end] ?? '')) fail('bad-number', start, JSON.stringify(word(start)));
    i = end;
  };
  const value = (): void => {
    ws();
    if (i >= n) fail('unexpected-end', n);
    const c = text[i]!;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (/[A-Za-z_]/.test(c)) {
      const w = /^[A-Za-z_]\w*/.exec(text.slice(i))![0];
      if (w !== 'true' && w !== 'false' && w !== 'null') fail('bad-literal', i, JSON.stringify(w));
      i += w.length;
      return;
    }
    fail('unexpected', i, charToken(i));
  };
  // After a member or element: a comma (never before the closing bracket), the bracket, or a mistake.
  const next = (close: '}' | ']'): boolean => {
    ws();
    if (i >= n) fail('unexpected-end', n);
    if (text[i] === ',') {
      const comma = i;
      i += 1;
      ws();
      if (text[i] === close) fail('trailing-comma', comma);
      return true;
    }
    if (text[i] === close) {
      i += 1;
      return false;
    }
    return fail('expected-comma', i, charToken(i));
  };
  const object = (): void => {
    i += 1;
    ws();
    if (text[i] === '}') {
      i += 1;
      return;
    }
    do {
      ws();
      if (i >= n) fail('unexpected-end', n);
      if (text[i] !== '"') fail('expected-name', i, /[A-Za-z_]/.test(text[i]!) ? JSON.stringify(word(i)) : charToken(i));
      string();
      ws();
      if (i >= n) fail('unexpected-end', n);
      if (text[i] !== ':') fail('expected-colon', i, charToken(i));
      i += 1;
      value();
    } while (next('}'));
  };
  const array = (): void => {
    i += 1;
    ws();
    if (text[i] === ']') {
      i += 1;
      return;
    }
    do value();
    while (next(']'));
  };
  try {
    value();
    ws();
    if (i < n) fail('extra', i, charToken(i));
    return null;
  } catch (error) {
    if (error instanceof Found) return error.error;
    throw error;
  }
}

/** Line and column (from 1) of a character offset. */
export function lineAndColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** The mistake in the user's language; the parser's own (English) words only where no kind is known. */
export function jsonMistake(t: Translate, syntax: { message: string; kind?: JsonSyntaxKind | 'not-object'; token?: string }): string {
  const token = syntax.token ?? '';
  switch (syntax.kind) {
    case 'trailing-comma':
      return t('json.trailing-comma');
    case 'bad-literal':
      return t('json.bad-literal', { token });
    case 'expected-name':
      return t('json.expected-name', { token });
    case 'expected-colon':
      return t('json.expected-colon', { token });
    case 'expected-comma':
      return t('json.expected-comma', { token });
    case 'bad-string':
      return t('json.bad-string');
    case 'bad-number':
      return t('json.bad-number', { token });
    case 'unexpected-end':
      return t('json.unexpected-end');
    case 'extra':
      return t('json.extra', { token });
    case 'unexpected':
      return t('json.unexpected', { token });
    case 'not-object':
      return t('json.not-object');
    default:
      return syntax.message;
  }
}
