// dockhook's own output, written synchronously so it interleaves correctly with docker's
// forwarded bytes. While wrapping docker (exec, check) it is stderr only: stdout belongs to
// docker. The reports of the standalone commands (doctor, config, classify, help, --version) go
// to stdout the same way, so they can be piped: process.stdout would load node:stream for one
// write.
import { writeSync } from 'node:fs';
import { asciiGlyphs } from '../core/glyphs.js';

let ascii = false;

/** Set once per run from the locale (app/context.ts): ASCII stand-ins for ✓ ✗ — … when it is not UTF-8. */
export function useAsciiGlyphs(on: boolean): void {
  ascii = on;
}

/** Text as this locale can show it. */
export function forLocale(text: string): string {
  return ascii ? asciiGlyphs(text) : text;
}

export function writeErr(text: string): void {
  const data = forLocale(text.endsWith('\n') ? text : `${text}\n`);
  try {
    writeSync(2, data);
  } catch {
    // stderr closed: nothing to tell anyone.
  }
}

export function writeOut(text: string): void {
  const data = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < data.length) offset += writeSync(1, data, offset);
  } catch {
    // A closed pipe (doctor --json | head): nothing more to say.
  }
}
