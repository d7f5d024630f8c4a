import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyBaseline } from '../../src/compare/compare-runs.js';
import { statusOf } from '../../src/model/results.js';
import { judgeAgainstControl } from '../../src/compare/judge-arms.js';
import type { MetricName } from '../../src/model/metrics.js';
import type { RunMetrics } from '../../src/model/netperf-outcome.js';
import type { CaseResult, RunResult, RegressionTolerance } from '../../src/model/results.js';
import { formatLoad, type LoadSpec } from '../../src/model/suite-types.js';
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
    const params = {
      test: 'TCP_STREAM' as const,
      duration: 1,
      send_size: SIZES[within % 10] ?? 1024,
      socket_buffer: BUFFERS[Math.floor(within / 10) % 5] ?? 'default',
      nodelay: within >= 50,
    };
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
        : [
            {
              metric: 'throughput',
              expression: failed ? '>= 60 Gbit/s' : '>= 1 Gbit/s',
              aggregate: 'median',
              op: '>=',
              limit: failed ? 60e9 : 1e9,
              actual: throughput,
              passed: !failed,
              file: 'suites/big.yml',
              line: 14 + Math.floor(i / 100) * 8,
            },
          ],
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
    environment: {
      hostname: 'ci-runner',
      platform: 'linux',
      kernel: '6.1.0',
      arch: 'x64',
      cpuCount: 4,
      cpuModel: 'Test CPU',
      node: 'v20.20.0',
      netperfVersion: '2.7.0',
      perfsuiteVersion: '0.1.0',
    },
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

/** A case with metrics of every run scaled, as if other code had measured it. */
function scaled(c: CaseResult, factors: Partial<Record<MetricName, number>>): CaseResult {
  const runs = c.runs.map((r) => ({
    ...r,
    ...Object.fromEntries(Object.entries(factors).map(([metric, factor]) => [metric, (r[metric as MetricName] ?? 0) * factor])),
  }));
  return { ...c, runs, ...summarizeRuns(runs) };
}

/**
 * The recorded run with five runs a case and `regression:` tolerances (5%, and 1 point of loss for udp), against a
 * baseline with five runs a case too, in which:
 * - the bulk group was 20% faster: its six cases regress;
 * - `udp[send_size=8K]` was 10% slower: it improved; and lost half as much, 0.2 points less: within 1 point, unchanged;
 * - `rr[request_size=1K,test=UDP_RR]` was 8% faster, but its runs spread 16%: inconclusive;
 * - `rr[request_size=1,test=UDP_RR]` was the same, but its runs spread 10%: inconclusive too, as 5% cannot be told at 5 runs a side;
 * - the TCP_RR cases were the same: unchanged;
 * - `udp[send_size=1K]` is missing (not compared), and the kernel differs.
 */
export function sweepAndBaseline(): { readonly current: RunResult; readonly baseline: RunResult } {
  const recorded = recordedSweep();
  const tolerances = (c: CaseResult): RegressionTolerance[] => {
    const at = { file: 'test/fixtures/results/sweep.yml', line: c.group === 'bulk' ? 17 : c.line };
    if (c.group === 'unreachable') return [];
    if (c.group === 'rr') return [{ metric: 'transaction_rate', tolerancePercent: 5, ...at }];
    // loss is judged in percentage points
    return [{ metric: 'throughput', tolerancePercent: 5, ...at }, ...(c.group === 'udp' ? [{ metric: 'loss' as const, tolerancePercent: 1, ...at }] : [])];
  };
  const current: RunResult = {
    ...recorded,
    schemaVersion: 2,
    suites: recorded.suites.map((s) => ({ ...s, cases: s.cases.map((c) => ({ ...withFiveRuns(c), regression: tolerances(c) })) })),
  };
  const earlier: Readonly<Record<string, Partial<Record<MetricName, number>>>> = {
    bulk: { throughput: 1.2 },
    'sweep/udp[send_size=8K]': { throughput: 0.9, loss: 0.5 },
    'sweep/rr[request_size=1K,test=UDP_RR]': { transaction_rate: 1.08 },
  };
  const before = (c: CaseResult): CaseResult => scaled(withFiveRuns(c), earlier[c.id] ?? earlier[c.group] ?? {});
  const baseline: RunResult = {
    ...recorded,
    schemaVersion: 2,
    environment: { ...recorded.environment, kernel: '6.1.0-28-amd64' },
    suites: recorded.suites.map((s) => ({ ...s, cases: s.cases.filter((c) => c.id !== 'sweep/udp[send_size=1K]').map(before) })),
  };
  return { current, baseline };
}

