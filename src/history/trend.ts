import type { ChangePoint, HistoryEntry, TrendPoint, TrendReport, TrendSeries } from '../model/history.js';
import { detectChangePoints } from '../stats/change-points.js';

/** The metrics a trend shows per case: what a regression gate usually judges (all are kept in the history file). */
export const TREND_METRICS = ['throughput', 'transaction_rate', 'latency_p50', 'latency_p99', 'loss'] as const;

/** Loss is in percent already (often 0): its shifts are in points, not ratios. */
const IN_POINTS = new Set<string>(['loss']);

export interface TrendOptions {
  /** Smallest lasting shift worth reporting (0.05 = 5%; points for loss). */
  readonly minChange: number;
}

/**
 * Every case's key metrics over the history (oldest first, `index` counting entries from 0), with the change points
 * found in each series (src/stats/change-points.ts). A case missing from some entries simply has no point there.
 */
export function trendReport(entries: readonly HistoryEntry[], options: TrendOptions): TrendReport {
  const byKey = new Map<string, { case: string; metric: string; points: TrendPoint[] }>();
  entries.forEach((entry, index) => {
    for (const [id, metrics] of Object.entries(entry.cases)) {
      for (const metric of TREND_METRICS) {
        const value = metrics[metric];
        if (value === undefined || !Number.isFinite(value.median)) continue;
        const key = `${id}\0${metric}`;
        let series = byKey.get(key);
        if (series === undefined) {
          series = { case: id, metric, points: [] };
          byKey.set(key, series);
        }
        let min = value.median;
        let max = value.median;
        for (const run of value.runs) {
          if (run < min) min = run;
          if (run > max) max = run;
        }
        series.points.push({
          index,
          ...(entry.provenance.commit === undefined ? {} : { commit: entry.provenance.commit }),
          date: entry.date,
          median: value.median,
          min,
          max,
        });
      }
    }
  });
  const series: TrendSeries[] = [...byKey.values()].sort((a, b) => a.case.localeCompare(b.case) || TREND_METRICS.indexOf(a.metric as never) - TREND_METRICS.indexOf(b.metric as never));
  const changePoints: ChangePoint[] = [];
  for (const s of series) {
    const inPoints = IN_POINTS.has(s.metric);
    const values = s.points.map((p) => p.median);
    // ratios need positive values: a series with a zero in it (a metric that can be 0) is judged in points
    const usable = inPoints || values.every((v) => v > 0);
    if (!usable) continue;
    for (const found of detectChangePoints(values, { minChange: options.minChange, inPoints })) {
      const point = s.points[found.index];
      if (point === undefined) continue;
      changePoints.push({
        case: s.case,
        metric: s.metric,
        index: point.index,
        ...(point.commit === undefined ? {} : { commit: point.commit }),
        date: point.date,
        before: found.before,
        after: found.after,
        change: found.change,
        p: found.p,
      });
    }
  }
  return { series, changePoints };
}
