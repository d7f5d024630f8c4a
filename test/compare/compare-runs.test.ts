import { describe, expect, it } from 'vitest';
import { applyBaseline, compareMetric, describeComparison } from '../../src/compare/compare-runs.js';
import type { CaseResult, RunResult, RegressionTolerance } from '../../src/model/results.js';
import { recordedSweep } from '../report/fixtures.js';

const throughput: RegressionTolerance = { metric: 'throughput', tolerancePercent: 5, file: 's.yml', line: 9 };
const latency: RegressionTolerance = { metric: 'latency_p99', tolerancePercent: 10, file: 's.yml', line: 10 };

/** A case whose runs have these values of one metric. */
function caseWith(metric: 'throughput' | 'latency_p99', values: readonly number[], id = 's/bulk'): CaseResult {
  const template = recordedSweep().suites[0]!.cases[0]!;
  return { ...template, id, runs: values.map((v) => ({ [metric]: v })), metrics: {}, regression: [metric === 'throughput' ? throughput : latency] };
}

const mbit = (...values: number[]) => values.map((v) => v * 1e6);

/** A case whose runs have these loss (or CPU) values, in %. */
function caseWithPercent(metric: 'loss' | 'cpu_local' | 'retransmissions', values: readonly number[]): CaseResult {
  const template = recordedSweep().suites[0]!.cases[0]!;
  return { ...template, id: 's/udp', runs: values.map((v) => ({ [metric]: v })), metrics: {} };
}

