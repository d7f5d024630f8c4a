import { defined } from '../model/defined.js';
import { METRICS, type MetricName } from '../model/metrics.js';
import type { CaseResult, CaseStatus, Comparison, Environment, Evidence, RegressionOutcome, RegressionTolerance, RunResult } from '../model/results.js';
import { mannWhitneyGreater } from '../stats/mann-whitney.js';
import { median } from '../stats/summary.js';

/**
 * The significance level of the one-sided Mann–Whitney U test a regression must pass. With 5 runs a side the
 * exact test can reach it (smallest p 1/252); with 4 it cannot (1/70 = 0.014), so fewer runs fall back to the
 * tolerance alone, and every report says so.
 */
export const SIGNIFICANCE_LEVEL = 0.01;

const COMPARED_ENVIRONMENT: readonly (keyof Environment)[] = ['netperfVersion', 'kernel', 'cpuCount', 'cpuModel', 'hostname'];

export function environmentDifferences(baseline: Environment, current: Environment): Comparison['environmentDifferences'] {
  return COMPARED_ENVIRONMENT.filter((field) => String(baseline[field]) !== String(current[field])).map((field) => ({
    field,
    baseline: String(baseline[field]),
    current: String(current[field]),
  }));
}

function valuesOf(c: CaseResult | undefined, metric: MetricName): number[] {
  return (c?.runs ?? []).map((run) => run[metric]).filter((v): v is number => v !== undefined);
}

/** Compares one metric of a case with the same case of the baseline, in the metric's own bad direction. */
export function compareMetric(tolerance: RegressionTolerance, current: CaseResult, baseline: CaseResult | undefined): RegressionOutcome {
  const currentRuns = valuesOf(current, tolerance.metric);
  const baselineRuns = valuesOf(baseline, tolerance.metric);
  const base = { ...tolerance, baselineRuns, currentRuns };
  if (baseline === undefined || baselineRuns.length === 0 || currentRuns.length === 0) {
    const reason =
      baseline === undefined
        ? 'the baseline has no case with this id'
        : baselineRuns.length === 0
          ? `the baseline case has no ${tolerance.metric} (${baseline.status === 'error' ? 'it could not be measured' : baseline.status === 'skipped' ? 'the baseline run never got to it' : 'not produced'})`
          : `this run has no ${tolerance.metric}`;
    return {
      ...base,
      verdict: 'not-compared',
      passed: true,
      baseline: baselineRuns.length === 0 ? null : median(baselineRuns),
      current: currentRuns.length === 0 ? null : median(currentRuns),
      changePercent: null,
      evidence: { test: 'none', reason },
    };
  }
  const baselineMedian = median(baselineRuns);
  const currentMedian = median(currentRuns);
  const values = { baseline: baselineMedian, current: currentMedian };
  // a relative change of a zero baseline means nothing: it is recorded as null, with the reason (never as Infinity)
  const changePercent = baselineMedian === 0 ? (currentMedian === 0 ? 0 : null) : ((currentMedian - baselineMedian) / Math.abs(baselineMedian)) * 100;
  const inPoints = isJudgedInPoints(tolerance.metric);
  const changePoints = inPoints ? currentMedian - baselineMedian : undefined;
  const judged = changePoints ?? changePercent;
  if (judged === null) {
    const changeReason = `the baseline's ${tolerance.metric} is 0, so a change relative to it means nothing`;
    return { ...base, ...values, verdict: 'not-compared', passed: true, changePercent, changeReason, evidence: { test: 'none', reason: changeReason } };
  }
  const higherIsBetter = METRICS[tolerance.metric].better === 'higher';
  const worsePercent = higherIsBetter ? -judged : judged;
  // the test always runs, so every report can show the evidence, also for changes inside the tolerance
  const test = higherIsBetter ? mannWhitneyGreater(baselineRuns, currentRuns) : mannWhitneyGreater(currentRuns, baselineRuns);
  const testable = test.smallestPossibleP <= SIGNIFICANCE_LEVEL;
  const evidence: Evidence = testable
    ? { test: 'mann-whitney-u', pValue: test.pValue, alpha: SIGNIFICANCE_LEVEL, u: test.u, method: test.method }
    : {
        test: 'tolerance-only',
        reason: `too few runs for the test (smallest possible p with ${baselineRuns.length} vs ${currentRuns.length} is ${test.smallestPossibleP.toPrecision(2)} > ${SIGNIFICANCE_LEVEL}); repeat: 5 or more enables it`,
      };
  const verdict: RegressionOutcome['verdict'] =
    worsePercent <= tolerance.tolerancePercent ? 'within-tolerance' : !testable || test.pValue <= SIGNIFICANCE_LEVEL ? 'regressed' : 'not-significant';
  return { ...base, ...values, verdict, passed: verdict !== 'regressed', changePercent, ...defined({ changePoints }), evidence };
}

