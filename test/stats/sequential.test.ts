import { describe, expect, it } from 'vitest';
import { binomialUpperTails } from '../../src/stats/binomial.js';
import { sequentialLevels } from '../../src/stats/sequential.js';

/** The chance that a fair-coin walk of worse rounds ever reaches a look's critical count: the plan's false-alarm rate. */
function everRejects(levels: readonly number[], min: number, max: number): number {
  let walk = [1];
  let rejected = 0;
  for (let n = 1; n <= max; n++) {
    const next = new Array<number>(n + 1).fill(0);
    walk.forEach((p, k) => {
      next[k] = (next[k] ?? 0) + p / 2;
      next[k + 1] = (next[k + 1] ?? 0) + p / 2;
    });
    walk = next;
    const level = levels[n] ?? 0;
    if (n < min || level === 0) continue;
    // the critical count the level stands for: the smallest c with P(X ≥ c) ≤ level
    let c = n + 1;
    while (c > 0 && (binomialUpperTails(n)[c - 1] ?? 1) <= level) c--;
    for (let k = c; k <= n; k++) {
      rejected += walk[k] ?? 0;
      walk[k] = 0;
    }
  }
  return rejected;
}

describe('sequential looks share α (sign test, α spent in proportion to the rounds)', () => {
  it('is the plain fixed-sample test when min = max', () => {
    expect(sequentialLevels(0.01, 7, 7)[7]).toBeCloseTo(1 / 128, 12);
    expect(sequentialLevels(0.01, 12, 12)[12]).toBeCloseTo(binomialUpperTails(12)[11] ?? NaN, 12);
  });

  it.each([
    [7, 20],
    [7, 15],
    [7, 12],
    [9, 30],
  ])('keeps the chance that any look from %i to %i rounds calls identical arms regressed within α', (min, max) => {
    const levels = sequentialLevels(0.01, min, max);
    const total = everRejects(levels, min, max);
    expect(total).toBeLessThanOrEqual(0.01 + 1e-12);
    // and it is not thrown away: most of α is used
    expect(total).toBeGreaterThan(0.005);
    // judging every look at the full α would have been far above it
    expect(
      everRejects(
        levels.map((_, n) => (n >= min ? 0.01 : 0)),
        min,
        max,
      ),
    ).toBeGreaterThan(0.011);
  });

  it('decides a clear difference at the first look where all rounds agree and the budget allows it', () => {
    const levels = sequentialLevels(0.01, 7, 20);
    // 7 of 7 (p = 1/128) is beyond 7/20 of α; 8 of 8 (1/256) fits 8/20 of it
    expect(levels[7]).toBe(0);
    expect(levels[8]).toBeCloseTo(1 / 256, 12);
    expect(levels.slice(0, 7).every((level) => level === 0)).toBe(true);
  });

  it('gives each look a level that is one of the sign test’s own tails, so the paired test finds its critical count exactly (also past 53 rounds)', () => {
    const levels = sequentialLevels(0.01, 7, 80);
    for (let n = 7; n <= 80; n++) {
      const level = levels[n] ?? 0;
      if (level > 0) expect(binomialUpperTails(n)).toContain(level);
    }
  });
});

import { judgePaired } from '../../src/stats/judge-change.js';
import { createRandom } from '../../src/stats/random.js';

/**
 * The product's stop rule, as run/run-arms.ts applies it: after every round from min on, judge at that look's level
 * and stop at the first decided verdict; at max, the verdict stands. Both arms share the machine's drift each round
 * (a trend, a step, slow-downs of both), and each run has its own lognormal noise; `shift` is the candidate's true change.
 */
function sequentialTrial(
  random: () => number,
  options: { shift: number; sigma: number; tolerance: number; min: number; max: number },
): { verdict: string; rounds: number } {
  const levels = sequentialLevels(0.01, options.min, options.max);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const control: number[] = [];
  const candidate: number[] = [];
  const step = random() < 0.5 ? 0.8 : 1;
  let verdict = 'inconclusive';
  for (let round = 1; round <= options.max; round++) {
    const drift = (1 - 0.01 * round) * (round > options.max / 2 ? step : 1) * (random() < 0.2 ? 0.5 + random() * 0.4 : 1);
    control.push(1e9 * drift * Math.exp(options.sigma * normal()));
    candidate.push(1e9 * drift * (1 + options.shift) * Math.exp(options.sigma * normal()));
    const level = levels[round] ?? 0;
    if (level === 0) continue;
    verdict = judgePaired(control, candidate, { better: 'higher', tolerance: options.tolerance, alpha: level }).verdict;
    if (verdict !== 'inconclusive') return { verdict, rounds: round };
  }
  return { verdict, rounds: options.max };
}

function simulate(
  trials: number,
  seed: number,
  options: Parameters<typeof sequentialTrial>[1] | ((random: () => number) => Parameters<typeof sequentialTrial>[1]),
) {
  const random = createRandom(seed);
  const outcomes = Array.from({ length: trials }, () => sequentialTrial(random, typeof options === 'function' ? options(random) : options));
  const share = (v: string) => outcomes.filter((o) => o.verdict === v).length / trials;
  const rounds = outcomes
    .filter((o) => o.verdict === 'regressed')
    .map((o) => o.rounds)
    .sort((a, b) => a - b);
  return { regressed: share('regressed'), unchanged: share('unchanged'), medianRounds: rounds[Math.floor(rounds.length / 2)] ?? 0 };
}

const percent = (x: number): string => `${(x * 100).toFixed(2)}%`;
const AA = simulate(3000, 20261127, (random) => ({ shift: 0, sigma: 0.05 + random() * 0.25, tolerance: 0.05, min: 7, max: 20 }));
const AA_QUIET = simulate(3000, 20261128, { shift: 0, sigma: 0.01, tolerance: 0.05, min: 7, max: 20 });
const DROP_5 = simulate(2000, 20261129, { shift: -0.05, sigma: 0.01, tolerance: 0.02, min: 7, max: 20 });

describe('the stop rule, simulated on shared drift (seeded, so these figures repeat)', () => {
  it(`A/A, judged after every round from 7 to 20 and stopped when decided, σ 0.05–0.3, tolerance 5%: regressed in ${percent(AA.regressed)} of 3000 (α is 1%)`, () => {
    expect(AA.regressed).toBeLessThanOrEqual(0.01);
  });

  it(`A/A, σ 0.01, tolerance 5%: unchanged in ${percent(AA_QUIET.unchanged)} of 3000`, () => {
    expect(AA_QUIET.unchanged).toBeGreaterThanOrEqual(0.95);
  });

  it(`a true 5% drop, σ 0.01, tolerance 2%, 7–20 rounds: regressed in ${percent(DROP_5.regressed)} of 2000, after ${DROP_5.medianRounds} rounds (median)`, () => {
    expect(DROP_5.regressed).toBeGreaterThanOrEqual(0.95);
    expect(DROP_5.medianRounds).toBeLessThanOrEqual(9);
  });
});
