import { describe, expect, it } from 'vitest';
import { judgePaired, judgeTwoSample, type ChangeJudgement, type JudgedVerdict, type JudgeOptions } from '../../src/stats/judge-change.js';
import { mannWhitneyGreater } from '../../src/stats/mann-whitney.js';
import { createRandom } from '../../src/stats/random.js';

const ALPHA = 0.01;
const throughput = (tolerance: number): JudgeOptions => ({ better: 'higher', tolerance, alpha: ALPHA });
const latency = (tolerance: number): JudgeOptions => ({ better: 'lower', tolerance, alpha: ALPHA });
const loss = (points: number): JudgeOptions => ({ better: 'lower', tolerance: points, alpha: ALPHA, inPoints: true });

const CONTROL = [100, 102, 98, 101, 99, 103, 97];
const times = (values: readonly number[], factor: number) => values.map((v) => v * factor);

describe('paired judgement (sign test on per-round log-ratios)', () => {
  it('calls 7 rounds all 10% worse a regression, at p = 1/2^7', () => {
    const judged = judgePaired(CONTROL, times(CONTROL, 0.9), throughput(0.05));
    expect(judged).toMatchObject({ verdict: 'regressed', p: 1 / 128, improved: false, minimumSample: 7, method: 'sign-test' });
    expect(judged.change).toBeCloseTo(-0.1, 12);
    expect(judged.lower).toBeCloseTo(-0.1, 12);
    expect(judged.upper).toBeCloseTo(-0.1, 12);
    expect('sampleNeeded' in judged).toBe(false);
  });

  it('calls identical rounds unchanged, with bounds of 0, even at tolerance 0', () => {
    for (const tolerance of [0.05, 0]) {
      expect(judgePaired(CONTROL, CONTROL, throughput(tolerance))).toEqual({
        verdict: 'unchanged',
        change: 0,
        lower: 0,
        upper: 0,
        p: 1,
        improved: false,
        minimumSample: 7,
        method: 'sign-test',
      });
    }
  });

  it('never judges 6 rounds: they cannot reach alpha 0.01 (1/64), so no bound exists', () => {
    for (const factor of [0.9, 1]) {
      const judged = judgePaired(CONTROL.slice(0, 6), times(CONTROL.slice(0, 6), factor), throughput(0.05));
      expect(judged).toMatchObject({ verdict: 'inconclusive', lower: -Infinity, upper: Infinity, minimumSample: 7, sampleNeeded: 7 });
    }
    expect(judgePaired(CONTROL.slice(0, 6), times(CONTROL.slice(0, 6), 0.9), throughput(0.05)).p).toBe(1 / 64);
    expect(judgePaired([100], [50], throughput(0.05))).toMatchObject({ verdict: 'inconclusive', p: 0.5, sampleNeeded: 7 });
  });

  it('takes the extreme rounds as bounds at 7 rounds, and the second ones from 11', () => {
    const ratios = [0.97, 0.99, 1.02, 1.0, 0.98, 1.01, 1.03];
    const judged = judgePaired(
      CONTROL,
      CONTROL.map((v, i) => v * (ratios[i] ?? 1)),
      throughput(0.05),
    );
    expect(judged.lower).toBeCloseTo(-0.03, 12);
    expect(judged.upper).toBeCloseTo(0.03, 12);
    expect(judged.change).toBeCloseTo(0, 12);
    const eleven = [0.9, 0.97, 0.98, 0.99, 1.0, 1.0, 1.0, 1.01, 1.02, 1.03, 1.2];
    const wider = judgePaired(
      eleven.map(() => 100),
      eleven.map((r) => 100 * r),
      throughput(0.05),
    );
    expect(wider).toMatchObject({ verdict: 'unchanged' });
    expect(wider.lower).toBeCloseTo(-0.03, 12);
    expect(wider.upper).toBeCloseTo(0.03, 12);
  });

  it('calls an improvement beyond the tolerance unchanged and improved, once the bound rules out a worsening', () => {
    const judged = judgePaired(CONTROL, times(CONTROL, 1.2), throughput(0.05));
    expect(judged).toMatchObject({ verdict: 'unchanged', improved: true, p: 1 });
    expect(judged.change).toBeCloseTo(0.2, 12);
    const oneBadRound = [1.2, 1.2, 1.2, 0.9, 1.2, 1.2, 1.2];
    expect(
      judgePaired(
        CONTROL,
        CONTROL.map((v, i) => v * (oneBadRound[i] ?? 1)),
        throughput(0.05),
      ),
    ).toMatchObject({ verdict: 'inconclusive', improved: false });
  });

  it('mirrors everything for a lower-is-better metric such as latency', () => {
    const slower = judgePaired(CONTROL, times(CONTROL, 1.1), latency(0.05));
    expect(slower).toMatchObject({ verdict: 'regressed', p: 1 / 128 });
    expect(slower.change).toBeCloseTo(0.1, 12);
    expect(judgePaired(CONTROL, times(CONTROL, 1.03), latency(0.05))).toMatchObject({ verdict: 'unchanged', improved: false, p: 1 / 128 });
    expect(judgePaired(CONTROL, times(CONTROL, 0.8), latency(0.05))).toMatchObject({ verdict: 'unchanged', improved: true, p: 1 });
    expect(judgePaired(CONTROL, times(CONTROL, 0.9), throughput(0.05)).verdict).toBe('regressed');
    expect(judgePaired(CONTROL, times(CONTROL, 0.9), latency(0.05))).toMatchObject({ verdict: 'unchanged', improved: true });
  });

  it('judges a loss percentage in points, where 0 is a value like any other', () => {
    const control = [0, 0.1, 0.2, 0, 0.1, 0.3, 0.2];
    const worse = judgePaired(
      control,
      control.map((v) => v + 2),
      loss(1),
    );
    expect(worse).toMatchObject({ verdict: 'regressed', p: 1 / 128 });
    expect(worse.change).toBeCloseTo(2, 12);
    const within = judgePaired(
      control,
      control.map((v, i) => v + (i % 2 === 1 ? 0.5 : 0)),
      loss(1),
    );
    expect(within).toMatchObject({ verdict: 'unchanged', change: 0, lower: 0, p: 99 / 128 });
    expect(within.upper).toBeCloseTo(0.5, 12);
  });

  it('counts rounds without a difference as not worse', () => {
    // 6 of 7 worse and one tie: p = P(Binomial(7, 1/2) ≥ 6) = 8/128, so not a regression, though the estimate is 10% down
    const judged = judgePaired(
      CONTROL,
      CONTROL.map((v, i) => (i === 0 ? v : v * 0.9)),
      throughput(0.05),
    );
    expect(judged).toMatchObject({ verdict: 'inconclusive', p: 8 / 128, upper: 0 });
  });

  it('estimates the rounds an inconclusive judgement needs from the spread', () => {
    // estimate 3% down, worst bound 8% down: the bound must come to 5%, (0.05 / 0.02)² × 7 = 43.75
    const towardsUnchanged = judgePaired([100, 100, 100, 100, 100, 100, 100], [97, 96, 99, 92, 98, 101, 97], throughput(0.05));
    expect(towardsUnchanged).toMatchObject({ verdict: 'inconclusive', sampleNeeded: 44 });
    // estimate 15% down, best bound 2% up: it must pass 0, (0.17 / 0.15)² × 7 = 8.99
    const towardsRegressed = judgePaired([100, 100, 100, 100, 100, 100, 100], [85, 85, 102, 85, 85, 85, 85], throughput(0.05));
    expect(towardsRegressed).toMatchObject({ verdict: 'inconclusive', sampleNeeded: 9 });
    const hopeless = judgePaired([100, 100, 100, 100, 100, 100, 100], [96, 50, 99, 95, 98, 200, 97], throughput(0.05));
    expect(hopeless).toMatchObject({ verdict: 'inconclusive', sampleNeeded: 1000 });
  });

  it('matches test inversion done the slow way, on random samples with ties', () => {
    const random = createRandom(20240601);
    for (let trial = 0; trial < 400; trial += 1) {
      const n = 1 + Math.floor(random() * 16);
      const differences = Array.from({ length: n }, () => Math.round((random() - 0.45) * 20) / 10);
      const judged = judgePaired(
        differences.map(() => 0),
        differences,
        { better: 'higher', tolerance: 0.2, alpha: ALPHA, inPoints: true },
      );
      const slow = slowPairedBounds(differences, ALPHA);
      expect(judged.lower).toBe(slow.lower);
      expect(judged.upper).toBe(slow.upper);
      expect(judged.p).toBeCloseTo(slowSignTestP(differences.filter((d) => d < 0).length, n), 12);
      expectConsistent(judged, 0.2);
    }
  });

  it('refuses what it cannot judge', () => {
    expect(() => judgePaired([1, 2], [1], throughput(0.05))).toThrow(RangeError);
    expect(() => judgePaired([], [], throughput(0.05))).toThrow(RangeError);
    expect(() => judgePaired([1, 0], [1, 1], throughput(0.05))).toThrow(/above 0/);
    expect(() => judgePaired([1, 2], [1, -1], throughput(0.05))).toThrow(RangeError);
    expect(() => judgePaired([1, NaN], [1, 1], loss(1))).toThrow(RangeError);
    expect(() => judgePaired([1], [1], { better: 'higher', tolerance: 0.05, alpha: 0 })).toThrow(RangeError);
    expect(() => judgePaired([1], [1], { better: 'higher', tolerance: -1, alpha: 0.01 })).toThrow(RangeError);
  });
});

