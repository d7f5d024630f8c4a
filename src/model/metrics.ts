import { TEST_TYPES, type TestName } from './test-types.js';

export type Dimension = 'bitrate' | 'rate' | 'time' | 'percent' | 'service-demand' | 'index' | 'count' | 'size';

export interface MetricInfo {
  /** The unit every metric value is stored and reported in. */
  readonly unit: string;
  readonly dimension: Dimension;
  /** Which way is better; regressions are judged in the other direction. */
  readonly better: 'higher' | 'lower';
}

/** The metrics usable in `thresholds` and `regression` (docs/suite-format.md, "Metrics"). */
export const METRICS = {
  throughput: { unit: 'bit/s', dimension: 'bitrate', better: 'higher' },
  send_throughput: { unit: 'bit/s', dimension: 'bitrate', better: 'higher' },
  loss: { unit: '%', dimension: 'percent', better: 'lower' },
  transaction_rate: { unit: '/s', dimension: 'rate', better: 'higher' },
  latency_mean: { unit: 'µs', dimension: 'time', better: 'lower' },
  latency_p50: { unit: 'µs', dimension: 'time', better: 'lower' },
  latency_p90: { unit: 'µs', dimension: 'time', better: 'lower' },
  latency_p99: { unit: 'µs', dimension: 'time', better: 'lower' },
  latency_max: { unit: 'µs', dimension: 'time', better: 'lower' },
  latency_stddev: { unit: 'µs', dimension: 'time', better: 'lower' },
  cpu_local: { unit: '%', dimension: 'percent', better: 'lower' },
  cpu_remote: { unit: '%', dimension: 'percent', better: 'lower' },
  // µs/KB for STREAM and MAERTS; RR and CRR tests give µs per transaction (metricUnit)
  service_demand_local: { unit: 'µs/KB', dimension: 'service-demand', better: 'lower' },
  service_demand_remote: { unit: 'µs/KB', dimension: 'service-demand', better: 'lower' },
  load_throughput: { unit: 'bit/s', dimension: 'bitrate', better: 'higher' },
  load_throughput_up: { unit: 'bit/s', dimension: 'bitrate', better: 'higher' },
  load_throughput_down: { unit: 'bit/s', dimension: 'bitrate', better: 'higher' },
  // Jain's fairness index of the load streams, 1/n (one stream takes all) to 1 (equal shares): a bare number
  load_fairness: { unit: '', dimension: 'index', better: 'higher' },
  // segments the sending side retransmitted in the run (netperf's LOCAL_/REMOTE_TRANSPORT_RETRANS); a count, most often 0
  retransmissions: { unit: 'segments', dimension: 'count', better: 'lower' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/**
 * What each run records beside its metrics, as evidence of why a metric moved (docs/judging.md, "Evidence"): shown and
 * judged beside the verdicts, never a threshold or a `regression:` metric.
 */
export const EVIDENCE = {
  /** The TCP maximum segment size of the data connection (netperf's TRANSPORT_MSS). */
  mss: { unit: 'B', dimension: 'size', better: 'higher' },
  /** Packets the qdiscs of a link perfsuite made (a netns server's veth, both ends) dropped during the run. */
  qdisc_drops: { unit: 'packets', dimension: 'count', better: 'lower' },
  /** Times those qdiscs held a packet back over their rate during the run (tc's overlimits). */
  qdisc_overlimits: { unit: 'packets', dimension: 'count', better: 'lower' },
} as const satisfies Record<string, MetricInfo>;

export type EvidenceName = keyof typeof EVIDENCE;
/** What a run records: its metrics and its evidence. */
export type MeasureName = MetricName | EvidenceName;

/** A metric's or an evidence counter's unit, dimension and better direction. */
export function measureInfo(name: MeasureName): MetricInfo {
  return isMetricName(name) ? METRICS[name] : EVIDENCE[name];
}

export function isMeasureName(value: string): value is MeasureName {
  return isMetricName(value) || Object.hasOwn(EVIDENCE, value);
}

/**
 * Loss is a percentage already (usually 0), and counts (retransmissions, qdisc drops) are most often 0: their changes
 * and tolerances are in their own points (percentage points, segments, packets), not a share of the other side, so a
 * rise from 0 is a rise.
 */
export function isJudgedInPoints(metric: string): boolean {
  return metric === 'loss' || isCount(metric);
}

/** The unit a metric judged in points changes by: `pp` (percentage points) for loss, its own for a count (`segments`). */
export function pointsUnit(metric: string): string {
  return isCount(metric) ? measureInfo(metric as MeasureName).unit : 'pp';
}

/** A count (retransmissions): its thresholds and tolerances are a number of segments, not a unit or a percentage. */
export function isCount(metric: string): boolean {
  return isMeasureName(metric) && measureInfo(metric).dimension === 'count';
}

export function isMetricName(value: string): value is MetricName {
  return Object.hasOwn(METRICS, value);
}

const LATENCY_METRICS: readonly MetricName[] = ['latency_mean', 'latency_p50', 'latency_p90', 'latency_p99', 'latency_max', 'latency_stddev'];
const CPU_METRICS: readonly MetricName[] = ['cpu_local', 'cpu_remote', 'service_demand_local', 'service_demand_remote'];

/**
 * Whether netperf reports retransmissions for this test: TCP tests but TCP_CRR, whose connections last one transaction
 * (netperf 2.7.0 prints -1 there, or a count of whichever connection it looked at last).
 */
export function reportsRetransmissions(test: TestName): boolean {
  return TEST_TYPES[test].protocol === 'tcp' && test !== 'TCP_CRR';
}

/** The metrics only a `load:` produces. */
export const LOAD_METRICS: readonly MetricName[] = ['load_throughput', 'load_throughput_up', 'load_throughput_down', 'load_fairness'];

/**
 * The metrics a case of this test type produces; `load` says which directions its load flows go (`up`: STREAM tests,
 * `down`: TCP_MAERTS), `load_throughput_up`/`_down` needing a flow that way.
 */
export function producedMetrics(
  test: TestName,
  options: { readonly cpu: boolean; readonly load?: { readonly up: boolean; readonly down: boolean } },
): ReadonlySet<MetricName> {
  const type = TEST_TYPES[test];
  const metrics: MetricName[] =
    type.kind === 'rr' ? ['transaction_rate', ...LATENCY_METRICS] : type.protocol === 'udp' ? ['throughput', 'send_throughput', 'loss'] : ['throughput'];
  if (reportsRetransmissions(test)) metrics.push('retransmissions');
  if (options.cpu) metrics.push(...CPU_METRICS);
  if (options.load !== undefined) {
    metrics.push('load_throughput', 'load_fairness');
    if (options.load.up) metrics.push('load_throughput_up');
    if (options.load.down) metrics.push('load_throughput_down');
  }
  return new Set(metrics);
}

/** Why a metric is missing from a test type, phrased as the fix. */
export function explainMissingMetric(metric: MetricName, test: TestName): string {
  if (CPU_METRICS.includes(metric)) return `${metric} needs \`cpu: true\``;
  if (metric === 'load_throughput_up') return 'load_throughput_up needs a load flow that sends (TCP_STREAM or UDP_STREAM in `load:`)';
  if (metric === 'load_throughput_down') return 'load_throughput_down needs a load flow that receives (TCP_MAERTS in `load:`)';
  if (LOAD_METRICS.includes(metric)) return `${metric} needs \`load:\` (bulk streams beside an RR or CRR case)`;
  if (metric === 'transaction_rate' || LATENCY_METRICS.includes(metric)) return `${metric} comes only from TCP_RR, TCP_CRR and UDP_RR, not ${test}`;
  if (metric === 'throughput') return `throughput comes only from STREAM and MAERTS tests, not ${test}; use transaction_rate`;
  if (metric === 'retransmissions')
    return `retransmissions comes only from TCP_STREAM, TCP_MAERTS and TCP_RR, not ${test}${test === 'TCP_CRR' ? ' (netperf reports none for TCP_CRR, whose connections last one transaction)' : ''}`;
  return `${metric} comes only from UDP_STREAM, not ${test}`;
}

/** The unit of a metric for cases of these test types: service demand is per KB for streams, per transaction for RR. */
export function metricUnit(metric: MetricName, tests: readonly (TestName | undefined)[] = []): string {
  if (METRICS[metric].dimension !== 'service-demand') return METRICS[metric].unit;
  const kinds = new Set(tests.filter((t): t is TestName => t !== undefined).map((t) => TEST_TYPES[t].kind));
  if (kinds.size === 1 && kinds.has('rr')) return 'µs/tr';
  if (kinds.size === 2) return 'µs/KB or µs/tr';
  return METRICS[metric].unit;
}

/** netperf's SD_UNITS for each test kind (2.7.0 prints usec/KB for streams, usec/Tran for request/response). */
export const SD_UNITS: Readonly<Record<'stream' | 'rr', string>> = { stream: 'usec/KB', rr: 'usec/Tran' };

/**
 * Jain's fairness index of the streams' rates, (Σx)² / (n·Σx²): 1 when all get the same, 1/n when one gets all. Undefined
 * for no streams or none that carried anything.
 */
export function jainIndex(rates: readonly number[]): number | undefined {
  const sum = rates.reduce((a, b) => a + b, 0);
  const squares = rates.reduce((a, b) => a + b * b, 0);
  return rates.length === 0 || squares === 0 ? undefined : (sum * sum) / (rates.length * squares);
}
