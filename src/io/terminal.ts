// Is a descriptor a terminal? process.stderr.isTTY answers, but touching process.stderr
// builds a stream (node:stream and more, about 3 ms at start-up). On Linux, /proc says where
// the descriptor points without loading anything.
import { readlinkSync } from 'node:fs';

export function isTerminal(fd: 0 | 1 | 2): boolean {
  try {
    const target = readlinkSync(`/proc/self/fd/${fd}`);
    return /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(target);
  } catch {
    const stream = fd === 0 ? process.stdin : fd === 1 ? process.stdout : process.stderr;
    return stream.isTTY === true;
  }
}
