import { ExitCode } from '../errors.js';
import { METRIC_NAMES, METRICS, type MetricName } from '../metrics.js';
import type { CaseResult, CaseStatus, RunResult, SuiteResult } from '../results/results.js';
import { PARAM_ORDER } from '../suite/expand-suite.js';
import { formatParamValue } from '../suite/normalize-param.js';
import type { ParamName } from '../suite/types.js';
import { parseThreshold } from '../thresholds/parse-threshold.js';
import type { ThresholdOutcome } from '../thresholds/evaluate-thresholds.js';
import type { RegressionOutcome } from '../compare/compare-runs.js';
import { formatMetric } from './format.js';

/** What every report leads with: one word for the run, the counts, and the exit code it earns. */
export interface Verdict {
  readonly outcome: 'passed' | 'failed' | 'unmeasured' | 'interrupted' | 'empty';
  readonly counts: Readonly<Record<CaseStatus, number>> & { readonly total: number };
  readonly exitCode: number;
  /** One sentence: "3 of 13 cases failed a threshold; 1 could not be measured". */
  readonly headline: string;
}

/** The run's wall time from its timestamps, or undefined while it has not finished. */
export function runSeconds(result: RunResult): number | undefined {
  return result.finishedAt === undefined ? undefined : (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
}

export function allCases(result: RunResult): CaseResult[] {
  return result.suites.flatMap((suite) => suite.cases);
}

/** The verdict on a whole run, by DESIGN §4's exit-code order (interrupted, then unmeasured, then failed). */
export function verdictOf(result: RunResult): Verdict {
  const cases = allCases(result);
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0, total: cases.length };
  for (const c of cases) counts[c.status] += 1;
  const parts: string[] = [];
  const missed = cases.filter((c) => c.thresholds.some((t) => !t.passed)).length;
  const regressed = cases.filter((c) => (c.regressions ?? []).some((r) => !r.passed)).length;
  if (missed > 0) parts.push(`${missed} of ${counts.total} cases failed a threshold`);
  if (regressed > 0) parts.push(`${regressed} of ${counts.total} regressed against the baseline`);
  if (counts.error > 0) parts.push(`${counts.error} of ${counts.total} could not be measured`);
  if (parts.length === 0) parts.push(counts.total === 0 ? 'no case was run' : `all ${counts.total} cases passed`);
  if (result.state === 'interrupted' || result.state === 'crashed') parts.push(`the run was ${result.state} before every case finished`);
  const headline = parts.join('; ');
  if (result.state === 'interrupted') return { outcome: 'interrupted', counts, exitCode: ExitCode.interrupted, headline };
  if (counts.error > 0 || result.state === 'crashed') return { outcome: 'unmeasured', counts, exitCode: ExitCode.unmeasured, headline };
  if (counts.fail > 0) return { outcome: 'failed', counts, exitCode: ExitCode.failed, headline };
  if (counts.total === 0) return { outcome: 'empty', counts, exitCode: ExitCode.ok, headline };
  return { outcome: 'passed', counts, exitCode: ExitCode.ok, headline };
}

/** A reason a case did not pass: a missed threshold, or a case that could not be measured. */
export type Failure =
  | { readonly kind: 'threshold'; readonly suite: SuiteResult; readonly case: CaseResult; readonly threshold: ThresholdOutcome; readonly missPercent: number }
  | { readonly kind: 'regression'; readonly suite: SuiteResult; readonly case: CaseResult; readonly regression: RegressionOutcome; readonly missPercent: number }
  | { readonly kind: 'error'; readonly suite: SuiteResult; readonly case: CaseResult };

/** How far a missed threshold is from its limit, in percent of the limit (Infinity when nothing was measured). */
export function missPercent(outcome: ThresholdOutcome): number {
  if (outcome.actual === null) return Number.POSITIVE_INFINITY;
  const parsed = parseThreshold(outcome.expression, outcome.metric as MetricName);
  if (!parsed.ok || parsed.value.value === 0) return Math.abs(outcome.actual);
  return (Math.abs(outcome.actual - parsed.value.value) / Math.abs(parsed.value.value)) * 100;
}

