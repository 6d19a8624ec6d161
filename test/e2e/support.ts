// vitest glue for world-based tests: one place decides whether a suite runs, skips (with the
// reason printed) or fails because worlds cannot be built on this machine.

import { afterAll, beforeAll, describe, it } from 'vitest';
import { createWorld, inCI, preflight, type World, type WorldSpec } from './world.js';

/** Building a world takes about a second; the margin is for a loaded CI machine. */
export const WORLD_BUILD_TIMEOUT_MS = 120_000;
export const WORLD_DISPOSE_TIMEOUT_MS = 30_000;
/** One test: a few commands in a world, each well under a few seconds. */
export const WORLD_TEST_TIMEOUT_MS = 60_000;

let warned = false;

/**
 * `describe` for suites that need worlds. When worlds cannot be built here (not root, no
 * dockerd, no namespaces): outside CI the suite is skipped and the reason printed once; with CI
 * set it fails, so a broken CI machine can never pass by skipping.
 */
export function describeWithWorlds(name: string, body: () => void): void {
  const check = preflight();
  if (check.ok) {
    describe(name, { timeout: WORLD_TEST_TIMEOUT_MS }, body);
    return;
  }
  if (inCI()) {
    describe(name, () => {
      it('builds e2e worlds on this machine', () => {
        throw new Error(`CI is set, and e2e worlds cannot be built here: ${check.reason}`);
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`[e2e] skipping world-based tests: ${check.reason}`);
  }
  describe.skip(name, body);
}

/**
 * Builds a world before the enclosing describe's tests and disposes of it after them (also when
 * they fail). Returns an accessor, since the world exists only once beforeAll has run.
 */
export function useWorld(spec: WorldSpec): () => World {
  let world: World | undefined;
  beforeAll(async () => {
    world = await createWorld(spec);
  }, WORLD_BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await world?.dispose();
  }, WORLD_DISPOSE_TIMEOUT_MS);
  return () => {
    if (!world) throw new Error(`world ${spec.name} was not built (see the beforeAll error)`);
    return world;
  };
}
