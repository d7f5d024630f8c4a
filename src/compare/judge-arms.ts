import type { MetricName } from '../model/metrics.js';
import type { CaseResult, RegressionOutcome, RegressionTolerance } from '../model/results.js';
import { judgePaired } from '../stats/judge-change.js';
import { METRICS } from '../model/metrics.js';
import { isJudgedInPoints, judgedOutcome, notCompared, SIGNIFICANCE_LEVEL, toleranceOf, type Sides } from './judge-metric.js';

/** The runs of both arms measured in the same rounds, in round order: the pairs the A/B verdict is judged on. */
export function pairByRound(control: CaseResult, candidate: CaseResult, metric: MetricName): Sides {
  const controlByRound = new Map<number, number>();
  (control.rounds ?? []).forEach((round, i) => {
    const value = control.runs[i]?.[metric];
    if (value !== undefined) controlByRound.set(round, value);
  });
  const rounds: number[] = [];
  const againstRuns: number[] = [];
  const currentRuns: number[] = [];
  (candidate.rounds ?? []).forEach((round, i) => {
    const value = candidate.runs[i]?.[metric];
    const paired = controlByRound.get(round);
    if (value === undefined || paired === undefined) return;
    rounds.push(round);
    againstRuns.push(paired);
    currentRuns.push(value);
  });
  return { source: 'control', against: control.id, againstRuns, currentRuns, rounds };
}

/** Judges each `regression:` tolerance of a candidate on its per-round pairs with the control (DESIGN §7). */
export function judgeAgainstControl(control: CaseResult, candidate: CaseResult, options: { readonly failOnInconclusive?: boolean } = {}): RegressionOutcome[] {
  return (candidate.regression ?? []).map((tolerance) => judgeOne(tolerance, control, candidate, options));
}

function judgeOne(tolerance: RegressionTolerance, control: CaseResult, candidate: CaseResult, options: { readonly failOnInconclusive?: boolean }): RegressionOutcome {
  const sides = pairByRound(control, candidate, tolerance.metric);
  if (sides.currentRuns.length === 0) {
    const missing = control.runs.length === 0 ? `the control ${control.id} has no ${tolerance.metric}` : `no round measured ${tolerance.metric} on both arms`;
    return notCompared(tolerance, sides, missing);
  }
  const inPoints = isJudgedInPoints(tolerance.metric);
  if (!inPoints && [...sides.againstRuns, ...sides.currentRuns].some((v) => v <= 0)) {
    return notCompared(tolerance, sides, `a round measured ${tolerance.metric} as 0, so ratios between the arms mean nothing`, `a ${tolerance.metric} of 0 has no ratio`);
  }
  const judgement = judgePaired(sides.againstRuns, sides.currentRuns, {
    better: METRICS[tolerance.metric].better,
    tolerance: toleranceOf(tolerance),
    alpha: SIGNIFICANCE_LEVEL,
    inPoints,
  });
  return judgedOutcome(tolerance, sides, judgement, { ...options, sample: sides.currentRuns.length });
}
