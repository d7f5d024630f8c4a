/** Student's t distribution: its two-sided p-value and its quantiles, for the change points and the history's prediction test. */

/**
 * The two-sided p-value of Student's t with df degrees of freedom (df need not be whole: Welch's are not):
 * P(|T| ≥ |t|) = I_x(df/2, 1/2) with x = df/(df + t²), the regularized incomplete beta function.
 */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) throw new RangeError('t must be a number, not NaN');
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be above 0, not ${df}`);
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / 2, 0.5, df / (df + t * t));
}

/** The q-quantile of Student's t with df degrees of freedom (q > 0.5), by bisection on its CDF. */
export function studentTQuantile(q: number, df: number): number {
  let low = 0;
  let high = 1;
  const upperTail = 1 - q;
  while (studentTTwoSided(high, df) / 2 > upperTail) high *= 2;
  for (let i = 0; i < 100; i += 1) {
    const mid = (low + high) / 2;
    if (studentTTwoSided(mid, df) / 2 > upperTail) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * I_x(a, b), the regularized incomplete beta function, by its continued fraction (Numerical Recipes §6.4, `betai`):
 * the fraction converges fast for x < (a+1)/(a+b+2), and the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) covers the rest.
 * The small tail is computed directly, so tiny p-values keep their relative precision.
 */
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** The continued fraction of I_x(a, b) by the modified Lentz method (Numerical Recipes `betacf`). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const guard = (value: number): number => (Math.abs(value) < tiny ? tiny : value);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let fraction = d;
  for (let m = 1; m <= 1000; m += 1) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    fraction *= d * c;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return fraction;
}

/** ln Γ(x) for x > 0 by Lanczos' approximation (g = 7, 9 terms): about 15 significant digits. */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let series = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i += 1) series += (LANCZOS[i] ?? 0) / (z + i);
  const shifted = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(shifted) - shifted + Math.log(series);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
