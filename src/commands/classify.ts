// `dockhook classify [--json]`: is there a daemon-connection error in the text on stdin?
import { writeOut } from '../io/stderr.js';
import { readFileSync } from 'node:fs';
import { classify } from '../core/detect.js';
import type { AppContext } from '../app/context.js';

export async function classifyCommand(ctx: AppContext, options: { json: boolean }): Promise<number> {
  let text = '';
  try {
    text = readFileSync(0, 'utf8');
  } catch {
    // No stdin (closed or a terminal without input): nothing to classify.
  }
  const result = classify(text);
  if (options.json) {
    const body = result.match ? { match: true, kind: result.kind, endpoint: result.endpoint } : { match: false };
    writeOut(`${JSON.stringify(body)}\n`);
  } else {
    const t = ctx.t();
    writeOut(`${result.match ? t('classify.match', { kind: result.kind, line: result.line }) : t('classify.no-match')}\n`);
  }
  return result.match ? 0 : 1;
}
