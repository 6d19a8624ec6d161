// Property-based tests (fast-check) of everything that reads data from outside dockhook: the
// config file, the docker context store, journal and log text, a daemon's HTTP answer, the
// files under /etc the probes parse, the hand-back lines, and what reaches the terminal. The
// properties: no input makes a parser throw or hang, what comes out stays within its bounds,
// and nothing from the input reaches a person's terminal with a control character in it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, isPrivilegeArgv, PRIVILEGE_PROGRAMS, validateConfig } from '../../src/core/config-schema.js';
import { latestAttemptInFile, latestAttemptInJournal, parseJournalJson, shortLine, tellingLines } from '../../src/core/daemon-log.js';
import { classify } from '../../src/core/detect.js';
import { readContext, readCurrentContext, resolveEndpoint } from '../../src/core/endpoint.js';
import { say, translator } from '../../src/core/messages/index.js';
import { commandLine } from '../../src/core/quote.js';
import { readServiceFailure } from '../../src/core/reasons.js';
import { readRootlessFailure } from '../../src/core/rootless-reasons.js';
import { hasControl, visible } from '../../src/core/visible.js';
import { HANDBACK_VARS } from '../../src/core/types.js';
import { loadConfig, parseReason } from '../../src/io/config.js';
import { envFileLines } from '../../src/io/envfile.js';
import { readResponse } from '../../src/io/ping.js';
import { parseGroupFile, parsePasswdNames } from '../../src/probes/etc-files.js';
import { parseSystemctlShow } from '../../src/probes/service.js';

const en = translator('en');
const zh = translator('zh');

/** Text as hostile input comes: any code points, control characters and escapes well represented. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(fc.constantFrom('\x1b', ']0;', '\x07', '[2J', '\r', '\n', '\u202e', '\x9b', '"', '{', '}', ':', 'currentContext', 'Host', 'docker', ' ', 'a'), {
      maxLength: 40,
    })
    .map((parts) => parts.join('')),
);

/** JSON-shaped text, valid or slightly broken. */
const jsonishText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.json({ maxDepth: 3 }).map((text) => text.slice(0, Math.max(0, text.length - 1))),
  hostileText,
);

const oneLineWithoutControls = (text: string) => !text.includes('\n') && !hasControl(text);

