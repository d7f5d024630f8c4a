import { describe, expect, it } from 'vitest';
import { createRandom, shuffle } from '../../src/stats/random.js';

describe('seeded randomness', () => {
  it('repeats its sequence for a seed, and only for that seed', () => {
    const take = (seed: number) => Array.from({ length: 50 }, createRandom(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    expect(take(2 ** 32 + 7)).toEqual(take(7));
  });

  it('gives floats in [0, 1) spread evenly', () => {
    const random = createRandom(1);
    const values = Array.from({ length: 100_000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const deciles = new Array<number>(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)] = (deciles[Math.floor(v * 10)] ?? 0) + 1;
    for (const count of deciles) expect(Math.abs(count / values.length - 0.1)).toBeLessThan(0.005);
  });

  it('shuffles into a permutation and leaves the input alone', () => {
    const random = createRandom(3);
    const items = [5, 1, 4, 1, 3, 9, 2, 6];
    const shuffled = shuffle(items, random);
    expect(items).toEqual([5, 1, 4, 1, 3, 9, 2, 6]);
    expect([...shuffled].sort()).toEqual([...items].sort());
    expect(shuffle([], random)).toEqual([]);
    expect(shuffle(['only'], random)).toEqual(['only']);
  });

  it('puts each item first, and each order, about equally often', () => {
    const random = createRandom(11);
    const trials = 30_000;
    const first = new Map<string, number>();
    const orders = new Map<string, number>();
    for (let t = 0; t < trials; t += 1) {
      const order = shuffle(['a', 'b', 'c'], random);
      first.set(order[0] ?? '', (first.get(order[0] ?? '') ?? 0) + 1);
      orders.set(order.join(''), (orders.get(order.join('')) ?? 0) + 1);
    }
    expect([...first.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const count of first.values()) expect(Math.abs(count / trials - 1 / 3)).toBeLessThan(0.01);
    expect(orders.size).toBe(6);
    for (const count of orders.values()) expect(Math.abs(count / trials - 1 / 6)).toBeLessThan(0.01);
  });
});
