import { describe, expect, it } from 'vitest';
import { latestAttemptInFile, latestAttemptInJournal, parseJournalJson, shortLine, tellingLines } from '../../src/core/daemon-log.js';
import { analyzeDaemonJson, closestKey } from '../../src/core/daemon-json.js';
import { rootlessLogPath, rootlessStartLine } from '../../src/core/rootless-log.js';

const entry = (MESSAGE: string, ids: { p?: string; m?: string } = {}) =>
  JSON.stringify({ MESSAGE, ...(ids.p ? { _SYSTEMD_INVOCATION_ID: ids.p } : {}), ...(ids.m ? { INVOCATION_ID: ids.m } : {}) });

describe('latest start attempt', () => {
  it('journal: from the first line of the last invocation, with systemd lines after it', () => {
    const text = [
      entry('Starting Docker Application Container Engine...', { m: 'a1' }),
      entry('failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid', { p: 'a1' }),
      entry('Starting Docker Application Container Engine...', { m: 'b2' }),
      entry('time="x" level=info msg="Starting up"', { p: 'b2' }),
      entry(
        'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to create NAT chain DOCKER: Iptables not found',
        { p: 'b2' },
      ),
      entry('docker.service: Main process exited, code=exited, status=1/FAILURE', { m: 'b2' }),
      entry('docker.service: Start request repeated too quickly.', { m: 'c3' }),
    ].join('\n');
    const attempt = latestAttemptInJournal(parseJournalJson(text));
    expect(attempt[0]).toBe('Starting Docker Application Container Engine...');
    expect(attempt.join('\n')).not.toMatch(/pid file/);
    expect(attempt.at(-1)).toBe('docker.service: Start request repeated too quickly.');
  });

  it('journal: a message journald kept as bytes is read as UTF-8', () => {
    const text = JSON.stringify({ MESSAGE: [...Buffer.from('failed to start daemon: ü')], _SYSTEMD_INVOCATION_ID: 'x' });
    expect(latestAttemptInJournal(parseJournalJson(text))).toEqual(['failed to start daemon: ü']);
  });

  it('log file: from the last "Starting up"', () => {
    const text = 'time="1" level=info msg="Starting up"\nfailed to start daemon: old\ntime="2" level=info msg="Starting up"\nfailed to start daemon: new\n';
    expect(latestAttemptInFile(text)).toEqual(['time="2" level=info msg="Starting up"', 'failed to start daemon: new']);
  });

  it("rootless log file: from dockhook's own start line, through the script trace", () => {
    const text = [
      rootlessStartLine('/usr/bin/dockerd-rootless.sh', new Date(0)),
      'old failure',
      rootlessStartLine('/usr/bin/dockerd-rootless.sh', new Date(1000)),
      '+ case "$1" in',
      'time="2" level=info msg="Starting up"',
      'new failure',
    ].join('\n');
    expect(latestAttemptInFile(text)).toEqual([
      rootlessStartLine('/usr/bin/dockerd-rootless.sh', new Date(1000)),
      '+ case "$1" in',
      'time="2" level=info msg="Starting up"',
      'new failure',
    ]);
  });

  // A sysv log: dockerd reads daemon.json before its "Starting up", so a config failure has no marker.
  const run = [
    'time="1" level=info msg="Starting up"',
    'time="1" level=error msg="Handler for POST /v1.41/images/create returned error: no such host"',
    'time="1" level=info msg="Processing signal \'terminated\'"',
    'time="1" level=info msg="Daemon shutdown complete"',
  ];
  const conflict =
    'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: storage-driver: (from flag: vfs, from file: vfs)';
  const literal = "unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character ' ' in literal true (expecting 'e')";

  it('log file: a config failure after a clean stop is an attempt of its own, not the whole previous run', () => {
    expect(latestAttemptInFile([...run, literal].join('\n'))).toEqual([literal]);
  });

  it('log file: two config failures in a row — the last one is the latest attempt', () => {
    expect(latestAttemptInFile([...run, conflict, literal].join('\n'))).toEqual([literal]);
    expect(latestAttemptInFile([conflict, literal].join('\n'))).toEqual([literal]);
  });

  it('log file: a run stopped cleanly is still the latest attempt, but what went wrong while it ran is no evidence', () => {
    expect(latestAttemptInFile(run.join('\n'))).toEqual(run);
    expect(tellingLines(run)).toEqual([]);
    expect(tellingLines([...run, 'failed to start daemon: after the stop'])).toEqual(['failed to start daemon: after the stop']);
  });

  it('telling lines skip info and grpc chatter', () => {
    expect(
      tellingLines([
        'time="x" level=info msg="Starting up"',
        'time="x" level=warning msg="[core] grpc: addrConn.createTransport failed" module=grpc',
        'failed to start daemon: x',
      ]),
    ).toEqual(['failed to start daemon: x']);
  });

  it('a long line is cut at a word boundary, never inside a word', () => {
    const line = `failed to start daemon: ${'averyveryverylongword '.repeat(20)}`;
    const short = shortLine(line, 100);
    expect(short.length).toBeLessThanOrEqual(100);
    expect(short).toMatch(/averyveryverylongword …$/);
  });
});

