// `dockhook fix [--yes] [--dry-run]`: the same flow without a failed command.
import type { AppContext } from '../app/context.js';
import { handleFailure } from '../app/flow.js';

export function fixCommand(ctx: AppContext, options: { yes: boolean; dryRun: boolean; envOut: string | null }): Promise<number> {
  const mode = options.dryRun ? 'dry-run' : options.yes ? 'fix-yes' : 'fix';
  return handleFailure(ctx, { dockerArgs: [], status: 1, envOut: options.envOut, mode });
}