describe('two-sample judgement (Mann–Whitney U and Hodges–Lehmann)', () => {
  const BASELINE = [100, 101, 99, 102, 98];

  it('never judges 3 runs against 3: 1/20 cannot reach alpha 0.01', () => {
    const judged = judgeTwoSample([100, 101, 99], [80, 81, 79], throughput(0.05));
    expect(judged).toMatchObject({
      verdict: 'inconclusive',
      lower: -Infinity,
      upper: Infinity,
      p: 1 / 20,
      minimumSample: 5,
      sampleNeeded: 5,
      method: 'mann-whitney-u',
    });
  });

  it('calls 5 runs against 5, all 20% lower, a regression at p = 1/252', () => {
    const judged = judgeTwoSample(BASELINE, times(BASELINE, 0.8), throughput(0.05));
    expect(judged).toMatchObject({ verdict: 'regressed', improved: false, minimumSample: 5 });
    expect(judged.p).toBeCloseTo(1 / 252, 12);
    expect(judged.change).toBeCloseTo(-0.2, 12);
    // the bounds are the 2nd smallest and 2nd largest of the 25 ratios: P(U ≥ 24) = 2/252 ≤ 0.01 < P(U ≥ 23) = 4/252
    expect(judged.lower).toBeCloseTo((0.8 * 98) / 101 - 1, 12);
    expect(judged.upper).toBeCloseTo((0.8 * 101) / 98 - 1, 12);
    expect(judgeTwoSample(BASELINE, times(BASELINE, 1.25), latency(0.05))).toMatchObject({ verdict: 'regressed' });
  });

  it('calls the same runs again unchanged, within the spread of the runs', () => {
    const judged = judgeTwoSample(BASELINE, BASELINE, throughput(0.05));
    expect(judged).toMatchObject({ verdict: 'unchanged', change: 0 });
    expect(judged.lower).toBeCloseTo(98 / 101 - 1, 12);
    expect(judged.upper).toBeCloseTo(101 / 98 - 1, 12);
    expect(judgeTwoSample(BASELINE, times(BASELINE, 1.3), throughput(0.05))).toMatchObject({ verdict: 'unchanged', improved: true });
  });

  it('asks for at least one more run a side when ties keep the test from rejecting though the bound touches 0', () => {
    const judged = judgeTwoSample([1, 2, 1, 0, 1], [1, 2, 3, 4, 5], loss(1));
    expect(judged).toMatchObject({ verdict: 'inconclusive', change: 2, lower: 0, upper: 4, sampleNeeded: 6 });
    expect(judged.p).toBeGreaterThan(ALPHA);
  });

  it('judges unequal sides when their own sizes can reach alpha', () => {
    const judged = judgeTwoSample([100, 101, 99, 102, 98, 100, 103, 97, 101, 99, 100], [80, 81, 79], throughput(0.05));
    expect(judged.p).toBeCloseTo(1 / 364, 12);
    expect(judged).toMatchObject({ verdict: 'regressed', minimumSample: 5 });
  });

  it('matches test inversion done the slow way, on random samples', () => {
    const random = createRandom(77);
    for (let trial = 0; trial < 150; trial += 1) {
      const baseline = Array.from({ length: 1 + Math.floor(random() * 8) }, () => random() * 10);
      const current = Array.from({ length: 1 + Math.floor(random() * 8) }, () => random() * 10 + 2);
      const judged = judgeTwoSample(baseline, current, { better: 'lower', tolerance: 1, alpha: ALPHA, inPoints: true });
      const slow = slowTwoSampleBounds(baseline, current, ALPHA);
      expect(judged.lower).toBe(slow.lower);
      expect(judged.upper).toBe(slow.upper);
      expectConsistent(judged, 1, 'lower');
    }
  });

  it('refuses empty sides and values it cannot take a ratio of', () => {
    expect(() => judgeTwoSample([], [1], throughput(0.05))).toThrow(RangeError);
    expect(() => judgeTwoSample([1, 2], [0, 1], throughput(0.05))).toThrow(RangeError);
  });
});

