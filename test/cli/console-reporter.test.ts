import { describe, expect, it } from 'vitest';
import { formatCaseLine, formatProgress, formatSummary } from '../../src/cli/console-reporter.js';
import { formatMetric } from '../../src/report/format.js';
import type { CaseResult } from '../../src/model/results.js';

const base: CaseResult = {
  id: 's/rr[test=TCP_RR]',
  group: 'rr',
  server: 'local',
  params: { test: 'TCP_RR' },
  file: 'suites/s.yml',
  line: 7,
  status: 'pass',
  metrics: { transaction_rate: 31000, latency_p99: 61 },
  runs: [{ transaction_rate: 30000 }, { transaction_rate: 31000 }, { transaction_rate: 32000 }],
  spread: { transaction_rate: { min: 30000, max: 32000, cvPercent: 3.2 } },
  thresholds: [],
  retries: 0,
  durationSeconds: 3.04,
  netperf: [],
};

describe('console output', () => {
  it('formats metrics with readable units', () => {
    expect(formatMetric('throughput', 35_200_000_000)).toBe('35.2 Gbit/s');
    expect(formatMetric('throughput', 941_000_000)).toBe('941 Mbit/s');
    expect(formatMetric('transaction_rate', 31_000)).toBe('31.0k/s');
    expect(formatMetric('latency_p99', 2310)).toBe('2.31 ms');
    expect(formatMetric('loss', 0.5)).toBe('0.50%');
  });

  it('prints one plain line per case: status, position, id, key metrics with spread, time', () => {
    expect(formatCaseLine(base, 2, 10, { color: false })).toBe('✓ [ 3/10] s/rr[test=TCP_RR]  transaction_rate 31.0k/s ±3.2%  p99 61 µs  3.0s');
  });

  it('names each missed threshold with its observed value and line', () => {
    const failed: CaseResult = {
      ...base,
      status: 'fail',
      thresholds: [{ metric: 'latency_p99', expression: '< 50us', aggregate: 'median', op: '<', limit: 50, actual: 61, passed: false, file: 'suites/s.yml', line: 12 }],
    };
    expect(formatCaseLine(failed, 0, 1, { color: false })).toBe('✗ [1/1] s/rr[test=TCP_RR]  transaction_rate 31.0k/s ±3.2%  p99 61 µs  latency_p99 < 50us (got 61 µs, suites/s.yml:12)  3.0s');
  });

  it('prints the error of a case that could not be measured', () => {
    const error: CaseResult = { ...base, status: 'error', metrics: {}, runs: [], error: { kind: 'timeout', message: 'too slow' } };
    expect(formatCaseLine(error, 0, 1, { color: false })).toBe('! [1/1] s/rr[test=TCP_RR]  timeout: too slow  3.0s');
  });

  it('uses colour only when asked (NO_COLOR and pipes get none)', () => {
    const escape = String.fromCharCode(27);
    expect(formatCaseLine(base, 0, 1, { color: false })).not.toContain(`${escape}[`);
    expect(formatCaseLine(base, 0, 1, { color: true })).toContain(`${escape}[32m✓`);
  });

  it('shows progress with an ETA and a closing summary', () => {
    expect(formatProgress(3, 10, 65, 's/rr')).toBe('[3/10] 30%  eta 1m 5s  s/rr');
    expect(formatSummary([base], { seconds: 3, outDir: 'out', reports: ['results.json', 'junit.xml'], interrupted: true, planned: 4 }, { color: false })).toBe(
      'interrupted after 1 of 4 cases: 1 passed, 0 failed, 0 could not be measured in 3s\nreports in out: results.json junit.xml\n',
    );
  });
});
