import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/thresholds/parse-threshold.js';

const message = (expression: string, metric: Parameters<typeof parseThreshold>[1]): string => {
  const parsed = parseThreshold(expression, metric);
  return parsed.ok ? 'ok' : parsed.message;
};

describe('threshold expressions', () => {
  it('refuses a bare number: the unit says which scale is meant', () => {
    expect(message('>= 1000', 'throughput')).toMatch(/^threshold '>= 1000' has no unit; write one \(throughput takes bit\/s, kbit\/s, Mbit\/s, Gbit\/s/);
    expect(message('< 5', 'latency_p99')).toMatch(/has no unit; write one \(latency_p99 takes ns, us, µs, ms, s\)/);
    // the example is the user's own number, with the unit most likely meant
    expect(message('>= 1000', 'throughput')).toMatch(/, like throughput: ">= 1000 Mbit\/s" if Mbit\/s is what you meant$/);
    expect(message('< 5', 'latency_p99')).toMatch(/, like latency_p99: "< 5 µs" if µs is what you meant$/);
  });

  it('suggests the bit rate for a lower-case b, never the byte rate 8× off', () => {
    expect(message('>= 1 Gb/s', 'throughput')).toMatch(/unknown unit 'Gb\/s'; did you mean 'Gbit\/s'\?/);
    expect(message('>= 100 Mb/s', 'throughput')).toMatch(/did you mean 'Mbit\/s'\?/);
    expect(message('>= 1 Gbit', 'throughput')).toMatch(/did you mean 'Gbit\/s'\?/);
  });

  it("suggests '>=' for '=>' and '<=' for '=<'", () => {
    expect(message('=> 1 Gbit/s', 'throughput')).toBe("threshold '=> 1 Gbit/s': '=>' is not an operator; write '>='");
    expect(message('=< 2ms', 'latency_p99')).toBe("threshold '=< 2ms': '=<' is not an operator; write '<='");
  });

  it('accepts rates as the console prints them: k/s and M/s', () => {
    const k = parseThreshold('>= 48.1k/s', 'transaction_rate');
    expect(k.ok && k.value.value).toBeCloseTo(48_100);
    const m = parseThreshold('> 1.5 M/s', 'transaction_rate');
    expect(m.ok && m.value.value).toBeCloseTo(1_500_000);
  });

  it('keeps parsing what it always did', () => {
    expect(parseThreshold('mean <= 2ms', 'latency_p99')).toEqual({ ok: true, value: { aggregate: 'mean', op: '<=', value: 2000, expression: 'mean <= 2ms' } });
    expect(parseThreshold('>= 1 Gbit/s', 'throughput')).toEqual({ ok: true, value: { aggregate: 'median', op: '>=', value: 1e9, expression: '>= 1 Gbit/s' } });
  });
});

describe('thresholds on counts', () => {
  it('read a bare number as a count of segments, and take the unit spelt out too', () => {
    expect(parseThreshold('< 10', 'retransmissions')).toEqual({ ok: true, value: { aggregate: 'median', op: '<', value: 10, expression: '< 10' } });
    expect(parseThreshold('max <= 3 segments', 'retransmissions')).toEqual({
      ok: true,
      value: { aggregate: 'max', op: '<=', value: 3, expression: 'max <= 3 segments' },
    });
  });

  it('refuse another dimension’s unit, and show a count’s example', () => {
    expect(message('< 10 Mbit/s', 'retransmissions')).toMatch(/'Mbit\/s' is a bit rate unit, but retransmissions is a count \(segments\); use one of segments/);
    expect(message('10', 'retransmissions')).toMatch(/has no comparison; start it with one of .*, like retransmissions: "< 10"$/);
  });
});
