import { isJudgedInPoints, isMetricName, METRIC_NAMES, METRICS, type MetricName } from '../model/metrics.js';
import type { SeriesPoint } from '../model/netperf-outcome.js';
import type { CaseResult, RegressionOutcome, RunResult, SuiteResult, ThresholdOutcome } from '../model/results.js';
import { activeLoad, formatLoad, PARAM_ORDER, type ParamName } from '../model/suite-types.js';
import { allCases } from '../results/verdict.js';
import { formatParamValue } from '../suite/normalize-param.js';
import { timeWeightedMean } from '../stats/summary.js';
import { defined } from '../model/defined.js';

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

/**
 * `param=value` for labels; a parameter the case leaves out reads `default` (netperf's own value; `none` for load), as
 * `response_size=` would read like a value lost.
 */
export function paramLabel(c: CaseResult, param: SweptName): string {
  return `${param}=${paramText(c, param) || (param === 'load' ? 'none' : 'default')}`;
}

/** The name of a case inside its suite: the id without the suite prefix (`bulk[send_size=64K]`). */
export function caseName(suite: SuiteResult, c: CaseResult): string {
  return c.id.startsWith(`${suite.name}/`) ? c.id.slice(suite.name.length + 1) : c.id;
}

/** The metric a sweep chart draws for a group: throughput for streams, the transaction rate for RR tests. */
export function primaryMetric(view: GroupView): MetricName | undefined {
  return (['throughput', 'transaction_rate'] as const).find((m) => view.metrics.includes(m));
}

/** The metric whose run-to-run spread a group table shows: the primary one, else the group's first. */
export function spreadMetric(view: GroupView): MetricName | undefined {
  return primaryMetric(view) ?? view.metrics[0];
}

/** The run-to-run spread (CV, %) a group table shows beside a case's value; none for fewer than 2 runs or no value. */
export function caseSpread(view: GroupView, c: CaseResult): number | undefined {
  const metric = spreadMetric(view);
  return metric === undefined || c.runs.length < 2 || c.metrics[metric] === undefined ? undefined : c.spread[metric]?.cvPercent;
}

/** Whether any group table of these shows a spread, so the report explains ± once. */
export function showsSpread(views: readonly GroupView[]): boolean {
  return views.some((view) => view.cases.some((c) => caseSpread(view, c) !== undefined));
}

const SIZE_AXES: readonly ParamName[] = ['send_size', 'recv_size', 'request_size', 'response_size', 'socket_buffer', 'local_buffer', 'remote_buffer', 'streams'];

/** A place on a sweep chart's x axis: a size, or `default` (netperf's own, the case leaves the size unset), drawn first. */
export type SweepX = number | 'default';

/** One point of a sweep chart: the case's value, whether it failed, and the spread of its runs when it had more than one. */
export interface SweepPoint {
  readonly x: SweepX;
  readonly y: number;
  readonly failed: boolean;
  /** The lowest and highest of the case's runs (CaseResult.spread), for an error bar. */
  readonly low?: number;
  readonly high?: number;
}

/** One line of a sweep chart: the cases that share every other swept value. */
export interface Series {
  /** The other swept parameters, like `nodelay=true`; '' when the size is the only axis. */
  readonly label: string;
  readonly points: readonly SweepPoint[];
}

/** A threshold on the charted metric, as the suite wrote it (`>= 1 Gbit/s`), and how many of the charted cases it applies to. */
export interface SweepLimit {
  readonly expression: string;
  readonly limit: number;
  readonly cases: number;
}

/** A chart of a metric against one swept numeric parameter, or a set of them that move together. */
export interface SweepChart {
  readonly axis: ParamName;
  /**
   * Sizes that move in lockstep with `axis` across the group's cases (`recv_size` set equal to `send_size` by
   * `include`), drawn on the same x axis: their names together (`send_size = recv_size`, or `request_size /
   * response_size` where the values differ) and each x value's label (`64K`, or `64 / default`); absent when `axis`
   * moves alone.
   */
  readonly lockstep?: { readonly params: readonly ParamName[]; readonly name: string; readonly ticks: readonly string[] };
  readonly metric: MetricName;
  /** The axis values, `default` first, then the sizes in ascending order. */
  readonly xValues: readonly SweepX[];
  readonly series: readonly Series[];
  /** The thresholds of the charted cases on the metric, lowest limit first; absent when there are none. */
  readonly limits?: readonly SweepLimit[];
  /** How many cases the chart draws (for "applies to 2 of 6 cases"). */
  readonly cases?: number;
}

