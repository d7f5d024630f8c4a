/** Fewest history entries a learned tolerance is sized from (so at least four run-to-run changes). */
export const MIN_LEARNING_ENTRIES = 5;

/** The band reaches this many interquartile ranges above the upper quartile of the changes (Tukey's outer fence). */
export const FENCE_IQRS = 3;

/**
 * How far one run's median moves from the run before when nothing changed, learned from a series of medians (oldest
 * first): the upper outer fence Q3 + 3·IQR of the absolute run-to-run changes, relative (or in points when `inPoints`).
 * rustc-perf sizes its significance threshold this way; the outer fence (3·IQR, not 1.5) keeps a rare slow run
 * from becoming the norm, and the changes themselves (not the spread of the levels) leave an earlier lasting
 * shift out of the noise. Undefined with fewer than MIN_LEARNING_ENTRIES values.
 */
export function learnedBand(medians: readonly number[], options: { readonly inPoints?: boolean } = {}): number | undefined {
  if (medians.length < MIN_LEARNING_ENTRIES) return undefined;
  const changes: number[] = [];
  for (let i = 1; i < medians.length; i++) {
    const before = medians[i - 1] ?? NaN;
    const after = medians[i] ?? NaN;
    if (options.inPoints === true) changes.push(Math.abs(after - before));
    else if (before > 0 && after > 0) changes.push(Math.abs(after / before - 1));
  }
  if (changes.length < MIN_LEARNING_ENTRIES - 1) return undefined;
  const sorted = changes.sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return q3 + FENCE_IQRS * (q3 - q1);
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (type 7, like R's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? NaN;
  const b = sorted[high] ?? NaN;
  return a + (b - a) * (position - low);
}
