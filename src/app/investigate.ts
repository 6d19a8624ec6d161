// Endpoint → probes → diagnosis, for one docker invocation. Shared by doctor, fix, exec, check.
import { readBoundedSync } from '../io/bounded-read.js';
import { diagnose } from '../core/diagnose.js';
import { resolveEndpoint } from '../core/endpoint.js';
import type { Config } from '../core/config-schema.js';
import type { Translate } from '../core/messages/index.js';
import type { Diagnosis, Endpoint, ProbeReport } from '../core/types.js';
import type { System } from '../io/system.js';
import { gatherFacts, type ProbeRun } from '../probes/index.js';

export interface Investigation {
  endpoint: Endpoint;
  probes: ProbeReport[];
  facts: ProbeRun['facts'];
  diagnosis: Diagnosis;
}

// ~/.docker is the user's, but anything can sit there (a FIFO, a huge file): bounded reads.
const readText = (path: string): string | null => {
  const read = readBoundedSync(path);
  return read.ok ? read.text : null;
};

export function endpointFor(sys: System, dockerArgs: readonly string[]): Endpoint {
  return resolveEndpoint({ argv: dockerArgs, env: sys.env, home: sys.user.home, readFile: readText });
}

export async function investigate(sys: System, dockerArgs: readonly string[], config: Config, t: Translate): Promise<Investigation> {
  const endpoint = endpointFor(sys, dockerArgs);
  const run = await gatherFacts(sys, t, endpoint, config.probeTimeoutMs, config.rootless.host);
  const diagnosis = diagnose(run.facts, { rootless: config.rootless, disabledFixes: config.disabledFixes }, t);
  return { endpoint, probes: run.reports, facts: run.facts, diagnosis };
}
