// A live one-line progress indicator on a terminal: redrawn in place (carriage return, erase
// line), erased when done. Without a terminal: plain lines, one at the start and one at the end,
// so a log or a CI transcript still says what happened and how long it took.
import { writeSync } from 'node:fs';
import { forLocale } from './stderr.js';

export interface Progress {
  /** Redraw with the time waited so far. */
  tick(elapsedMs: number): void;
  /** Erase the line (terminal); `finalLine`, when given, is printed as a line of its own. */
  end(finalLine?: string): void;
}

const FRAMES = ['-', '\\', '|', '/'];
const ERASE = '\r\x1b[2K';

function write(text: string): void {
  try {
    writeSync(2, forLocale(text));
  } catch {
    // stderr closed: nothing to show progress on.
  }
}

/** `line(seconds)` is the text of the indicator; `startLine` is what a non-terminal gets first. */
export function progress(terminal: boolean, line: (seconds: string) => string, startLine: string): Progress {
  let frame = 0;
  let drawn = false;
  if (!terminal) write(`${startLine}\n`);
  return {
    tick(elapsedMs) {
      if (!terminal) return;
      frame = (frame + 1) % FRAMES.length;
      write(`${ERASE}${FRAMES[frame]} ${line((elapsedMs / 1000).toFixed(1))}`);
      drawn = true;
    },
    end(finalLine) {
      if (terminal && drawn) write(ERASE);
      if (finalLine) write(`${finalLine}\n`);
    },
  };
}
