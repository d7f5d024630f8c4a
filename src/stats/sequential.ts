import { binomialUpperTails } from './binomial.js';

/**
 * Judging a paired comparison after every round from `min` to `max` (and stopping at the first decided verdict) tests
 * up to max − min + 1 times; at α each, identical arms would be called regressed about twice as often as α
 * (measured: 1.9% at α = 0.01 over 7–20 rounds). So the looks share α: an α-spending plan (Lan–DeMets, spending
 * α·n/max by round n) over the sign test's own statistic, the number of worse rounds, which under "no change" is a
 * fair coin walk. For each look the critical count is the smallest whose paths, not already stopped at an earlier
 * look, keep the total chance of ever rejecting within the spending, computed exactly over the walk. Each look's
 * nominal level is that count's own binomial tail; the same level gives the bounds that call a metric unchanged, so
 * both errors stay within α. With `min = max` it is the plain fixed-sample test.
 */
export function sequentialLevels(alpha: number, min: number, max: number): readonly number[] {
  // pure and judged after every round for every candidate and metric: each plan is computed once (O(max³) to build)
  const key = `${alpha} ${min} ${max}`;
  const known = plans.get(key);
  if (known !== undefined) return known;
  const levels = planLevels(alpha, min, max);
  plans.set(key, levels);
  return levels;
}

const plans = new Map<string, readonly number[]>();

function planLevels(alpha: number, min: number, max: number): readonly number[] {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), not ${alpha}`);
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && max >= min))
    throw new RangeError(`rounds must be whole numbers with 1 ≤ min ≤ max, not ${min}..${max}`);
  const levels = new Array<number>(max + 1).fill(0);
  // walk[k]: the chance of k worse rounds so far on a path that no earlier look rejected
  let walk = [1];
  let spent = 0;
  for (let n = 1; n <= max; n++) {
    const next = new Array<number>(n + 1).fill(0);
    walk.forEach((p, k) => {
      next[k] = (next[k] ?? 0) + p / 2;
      next[k + 1] = (next[k + 1] ?? 0) + p / 2;
    });
    walk = next;
    if (n < min) continue;
    const budget = (alpha * n) / max;
    // the smallest critical count c whose not-yet-stopped mass at k ≥ c still fits the budget
    let critical = n + 1;
    let mass = 0;
    for (let c = n; c >= 0; c--) {
      const more = mass + (walk[c] ?? 0);
      if (spent + more > budget * (1 + 1e-12)) break;
      mass = more;
      critical = c;
    }
    if (critical > n) continue;
    for (let k = critical; k <= n; k++) walk[k] = 0;
    spent += mass;
    levels[n] = binomialUpperTails(n)[critical] ?? 0;
  }
  return levels;
}
