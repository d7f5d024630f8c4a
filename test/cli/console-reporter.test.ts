import { describe, expect, it } from 'vitest';
import { formatCaseLine, formatProgress } from '../../src/cli/case-line.js';
import { formatComparisonSummary, formatSummary, formatThresholdSummary } from '../../src/cli/console-reporter.js';
import { formatMetric } from '../../src/model/format-metric.js';
import type { CaseResult } from '../../src/model/results.js';
import { abRun, comparedSweep } from '../report/fixtures.js';
import { applyBaseline } from '../../src/compare/compare-runs.js';

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

  it('a case measured under load says how much the load streams carried', () => {
    const loaded: CaseResult = { ...base, metrics: { ...base.metrics, load_throughput: 47_900_000 } };
    expect(formatCaseLine(loaded, 0, 1, { color: false })).toBe(
      '✓ [1/1] s/rr[test=TCP_RR]  transaction_rate 31.0k/s ±3.2%  p99 61 µs  load carried 47.9 Mbit/s  3.0s',
    );
  });

  it('a load in both directions is given per direction, not summed past the link’s rate', () => {
    const both: CaseResult = {
      ...base,
      metrics: { ...base.metrics, load_throughput: 93_100_000, load_throughput_up: 47_300_000, load_throughput_down: 45_800_000 },
    };
    expect(formatCaseLine(both, 0, 1, { color: false })).toContain('load carried 47.3 Mbit/s up, 45.8 down  3.0s');
    const mixed: CaseResult = { ...base, metrics: { ...base.metrics, load_throughput: 1.0008e9, load_throughput_up: 1e9, load_throughput_down: 800_000 } };
    expect(formatCaseLine(mixed, 0, 1, { color: false })).toContain('load carried 1 Gbit/s up, 800 kbit/s down');
  });

  it('flags a metric whose runs spread more than half its regression tolerance, and not one within it', () => {
    const gated = (tolerancePercent: number): CaseResult => ({
      ...base,
      regression: [{ metric: 'transaction_rate', tolerancePercent, file: 'suites/s.yml', line: 14 }],
    });
    expect(formatCaseLine(gated(5), 0, 1, { color: false })).toBe(
      '✓ [1/1] s/rr[test=TCP_RR]  transaction_rate 31.0k/s ±3.2%  p99 61 µs  transaction_rate too noisy for a 5% tolerance (±3.2% run to run, more than half of it)  3.0s',
    );
    expect(formatCaseLine(gated(10), 0, 1, { color: false })).not.toContain('too noisy');
  });

  it('names each missed threshold with its observed value and line', () => {
    const failed: CaseResult = {
      ...base,
      status: 'fail',
      thresholds: [
        { metric: 'latency_p99', expression: '< 50us', aggregate: 'median', op: '<', limit: 50, actual: 61, passed: false, file: 'suites/s.yml', line: 12 },
      ],
    };
    expect(formatCaseLine(failed, 0, 1, { color: false })).toBe(
      '✗ [1/1] s/rr[test=TCP_RR]  transaction_rate 31.0k/s ±3.2%  p99 61 µs  latency_p99 < 50us (got 61 µs, suites/s.yml:12)  3.0s',
    );
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

describe('console output of a same-run comparison', () => {
  const [control, head, same, noisy] = abRun().suites[0]!.cases;

  it('prints each candidate with a line against its control: change, bounds, verdict, p and rounds; and why a regressed one did', () => {
    expect(formatCaseLine(control!, 0, 4, { color: false })).toBe('✓ [1/4] ab/bulk[server=base]  throughput 945 Mbit/s ±0.4%  9.1s');
    expect(formatCaseLine(head!, 1, 4, { color: false }).split('\n')).toEqual([
      '✗ [2/4] ab/bulk[server=head]  throughput 897 Mbit/s ±0.4%  9.1s',
      '    server=head vs server=base: throughput −5.00% [−5.10%, −4.86%] regressed (tolerance 3%), p = 0.002, 9 rounds',
      '      why: loss: retransmissions rose 0 → 12 segments per run',
      '      differs: setup (none) → tc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 1gbit burst 1514 limit 96kb',
    ]);
    // an arm that did not regress has nothing to explain
    expect(formatCaseLine(same!, 2, 4, { color: false }).split('\n')).toHaveLength(2);
    expect(formatCaseLine(same!, 2, 4, { color: false }).split('\n')[1]).toBe(
      '    server=same vs server=base: throughput −0.00% [−0.20%, +0.20%] unchanged (tolerance 3%), p = 0.410, 9 rounds',
    );
  });

  it('says under an inconclusive candidate what would decide it', () => {
    const lines = formatCaseLine(noisy!, 3, 4, { color: false }).split('\n');
    expect(lines[0]).toMatch(/^✓ \[4\/4\] ab\/bulk\[server=noisy\] /);
    expect(lines[1]).toBe('    server=noisy vs server=base: throughput +0.88% [−6.53%, +7.98%] inconclusive (tolerance 3%), p = 0.674, 9 rounds');
    expect(lines[2]).toMatch(
      /^ {6}! the noise is too large to tell a drop of more than 3% from none with 9 rounds; what would decide it: about \d+ rounds \(repeat: \{ min: 7, max: \d+ \}\); or pinning both arms to CPUs \(cpu_affinity: \{ local: 0, remote: 1 \}\)/,
    );
  });
});

describe('console output of a comparison with a baseline', () => {
  it('says under a regressed case why: the reading, and the settings that differ', () => {
    const run = abRun();
    const [, head] = run.suites[0]!.cases;
    // the candidate's runs as a case of its own: no arm, no rounds
    const measured = Object.fromEntries(Object.entries(head!).filter(([key]) => key !== 'arm' && key !== 'rounds')) as unknown as CaseResult;
    const bulk = (runs: CaseResult['runs']): CaseResult => ({ ...measured, id: 'ab/bulk', server: 'shaped', runs, regressions: [] });
    const runsOf = (mbit: number, retransmissions: number) => [1, 2, 3, 4, 5].map((i) => ({ throughput: (mbit + i / 10) * 1e6, retransmissions, mss: 1448 }));
    const setup = (rate: string) => ({
      ...run,
      provenance: { perfsuiteVersion: '0.2.0', variables: {}, servers: { 'ab/shaped': { type: 'netns', link: `rate ${rate}` } } },
    });
    const baseline = { ...setup('100mbit'), suites: [{ ...run.suites[0]!, cases: [bulk(runsOf(95, 0))] }] };
    const current = { ...setup('90mbit'), suites: [{ ...run.suites[0]!, cases: [bulk(runsOf(86, 0))] }] };
    const lines = formatComparisonSummary(applyBaseline(current, baseline, 'base.json'), { color: false }).split('\n');
    const at = lines.findIndex((line) => line.startsWith('  ✗ ab/bulk throughput'));
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '      why: capacity: link differs, rate 100mbit → rate 90mbit, and no retransmissions or qdisc drops rose',
      '      differs: link rate 100mbit → rate 90mbit',
    ]);
  });
});

