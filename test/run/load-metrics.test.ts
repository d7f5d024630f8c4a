import { describe, expect, it } from 'vitest';
import { jainIndex } from '../../src/model/metrics.js';
import { loadMetrics } from '../../src/run/aggregate.js';

describe("load_fairness: Jain's index", () => {
  it('is 1 for equal shares, 1/n when one stream takes all, and undefined with nothing carried', () => {
    expect(jainIndex([5, 5, 5])).toBe(1);
    expect(jainIndex([9, 0, 0])).toBeCloseTo(1 / 3, 12);
    expect(jainIndex([20, 8.8, 8.8, 8.8])).toBeCloseTo(46.4 ** 2 / (4 * (400 + 3 * 8.8 ** 2)), 12);
    expect(jainIndex([])).toBeUndefined();
    expect(jainIndex([0, 0])).toBeUndefined();
  });

  it('sums each direction, and the fairness is the lower of the two directions’ indexes', () => {
    const metrics = loadMetrics([
      { flow: 1, test: 'TCP_STREAM', stream: 1, throughput: 30 },
      { flow: 1, test: 'TCP_STREAM', stream: 2, throughput: 10 },
      { flow: 2, test: 'UDP_STREAM', stream: 1, dscp: 46, throughput: 20 },
      { flow: 3, test: 'TCP_MAERTS', stream: 1, throughput: 50 },
      { flow: 3, test: 'TCP_MAERTS', stream: 2, throughput: 50 },
    ]);
    expect(metrics).toEqual({
      load_throughput: 160,
      load_throughput_up: 60,
      load_throughput_down: 100,
      // up: 60² / (3 · 1400) = 0.857…; down: 1
      load_fairness: 3600 / 4200,
    });
  });

  it('a load one way has no metric for the other', () => {
    expect(loadMetrics([{ flow: 1, test: 'TCP_MAERTS', stream: 1, throughput: 7 }])).toEqual({ load_throughput: 7, load_throughput_down: 7, load_fairness: 1 });
  });
});
