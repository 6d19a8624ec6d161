// Real transcripts from public issue threads (test/fixtures/daemon-failures/README.md names each
// source), read the way dockhook reads a log: the latest attempt, then the reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestAttemptInFile } from '../../src/core/daemon-log.js';
import { readServiceFailure } from '../../src/core/reasons.js';
import { readRootlessFailure } from '../../src/core/rootless-reasons.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'daemon-failures');
const attempt = (file: string) => latestAttemptInFile(readFileSync(join(DIR, file), 'utf8'));

describe('real transcripts → reason', () => {
  it.each([
    ['socket-activation-acs-engine-67.txt', 'socket-activation'],
    ['socket-activation-moby-43554.txt', 'socket-activation'],
    ['cgroups-datmo-cli-installer-16.txt', 'cgroups'],
    ['cgroups-gebuilder-6.txt', 'cgroups'],
    ['daemon-json-nanosaur-47.txt', 'daemon-json'],
  ] as const)('%s → service-failed %s', (file, reason) => {
    const { match } = readServiceFailure(attempt(file));
    expect(match?.reason).toBe(reason);
  });

  it("systemd's start limit alone → start-limit (nothing more specific is known)", () => {
    const reading = readServiceFailure(attempt('start-limit-nvidia-container-runtime-45.txt'));
    expect(reading.match).toBeNull();
    expect(reading.startLimit).toMatch(/start-limit-hit|repeated too quickly/);
  });

  it('the AppArmor hint of rootlesskit ≥ 2.0.2 → rootless-failed apparmor-userns', () => {
    expect(readRootlessFailure(attempt('apparmor-rootlesskit-421.txt'))?.reason).toBe('apparmor-userns');
  });

  it('"operation not permitted" alone names nothing: the pre-flight decides between AppArmor and the sysctl', () => {
    expect(readRootlessFailure(attempt('apparmor-nerdctl-3063.txt'))).toBeNull();
  });

  it('the README names every transcript', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const file of [
      'socket-activation-acs-engine-67.txt',
      'socket-activation-moby-43554.txt',
      'cgroups-datmo-cli-installer-16.txt',
      'cgroups-gebuilder-6.txt',
      'apparmor-rootlesskit-421.txt',
      'apparmor-nerdctl-3063.txt',
      'start-limit-nvidia-container-runtime-45.txt',
      'daemon-json-nanosaur-47.txt',
    ])
      expect(readme).toContain(`\`${file}\``);
  });
});
