import { describe, expect, it } from 'vitest';
import { plural } from '../../src/model/words.js';
import { formatJudged, formatSample, formatTolerance } from '../../src/report/report-text.js';
import { formatMetric } from '../../src/model/format-metric.js';
import { formatTick, renderSweepSvg } from '../../src/report/svg-charts.js';
import type { RegressionOutcome } from '../../src/model/results.js';

describe('plural', () => {
  it('is singular for exactly one and plural for every other count, irregular plurals included', () => {
    expect([0, 1, 2].map((n) => plural(n, 'case'))).toEqual(['0 cases', '1 case', '2 cases']);
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('the sample of a comparison', () => {
  const outcome = { source: 'history', currentRuns: [1], againstRuns: [2] } as unknown as RegressionOutcome;
  it('says "1 run" and "1 earlier run\'s median" in the singular', () => {
    expect(formatSample(outcome)).toBe("this run's median of 1 run vs 1 earlier run's median");
    expect(formatSample({ ...outcome, source: 'baseline' })).toBe('1 vs 1 run');
    expect(formatSample({ ...outcome, source: 'control', rounds: [1] })).toBe('1 round');
  });
});

describe('y-axis ticks', () => {
  it('shorten past 10,000 so a six-digit rate stays clear of the axis title', () => {
    expect([0, 2500, 9000, 10_000, 150_000, 2_500_000, 0.25].map(formatTick)).toEqual(['0', '2500', '9000', '10k', '150k', '2.5M', '0.25']);
    const chart = renderSweepSvg({
      axis: 'request_size',
      metric: 'transaction_rate',
      xValues: [1, 1024],
      series: [
        {
          label: '',
          points: [
            { x: 1, y: 150_000, failed: false },
            { x: 1024, y: 120_000, failed: false },
          ],
        },
      ],
    });
    expect(chart).toMatch(/>1\d0k</);
    expect(chart).not.toMatch(/>1\d0000</);
  });
});

describe('counts', () => {
  it('print as counts in their unit: values, changes in points (a rise from 0 is +12, not +∞%) and tolerances', () => {
    expect(formatMetric('retransmissions', 12)).toBe('12 segments');
    expect(formatMetric('retransmissions', 12.5)).toBe('12.5 segments');
    expect(formatMetric('mss', 1448)).toBe('1448 B');
    expect(formatMetric('qdisc_drops', 30)).toBe('30 packets');
    expect(formatJudged('retransmissions', 12)).toBe('+12 segments');
    expect(formatJudged('retransmissions', -0.5)).toBe('−0.5 segments');
    expect(formatTolerance({ metric: 'retransmissions', tolerance: 10 })).toBe('10 segments');
    expect(formatJudged('loss', 0.4)).toBe('+0.40 pp');
  });
});
