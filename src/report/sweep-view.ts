import type { MetricName } from '../model/metrics.js';
import { appendTo } from '../model/collections.js';
import type { CaseResult } from '../model/results.js';
import type { ParamName } from '../model/suite-types.js';
import { formatParamValue } from '../suite/normalize-param.js';
import { paramLabel, paramText, primaryMetric, type GroupView, type SweptName } from './group-view.js';

const SIZE_AXES: readonly ParamName[] = [
  'send_size',
  'recv_size',
  'request_size',
  'response_size',
  'socket_buffer',
  'local_buffer',
  'remote_buffer',
  'streams',
];

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
      const point: SweepPoint = {
        x: sweepX(c, axis) ?? 'default',
        y: c.metrics[metric] ?? 0,
        failed: c.status !== 'pass',
        ...(spread === undefined ? {} : { low: spread.min, high: spread.max }),
      };
      appendTo(byLabel, label, { point, case: c });
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
