import { signTestMinimum } from '../model/significance.js';
import { binomialUpperTails } from './binomial.js';
import { signedRankCritical, signedRankTail, walshAverages } from './signed-rank.js';
import { mannWhitneyGreater } from './mann-whitney.js';
import { median } from './summary.js';
import { studentTQuantile, studentTTwoSided } from './student-t.js';

export type JudgedVerdict = 'regressed' | 'unchanged' | 'inconclusive';

export interface ChangeJudgement {
  readonly verdict: JudgedVerdict;
  /** Point estimate of the change of the candidate against the control: relative (-0.052 = 5.2% lower), or in the metric's own points when `inPoints`. */
  readonly change: number;
  /** Distribution-free one-sided (1 − alpha) lower and upper confidence bounds on `change` (each one-sided, so together a 1 − 2·alpha interval). -Infinity/Infinity when the sample is too small to bound that side. */
  readonly lower: number;
  readonly upper: number;
  /** One-sided p-value of "the candidate is worse than the control" (in the metric's bad direction). */
  readonly p: number;
  /** True when the point estimate is better than the control by more than the tolerance (verdict is then 'unchanged'). */
  readonly improved: boolean;
  /** The smallest sample (rounds for paired, runs per side for two-sample) at which this test can reach alpha at all. */
  readonly minimumSample: number;
  /** For 'inconclusive': an estimate of how many rounds (paired) or runs per side (two-sample) would likely decide it, from the observed spread; undefined when it cannot be estimated. */
  readonly sampleNeeded?: number;
  readonly method: 'sign-test' | 'signed-rank' | 'mann-whitney-u' | 'prediction-t';
}

export interface JudgeOptions {
  /** Which direction is better for the metric. */
  readonly better: 'higher' | 'lower';
  /** Allowed worsening: a fraction (0.05 = 5%), or points when inPoints (1 = 1 percentage point). */
  readonly tolerance: number;
  readonly alpha: number;
  /** Judge absolute differences (metric already a percentage, e.g. UDP loss) instead of ratios. */
  readonly inPoints?: boolean;
}

/** `sampleNeeded` never says more than this: it reads "this many or more". */
const SAMPLE_NEEDED_CAP = 1000;

/** What a method measured, in the scale of `change`, before the verdict rule. */
interface Measured {
  readonly change: number;
  readonly lower: number;
  readonly upper: number;
  readonly p: number;
  /** Whether these sample sizes can reach alpha at all. */
  readonly reachable: boolean;
  /** The sample size the width of the bounds scales with: rounds, or the harmonic mean of the runs per side. */
  readonly size: number;
  readonly minimumSample: number;
  readonly method: ChangeJudgement['method'];
}

/**
 * A/B: control[i] and candidate[i] were measured in the same round i (interleaved). Values > 0 unless inPoints.
 *
 * Works on the per-round log-ratios ln(candidate/control) (differences when `inPoints`), so drift that both arms of a
 * round share cancels. The exact one-sided sign test, and the order-statistic bounds on the median that invert it,
 * assume only that rounds are independent, not that the differences are symmetric (`judgePairedSymmetric` does, for the
 * A/B gate, whose arms' order makes them so); the evidence's counters, which tie at 0 more often than not, use this. A round with no difference
 * counts as not worse (kept in n, never a sign for the worsening): the conservative choice, and the one that keeps the
 * test and the bounds in step (p ≤ alpha exactly when even the better-side bound is a worsening). The test can reach
 * alpha from ⌈log2(1/alpha)⌉ rounds (7 at 0.01), and up to 10 rounds at 0.01 the bounds are the extreme rounds, so a
 * single stray round keeps a verdict open.
 */
export function judgePaired(control: readonly number[], candidate: readonly number[], options: JudgeOptions): ChangeJudgement {
  const { differences, fromScale } = pairedDifferences(control, candidate, options);
  const sorted = [...differences].sort((a, b) => a - b);
  const n = differences.length;
  const tails = binomialUpperTails(n);
  const worse = differences.filter((d) => (options.better === 'higher' ? d < 0 : d > 0)).length;
  // the bounds are the order statistics d(n+1-c) and d(c), c the smallest count of one sign the test rejects at
  const critical = tails.findIndex((tail) => tail <= options.alpha);
  const reachable = critical <= n;
  return decide(
    {
      change: fromScale(median(differences)),
      lower: reachable ? fromScale(sorted[n - critical] ?? NaN) : -Infinity,
      upper: reachable ? fromScale(sorted[critical - 1] ?? NaN) : Infinity,
      p: tails[worse] ?? 1,
      reachable,
      size: n,
      minimumSample: signTestMinimum(options.alpha),
      method: 'sign-test',
    },
    options,
  );
}

