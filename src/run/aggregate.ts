import { jainIndex, measureInfo, type MeasureName } from '../model/metrics.js';
import type { RunMetrics, SeriesPoint } from '../model/netperf-outcome.js';
import type { LoadFlowRun, Spread } from '../model/results.js';
import { flowDirection } from '../model/suite-types.js';
import { sumSteps } from '../stats/steps.js';
import { cvPercent, median, sum } from '../stats/summary.js';

const SUMMED: ReadonlySet<MeasureName> = new Set(['throughput', 'send_throughput', 'transaction_rate', 'retransmissions']);

/**
 * One run's metrics from its concurrent streams: throughput, rates and retransmissions are summed; loss is recomputed
 * from the summed rates; latency, CPU and MSS figures are taken from the worst stream, because percentiles of different
 * streams cannot be averaged (and CPU is system-wide, so every stream sees the same machine).
 */
export function combineStreams(streams: readonly RunMetrics[]): RunMetrics {
  if (streams.length === 1) return streams[0] ?? {};
  const combined: RunMetrics = {};
  for (const metric of Object.keys(streams[0] ?? {}) as MeasureName[]) {
    const values = streams.map((s) => s[metric] ?? 0);
    combined[metric] = SUMMED.has(metric) ? sum(values) : measureInfo(metric).better === 'lower' ? Math.max(...values) : Math.min(...values);
  }
  if (combined.send_throughput !== undefined && combined.throughput !== undefined && combined.send_throughput > 0) {
    combined.loss = Math.max(0, (1 - combined.throughput / combined.send_throughput) * 100);
  }
  return combined;
}

/**
 * One run's interim series from its concurrent streams, on a common grid: netperf times each stream's intervals on its
 * own (a first interval of 0.5 s asked can last 0.6 or 2 s), so point i of two streams may be far apart. Each stream is
 * taken as a step function (its rate held over each interval, from 0 to its first t, and so on), averaged over every
 * `interval` seconds of the time all streams cover, and the averages summed; the last bin ends where the shortest
 * stream does.
 */
export function combineSeries(streams: readonly (readonly SeriesPoint[])[], interval: number): SeriesPoint[] {
  if (streams.length === 1) return [...(streams[0] ?? [])];
  const metric = Object.keys(streams[0]?.[0] ?? {}).find((k) => k !== 't') as MeasureName | undefined;
  if (metric === undefined) return [];
  const summed = sumSteps(
    streams.map((stream) => ({ start: 0, points: stream.map((point) => ({ t: point.t, value: point[metric] ?? 0 })) })),
    interval,
  );
  return (summed?.points ?? []).map((p) => ({ t: p.t, [metric]: p.value }));
}

/**
 * A run's interim series moved onto the time axis of the run: `start` is when its first interval began and `origin`
 * when the measured test's did (epoch seconds, both on this host's clock, as netperf prints them), so a point's t
 * becomes seconds from the measured test's start, negative for a load stream's lead. Rounded to netperf's ms.
 */
export function onRunAxis(points: readonly SeriesPoint[], start: number, origin: number): { start: number; series: SeriesPoint[] } {
  const offset = start - origin;
  const ms = (t: number): number => Math.round(t * 1000) / 1000;
  return { start: ms(offset), series: points.map((p) => ({ ...p, t: ms(p.t + offset) })) };
}

/** The median of each metric over a case's runs, and how much the runs spread. */
export function summarizeRuns(runs: readonly RunMetrics[]): { metrics: RunMetrics; spread: Partial<Record<MeasureName, Spread>> } {
  const metrics: RunMetrics = {};
  const spread: Partial<Record<MeasureName, Spread>> = {};
  // every run's keys: a run whose netperf could not read a counter (-1) has none, and the others still count
  for (const metric of new Set(runs.flatMap((run) => Object.keys(run) as MeasureName[]))) {
    const values = runs.map((r) => r[metric]).filter((v): v is number => v !== undefined);
    if (values.length === 0) continue;
    metrics[metric] = median(values);
    spread[metric] = { min: Math.min(...values), max: Math.max(...values), cvPercent: cvPercent(values) };
  }
  return { metrics, spread };
}

/**
 * The load metrics of one run from its streams: the rate up (STREAM tests), down (TCP_MAERTS) and both, and
 * `load_fairness`, Jain's index over each direction's streams, the lower of the two (docs/suite-format.md, "Latency under load").
 */
export function loadMetrics(streams: readonly LoadFlowRun[]): RunMetrics {
  const metrics: RunMetrics = { load_throughput: streams.reduce((total, s) => total + s.throughput, 0) };
  const fairness: number[] = [];
  for (const direction of ['up', 'down'] as const) {
    const rates = streams.filter((s) => flowDirection(s.test) === direction).map((s) => s.throughput);
    if (rates.length === 0) continue;
    metrics[direction === 'up' ? 'load_throughput_up' : 'load_throughput_down'] = rates.reduce((a, b) => a + b, 0);
    const index = jainIndex(rates);
    if (index !== undefined) fairness.push(index);
  }
  if (fairness.length > 0) metrics.load_fairness = Math.min(...fairness);
  return metrics;
}
