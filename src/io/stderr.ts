// dockhook's own output: stderr only (stdout belongs to docker), written synchronously so it
// interleaves correctly with docker's forwarded bytes.
import { writeSync } from 'node:fs';

export function writeErr(text: string): void {
  const data = text.endsWith('\n') ? text : `${text}\n`;
  try {
    writeSync(2, data);
  } catch {
    // stderr closed: nothing to tell anyone.
  }
}