/**
 * A/B whose arms ran in a random order in every round (docs/judging.md, "The same-run A/B gate"): the same pairs as
 * `judgePaired`, judged with the Wilcoxon signed-rank test and its Hodges–Lehmann estimate and bounds.
 *
 * The signed-rank test needs per-round differences symmetric about their centre. The noise of one run is not symmetric
 * (a CPU hog only slows a run down), but the order of the arms is: with it drawn at random in every round, which arm ran
 * first is a coin toss independent of everything else, so for identical arms ln(candidate/control) is as likely to be
 * +x as −x whatever the noise — the assumption holds by the design, not by luck. Where it holds the test uses the sizes
 * of the differences as well as their signs: about 1.5× the sign test's efficiency on normal noise, i.e. the same bound
 * in about two thirds of the rounds. The change is the median of the Walsh averages (dᵢ + dⱼ)/2, and the bounds are the
 * Walsh averages at the critical count; a Walsh average of exactly 0 counts as not worse (the conservative side, as a
 * tie does in the sign test), which keeps the test and the bounds in step. It reaches alpha from the same ⌈log2(1/alpha)⌉
 * rounds as the sign test.
 */
export function judgePairedSymmetric(control: readonly number[], candidate: readonly number[], options: JudgeOptions): ChangeJudgement {
  const { differences, fromScale } = pairedDifferences(control, candidate, options);
  const averages = walshAverages(differences);
  const n = control.length;
  const count = averages.length;
  const worse = averages.filter((a) => (options.better === 'higher' ? a < 0 : a > 0)).length;
  const critical = signedRankCritical(n, options.alpha);
  const reachable = critical <= count;
  return decide(
    {
      change: fromScale(median([...averages])),
      lower: reachable ? fromScale(averages[count - critical] ?? NaN) : -Infinity,
      upper: reachable ? fromScale(averages[critical - 1] ?? NaN) : Infinity,
      p: signedRankTail(n, worse),
      reachable,
      size: n,
      minimumSample: signTestMinimum(options.alpha),
      method: 'signed-rank',
    },
    options,
  );
}

/** The checked pairs' per-round differences on the judged scale (log values, or points), and the way back from it. */
function pairedDifferences(
  control: readonly number[],
  candidate: readonly number[],
  options: JudgeOptions,
): { differences: number[]; fromScale: (x: number) => number } {
  checkOptions(options);
  if (control.length !== candidate.length)
    throw new RangeError(`paired samples differ in length (${control.length} control, ${candidate.length} candidate rounds)`);
  if (control.length === 0) throw new RangeError('a paired comparison needs at least one round');
  checkValues(control, options);
  checkValues(candidate, options);
  const { toScale, fromScale } = scaleOf(options);
  return { differences: candidate.map((value, i) => toScale(value) - toScale(control[i] ?? NaN)), fromScale };
}

/**
 * Against a stored baseline: two independent samples of runs.
 *
 * The one-sided exact Mann–Whitney U test on log values (raw when `inPoints`); the change is the Hodges–Lehmann shift
 * (the median of all differences ln(current) − ln(baseline)), and its bounds are the order statistics of those
 * differences found by inverting the test, from the exact null distribution of U without ties. Per side the test can
 * reach alpha from the n where 1/C(2n, n) ≤ alpha (5 at 0.01); unequal sides are judged whenever their own sizes can.
 */