/** The recorded run judged against that baseline. */
export function comparedSweep(): RunResult {
  const { current, baseline } = sweepAndBaseline();
  return applyBaseline(current, baseline, 'baseline/results.json');
}

/** How each arm of abRun() measures in round r, relative to the control. */
const ARMS: Readonly<Record<string, (round: number) => number>> = {
  base: () => 1,
  // 5% slower in every round: regressed at a 3% tolerance
  head: (round) => 0.95 * (1 + (((round * 104729) % 5) - 2) / 1000),
  // the same within ±0.3%: unchanged
  same: (round) => 1 + (((round * 104729) % 7) - 3) / 1000,
  // up to ±10% round by round, about +2% in the middle: inconclusive at 3%
  noisy: (round) => [1.08, 0.93, 1.05, 0.96, 1.1, 0.91, 1.02, 0.97, 1.06][round - 1] ?? 1,
};

/**
 * A same-run A/B comparison, judged as `run` judges it: `matrix: { server: [base, head, same, noisy] }`,
 * `compare: { server: base }`, `regression: { throughput: 3% }`, 9 interleaved rounds with the order seed 42. Every arm
 * is a namespace on a 1gbit link; head's setup gives its veth a tbf whose bucket holds one packet, and it retransmits
 * 11–13 segments a run where the others retransmit none.
 */
export function abRun(): RunResult {
  const rounds = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const control = 'ab/bulk[server=base]';
  const tolerance: RegressionTolerance = { metric: 'throughput', tolerancePercent: 3, file: 'suites/ab.yml', line: 14 };
  const arm = (server: string): CaseResult => {
    const runs = rounds.map((round) => ({
      throughput: 940e6 * (1 + ((round * 7919) % 13) / 1000) * (ARMS[server]?.(round) ?? 1),
      retransmissions: server === 'head' ? 11 + (round % 3) : 0,
      mss: 1448,
    }));
    return {
      id: `ab/bulk[server=${server}]`,
      group: 'bulk',
      server,
      params: { test: 'TCP_STREAM', duration: 1, repeat: { min: 7, max: 9 } },
      file: 'suites/ab.yml',
      line: 9,
      status: 'pass',
      ...summarizeRuns(runs),
      runs,
      thresholds: [],
      regression: [tolerance],
      arm: { role: server === 'base' ? 'control' : 'candidate', axis: 'server', control, value: server, controlValue: 'base' },
      rounds,
      retries: 0,
      durationSeconds: 9.1,
      netperf: [],
    };
  };
  const environment = {
    hostname: 'ci-runner',
    platform: 'linux',
    kernel: '6.1.0',
    arch: 'x64',
    cpuCount: 2,
    cpuModel: 'Test CPU',
    node: 'v20.20.0',
    netperfVersion: '2.7.0',
    perfsuiteVersion: '0.2.0',
  };
  const netns = { type: 'netns', link: 'rate 1gbit' };
  const provenance = {
    perfsuiteVersion: '0.2.0',
    variables: { ab: {} },
    servers: {
      'ab/base': netns,
      'ab/head': { ...netns, setup: ['tc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 1gbit burst 1514 limit 96kb'] },
      'ab/same': netns,
      'ab/noisy': netns,
    },
  };
  const base = arm('base');
  const candidates = ['head', 'same', 'noisy'].map((server) => {
    const c = arm(server);
    const judged = { ...c, regressions: judgeAgainstControl(base, c, { run: { environment, provenance } }) };
    return { ...judged, status: statusOf(judged) };
  });
  return {
    schemaVersion: 2,
    state: 'complete',
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:05:20.000Z',
    environment,
    provenance,
    servers: [],
    seed: 42,
    suites: [{ name: 'ab', file: 'suites/ab.yml', cases: [base, ...candidates] }],
  };
}

