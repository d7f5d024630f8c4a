// @module-tag slow
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/results.js';
import { projectRoot, tempDir, waitUntil } from '../helpers.js';

// The gate never passes having judged nothing, never takes an unfinished run as its baseline, keeps the rounds of an
// interrupted compare: group, and never lets two runs share one --out (docs/judging.md, "Never silently green").

const bin = path.join(projectRoot, 'bin/perfsuite.js');
// made before the first test, not on import: a file whose tests all skip runs no hook, so nothing would remove it
let root: string;
beforeAll(() => {
  root = tempDir('green');
});

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1', PERF_DURATION: '1s', ...extra });

function perfsuite(args: readonly string[], extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: projectRoot, encoding: 'utf8', env: env(extra) });
}

const out = (name: string): string => path.join(root, name);
const results = (dir: string): RunResult => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
/** One UDP_RR case of the example UDP suite: a finished run whose cases no TCP suite shares. */
const udpRun = ['run', 'suites/loopback-udp.yml', '--repeat', '1', '--filter', 'test=UDP_RR', '--filter', 'request_size=64'];
/** One TCP_RR case of the example TCP suite, whose group judges transaction_rate within 30%. */
const tcpRun = ['run', 'suites/loopback-tcp.yml', '--repeat', '1', '--filter', 'test=TCP_RR', '--filter', 'request_size=1'];

describe('a baseline or history that matches no case of the run', () => {
  let udpResults: string;
  beforeAll(() => {
    const first = perfsuite([...udpRun, '--out', out('udp')]);
    expect(first.status).toBe(0);
    udpResults = path.join(out('udp'), 'results.json');
  });

  it('fails the run as "nothing compared" on the console, in report.md and in an ::error at the regression: line', () => {
    const summary = path.join(root, 'summary.md');
    writeFileSync(summary, '');
    const run = perfsuite([...tcpRun, '--out', out('other'), '--baseline', udpResults], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: projectRoot,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`  ✗ nothing compared, so the run fails: no case of this run is in the baseline ${udpResults}`);
    expect(run.stdout).toMatch(
      /^nothing compared: the regression gate judged no metric, so the run fails\n1 case: 1 passed, 0 failed, 0 could not be measured, 1 metric not compared in \d+s$/m,
    );
    expect(readFileSync(path.join(out('other'), 'report.md'), 'utf8').split('\n')[0]).toBe(
      `## ❌ perfsuite: nothing compared against the baseline ${udpResults}; 1 case passed its thresholds; 1 metric not compared`,
    );
    expect(readFileSync(summary, 'utf8')).toContain('nothing compared against the baseline');
    // the annotation points at the group's regression: entry (suites/loopback-tcp.yml line 34)
    expect(run.stdout).toMatch(
      /^::error file=suites\/loopback-tcp\.yml,line=34,title=perfsuite%3A nothing compared against the baseline::no case of this run is in the baseline /m,
    );
    expect(results(out('other')).state).toBe('complete');
  });

  it('with --missing-baseline warn, warns once and passes', () => {
    const run = perfsuite([...tcpRun, '--out', out('warned'), '--baseline', udpResults, '--missing-baseline', 'warn'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: projectRoot,
    });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::warning') && line.includes('nothing compared'))).toHaveLength(1);
    expect(run.stdout).not.toContain('::error');
    expect(results(out('warned')).missingBaseline).toBe('warn');
    // a baseline file that does not exist (a first run, an evicted cache) is the same warning, not a usage error
    const absent = perfsuite([...tcpRun, '--out', out('absent'), '--baseline', path.join(root, 'never-stored.json'), '--missing-baseline', 'warn']);
    expect(absent.status).toBe(0);
    expect(absent.stderr).toContain('never-stored.json does not exist, so no case is judged against a baseline this time (--missing-baseline warn)');
    expect(perfsuite([...tcpRun, '--out', out('absent-fail'), '--baseline', path.join(root, 'never-stored.json')]).status).toBe(2);
  });

  it('fails the same way against a history whose entries match no case, while a history file not made yet only warns', () => {
    const history = path.join(root, 'udp.jsonl');
    expect(perfsuite(['history', 'add', udpResults, '--history', history]).status).toBe(0);
    const matched = perfsuite([...tcpRun, '--out', out('history'), '--history', history]);
    expect(matched.status).toBe(1);
    expect(matched.stdout).toContain(`✗ nothing compared, so the run fails: none of the 1 entry in ${history}`);
    const first = perfsuite([...tcpRun, '--out', out('new-history'), '--history', path.join(root, 'new.jsonl')]);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('new.jsonl does not exist, so no case is judged against a history this time');
  });
});