export function judgeTwoSample(baseline: readonly number[], current: readonly number[], options: JudgeOptions): ChangeJudgement {
  checkOptions(options);
  if (baseline.length === 0 || current.length === 0) throw new RangeError('a two-sample comparison needs at least one run on each side');
  checkValues(baseline, options);
  checkValues(current, options);
  const { toScale, fromScale } = scaleOf(options);
  const before = baseline.map(toScale);
  const after = current.map(toScale);
  const differences = after.flatMap((b) => before.map((a) => b - a)).sort((a, b) => a - b);
  const test = options.better === 'higher' ? mannWhitneyGreater(before, after) : mannWhitneyGreater(after, before);
  const critical = criticalU(before.length, after.length, options.alpha);
  return decide(
    {
      change: fromScale(median(differences)),
      lower: critical === undefined ? -Infinity : fromScale(differences[differences.length - critical] ?? NaN),
      upper: critical === undefined ? Infinity : fromScale(differences[critical - 1] ?? NaN),
      p: test.pValue,
      reachable: critical !== undefined,
      size: (2 * before.length * after.length) / (before.length + after.length),
      minimumSample: twoSampleMinimum(options.alpha),
      method: 'mann-whitney-u',
    },
    options,
  );
}

/**
 * Against a history: this run's level (the median of its runs) against the levels (medians) of earlier runs.
 *
 * The runs of one run share that run's level (the machine of that job, that hour), so they are not independent draws
 * beside the history's medians: a rank test of the runs against the medians calls identical software regressed far
 * more often than α whenever runs vary less within a job than between jobs. The unit is therefore one run: a one-sided
 * Student-t prediction test on log values, t = (ln x − mean) / (s·√(1 + 1/n)) with n − 1 degrees of freedom, n the
 * history's levels — exact when the levels are normal on the log scale, and a wider history (s) only makes it more
 * careful. The bounds are the one-sided (1 − alpha) prediction bounds of a new level, as a change against the history's
 * geometric mean. Needs 2 levels; with a history whose levels never moved (s = 0) any difference is significant and the
 * tolerance alone decides.
 */
export function judgeAgainstLevels(levels: readonly number[], current: readonly number[], options: JudgeOptions): ChangeJudgement {
  checkOptions(options);
  if (current.length === 0) throw new RangeError('a comparison with a history needs at least one current run');
  checkValues(levels, options);
  checkValues(current, options);
  const { toScale, fromScale } = scaleOf(options);
  const n = levels.length;
  const history = levels.map(toScale);
  const mean = history.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const x = toScale(median(current));
  const reachable = n >= HISTORY_MINIMUM;
  const spread = reachable ? Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  const se = spread * Math.sqrt(1 + 1 / n);
  // worsening on the log scale: positive = worse
  const worse = options.better === 'higher' ? mean - x : x - mean;
  let p: number;
  let margin: number;
  if (!reachable) {
    p = 1;
    margin = Infinity;
  } else if (se === 0) {
    p = worse > 0 ? 0 : 1;
    margin = 0;
  } else {
    const t = worse / se;
    const tail = studentTTwoSided(t, n - 1) / 2;
    p = t > 0 ? tail : 1 - tail;
    margin = studentTQuantile(1 - options.alpha, n - 1) * se;
  }
  return decide(
    {
      change: fromScale(x - mean),
      lower: reachable ? fromScale(x - mean - margin) : -Infinity,
      upper: reachable ? fromScale(x - mean + margin) : Infinity,
      p,
      reachable,
      size: n,
      minimumSample: HISTORY_MINIMUM,
      method: 'prediction-t',
    },
    options,
  );
}

/** Fewest earlier levels a prediction test can judge against (one degree of freedom). */
const HISTORY_MINIMUM = 2;

/** The verdict rule, shared by both methods: everything is compared as a worsening (positive = worse). */
function decide(measured: Measured, options: JudgeOptions): ChangeJudgement {
  const { change, lower, upper, p, reachable, size, minimumSample, method } = measured;
  const { tolerance, alpha } = options;
  const worsening = (x: number): number => (options.better === 'higher' ? -x : x);
  const estimate = worsening(change);
  const worstBound = Math.max(worsening(lower), worsening(upper));
  const bestBound = Math.min(worsening(lower), worsening(upper));
  const verdict: JudgedVerdict = !reachable
    ? 'inconclusive'
    : estimate > tolerance && p <= alpha
      ? 'regressed'
      : worstBound <= tolerance
        ? 'unchanged'
        : 'inconclusive';
  const judgement = { verdict, change, lower, upper, p, improved: verdict === 'unchanged' && -estimate > tolerance, minimumSample, method };
  if (verdict !== 'inconclusive') return judgement;
  const atLeast = Math.max(minimumSample, Math.floor(size) + 1);
  if (!reachable) return { ...judgement, sampleNeeded: atLeast };
  const needed = sampleNeeded(estimate, bestBound, worstBound, tolerance, size);
  return needed === undefined ? judgement : { ...judgement, sampleNeeded: Math.min(SAMPLE_NEEDED_CAP, Math.max(atLeast, needed)) };
}