describe('console counts in the singular', () => {
  it('says "1 case" and "of 1 case", not "1 cases"', () => {
    const style = { color: false };
    expect(formatSummary([base], { seconds: 3, outDir: 'out', reports: [], interrupted: false, planned: 1 }, style)).toBe(
      '1 case: 1 passed, 0 failed, 0 could not be measured in 3s\n',
    );
    expect(formatSummary([], { seconds: 3, outDir: 'out', reports: [], interrupted: true, planned: 1 }, style)).toBe(
      'interrupted after 0 of 1 case: 0 passed, 0 failed, 0 could not be measured in 3s\n',
    );
    const threshold = {
      metric: 'transaction_rate',
      expression: '>= 1000',
      aggregate: 'median',
      op: '>=',
      limit: 1000,
      actual: 31000,
      passed: true,
      file: 'suites/s.yml',
      line: 9,
    } as const;
    expect(formatThresholdSummary([{ ...base, thresholds: [threshold] }], style)).toContain(' 1/1 case ');
  });

  it('counts baseline cases not run and cases without a baseline in words, not "case(s)"', () => {
    const run = comparedSweep();
    const text = formatComparisonSummary(
      { ...run, comparison: { ...run.comparison!, missingCases: ['sweep/old'], newCases: ['sweep/a', 'sweep/b'] } },
      { color: false },
    );
    expect(text).toContain('  ! 1 baseline case not run: sweep/old');
    expect(text).toContain('  - 2 cases without a baseline: sweep/a, sweep/b');
  });
});
