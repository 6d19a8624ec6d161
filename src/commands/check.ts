// `dockhook check --status N [--env-out FILE] -- ARGS…`: the shell function ran docker directly
// (fast path) and it failed. Is the daemon out of reach? Silent when it answers.
import type { AppContext } from '../app/context.js';
import { handleFailure } from '../app/flow.js';

export async function checkCommand(ctx: AppContext, dockerArgs: readonly string[], status: number, envOut: string | null): Promise<number> {
  try {
    return await handleFailure(ctx, { dockerArgs, status, envOut, mode: 'after-failure' });
  } catch (error) {
    ctx.say(ctx.t()('error.internal', { message: (error as Error).message }));
    return status;
  }
}
