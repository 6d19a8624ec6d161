// Where the rootless daemon's output goes when dockhook starts dockerd-rootless.sh in the
// background (no user manager to keep a journal): a file `doctor` reads back. Pure: the caller
// passes the environment and the user.

/**
 * `$XDG_STATE_HOME/dockhook/dockerd-rootless.log`, else `~/.local/state/dockhook/dockerd-rootless.log`
 * (the XDG base-directory spec puts logs in the state home). A relative XDG_STATE_HOME is ignored,
 * as the spec says. The directory is the user's own; whoever starts the daemon creates it 0700.
 */
export function rootlessLogPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : `${home.replace(/\/+$/, '')}/.local/state`;
  return `${state}/dockhook/dockerd-rootless.log`;
}

/**
 * The line written into that log before every start, so the reader can tell this attempt from
 * earlier ones (daemon-log.ts looks for it): `dockhook: starting <script> at <ISO time>`.
 */
export function rootlessStartLine(script: string, at: Date): string {
  return `dockhook: starting ${script} at ${at.toISOString()}`;
}
