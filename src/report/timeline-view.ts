import type { CaseResult, LoadFlowRun } from '../model/results.js';
import { flowDirection, formatDscp } from '../model/suite-types.js';
import { TEST_TYPES } from '../model/test-types.js';
import { median } from '../stats/summary.js';
import { defined } from '../model/defined.js';

/**
 * A value per interval as netperf reports it: each point holds from the end of the one before (the first from
 * `start`) to its `t`, seconds on the run's time axis.
 */
export interface Steps {
  readonly start: number;
  readonly points: readonly { readonly t: number; readonly value: number }[];
}

/** One load flow over time: its streams' rates summed (bit/s), named by its test, direction and DSCP. */
export interface FlowLine {
  readonly flow: number;
  readonly test: LoadFlowRun['test'];
  readonly direction: 'up' | 'down';
  readonly dscp?: string;
  readonly streams: number;
  /** `1 TCP_STREAM up CS1`, `2 TCP_MAERTS down ×2` */
  readonly label: string;
  readonly steps: Steps;
}

/** The measured test's mean latency per interval (µs) from its transaction rate, in one run. */
export interface LatencyLine {
  readonly case: CaseResult;
  /** Counted from 1. */
  readonly run: number;
  readonly steps: Steps;
}

/** One run of a loaded case with `interval:`: every load flow and the measured test's latency on one time axis. */
export interface CaseTimeline {
  readonly case: CaseResult;
  /** The run shown, counted from 1: the one of median transaction rate. */
  readonly run: number;
  readonly runs: number;
  readonly flows: readonly FlowLine[];
  readonly latency: LatencyLine;
  /** The same test without the load, its run of median transaction rate, when the suite measured it with `interval:`. */
  readonly idle?: LatencyLine;
  /** The measured test's window on the axis: 0 to its last interval's end. */
  readonly measured: { readonly from: number; readonly to: number };
  /** The axis: from the earliest stream's start to the latest end. */
  readonly from: number;
  readonly to: number;
}

/** What the latency line is: read from the rate, not netperf's latency histogram. */
export const INTERVAL_LATENCY_MEANING =
  "latency is the mean from each interval's transaction rate: with one transaction in flight per stream, the mean round-trip time is streams / rate (for TCP_CRR a whole connection's time)";

/** A value of step function `steps` at every `step` seconds from `from` to `to`: each bin's time-weighted mean, the bin's end as t. */
export function resample(steps: Steps, from: number, to: number, step: number): { t: number; value: number }[] {
  const bins: { t: number; value: number }[] = [];
  if (!(step > 0)) return bins;
  for (let i = 0; from + i * step < to - 1e-9; i += 1) {
    const lo = from + i * step;
    const hi = Math.min(to, lo + step);
    bins.push({ t: Math.round(hi * 1000) / 1000, value: stepMean(steps, lo, hi) });
  }
  return bins;
}

/** The time-weighted mean of a step function over [from, to]; time it does not cover counts as 0. */
export function stepMean(steps: Steps, from: number, to: number): number {
  let weighted = 0;
  let previous = steps.start;
  for (const point of steps.points) {
    const overlap = Math.min(to, point.t) - Math.max(from, previous);
    if (overlap > 0) weighted += point.value * overlap;
    previous = point.t;
    if (previous >= to) break;
  }
  return to > from ? weighted / (to - from) : 0;
}

/** The end of a step function: its last point's t. */
export const stepsEnd = (steps: Steps): number => steps.points.at(-1)?.t ?? steps.start;

/** The value key of a load stream's interim results: `throughput`, or `send_throughput` for UDP_STREAM (the sender's). */
function streamSteps(stream: LoadFlowRun): Steps | undefined {
  if (stream.series === undefined || stream.start === undefined) return undefined;
  const key = stream.test === 'UDP_STREAM' ? 'send_throughput' : 'throughput';
  const points = stream.series.flatMap((p) => (p[key] === undefined ? [] : [{ t: p.t, value: p[key] ?? 0 }]));
  return points.length === 0 ? undefined : { start: stream.start, points };
}

/**
 * A flow's streams summed: a lone stream as netperf reported it; several, each stream's mean over every `interval`
 * from the latest start to the earliest end (netperf times each stream's intervals on its own), summed.
 */
export function sumStreams(streams: readonly Steps[], interval: number): Steps | undefined {
  if (streams.length <= 1) return streams[0];
  const from = Math.max(...streams.map((s) => s.start));
  const to = Math.min(...streams.map(stepsEnd));
  if (!(to > from)) return undefined;
  const bins = streams.map((s) => resample(s, from, to, interval));
  return { start: from, points: (bins[0] ?? []).map((b, i) => ({ t: b.t, value: bins.reduce((total, s) => total + (s[i]?.value ?? 0), 0) })) };
}