/** Loss is a percentage already (usually 0): its tolerance is in percentage points, not a share of the baseline. */
export function isJudgedInPoints(metric: MetricName): boolean {
  return metric === 'loss';
}

/** A case's status from its error, thresholds and regressions. */
export function statusOf(c: Pick<CaseResult, 'status' | 'thresholds' | 'regressions'>): CaseStatus {
  if (c.status === 'error' || c.status === 'skipped') return c.status;
  return c.thresholds.every((t) => t.passed) && (c.regressions ?? []).every((r) => r.passed) ? 'pass' : 'fail';
}

/** Judges one finished case against its baseline case (found by id). */
export function judgeCase(current: CaseResult, baseline: ReadonlyMap<string, CaseResult>): CaseResult {
  if (current.status === 'error' || current.status === 'skipped' || (current.regression ?? []).length === 0) return current;
  const regressions = (current.regression ?? []).map((tolerance) => compareMetric(tolerance, current, baseline.get(current.id)));
  const judged = { ...current, regressions };
  return { ...judged, status: statusOf(judged) };
}

/** Every case of a run by id, for matching. */
export function indexCases(result: RunResult): Map<string, CaseResult> {
  return new Map(result.suites.flatMap((suite) => suite.cases.map((c) => [c.id, c] as const)));
}

/** The run-level comparison: environment, and cases on one side only (restricted to the suites this run has). */
export function describeComparison(current: RunResult, baseline: RunResult, baselineFile: string): Comparison {
  const currentIds = new Set(current.suites.flatMap((s) => s.cases.map((c) => c.id)));
  const baselineIds = indexCases(baseline);
  const suites = new Set(current.suites.map((s) => s.name));
  const interrupted = current.state !== 'complete';
  return {
    baselineFile,
    baselineStartedAt: baseline.startedAt,
    alpha: SIGNIFICANCE_LEVEL,
    environmentDifferences: environmentDifferences(baseline.environment, current.environment),
    // an interrupted run simply did not get to the rest, and a filtered or sharded one never meant to measure the
    // cases it did not select; listing those as missing would be noise
    missingCases: interrupted ? [] : baselineCasesOf(baseline, suites, current.selection?.plannedCases).filter((id) => !currentIds.has(id)),
    newCases: [...currentIds].filter((id) => !baselineIds.has(id)),
  };
}

function baselineCasesOf(baseline: RunResult, suites: ReadonlySet<string>, planned: readonly string[] | undefined): string[] {
  const ids = baseline.suites.filter((s) => suites.has(s.name)).flatMap((s) => s.cases.map((c) => c.id));
  if (planned === undefined) return ids;
  const selected = new Set(planned);
  return ids.filter((id) => selected.has(id));
}

/** Re-judges a whole run against a baseline (`perfsuite compare`, `report --baseline`). */
export function applyBaseline(current: RunResult, baseline: RunResult, baselineFile: string): RunResult {
  const index = indexCases(baseline);
  return {
    ...current,
    comparison: describeComparison(current, baseline, baselineFile),
    suites: current.suites.map((suite) => ({ ...suite, cases: suite.cases.map((c) => judgeCase({ ...c, regressions: [] }, index)) })),
  };
}
