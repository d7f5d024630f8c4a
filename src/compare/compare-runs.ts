import { defined } from '../model/defined.js';
import type { CaseJudge, RunSetupView } from '../model/judge.js';
import { isJudgedInPoints, METRICS } from '../model/metrics.js';
import {
  type CaseResult,
  type Comparison,
  type Evidence,
  type MeasuredCase,
  type RegressionOutcome,
  type RegressionTolerance,
  type RunResult,
  statusOf,
} from '../model/results.js';
import { setupDifferences } from '../model/provenance.js';
import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { judgeTwoSample } from '../stats/judge-change.js';
import { AUTO_NEEDS_HISTORY, judgedOutcome, notCompared, type Sides, toleranceOf, positive } from './judge-metric.js';
import { caseSetupFields, differencesBetween, evidenceOf, judgeCounters, runSetupFields, valuesOf } from './evidence.js';

/**
 * Judges one metric of a case against the same case of a stored baseline run: two independent samples of runs
 * (one-sided Mann–Whitney U and its distribution-free bound on the change), in the metric's own bad direction.
 */
export function compareMetric(
  tolerance: RegressionTolerance,
  current: MeasuredCase,
  baseline: CaseResult | undefined,
  options: { readonly against?: string; readonly failOnInconclusive?: boolean } = {},
): RegressionOutcome {
  const currentRuns = valuesOf(current.runs, tolerance.metric);
  const againstRuns = valuesOf(baseline?.runs ?? [], tolerance.metric);
  const sides: Sides = { source: 'baseline', against: options.against ?? 'baseline', againstRuns, currentRuns };
  if (tolerance.auto === true) return notCompared(tolerance, sides, AUTO_NEEDS_HISTORY);
  if (baseline === undefined || againstRuns.length === 0 || currentRuns.length === 0) {
    const reason =
      baseline === undefined
        ? 'the baseline has no case with this id'
        : againstRuns.length === 0
          ? `the baseline case has no ${tolerance.metric} (${baseline.status === 'error' ? 'it could not be measured' : baseline.status === 'skipped' ? 'the baseline run never got to it' : 'not produced'})`
          : `this run has no ${tolerance.metric}`;
    return notCompared(tolerance, sides, reason);
  }
  const inPoints = isJudgedInPoints(tolerance.metric);
  // a relative change of a zero baseline means nothing: it is recorded as null, with the reason (never as Infinity);
  // a current run that measured 0 against a baseline above it is judged, as the worst change there is
  if (!inPoints && againstRuns.some((v) => v <= 0)) {
    const changeReason = `the baseline's ${tolerance.metric} is 0 in some runs, so a change relative to it means nothing`;
    return notCompared(tolerance, sides, changeReason, changeReason);
  }
  const judgement = judgeTwoSample(againstRuns, inPoints ? currentRuns : currentRuns.map(positive), {
    better: METRICS[tolerance.metric].better,
    tolerance: toleranceOf(tolerance),
    alpha: SIGNIFICANCE_LEVEL,
    inPoints,
  });
  return judgedOutcome(tolerance, sides, judgement, {
    ...defined({ failOnInconclusive: options.failOnInconclusive }),
    sample: Math.min(againstRuns.length, currentRuns.length),
  });
}

/** Judges one finished case against its baseline case (found by id): its `regressions` gain the baseline's entries, with the evidence beside each when both runs are given. */
export function judgeCase(
  current: MeasuredCase,
  baseline: ReadonlyMap<string, CaseResult>,
  options: {
    readonly against?: string;
    readonly failOnInconclusive?: boolean;
    /** The two runs, for the evidence: the baseline run, and this one (as it stands while it runs). */
    readonly runs?: { readonly baseline: RunSetupView; readonly current: RunSetupView };
  } = {},
): MeasuredCase {
  if (current.status === 'error' || current.status === 'skipped' || (current.regression ?? []).length === 0) return current;
  // a case judged against its control in this run keeps that verdict; the baseline's is added beside it
  const kept = (current.regressions ?? []).filter((r) => r.source !== 'baseline');
  const against = baseline.get(current.id);
  const evidence = options.runs === undefined ? undefined : baselineEvidence(current, against, options.runs);
  const judgedMetrics = (current.regression ?? []).map((tolerance) => compareMetric(tolerance, current, against, options));
  return { ...current, regressions: [...kept, ...(evidence === undefined ? judgedMetrics : judgedMetrics.map((outcome) => ({ ...outcome, evidence })))] };
}

/** A stored case judged again: its status follows from the new judgement. */
const judged = (c: MeasuredCase): CaseResult => ({ ...c, status: statusOf(c) });

/**
 * Why a case differs from its baseline case: what differs between the two runs' setups for it (its parameters, the
 * machine, its suite's variables, its server's spec and the facts read of its path) and each counter judged on the two
 * samples of runs. Without a baseline case, the run's setup alone and this run's counters (not compared).
 */
export function baselineEvidence(
  current: MeasuredCase,
  baselineCase: CaseResult | undefined,
  runs: { readonly baseline: RunSetupView; readonly current: RunSetupView },
): Evidence {
  // without a baseline case there are no parameters to compare, only the run's setup
  const differences = differencesBetween(
    baselineCase === undefined ? runSetupFields(runs.baseline, current) : caseSetupFields(runs.baseline, baselineCase),
    caseSetupFields(runs.current, current),
  );
  const counters = judgeCounters(
    'two-sample',
    (metric) => ({ against: valuesOf(baselineCase?.runs ?? [], metric), current: valuesOf(current.runs, metric) }),
    current.regression,
  );
  return evidenceOf(differences, counters, current.params.test);
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
    environmentDifferences: setupDifferences(baseline, current),
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
  const options = { against: baselineFile, runs: { baseline, current }, ...defined({ failOnInconclusive: current.failOnInconclusive }) };
  return {
    ...current,
    comparison: describeComparison(current, baseline, baselineFile),
    suites: current.suites.map((suite) => ({ ...suite, cases: suite.cases.map((c) => judged(judgeCase(c, index, options))) })),
  };
}

/** `run --baseline`: each finished case judged against the baseline case of its id, and the run's comparison. */
export function baselineJudge(baseline: RunResult, baselineFile: string, options: { readonly failOnInconclusive?: boolean } = {}): CaseJudge {
  const index = indexCases(baseline);
  return {
    judge: (c, run) =>
      judgeCase(c, index, { against: baselineFile, runs: { baseline, current: run }, ...defined({ failOnInconclusive: options.failOnInconclusive }) }),
    describeRun: (result) => ({ comparison: describeComparison(result, baseline, baselineFile) }),
  };
}
