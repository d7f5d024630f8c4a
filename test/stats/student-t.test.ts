import { describe, expect, it } from 'vitest';
import { studentTTwoSided } from '../../src/stats/student-t.js';

describe('studentTTwoSided', () => {
  it('matches the t table (two-sided 5% and 1%)', () => {
    expect(studentTTwoSided(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSided(3.169, 10)).toBeCloseTo(0.01, 3);
    expect(studentTTwoSided(2.086, 20)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSided(12.706, 1)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSided(1.96, 1e6)).toBeCloseTo(0.05, 3);
  });

  it('matches the closed forms for 1 and 2 degrees of freedom, also far in the tail', () => {
    for (const t of [0.3, 1, 4, 50, 1e4]) {
      expect(studentTTwoSided(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
      expect(studentTTwoSided(t, 2) / (1 - t / Math.sqrt(t * t + 2))).toBeCloseTo(1, 8);
    }
  });

  it('is symmetric in t, 1 at t = 0, 0 at infinity, and falls as t or df grow (df need not be whole)', () => {
    expect(studentTTwoSided(0, 7)).toBe(1);
    expect(studentTTwoSided(-2.5, 7)).toBe(studentTTwoSided(2.5, 7));
    expect(studentTTwoSided(Infinity, 3)).toBe(0);
    expect(studentTTwoSided(-Infinity, 3)).toBe(0);
    expect(studentTTwoSided(2, 7)).toBeGreaterThan(studentTTwoSided(2.1, 7));
    expect(studentTTwoSided(2, 2)).toBeGreaterThan(studentTTwoSided(2, 2.5));
    expect(studentTTwoSided(2, 2.5)).toBeGreaterThan(studentTTwoSided(2, 3));
  });

  it('refuses df ≤ 0 and t = NaN', () => {
    expect(() => studentTTwoSided(1, 0)).toThrow(RangeError);
    expect(() => studentTTwoSided(NaN, 5)).toThrow(RangeError);
  });
});