/**
 * A real run of test/fixtures/results/load-interval.yml, one run a case: `rr` is TCP_RR with `interval: 500ms`, idle
 * (`load: none`) and under two TCP_STREAM load streams; `bulk` is a 2-stream TCP_STREAM with `interval: 250ms`.
 */
export function recordedLoadInterval(): RunResult {
  return JSON.parse(readFileSync(path.join(projectRoot, 'test/fixtures/results/load-interval.results.json'), 'utf8')) as RunResult;
}

/**
 * One TCP_STREAM case with `interval: 100ms`, built, not measured: `runs` runs of `points` interim results each, about
 * 10 Gbit/s with a deterministic ripple of ±1%, and, when there is a third run, a dip in it to 62% at 1.8 s.
 */
export function intervalRun(runs: number, points: number): RunResult {
  const series = Array.from({ length: runs }, (_, r) =>
    Array.from({ length: points }, (_, i) => ({
      t: (i + 1) / 10,
      throughput: 10e9 * (1 + ((((i + 1) * 7919 + r * 104729) % 11) - 5) / 500) * (r === 2 && i === 17 ? 0.62 : 1),
    })),
  );
  const measured = series.map((s) => ({ throughput: s.reduce((total, p) => total + p.throughput, 0) / s.length }));
  const c: CaseResult = {
    id: 'iv/bulk',
    group: 'bulk',
    server: 'local',
    params: { test: 'TCP_STREAM', duration: points / 10, interval: 0.1, repeat: runs },
    file: 'suites/iv.yml',
    line: 5,
    status: 'pass',
    ...summarizeRuns(measured),
    runs: measured,
    series,
    thresholds: [],
    retries: 0,
    durationSeconds: (runs * points) / 10,
    netperf: [],
  };
  return { ...syntheticRun(0), servers: [], suites: [{ name: 'iv', file: 'suites/iv.yml', cases: [c] }] };
}

