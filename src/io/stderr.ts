// dockhook's own output: stderr only (stdout belongs to docker), written synchronously so it
// interleaves correctly with docker's forwarded bytes. The machine-readable answers of doctor,
// classify and config go to stdout the same way: process.stdout would load node:stream for
// one write.
import { writeSync } from 'node:fs';

export function writeErr(text: string): void {
  const data = text.endsWith('\n') ? text : `${text}\n`;
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
