/**
 * The Wilcoxon signed-rank statistic's null distribution: W = the sum of the ranks (1..n, by absolute value) of the
 * differences on one side of 0, when each difference is as likely to fall on either side (a distribution symmetric about
 * 0, no ties). tails[w] = P(W ≥ w) for w = 0..n(n+1)/2 + 1. Built rank by rank (each rank is in W with probability ½),
 * halving as it goes, so nothing overflows; the work is n³/4 steps, cached per n.
 */
export function signedRankTails(n: number): Float64Array {
  const known = tailsByN.get(n);
  if (known !== undefined) return known;
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`the signed-rank test needs a whole number of pairs, not ${n}`);
  const most = (n * (n + 1)) / 2;
  let pmf = new Float64Array(most + 1);
  pmf[0] = 1;
  for (let rank = 1, reach = 0; rank <= n; rank += 1) {
    const next = new Float64Array(most + 1);
    for (let w = 0; w <= reach; w += 1) {
      const p = (pmf[w] ?? 0) / 2;
      next[w] = (next[w] ?? 0) + p;
      next[w + rank] = (next[w + rank] ?? 0) + p;
    }
    reach += rank;
    pmf = next;
  }
  const tails = new Float64Array(most + 2);
  for (let w = most; w >= 0; w -= 1) tails[w] = (tails[w + 1] ?? 0) + (pmf[w] ?? 0);
  tailsByN.set(n, tails);
  return tails;
}

const tailsByN = new Map<number, Float64Array>();

/** Up to this many pairs the tail is exact (a table of n(n+1)/2 + 2 numbers, n³/4 steps to build); beyond, normal. */
const EXACT_MAX = 100;

/**
 * P(W ≥ w) under no change: exact up to EXACT_MAX pairs; beyond, the normal approximation with a continuity
 * correction (mean n(n+1)/4, variance n(n+1)(2n+1)/24). There it errs on the careful side (a tail up to about 20% too
 * large at the 0.0005 a long plan's looks use, so a verdict needs a little more), and costs nothing however many
 * rounds a group measures.
 */
export function signedRankTail(n: number, w: number): number {
  if (n <= EXACT_MAX) return signedRankTails(n)[Math.max(0, w)] ?? 0;
  const most = (n * (n + 1)) / 2;
  if (w <= 0) return 1;
  if (w > most) return 0;
  const mean = most / 2;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  return upperNormalTail((w - 0.5 - mean) / sd);
}

/** The smallest w with P(W ≥ w) ≤ alpha: the critical statistic; n(n+1)/2 + 1 when no w is that rare. */
export function signedRankCritical(n: number, alpha: number): number {
  let low = 0;
  let high = (n * (n + 1)) / 2 + 1;
  // the tail falls as w rises: bisect for the first w at or below alpha
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (signedRankTail(n, mid) <= alpha) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** P(Z ≥ z) for a standard normal Z: erfc by its Chebyshev fit (Numerical Recipes `erfcc`, relative error < 1.2e-7). */
function upperNormalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * The n(n+1)/2 Walsh averages (dᵢ + dⱼ)/2, i ≤ j, sorted. The count of them below a value θ is the signed-rank statistic
 * of the differences moved by θ, so their median is the Hodges–Lehmann estimate of the centre and their order statistics
 * are the bounds that invert the test.
 */
export function walshAverages(differences: readonly number[]): Float64Array {
  const n = differences.length;
  const averages = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i += 1) for (let j = i; j < n; j += 1) averages[k++] = ((differences[i] ?? NaN) + (differences[j] ?? NaN)) / 2;
  return averages.sort();
}

/**
 * One path of the signed-rank statistic under no change, round by round: each round draws its difference's size (a
 * uniform number: only the sizes' order matters) and then its sign (a fair coin), and `visit(n, w)` sees the statistic
 * w after n rounds; returning true ends the path. What the sequential plan is calibrated on, and checked against.
 */
export function walkNullSignedRank(random: () => number, rounds: number, visit: (n: number, w: number) => boolean | void): void {
  const sizes = new Float64Array(rounds);
  const signs = new Uint8Array(rounds);
  let w = 0;
  for (let n = 0; n < rounds; n++) {
    const size = random();
    const positive = random() < 0.5 ? 1 : 0;
    // the new difference's rank, and the positive ones it pushes up by one
    let rank = 1;
    for (let i = 0; i < n; i++) {
      if ((sizes[i] ?? 0) < size) rank++;
      else w += signs[i] ?? 0;
    }
    sizes[n] = size;
    signs[n] = positive;
    if (positive === 1) w += rank;
    if (visit(n + 1, w) === true) return;
  }
}
