import { isJudgedInPoints, METRICS } from '../model/metrics.js';
import type { CaseResult, RegressionOutcome, RunResult, SuiteResult, ThresholdOutcome } from '../model/results.js';

/** A reason a case did not pass: a missed threshold, or a case that could not be measured. */
export type Failure =
  | { readonly kind: 'threshold'; readonly suite: SuiteResult; readonly case: CaseResult; readonly threshold: ThresholdOutcome; readonly missPercent: number }
  | {
      readonly kind: 'regression';
      readonly suite: SuiteResult;
      readonly case: CaseResult;
      readonly regression: RegressionOutcome;
      readonly missPercent: number;
    }
  | { readonly kind: 'error'; readonly suite: SuiteResult; readonly case: CaseResult };

/** How far a missed threshold is from its limit, in percent of the limit (Infinity when nothing was measured). */
export function missPercent(outcome: ThresholdOutcome): number {
  if (outcome.actual === null) return Number.POSITIVE_INFINITY;
  if (outcome.limit === 0) return Math.abs(outcome.actual);
  return (Math.abs(outcome.actual - outcome.limit) / Math.abs(outcome.limit)) * 100;
}

/** How far past its tolerance a regression went, in percentage points. */
function regressionMiss(outcome: RegressionOutcome): number {
  const scale = isJudgedInPoints(outcome.metric) ? 1 : 100;
  const worse = (METRICS[outcome.metric].better === 'higher' ? -1 : 1) * (outcome.change ?? 0) * scale;
  return worse - outcome.tolerance * scale;
}

/** Every failure of the run, most important first: unmeasured cases, then misses and regressions by margin. */
export function failuresOf(result: RunResult): Failure[] {
  const failures: Failure[] = [];
  for (const suite of result.suites) {
    for (const c of suite.cases) {
      if (c.status === 'error') failures.push({ kind: 'error', suite, case: c });
      for (const threshold of c.thresholds) {
        if (!threshold.passed) failures.push({ kind: 'threshold', suite, case: c, threshold, missPercent: missPercent(threshold) });
      }
      for (const regression of c.regressions ?? []) {
        if (!regression.passed) failures.push({ kind: 'regression', suite, case: c, regression, missPercent: regressionMiss(regression) });
      }
    }
  }
  const rank = (f: Failure): number => (f.kind === 'error' ? Number.POSITIVE_INFINITY : f.missPercent);
  // Array.prototype.sort is stable, so equal ranks keep the run's order
  return failures.sort((a, b) => (rank(a) === rank(b) ? 0 : rank(a) > rank(b) ? -1 : 1));
}

/** Where in the suite a failure points: the missed threshold's line, or the case's for one that could not be measured. */
export function failureLocation(failure: Failure): { readonly file: string; readonly line: number } {
  if (failure.kind === 'threshold') return { file: failure.threshold.file, line: failure.threshold.line };
  if (failure.kind === 'regression') return { file: failure.regression.file, line: failure.regression.line };
  return { file: failure.case.file, line: failure.case.line };
}
