import type { CaseResult, LoadFlowRun } from '../model/results.js';
import { flowDirection, formatDscp } from '../model/suite-types.js';
import { TEST_TYPES } from '../model/test-types.js';
import { type BinMean, resampleSteps, type Steps, stepsEnd, stepsMean, sumSteps } from '../stats/steps.js';
import { defined } from '../model/defined.js';

export type { Steps } from '../stats/steps.js';
export { stepsEnd } from '../stats/steps.js';

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

/**
 * The mean latency of a latency line: each interval weighted by the transactions it carried (streams × the time over
 * the transactions, as netperf's own mean is), not by its length, which would count a slow interval's few transactions
 * as much as a fast one's many.
 */
export const latencyMean = (steps: Steps): number => stepsMean(steps, 'harmonic');

/** At most this many points a line in report.html's timeline: a longer run is drawn from bins of its mean. */
export const MAX_DRAWN_POINTS = 600;

/**
 * A line as drawn: as netperf reported it up to MAX_DRAWN_POINTS points; a longer one in bins of max(`interval`,
 * span / MAX_DRAWN_POINTS) seconds from its start (a latency line's bins weighted by transactions, see latencyMean).
 */
export function drawnSteps(steps: Steps, interval: number, how: BinMean = 'time'): Steps {
  if (steps.points.length <= MAX_DRAWN_POINTS) return steps;
  const end = stepsEnd(steps);
  const step = Math.max(interval, (end - steps.start) / MAX_DRAWN_POINTS);
  return { start: steps.start, points: resampleSteps(steps, steps.start, end, step, how) };
}

/** The value key of a load stream's interim results: `throughput`, or `send_throughput` for UDP_STREAM (the sender's). */
function streamSteps(stream: LoadFlowRun): Steps | undefined {
  if (stream.series === undefined || stream.start === undefined) return undefined;
  const key = stream.test === 'UDP_STREAM' ? 'send_throughput' : 'throughput';
  const points = stream.series.flatMap((p) => (p[key] === undefined ? [] : [{ t: p.t, value: p[key] ?? 0 }]));
  return points.length === 0 ? undefined : { start: stream.start, points };
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

/** The run (from 1) of median transaction rate among those with interim results (of an even count, the lower of the two middle rates). */
function medianRun(c: CaseResult): number | undefined {
  const runs = c.runs.flatMap((r, i) => ((c.series?.[i]?.length ?? 0) > 0 && r.transaction_rate !== undefined ? [{ i, rate: r.transaction_rate }] : []));
  const sorted = [...runs].sort((a, b) => a.rate - b.rate || a.i - b.i);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  return middle === undefined ? undefined : middle.i + 1;
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
    const steps = sumSteps(
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
    from: all.reduce((lowest, s) => Math.min(lowest, s.start), Infinity),
    to: all.reduce((highest, s) => Math.max(highest, stepsEnd(s)), -Infinity),
  };
}

/** At most this many points a line in a Mermaid chart: its x axis labels every one. */
export const MAX_MERMAID_POINTS = 24;

/**
 * report.md's bins of a timeline, shared by its charts: the measured test from 0 to its last interval's end, in
 * steps of the interval widened to at most `max` bins; the last bin ends where the test did, so it may be shorter.
 * Each bin is labelled by its end.
 */
export function measuredBins(timeline: CaseTimeline, max = MAX_MERMAID_POINTS): { from: number; to: number; step: number } | undefined {
  const interval = timeline.case.params.interval ?? 1;
  const { from, to } = timeline.measured;
  if (!(to > from) || !(interval > 0)) return undefined;
  return { from, to, step: interval * Math.max(1, Math.ceil((to - from) / interval / max - 1e-9)) };
}
