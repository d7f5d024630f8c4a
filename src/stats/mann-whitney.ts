/** The outcome of a one-sided Mann–Whitney U test. */
export interface RankTestResult {
  /** U of the first sample: the number of (x, y) pairs with x > y, ties counting one half. */
  readonly u: number;
  /** P(U ≥ observed) when both samples come from one distribution. */
  readonly pValue: number;
  /** The smallest p-value these sample sizes can give at all (1 / C(n+m, n)). */
  readonly smallestPossibleP: number;
  /** `exact` (permutation distribution of the mid-rank sum) or `normal` (approximation, for large samples). */
  readonly method: 'exact' | 'normal';
}

/** Above this many values in all, the normal approximation replaces the exact distribution. */
const EXACT_LIMIT = 60;

/** Mid-ranks (1-based) of every value in `values`, ties sharing the mean of their ranks. */
function midRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end += 1;
    for (let k = start; k <= end; k += 1) ranks[order[k]?.index ?? 0] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i += 1) result = (result * (n - k + i)) / i;
  return result;
}

/**
 * One-sided Mann–Whitney U test (Wilcoxon rank-sum) of "values in `x` tend to be larger than values in `y`".
 * Exact: the p-value is the share of all C(n+m, n) ways to split the pooled mid-ranks whose rank sum for `x` is at
 * least the observed one (counted by dynamic programming over doubled mid-ranks, so ties are handled exactly).
 */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): RankTestResult {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new RangeError('both samples need at least one value');
  const ranks = midRanks([...x, ...y]);
  const rankSum = ranks.slice(0, n).reduce((sum, r) => sum + r, 0);
  const u = rankSum - (n * (n + 1)) / 2;
  const smallestPossibleP = 1 / binomial(n + m, n);
  if (n + m > EXACT_LIMIT) {
    // normal approximation with the tie correction, and a continuity correction of one half
    const ties = new Map<number, number>();
    for (const r of ranks) ties.set(r, (ties.get(r) ?? 0) + 1);
    const tieTerm = [...ties.values()].reduce((sum, t) => sum + t ** 3 - t, 0);
    const total = n + m;
    const variance = ((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
    const z = variance === 0 ? 0 : (u - (n * m) / 2 - 0.5) / Math.sqrt(variance);
    return { u, pValue: variance === 0 ? 1 : 1 - normalCdf(z), smallestPossibleP, method: 'normal' };
  }
  const doubled = ranks.map((r) => Math.round(r * 2));
  const maxSum = doubled.reduce((sum, r) => sum + r, 0);
  // ways[k][s]: how many k-element subsets of the ranks seen so far have doubled rank sum s
  const ways = Array.from({ length: n + 1 }, () => new Float64Array(maxSum + 1));
  (ways[0] as Float64Array)[0] = 1;
  doubled.forEach((rank, i) => {
    for (let k = Math.min(i + 1, n); k >= 1; k -= 1) {
      const into = ways[k] as Float64Array;
      const from = ways[k - 1] as Float64Array;
      for (let s = maxSum - rank; s >= 0; s -= 1) if (from[s] !== 0) into[s + rank] = (into[s + rank] ?? 0) + (from[s] ?? 0);
    }
  });
  const observed = Math.round(rankSum * 2);
  const all = ways[n] as Float64Array;
  let atLeast = 0;
  let total = 0;
  for (let s = 0; s <= maxSum; s += 1) {
    total += all[s] ?? 0;
    if (s >= observed) atLeast += all[s] ?? 0;
  }
  return { u, pValue: atLeast / total, smallestPossibleP, method: 'exact' };
}

/** The standard normal distribution function (Abramowitz–Stegun 7.1.26 through erf; error below 1.5e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
