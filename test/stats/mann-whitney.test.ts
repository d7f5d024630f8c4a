import { describe, expect, it } from 'vitest';
import { mannWhitneyGreater } from '../../src/stats/mann-whitney.js';

/** U counted pair by pair, and its p-value by enumerating every split: slow, obviously right, for checking. */
function bruteForce(x: readonly number[], y: readonly number[]): { u: number; pValue: number } {
  const uOf = (a: readonly number[], b: readonly number[]) => a.reduce((sum, v) => sum + b.reduce((s, w) => s + (v > w ? 1 : v === w ? 0.5 : 0), 0), 0);
  const pooled = [...x, ...y];
  const observed = uOf(x, y);
  let atLeast = 0;
  let total = 0;
  const choose = (start: number, picked: number[]): void => {
    if (picked.length === x.length) {
      const rest = pooled.filter((_, i) => !picked.includes(i));
      total += 1;
      if (
        uOf(
          picked.map((i) => pooled[i] ?? 0),
          rest,
        ) >=
        observed - 1e-9
      )
        atLeast += 1;
      return;
    }
    for (let i = start; i < pooled.length; i += 1) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return { u: observed, pValue: atLeast / total };
}

describe('one-sided Mann–Whitney U', () => {
  it('gives the textbook exact values for complete separation', () => {
    expect(mannWhitneyGreater([4, 5, 6], [1, 2, 3])).toEqual({ u: 9, pValue: 1 / 20, smallestPossibleP: 1 / 20, method: 'exact' });
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6]).pValue).toBe(1);
    expect(mannWhitneyGreater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).pValue).toBeCloseTo(1 / 252, 12);
    expect(mannWhitneyGreater([1, 2], [3, 4]).smallestPossibleP).toBeCloseTo(1 / 6, 12);
  });

  it('matches enumeration of every split, ties included', () => {
    const samples: [number[], number[]][] = [
      [
        [1, 3, 5, 7, 9],
        [2, 4, 6, 8, 10],
      ],
      [
        [10, 10, 11, 12],
        [9, 10, 10, 10, 8],
      ],
      [
        [94.1, 94.2, 94.1, 94.3, 94.2],
        [94.1, 94.1, 94.0, 94.2, 94.1, 94.0],
      ],
      [
        [5, 5, 5],
        [5, 5, 5],
      ],
      [
        [3.2, 1.1, 4.8, 2.2, 9.1, 0.4, 7.7],
        [2.5, 6.1, 1.9, 8.8, 3.3, 5.0],
      ],
    ];
    for (const [x, y] of samples) {
      const exact = mannWhitneyGreater(x, y);
      const slow = bruteForce(x, y);
      expect(exact.u).toBeCloseTo(slow.u, 9);
      expect(exact.pValue).toBeCloseTo(slow.pValue, 12);
    }
  });

  it('switches to the normal approximation for large samples and stays close to the exact answer', () => {
    const x = Array.from({ length: 31 }, (_, i) => 100 + ((i * 37) % 23));
    const y = Array.from({ length: 30 }, (_, i) => 98 + ((i * 17) % 19));
    const approx = mannWhitneyGreater(x, y);
    expect(approx.method).toBe('normal');
    const exact = mannWhitneyGreater(x.slice(0, 30), y);
    expect(exact.method).toBe('exact');
    expect(Math.abs(approx.pValue - exact.pValue)).toBeLessThan(0.02);
  });
});