describe('a baseline from a run that did not complete', () => {
  it.each(['running', 'interrupted', 'crashed'] as const)('is refused when its state is %s, exit 2, naming the state', (state) => {
    const dir = out(`state-${state}`);
    expect(perfsuite([...tcpRun, '--out', dir]).status).toBe(0);
    const baseline = path.join(root, `${state}.json`);
    writeFileSync(baseline, JSON.stringify({ ...results(dir), state }));
    const run = perfsuite([...tcpRun, '--out', out(`after-${state}`), '--baseline', baseline]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`perfsuite: --baseline ${baseline} is from a run that `);
    expect(run.stderr).toContain(`'${state}'`);
    expect(run.stderr).toContain('only a complete run can be a baseline');
    expect(run.stdout).toBe('');
  });
});

/** The pids of the measuring netperf processes started (through any wrapper) by the process `rootPid`. */
function netperfsUnder(rootPid: number): string[] {
  const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm=,args='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  const under = new Set([String(rootPid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of table) {
      if (pid !== undefined && ppid !== undefined && under.has(ppid) && !under.has(pid)) {
        under.add(pid);
        grew = true;
      }
    }
  }
  // measuring runs only: `netperf -V`, which perfsuite asks first, is no round
  return table.filter(([pid, , comm, ...args]) => comm === 'netperf' && args.includes('-t') && pid !== undefined && under.has(pid)).map(([pid]) => pid ?? '');
}

describe('an interrupted compare: group', () => {
  it('keeps the rounds it measured in results.json and says the comparison is inconclusive, naming the interruption', async () => {
    const suite = path.join(root, 'ab.yml');
    writeFileSync(
      suite,
      `version: 1
name: ab
servers:
  base: { type: local }
  head: { type: local }
tests:
  - name: rr
    test: TCP_RR
    duration: 1s
    matrix:
      server: [base, head]
    compare: { server: base }
    regression: { transaction_rate: 50% }
`,
    );
    const dir = out('ab');
    const child = spawn(process.execPath, [bin, 'run', suite, '--out', dir, '--seed', '1'], {
      cwd: projectRoot,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    // two whole rounds are four netperf processes of this run: count the ones seen, then stop the run as a CI timeout would
    const seen = new Set<string>();
    const netperfs = (): string[] => netperfsUnder(child.pid ?? -1);
    await waitUntil(
      () => {
        for (const pid of netperfs()) seen.add(pid);
        return seen.size >= 5;
      },
      30_000,
      'the third round started',
    );
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(130);
    const result = results(dir);
    expect(result.state).toBe('interrupted');
    const [control, candidate] = result.suites[0]?.cases ?? [];
    expect(control?.runs.length).toBeGreaterThanOrEqual(2);
    expect(candidate?.runs.length).toBeGreaterThanOrEqual(2);
    expect(candidate?.status).toBe('pass');
    expect(candidate?.regressions?.[0]?.verdict).toBe('inconclusive');
    expect(candidate?.regressions?.[0]?.note).toMatch(
      /^the run was interrupted after [2-6] rounds \([2-6] pairs with the control ab\/rr\[server=base\]\), and the paired test needs at least 7: run it again to judge it$/,
    );
    expect(stdout).toMatch(/^interrupted after 2 of 2 cases/m);
  });
});

describe('two runs into one --out', () => {
  it('refuses the second while the first runs, naming its pid, and lets the first finish', async () => {
    const dir = out('shared');
    const first = spawn(process.execPath, [bin, ...tcpRun, '--out', dir, '--duration', '3'], {
      cwd: projectRoot,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitUntil(() => existsSync(path.join(dir, '.perfsuite.lock')), 10_000, 'the first run took its lock');
    const second = perfsuite([...tcpRun, '--out', dir]);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`^perfsuite: another perfsuite run \\(pid ${first.pid}, started [^)]+\\) is writing to ${dir}; wait for it to finish, or pass another --out`),
    );
    const [code] = (await once(first, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(results(dir).suites[0]?.cases.map((c) => c.status)).toEqual(['pass']);
    // the lock goes with the run, and so does the journal once results.json holds every case
    expect(readdirSync(dir)).not.toContain('.perfsuite.lock');
    expect(readdirSync(dir)).not.toContain('results.journal.jsonl');
  });

  it('takes over a lock a killed run left, saying so', () => {
    const dir = out('stale');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(path.join(dir, '.perfsuite.lock'), JSON.stringify({ pid: Number(gone), host: hostname(), startedAt: '2026-12-01T00:00:00.000Z' }));
    const run = perfsuite([...tcpRun, '--out', dir]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      `perfsuite: note: took over ${dir}/.perfsuite.lock from pid ${gone} (started 2026-12-01T00:00:00.000Z), which is no longer running: that run was killed before it finished, and this run replaces its results there\n`,
    );
  });
});