describe('fuzz: what reaches the terminal', () => {
  it('visible() leaves no control character, and is idempotent', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const shown = visible(text);
        expect(hasControl(shown)).toBe(false);
        expect(visible(shown)).toBe(shown);
      }),
      { numRuns: 2000 },
    );
  });

  it('a catalogue line with a hostile placeholder holds no control character, in both languages', () => {
    fc.assert(
      fc.property(hostileText, hostileText, (line, url) => {
        for (const t of [en, zh]) {
          expect(hasControl(t('evidence.log', { line }))).toBe(false);
          expect(hasControl(t('evidence.ping', { url, outcome: line }))).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a shown command line holds no control character', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(hasControl(commandLine(argv))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fuzz: the config', () => {
  const knownKeys = fc.record(
    {
      autoApply: fc.oneof(fc.constantFrom('never', 'safe', 'all'), fc.anything()),
      retry: fc.anything(),
      rootless: fc.oneof(fc.record({ prefer: fc.anything(), host: fc.anything() }, { requiredKeys: [] }), fc.anything()),
      sudo: fc.oneof(
        fc.array(
          fc.oneof(fc.constantFrom('sudo', 'doas', 'run0', 'pkexec', '-E', '-n', '-s', 'sh', '-c', '/usr/bin/sudo', './sudo', '/a/../sudo'), hostileText),
          { maxLength: 4 },
        ),
        fc.anything(),
      ),
      probeTimeoutMs: fc.anything(),
      disabledFixes: fc.anything(),
      language: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const rawConfig = fc.oneof(fc.anything(), knownKeys, fc.dictionary(hostileText, fc.anything(), { maxKeys: 30 }));

  it('validateConfig never throws; every value it keeps is allowed; every problem is one clean line', () => {
    fc.assert(
      fc.property(rawConfig, (raw) => {
        const { config, problems } = validateConfig(raw);
        expect(['never', 'safe', 'all']).toContain(config.autoApply);
        expect(['auto', 'en', 'zh']).toContain(config.language);
        expect(isPrivilegeArgv(config.sudo)).toBe(true);
        expect(config.probeTimeoutMs).toBeGreaterThanOrEqual(50);
        expect(config.probeTimeoutMs).toBeLessThanOrEqual(30000);
        // One line per kind of problem, however many keys: never a flood.
        expect(problems.length).toBeLessThanOrEqual(12);
        for (const p of problems) for (const t of [en, zh]) expect(oneLineWithoutControls(say(t, p))).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('privilege only from the allow-list: whatever is accepted runs sudo, doas, run0 or pkexec with a listed flag', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              'sudo',
              'doas',
              'run0',
              'pkexec',
              '-E',
              '-n',
              '-s',
              '-i',
              '-u',
              'root',
              'sh',
              '-c',
              'id',
              '/usr/bin/sudo',
              '/usr/bin/doas',
              'sudo ',
              ' sudo',
              '/tmp/x/sudo',
              'bin/sudo',
              '/a/../sudo',
              '//sudo',
            ),
            hostileText,
          ),
          { maxLength: 5 },
        ),
        (argv) => {
          if (!isPrivilegeArgv(argv)) return;
          const [program, ...flags] = argv;
          const name = program!.slice(program!.lastIndexOf('/') + 1);
          expect(Object.keys(PRIVILEGE_PROGRAMS)).toContain(name);
          expect(program === name || (program!.startsWith('/') && !program!.includes('/../') && !program!.includes('//'))).toBe(true);
          for (const flag of flags) expect(PRIVILEGE_PROGRAMS[name]).toContain(flag);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a parser error becomes one short line', () => {
    fc.assert(
      fc.property(hostileText, (message) => {
        const reason = parseReason(new Error(message));
        expect(reason.includes('\n')).toBe(false);
        expect(reason.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 1000 },
    );
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('any bytes in a config file: loadConfig never throws, and says so in clean lines', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dockhook-fuzz-'));
    dirs.push(home);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jsonishText,
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `autoApply: ${s}`),
        ),
        fc.constantFrom('.dockhookrc.json', '.dockhookrc.yaml', '.dockhookrc'),
        async (text, name) => {
          rmSync(join(home, '.dockhookrc.json'), { force: true });
          rmSync(join(home, '.dockhookrc.yaml'), { force: true });
          rmSync(join(home, '.dockhookrc'), { force: true });
          writeFileSync(join(home, name), text);
          const loaded = await loadConfig({ HOME: home }, home);
          expect(isPrivilegeArgv(loaded.config.sudo)).toBe(true);
          for (const p of loaded.problems) expect(oneLineWithoutControls(say(en, p))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the default config is what an empty or unusable file gives', () => {
    expect(validateConfig(undefined).config).toEqual(DEFAULT_CONFIG);
  });
});

describe('fuzz: the docker context store and config.json', () => {
  it('any file contents: endpoint resolution never throws and names a URL', () => {
    fc.assert(
      fc.property(jsonishText, jsonishText, hostileText, fc.option(hostileText, { nil: undefined }), (configJson, metaJson, contextName, dockerContext) => {
        const readFile = (path: string) => (path.endsWith('config.json') ? configJson : path.endsWith('meta.json') ? metaJson : null);
        expect(() => readCurrentContext('/home/u/.docker', readFile)).not.toThrow();
        expect(() => readContext('/home/u/.docker', contextName, readFile)).not.toThrow();
        const env = dockerContext === undefined ? {} : { DOCKER_CONTEXT: dockerContext };
        const endpoint = resolveEndpoint({ argv: ['ps'], env, home: '/home/u', readFile });
        expect(typeof endpoint.url).toBe('string');
      }),
      { numRuns: 1500 },
    );
  });

  it('a context named by the store or the environment is shown without control characters', () => {
    fc.assert(
      fc.property(hostileText, (name) => {
        const readFile = (path: string) => (path.endsWith('config.json') ? JSON.stringify({ currentContext: name }) : null);
        const endpoint = resolveEndpoint({ argv: ['ps'], env: {}, home: '/home/u', readFile });
        for (const value of [endpoint.url, endpoint.context ?? '', endpoint.contextError ?? ''])
          expect(hasControl(en('evidence.context-error', { error: value }))).toBe(false);
      }),
      { numRuns: 800 },
    );
  });
});

describe('fuzz: journal and log text', () => {
  const journalLine = fc.oneof(
    fc
      .record(
        {
          MESSAGE: fc.oneof(hostileText, fc.array(fc.integer({ min: -5, max: 300 }), { maxLength: 20 }), fc.anything()),
          _SYSTEMD_INVOCATION_ID: fc.option(fc.constantFrom('a', 'b', 'c')),
          INVOCATION_ID: fc.option(fc.constantFrom('a', 'b')),
        },
        { requiredKeys: [] },
      )
      .map((r) => JSON.stringify(r)),
    hostileText,
  );

  it('journalctl -o json output of any shape: parsed without throwing, the latest attempt found', () => {
    fc.assert(
      fc.property(fc.array(journalLine, { maxLength: 30 }), (lines) => {
        const entries = parseJournalJson(lines.join('\n'));
        const attempt = latestAttemptInJournal(entries);
        expect(Array.isArray(attempt)).toBe(true);
        expect(() => readServiceFailure(attempt)).not.toThrow();
        expect(() => readRootlessFailure(attempt)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('a log file of any text: bounded telling lines, each short', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hostileText, fc.constantFrom('time="x" level=info msg="Starting up"', 'failed to start daemon: x', 'level=error msg="y"')), {
          maxLength: 60,
        }),
        (lines) => {
          const attempt = latestAttemptInFile(lines.join('\n'));
          const telling = tellingLines(attempt);
          expect(telling.length).toBeLessThanOrEqual(attempt.length);
          for (const line of telling) expect(line.length).toBeLessThanOrEqual(243);
          for (const line of attempt) expect(shortLine(line).length).toBeLessThanOrEqual(243);
        },
      ),
      { numRuns: 800 },
    );
  });
});

describe("fuzz: a daemon's answer and the machine's files", () => {
  it('any HTTP head: a ping fact, and its detail shown clean', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          hostileText.map((t) => `HTTP/1.1 200 ${t}`),
          hostileText.map((t) => `HTTP/1.1 500 ${t}\r\nLibpod-Api-Version: 4\r\n`),
        ),
        (head) => {
          const facts = readResponse(head);
          expect(['ok', 'unhealthy', 'error']).toContain(facts.outcome);
          expect(hasControl(en('evidence.ping', { url: 'unix:///x', outcome: facts.detail }))).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('/etc/group, /etc/passwd and systemctl show of any text: parsed without throwing', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(() => parseGroupFile(text)).not.toThrow();
        expect(() => parsePasswdNames(text)).not.toThrow();
        expect(() => parseSystemctlShow(text)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('the detector takes any text without throwing', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const detection = classify(text);
        expect(typeof detection.match).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: the hand-back lines', () => {
  it('whatever a fix would hand back: known names only, one line each, no line breaks inside', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...HANDBACK_VARS), hostileText), fc.option(hostileText, { nil: null }), { maxKeys: 8 }), (env) => {
        for (const line of envFileLines(env as never)) {
          expect(/[\n\r\0]/.test(line)).toBe(false);
          const name = line.startsWith('set ') ? line.slice(4).split(' ')[0] : line.slice(6);
          expect(HANDBACK_VARS as readonly string[]).toContain(name);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