describe('comparing a metric with its baseline', () => {
  it('judges loss in percentage points: none before is no reason to flag a little now, and a big jump is flagged', () => {
    const loss: RegressionTolerance = { metric: 'loss', tolerancePercent: 1, file: 's.yml', line: 11 };
    const small = compareMetric(loss, caseWithPercent('loss', [0.2, 0.3, 0.2, 0.25, 0.3]), caseWithPercent('loss', [0, 0, 0, 0, 0]));
    expect(small).toMatchObject({ verdict: 'unchanged', passed: true, tolerance: 1 });
    expect(small.change).toBeCloseTo(0.25, 9);
    const big = compareMetric(loss, caseWithPercent('loss', [3, 3.2, 3.1, 2.9, 3]), caseWithPercent('loss', [0, 0, 0, 0, 0]));
    expect(big).toMatchObject({ verdict: 'regressed', passed: false, change: 3, source: 'baseline' });
    // stored as JSON and read back, the outcome is the same: nothing non-finite in it
    expect(JSON.parse(JSON.stringify(big))).toEqual(big);
  });

  it('judges retransmissions as a count, in segments: a rise from 0 is a rise, never "not compared"', () => {
    const retransmissions: RegressionTolerance = { metric: 'retransmissions', tolerancePercent: 5, file: 's.yml', line: 13 };
    const zero = [0, 0, 0, 0, 0];
    const rose = compareMetric(retransmissions, caseWithPercent('retransmissions', [12, 13, 12, 14, 12]), caseWithPercent('retransmissions', zero));
    expect(rose).toMatchObject({ verdict: 'regressed', passed: false, change: 12, tolerance: 5, againstValue: 0, currentValue: 12 });
    const few = compareMetric(retransmissions, caseWithPercent('retransmissions', [0, 1, 0, 2, 0]), caseWithPercent('retransmissions', zero));
    expect(few).toMatchObject({ verdict: 'unchanged', passed: true });
    expect(compareMetric(retransmissions, caseWithPercent('retransmissions', zero), caseWithPercent('retransmissions', zero))).toMatchObject({
      verdict: 'unchanged',
      change: 0,
    });
  });

  it('records no relative change against a zero baseline (never Infinity), and says why', () => {
    const cpu: RegressionTolerance = { metric: 'cpu_local', tolerancePercent: 10, file: 's.yml', line: 12 };
    const outcome = compareMetric(cpu, caseWithPercent('cpu_local', [5, 5, 6, 5, 5]), caseWithPercent('cpu_local', [0, 0, 0, 0, 0]));
    expect(outcome).toMatchObject({ verdict: 'not-compared', passed: true, change: null, againstValue: 0, currentValue: 5 });
    expect(outcome.changeReason).toBe("the baseline's cpu_local is 0 in some runs, so a change relative to it means nothing");
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
  });

  it('judges a run that measured 0 against a baseline above it as regressed (a dead link), never not compared', () => {
    const dead = compareMetric(throughput, caseWith('throughput', [0, 0, 0, 0, 0]), caseWith('throughput', mbit(940, 941, 939, 940, 942)));
    expect(dead).toMatchObject({ verdict: 'regressed', passed: false });
    expect(dead.change).toBeLessThan(-0.99);
    // a baseline of 0 still has no ratio
    expect(compareMetric(throughput, caseWith('throughput', mbit(940, 941, 939, 940, 942)), caseWith('throughput', [0, 0, 0, 0, 0])).verdict).toBe(
      'not-compared',
    );
  });

  it('flags a drop beyond the tolerance that the runs show clearly, with its bounds', () => {
    const outcome = compareMetric(
      throughput,
      caseWith('throughput', mbit(86, 86.2, 86.1, 86.3, 86)),
      caseWith('throughput', mbit(95.7, 95.8, 95.6, 95.7, 95.9)),
      { against: 'base.json' },
    );
    expect(outcome).toMatchObject({
      verdict: 'regressed',
      passed: false,
      againstValue: 95.7e6,
      currentValue: 86.1e6,
      method: 'mann-whitney-u',
      alpha: 0.01,
      against: 'base.json',
      tolerance: 0.05,
    });
    expect(outcome.change).toBeCloseTo(-0.1003, 3);
    expect(outcome.p).toBeCloseTo(1 / 252, 9);
    expect(outcome.upper).toBeLessThan(-0.05);
  });

  it('calls a change inside the tolerance unchanged only when its bound is inside it too', () => {
    const outcome = compareMetric(
      throughput,
      caseWith('throughput', mbit(98.1, 98.2, 98.1, 98.3, 98)),
      caseWith('throughput', mbit(99.7, 99.8, 99.6, 99.7, 99.9)),
    );
    expect(outcome).toMatchObject({ verdict: 'unchanged', passed: true });
    expect(outcome.lower).toBeGreaterThan(-0.05);
  });

  it('calls a noisy difference inconclusive, never regressed, and says what would decide it', () => {
    // loopback-like spread: the medians differ by 6%, the runs overlap
    const outcome = compareMetric(throughput, caseWith('throughput', mbit(29, 35, 31, 38, 26)), caseWith('throughput', mbit(36, 30, 40, 27, 33)));
    expect(outcome).toMatchObject({ verdict: 'inconclusive', passed: true });
    expect(outcome.note).toMatch(/too large to tell a drop of more than 5% from none with 5 runs per side/);
    expect(
      compareMetric(throughput, caseWith('throughput', mbit(29, 35, 31, 38, 26)), caseWith('throughput', mbit(36, 30, 40, 27, 33)), {
        failOnInconclusive: true,
      }).passed,
    ).toBe(false);
  });

  it('never judges on the tolerance alone: 3 vs 3 runs cannot reach α, so a clear drop is inconclusive naming the repeat it needs', () => {
    const outcome = compareMetric(throughput, caseWith('throughput', mbit(80, 81, 80)), caseWith('throughput', mbit(95, 96, 95)));
    expect(outcome).toMatchObject({ verdict: 'inconclusive', passed: true });
    expect(outcome.note).toBe('3 runs per side cannot reach α = 0.01 at all: the Mann–Whitney test needs at least 5; set repeat: 5 or more');
  });

  it('judges each metric in its own bad direction: latency up is worse, latency down is better', () => {
    const base = caseWith('latency_p99', [100, 101, 99, 100, 102]);
    expect(compareMetric(latency, caseWith('latency_p99', [130, 131, 129, 130, 132]), base)).toMatchObject({ verdict: 'regressed' });
    expect(compareMetric(latency, caseWith('latency_p99', [70, 71, 69, 70, 72]), base)).toMatchObject({ verdict: 'unchanged', passed: true, improved: true });
    expect(
      compareMetric(throughput, caseWith('throughput', mbit(130, 131, 129, 130, 132)), caseWith('throughput', mbit(100, 101, 99, 100, 102))),
    ).toMatchObject({
      verdict: 'unchanged',
      improved: true,
    });
  });

  it('reports a case without a baseline, or without the metric, as not compared', () => {
    expect(compareMetric(throughput, caseWith('throughput', mbit(90)), undefined)).toMatchObject({
      verdict: 'not-compared',
      passed: true,
      note: 'the baseline has no case with this id',
    });
    const unmeasured: CaseResult = { ...caseWith('throughput', []), status: 'error' };
    expect(compareMetric(throughput, caseWith('throughput', mbit(90)), unmeasured).note).toBe('the baseline case has no throughput (it could not be measured)');
  });
});