/** Where a case sits on a size axis: its size, `default` when it leaves the size to netperf, nothing for other values. */
function sweepX(c: CaseResult, axis: ParamName): SweepX | undefined {
  const value = c.params[axis];
  if (typeof value === 'number') return value;
  // a case that leaves streams out runs one: the same point as streams: 1, not a category of its own
  if (axis === 'streams' && value === undefined) return 1;
  return value === undefined || value === 'default' ? 'default' : undefined;
}

const byX = (a: SweepX, b: SweepX): number => (a === b ? 0 : a === 'default' ? -1 : b === 'default' ? 1 : a - b);

/** Whether two parameters move in lockstep over these cases: each value of one goes with one value of the other, both ways. */
function inLockstep(cases: readonly CaseResult[], a: ParamName, b: ParamName): boolean {
  const ab = new Map<string, string>();
  const ba = new Map<string, string>();
  for (const c of cases) {
    const [x, y] = [paramText(c, a), paramText(c, b)];
    if ((ab.get(x) ?? y) !== y || (ba.get(y) ?? x) !== x) return false;
    ab.set(x, y);
    ba.set(y, x);
  }
  return true;
}

/** What a sweep chart's x axis is called: `send_size`, or the sizes that move together (`send_size = recv_size`). */
export function sweepAxisName(chart: Pick<SweepChart, 'axis' | 'lockstep'>): string {
  return chart.lockstep?.name ?? chart.axis;
}

/** The label of a place on a sweep chart's x axis: `64K`, or `64 / default` for sizes that move together but differ. */
export function sweepXLabel(chart: Pick<SweepChart, 'axis' | 'lockstep' | 'xValues'>, x: SweepX): string {
  return chart.lockstep?.ticks[chart.xValues.indexOf(x)] ?? formatParamValue(chart.axis, x);
}

/** A place on the x axis as a tooltip names it: `send_size=64K`, `send_size = recv_size = 64K`. */
export function sweepXName(chart: Pick<SweepChart, 'axis' | 'lockstep' | 'xValues'>, x: SweepX): string {
  return chart.lockstep === undefined ? `${chart.axis}=${sweepXLabel(chart, x)}` : `${chart.lockstep.name} = ${sweepXLabel(chart, x)}`;
}

/**
 * The sweep charts of a group: the primary metric against each swept size (nothing for a single-valued group), sizes
 * that move in lockstep (set together by `include`) on one axis.
 */
export function sweepCharts(view: GroupView, maxSeries = 8): SweepChart[] {
  const metric = primaryMetric(view);
  if (metric === undefined) return [];
  const charts: SweepChart[] = [];
  const sizes = view.swept.filter((p): p is ParamName => SIZE_AXES.includes(p as ParamName));
  const drawnWith = new Set<ParamName>();
  for (const axis of sizes) {
    // a size that moves with an earlier one is on that one's axis already
    if (drawnWith.has(axis)) continue;
    const together = sizes.filter((p) => p !== axis && inLockstep(view.cases, axis, p));
    for (const p of together) drawnWith.add(p);
    const measured = view.cases.filter((c) => sweepX(c, axis) !== undefined && c.metrics[metric] !== undefined);
    const xValues = [...new Set(measured.map((c) => sweepX(c, axis) ?? 'default'))].sort(byX);
    if (xValues.length < 2) continue;
    const others = view.swept.filter((p) => p !== axis && !(together as readonly SweptName[]).includes(p));
    const byLabel = new Map<string, { readonly point: SweepPoint; readonly case: CaseResult }[]>();
    for (const c of measured) {
      const label = others.map((p) => paramLabel(c, p)).join(',');
      const spread = c.spread[metric];
      const point: SweepPoint = { x: sweepX(c, axis) ?? 'default', y: c.metrics[metric] ?? 0, failed: c.status !== 'pass', ...(spread === undefined ? {} : { low: spread.min, high: spread.max }) };
      byLabel.set(label, [...(byLabel.get(label) ?? []), { point, case: c }]);
    }
    const kept = [...byLabel].slice(0, maxSeries);
    const series = kept.map(([label, points]) => ({ label, points: points.map((p) => p.point).sort((a, b) => byX(a.x, b.x)) }));
    const charted = kept.flatMap(([, points]) => points.map((p) => p.case));
    const limits = new Map<string, SweepLimit>();
    for (const t of charted.flatMap((c) => c.thresholds.filter((t) => t.metric === metric))) {
      const key = `${t.limit}\u0000${t.expression}`;
      limits.set(key, { expression: t.expression, limit: t.limit, cases: (limits.get(key)?.cases ?? 0) + 1 });
    }
    const extra = limits.size === 0 ? {} : { limits: [...limits.values()].sort((a, b) => a.limit - b.limit), cases: charted.length };
    // a size that varies only together with a parameter of another kind (a test, by include entries) draws no line, so no chart
    if (series.some((s) => s.points.length >= 2)) charts.push({ axis, ...lockstepOf(measured, axis, together, xValues), metric, xValues, series, ...extra });
  }
  return charts;
}

