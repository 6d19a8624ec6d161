// Text from outside dockhook (a daemon's answer, a log line, a context name, an environment
// value, a config value) is shown with every control character made visible, so that it
// cannot move the cursor, clear the screen, set the window title (OSC), ring the bell, start
// a fake line of its own (CR, LF) or reverse the reading order (bidi controls). Applied to
// every placeholder of every catalogue message (messages/index.ts) and to the few lines that
// print such text directly. Idempotent: its output holds no control character.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function visible(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** True when `text` would be changed by visible(): for tests and for callers that want to know. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}
