import { describe, expect, it } from 'vitest';
import { judgePaired, judgePairedSymmetric, type JudgeOptions } from '../../src/stats/judge-change.js';
import { createRandom } from '../../src/stats/random.js';
import { sequentialLevels, signedRankLevels } from '../../src/stats/sequential.js';
import { signedRankCritical, signedRankTail, signedRankTails, walshAverages } from '../../src/stats/signed-rank.js';

const throughput = (tolerance: number, alpha = 0.01): JudgeOptions => ({ better: 'higher', tolerance, alpha });

/** A standard normal draw from `random` (Box–Muller). */
function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * One run's value on a machine whose noise only ever slows a run down (a hog), as CI machines do: asymmetric, so only
 * the random order of the arms in a round makes the per-round ratios symmetric.
 */
function slowedDown(random: () => number, spread: number): number {
  return Math.exp(-Math.abs(normal(random)) * spread);
}

describe('the signed-rank null distribution', () => {
  it('is what counting every sign pattern gives, for n up to 10', () => {
    for (let n = 0; n <= 10; n++) {
      const most = (n * (n + 1)) / 2;
      const counts = new Array<number>(most + 1).fill(0);
      for (let signs = 0; signs < 2 ** n; signs++) {
        let w = 0;
        for (let rank = 1; rank <= n; rank++) if ((signs >> (rank - 1)) & 1) w += rank;
        counts[w] = (counts[w] ?? 0) + 1;
      }
      const tails = signedRankTails(n);
      let tail = 0;
      for (let w = most; w >= 0; w--) {
        tail += (counts[w] ?? 0) / 2 ** n;
        expect(tails[w]).toBeCloseTo(tail, 14);
      }
      expect(tails[most + 1]).toBe(0);
    }
  });

  it('past 100 pairs, approximates the tail on the careful side at the levels plans use, at no cost', () => {
    for (const n of [101, 150]) {
      const exact = signedRankTails(n);
      for (const alpha of [0.01, 0.002, 0.0005]) {
        const w = exact.findIndex((tail) => tail <= alpha);
        const ratio = signedRankTail(n, w) / (exact[w] ?? NaN);
        // never smaller than the exact tail (a false alarm more often), never far above it
        expect(ratio).toBeGreaterThanOrEqual(1);
        expect(ratio).toBeLessThan(1.2);
        expect(signedRankCritical(n, alpha)).toBeGreaterThanOrEqual(w);
        expect(signedRankCritical(n, alpha)).toBeLessThan(w + n / 5);
      }
    }
    const started = performance.now();
    expect(signedRankCritical(1000, 0.01)).toBeGreaterThan(250250);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('has the Walsh averages in order, every pair once', () => {
    expect([...walshAverages([3, 1, 2])]).toEqual([1, 1.5, 2, 2, 2.5, 3]);
  });
});

describe('judgePairedSymmetric: the A/B rounds judged with signed ranks', () => {
  const control = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101];

  it('calls a steady 10% drop regressed, with the Hodges–Lehmann change and bounds around it', () => {
    const judged = judgePairedSymmetric(
      control,
      control.map((v, i) => v * 0.9 * (1 + ((i % 3) - 1) / 500)),
      throughput(0.05),
    );
    expect(judged).toMatchObject({ verdict: 'regressed', method: 'signed-rank', minimumSample: 7 });
    expect(judged.p).toBeCloseTo(1 / 1024, 12);
    expect(judged.change).toBeCloseTo(-0.1, 2);
    expect(judged.upper).toBeLessThan(-0.09);
  });

  it('calls identical arms unchanged with bounds of zero, and cannot decide below 7 rounds', () => {
    expect(judgePairedSymmetric(control, control, throughput(0.01))).toMatchObject({ verdict: 'unchanged', change: 0, lower: 0, upper: 0, p: 1 });
    expect(
      judgePairedSymmetric(
        control.slice(0, 6),
        control.slice(0, 6).map((v) => v / 2),
        throughput(0.05),
      ),
    ).toMatchObject({
      verdict: 'inconclusive',
      sampleNeeded: 7,
    });
  });

  it('keeps the test and its bounds in step: p ≤ α exactly when the better-side bound is a worsening', () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 300; trial++) {
      const n = 7 + Math.floor(random() * 20);
      const a = Array.from({ length: n }, () => 100 * Math.exp(normal(random) * 0.05));
      const b = a.map((v) => v * Math.exp(-0.03 + normal(random) * 0.05));
      const judged = judgePairedSymmetric(a, b, throughput(0));
      expect(judged.p <= 0.01).toBe(judged.upper < 0);
    }
  });

  it('stays in step with ties and zero differences too, for metrics better high or low', () => {
    const random = createRandom(4);
    for (let trial = 0; trial < 400; trial++) {
      const n = 7 + Math.floor(random() * 12);
      // values on a coarse grid: equal runs and equal differences are common
      const a = Array.from({ length: n }, () => 100 + Math.floor(random() * 3));
      const b = a.map(() => 99 + Math.floor(random() * 4));
      for (const better of ['higher', 'lower'] as const) {
        const judged = judgePairedSymmetric(a, b, { better, tolerance: 0, alpha: 0.01 });
        expect(judged.p <= 0.01).toBe(better === 'higher' ? judged.upper < 0 : judged.lower > 0);
      }
    }
  });

  it('uses the sizes of the differences: a bound narrower than the sign test’s on the same rounds', () => {
    const random = createRandom(5);
    let narrower = 0;
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: 20 }, () => 100);
      const b = a.map((v) => v * Math.exp(normal(random) * 0.08));
      const width = (j: { lower: number; upper: number }) => j.upper - j.lower;
      if (width(judgePairedSymmetric(a, b, throughput(0.05))) < width(judgePaired(a, b, throughput(0.05)))) narrower++;
    }
    expect(narrower).toBeGreaterThan(150);
  });
});

