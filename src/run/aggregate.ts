import { METRICS, type MetricName } from '../model/metrics.js';
import type { RunMetrics, SeriesPoint } from '../model/netperf-outcome.js';
import type { Spread } from '../model/results.js';
import { mean, median, sum } from '../stats/summary.js';

const SUMMED: ReadonlySet<MetricName> = new Set(['throughput', 'send_throughput', 'transaction_rate']);

/**
 * One run's metrics from its concurrent streams: throughput and rates are summed; loss is recomputed from the
 * summed rates; latency and CPU figures are taken from the worst stream, because percentiles of different
 * streams cannot be averaged (and CPU is system-wide, so every stream sees the same machine).
 */
export function combineStreams(streams: readonly RunMetrics[]): RunMetrics {
  if (streams.length === 1) return streams[0] ?? {};
  const combined: RunMetrics = {};
  for (const metric of Object.keys(streams[0] ?? {}) as MetricName[]) {
    const values = streams.map((s) => s[metric] ?? 0);
    combined[metric] = SUMMED.has(metric) ? sum(values) : METRICS[metric].better === 'lower' ? Math.max(...values) : Math.min(...values);
  }
  if (combined.send_throughput !== undefined && combined.throughput !== undefined && combined.send_throughput > 0) {
    combined.loss = Math.max(0, (1 - combined.throughput / combined.send_throughput) * 100);
  }
  return combined;
}

/**
 * One run's interim series from its concurrent streams: interval i of every stream summed, at the streams' mean t.
 * The streams start together and netperf times each on its own, so their intervals end close to each other, not at
 * the same instant; intervals only some streams reached (the last, usually) are dropped.
 */
export function combineSeries(streams: readonly (readonly SeriesPoint[])[]): SeriesPoint[] {
  if (streams.length === 1) return [...(streams[0] ?? [])];
  const length = Math.min(...streams.map((s) => s.length));
  return Array.from({ length }, (_, i) => {
    const points = streams.map((s) => s[i] ?? { t: 0 });
    const combined: Record<string, number> = { t: Math.round(mean(points.map((p) => p.t)) * 1000) / 1000 };
    for (const metric of Object.keys(points[0] ?? {}).filter((k) => k !== 't') as MetricName[]) combined[metric] = sum(points.map((p) => p[metric] ?? 0));
    return combined as SeriesPoint;
  });
}

/** The median of each metric over a case's runs, and how much the runs spread. */
export function summarizeRuns(runs: readonly RunMetrics[]): { metrics: RunMetrics; spread: Partial<Record<MetricName, Spread>> } {
  const metrics: RunMetrics = {};
  const spread: Partial<Record<MetricName, Spread>> = {};
  for (const metric of Object.keys(runs[0] ?? {}) as MetricName[]) {
    const values = runs.map((r) => r[metric]).filter((v): v is number => v !== undefined);
    if (values.length === 0) continue;
    metrics[metric] = median(values);
    const average = mean(values);
    const variance = values.length > 1 ? values.reduce((acc, v) => acc + (v - average) ** 2, 0) / (values.length - 1) : 0;
    spread[metric] = { min: Math.min(...values), max: Math.max(...values), cvPercent: average === 0 ? 0 : (Math.sqrt(variance) / Math.abs(average)) * 100 };
  }
  return { metrics, spread };
}
