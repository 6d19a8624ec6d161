// After a fix that starts a daemon: wait, bounded, until its endpoint answers `/_ping`. A start
// command (service docker start, setsid dockerd-rootless.sh) often returns before the daemon
// listens; re-running docker at once would fail with the very error just fixed.
import type { PingFacts } from '../core/types.js';
import type { Progress } from '../io/progress.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Number(process.hrtime.bigint()) / 1e6,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitDeps {
  ping: (url: string, options: { timeoutMs: number }) => Promise<PingFacts>;
  clock: Clock;
  progress: Progress;
  /** True when waiting longer is pointless (the daemon being waited for has exited, the service failed). */
  gaveUp?: ((elapsedMs: number) => boolean | Promise<boolean>) | undefined;
}

/**
 * `ended`: why the wait stopped without an answer before the bound — the endpoint refuses this
 * user (EACCES: the daemon is up, and that is an answer too), or the daemon is gone.
 */
export type WaitResult = { answered: boolean; ms: number; ended?: 'denied' | 'gone' };

/** Polls every `intervalMs` until the endpoint answers, refuses this user, the daemon is gone, or `timeoutMs` has passed. */
export async function waitUntilAnswers(url: string, timeoutMs: number, deps: WaitDeps, intervalMs = 150): Promise<WaitResult> {
  const { clock } = deps;
  const started = clock.now();
  for (;;) {
    const elapsed = clock.now() - started;
    const left = timeoutMs - elapsed;
    const outcome = (await deps.ping(url, { timeoutMs: Math.max(50, Math.min(1000, left)) })).outcome;
    const ms = clock.now() - started;
    if (outcome === 'ok' || outcome === 'unhealthy') return { answered: true, ms };
    if (outcome === 'eacces') return { answered: false, ms, ended: 'denied' };
    if (ms >= timeoutMs) return { answered: false, ms };
    if (await deps.gaveUp?.(ms)) return { answered: false, ms, ended: 'gone' };
    deps.progress.tick(ms);
    await clock.sleep(Math.min(intervalMs, Math.max(0, timeoutMs - ms)));
  }
}
