import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostNote } from '../../src/cli/validate.js';
import { congestionControlFacts } from '../../src/exec/environment.js';
import type { Case } from '../../src/model/suite-types.js';
import { perfsuiteInProcess, tempDir } from '../helpers.js';

const dir = tempDir('validate');

/** Writes a suite into the test's directory and returns its name there. */
function suite(name: string, lines: readonly string[]): string {
  writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

const perfsuite = (args: readonly string[]) => perfsuiteInProcess(args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });

describe('a timeout that cannot cover the run is refused before anything runs', () => {
  const file = suite('short-timeout.yml', [
    'version: 1',
    'name: short',
    'tests:',
    '  - name: bulk',
    '    test: TCP_STREAM',
    '    duration: 1',
    '    timeout: 1s',
  ]);

  it('validate exits 2 at the timeout value, saying what it must at least be', async () => {
    const result = await perfsuite(['validate', file]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'short-timeout.yml:7:14: timeout 1s cannot cover case short/bulk: each run takes 1 s (duration 1s), and netperf needs up to 5 s more to start, connect and report ' +
        '(timeout caps each run), so it would be killed and reported as a network failure; set timeout: 6s or more, or leave timeout out (each run then gets its length plus half again, at least 5 s)\n' +
        'perfsuite: 1 problem in 1 file; nothing was run\n',
    );
  });

  it('run refuses it the same way (exit 2, nothing measured), and --duration counts', async () => {
    const run = await perfsuite(['run', file, '--out', 'out']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^short-timeout\.yml:7:14: timeout 1s cannot cover case short\/bulk: .*set timeout: 6s or more/);
    const enough = suite('enough-timeout.yml', ['version: 1', 'name: enough', 'tests:', '  - { name: bulk, test: TCP_STREAM, duration: 1, timeout: 6s }']);
    expect((await perfsuite(['validate', enough])).status).toBe(0);
    const plan = await perfsuite(['plan', enough, '--duration', '3s']);
    expect(plan.status).toBe(2);
    expect(plan.stderr).toMatch(
      /^enough-timeout\.yml:4:59: timeout 6s cannot cover case enough\/bulk: each run takes 3 s \(duration 3s from --duration\).*set timeout: 8s or more/,
    );
  });
});

