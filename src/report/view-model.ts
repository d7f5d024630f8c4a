import { METRIC_NAMES, METRICS, type MetricName } from '../model/metrics.js';
import type { CaseResult, RegressionOutcome, RunResult, SuiteResult, ThresholdOutcome } from '../model/results.js';
import type { ParamName } from '../model/suite-types.js';
import { allCases } from '../results/verdict.js';
import { isJudgedInPoints } from '../compare/compare-runs.js';
import { PARAM_ORDER } from '../suite/expand-suite.js';
import { formatParamValue } from '../suite/normalize-param.js';

/** A reason a case did not pass: a missed threshold, or a case that could not be measured. */
export type Failure =
  | { readonly kind: 'threshold'; readonly suite: SuiteResult; readonly case: CaseResult; readonly threshold: ThresholdOutcome; readonly missPercent: number }
  | { readonly kind: 'regression'; readonly suite: SuiteResult; readonly case: CaseResult; readonly regression: RegressionOutcome; readonly missPercent: number }
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

/** A group of one suite as the reports show it: its cases, the parameters it sweeps, the metrics it produced. */
export interface GroupView {
  readonly suite: SuiteResult;
  readonly name: string;
  readonly cases: readonly CaseResult[];
  /** Parameters whose value differs between the group's cases, in the suite's parameter order (the server first, when it differs). */
  readonly swept: readonly SweptName[];
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
      const swept = (['server', ...PARAM_ORDER] as const).filter((param) => new Set(cases.map((c) => paramText(c, param))).size > 1);
      const metrics = METRIC_NAMES.filter((metric) => cases.some((c) => c.metrics[metric] !== undefined));
      views.push({ suite, name, cases, swept, metrics });
    }
  }
  return views;
}

/** What a group table can have a column for: a parameter, or the server (a matrix axis of A/B groups). */
export type SweptName = ParamName | 'server';

/** A case's value of a parameter as written in suites (64K, true, TCP_RR), or '' when the case does not set it. */
export function paramText(c: CaseResult, param: SweptName): string {
  if (param === 'server') return c.server;
  const value = c.params[param];
  return value === undefined ? '' : formatParamValue(param, value);
}

/** The name of a case inside its suite: the id without the suite prefix (`bulk[send_size=64K]`). */
export function caseName(suite: SuiteResult, c: CaseResult): string {
  return c.id.startsWith(`${suite.name}/`) ? c.id.slice(suite.name.length + 1) : c.id;
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
  for (const axis of view.swept.filter((p): p is ParamName => SIZE_AXES.includes(p as ParamName))) {
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

/** Every compared metric of the run, in run order. */
export function comparedMetrics(result: RunResult): { readonly case: CaseResult; readonly outcome: RegressionOutcome }[] {
  return allCases(result).flatMap((c) => (c.regressions ?? []).map((outcome) => ({ case: c, outcome })));
}

/** The metrics of a group that were compared with a baseline, for Δ columns. */
export function deltaMetrics(view: GroupView): MetricName[] {
  return view.metrics.filter((metric) => view.cases.some((c) => (c.regressions ?? []).some((r) => r.metric === metric)));
}


/** A whole group that moved together against a baseline or history: one sentence instead of a line per case. */
export interface CommonModeShift {
  readonly group: string;
  readonly source: 'baseline' | 'history';
  readonly metric: MetricName;
  /** The median change of the group's compared cases (relative, points for loss). */
  readonly change: number;
  readonly cases: number;
  /** The compared cases this sentence stands for. */
  readonly ids: ReadonlySet<string>;
  /** The `regression:` entry of the group, to point at. */
  readonly file: string;
  readonly line: number;
}

/** Fewest compared cases a group needs before "the whole group moved" can be said of it. */
const COMMON_MODE_MIN_CASES = 3;

/**
 * Groups (per suite) in which at least 80% of the cases compared on a metric moved the same way, by similar amounts
 * (every change within half the median change of it), beyond the tolerance: a machine or setup that changed, not a
 * code change per case (DESIGN §8). Same-run comparisons are never grouped: their control shares the machine.
 */
export function commonModeShifts(result: RunResult): CommonModeShift[] {
  const byGroup = new Map<string, { group: string; source: 'baseline' | 'history'; metric: MetricName; file: string; line: number; items: { id: string; change: number; tolerance: number }[] }>();
  for (const suite of result.suites) {
    for (const c of suite.cases) {
      for (const r of c.regressions ?? []) {
        if (r.source === 'control' || r.change === null) continue;
        const key = `${suite.name}\0${c.group}\0${r.source}\0${r.metric}`;
        const entry = byGroup.get(key) ?? { group: `${suite.name}/${c.group}`, source: r.source, metric: r.metric, file: r.file, line: r.line, items: [] };
        entry.items.push({ id: c.id, change: r.change, tolerance: r.tolerance });
        byGroup.set(key, entry);
      }
    }
  }
  const shifts: CommonModeShift[] = [];
  for (const { group, source, metric, file, line, items } of byGroup.values()) {
    if (items.length < COMMON_MODE_MIN_CASES) continue;
    const changes = items.map((i) => i.change).sort((a, b) => a - b);
    const middle = changes[Math.floor(changes.length / 2)] ?? 0;
    const tolerance = Math.min(...items.map((i) => i.tolerance));
    if (Math.abs(middle) <= tolerance) continue;
    const together = items.filter((i) => Math.sign(i.change) === Math.sign(middle) && Math.abs(i.change - middle) <= Math.abs(middle) / 2);
    if (together.length < 0.8 * items.length) continue;
    shifts.push({ group, source, metric, change: middle, cases: items.length, ids: new Set(together.map((i) => i.id)), file, line });
  }
  return shifts;
}
