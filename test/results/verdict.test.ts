import { describe, expect, it } from 'vitest';
import type { RegressionOutcome, RunResult } from '../../src/model/results.js';
import { nothingComparedOf, verdictOf } from '../../src/results/verdict.js';
import { applyBaseline } from '../../src/compare/compare-runs.js';
import { recordedSweep, sweepAndBaseline } from '../report/fixtures.js';

/** A run of only its passing cases (one that could not be measured or missed a threshold would set the exit code itself). */
function measuredOnly(result: RunResult): RunResult {
  return { ...result, suites: result.suites.map((s) => ({ ...s, cases: s.cases.filter((c) => c.status === 'pass') })) };
}

/** The recorded sweep judged against a baseline that holds none of its cases (another suite's results). */
function againstStranger(extra: Partial<RunResult> = {}): RunResult {
  const { current, baseline } = sweepAndBaseline();
  const stranger: RunResult = {
    ...baseline,
    suites: baseline.suites.map((s) => ({ ...s, name: 'other', cases: s.cases.map((c) => ({ ...c, id: c.id.replace('sweep/', 'other/') })) })),
  };
  return { ...applyBaseline(measuredOnly(current), stranger, 'other/results.json'), ...extra };
}

describe('the run verdict when the gate compared nothing', () => {
  it('fails a run whose every case passed when no metric was compared against its baseline, counting the metrics not compared', () => {
    const result = againstStranger();
    const verdict = verdictOf(result);
    expect(verdict.outcome).toBe('nothing-compared');
    expect(verdict.exitCode).toBe(1);
    expect(verdict.headline.startsWith('nothing compared against the baseline other/results.json; ')).toBe(true);
    expect(verdict.notCompared).toBeGreaterThan(0);
    expect(verdict.headline).toContain(`; ${verdict.notCompared} metrics not compared`);
    expect(verdict.nothingCompared).toEqual([
      expect.objectContaining({ source: 'baseline', against: 'other/results.json', warnOnly: false, file: 'test/fixtures/results/sweep.yml' }),
    ]);
    expect(verdict.nothingCompared[0]?.reason).toMatch(/^no case of this run is in the baseline other\/results\.json/);
  });

  it('only warns with --missing-baseline warn', () => {
    const verdict = verdictOf(againstStranger({ missingBaseline: 'warn' }));
    expect(verdict.exitCode).toBe(0);
    expect(verdict.headline).toContain('nothing compared against the baseline other/results.json (--missing-baseline warn)');
  });

  it('does not fail a run whose suites have no regression: tolerance: they judge nothing by design', () => {
    const { baseline } = sweepAndBaseline();
    const bare = applyBaseline(measuredOnly(recordedSweep()), baseline, 'base.json');
    expect(nothingComparedOf(bare)).toEqual([]);
    expect(verdictOf(bare).exitCode).toBe(0);
  });

  it('passes a run that compared some metrics, still counting those it could not', () => {
    const { current, baseline } = sweepAndBaseline();
    const verdict = verdictOf(applyBaseline(current, baseline, 'baseline/results.json'));
    expect(verdict.nothingCompared).toEqual([]);
    // sweep/udp[send_size=1K] is missing from the baseline: its throughput and loss were not compared
    expect(verdict.notCompared).toBe(2);
    expect(verdict.headline).toContain('2 metrics not compared');
  });

  /** The passing cases of the sweep, each judged against a history of `entries` entries with every metric not compared. */
  function againstHistory(entries: number, outcome: Partial<RegressionOutcome> = {}, auto = false): RunResult {
    const { current } = sweepAndBaseline();
    const passing = measuredOnly(current);
    return {
      ...passing,
      history: { file: 'h.jsonl', entries, sameFingerprintEntries: entries, environmentDifferences: [] },
      suites: passing.suites.map((suite) => ({
        ...suite,
        cases: suite.cases.map((c) => ({
          ...c,
          regression: (c.regression ?? []).map((t) => ({ ...t, ...(auto ? { auto: true } : {}) })),
          regressions: (c.regression ?? []).map((t) => ({
            source: 'history' as const,
            against: 'h.jsonl',
            metric: t.metric,
            verdict: 'not-compared' as const,
            passed: true,
            change: null,
            againstValue: null,
            currentValue: null,
            againstRuns: [],
            currentRuns: [1],
            tolerance: 0.05,
            file: t.file,
            line: t.line,
            note: 'the history has no entry with this case',
            ...outcome,
          })),
        })),
      })),
    };
  }

  it('leaves a history file that did not exist (the first run of a new history) to its warning', () => {
    const result = againstHistory(0);
    expect(nothingComparedOf({ ...result, history: { ...result.history!, missing: true } })).toEqual([]);
  });

  it('fails a history file that exists but holds no usable entry', () => {
    const [gate] = nothingComparedOf(againstHistory(0));
    expect(gate).toMatchObject({ source: 'history', warnOnly: false });
    expect(gate?.reason).toMatch(/^h\.jsonl exists but has no entry perfsuite can use/);
    expect(verdictOf(againstHistory(0)).exitCode).toBe(1);
  });

  it('only warns while a history is too young for regression: auto to learn from, and fails a renamed case', () => {
    const young = againstHistory(
      3,
      { historyEntries: 3, note: 'regression: auto learns from at least 5 history entries with this case, and there are 3; add runs' },
      true,
    );
    expect(nothingComparedOf(young)).toEqual([
      expect.objectContaining({
        warnOnly: true,
        reason: expect.stringMatching(/^regression: auto learns from at least 5 .*; until then the run is judged on thresholds only$/) as string,
      }),
    ]);
    expect(verdictOf(young).exitCode).toBe(0);
    // no entry has this case at all: not a young history, another suite's (or the cases were renamed)
    expect(verdictOf(againstHistory(3, { historyEntries: 0 }, true)).exitCode).toBe(1);
  });
});