describe('server: in defaults', () => {
  it('is the server of every group that names none; a group’s own server: and a server axis override it', async () => {
    const file = suite('default-server.yml', [
      'version: 1',
      'name: ds',
      'servers:',
      '  lo: { type: local }',
      '  other: { type: local }',
      'defaults:',
      '  server: lo',
      '  duration: 1',
      'tests:',
      '  - { name: bulk, test: TCP_STREAM }',
      '  - { name: rr, test: TCP_RR }',
      '  - { name: own, test: TCP_RR, server: other }',
      '  - { name: swept, test: TCP_RR, matrix: { server: [local, other] } }',
    ]);
    expect(await perfsuite(['validate', file])).toEqual({ status: 0, stdout: "ok default-server.yml: suite 'ds', 4 groups, 5 cases\n", stderr: '' });
    const plan = await perfsuite(['plan', '--json', file]);
    expect(plan.status).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { cases: { id: string; server: string }[]; servers: { key: string }[] };
    expect(parsed.cases.map((c) => [c.id, c.server])).toEqual([
      ['ds/bulk', 'lo'],
      ['ds/rr', 'lo'],
      ['ds/own', 'other'],
      ['ds/swept[server=local]', 'local'],
      ['ds/swept[server=other]', 'other'],
    ]);
    expect(parsed.servers.map((s) => s.key)).toEqual(['ds/lo', 'ds/other', 'ds/local']);
    expect((await perfsuite(['plan', file])).stdout).toMatch(/^server ds\/lo \(local\) 127\.0\.0\.1:\{port\}: netserver/m);
  });

  it('an unknown server there is reported once, at its line, with a did-you-mean', async () => {
    const file = suite('default-server-typo.yml', [
      'version: 1',
      'name: dt',
      'servers: { peer: { type: local } }',
      'defaults: { server: pear }',
      'tests:',
      '  - { name: a, test: TCP_RR }',
      '  - { name: b, test: TCP_RR }',
    ]);
    const result = await perfsuite(['validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "default-server-typo.yml:4:21: unknown server 'pear' in defaults; did you mean 'peer'? (defined: local, peer); define it under servers:\n" +
        'perfsuite: 1 problem in 1 file; nothing was run\n',
    );
  });
});

const available = congestionControlFacts().availableCongestionControls;

describe('validate checks what run would refuse on this machine', () => {
  const tuned = suite('tuned.yml', [
    'version: 1',
    'name: tuned',
    'tests:',
    '  - name: bulk',
    '    test: TCP_STREAM',
    '    duration: 1',
    '    congestion_control: nosuchcc',
    '    cpu_affinity: { local: 4095 }',
    '  - { name: typo, test: TCP_STREM }',
  ]);

  it.skipIf(available === undefined)('reports host problems labelled "on this host", with file:line:col, together with the suite’s own, exit 2', async () => {
    const result = await perfsuite(['validate', tuned]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `tuned.yml:7:25: on this host: congestion_control nosuchcc is not available in this kernel (it has ${[...(available ?? [])].join(', ')}); load it (modprobe tcp_nosuchcc) or pick one of those (run refuses it here too; validating for another machine? pass --no-host-checks)`,
      expect.stringMatching(
        /^tuned\.yml:8:19: on this host: cpu_affinity 4095, pins netperf to CPU 4095, but this machine has \d+ CPUs? .*\(run refuses it here too; validating for another machine\? pass --no-host-checks\)$/,
      ),
      expect.stringMatching(/^tuned\.yml:9:25: 'TCP_STREM' is not a valid test; did you mean 'TCP_STREAM'\?/),
      'perfsuite: 3 problems in 1 file; nothing was run',
    ]);
  });

  it('--no-host-checks leaves them to run and doctor, and says so', async () => {
    const fixed = suite('tuned-ok.yml', [
      'version: 1',
      'name: tuned',
      'tests:',
      '  - { name: bulk, test: TCP_STREAM, duration: 1, congestion_control: nosuchcc, cpu_affinity: { local: 4095 } }',
    ]);
    expect(await perfsuite(['validate', '--no-host-checks', fixed])).toEqual({
      status: 0,
      stdout:
        "ok tuned-ok.yml: suite 'tuned', 1 group, 1 case\nhost checks skipped (--no-host-checks): run and doctor check cpu_affinity and congestion_control against the machine they run on\n",
      stderr: '',
    });
  });

  it.skipIf(available === undefined || available.size === 0)(
    'says what it checked here when the suite asks something of the machine and it is there',
    async () => {
      const algorithm = [...(available ?? [])][0] ?? '';
      const fine = suite('tuned-fine.yml', [
        'version: 1',
        'name: fine',
        'tests:',
        `  - { name: bulk, test: TCP_STREAM, duration: 1, congestion_control: ${algorithm}, cpu_affinity: { local: 0 } }`,
      ]);
      const result = await perfsuite(['validate', fine]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(
          `^ok tuned-fine\\.yml: suite 'fine', 1 group, 1 case\\nok on this host: cpu_affinity CPUs up to 0 of the \\d+ here; congestion_control ${algorithm} available here \\(another machine that runs these suites checks them again\\)\\n$`,
        ),
      );
    },
  );

  it('names the highest CPU of however many cases (a spread of 300,000 would overflow the stack)', () => {
    const cases = Array.from(
      { length: 150_000 },
      (_, i) => ({ suite: 's', server: 'local', params: { cpu_affinity: { local: i % 7, remote: i === 99_999 ? 9 : 0 } } }) as unknown as Case,
    );
    expect(hostNote(cases, [], { cpuCount: 16 })).toBe(
      'ok on this host: cpu_affinity CPUs up to 9 of the 16 here (another machine that runs these suites checks them again)',
    );
  });
});
