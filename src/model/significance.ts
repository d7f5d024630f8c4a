import type { RepeatRange } from './suite-types.js';

/**
 * The significance level of every comparison: a one-sided test must reach it before a case is called regressed, and
 * the bound that calls it unchanged is the one-sided 1 − α bound.
 */
export const SIGNIFICANCE_LEVEL = 0.01;

/** The fewest rounds with which the exact paired sign test can reach alpha: the smallest n with 1/2^n ≤ alpha. */
export function signTestMinimum(alpha: number): number {
  let n = 1;
  while (0.5 ** n > alpha) n += 1;
  return n;
}

/** `compare:` groups measure rounds: at least this many, so the paired test can reach α (1/2^7 < 0.01). */
export const MIN_COMPARE_ROUNDS = signTestMinimum(SIGNIFICANCE_LEVEL);

/** The rounds a `compare:` group measures when it sets no repeat: from MIN_COMPARE_ROUNDS, until its verdicts are decided. */
export const DEFAULT_COMPARE_REPEAT: RepeatRange = { min: MIN_COMPARE_ROUNDS, max: 20 };