describe('daemon.json before anything runs', () => {
  it('a syntax error has its line and column', () => {
    const facts = analyzeDaemonJson('/etc/docker/daemon.json', '{\n  "debug": true,\n}\n');
    // The trailing comma at the end of line 2 is the mistake, not the "}" where a parser notices it.
    expect(facts.syntax).toMatchObject({ line: 2, column: 16, kind: 'trailing-comma' });
  });

  it('a misspelt literal is pointed at where it starts', () => {
    expect(analyzeDaemonJson('/d', '{ "debug": tru }\n').syntax).toMatchObject({ line: 1, column: 12, kind: 'bad-literal', token: '"tru"' });
  });

  it('an unknown key names the closest valid one', () => {
    expect(analyzeDaemonJson('/etc/docker/daemon.json', '{"debugg": true, "storage-drivr": "vfs", "zzz": 1}').unknownKeys).toEqual([
      { key: 'debugg', closest: 'debug' },
      { key: 'storage-drivr', closest: 'storage-driver' },
      { key: 'zzz', closest: null },
    ]);
    expect(closestKey('registry-mirror')).toBe('registry-mirrors');
  });

  it('nested options are read like dockerd reads them; log-opts is kept whole', () => {
    expect(analyzeDaemonJson('/d', '{"proxies": {"http-proxy": "x", "htps-proxy": "y"}, "log-opts": {"max-size": "1m"}}').unknownKeys).toEqual([
      { key: 'htps-proxy', closest: 'https-proxy' },
    ]);
  });

  it('an empty file is not called broken (Engine 24 accepts it)', () => {
    expect(analyzeDaemonJson('/d', ' \n').syntax).toBeNull();
  });

  it('hosts, data-root and storage-driver are read', () => {
    expect(analyzeDaemonJson('/d', '{"hosts": ["unix:///x.sock"], "data-root": "/srv/docker", "storage-driver": "overlay2"}')).toMatchObject({
      hosts: true,
      dataRoot: '/srv/docker',
      storageDriver: 'overlay2',
    });
  });
});

describe('rootless log path', () => {
  it('lives in the XDG state home', () => {
    expect(rootlessLogPath({}, '/home/ada')).toBe('/home/ada/.local/state/dockhook/dockerd-rootless.log');
    expect(rootlessLogPath({ XDG_STATE_HOME: '/st' }, '/home/ada')).toBe('/st/dockhook/dockerd-rootless.log');
    expect(rootlessLogPath({ XDG_STATE_HOME: 'rel' }, '/home/ada/')).toBe('/home/ada/.local/state/dockhook/dockerd-rootless.log');
  });
});