describe('comparing runs', () => {
  const current = (): RunResult => {
    const run = recordedSweep();
    return {
      ...run,
      suites: [
        {
          ...run.suites[0]!,
          cases: [caseWith('throughput', mbit(86, 86.2, 86.1, 86.3, 86), 'sweep/a'), caseWith('throughput', mbit(95, 95, 95, 95, 95), 'sweep/new')],
        },
      ],
    };
  };
  const baseline = (): RunResult => {
    const run = recordedSweep();
    return {
      ...run,
      environment: { ...run.environment, kernel: '6.1.0', hostname: 'other' },
      suites: [
        { ...run.suites[0]!, cases: [caseWith('throughput', mbit(95.7, 95.8, 95.6, 95.7, 95.9), 'sweep/a'), caseWith('throughput', mbit(1), 'sweep/gone')] },
      ],
    };
  };

  it('names environment differences, baseline cases not run and cases without a baseline', () => {
    expect(describeComparison(current(), baseline(), 'base.json')).toEqual({
      baselineFile: 'base.json',
      baselineStartedAt: baseline().startedAt,
      alpha: 0.01,
      environmentDifferences: [
        { field: 'kernel', baseline: '6.1.0', current: '6.18.44-fc-v657' },
        { field: 'hostname', baseline: 'other', current: 'vm' },
      ],
      missingCases: ['sweep/gone'],
      newCases: ['sweep/new'],
    });
    // an interrupted run did not get to the rest; that is not news
    expect(describeComparison({ ...current(), state: 'interrupted' }, baseline(), 'base.json').missingCases).toEqual([]);
    // a filtered or sharded run meant to measure only its selection: the other baseline cases are not missing
    const selected = { ...current(), selection: { filters: ['test=TCP_RR'], matched: 1, of: 13, plannedCases: ['sweep/new'] } };
    expect(describeComparison(selected, baseline(), 'base.json').missingCases).toEqual([]);
    const plannedGone = { ...current(), selection: { filters: [], matched: 2, of: 13, plannedCases: ['sweep/new', 'sweep/gone'] } };
    expect(describeComparison(plannedGone, baseline(), 'base.json').missingCases).toEqual(['sweep/gone']);
  });

  it('re-judges every case, turning a regressed one into a failure', () => {
    const judged = applyBaseline(current(), baseline(), 'base.json');
    const [a, fresh] = judged.suites[0]!.cases;
    expect(a).toMatchObject({ status: 'fail', regressions: [{ verdict: 'regressed' }] });
    expect(fresh).toMatchObject({ status: 'pass', regressions: [{ verdict: 'not-compared' }] });
    // judging again against a baseline it matches clears the failure
    expect(applyBaseline(judged, current(), 'self.json').suites[0]!.cases[0]).toMatchObject({ status: 'pass', regressions: [{ verdict: 'unchanged' }] });
  });
});