/**
 * A rough guess, assuming the estimate stays put and the bounds narrow as 1/√n (as the order-statistic bounds do):
 * the sample grows by (distance from the estimate to the bound that must move / distance it may be at most)². To
 * regress the far bound must pass 0 (the test must reject); otherwise the near bound must come inside the tolerance.
 */
function sampleNeeded(estimate: number, bestBound: number, worstBound: number, tolerance: number, size: number): number | undefined {
  const [spread, room] = estimate > tolerance ? [estimate - bestBound, estimate] : [worstBound - estimate, tolerance - estimate];
  if (!(room > 0) || !Number.isFinite(spread)) return undefined;
  return Math.ceil(size * (spread / room) ** 2 - 1e-9);
}

function scaleOf(options: JudgeOptions): { toScale: (value: number) => number; fromScale: (x: number) => number } {
  if (options.inPoints === true) return { toScale: (value) => value, fromScale: (x) => x };
  return { toScale: Math.log, fromScale: (x) => (Number.isFinite(x) ? Math.expm1(x) : x) };
}

function checkOptions(options: JudgeOptions): void {
  if (!(options.alpha > 0 && options.alpha < 0.5)) throw new RangeError(`alpha must lie between 0 and 0.5, not ${options.alpha}`);
  if (!(options.tolerance >= 0 && Number.isFinite(options.tolerance))) throw new RangeError(`tolerance must be a finite number ≥ 0, not ${options.tolerance}`);
}

/** Ratios need positive values; points need finite ones. Callers filter what they cannot compare. */
function checkValues(values: readonly number[], options: JudgeOptions): void {
  const inPoints = options.inPoints === true;
  const bad = values.find((value) => !Number.isFinite(value) || (!inPoints && value <= 0));
  if (bad !== undefined) throw new RangeError(`cannot judge ${bad}: values must be finite${inPoints ? '' : ' and above 0 (the change is a ratio)'}`);
}

/**
 * P(U = u), u = 0..n·m, for U the Mann–Whitney count of one sample of n against one of m without ties. The largest
 * pooled value is from the first sample with probability n/(n+m), adding m to U; from the second, adding nothing.
 * Exact; the work grows as (n·m)²/4: about a millisecond at 30 runs a side, 0.1 s at 100, 2 s at 200.
 */
function uDistribution(n: number, m: number): Float64Array {
  let previous = Array.from({ length: m + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n; i += 1) {
    const row = [Float64Array.of(1)];
    for (let j = 1; j <= m; j += 1) {
      const next = new Float64Array(i * j + 1);
      const largestFirst = previous[j] ?? new Float64Array();
      const largestSecond = row[j - 1] ?? new Float64Array();
      for (let u = 0; u < largestFirst.length; u += 1) next[u + j] = ((largestFirst[u] ?? 0) * i) / (i + j);
      for (let u = 0; u < largestSecond.length; u += 1) next[u] = (next[u] ?? 0) + ((largestSecond[u] ?? 0) * j) / (i + j);
      row.push(next);
    }
    previous = row;
  }
  return previous[m] ?? Float64Array.of(1);
}

/** The smallest u with P(U ≥ u) ≤ alpha under no change; undefined when even U = n·m is not that rare. */
function criticalU(n: number, m: number, alpha: number): number | undefined {
  const probabilities = uDistribution(n, m);
  let tail = 0;
  let critical: number | undefined;
  for (let u = n * m; u >= 0; u -= 1) {
    tail += probabilities[u] ?? 0;
    if (tail > alpha) break;
    critical = u;
  }
  return critical;
}

/** The smallest runs per side n with 1/C(2n, n) ≤ alpha: the fewest with which the Mann–Whitney test can reach it. */
export function twoSampleMinimum(alpha: number): number {
  let n = 1;
  for (let ways = 2; 1 / ways > alpha; n += 1) ways = (ways * (2 * n + 1) * (2 * n + 2)) / ((n + 1) * (n + 1));
  return n;
}
