// `dockhook config [--json]`: the effective configuration and where it came from.
import type { AppContext } from '../app/context.js';

export async function configCommand(ctx: AppContext, options: { json: boolean }): Promise<number> {
  const loaded = await ctx.loadConfig();
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ path: loaded.path, config: loaded.config, problems: loaded.problems }, null, 2)}\n`);
    return 0;
  }
  const t = ctx.t(loaded.config);
  ctx.say([loaded.path ? t('config.source', { path: loaded.path }) : t('config.source-none'), JSON.stringify(loaded.config, null, 2)].join('\n'));
  return 0;
}
