// What really runs for a catalogue argv: catalogue commands that need root start with "sudo",
// which becomes the configured program (doas, say), or goes away when dockhook runs as root;
// "docker" becomes the real docker binary.

export interface Concretion {
  sudo: readonly string[];
  uid: number;
  dockerBinary: string;
}

export function concreteArgv(argv: readonly string[], how: Concretion): string[] {
  if (argv[0] === 'sudo') return how.uid === 0 ? argv.slice(1) : [...how.sudo, ...argv.slice(1)];
  if (argv[0] === 'docker') return [how.dockerBinary, ...argv.slice(1)];
  return [...argv];
}