/** A run's latency per interval from its measured series: streams / transaction rate, in µs; none for a stream test. */
export function latencySteps(c: CaseResult, run: number): Steps | undefined {
  const test = c.params.test;
  if (test === undefined || TEST_TYPES[test].kind !== 'rr') return undefined;
  const streams = c.params.streams ?? 1;
  const points = (c.series?.[run - 1] ?? []).flatMap((p) =>
    p.transaction_rate === undefined || !(p.transaction_rate > 0) ? [] : [{ t: p.t, value: (streams * 1e6) / p.transaction_rate }],
  );
  return points.length === 0 ? undefined : { start: 0, points };
}

/** The run (from 1) of median transaction rate among those with interim results (the lower of two middle ones). */
function medianRun(c: CaseResult): number | undefined {
  const runs = c.runs.flatMap((r, i) => ((c.series?.[i]?.length ?? 0) > 0 && r.transaction_rate !== undefined ? [{ i, rate: r.transaction_rate }] : []));
  if (runs.length === 0) return undefined;
  const middle = median(runs.map((r) => r.rate));
  const nearest = runs.reduce((best, r) => (Math.abs(r.rate - middle) < Math.abs(best.rate - middle) ? r : best));
  return nearest.i + 1;
}

/**
 * A loaded request/response case's run on one time axis (its median run): each load flow's throughput and the measured
 * test's latency, with the idle case's latency beside it; none without `interval:` or without the flows' series.
 */
export function caseTimeline(c: CaseResult, idle?: CaseResult): CaseTimeline | undefined {
  const run = medianRun(c);
  if (run === undefined) return undefined;
  const latency = latencySteps(c, run);
  const streams = c.load_flows?.[run - 1] ?? [];
  if (latency === undefined || streams.length === 0) return undefined;
  const interval = c.params.interval ?? 1;
  const flows: FlowLine[] = [];
  for (const flow of [...new Set(streams.map((s) => s.flow))]) {
    const own = streams.filter((s) => s.flow === flow);
    const first = own[0];
    const steps = sumStreams(
      own.map(streamSteps).filter((s): s is Steps => s !== undefined),
      interval,
    );
    if (first === undefined || steps === undefined) continue;
    const dscp = first.dscp === undefined ? undefined : formatDscp(first.dscp);
    const direction = flowDirection(first.test);
    // a UDP_STREAM's interim figures are what it sent (its receiver's rate is only in the run's result)
    const label = [
      String(flow),
      first.test,
      direction,
      ...(dscp === undefined ? [] : [dscp]),
      ...(own.length > 1 ? [`×${own.length}`] : []),
      ...(first.test === 'UDP_STREAM' ? ['(sent)'] : []),
    ].join(' ');
    flows.push({ flow, test: first.test, direction, ...defined({ dscp }), streams: own.length, label, steps });
  }
  if (flows.length === 0) return undefined;
  const idleRun = idle === undefined ? undefined : medianRun(idle);
  const idleSteps = idle === undefined || idleRun === undefined ? undefined : latencySteps(idle, idleRun);
  const all = [...flows.map((f) => f.steps), latency, ...(idleSteps === undefined ? [] : [idleSteps])];
  return {
    case: c,
    run,
    runs: c.runs.length,
    flows,
    latency: { case: c, run, steps: latency },
    ...(idle !== undefined && idleRun !== undefined && idleSteps !== undefined ? { idle: { case: idle, run: idleRun, steps: idleSteps } } : {}),
    measured: { from: 0, to: stepsEnd(latency) },
    from: Math.min(...all.map((s) => s.start)),
    to: Math.max(...all.map(stepsEnd)),
  };
}

/** At most this many points a line in a Mermaid chart: its x axis labels every one. */
export const MAX_MERMAID_POINTS = 24;

/**
 * Bins of the interval (widened to at most `max` bins) on whole multiples of it, as many as fit between the flows'
 * latest start and earliest end: whole bins only, since a last bin of a few ms would carry a figure of noise.
 */
export function commonBins(timeline: CaseTimeline, max = MAX_MERMAID_POINTS): { from: number; to: number; step: number } | undefined {
  const start = Math.max(...timeline.flows.map((f) => f.steps.start));
  const end = Math.min(...timeline.flows.map((f) => stepsEnd(f.steps)));
  const interval = timeline.case.params.interval ?? 1;
  const step = interval * Math.max(1, Math.ceil((end - start) / interval / max));
  const from = Math.ceil(start / step - 1e-9) * step;
  const to = Math.floor(end / step + 1e-9) * step;
  return to - from >= step - 1e-9 ? { from, to, step } : undefined;
}
