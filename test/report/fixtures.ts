import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyBaseline } from '../../src/compare/compare-runs.js';
import type { MetricName } from '../../src/model/metrics.js';
import type { RunMetrics } from '../../src/model/netperf-outcome.js';
import type { CaseResult, RunResult, RegressionTolerance } from '../../src/model/results.js';
import { summarizeRuns } from '../../src/run/aggregate.js';
import { projectRoot } from '../helpers.js';

/** A real run of test/fixtures/results/sweep.yml: 13 cases, 3 missed thresholds, 1 unreachable server. */
export function recordedSweep(): RunResult {
  return JSON.parse(readFileSync(path.join(projectRoot, 'test/fixtures/results/sweep.results.json'), 'utf8')) as RunResult;
}

/** The same run with the clock and host replaced, as reports must show what they are given. */
export function withInjected(result: RunResult, startedAt: string, hostname: string): RunResult {
  return { ...result, startedAt, finishedAt: new Date(Date.parse(startedAt) + 90_000).toISOString(), environment: { ...result.environment, hostname } };
}

const SIZES = [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288];
const BUFFERS = [131072, 262144, 1048576, 4194304, 'default'] as const;

/**
 * A large synthetic run: `count` TCP_STREAM cases in groups of 100 (send_size × socket_buffer × nodelay), with
 * every seventh case missing its threshold and every fifty-first unmeasured. Built, not measured, to test report sizes.
 */
export function syntheticRun(count: number): RunResult {
  const cases: CaseResult[] = [];
  for (let i = 0; i < count; i += 1) {
    const group = `sweep-${String(Math.floor(i / 100)).padStart(3, '0')}`;
    const within = i % 100;
    const params = { test: 'TCP_STREAM' as const, duration: 1, send_size: SIZES[within % 10] ?? 1024, socket_buffer: BUFFERS[Math.floor(within / 10) % 5] ?? 'default', nodelay: within >= 50 };
    const throughput = 1e9 + ((i * 7919) % 5000) * 1e7;
    const isError = i % 51 === 50;
    const failed = !isError && i % 7 === 3;
    const id = `big/${group}[nodelay=${params.nodelay},send_size=${params.send_size},socket_buffer=${params.socket_buffer}]`;
    cases.push({
      id,
      group,
      server: 'local',
      params,
      file: 'suites/big.yml',
      line: 10 + Math.floor(i / 100) * 8,
      status: isError ? 'error' : failed ? 'fail' : 'pass',
      metrics: isError ? {} : { throughput },
      runs: isError ? [] : [{ throughput }],
      spread: {},
      thresholds: isError
        ? []
        : [{ metric: 'throughput', expression: failed ? '>= 60 Gbit/s' : '>= 1 Gbit/s', aggregate: 'median', op: '>=', limit: failed ? 60e9 : 1e9, actual: throughput, passed: !failed, file: 'suites/big.yml', line: 14 + Math.floor(i / 100) * 8 }],
      ...(isError ? { error: { kind: 'timeout' as const, message: 'netperf did not finish within 6 s; it was killed' } } : {}),
      retries: 0,
      durationSeconds: 1.0123,
      netperf: [],
    });
  }
  return {
    schemaVersion: 2,
    state: 'complete',
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T04:04:05.000Z',
    environment: { hostname: 'ci-runner', platform: 'linux', kernel: '6.1.0', arch: 'x64', cpuCount: 4, cpuModel: 'Test CPU', node: 'v20.20.0', netperfVersion: '2.7.0', perfsuiteVersion: '0.1.0' },
    servers: [{ key: 'big/local', host: '127.0.0.1', port: 40000 }],
    suites: [{ name: 'big', file: 'suites/big.yml', cases }],
  };
}

/**
 * A measured case with five runs instead of its recorded two: each metric's two runs, its median, and the points
 * halfway between, so the median, min and max stay as recorded. Five runs a side is the least at which the
 * Mann–Whitney test can reach α = 0.01, so a baseline comparison can decide either way.
 */
function withFiveRuns(c: CaseResult): CaseResult {
  const [a, b] = c.runs;
  if (a === undefined || b === undefined) return c;
  const at = (position: number): RunMetrics =>
    Object.fromEntries(
      (Object.keys(a) as MetricName[]).map((metric) => {
        const low = a[metric] ?? 0;
        const high = b[metric] ?? low;
        const middle = c.metrics[metric] ?? (low + high) / 2;
        return [metric, [low, (low + middle) / 2, middle, (middle + high) / 2, high][position] ?? middle];
      }),
    );
  const runs = [0, 1, 2, 3, 4].map(at);
  return { ...c, params: { ...c.params, repeat: 5 }, runs, spread: summarizeRuns(runs).spread };
}

/** A case with one metric of every run scaled by `factor`, as if other code had measured it. */
function scaled(c: CaseResult, metric: MetricName, factor: number): CaseResult {
  const runs = c.runs.map((r) => ({ ...r, [metric]: (r[metric] ?? 0) * factor }));
  return { ...c, runs, ...summarizeRuns(runs) };
}

/**
 * The recorded run with `regression:` tolerances of 5% and five runs a case, against a baseline in which the bulk
 * group was 20% faster (so its six cases regress), `udp[send_size=8K]` 10% slower (so it improved), the rest the same
 * (the TCP_RR cases come out unchanged; the UDP_RR cases, whose runs spread 10–16%, inconclusive at 5 runs a side),
 * `udp[send_size=1K]` missing, and the kernel different.
 */
export function sweepAndBaseline(): { readonly current: RunResult; readonly baseline: RunResult } {
  const recorded = recordedSweep();
  const tolerances = (c: CaseResult): RegressionTolerance[] => {
    const metric = c.group === 'rr' ? 'transaction_rate' : 'throughput';
    return c.group === 'unreachable' ? [] : [{ metric, tolerancePercent: 5, file: 'test/fixtures/results/sweep.yml', line: c.group === 'bulk' ? 17 : c.line }];
  };
  const current: RunResult = {
    ...recorded,
    schemaVersion: 2,
    suites: recorded.suites.map((s) => ({ ...s, cases: s.cases.map((c) => ({ ...withFiveRuns(c), regression: tolerances(c) })) })),
  };
  const earlier = (c: CaseResult): CaseResult =>
    c.group === 'bulk' ? scaled(withFiveRuns(c), 'throughput', 1.2) : c.id === 'sweep/udp[send_size=8K]' ? scaled(withFiveRuns(c), 'throughput', 0.9) : withFiveRuns(c);
  const baseline: RunResult = {
    ...recorded,
    schemaVersion: 2,
    environment: { ...recorded.environment, kernel: '6.1.0-28-amd64' },
    suites: recorded.suites.map((s) => ({ ...s, cases: s.cases.filter((c) => c.id !== 'sweep/udp[send_size=1K]').map(earlier) })),
  };
  return { current, baseline };
}

/** The recorded run judged against that baseline. */
export function comparedSweep(): RunResult {
  const { current, baseline } = sweepAndBaseline();
  return applyBaseline(current, baseline, 'baseline/results.json');
}
