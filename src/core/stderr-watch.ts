// Which part of docker's stderr the shim hands to the detector. A daemon-connection error is
// printed when docker's first request fails, so before any other output, or, when the daemon
// goes away in the middle of a long command, at the very end. Watching the first MiB and the
// last 16 KiB finds both, and keeps the detector's cost flat however much a build prints.
import { StreamDetector } from './detect.js';
import type { Detection } from './types.js';

export const HEAD_BYTES = 1024 * 1024;
export const TAIL_BYTES = 16 * 1024;

export class StderrWatch {
  private readonly head = new StreamDetector();
  private headBytes = 0;
  /** The last TAIL_BYTES seen after the head, newest last. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private skipped = false;

  push(chunk: Buffer): void {
    const room = HEAD_BYTES - this.headBytes;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.head.push(part);
      this.headBytes += part.length;
      if (part.length === chunk.length) return;
      chunk = chunk.subarray(part.length);
    }
    this.skipped = true;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  end(): Detection {
    const first = this.head.end();
    if (first.match || !this.skipped) return first;
    let tail = Buffer.concat(this.tail);
    tail = tail.subarray(Math.max(0, tail.length - TAIL_BYTES));
    // Start at a line boundary: the bytes before it belong to a line the head never finished.
    const newline = tail.indexOf(0x0a);
    const detector = new StreamDetector();
    detector.push(newline >= 0 ? tail.subarray(newline + 1) : tail);
    return detector.end();
  }
}