/** The `lockstep` of a chart whose axis moves with `together`: the names and each x value's label; nothing for an axis alone. */
function lockstepOf(cases: readonly CaseResult[], axis: ParamName, together: readonly ParamName[], xValues: readonly SweepX[]): Pick<SweepChart, 'lockstep'> {
  if (together.length === 0) return {};
  const params = [axis, ...together];
  const values = xValues.map((x) => {
    const c = cases.find((k) => sweepX(k, axis) === x);
    return params.map((p) => (c === undefined ? '' : paramText(c, p)) || (p === 'streams' ? '1' : 'default'));
  });
  const equal = values.every((v) => v.every((text) => text === v[0]));
  return { lockstep: { params, name: params.join(equal ? ' = ' : ' / '), ticks: values.map((v) => (equal ? (v[0] ?? '') : v.join(' / '))) } };
}

/** Every compared metric of the run, in run order. */
export function comparedMetrics(result: RunResult): { readonly case: CaseResult; readonly outcome: RegressionOutcome }[] {
  return allCases(result).flatMap((c) => (c.regressions ?? []).map((outcome) => ({ case: c, outcome })));
}

/** The inconclusive comparisons a report lists above its comparison table, each with what would decide it (the first 20). */
export function listedInconclusive(compared: ReturnType<typeof comparedMetrics>): typeof compared {
  return compared.filter(({ outcome }) => outcome.verdict === 'inconclusive').slice(0, 20);
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

/** A case's interim results (`interval:`) as charts read them: per measured run, its points in time order. */
export interface CaseSeries {
  /** The one metric the points carry: `throughput`, `send_throughput` or `transaction_rate`. */
  readonly metric: MetricName;
  /** One entry per measured run, in the order of `runs`; `run` counts from 1. */
  readonly runs: readonly { readonly run: number; readonly points: readonly { readonly t: number; readonly value: number }[] }[];
  /** The end of the longest run, in seconds from its start. */
  readonly seconds: number;
}

/** The metric of interim results: the one key of a point besides `t`. */
function seriesMetric(points: readonly SeriesPoint[]): MetricName | undefined {
  for (const point of points) {
    const metric = Object.keys(point).find((key) => key !== 't' && isMetricName(key));
    if (metric !== undefined) return metric;
  }
  return undefined;
}

/** A case's interim results, or undefined when it kept none. */
export function caseSeries(c: CaseResult): CaseSeries | undefined {
  const all = c.series ?? [];
  const metric = all.map(seriesMetric).find((m) => m !== undefined);
  if (metric === undefined) return undefined;
  const runs = all.map((points, i) => ({
    run: i + 1,
    points: points.flatMap((p) => (p[metric] === undefined ? [] : [{ t: p.t, value: p[metric] ?? 0 }])).sort((a, b) => a.t - b.t),
  }));
  return { metric, runs, seconds: Math.max(0, ...runs.flatMap((r) => r.points.map((p) => p.t))) };
}

/**
 * A run's mean from its interim results: each value weighted by its interval (from the previous point's t, the
 * first from 0), which is netperf's own figure for the run up to rounding; the last interval is often short.
 */
export function seriesMean(points: readonly { readonly t: number; readonly value: number }[]): number | undefined {
  const seconds = Math.max(0, ...points.map((p) => p.t));
  return seconds > 0 ? timeWeightedMean(points, 0, seconds) : undefined;
}

/** The lowest interim value of a case, against the mean of its run. */
export interface Dip {
  readonly metric: MetricName;
  /** The run, counted from 1. */
  readonly run: number;
  /** The end of the interval, in seconds from the run's start. */
  readonly t: number;
  readonly value: number;
  readonly mean: number;
  /** value / mean − 1: −0.38 is 38% below the run's mean. */
  readonly change: number;
}

/** An interim result over less than this share of the asked-for interval is too short to call a dip. */
const SHORT_INTERVAL_SHARE = 0.5;

/**
 * The deepest dip over all runs of a case; none for runs of fewer than 2 points or a mean of 0, or when nothing fell
 * below its mean. Neither the first interval (slow start, and netperf's first interval of an RR test can last 2–4
 * asked-for ones) nor one shorter than half the case's `interval` is a candidate: netperf's last interval of a run is
 * often a fraction of one (1.986 → 2.001 s), and a few transactions in it make a figure of noise.
 */
export function deepestDip(c: CaseResult): Dip | undefined {
  const series = caseSeries(c);
  if (series === undefined) return undefined;
  const shortest = (c.params.interval ?? 0) * SHORT_INTERVAL_SHARE;
  let deepest: Dip | undefined;
  for (const { run, points } of series.runs) {
    const mean = seriesMean(points);
    if (points.length < 2 || mean === undefined || mean === 0) continue;
    for (const [i, p] of points.entries()) {
      if (i === 0 || p.t - (points[i - 1]?.t ?? 0) < shortest) continue;
      const change = p.value / mean - 1;
      if (change < 0 && (deepest === undefined || change < deepest.change)) deepest = { metric: series.metric, run, t: p.t, value: p.value, mean, change };
    }
  }
  return deepest;
}

/** A request/response case measured idle and again under a load, the two differing in nothing else. */
export interface LoadPair {
  readonly idle: CaseResult;
  readonly loaded: CaseResult;
  /** The load, as ids spell it: `2xTCP_STREAM`. */
  readonly load: string;
  /** What tells the pair from the suite's other pairs: its group (when pairs come from several) and the parameters that differ between pairs, like `rr request_size=1K`; the group alone when nothing else differs. */
  readonly label: string;
}

/** A suite's cases paired idle → loaded, for its "latency under load" table. */
export interface UnderLoad {
  readonly suite: SuiteResult;
  readonly pairs: readonly LoadPair[];
}

/** What a case is apart from its load: the server and every other parameter. */
function withoutLoad(c: CaseResult): string {
  return (['server', ...PARAM_ORDER] as const)
    .filter((p) => p !== 'load')
    .map((p) => `${p}=${paramText(c, p)}`)
    .join('\0');
}

/**
 * Per suite, each case run under a load beside the case that is the same but for having none (`load` absent or
 * `none`), in suite order; suites without such a pair are left out. Pairs may cross groups.
 */
export function underLoadPairs(result: RunResult): UnderLoad[] {
  const views: UnderLoad[] = [];
  for (const suite of result.suites) {
    // an idle case of the loaded case's own group first, else the suite's first with the same parameters
    const idle = new Map<string, CaseResult>();
    for (const c of suite.cases) {
      if (activeLoad(c.params) !== undefined) continue;
      for (const key of [`${c.group}\n${withoutLoad(c)}`, withoutLoad(c)]) if (!idle.has(key)) idle.set(key, c);
    }
    const found: { idle: CaseResult; loaded: CaseResult; load: string }[] = [];
    for (const loaded of suite.cases) {
      const load = activeLoad(loaded.params);
      const match = load === undefined ? undefined : (idle.get(`${loaded.group}\n${withoutLoad(loaded)}`) ?? idle.get(withoutLoad(loaded)));
      if (load !== undefined && match !== undefined) found.push({ idle: match, loaded, load: formatLoad(load) });
    }
    if (found.length === 0) continue;
    const loadedCases = found.map((p) => p.loaded);
    const differing = PARAM_ORDER.filter((p) => p !== 'load' && new Set(loadedCases.map((c) => paramText(c, p))).size > 1);
    const byServer = new Set(loadedCases.map((c) => c.server)).size > 1;
    const byGroup = new Set(loadedCases.map((c) => c.group)).size > 1;
    const pairs = found.map((p) => {
      const params = [...(byServer ? [`server=${p.loaded.server}`] : []), ...differing.map((name) => paramLabel(p.loaded, name))].join(' ');
      const label = byGroup || params === '' ? [p.loaded.group, params].filter((s) => s !== '').join(' ') : params;
      return { ...p, label };
    });
    views.push({ suite, pairs });
  }
  return views;
}

/** The metrics a latency-under-load table sets side by side, idle → loaded. */
export const UNDER_LOAD_METRICS = ['transaction_rate', 'latency_p50', 'latency_p99'] as const satisfies readonly MetricName[];

/** One metric of a pair, idle → loaded: the relative change (undefined without both values or with an idle 0), and whether the load made it worse. */
export interface LoadEffect {
  readonly idle?: number;
  readonly loaded?: number;
  readonly change?: number;
  readonly isWorse: boolean;
}

/** What a load did to one metric of a pair. */
export function loadEffect(pair: LoadPair, metric: MetricName): LoadEffect {
  const idle = pair.idle.metrics[metric];
  const loaded = pair.loaded.metrics[metric];
  const values = defined({ idle, loaded });
  if (idle === undefined || loaded === undefined || idle === 0) return { ...values, isWorse: false };
  const change = (loaded - idle) / idle;
  return { ...values, change, isWorse: METRICS[metric].better === 'higher' ? change < 0 : change > 0 };
}
