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

let dockerSignal: NodeJS.Signals | null = null;

/** exitStatus for a run of docker itself, remembering the signal that ended it, if one did. */
export function dockerExitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  dockerSignal = code === null ? signal : null;
  return exitStatus(code, signal);
}

/**
 * The signal that ended the last docker run, when it is one dockhook should die of too. Older
 * clients (docker.io 20.10) die of Ctrl-C's SIGINT where newer ones exit 130, and a shell treats
 * the two differently (bash abandons the rest of the command line and starts a new line), so
 * exiting 130 would not be what plain docker gives.
 */
export function signalToRepeat(status: number): NodeJS.Signals | null {
  return dockerSignal === 'SIGINT' && status === exitStatus(null, dockerSignal) ? dockerSignal : null;
}
