import { isJudgedInPoints } from '../compare/compare-runs.js';
import type { RegressionOutcome, RunResult, ThresholdOutcome } from '../model/results.js';
import type { TestName } from '../model/test-types.js';
import { formatMetric } from './format.js';
import type { Failure } from './view-model.js';

/** The sentences every report shares, so the console, Markdown, HTML, JUnit and annotations say the same thing. */

/** The observed value of a threshold outcome, for messages: "18.1 Gbit/s" or "nothing". */
export function formatActual(outcome: ThresholdOutcome, test?: TestName): string {
  return outcome.actual === null ? 'nothing (the case did not produce this metric)' : formatMetric(outcome.metric, outcome.actual, test);
}

/** One sentence for a failure, the same in every report. */
export function describeFailure(failure: Failure): string {
  if (failure.kind === 'error') return `could not be measured: ${failure.case.error?.kind ?? 'error'}: ${failure.case.error?.message ?? 'no detail recorded'}`;
  if (failure.kind === 'regression') return describeRegression(failure.regression, failure.case.params.test);
  const t = failure.threshold;
  return `${t.aggregate === 'median' ? '' : `${t.aggregate} `}${t.metric} was ${formatActual(t, failure.case.params.test)}, expected ${t.expression.trim()}`;
}

/** The change a comparison was judged on: `+0.40 pp` for loss (percentage points), `−12.3%` otherwise, `—` for none. */
export function formatOutcomeChange(outcome: RegressionOutcome): string {
  if (outcome.changePoints !== undefined) return `${outcome.changePoints < 0 ? '−' : '+'}${Math.abs(outcome.changePoints).toFixed(2)} pp`;
  return formatChange(outcome.changePercent);
}

/** The tolerance as it is judged: `1 pp` for loss, `5%` otherwise. */
export function formatTolerance(outcome: Pick<RegressionOutcome, 'metric' | 'tolerancePercent'>): string {
  return isJudgedInPoints(outcome.metric) ? `${outcome.tolerancePercent} pp` : `${outcome.tolerancePercent}%`;
}

/** A signed change in percent: +3.1%, −12.3% (a true minus sign, so columns line up). */
export function formatChange(changePercent: number | null): string {
  if (changePercent === null) return '—';
  if (!Number.isFinite(changePercent)) return changePercent > 0 ? '+∞%' : '−∞%';
  const text = Math.abs(changePercent).toFixed(Math.abs(changePercent) >= 10 ? 1 : 2);
  return `${changePercent < 0 ? '−' : '+'}${text}%`;
}

/** The statistics behind a comparison, in one phrase: "p = 0.004, 5 vs 5 runs (Mann–Whitney U, α = 0.01)". */
export function formatEvidence(outcome: RegressionOutcome): string {
  const runs = `${outcome.baselineRuns.length} vs ${outcome.currentRuns.length} runs`;
  const e = outcome.evidence;
  if (e.test === 'mann-whitney-u') return `p = ${formatP(e.pValue)}, ${runs} (one-sided Mann–Whitney U, α = ${e.alpha})`;
  if (e.test === 'tolerance-only') return `judged on the tolerance alone: ${e.reason}`;
  return `not compared: ${e.reason}`;
}

export function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

const VERDICT_WORDS: Readonly<Record<RegressionOutcome['verdict'], string>> = {
  regressed: 'regressed',
  'not-significant': 'worse beyond the tolerance but not significant',
  'within-tolerance': 'within tolerance',
  'not-compared': 'not compared',
};

/** One sentence for a compared metric: "throughput regressed −12.3% vs baseline (94.1 Mbit/s → 82.5 Mbit/s, tolerance 10%; p = …)". */
export function describeRegression(outcome: RegressionOutcome, test?: TestName): string {
  const values = outcome.baseline === null || outcome.current === null ? '' : `${formatMetric(outcome.metric, outcome.baseline, test)} → ${formatMetric(outcome.metric, outcome.current, test)}, `;
  const change = outcome.changePercent === null && outcome.changePoints === undefined ? '' : ` ${formatOutcomeChange(outcome)} vs baseline`;
  return `${outcome.metric} ${VERDICT_WORDS[outcome.verdict]}${change} (${values}tolerance ${formatTolerance(outcome)}; ${formatEvidence(outcome)})`;
}

/** A list of ids for prose, the first `max` of them and a count of the rest; `quote` is '`' for Markdown, '' for plain text. */
export function listIds(ids: readonly string[], max = 20, quote = '`'): string {
  const shown = ids.slice(0, max).map((id) => `${quote}${id}${quote}`);
  return ids.length > max ? `${shown.join(', ')} and ${ids.length - max} more` : shown.join(', ');
}

/** What joining shards got wrong, one sentence each (nothing when the join was clean or there was none). */
export function mergeNotes(result: RunResult, quote = '`'): string[] {
  const merge = result.merge;
  if (merge === undefined) return [];
  const notes: string[] = [];
  if (merge.missingShards.length > 0) notes.push(`Shard${merge.missingShards.length === 1 ? '' : 's'} ${merge.missingShards.join(', ')} sent no results; this run is incomplete.`);
  if (merge.missingCases.length > 0) notes.push(`${merge.missingCases.length} planned case${merge.missingCases.length === 1 ? ' is' : 's are'} missing: ${listIds(merge.missingCases, 20, quote)}.`);
  if (merge.duplicateCases.length > 0) notes.push(`${merge.duplicateCases.length} case${merge.duplicateCases.length === 1 ? '' : 's'} came from more than one file (the first copy is shown): ${listIds(merge.duplicateCases, 20, quote)}.`);
  return notes;
}
