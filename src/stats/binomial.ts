/**
 * tails[k] = P(X ≥ k) for X ~ Binomial(n, 1/2), k = 0..n+1: the sign test's null distribution. Pascal's triangle halved
 * row by row, so no overflow; the sequential plan's levels are these very numbers, so the paired test finds the
 * critical count a level stands for exactly.
 */
export function binomialUpperTails(n: number): number[] {
  let pmf = [1];
  for (let row = 0; row < n; row += 1) pmf = [...pmf, 0].map((p, k) => (p + (pmf[k - 1] ?? 0)) / 2);
  const tails = new Array<number>(n + 2).fill(0);
  for (let k = n; k >= 0; k -= 1) tails[k] = (tails[k + 1] ?? 0) + (pmf[k] ?? 0);
  return tails;
}
