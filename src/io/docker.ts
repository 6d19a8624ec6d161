// Running the real docker binary (never the shell function that wraps it).
import { constants } from 'node:os';

/** The environment docker and fix commands get: the caller's, with what the launcher parked restored. */
export function childEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  if (out.DOCKHOOK_SAVED_NODE_EXTRA_CA_CERTS !== undefined) {
    out.NODE_EXTRA_CA_CERTS = out.DOCKHOOK_SAVED_NODE_EXTRA_CA_CERTS;
    delete out.DOCKHOOK_SAVED_NODE_EXTRA_CA_CERTS;
  }
  return out;
}

/** DOCKHOOK_DOCKER names another docker binary (tests, unusual installs); otherwise PATH's. */
export function dockerBinary(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKHOOK_DOCKER || 'docker';
}

/** 128+N for a signal, as shells report it. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return 128 + (number ?? 1);
}
