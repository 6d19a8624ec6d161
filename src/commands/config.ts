// `dockhook config [--json]`: the effective configuration and where it came from.
import { writeOut } from '../io/stderr.js';
import { say } from '../core/messages/index.js';
import type { AppContext } from '../app/context.js';

export async function configCommand(ctx: AppContext, options: { json: boolean }): Promise<number> {
  const loaded = await ctx.loadConfig();
  const t = ctx.t(loaded.config);
  if (options.json) {
    const problems = loaded.problems.map((p) => say(t, p));
    writeOut(`${JSON.stringify({ path: loaded.path, config: loaded.config, problems }, null, 2)}\n`);
    return 0;
  }
  writeOut(`${[loaded.path ? t('config.source', { path: loaded.path }) : t('config.source-none'), JSON.stringify(loaded.config, null, 2)].join('\n')}\n`);
  return 0;
}
