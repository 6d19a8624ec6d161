// Files dockhook itself writes or reads, named in one place.

/**
 * Where the rootless daemon's output goes when dockhook starts it without a user manager
 * (no systemd journal to keep it): the XDG state directory, private to the user. `doctor` and
 * the rootless diagnosis read the daemon's last words from here.
 */
export function rootlessLogPath(home: string, env: Readonly<Record<string, string | undefined>>): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : `${home}/.local/state`;
  return `${state}/dockhook/dockerd-rootless.log`;
}