/** The medians of a real run of suites/tuning/tuning.yml's `latency-under-load`, per congestion control, socket buffer and load. */
const TUNING: readonly { readonly cc: string; readonly buffer: number | 'default'; readonly loaded: boolean; readonly metrics: CaseResult['metrics'] }[] = [
  {
    cc: 'cubic',
    buffer: 'default',
    loaded: false,
    metrics: { latency_mean: 16.59, latency_max: 7158, latency_stddev: 27.03, transaction_rate: 60060.439, latency_p50: 16, latency_p90: 19, latency_p99: 22 },
  },
  {
    cc: 'cubic',
    buffer: 'default',
    loaded: true,
    metrics: {
      latency_mean: 22883.26,
      latency_max: 45446,
      latency_stddev: 1532.9,
      transaction_rate: 43.495,
      latency_p50: 22504,
      latency_p90: 22907,
      latency_p99: 22995,
      load_throughput: 47.93e6,
    },
  },
  {
    cc: 'cubic',
    buffer: 1048576,
    loaded: false,
    metrics: { latency_mean: 24.25, latency_max: 9195, latency_stddev: 114.18, transaction_rate: 41142.198, latency_p50: 18, latency_p90: 23, latency_p99: 53 },
  },
  {
    cc: 'cubic',
    buffer: 1048576,
    loaded: true,
    metrics: {
      latency_mean: 22999.59,
      latency_max: 47831,
      latency_stddev: 2156.17,
      transaction_rate: 43.278,
      latency_p50: 22512,
      latency_p90: 22936,
      latency_p99: 27000,
      load_throughput: 49.57e6,
    },
  },
  {
    cc: 'bbr',
    buffer: 'default',
    loaded: false,
    metrics: {
      latency_mean: 30.77,
      latency_max: 41720,
      latency_stddev: 194.28,
      transaction_rate: 32446.755,
      latency_p50: 17,
      latency_p90: 38,
      latency_p99: 66,
    },
  },
  {
    cc: 'bbr',
    buffer: 'default',
    loaded: true,
    metrics: {
      latency_mean: 13801.82,
      latency_max: 29990,
      latency_stddev: 2744.87,
      transaction_rate: 72.189,
      latency_p50: 14015,
      latency_p90: 16941,
      latency_p99: 20000,
      load_throughput: 48.4e6,
    },
  },
  {
    cc: 'bbr',
    buffer: 1048576,
    loaded: false,
    metrics: { latency_mean: 18.33, latency_max: 5326, latency_stddev: 30.25, transaction_rate: 54426.579, latency_p50: 17, latency_p90: 20, latency_p99: 35 },
  },
  {
    cc: 'bbr',
    buffer: 1048576,
    loaded: true,
    metrics: {
      latency_mean: 11844.82,
      latency_max: 19176,
      latency_stddev: 3319.4,
      transaction_rate: 84.081,
      latency_p50: 11784,
      latency_p90: 16320,
      latency_p99: 18785,
      load_throughput: 48.01e6,
    },
  },
];

/**
 * suites/tuning/tuning.yml's `latency-under-load` group as a real run measured it (TCP_RR, `interval: 500ms`, one run
 * a case, cubic and bbr × socket_buffer default and 1M × idle and under `load`), with a built interim series of ten
 * points per case around its transaction rate. `load` defaults to the suite's two TCP_STREAM flows; `cc` renames the
 * congestion controls, for labels of any length.
 */
export function tuningRun(load: LoadSpec = { test: 'TCP_STREAM', streams: 2 }, cc: (name: string) => string = (name) => name): RunResult {
  const cases = TUNING.map((row, i): CaseResult => {
    const params = {
      test: 'TCP_RR' as const,
      duration: 5,
      socket_buffer: row.buffer,
      congestion_control: cc(row.cc),
      interval: 0.5,
      load: row.loaded ? load : ('none' as const),
    };
    const rate = row.metrics.transaction_rate ?? 0;
    const series = [Array.from({ length: 10 }, (_, p) => ({ t: (p + 1) / 2, transaction_rate: rate * (1 + ((((p + 1) * 7919 + i * 104729) % 11) - 5) / 50) }))];
    return {
      id: `tuning/latency-under-load[congestion_control=${params.congestion_control},load=${formatLoad(params.load)},socket_buffer=${row.buffer === 'default' ? 'default' : '1M'}]`,
      group: 'latency-under-load',
      server: 'link',
      params,
      file: 'suites/tuning/tuning.yml',
      line: 20,
      status: 'pass',
      metrics: row.metrics,
      runs: [row.metrics],
      spread: {},
      series,
      thresholds: [],
      retries: 0,
      durationSeconds: 6,
      netperf: [],
    };
  });
  return { ...syntheticRun(0), servers: [], suites: [{ name: 'tuning', file: 'suites/tuning/tuning.yml', cases }] };
}

/**
 * A real run of suites/rrul/rrul.yml (`--duration 2s`, `interval: 500ms`, one run a case, through its shaped netns link;
 * netperf's output left out): the idle TCP_RR case, and the loaded one with eight flows, each with its series on the
 * measured test's time axis.
 */
export function recordedRrulInterval(): RunResult {
  return JSON.parse(readFileSync(path.join(projectRoot, 'test/fixtures/results/rrul-interval.results.json'), 'utf8')) as RunResult;
}
