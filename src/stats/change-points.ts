import { median } from './summary.js';
import { studentTTwoSided } from './student-t.js';

/**
 * Where a lasting shift began in a performance history: one value per CI run, oldest first (e.g. the median throughput
 * of one case in each of the last 1000 runs).
 *
 * The approach of Apache Otava / Hunter (Fleming et al., "Hunter: Using Change Point Detection to Hunt for Performance
 * Regressions", ICPE 2023): binary segmentation. A segment's best split is the one with the largest two-sample t
 * statistic; it is kept when a t-test between its sides says it is significant and the medians moved by at least
 * `minChange`, and then both halves are searched the same way. E-divisive (Matteson & James), where Hunter started,
 * scores splits with an O(n²) energy statistic and judges them with a permutation test: O(n²·permutations) per
 * series, and random, so one history could get different answers on two runs. Hunter judges splits with a t-test
 * instead; here the split statistic is a t statistic as well, from prefix sums of x and x², O(1) per split and so
 * O(n) per segment, with p-values from the t distribution: deterministic, and 200 series × 1000 points are judged in
 * well under 0.5 s. Because the split tested is the best of all candidates of its segment, its p-value is multiplied
 * by their number (Bonferroni): a plain t-test of the best of n splits would find a "change" in most noise-only
 * histories.
 *
 * Values are compared as logarithms, so a shift is a ratio (10% is 10% at any level) and multiplicative noise is
 * even; with `inPoints` (metrics already in percent, such as packet loss, which may be 0) raw values and differences.
 */

export interface ChangePointOptions {
  /** The fewest points either side of a split may have; at least 2 (a side needs a variance). Default 3. */
  readonly minSegment?: number;
  /** The largest p-value (after the correction for choosing the best split) at which a split is kept. Default 0.001. */
  readonly alpha?: number;
  /** The smallest shift of the medians worth reporting: a fraction (0.05 = 5%), or points when `inPoints`. Default 0.05. */
  readonly minChange?: number;
  /** Compare raw values and differences instead of ratios (metrics already in percent; values may be 0 or negative). */
  readonly inPoints?: boolean;
}

export interface DetectedChange {
  /** The first index of the new level. */
  readonly index: number;
  /** Median of the values from the previous change point (or 0) up to `index`. */
  readonly before: number;
  /** Median of the values from `index` up to the next change point (or the end). */
  readonly after: number;
  /** after/before − 1 (−0.1 = 10% lower), or after − before when `inPoints`. */
  readonly change: number;
  /** The corrected two-sided p-value of the split within the segment where it was found. */
  readonly p: number;
}

/**
 * A variance below this (in log units: a spread of about 1e-6, i.e. 0.0001%; in points² with inPoints) counts as none.
 * One side without spread is given this much so the t-tests stay defined; two sides without spread differ for certain
 * or not at all.
 */
const VARIANCE_FLOOR = 1e-12;

/** A value this many robust standard deviations away from its neighbours' median is a spike, not a level. */
const SPIKE_LIMIT = 5;

interface Settings {
  readonly minSegment: number;
  readonly alpha: number;
  readonly minChange: number;
  readonly inPoints: boolean;
}

interface Side {
  readonly count: number;
  readonly mean: number;
  readonly variance: number;
}

interface Split {
  readonly index: number;
  /** How many splits of the segment were candidates: the Bonferroni factor. */
  readonly candidates: number;
}

/**
 * The lasting shifts in `values` (oldest first), sorted by index; none for a series shorter than 2·minSegment.
 *
 * Three choices go beyond the plain recipe; each fixed a failure seen in 1000 simulated histories of 200 runs:
 * - Single-run spikes (a run on a busy host at half speed) are replaced by the median of their neighbours before the
 *   split is placed and judged by Student's t (see despike): with 5 such runs, a mean-based split landed more than 2
 *   runs off a 10% step in a quarter of histories.
 * - The split is the one with the largest Student (pooled-variance) t, the least-squares split. Welch's t, used to
 *   choose and to judge, favours splits that cut off 3 runs whose spread happens to be small: it flagged 1.6% of
 *   noise-only histories at 10% noise.
 * - The split must pass two tests, p being the larger: Student's on the despiked values, which a short quiet side
 *   cannot fool, and Welch's on the values as they are, which a noisier stretch cannot fool (Student's alone called
 *   the last 5 to 20 runs a change in about half of the histories where they were only noisier, not shifted).
 */
