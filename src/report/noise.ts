import { isJudgedInPoints, type MetricName } from '../model/metrics.js';
import type { CaseResult } from '../model/results.js';

/** A metric whose runs spread too widely for the regression tolerance a group gives it. */
export interface NoiseFlag {
  readonly metric: MetricName;
  /** The runs' coefficient of variation, in percent (standard deviation over mean). */
  readonly spreadPercent: number;
  readonly tolerancePercent: number;
  readonly file: string;
  readonly line: number;
}

/**
 * The metrics of a case whose run-to-run spread is more than half their `regression:` tolerance: a change of the
 * tolerance's size then hides in the noise, so a gate on it either cries wolf or stays inconclusive. Arms of a
 * `compare:` group are judged on paired rounds, whose own spread their verdicts already report; learned (`auto`)
 * tolerances and metrics judged in points (loss) have no percentage to compare with.
 */
export function noisyMetrics(c: CaseResult): NoiseFlag[] {
  if (c.arm !== undefined || c.runs.length < 2) return [];
  return (c.regression ?? []).flatMap((t) => {
    const spread = c.spread[t.metric]?.cvPercent;
    if (t.auto === true || isJudgedInPoints(t.metric) || spread === undefined || spread <= t.tolerancePercent / 2) return [];
    return [{ metric: t.metric, spreadPercent: spread, tolerancePercent: t.tolerancePercent, file: t.file, line: t.line }];
  });
}

/** "too noisy for a 5% tolerance (±9.2% run to run)": the short form for a case line. */
export function noiseTag(flag: NoiseFlag): string {
  return `${flag.metric} too noisy for a ${flag.tolerancePercent}% tolerance (±${flag.spreadPercent.toFixed(1)}% run to run)`;
}

/** The whole sentence, with what to do about it. */
export function describeNoise(flag: NoiseFlag): string {
  return `${flag.metric} varies ±${flag.spreadPercent.toFixed(1)}% from run to run (standard deviation over mean), more than half its ${flag.tolerancePercent}% regression tolerance, so a change of that size hides in the noise; raise repeat, compare against a control in the same run (compare:), or widen the tolerance`;
}
