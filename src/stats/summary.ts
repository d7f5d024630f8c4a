/** Summaries of a sample: pure functions over numbers. */

/** The middle value (the mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

export function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/** The sample standard deviation over the mean's magnitude, in percent: 0 for fewer than two values or a mean of 0. */
export function cvPercent(values: readonly number[]): number {
  const average = mean(values);
  if (values.length < 2 || average === 0) return 0;
  const variance = values.reduce((acc, v) => acc + (v - average) ** 2, 0) / (values.length - 1);
  return (Math.sqrt(variance) / Math.abs(average)) * 100;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * The mean over [from, to] of a step function given by points in time order, each value held since the previous
 * point's t (the first since `start`, 0 unless given): how interim results (netperf -D) average over a stretch of their
 * run. Time the points do not cover counts as 0.
 */
export function timeWeightedMean(points: readonly { readonly t: number; readonly value: number }[], from: number, to: number, start = 0): number {
  let weighted = 0;
  let previous = start;
  for (const point of points) {
    const overlap = Math.min(to, point.t) - Math.max(from, previous);
    if (overlap > 0) weighted += point.value * overlap;
    previous = point.t;
    if (previous >= to) break;
  }
  return weighted / (to - from);
}
