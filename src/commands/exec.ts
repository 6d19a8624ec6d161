// `dockhook exec [--env-out FILE] -- ARGS…`: the shim. Runs the real docker, watches its
// stderr for a daemon-connection error, and on one hands over to the failure flow.
import type { AppContext } from '../app/context.js';
import { handleFailure } from '../app/flow.js';
import { StderrWatch } from '../core/stderr-watch.js';
import { childEnv, dockerBinary } from '../io/docker.js';
import { runForwarding } from '../io/forward.js';
import { readFileSync } from 'node:fs';
import { parseGroupFile } from '../probes/etc-files.js';
import { sgArgv } from '../app/flow.js';

/**
 * DOCKHOOK_GROUP=docker is what the shell keeps after a yes to "use the group now": this session
 * predates the user's membership, so every docker command runs through `sg docker` without
 * asking again — until the session carries the group itself (newgrp, a new login).
 */
export function groupToRunWith(env: Readonly<Record<string, string | undefined>>, groupFile: () => string, gids: readonly number[]): string | null {
  if (env.DOCKHOOK_GROUP !== 'docker') return null;
  const entry = parseGroupFile(groupFile()).find((g) => g.name === 'docker');
  if (!entry || gids.includes(entry.gid)) return null;
  return 'docker';
}

export async function execCommand(ctx: AppContext, dockerArgs: readonly string[], envOut: string | null): Promise<number> {
  const detector = new StderrWatch();
  const docker = dockerBinary(ctx.env);
  const group = groupToRunWith(
    ctx.env,
    () => {
      try {
        return readFileSync('/etc/group', 'utf8');
      } catch {
        return '';
      }
    },
    process.getgroups?.() ?? [],
  );
  const [file, ...args] = group ? sgArgv(docker, dockerArgs, group) : [docker, ...dockerArgs];
  const result = await runForwarding({
    file: file!,
    args,
    env: childEnv(ctx.env),
    usePty: ctx.stderrIsTTY,
    onChunk: (chunk) => detector.push(chunk),
  });
  if (result.spawnError) {
    const code = result.spawnError.code;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : result.spawnError.message;
    ctx.say(ctx.t()('error.no-docker', { message: `${docker}: ${reason}` }));
    return result.status;
  }
  const detection = detector.end();
  // A real connection failure makes docker exit non-zero; the same words printed by a
  // container that ran fine (docker-in-docker logs) are not ours to act on.
  if (result.status === 0 || !detection.match) return result.status;
  try {
    return await handleFailure(ctx, { dockerArgs, status: result.status, envOut, mode: 'after-failure' });
  } catch (error) {
    // docker already ran and printed its own error: keep its status, say one line, go.
    ctx.say(ctx.t()('error.internal', { message: (error as Error).message }));
    return result.status;
  }
}
