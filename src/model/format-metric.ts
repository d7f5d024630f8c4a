import { isCount, isMeasureName, isMetricName, type MeasureName, measureInfo, metricUnit } from './metrics.js';
import type { TestName } from './test-types.js';

/** A display unit for a metric: its label and how many of the metric's own units it holds. */
export interface DisplayUnit {
  readonly label: string;
  readonly factor: number;
}

const BITRATE: readonly DisplayUnit[] = [
  { label: 'Gbit/s', factor: 1e9 },
  { label: 'Mbit/s', factor: 1e6 },
  { label: 'kbit/s', factor: 1e3 },
  { label: 'bit/s', factor: 1 },
];
const TIME: readonly DisplayUnit[] = [
  { label: 's', factor: 1e6 },
  { label: 'ms', factor: 1e3 },
  { label: 'µs', factor: 1 },
];

/**
 * The unit that shows `value` of `metric` with one to three integer digits: 35.2 Gbit/s, 2.31 ms. `tests` are the test
 * types of the cases shown (service demand is µs/KB for streams, µs/tr for request/response).
 */
export function displayUnit(metric: string, value: number, tests: readonly (TestName | undefined)[] = []): DisplayUnit {
  const info = isMeasureName(metric) ? measureInfo(metric) : undefined;
  const ladder = info?.dimension === 'bitrate' ? BITRATE : info?.dimension === 'time' ? TIME : undefined;
  if (ladder === undefined) return { label: info === undefined ? '' : isMetricName(metric) ? metricUnit(metric, tests) : info.unit, factor: 1 };
  return ladder.find((unit) => Math.abs(value) >= unit.factor) ?? ladder[ladder.length - 1] ?? { label: '', factor: 1 };
}

/** One display unit for a column (or axis) of a metric's values, chosen by the largest so the rows compare at a glance. */
export function columnUnit(metric: string, values: readonly (number | undefined)[], tests: readonly (TestName | undefined)[] = []): DisplayUnit {
  return displayUnit(metric, Math.max(0, ...values.filter((v): v is number => v !== undefined)), tests);
}

/** A number with three significant figures at most, no exponent: 35.2, 941, 0.41; below 0.1 two: 0.016 (not 0.02). */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || Number.isInteger(value)) return value.toFixed(0);
  // 16 µs in a column of milliseconds is 0.016; two decimals would print 0.02 for anything from 15 µs to 25 µs
  if (magnitude < 0.1) return String(Number(value.toPrecision(2)));
  return value.toFixed(magnitude >= 10 ? 1 : 2);
}

/** A number with three significant figures at most, without padding or float noise: 1.8, 0.782, 12.3, 120. */
export function formatSignificant(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** A metric value with a readable unit: 35.2 Gbit/s, 48.1k/s, 2.31 ms, 0.50%, 12 segments, 1448 B. */
export function formatMetric(metric: string, value: number, test?: TestName): string {
  if (metric === 'transaction_rate') return `${value >= 1e4 ? `${(value / 1e3).toFixed(1)}k` : value.toFixed(0)}/s`;
  if (metric === 'loss' || metric.startsWith('cpu_')) return `${value.toFixed(2)}%`;
  // a count (or the median of counts: a half at most) in full, as counted
  if (isCount(metric)) return `${Number.isInteger(value) ? value : value.toFixed(1)} ${measureInfo(metric as MeasureName).unit}`;
  const unit = displayUnit(metric, value, [test]);
  const separator = unit.label === '' || unit.label.startsWith('/') ? '' : ' ';
  return `${formatNumber(value / unit.factor)}${separator}${unit.label}`;
}

/** A wall-clock span for people: 24s, 3m 5s, 1h 2m 0s. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}
