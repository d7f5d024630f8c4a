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