/** Shares of each verdict over `trials` runs of `trial`, from one seed. */
function simulate(trials: number, seed: number, trial: (random: () => number) => ChangeJudgement): Record<JudgedVerdict, number> {
  const random = createRandom(seed);
  const counts: Record<JudgedVerdict, number> = { regressed: 0, unchanged: 0, inconclusive: 0 };
  for (let t = 0; t < trials; t += 1) counts[trial(random).verdict] += 1;
  return { regressed: counts.regressed / trials, unchanged: counts.unchanged / trials, inconclusive: counts.inconclusive / trials };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Interleaved rounds on a shared CI machine. Both arms of a round share the drift: a linear trend of up to ±20% over
 * the run, a step of −25%…+25% in the middle, and in 1 round of 5 a slow-down to 0.5–0.9. In a share `oneArm` of the
 * rounds a slow-down of 0.5–0.9 hits one arm only (either, equally likely). Every run has its own lognormal noise σ.
 */
function rounds(random: () => number, n: number, sigma: number, candidateFactor: number, oneArm: number): { control: number[]; candidate: number[] } {
  const slope = (random() - 0.5) * 0.4;
  const step = 0.75 + random() * 0.5;
  const control: number[] = [];
  const candidate: number[] = [];
  for (let i = 0; i < n; i += 1) {
    let level = 100 * (1 + (slope * i) / n) * (i >= n / 2 ? step : 1);
    if (random() < 0.2) level *= 0.5 + random() * 0.4;
    let a = level * Math.exp(sigma * gaussian(random));
    let b = level * candidateFactor * Math.exp(sigma * gaussian(random));
    if (random() < oneArm) {
      const slowDown = 0.5 + random() * 0.4;
      if (random() < 0.5) a *= slowDown;
      else b *= slowDown;
    }
    control.push(a);
    candidate.push(b);
  }
  return { control, candidate };
}

const percent = (share: number) => `${(share * 100).toFixed(2)}%`;
const between = (random: () => number, low: number, high: number) => low + random() * (high - low);
const roundsBetween = (random: () => number, low: number, high: number) => low + Math.floor(random() * (high - low + 1));
/** One-arm slow-downs in 1 round of 200, and in 1 of 20. */
const OCCASIONAL = 0.005;
const FREQUENT = 0.05;

const aaNoisy = (oneArm: number, seed: number) =>
  simulate(3000, seed, (random) => {
    const { control, candidate } = rounds(random, roundsBetween(random, 7, 20), between(random, 0.05, 0.3), 1, oneArm);
    return judgePaired(control, candidate, throughput(0.05));
  });
const AA_NOISY = aaNoisy(OCCASIONAL, 1);
const AA_NOISY_FREQUENT = aaNoisy(FREQUENT, 2);
const aaQuiet = (oneArm: number, seed: number) =>
  simulate(3000, seed, (random) => {
    const { control, candidate } = rounds(random, roundsBetween(random, 7, 20), 0.01, 1, oneArm);
    return judgePaired(control, candidate, throughput(0.05));
  });
const AA_QUIET = aaQuiet(OCCASIONAL, 3);
const AA_QUIET_FREQUENT = aaQuiet(FREQUENT, 4);
const power = (n: number, factor: number, sigma: number, tolerance: number, oneArm: number, seed: number) =>
  simulate(2000, seed, (random) => {
    const { control, candidate } = rounds(random, n, sigma, factor, oneArm);
    return judgePaired(control, candidate, throughput(tolerance));
  });
const DROP_10 = power(9, 0.9, 0.02, 0.05, OCCASIONAL, 5);
const DROP_5 = power(9, 0.95, 0.01, 0.02, OCCASIONAL, 6);
const DROP_10_FREQUENT = power(9, 0.9, 0.02, 0.05, FREQUENT, 7);
const DROP_10_FREQUENT_14 = power(14, 0.9, 0.02, 0.05, FREQUENT, 8);
const TWO_SAMPLE_AA = simulate(20_000, 9, (random) => {
  const sigma = between(random, 0.05, 0.3);
  const runs = () => Array.from({ length: 5 }, () => 100 * Math.exp(sigma * gaussian(random)));
  return judgeTwoSample(runs(), runs(), throughput(0.05));
});

describe('simulated CI noise (seeded, so the figures in these names repeat)', () => {
  it(`A/A, 7–20 rounds, drift, σ 0.05–0.3, tolerance 5%: regressed in ${percent(AA_NOISY.regressed)} of 3000 (unchanged ${percent(AA_NOISY.unchanged)}); with one-arm slow-downs in 5% of rounds ${percent(AA_NOISY_FREQUENT.regressed)}`, () => {
    expect(AA_NOISY.regressed).toBeLessThanOrEqual(ALPHA);
    expect(AA_NOISY_FREQUENT.regressed).toBeLessThanOrEqual(ALPHA);
  });

  it(`A/A, 7–20 rounds, drift, σ 0.01: unchanged in ${percent(AA_QUIET.unchanged)} of 3000; with one-arm slow-downs in 5% of rounds ${percent(AA_QUIET_FREQUENT.unchanged)}`, () => {
    expect(AA_QUIET.unchanged).toBeGreaterThanOrEqual(0.95);
    expect(AA_QUIET.regressed + AA_QUIET_FREQUENT.regressed).toBe(0);
  });

  it(`a true 10% drop, 9 rounds, σ 0.02, tolerance 5%: regressed in ${percent(DROP_10.regressed)} of 2000`, () => {
    expect(DROP_10.regressed).toBeGreaterThanOrEqual(0.95);
  });

  it(`a true 5% drop, 9 rounds, σ 0.01, tolerance 2%: regressed in ${percent(DROP_5.regressed)} of 2000`, () => {
    expect(DROP_5.regressed).toBeGreaterThanOrEqual(0.95);
  });

  it(`9 rounds must all agree, so one-arm slow-downs in 5% of rounds cut the power for a 10% drop to ${percent(DROP_10_FREQUENT.regressed)} (0.975^9 = ${percent(0.975 ** 9)}); 14 rounds give ${percent(DROP_10_FREQUENT_14.regressed)}`, () => {
    expect(Math.abs(DROP_10_FREQUENT.regressed - 0.975 ** 9)).toBeLessThan(0.03);
    expect(DROP_10_FREQUENT_14.regressed).toBeGreaterThanOrEqual(0.95);
  });

  it(`A/A two-sample, 5 runs against 5, σ 0.05–0.3, tolerance 5%: regressed in ${percent(TWO_SAMPLE_AA.regressed)} of 20000 (the test's exact size is 2/252 = 0.79%)`, () => {
    expect(TWO_SAMPLE_AA.regressed).toBeLessThanOrEqual(ALPHA);
  });
});

/** The verdict rule, read straight from the design. */
function expectConsistent(judged: ChangeJudgement, tolerance: number, better: 'higher' | 'lower' = 'higher'): void {
  const worsening = (x: number) => (better === 'higher' ? -x : x);
  expect(judged.lower).toBeLessThanOrEqual(judged.change);
  expect(judged.change).toBeLessThanOrEqual(judged.upper);
  const worstBound = Math.max(worsening(judged.lower), worsening(judged.upper));
  if (judged.verdict === 'regressed') expect(worsening(judged.change) > tolerance && judged.p <= ALPHA).toBe(true);
  if (judged.verdict === 'unchanged') expect(worstBound).toBeLessThanOrEqual(tolerance);
  if (judged.verdict === 'inconclusive') expect(worstBound > tolerance || !Number.isFinite(worstBound)).toBe(true);
  if (judged.improved) expect(judged.verdict).toBe('unchanged');
}

function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i += 1) result = (result * (n - k + i)) / i;
  return result;
}

