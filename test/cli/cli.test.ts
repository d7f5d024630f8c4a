import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { baselineMethod } from '../../src/report/report-text.js';
import type { RunResult } from '../../src/model/results.js';
import { perfsuiteInProcess, projectRoot, tempDir } from '../helpers.js';
import { sweepAndBaseline, syntheticRun } from '../report/fixtures.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');

/** Runs the built CLI as a user would, without colour: for the few checks of the real process (exit status, PATH). */
function perfsuiteSpawned(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? projectRoot,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const perfsuite = perfsuiteInProcess;

describe('perfsuite validate', () => {
  it('accepts the example suites through a quoted glob, one line each, exit 0', { tags: ['dist'] }, () => {
    const result = perfsuiteSpawned(['validate', 'suites/*.yml']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ok suites\/loopback-tcp\.yml: suite 'loopback-tcp', 2 groups, 10 cases$/m);
  });

  it('prints every problem as file:line:col and exits 2', async () => {
    const result = await perfsuite(['validate', 'test/fixtures/suites/errors/many-errors.yml', 'test/fixtures/suites/errors/unknown-test.yml']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe("test/fixtures/suites/errors/many-errors.yml:4:3: unknown key 'duraton' in defaults; did you mean 'duration'?");
    expect(lines).toHaveLength(7);
    expect(lines[5]).toMatch(/^test\/fixtures\/suites\/errors\/unknown-test\.yml:5:11: 'TCP_STREEM' is not a valid test/);
    expect(lines[6]).toBe('perfsuite: 6 problems in 2 files; nothing was run');
  });

  it('exits 2 with a clear message when a glob matches nothing', async () => {
    const result = await perfsuite(['validate', 'nowhere/*.yml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no suite files match 'nowhere\/\*\.yml'/);
  });

  it('refuses a file over 1 MiB before parsing it', async () => {
    const dir = tempDir('big');
    const file = path.join(dir, 'big.yml');
    const head = 'version: 1\nname: big\ntests:\n';
    const line = '  - { name: g, test: TCP_STREAM }\n';
    // the fewest whole lines that pass the limit
    const text = head + line.repeat(Math.floor((1024 * 1024 - head.length) / line.length) + 1);
    writeFileSync(file, text);
    const result = await perfsuite(['validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/big\.yml:1:1: file is 1\.0 MiB, over the 1 MiB limit for a suite/);
  });

  it('rejects a matrix of hundreds of millions of cases with the count, and --max-cases raises the limit', async () => {
    const result = await perfsuite(['validate', 'test/fixtures/suites/errors/huge-matrix.yml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/expands to 1,280,000,000 cases, more than the limit of 100,000/);
    const small = await perfsuite(['validate', '--max-cases', '9', 'suites/loopback-tcp.yml']);
    expect(small.status).toBe(2);
    expect(small.stderr).toMatch(/expand to 10 cases together, more than the limit of 9;/);
  });

  for (const fixture of ['alias-bomb', 'huge-matrix', 'proto-key']) {
    it(`fails ${fixture} with exit 2 and a file:line:col message`, async () => {
      const result = await perfsuite(['validate', `test/fixtures/suites/errors/${fixture}.yml`]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^test/fixtures/suites/errors/${fixture}\\.yml:\\d+:\\d+: \\S`));
    });
  }

  it('takes --var before the environment', async () => {
    const file = 'test/fixtures/suites/errors/missing-variable.yml';
    expect((await perfsuite(['validate', file])).status).toBe(2);
    expect((await perfsuite(['validate', file], { env: { PERFSUITE_TEST_UNSET_DURATION: '2s' } })).status).toBe(0);
    const both = await perfsuite(['plan', '--json', '--var', 'PERFSUITE_TEST_UNSET_DURATION=4', file], { env: { PERFSUITE_TEST_UNSET_DURATION: '2s' } });
    expect((JSON.parse(both.stdout) as { cases: { params: { duration: number } }[] }).cases[0]?.params.duration).toBe(4);
  });

  it('exits 2 on an unknown option or command', { tags: ['dist'] }, () => {
    expect(perfsuiteSpawned(['validate', '--bogus', 'suites/loopback-tcp.yml']).status).toBe(2);
    expect(perfsuiteSpawned(['frobnicate']).status).toBe(2);
  });
});

describe('perfsuite plan', () => {
  it('--json prints the shape docs/commands.md documents, with exact netperf argv', async () => {
    const result = await perfsuite(['plan', '--json', 'suites/loopback-tcp.yml']);
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { cases: Record<string, unknown>[]; servers: Record<string, unknown>[] };
    expect(plan.cases).toHaveLength(10);
    expect(plan.cases[0]).toEqual({
      id: 'loopback-tcp/bulk[send_size=2K,socket_buffer=default]',
      suite: 'loopback-tcp',
      group: 'bulk',
      server: 'local',
      params: { test: 'TCP_STREAM', duration: 2, send_size: 2048, socket_buffer: 'default', repeat: 5 },
      netperf: [
        'netperf',
        '-P',
        '0',
        '-H',
        '127.0.0.1',
        '-p',
        '{port}',
        '-t',
        'TCP_STREAM',
        '-l',
        '2',
        '--',
        '-k',
        'THROUGHPUT,THROUGHPUT_UNITS,ELAPSED_TIME,LSS_SIZE_END,LSR_SIZE_END,RSS_SIZE_END,RSR_SIZE_END,LOCAL_SEND_SIZE,REMOTE_RECV_SIZE,LOCAL_NODELAY,REMOTE_NODELAY,TRANSPORT_MSS,LOCAL_TRANSPORT_RETRANS',
        '-m',
        '2048',
      ],
      file: 'suites/loopback-tcp.yml',
      line: 15,
      estimatedSeconds: 10.25,
    });
    expect(plan.servers).toEqual([
      {
        key: 'loopback-tcp/local',
        suite: 'loopback-tcp',
        name: 'local',
        type: 'local',
        spec: { type: 'local' },
        host: '127.0.0.1',
        controlPort: '{port}',
        netserver: ['netserver', '-D', '-L', '127.0.0.1', '-p', '{port}'],
        setup: [],
        teardown: [],
      },
    ]);
  });

  it('--repeat and --duration override every case', async () => {
    const plan = JSON.parse((await perfsuite(['plan', '--json', '--repeat', '1', '--duration', '1s', 'suites/loopback-tcp.yml'])).stdout) as {
      cases: { params: { repeat: number; duration: number }; netperf: string[] }[];
    };
    expect(plan.cases.every((c) => c.params.repeat === 1 && c.params.duration === 1 && c.netperf.join(' ').includes('-l 1 '))).toBe(true);
    expect((await perfsuite(['plan', '--duration', '500ms', 'suites/loopback-tcp.yml'])).status).toBe(2);
  });

  it('prints a readable plan with the source line of each case and the total estimate', async () => {
    const result = await perfsuite(['plan', 'suites/loopback-udp.yml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^server loopback-udp\/local \(local\) 127\.0\.0\.1:\{port\}: netserver -D -L 127\.0\.0\.1 -p \{port\}$/m);
    expect(result.stdout).toMatch(/^loopback-udp\/bulk\[send_size=1K\] {2}suites\/loopback-udp\.yml:14:\d+\n {2}netperf -P 0 .* -m 1024 -R 1$/m);
    expect(result.stdout).toMatch(/^5 cases, estimated \d+s$/m);
  });
});

describe('perfsuite schema and --version', () => {
  it('prints the suite schema', async () => {
    const result = await perfsuite(['schema']);
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { title: string }).title).toBe('perfsuite suite');
  });

  it('prints the package version', { tags: ['dist'] }, () => {
    const result = perfsuiteSpawned(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('perfsuite report', () => {
  const recorded = path.join(projectRoot, 'test/fixtures/results/sweep.results.json');

  it('re-renders every report from results.json alone and exits as the run did', async () => {
    const out = tempDir('report');
    const result = await perfsuite(['report', recorded, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
    const run = JSON.parse(readFileSync(recorded, 'utf8')) as RunResult;
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toBe(renderJunit(run));
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toBe(renderMarkdown(run));
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toBe(renderHtml(run));
    expect(existsSync(path.join(out, 'results.json'))).toBe(false);
    expect(result.stdout).toMatch(
      /^thresholds\n {2}✓ throughput >= 1 Gbit\/s {8}6\/6 cases {2}worst 1\.85 Gbit\/s {3}test\/fixtures\/results\/sweep\.yml:17$/m,
    );
    expect(result.stdout).toMatch(/^ {2}✗ throughput >= 1000 Gbit\/s {5}0\/1 case {3}got 18\.1 Gbit\/s {5}test\/fixtures\/results\/sweep\.yml:25$/m);
    expect(result.stdout).toMatch(/^13 cases: 9 passed, 3 failed, 1 could not be measured in 24s\nreports in .*: junit\.xml report\.md report\.html\n$/m);
    expect(result.stdout).not.toContain('::error');
  });

  it('on GitHub Actions annotates at most 10 failures and keeps the job summary under 1 MiB', async () => {
    const dir = tempDir('gha');
    const big = path.join(dir, 'results.json');
    writeFileSync(big, JSON.stringify(syntheticRun(5000)));
    const summary = path.join(dir, 'summary.md');
    // earlier steps already wrote 900 KiB to this step's summary
    writeFileSync(summary, `${'x'.repeat(1023)}\n`.repeat(900));
    const result = await perfsuite(['report', 'results.json', '--reporter', 'markdown'], {
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.status).toBe(3);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::error '))).toHaveLength(10);
    const size = statSync(summary).size;
    expect(size).toBeLessThanOrEqual(1024 * 1024);
    expect(size).toBeGreaterThan(1000 * 1024);
    const appended = readFileSync(summary, 'utf8').slice(900 * 1024);
    expect(appended).toMatch(/^## ⚠️ perfsuite: \d+ of 5000 cases failed a threshold; 98 of 5000 cases could not be measured\n/);
    expect(appended).toMatch(
      /> \*\*Truncated:\*\* \d+ of 50 sections \(tables and charts\) are left out to keep this under [\d.]+ KiB\. The full report is report\.md \(upload the results directory as an artifact to keep it\)\.\n\n$/,
    );
    expect(readdirSync(dir).sort()).toEqual(['report.md', 'results.json', 'summary.md']);
  });

  it('names every unreadable results file at once and exits 2', async () => {
    const dir = tempDir('bad');
    writeFileSync(path.join(dir, 'broken.json'), '{"schemaVersion": 1, "suites": [');
    writeFileSync(path.join(dir, 'future.json'), '{"schemaVersion": 3}');
    writeFileSync(path.join(dir, 'wrong.json'), '{"schemaVersion": 1, "state": "complete"}');
    const result = await perfsuite(['report', 'broken.json', 'future.json', 'wrong.json', 'missing.json'], { cwd: dir });
    expect(result.status).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^perfsuite: broken\.json: cannot read it as JSON \(.*\); pass a results\.json written by perfsuite run$/);
    expect(lines[1]).toBe('perfsuite: future.json: schemaVersion is 3, this perfsuite reads 1 and 2; render it with the perfsuite version that wrote it');
    expect(lines[2]).toMatch(/^perfsuite: wrong\.json: not a perfsuite results file: \/ must have required property '\w+'/);
    expect(lines[3]).toBe('perfsuite: missing.json does not exist; pass a results.json written by perfsuite run');
    expect(readdirSync(dir).sort()).toEqual(['broken.json', 'future.json', 'wrong.json']);
  });

  it('joins several files into perfsuite-results/ by default and never writes over an input', async () => {
    const dir = tempDir('join');
    const run = JSON.parse(readFileSync(recorded, 'utf8')) as RunResult;
    const [first, ...rest] = run.suites[0]?.cases ?? [];
    for (const [name, cases] of [
      ['a', [first]],
      ['b', rest],
    ] as const) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'results.json'), JSON.stringify({ ...run, suites: [{ ...run.suites[0], cases }] }));
    }
    const before = readFileSync(path.join(dir, 'a/results.json'), 'utf8');
    const joined = await perfsuite(['report', 'a/results.json', 'b/results.json'], { cwd: dir });
    expect(joined.stderr).toBe('');
    expect(readFileSync(path.join(dir, 'a/results.json'), 'utf8')).toBe(before);
    expect(readdirSync(path.join(dir, 'a'))).toEqual(['results.json']);
    const result = JSON.parse(readFileSync(path.join(dir, 'perfsuite-results/results.json'), 'utf8')) as RunResult;
    expect(result.suites[0]?.cases).toHaveLength(run.suites[0]?.cases.length ?? -1);
    // nor over a baseline, however it is reached
    const overBaseline = await perfsuite(['compare', 'a/results.json', 'b/results.json', '--out', 'a'], { cwd: dir });
    expect(overBaseline.status).toBe(2);
    expect(readFileSync(path.join(dir, 'a/results.json'), 'utf8')).toBe(before);
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'a-link'));
    expect((await perfsuite(['report', 'b/results.json', '--baseline', 'a/results.json', '--out', 'a-link', '--reporter', 'json'], { cwd: dir })).status).toBe(
      2,
    );
    expect(readFileSync(path.join(dir, 'a/results.json'), 'utf8')).toBe(before);
    const onto = await perfsuite(['report', 'a/results.json', 'b/results.json', '--out', 'a'], { cwd: dir });
    expect(onto.status).toBe(2);
    expect(onto.stderr).toBe(`perfsuite: the reports would overwrite the input ${path.join(dir, 'a/results.json')}; pass --out with another directory\n`);
    expect(readFileSync(path.join(dir, 'a/results.json'), 'utf8')).toBe(before);
  });

  it('refuses an unknown reporter with a suggestion', async () => {
    const result = await perfsuite(['report', recorded, '--reporter', 'junit,htm']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("perfsuite: unknown reporter 'htm' (did you mean 'html'?); choose from json, junit, markdown, html\n");
  });
});

describe('perfsuite compare and --baseline', () => {
  function writePair(): string {
    const dir = tempDir('compare');
    const { current, baseline } = sweepAndBaseline();
    // without the unreachable case, so the verdict is the regression's
    const measured = { ...current, suites: current.suites.map((s) => ({ ...s, cases: s.cases.filter((c) => c.status !== 'error') })) };
    writeFileSync(path.join(dir, 'baseline.json'), JSON.stringify(baseline));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(measured));
    return dir;
  }

  it('judges a run against a baseline, prints baseline, current, change, bounds and evidence, and exits 1 on a regression', async () => {
    const dir = writePair();
    const result = await perfsuite(['compare', 'baseline.json', 'results.json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const lines = result.stdout.split('\n');
    const start = lines.findIndex((line) => line.startsWith('Baseline baseline.json from '));
    // what the baseline was and how it was judged, in the words of report.md and report.html
    expect(lines[start]).toBe(`Baseline baseline.json from 2026-11-26T13:27:39.135Z. ${baselineMethod(0.01)}`);
    expect(lines[start + 1]).toBe("  ! the machine or setup differs from the baseline's: kernel 6.1.0-28-amd64 → 6.18.44-fc-v657");
    expect(lines[start + 2]).toBe('  ! 1 baseline case not run: sweep/unreachable');
    expect(lines[start + 3]).toBe('  - 1 case without a baseline: sweep/udp[send_size=1K]');
    // the whole bulk group moved −16.7%: said once, its six cases stay in results.json and the reports' tables
    expect(lines[start + 4]).toBe(
      '  ! the whole group sweep/bulk moved −16.7% in throughput against the baseline (6 of 6 compared cases together): one cause hit every case alike, most often the machine or the setup; check the differences listed with the baseline before the code',
    );
    expect(result.stdout).not.toContain('  ✗ sweep/bulk[');
    expect(result.stdout).toMatch(
      /^ {2}✓ sweep\/rr\[request_size=1,test=TCP_RR\] transaction_rate {2}17\.6k\/s → 17\.6k\/s {2}\+0\.00% \[−0\.47%, \+0\.48%\] unchanged \(tolerance 5%\)/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}✓ sweep\/udp\[send_size=8K\] throughput {2}16\.3 Gbit\/s → 18\.1 Gbit\/s {2}\+11\.1% \[\+10\.9%, \+11\.4%\] improved \(tolerance 5%\)/m,
    );
    expect(result.stdout).toMatch(/^ {2}- sweep\/udp\[send_size=1K\] throughput {2}— not compared \(tolerance 5%\) {2}the baseline has no case with this id$/m);
    // inconclusive is a warning with what would decide it, never a failure of its own
    expect(result.stdout).toMatch(
      /^ {2}\? sweep\/rr\[request_size=1K,test=UDP_RR\] transaction_rate {2}18\.6k\/s → 17\.2k\/s {2}−7\.41% \[−18\.4%, \+5\.07%\] inconclusive \(tolerance 5%\) {2}p = 0\.111, 5 vs 5 runs; the noise is too large to tell a drop of more than 5% from none with 5 runs per side; about \d+ runs per side would likely decide it/m,
    );
    expect(result.stdout).not.toContain('reports in');
    expect(readdirSync(dir).sort()).toEqual(['baseline.json', 'results.json']);
  });

  it('exits 0 when nothing regressed, though comparisons stayed inconclusive, and 1 with --fail-on-inconclusive', async () => {
    const dir = tempDir('compare');
    const { current, baseline } = sweepAndBaseline();
    // the rr group alone: two cases unchanged, two inconclusive, and no threshold that fails
    const rr = {
      ...current,
      suites: current.suites.map((s) => ({
        ...s,
        cases: s.cases.filter((c) => c.group === 'rr').map((c) => ({ ...c, status: 'pass' as const, thresholds: [] })),
      })),
    };
    writeFileSync(path.join(dir, 'baseline.json'), JSON.stringify(baseline));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(rr));
    const lenient = await perfsuite(['compare', 'baseline.json', 'results.json', '--out', 'lenient'], { cwd: dir });
    expect(lenient.stderr).toBe('');
    expect(lenient.status).toBe(0);
    expect(readFileSync(path.join(dir, 'lenient/report.md'), 'utf8').split('\n')[0]).toBe(
      '## ✅ perfsuite: all 4 cases passed; 2 comparisons inconclusive (a warning: see the notes)',
    );
    writeFileSync(path.join(dir, 'strict.json'), JSON.stringify({ ...rr, failOnInconclusive: true }));
    const strict = await perfsuite(['compare', 'baseline.json', 'strict.json', '--out', 'strict'], { cwd: dir });
    expect(strict.status).toBe(1);
    expect(readFileSync(path.join(dir, 'strict/report.md'), 'utf8').split('\n')[0]).toBe(
      '## ❌ perfsuite: 2 of 4 cases stayed inconclusive (--fail-on-inconclusive)',
    );
  });

  it('writes the reports with the comparison when given --out', async () => {
    const dir = writePair();
    const result = await perfsuite(['compare', 'baseline.json', 'results.json', '--out', 'judged'], { cwd: dir });
    expect(result.status).toBe(1);
    const judged = JSON.parse(readFileSync(path.join(dir, 'judged/results.json'), 'utf8')) as RunResult;
    expect(judged.comparison?.baselineFile).toBe('baseline.json');
    expect(judged.suites[0]?.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toHaveLength(9);
    expect(readFileSync(path.join(dir, 'judged/report.md'), 'utf8')).toContain('### Compared with the baseline');
  });

  it('refuses a missing or invalid baseline before anything runs, exit 2', async () => {
    const dir = tempDir('nobase');
    const run = await perfsuite(['run', 'suites/loopback-udp.yml', '--out', dir, '--baseline', path.join(dir, 'missing.json')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^perfsuite: --baseline .*missing\.json does not exist; pass a results\.json written by perfsuite run\n/);
    expect(readdirSync(dir)).toEqual([]);
    // a typo in the file's name or its directory: the file that is there
    mkdirSync(path.join(dir, 'base'));
    writeFileSync(path.join(dir, 'base', 'results.json'), '{}');
    for (const typo of ['base/reslts.json', 'bse/results.json']) {
      const misspelt = await perfsuite(['compare', typo, 'base/results.json'], { cwd: dir });
      expect(misspelt.status).toBe(2);
      expect(misspelt.stderr.split('\n')[0]).toBe(
        `perfsuite: baseline ${typo} does not exist (did you mean base/results.json?); pass a results.json written by perfsuite run`,
      );
    }
    // the directory itself, as --out named it
    const directory = await perfsuite(['compare', 'base', 'base/results.json'], { cwd: dir });
    expect(directory.stderr.split('\n')[0]).toBe('perfsuite: baseline base is a directory; pass the results.json in it (base/results.json)');
    writeFileSync(path.join(dir, 'old.json'), '{"schemaVersion": 0}');
    const compare = await perfsuite(['compare', 'old.json', 'old.json'], { cwd: dir });
    expect(compare.status).toBe(2);
    expect(compare.stderr).toBe(
      'perfsuite: baseline old.json: schemaVersion is 0, this perfsuite reads 1 and 2; render it with the perfsuite version that wrote it\n',
    );
  });
});

describe('perfsuite doctor', () => {
  it('checks netperf and netserver, then each server of the given suites, and exits 3 when one is missing', async () => {
    const result = await perfsuite(['doctor', 'test/fixtures/results/sweep.yml']);
    expect(result.status).toBe(3);
    expect(result.stdout).toBe(
      [
        '✓ netperf: 2.7.0',
        '✓ netserver: 2.7.0',
        '✓ sweep/local: local netserver: on 127.0.0.1',
        '✗ sweep/gone: netserver at 127.0.0.1:1: not reachable (connect ECONNREFUSED 127.0.0.1:1); start netserver there or fix host/control_port',
        '',
      ].join('\n'),
    );
  });

  it('says how to install netperf when it is missing', { tags: ['dist'] }, () => {
    const result = perfsuiteSpawned(['doctor'], { env: { PATH: '/nonexistent' } });
    expect(result.status).toBe(3);
    expect(result.stdout).toMatch(/^✗ netperf: not found; install it with: bash scripts\/install-deps\.sh/);
  });
});
