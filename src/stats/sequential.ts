import { binomialUpperTails } from './binomial.js';
import { createRandom } from './random.js';
import { signedRankTails, walkNullSignedRank } from './signed-rank.js';

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
  checkPlan(alpha, min, max);
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

/**
 * The same α-spending plan for the signed-rank test (src/stats/judge-change.ts `judgePairedSymmetric`): the critical
 * statistic of each look is the smallest whose paths, not stopped at an earlier look, keep the chance of ever rejecting
 * within α·n/max. The statistic's path over the looks has no closed form, but under "no change" with the arms' order
 * random it is distribution-free — only the signs (fair coins) and the order of the differences' sizes (a uniformly
 * random ranking) matter — so it is simulated exactly as that: PATHS seeded paths, the same on every machine. The first
 * look that can stop a path spends its exact tail; the simulated masses of the looks after it count 1/SIMULATION_MARGIN
 * of themselves: each look's critical count is chosen on the very paths it is then counted on, which undercounts the
 * later looks by up to about 12% (measured on independent paths: 0.96% at α = 1% for 7–20 rounds with a margin of
 * 0.9), so the margin of 0.8 keeps the plan below α with room for the simulation's own error. Each look's level is the
 * exact tail of its critical statistic, as `judgePairedSymmetric` reads it.
 */
export function signedRankLevels(alpha: number, min: number, max: number): readonly number[] {
  const key = `signed-rank ${alpha} ${min} ${max}`;
  const known = plans.get(key);
  if (known !== undefined) return known;
  const levels = planSignedRank(alpha, min, max);
  plans.set(key, levels);
  return levels;
}

const PATHS = 100_000;
const SIMULATION_MARGIN = 0.8;
/**
 * The simulation costs PATHS·max²/2 steps (about 1 s at 60) and PATHS·looks numbers of memory: longer plans spend α
 * by the union bound instead — each look its increment of α·n/max, with no credit for the looks' correlation. Safe,
 * a little less powerful per look, and immediate.
 */
const SIMULATED_MAX = 60;

function planSignedRank(alpha: number, min: number, max: number): readonly number[] {
  checkPlan(alpha, min, max);
  // one look: the plain test at α
  if (min === max) return Object.assign(new Array<number>(max + 1).fill(0), { [max]: alpha });
  if (max > SIMULATED_MAX) return unionBoundLevels(alpha, min, max);
  const looks = max - min + 1;
  // statistic[path * looks + look]: the signed-rank statistic of that path after min + look rounds
  const statistic = new Int32Array(PATHS * looks);
  const random = createRandom(0x5eed_0001 ^ (max * 7919) ^ min);
  for (let path = 0; path < PATHS; path++) {
    walkNullSignedRank(random, max, (n, w) => {
      if (n >= min) statistic[path * looks + n - min] = w;
    });
  }
  const levels = new Array<number>(max + 1).fill(0);
  const stopped = new Uint8Array(PATHS);
  let spent = 0;
  for (let look = 0; look < looks; look++) {
    const n = min + look;
    const most = (n * (n + 1)) / 2;
    const counts = new Int32Array(most + 1);
    for (let path = 0; path < PATHS; path++) {
      const w = statistic[path * looks + look] ?? 0;
      if (stopped[path] === 0) counts[w] = (counts[w] ?? 0) + 1;
    }
    const budget = (alpha * n) / max;
    const tails = signedRankTails(n);
    // until a look has stopped a path, a look's mass is its exact tail; after, the simulated mass, counted as 1/margin of it
    const exact = spent === 0;
    let critical = most + 1;
    let mass = 0;
    for (let w = most; w >= 0; w--) {
      const more = exact ? (tails[w] ?? 1) : mass + (counts[w] ?? 0) / PATHS / SIMULATION_MARGIN;
      if (spent + more > budget) break;
      mass = more;
      critical = w;
    }
    if (critical > most) continue;
    for (let path = 0; path < PATHS; path++) if ((statistic[path * looks + look] ?? 0) >= critical) stopped[path] = 1;
    spent += mass;
    levels[n] = tails[critical] ?? 0;
  }
  return levels;
}

/** Each look's level is its own increment of α·n/max (the first look's is α·min/max): the union bound keeps the sum within α. */
function unionBoundLevels(alpha: number, min: number, max: number): readonly number[] {
  const levels = new Array<number>(max + 1).fill(0);
  for (let n = min; n <= max; n++) levels[n] = (alpha * (n === min ? min : 1)) / max;
  return levels;
}

function checkPlan(alpha: number, min: number, max: number): void {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), not ${alpha}`);
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && max >= min))
    throw new RangeError(`rounds must be whole numbers with 1 ≤ min ≤ max, not ${min}..${max}`);
}