function slowSignTestP(worse: number, n: number): number {
  let p = 0;
  for (let k = worse; k <= n; k += 1) p += choose(n, k) / 2 ** n;
  return p;
}

/**
 * The one-sided bounds as the sets of medians θ the sign test does not reject: θ is too high when so many differences
 * lie below it that P(Binomial(n, 1/2) ≥ that count) ≤ alpha, and too low likewise. Tried at every difference and
 * just above and below it, which is everywhere the counts change.
 */
function slowPairedBounds(differences: readonly number[], alpha: number): { lower: number; upper: number } {
  const n = differences.length;
  const candidates = differences.flatMap((d) => [d - 1e-9, d, d + 1e-9]);
  const keptAbove = candidates.filter((theta) => slowSignTestP(differences.filter((d) => d < theta).length, n) > alpha);
  const keptBelow = candidates.filter((theta) => slowSignTestP(differences.filter((d) => d > theta).length, n) > alpha);
  const highest = Math.max(...candidates);
  const lowest = Math.min(...candidates);
  const upper = Math.max(...keptAbove);
  const lower = Math.min(...keptBelow);
  return { lower: lower === lowest ? -Infinity : lower, upper: upper === highest ? Infinity : upper };
}

/** The same for a shift θ of `current` against `baseline`, asking the exact Mann–Whitney test about current − θ. */
function slowTwoSampleBounds(baseline: readonly number[], current: readonly number[], alpha: number): { lower: number; upper: number } {
  const shifts = current.flatMap((c) => baseline.map((b) => c - b)).sort((a, b) => a - b);
  const rejectsBelow = (theta: number) =>
    mannWhitneyGreater(
      current.map((c) => c - theta),
      baseline,
    ).pValue <= alpha;
  const rejectsAbove = (theta: number) =>
    mannWhitneyGreater(
      baseline,
      current.map((c) => c - theta),
    ).pValue <= alpha;
  const lowest = shifts[0] ?? NaN;
  const highest = shifts.at(-1) ?? NaN;
  return {
    lower: rejectsBelow(lowest - 1e-9) ? (shifts.find((s) => !rejectsBelow(s + 1e-9)) ?? NaN) : -Infinity,
    upper: rejectsAbove(highest + 1e-9) ? ([...shifts].reverse().find((s) => !rejectsAbove(s - 1e-9)) ?? NaN) : Infinity,
  };
}
