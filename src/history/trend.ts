import type { ChangePoint, HistoryEntry, TrendPoint, TrendReport, TrendSeries } from '../model/history.js';
import { detectChangePoints } from '../stats/change-points.js';
import { isJudgedInPoints, METRIC_NAMES, type MetricName } from '../model/metrics.js';
import { defined } from '../model/defined.js';

const KNOWN_METRICS = new Set<string>(METRIC_NAMES);

export interface TrendOptions {
  /** Smallest lasting shift worth reporting (0.05 = 5%; for loss, in percent already, 0.05 means 5 points). */
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
      for (const metric in metrics) {
        const value = metrics[metric];
        if (value === undefined || !KNOWN_METRICS.has(metric) || !Number.isFinite(value.median)) continue;
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
          ...defined({ commit: entry.provenance.commit }),
          date: entry.date,
          median: value.median,
          min,
          max,
        });
      }
    }
  });
  const series: TrendSeries[] = [...byKey.values()].sort(
    (a, b) => a.case.localeCompare(b.case) || METRIC_NAMES.indexOf(a.metric as MetricName) - METRIC_NAMES.indexOf(b.metric as MetricName),
  );
  const changePoints: ChangePoint[] = [];
  for (const s of series) {
    const inPoints = isJudgedInPoints(s.metric);
    // ratios need positive values: a point of 0 (nothing measured that run) is left out of the search, not the series
    const points = inPoints ? s.points : s.points.filter((p) => p.median > 0);
    const values = points.map((p) => p.median);
    for (const found of detectChangePoints(values, { minChange: inPoints ? options.minChange * 100 : options.minChange, inPoints })) {
      const point = points[found.index];
      if (point === undefined) continue;
      changePoints.push({
        case: s.case,
        metric: s.metric,
        index: point.index,
        ...defined({ commit: point.commit }),
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
