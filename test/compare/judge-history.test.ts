import { describe, expect, it } from 'vitest';
import { judgeAgainstHistory } from '../../src/compare/judge-history.js';
import type { HistoryEntry } from '../../src/model/history.js';
import { type CaseResult, statusOf } from '../../src/model/results.js';
import { setupDifferences } from '../../src/model/provenance.js';
import { syntheticRun } from '../report/fixtures.js';
import { createRandom } from '../../src/stats/random.js';

const template = syntheticRun(1).suites[0]?.cases[0] as CaseResult;
const environment = syntheticRun(1).environment;
const id = template.id;

function entry(median: number, fingerprint = 'aaaa0000', spread = 0.001): HistoryEntry {
  return {
    format: 'perfsuite-history',
    version: 1,
    date: '2026-11-01T00:00:00Z',
    provenance: { perfsuiteVersion: '0.3.0', variables: {}, servers: {} },
    environment,
    fingerprint,
    cases: { [id]: { throughput: { runs: [median * (1 - spread), median, median * (1 + spread)], median } } },
  };
}

function current(runs: number[], tolerance: { tolerancePercent: number; auto?: true } = { tolerancePercent: 5 }): CaseResult {
  return {
    ...template,
    status: 'pass',
    thresholds: [],
    runs: runs.map((throughput) => ({ throughput })),
    regression: [{ metric: 'throughput', ...tolerance, file: 'suites/big.yml', line: 7 }],
  };
}

const judge = (c: CaseResult, entries: HistoryEntry[], fingerprint = 'aaaa0000') =>
  judgeAgainstHistory(c, entries, { file: 'history.jsonl', fingerprint }).regressions?.[0];
const wobble = (level: number, n: number) => Array.from({ length: n }, (_, i) => level * (1 + ((i % 3) - 1) * 0.002));

describe('judging against a history', () => {
  const history = wobble(95.4e6, 6).map((m) => entry(m));

  it('calls a 10% drop regressed against six earlier medians, and fails the case', () => {
    const judged = judgeAgainstHistory(current(wobble(85.9e6, 4)), history, { file: 'history.jsonl', fingerprint: 'aaaa0000' });
    expect(statusOf(judged)).toBe('fail');
    expect(judged.regressions?.[0]).toMatchObject({
      source: 'history',
      against: 'history.jsonl',
      verdict: 'regressed',
      historyEntries: 6,
      sameFingerprint: true,
      method: 'prediction-t',
    });
    expect(judged.regressions?.[0]?.change).toBeCloseTo(-0.1, 2);
  });

  it('calls the same level unchanged', () => {
    expect(judge(current(wobble(95.4e6, 4)), history)).toMatchObject({ verdict: 'unchanged', passed: true });
  });

  it('learns a band from a noisy history that is wider than the written 5%, and records it', () => {
    const noisy = [100, 112, 91, 106, 96, 114, 92, 104].map((m) => entry(m * 1e6));
    const outcome = judge(current([93e6, 94e6, 92e6, 93.5e6]), noisy);
    expect(outcome?.learnedTolerance).toBeGreaterThan(0.2);
    expect(outcome?.tolerance).toBe(outcome?.learnedTolerance);
    expect(outcome?.verdict).not.toBe('regressed');
  });

  it('keeps the written percentage as a floor over a quieter learned band', () => {
    const outcome = judge(current(wobble(95.4e6, 4)), history);
    expect(outcome?.learnedTolerance).toBeLessThan(0.05);
    expect(outcome?.tolerance).toBe(0.05);
  });

  it('auto: learned alone, and not compared with fewer than five entries (saying why)', () => {
    const auto = { tolerancePercent: 0, auto: true as const };
    expect(judge(current(wobble(85.9e6, 4), auto), history)).toMatchObject({ verdict: 'regressed' });
    const few = judge(current(wobble(85.9e6, 4), auto), history.slice(0, 4));
    expect(few).toMatchObject({ verdict: 'not-compared', passed: true });
    expect(few?.note).toContain('auto learns from at least 5 history entries with this case, and there are 4');
  });

  it('prefers entries of the same machine, and falls back to all of them with a note when there are fewer than five', () => {
    const mixed = [...wobble(50e6, 5).map((m) => entry(m, 'bbbb1111')), ...history];
    expect(judge(current(wobble(95.4e6, 4)), mixed)).toMatchObject({ verdict: 'unchanged', historyEntries: 6, sameFingerprint: true });
    const other = judge(current(wobble(95.4e6, 4)), mixed, 'cccc2222');
    // every machine's entries, and of those the 6 since the other machine's level ended
    expect(other).toMatchObject({ historyEntries: 6, sameFingerprint: false, verdict: 'unchanged' });
    expect(other?.note).toContain(
      'only 0 of 11 history entries with this case come from a machine like this one (fewer than 5), so entries of every machine were used (the newest 6)',
    );
  });

  it('a case the history never measured is not compared, with the reason', () => {
    const outcome = judge(
      current(wobble(95.4e6, 4)),
      history.map((e) => ({ ...e, cases: {} })),
    );
    expect(outcome).toMatchObject({ verdict: 'not-compared', historyEntries: 0 });
    expect(outcome?.note).toMatch(/^the history has no entry with .* throughput/);
  });
});