export function detectChangePoints(values: readonly number[], options: ChangePointOptions = {}): DetectedChange[] {
  const settings = settingsOf(options);
  checkValues(values, settings.inPoints);
  const scaled = settings.inPoints ? values : values.map(Math.log);
  const cleaned = despike(scaled, Math.min(2, settings.minSegment - 1));
  const found = new Map<number, number>();
  const segments: [number, number][] = [[0, values.length]];
  for (let segment = segments.pop(); segment !== undefined; segment = segments.pop()) {
    const [start, end] = segment;
    const split = bestSplit(cleaned, start, end, settings.minSegment);
    if (split === undefined) continue;
    const p = Math.min(1, splitP(scaled, cleaned, start, split.index, end) * split.candidates);
    if (!(p <= settings.alpha)) continue;
    // a significant split below the magnitude floor is not reported, but both halves are still searched: a small
    // early step must not hide a large late one (settle() drops what stays below the floor at the end)
    const change = changeOf(median(values.slice(start, split.index)), median(values.slice(split.index, end)), settings.inPoints);
    if (Math.abs(change) >= settings.minChange) found.set(split.index, p);
    segments.push([start, split.index], [split.index, end]);
  }
  return settle(values, found, settings);
}

/**
 * Each value more than SPIKE_LIMIT robust standard deviations from the median of a window of 2·half + 1 values around
 * it (centred, or shifted to fit at the ends) is replaced by that median. Such a window keeps a step with at least
 * half + 1 values on each side where it is, and half is below minSegment, so no step a split could find moves. The
 * scale is the median absolute deviation of the run-to-run differences, which a step changes in one difference only
 * (the mean absolute deviation when over half of them are equal, as in a loss series of mostly zeros).
 */
function despike(scaled: readonly number[], half: number): readonly number[] {
  const n = scaled.length;
  const width = 2 * half + 1;
  if (n < width) return scaled;
  // typed arrays sort numbers without a comparator: these medians are most of the module's time otherwise
  const differences = Float64Array.from({ length: n - 1 }, (_, i) => (scaled[i + 1] ?? 0) - (scaled[i] ?? 0));
  const centre = sortedMiddle(differences.slice().sort());
  const deviations = differences.map((d) => Math.abs(d - centre));
  const mad = 1.4826 * sortedMiddle(deviations.slice().sort());
  const scale = (mad > 0 ? mad : Math.sqrt(Math.PI / 2) * (deviations.reduce((a, b) => a + b, 0) / deviations.length)) / Math.SQRT2;
  if (!(scale > 0)) return scaled;
  const window = new Float64Array(width);
  return scaled.map((y, i) => {
    const from = Math.min(Math.max(0, i - half), n - width);
    for (let j = 0; j < width; j += 1) window[j] = scaled[from + j] ?? 0;
    const local = window.sort()[half] ?? y;
    return Math.abs(y - local) > SPIKE_LIMIT * scale ? local : y;
  });
}

/** The median of sorted numbers. */
function sortedMiddle(sorted: Float64Array): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/**
 * The split of [start, end) with the largest |Student t|, both sides at least minSegment long; undefined when the
 * segment is too short to split. Sums are taken relative to the segment's first value, so x² does not swamp the
 * spread (log 100 ≈ 4.6 squared against variances of 1e-6) and a constant stretch sums to exactly 0.
 */
function bestSplit(scaled: readonly number[], start: number, end: number, minSegment: number): Split | undefined {
  const length = end - start;
  if (length < 2 * minSegment) return undefined;
  const origin = scaled[start] ?? 0;
  const sums = new Float64Array(length + 1);
  const squares = new Float64Array(length + 1);
  for (let i = 0; i < length; i += 1) {
    const x = (scaled[start + i] ?? 0) - origin;
    sums[i + 1] = (sums[i] ?? 0) + x;
    squares[i + 1] = (squares[i] ?? 0) + x * x;
  }
  const totalSum = sums[length] ?? 0;
  const totalSquares = squares[length] ?? 0;
  let best: Split | undefined;
  let bestT = -1;
  for (let count = minSegment; count <= length - minSegment; count += 1) {
    const sum = sums[count] ?? 0;
    const sumOfSquares = squares[count] ?? 0;
    const left = sideFromSums(count, sum, sumOfSquares);
    const right = sideFromSums(length - count, totalSum - sum, totalSquares - sumOfSquares);
    const t = Math.abs(student(left, right).t);
    if (t > bestT) {
      bestT = t;
      best = { index: start + count, candidates: length - 2 * minSegment + 1 };
    }
  }
  return best;
}

/** A side from its count, sum and sum of squares; the variance never below 0 (rounding can push it there). */
function sideFromSums(count: number, sum: number, squares: number): Side {
  return { count, mean: sum / count, variance: Math.max(0, (squares - (sum * sum) / count) / (count - 1)) };
}

/** The side [start, end) of a split, summed relative to its first value (see bestSplit). */
function sideOf(scaled: readonly number[], start: number, end: number): Side {
  const origin = scaled[start] ?? 0;
  let sum = 0;
  let squares = 0;
  for (let i = start; i < end; i += 1) {
    const x = (scaled[i] ?? 0) - origin;
    sum += x;
    squares += x * x;
  }
  const side = sideFromSums(end - start, sum, squares);
  return { ...side, mean: origin + side.mean };
}

