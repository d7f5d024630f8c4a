import { describe, expect, it } from 'vitest';
import { learnedBand, quantile } from '../../src/stats/learned-tolerance.js';

describe('learnedBand', () => {
  it('is Q3 + 3·IQR of the absolute run-to-run changes', () => {
    // changes: 1%, 2%, 1%, 2% (relative) → Q1 1%, Q3 2%, band 2% + 3·1% = 5%
    const medians = [100, 101, 98.98, 99.9698, 97.970404];
    expect(learnedBand(medians)).toBeCloseTo(0.05, 3);
  });

  it('needs five entries; fewer give no band', () => {
    expect(learnedBand([100, 101, 99, 100])).toBeUndefined();
    expect(learnedBand([100, 101, 99, 100, 100])).toBeDefined();
  });

  it('grows with the noise and ignores an earlier lasting shift (changes, not levels)', () => {
    const quiet = [100, 100.2, 99.9, 100.1, 100, 99.8, 100.1];
    const noisy = [100, 110, 93, 104, 98, 112, 95];
    expect(learnedBand(quiet)).toBeLessThan(0.01);
    expect(learnedBand(noisy)).toBeGreaterThan(0.15);
    const shifted = [100, 100.2, 99.9, 100.1, 90, 90.1, 89.9, 90.2];
    expect(learnedBand(shifted)).toBeLessThan(0.02);
  });

  it('works in points for loss', () => {
    expect(learnedBand([0, 0.1, 0, 0.1, 0], { inPoints: true })).toBeCloseTo(0.1 + 3 * 0, 6);
  });

  it('quantile interpolates like R type 7', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(quantile([5], 0.5)).toBe(5);
  });
});