describe('setupDifferences', () => {
  const provenance = {
    perfsuiteVersion: '0.3.0',
    commit: 'a',
    variables: { pr: { LINK_RATE: '200mbit' } },
    servers: { 'pr/base': { type: 'netns', link: 'rate 200mbit' } },
  };
  it('lists changed variables, server specs and machine fields, never the commit', () => {
    const after = {
      environment: { ...environment, kernel: '7.0' },
      provenance: {
        ...provenance,
        commit: 'b',
        variables: { pr: { LINK_RATE: '180mbit', EXTRA: 'x' } },
        servers: { 'pr/base': { type: 'netns', link: 'rate 180mbit' } },
      },
    };
    expect(setupDifferences({ environment, provenance }, after)).toEqual([
      { field: 'kernel', baseline: environment.kernel, current: '7.0' },
      { field: 'pr ${EXTRA}', baseline: '', current: 'x' },
      { field: 'pr ${LINK_RATE}', baseline: '200mbit', current: '180mbit' },
      { field: 'server pr/base link', baseline: 'rate 200mbit', current: 'rate 180mbit' },
    ]);
  });
  it('lists nothing for identical setups, or for suites only one run had', () => {
    expect(setupDifferences({ environment, provenance }, { environment, provenance: { ...provenance, commit: 'c' } })).toEqual([]);
    expect(setupDifferences({ environment, provenance }, { environment, provenance: { ...provenance, variables: { other: { X: '1' } } } })).toEqual([]);
  });
});

describe('judging against a history: false alarms and power, simulated', () => {
  // each run has its own level (the job's machine and hour: between-run σ) and its runs scatter around it (within-run σ)
  function simulate(options: {
    trials: number;
    entries: number;
    between: number;
    within: number;
    repeat: number;
    tolerancePercent: number;
    drop: number;
    seed: number;
  }) {
    const random = createRandom(options.seed);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const runOf = (level: number): number[] => {
      const jobLevel = level * Math.exp(options.between * normal());
      return Array.from({ length: options.repeat }, () => jobLevel * Math.exp(options.within * normal()));
    };
    const verdicts = { regressed: 0, unchanged: 0, inconclusive: 0, 'not-compared': 0, accepted: 0 };
    for (let t = 0; t < options.trials; t += 1) {
      const entries = Array.from({ length: options.entries }, () => {
        const runs = runOf(1e9);
        return { ...entry(1e9), cases: { [id]: { throughput: { runs, median: [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0 } } } };
      });
      const verdict = judge(current(runOf(1e9 * (1 - options.drop)), { tolerancePercent: options.tolerancePercent }), entries)?.verdict ?? 'not-compared';
      verdicts[verdict] += 1;
    }
    return verdicts;
  }

  // 32,000 simulated judgements: seconds of CPU, which on a busy machine can pass the 10 s a fast test gets
  it(
    'identical software is called regressed in at most α = 1% of trials, for small and large histories, with runs that share their job',
    { timeout: 60_000 },
    () => {
      // (a rank test of the 5 runs against the medians called this regressed in 5–12% of trials: the runs are not independent)
      // the prediction test is exact for log-normal levels, so its rate is α itself: allowed up to 3 standard errors over
      const limit = (trials: number): number => 0.01 + 3 * Math.sqrt((0.01 * 0.99) / trials);
      for (const entries of [3, 5, 10, 30]) {
        const verdicts = simulate({ trials: 3000, entries, between: 0.03, within: 0.01, repeat: 5, tolerancePercent: 2, drop: 0, seed: entries });
        expect(verdicts.regressed / 3000, `${entries} entries: ${JSON.stringify(verdicts)}`).toBeLessThanOrEqual(limit(3000));
      }
      const bare = simulate({ trials: 20_000, entries: 4, between: 0.03, within: 0.01, repeat: 5, tolerancePercent: 0, drop: 0, seed: 99 });
      expect(bare.regressed / 20_000, JSON.stringify(bare)).toBeLessThanOrEqual(limit(20_000));
      // a learned band (10 entries, Q3 + 3·IQR) keeps identical software well below α
      const learned = simulate({ trials: 3000, entries: 10, between: 0.03, within: 0.01, repeat: 5, tolerancePercent: 0, drop: 0, seed: 5 });
      expect(learned.regressed / 3000, JSON.stringify(learned)).toBeLessThanOrEqual(0.005);
    },
  );

  it("finds a 10% drop on a quiet machine from one run, and leaves one inside a noisy machine's learned band undecided", () => {
    const quiet = simulate({ trials: 500, entries: 6, between: 0.005, within: 0.002, repeat: 1, tolerancePercent: 5, drop: 0.1, seed: 7 });
    expect(quiet.regressed).toBe(500);
    // between-run σ 3%: consecutive runs differ by up to ~16% (the learned band), so a 10% drop is mostly not called…
    const noisy = simulate({ trials: 500, entries: 10, between: 0.03, within: 0.01, repeat: 5, tolerancePercent: 5, drop: 0.1, seed: 8 });
    expect(noisy.regressed / 500, JSON.stringify(noisy)).toBeLessThan(0.5);
    // …and a 30% one is
    const large = simulate({ trials: 500, entries: 10, between: 0.03, within: 0.01, repeat: 5, tolerancePercent: 5, drop: 0.3, seed: 9 });
    expect(large.regressed / 500, JSON.stringify(large)).toBeGreaterThan(0.95);
  });
});

describe('a lasting shift the history already holds', () => {
  it('is the new normal: a run at the newest level is judged against the entries since the change point only', () => {
    const shifted = [...wobble(95.4e6, 6), ...wobble(85.9e6, 3)].map((m) => entry(m));
    const outcome = judge(current(wobble(85.9e6, 4)), shifted);
    expect(outcome).toMatchObject({ verdict: 'unchanged', historyEntries: 3 });
    expect(outcome?.note).toContain("the history's level of throughput shifted 3 entries ago; only the entries since then were judged against");
    // and a run back at the old level is judged against the new one (an improvement, not a regression)
    expect(judge(current(wobble(95.4e6, 4)), shifted)).toMatchObject({ verdict: 'unchanged', improved: true });
  });
});
