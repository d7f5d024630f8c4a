import { isJudgedInPoints, type MetricName } from '../model/metrics.js';
import type { CaseResult, RegressionOutcome } from '../model/results.js';
import { cvPercent } from '../stats/summary.js';
import { formatSpread } from './report-text.js';
import { articleFor } from '../model/words.js';

/** A metric whose judged statistic spreads too widely for the regression tolerance a group gives it. */
export interface NoiseFlag {
  readonly metric: MetricName;
  /**
   * The coefficient of variation, in percent (standard deviation over mean), of what the verdict is judged on: the
   * case's runs, or for the candidate of a `compare:` group its per-round ratios to the control.
   */
  readonly spreadPercent: number;
  /** Whether `spreadPercent` is of the per-round ratios to a control. */
  readonly paired: boolean;
  readonly tolerancePercent: number;
  readonly file: string;
  readonly line: number;
}

/** The spread of a same-run comparison's per-round ratios, candidate over control; undefined for fewer than two rounds. */
function pairedSpread(outcome: RegressionOutcome | undefined): number | undefined {
  if (outcome === undefined || outcome.currentRuns.length < 2 || outcome.againstRuns.some((v) => v <= 0)) return undefined;
  return cvPercent(outcome.currentRuns.map((v, i) => v / (outcome.againstRuns[i] ?? NaN)));
}

/**
 * The metrics of a measured case whose judged statistic spreads more than half their `regression:` tolerance
 * (docs/judging.md, "Too noisy for the tolerance"): a change of the tolerance's size then hides in the noise, so a gate
 * on it either cries wolf or stays inconclusive. That statistic is, for the candidate of a `compare:` group, its per-round ratios to its control, and
 * otherwise the case's runs (judged against a baseline or history, or to be, once there is one); an arm that nothing
 * judges on its own runs (a control, with no baseline or history) is not flagged, nor is a metric whose comparison
 * decided (regressed or unchanged: the noise did not stop it). Learned (`auto`) tolerances and metrics judged in points
 * (loss) have no percentage to compare with.
 */
export function noisyMetrics(c: CaseResult): NoiseFlag[] {
  if (c.status === 'error' || c.runs.length < 2) return [];
  return (c.regression ?? []).flatMap((t) => {
    if (t.auto === true || isJudgedInPoints(t.metric)) return [];
    const outcomes = (c.regressions ?? []).filter((r) => r.metric === t.metric);
    // a comparison that decided (regressed, accepted or unchanged) was not too noisy to tell, whatever the spread
    if (outcomes.some((r) => r.verdict === 'regressed' || r.verdict === 'accepted' || r.verdict === 'unchanged')) return [];
    const paired = outcomes.find((r) => r.source === 'control');
    const onRuns = c.arm === undefined || outcomes.some((r) => r.source !== 'control');
    const spread = paired !== undefined ? pairedSpread(paired) : onRuns ? c.spread[t.metric]?.cvPercent : undefined;
    if (spread === undefined || spread <= t.tolerancePercent / 2) return [];
    return [{ metric: t.metric, spreadPercent: spread, paired: paired !== undefined, tolerancePercent: t.tolerancePercent, file: t.file, line: t.line }];
  });
}

/** "too noisy for a 5% tolerance (±9.2% run to run)": the short form for a case line. */
export function noiseTag(flag: NoiseFlag): string {
  return `${flag.metric} too noisy for ${articleFor(flag.tolerancePercent)} ${flag.tolerancePercent}% tolerance (${formatSpread(flag.spreadPercent)} ${flag.paired ? 'round to round, against the control' : 'run to run'}, more than half of it)`;
}

/** The whole sentence, with what to do about it. */
export function describeNoise(flag: NoiseFlag): string {
  const what = flag.paired
    ? `${flag.metric}'s ratio to the control varies ${formatSpread(flag.spreadPercent)} from round to round (standard deviation over mean)`
    : `${flag.metric} varies ${formatSpread(flag.spreadPercent)} from run to run (standard deviation over mean)`;
  const remedy = flag.paired
    ? 'raise repeat max, pin the arms with cpu_affinity, or widen the tolerance'
    : 'raise repeat, compare against a control in the same run (compare:), or widen the tolerance';
  return `${what}, more than half its ${flag.tolerancePercent}% regression tolerance, so a change of that size hides in the noise; ${remedy}`;
}
