import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');

/** Runs the built CLI as a user would, without colour. */
function perfsuite(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? projectRoot,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('perfsuite validate', () => {
  it('accepts the example suites through a quoted glob, one line each, exit 0', () => {
    const result = perfsuite(['validate', 'suites/*.yml']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ok suites\/loopback-tcp\.yml: suite 'loopback-tcp', 2 groups, 10 cases$/m);
  });

  it('prints every problem as file:line:col and exits 2', () => {
    const result = perfsuite(['validate', 'test/fixtures/suites/errors/many-errors.yml', 'test/fixtures/suites/errors/unknown-test.yml']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe("test/fixtures/suites/errors/many-errors.yml:4:3: unknown key 'duraton' in defaults; did you mean 'duration'?");
    expect(lines).toHaveLength(7);
    expect(lines[5]).toMatch(/^test\/fixtures\/suites\/errors\/unknown-test\.yml:5:11: 'TCP_STREEM' is not a valid test/);
    expect(lines[6]).toBe('perfsuite: 6 problems in 2 files; nothing was run');
  });

  it('exits 2 with a clear message when a glob matches nothing', () => {
    const result = perfsuite(['validate', 'nowhere/*.yml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no suite files match 'nowhere\/\*\.yml'/);
  });

  it('refuses a 10 MB file before parsing it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-'));
    const file = path.join(dir, 'big.yml');
    writeFileSync(file, `version: 1\nname: big\ntests:\n${'  - { name: g, test: TCP_STREAM }\n'.repeat(330_000)}`);
    const result = perfsuite(['validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/big\.yml:1:1: file is 10\.\d MiB, over the 1 MiB limit for a suite/);
  });

  it('rejects a matrix of hundreds of millions of cases with the count, and --max-cases raises the limit', () => {
    const result = perfsuite(['validate', 'test/fixtures/suites/errors/huge-matrix.yml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/expands to 1,280,000,000 cases, more than the limit of 100,000/);
    const small = perfsuite(['validate', '--max-cases', '9', 'suites/loopback-tcp.yml']);
    expect(small.status).toBe(2);
    expect(small.stderr).toMatch(/expand to 10 cases together, more than the limit of 9;/);
  });

  for (const fixture of ['alias-bomb', 'huge-matrix', 'proto-key']) {
    it(`fails ${fixture} with exit 2 and a file:line:col message`, () => {
      const result = perfsuite(['validate', `test/fixtures/suites/errors/${fixture}.yml`]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^test/fixtures/suites/errors/${fixture}\\.yml:\\d+:\\d+: \\S`));
    });
  }

  it('takes --var before the environment', () => {
    const file = 'test/fixtures/suites/errors/missing-variable.yml';
    expect(perfsuite(['validate', file]).status).toBe(2);
    expect(perfsuite(['validate', file], { env: { PERFSUITE_TEST_UNSET_DURATION: '2s' } }).status).toBe(0);
    const both = perfsuite(['plan', '--json', '--var', 'PERFSUITE_TEST_UNSET_DURATION=4', file], { env: { PERFSUITE_TEST_UNSET_DURATION: '2s' } });
    expect((JSON.parse(both.stdout) as { cases: { params: { duration: number } }[] }).cases[0]?.params.duration).toBe(4);
  });

  it('exits 2 on an unknown option or command', () => {
    expect(perfsuite(['validate', '--bogus', 'suites/loopback-tcp.yml']).status).toBe(2);
    expect(perfsuite(['frobnicate']).status).toBe(2);
  });
});

describe('perfsuite plan', () => {
  it('--json prints the DESIGN shape with exact netperf argv', () => {
    const result = perfsuite(['plan', '--json', 'suites/loopback-tcp.yml']);
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { cases: Record<string, unknown>[]; servers: Record<string, unknown>[] };
    expect(plan.cases).toHaveLength(10);
    expect(plan.cases[0]).toEqual({
      id: 'loopback-tcp/bulk[send_size=2K,socket_buffer=default]',
      suite: 'loopback-tcp',
      group: 'bulk',
      server: 'local',
      params: { test: 'TCP_STREAM', duration: 2, send_size: 2048, socket_buffer: 'default', repeat: 3 },
      netperf: [
        'netperf', '-P', '0', '-H', '127.0.0.1', '-p', '{port}', '-t', 'TCP_STREAM', '-l', '2', '--',
        '-k', 'THROUGHPUT,THROUGHPUT_UNITS,ELAPSED_TIME,LSS_SIZE_END,LSR_SIZE_END,RSS_SIZE_END,RSR_SIZE_END,LOCAL_SEND_SIZE,REMOTE_RECV_SIZE,LOCAL_NODELAY,REMOTE_NODELAY',
        '-m', '2048',
      ],
      file: 'suites/loopback-tcp.yml',
      line: 15,
      estimatedSeconds: 6.15,
    });
    expect(plan.servers).toEqual([
      { key: 'loopback-tcp/local', suite: 'loopback-tcp', name: 'local', type: 'local', host: '127.0.0.1', controlPort: '{port}', netserver: ['netserver', '-D', '-L', '127.0.0.1', '-p', '{port}'] },
    ]);
  });

  it('--repeat and --duration override every case', () => {
    const plan = JSON.parse(perfsuite(['plan', '--json', '--repeat', '1', '--duration', '1s', 'suites/loopback-tcp.yml']).stdout) as { cases: { params: { repeat: number; duration: number }; netperf: string[] }[] };
    expect(plan.cases.every((c) => c.params.repeat === 1 && c.params.duration === 1 && c.netperf.join(' ').includes('-l 1 '))).toBe(true);
    expect(perfsuite(['plan', '--duration', '500ms', 'suites/loopback-tcp.yml']).status).toBe(2);
  });

  it('prints a readable plan with the source line of each case and the total estimate', () => {
    const result = perfsuite(['plan', 'suites/loopback-udp.yml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^server loopback-udp\/local \(local\) 127\.0\.0\.1:\{port\}: netserver -D -L 127\.0\.0\.1 -p \{port\}$/m);
    expect(result.stdout).toMatch(/^loopback-udp\/bulk\[send_size=1K\] {2}suites\/loopback-udp\.yml:14:\d+\n {2}netperf -P 0 .* -m 1024 -R 1$/m);
    expect(result.stdout).toMatch(/^5 cases, estimated \d+s$/m);
  });
});

describe('perfsuite schema and --version', () => {
  it('prints the suite schema', () => {
    const result = perfsuite(['schema']);
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { title: string }).title).toBe('perfsuite suite');
  });

  it('prints the package version', () => {
    const result = perfsuite(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
