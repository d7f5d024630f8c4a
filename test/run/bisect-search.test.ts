import { describe, expect, it } from 'vitest';
import type { CaseResult, RegressionOutcome, RunResult } from '../../src/model/results.js';
import { bisectSearch, nextProbe, type StepMeasurement, stepMeasurement, stepsToNarrow } from '../../src/run/bisect-search.js';

const commits = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i + 1}`);
const judged = (verdict: StepMeasurement['verdict']): StepMeasurement => ({ verdict, change: verdict === 'regressed' ? -0.5 : 0, rounds: 7 });

/** A search over `n` commits where the first bad one is `c<firstBad>`, `skip` do not build, and `undecided` are inconclusive. */
async function search(n: number, firstBad: number, options: { skip?: number[]; undecided?: number[]; maxSteps?: number } = {}) {
  const measured: string[] = [];
  let clock = 0;
  const outcome = await bisectSearch('good', commits(n), {
    maxSteps: options.maxSteps ?? Number.POSITIVE_INFINITY,
    now: () => (clock += 1000),
    measure: (commit) => {
      measured.push(commit);
      const index = Number(commit.slice(1));
      if (options.skip?.includes(index)) return Promise.resolve({ verdict: 'skipped', change: null, rounds: 0, note: 'setup failed' });
      if (options.undecided?.includes(index)) return Promise.resolve(judged('inconclusive'));
      return Promise.resolve(judged(index >= firstBad ? 'regressed' : 'unchanged'));
    },
  });
  return { ...outcome, measured };
}

describe('bisectSearch', () => {
  it('finds the first bad commit of every position in at most ⌈log2 n⌉ + 1 steps, the bad commit confirmed first', async () => {
    for (const n of [1, 2, 3, 6, 7, 8, 100]) {
      for (let firstBad = 1; firstBad <= n; firstBad++) {
        const { end, steps, measured } = await search(n, firstBad);
        expect(end).toEqual({ kind: 'found', firstBad: `c${firstBad}` });
        expect(measured[0]).toBe(`c${n}`);
        expect(steps[0]?.kind).toBe('confirm');
        expect(steps.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 1);
        expect(steps.every((step) => step.seconds === 1)).toBe(true);
      }
    }
  });

  it('stops after the confirmation when bad is not worse than good', async () => {
    const { end, measured } = await search(6, 7);
    expect(end).toEqual({ kind: 'not-worse' });
    expect(measured).toEqual(['c6']);
  });

  it('steps around a commit that does not build, and says when only skipped commits are left between good and bad', async () => {
    const around = await search(5, 4, { skip: [2] });
    expect(around.end).toEqual({ kind: 'found', firstBad: 'c4' });
    expect(around.measured).toEqual(['c5', 'c2', 'c1', 'c3', 'c4']);
    const stuck = await search(5, 3, { skip: [2] });
    expect(stuck.end).toEqual({ kind: 'undecided', range: { good: 'c1', bad: 'c3', commits: ['c2', 'c3'] }, reason: 'only skipped commits are left to test' });
  });

  it('ends an inconclusive step with the narrowest range, never a guess', async () => {
    const { end, measured } = await search(8, 6, { undecided: [6] });
    expect(measured).toEqual(['c8', 'c4', 'c6']);
    expect(end).toMatchObject({ kind: 'undecided', range: { good: 'c4', bad: 'c8', commits: ['c5', 'c6', 'c7', 'c8'] } });
    expect(end.kind === 'undecided' && end.reason).toBe('the step on commit c6 was inconclusive');
    const confirm = await search(8, 1, { undecided: [8] });
    expect(confirm.end).toMatchObject({ kind: 'undecided', range: { good: 'good', bad: 'c8', commits: commits(8) } });
  });

  it('stops at --max-steps with the range so far, and on an interruption', async () => {
    const { end, steps } = await search(100, 37, { maxSteps: 3 });
    expect(steps).toHaveLength(3);
    expect(end).toMatchObject({ kind: 'undecided', reason: '--max-steps 3 was reached', range: { good: 'c25', bad: 'c50' } });
    const interrupted = await bisectSearch('good', commits(4), { maxSteps: 9, now: () => 0, measure: () => Promise.resolve('interrupted' as const) });
    expect(interrupted).toEqual({ end: { kind: 'interrupted', range: { good: 'good', bad: 'c4', commits: commits(4) } }, steps: [] });
  });

  it('tells each step with the steps estimated after it', async () => {
    const told: [number, string, number][] = [];
    await bisectSearch('good', commits(8), {
      maxSteps: 9,
      now: () => 0,
      measure: (commit) => Promise.resolve(judged(Number(commit.slice(1)) >= 3 ? 'regressed' : 'unchanged')),
      onStepStart: (index, commit, remaining) => void told.push([index, commit, remaining]),
    });
    expect(told).toEqual([
      [0, 'c8', 3],
      [1, 'c4', 2],
      [2, 'c2', 1],
      [3, 'c3', 0],
    ]);
  });
});

describe('nextProbe and stepsToNarrow', () => {
  it('takes the middle, else the nearest commit not skipped (the lower first), else none', () => {
    expect(nextProbe(0, 8, new Set())).toBe(4);
    expect(nextProbe(0, 8, new Set([4]))).toBe(3);
    expect(nextProbe(0, 8, new Set([3, 4]))).toBe(5);
    expect(nextProbe(2, 4, new Set([3]))).toBeUndefined();
    expect(nextProbe(3, 4, new Set())).toBeUndefined();
    expect([1, 2, 3, 4, 5, 8, 9].map(stepsToNarrow)).toEqual([0, 1, 2, 2, 3, 3, 4]);
  });
});

const outcome = (verdict: RegressionOutcome['verdict'], change: number, extra: Partial<RegressionOutcome> = {}): RegressionOutcome => ({
  source: 'control',
  against: 's/g[server=good]',
  metric: 'throughput',
  verdict,
  passed: verdict !== 'regressed',
  change,
  lower: change - 0.01,
  upper: change + 0.01,
  p: 0.004,
  againstValue: 1e8,
  currentValue: 1e8 * (1 + change),
  againstRuns: [],
  currentRuns: [],
  rounds: [1, 2, 3, 4, 5, 6, 7],
  tolerance: 0.05,
  file: 's.yml',
  line: 9,
  ...extra,
});

function caseOf(id: string, role: 'control' | 'candidate', extra: Partial<CaseResult> = {}): CaseResult {
  return {
    id,
    group: 'g',
    server: role === 'control' ? 'good' : 'probe',
    params: {},
    file: 's.yml',
    line: 3,
    status: 'pass',
    metrics: {},
    runs: [],
    spread: {},
    thresholds: [],
    arm: { role, axis: 'server', control: 's/g[server=good]', value: role === 'control' ? 'good' : 'probe', controlValue: 'good' },
    retries: 0,
    durationSeconds: 1,
    netperf: [],
    ...extra,
  };
}

function runOf(...cases: CaseResult[]): RunResult {
  return {
    schemaVersion: 2,
    state: 'complete',
    startedAt: '',
    environment: {} as RunResult['environment'],
    servers: [],
    suites: [{ name: 's', file: 's.yml', cases }],
  };
}

describe('stepMeasurement', () => {
  const control = caseOf('s/g[server=good]', 'control');

  it('is regressed when any comparison regressed (the worst one shown), unchanged when every one is, else inconclusive', () => {
    const mixed = runOf(
      control,
      caseOf('s/g[server=probe,send_size=1K]', 'candidate', { regressions: [outcome('unchanged', 0.01)] }),
      caseOf('s/g[server=probe,send_size=64K]', 'candidate', {
        regressions: [outcome('regressed', -0.2), outcome('regressed', -0.4, { metric: 'latency_p99' })],
      }),
    );
    expect(stepMeasurement(mixed)).toEqual({
      verdict: 'regressed',
      case: 's/g[server=probe,send_size=64K]',
      metric: 'latency_p99',
      change: -0.4,
      lower: -0.41000000000000003,
      upper: -0.39,
      p: 0.004,
      tolerance: 0.05,
      rounds: 7,
    });
    const calm = runOf(control, caseOf('s/g[server=probe]', 'candidate', { regressions: [outcome('unchanged', 0.01), outcome('unchanged', -0.02)] }));
    expect(stepMeasurement(calm)).toMatchObject({ verdict: 'unchanged', change: -0.02 });
    const noisy = runOf(
      control,
      caseOf('s/g[server=probe]', 'candidate', { regressions: [outcome('unchanged', 0.01), outcome('inconclusive', -0.03, { note: 'too noisy' })] }),
    );
    expect(stepMeasurement(noisy)).toMatchObject({ verdict: 'inconclusive', change: -0.03, note: 'too noisy' });
  });

  it("skips a probe whose own setup failed, but ends on the good arm's failure or any other", () => {
    const setupFailed = { kind: 'setup-failed' as const, message: 'setup of s/probe failed: `sh build.sh` exited with status 1' };
    const probeFails = runOf(control, caseOf('s/g[server=probe]', 'candidate', { status: 'error', error: setupFailed }));
    expect(stepMeasurement(probeFails)).toEqual({
      verdict: 'skipped',
      change: null,
      rounds: 0,
      note: `s/g[server=probe]: setup-failed: ${setupFailed.message}`,
    });
    const goodFails = runOf(
      { ...control, status: 'error', error: setupFailed },
      caseOf('s/g[server=probe]', 'candidate', { status: 'error', error: { kind: 'control-failed', message: 'its control could not be measured' } }),
    );
    expect(stepMeasurement(goodFails)).toMatchObject({ verdict: 'error', note: `s/g[server=good]: setup-failed: ${setupFailed.message}` });
    const netperfFails = runOf(control, caseOf('s/g[server=probe]', 'candidate', { status: 'error', error: { kind: 'netperf-failed', message: 'exit 1' } }));
    expect(stepMeasurement(netperfFails)).toMatchObject({ verdict: 'error' });
  });
});
