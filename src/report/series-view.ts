import { isMetricName, type MetricName } from '../model/metrics.js';
import type { SeriesPoint } from '../model/netperf-outcome.js';
import type { CaseResult } from '../model/results.js';
import { timeWeightedMean } from '../stats/summary.js';

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
