/** Step functions: a value held over each interval, as netperf's interim results (-D) report a rate. Pure functions. */
import { timeWeightedMean } from './summary.js';

/**
 * A value per interval: each point holds from the end of the one before (the first from `start`) to its `t`, in
 * seconds on some time axis.
 */
export interface Steps {
  readonly start: number;
  readonly points: readonly { readonly t: number; readonly value: number }[];
}

/** The end of a step function: its last point's t. */
export const stepsEnd = (steps: Steps): number => steps.points.at(-1)?.t ?? steps.start;

/** The largest of many values without spreading them into arguments (a spread of 125k values overflows the stack); 0 for none. */
export function maxOf(values: Iterable<number>, floor = 0): number {
  let highest = floor;
  for (const v of values) if (v > highest) highest = v;
  return highest;
}

/**
 * How a bin averages the steps it covers: `time`, the time-weighted mean (time not covered counts as 0: a rate);
 * `harmonic`, the covered time over the sum of each part's time / value (a latency per interval read from a
 * transaction rate: each interval weighted by the transactions it carried, so a bin's figure is 1 / its mean rate).
 */
export type BinMean = 'time' | 'harmonic';

/**
 * The steps averaged over every `step` seconds from `from` to `to` (the last bin ends at `to`, so it may be shorter),
 * each bin's end as its t: one pass over the points, however many there are.
 */
export function resampleSteps(steps: Steps, from: number, to: number, step: number, how: BinMean = 'time'): { t: number; value: number }[] {
  const bins: { t: number; value: number }[] = [];
  if (!(step > 0)) return bins;
  let p = 0;
  let previous = steps.start;
  for (let i = 0; from + i * step < to - 1e-9; i += 1) {
    const lo = from + i * step;
    const hi = Math.min(to, lo + step);
    // skip intervals that end before the bin
    while (p < steps.points.length && (steps.points[p]?.t ?? 0) <= lo) {
      previous = steps.points[p]?.t ?? previous;
      p += 1;
    }
    let weighted = 0;
    let covered = 0;
    let inverse = 0;
    let before = previous;
    for (let q = p; q < steps.points.length; q += 1) {
      const point = steps.points[q];
      if (point === undefined) break;
      const overlap = Math.min(hi, point.t) - Math.max(lo, before);
      if (overlap > 0) {
        weighted += point.value * overlap;
        covered += overlap;
        if (point.value > 0) inverse += overlap / point.value;
      }
      before = point.t;
      if (before >= hi) break;
    }
    const value = how === 'time' ? weighted / (hi - lo) : inverse > 0 ? covered / inverse : 0;
    bins.push({ t: Math.round(hi * 1000) / 1000, value });
  }
  return bins;
}

/** The mean of the steps over all they cover: time-weighted, or harmonic (see BinMean); 0 for none. */
export function stepsMean(steps: Steps, how: BinMean = 'time'): number {
  const end = stepsEnd(steps);
  if (!(end > steps.start)) return 0;
  if (how === 'time') return timeWeightedMean(steps.points, steps.start, end, steps.start);
  return resampleSteps(steps, steps.start, end, end - steps.start, 'harmonic')[0]?.value ?? 0;
}

/**
 * Concurrent step functions summed on a common grid: each is taken over every `step` seconds from the latest start to
 * the earliest end (each stream's intervals are timed on their own, so point i of two streams may be far apart), and
 * the bins summed; the last bin ends where the shortest does. A lone one is returned as it is.
 */
export function sumSteps(streams: readonly Steps[], step: number): Steps | undefined {
  if (streams.length <= 1) return streams[0];
  let from = -Infinity;
  let to = Infinity;
  for (const s of streams) {
    from = Math.max(from, s.start);
    to = Math.min(to, stepsEnd(s));
  }
  if (!(to > from) || !(step > 0)) return undefined;
  const bins = streams.map((s) => resampleSteps(s, from, to, step));
  return { start: from, points: (bins[0] ?? []).map((b, i) => ({ t: b.t, value: bins.reduce((total, s) => total + (s[i]?.value ?? 0), 0) })) };
}
