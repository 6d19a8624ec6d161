// Files dockhook itself writes or reads, named in one place.

/**
 * Where the rootless daemon's output goes when dockhook starts it without a user manager (no
 * journal to keep it): under the user's state directory (~/.local/state, XDG's default), in a
 * directory only the user can open. `doctor` and the rootless diagnosis read the daemon's last
 * words from here. A fixed place under home, so the probes find it whatever the environment says.
 */
export function rootlessLogPath(home: string): string {
  return `${home}/.local/state/dockhook/dockerd-rootless.log`;
}