/** How far past its tolerance a regression went, in percentage points. */
function regressionMiss(outcome: RegressionOutcome): number {
  const worse = (METRICS[outcome.metric].better === 'higher' ? -1 : 1) * (outcome.changePercent ?? 0);
  return worse - outcome.tolerancePercent;
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

/** The observed value of a threshold outcome, for messages: "18.1 Gbit/s" or "nothing". */
export function formatActual(outcome: ThresholdOutcome): string {
  return outcome.actual === null ? 'nothing (the case did not produce this metric)' : formatMetric(outcome.metric, outcome.actual);
}

/** One sentence for a failure, the same in every report. */
export function describeFailure(failure: Failure): string {
  if (failure.kind === 'error') return `could not be measured: ${failure.case.error?.kind ?? 'error'}: ${failure.case.error?.message ?? 'no detail recorded'}`;
  if (failure.kind === 'regression') return describeRegression(failure.regression);
  const t = failure.threshold;
  return `${t.aggregate === 'median' ? '' : `${t.aggregate} `}${t.metric} was ${formatActual(t)}, expected ${t.expression.trim()}`;
}

/** A group of one suite as the reports show it: its cases, the parameters it sweeps, the metrics it produced. */
export interface GroupView {
  readonly suite: SuiteResult;
  readonly name: string;
  readonly cases: readonly CaseResult[];
  /** Parameters whose value differs between the group's cases, in the suite's parameter order. */
  readonly swept: readonly ParamName[];
  /** Metrics at least one case produced, in the metrics table's order. */
  readonly metrics: readonly MetricName[];
}

/** Groups in the order they ran. */
export function groupsOf(result: RunResult): GroupView[] {
  const views: GroupView[] = [];
  for (const suite of result.suites) {
    const byName = new Map<string, CaseResult[]>();
    for (const c of suite.cases) byName.set(c.group, [...(byName.get(c.group) ?? []), c]);
    for (const [name, cases] of byName) {
      const swept = PARAM_ORDER.filter((param) => new Set(cases.map((c) => paramText(c, param))).size > 1);
      const metrics = METRIC_NAMES.filter((metric) => cases.some((c) => c.metrics[metric] !== undefined));
      views.push({ suite, name, cases, swept, metrics });
    }
  }
  return views;
}

/** A case's value of a parameter as written in suites (64K, true, TCP_RR), or '' when the case does not set it. */
export function paramText(c: CaseResult, param: ParamName): string {
  const value = c.params[param];
  return value === undefined ? '' : formatParamValue(param, value);
}

/** The name of a case inside its suite: the id without the suite prefix (`bulk[send_size=64K]`). */
export function caseName(suite: SuiteResult, c: CaseResult): string {
  return c.id.startsWith(`${suite.name}/`) ? c.id.slice(suite.name.length + 1) : c.id;
}

/** A header for a metric column: `throughput (bit/s)`. */
export function metricHeader(metric: MetricName): string {
  return `${metric} (${METRICS[metric].unit})`;
}

/** The metric a sweep chart draws for a group: throughput for streams, the transaction rate for RR tests. */
export function primaryMetric(view: GroupView): MetricName | undefined {
  return (['throughput', 'transaction_rate'] as const).find((m) => view.metrics.includes(m));
}

const SIZE_AXES: readonly ParamName[] = ['send_size', 'recv_size', 'request_size', 'response_size', 'socket_buffer', 'local_buffer', 'remote_buffer', 'streams'];

/** One line of a sweep chart: the cases that share every other swept value. */
export interface Series {
  /** The other swept parameters, like `nodelay=true`; '' when the size is the only axis. */
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly failed: boolean }[];
}

/** A chart of a metric against one swept numeric parameter. */
export interface SweepChart {
  readonly axis: ParamName;
  readonly metric: MetricName;
  /** The axis values in ascending order, as written in suites. */
  readonly xValues: readonly number[];
  readonly series: readonly Series[];
}

/** The sweep charts of a group: the primary metric against each swept size (nothing for a single-valued group). */
export function sweepCharts(view: GroupView, maxSeries = 8): SweepChart[] {
  const metric = primaryMetric(view);
  if (metric === undefined) return [];
  const charts: SweepChart[] = [];
  for (const axis of view.swept.filter((p) => SIZE_AXES.includes(p))) {
    const measured = view.cases.filter((c) => typeof c.params[axis] === 'number' && c.metrics[metric] !== undefined);
    const xValues = [...new Set(measured.map((c) => c.params[axis] as number))].sort((a, b) => a - b);
    if (xValues.length < 2) continue;
    const others = view.swept.filter((p) => p !== axis);
    const byLabel = new Map<string, Series['points'][number][]>();
    for (const c of measured) {
      const label = others.map((p) => `${p}=${paramText(c, p)}`).join(',');
      byLabel.set(label, [...(byLabel.get(label) ?? []), { x: c.params[axis] as number, y: c.metrics[metric] ?? 0, failed: c.status !== 'pass' }]);
    }
    const series = [...byLabel].slice(0, maxSeries).map(([label, points]) => ({ label, points: points.sort((a, b) => a.x - b.x) }));
    // sizes that vary only together with another parameter (include entries) draw no line, so no chart
    if (series.some((s) => s.points.length >= 2)) charts.push({ axis, metric, xValues, series });
  }
  return charts;
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
export function describeRegression(outcome: RegressionOutcome): string {
  const values = outcome.baseline === null || outcome.current === null ? '' : `${formatMetric(outcome.metric, outcome.baseline)} → ${formatMetric(outcome.metric, outcome.current)}, `;
  const change = outcome.changePercent === null ? '' : ` ${formatChange(outcome.changePercent)} vs baseline`;
  return `${outcome.metric} ${VERDICT_WORDS[outcome.verdict]}${change} (${values}tolerance ${outcome.tolerancePercent}%; ${formatEvidence(outcome)})`;
}

/** Every compared metric of the run, in run order. */
export function comparedMetrics(result: RunResult): { readonly case: CaseResult; readonly outcome: RegressionOutcome }[] {
  return allCases(result).flatMap((c) => (c.regressions ?? []).map((outcome) => ({ case: c, outcome })));
}

/** The metrics of a group that were compared with a baseline, for Δ columns. */
export function deltaMetrics(view: GroupView): MetricName[] {
  return view.metrics.filter((metric) => view.cases.some((c) => (c.regressions ?? []).some((r) => r.metric === metric)));
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