/**
 * The two-sided p-value of the split of [start, end) at index: the larger of Student's on the despiked values and
 * Welch's on the values as they are, so it must pass both (see detectChangePoints).
 */
function splitP(scaled: readonly number[], cleaned: readonly number[], start: number, index: number, end: number): number {
  const pooled = student(sideOf(cleaned, start, index), sideOf(cleaned, index, end));
  const unpooled = welch(sideOf(scaled, start, index), sideOf(scaled, index, end));
  return Math.max(studentTTwoSided(pooled.t, pooled.df), studentTTwoSided(unpooled.t, unpooled.df));
}

/** Two sides without spread: t = ±∞ when the means differ by more than the floor's spread, else 0. */
function withoutSpread(left: Side, right: Side): { t: number; df: number } | undefined {
  if (left.variance >= VARIANCE_FLOOR || right.variance >= VARIANCE_FLOOR) return undefined;
  const difference = right.mean - left.mean;
  return { t: Math.abs(difference) > Math.sqrt(VARIANCE_FLOOR) ? Math.sign(difference) * Infinity : 0, df: left.count + right.count - 2 };
}

/** Student's t of the right side against the left, with their pooled variance. */
function student(left: Side, right: Side): { t: number; df: number } {
  const df = left.count + right.count - 2;
  const pooled = Math.max(VARIANCE_FLOOR, ((left.count - 1) * left.variance + (right.count - 1) * right.variance) / df);
  return withoutSpread(left, right) ?? { t: (right.mean - left.mean) / Math.sqrt(pooled * (1 / left.count + 1 / right.count)), df };
}

/** Welch's t of the right side against the left and its Welch–Satterthwaite degrees of freedom. */
function welch(left: Side, right: Side): { t: number; df: number } {
  const share1 = Math.max(left.variance, VARIANCE_FLOOR) / left.count;
  const share2 = Math.max(right.variance, VARIANCE_FLOOR) / right.count;
  const squaredError = share1 + share2;
  const df = (squaredError * squaredError) / ((share1 * share1) / (left.count - 1) + (share2 * share2) / (right.count - 1));
  return withoutSpread(left, right) ?? { t: (right.mean - left.mean) / Math.sqrt(squaredError), df };
}

/**
 * The final segmentation: `before` and `after` are the medians between neighbouring change points, not those of the
 * segment a split was found in (a later split nearby narrows them). A point whose final shift is below minChange is
 * dropped, the weakest first, and the neighbours recomputed, until every one left is large enough.
 */
function settle(values: readonly number[], found: ReadonlyMap<number, number>, settings: Settings): DetectedChange[] {
  let indices = [...found.keys()].sort((a, b) => a - b);
  for (;;) {
    const changes = indices.map((index, i): DetectedChange => {
      const before = median(values.slice(indices[i - 1] ?? 0, index));
      const after = median(values.slice(index, indices[i + 1] ?? values.length));
      return { index, before, after, change: changeOf(before, after, settings.inPoints), p: found.get(index) ?? 1 };
    });
    const weakest = changes.reduce<DetectedChange | undefined>(
      (least, c) => (least === undefined || Math.abs(c.change) < Math.abs(least.change) ? c : least),
      undefined,
    );
    if (weakest === undefined || Math.abs(weakest.change) >= settings.minChange) return changes;
    indices = indices.filter((index) => index !== weakest.index);
  }
}

function changeOf(before: number, after: number, inPoints: boolean): number {
  return inPoints ? after - before : after / before - 1;
}

function settingsOf(options: ChangePointOptions): Settings {
  const { minSegment = 3, alpha = 0.001, minChange = 0.05, inPoints = false } = options;
  if (!(Number.isInteger(minSegment) && minSegment >= 2))
    throw new RangeError(`minSegment must be a whole number ≥ 2 (each side needs a variance), not ${minSegment}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie between 0 and 1, not ${alpha}`);
  if (!(minChange >= 0 && Number.isFinite(minChange))) throw new RangeError(`minChange must be a finite number ≥ 0, not ${minChange}`);
  return { minSegment, alpha, minChange, inPoints };
}

/** Ratios need positive values; points need finite ones. */
function checkValues(values: readonly number[], inPoints: boolean): void {
  const bad = values.findIndex((value) => !Number.isFinite(value) || (!inPoints && value <= 0));
  if (bad < 0) return;
  const rule = inPoints ? 'finite' : 'finite and above 0 (changes are ratios; use inPoints for metrics in percent)';
  throw new RangeError(`cannot look for change points in value ${values[bad]} at index ${bad}: values must be ${rule}`);
}