describe('signedRankLevels: the looks of repeat { min, max } share α', () => {
  it('is the same plan on every call, spends the exact tail at its first deciding look, and none before', () => {
    const levels = signedRankLevels(0.01, 7, 20);
    expect(signedRankLevels(0.01, 7, 20)).toBe(levels);
    // 7 of 7 worse (1/128) is beyond 7/20 of α; 8 of 8 (1/256) fits 8/20 of it, as in the sign test's plan
    expect(levels[7]).toBe(0);
    expect(levels[8]).toBeCloseTo(1 / 256, 12);
    for (let n = 9; n <= 20; n++) expect(levels[n]).toBeGreaterThan(0);
  });

  it('plans long repeat ranges at once, within α by the union bound', () => {
    const levels = signedRankLevels(0.01, 7, 1000);
    expect(levels.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(0.01 + 1e-12);
    const rounds = 300;
    const random = createRandom(9);
    const a = Array.from({ length: rounds }, () => 100);
    const b = a.map((v) => v * Math.exp(normal(random) * 0.05));
    expect(judgePairedSymmetric(a, b, throughput(0.05, levels[rounds] ?? 0)).verdict).toBe('unchanged');
  });

  // an independent simulation: noise that only slows runs down, the same for both arms (identical arms), so each round's
  // ratio is symmetric about 1 — what drawing the arms' order in every round gives real identical arms
  function simulate(plan: 'signed-rank' | 'sign', shift: number, tolerance: number, paths: number, seed: number) {
    const [min, max] = [7, 20];
    const levels = plan === 'signed-rank' ? signedRankLevels(0.01, min, max) : sequentialLevels(0.01, min, max);
    const judge = plan === 'signed-rank' ? judgePairedSymmetric : judgePaired;
    const random = createRandom(seed);
    const verdicts = { regressed: 0, unchanged: 0, inconclusive: 0 };
    let rounds = 0;
    for (let path = 0; path < paths; path++) {
      const a: number[] = [];
      const b: number[] = [];
      let verdict: keyof typeof verdicts = 'inconclusive';
      let n = 0;
      while (n < max && verdict === 'inconclusive') {
        n++;
        a.push(slowedDown(random, 0.06));
        b.push(slowedDown(random, 0.06) * Math.exp(shift));
        const level = levels[n] ?? 0;
        if (n >= min && level > 0) verdict = judge(a, b, throughput(tolerance, level)).verdict;
      }
      verdicts[verdict]++;
      rounds += n;
    }
    return { ...verdicts, meanRounds: rounds / paths };
  }

  it('calls identical arms regressed in at most α of trials over every look, on noise that only slows runs down', () => {
    const { regressed } = simulate('signed-rank', 0, 0, 8000, 11);
    // α = 1%: 80 of 8,000 expected at most; 3 standard errors of slack for the simulation
    expect(regressed).toBeLessThanOrEqual(80 + 3 * Math.sqrt(80));
  });

  it('clears identical arms as unchanged more often, and sooner, than the sign test’s plan', () => {
    const ranks = simulate('signed-rank', 0, 0.05, 1500, 12);
    const signs = simulate('sign', 0, 0.05, 1500, 12);
    expect(ranks.unchanged).toBeGreaterThan(signs.unchanged * 1.1);
    expect(ranks.meanRounds).toBeLessThan(signs.meanRounds);
    expect(ranks.regressed).toBeLessThanOrEqual(15);
  });
});
