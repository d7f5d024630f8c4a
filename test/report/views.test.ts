import { describe, expect, it } from 'vitest';
import { failuresOf } from '../../src/report/failure-view.js';
import { columnUnits, groupsOf, paramLabel } from '../../src/report/group-view.js';
import { loadEffect, underLoadPairs } from '../../src/report/load-view.js';
import { caseSeries, deepestDip, seriesMean } from '../../src/report/series-view.js';
import { sweepAxisName, sweepCharts, sweepXLabel, sweepXName } from '../../src/report/sweep-view.js';
import { verdictOf } from '../../src/results/verdict.js';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import type { SeriesPoint } from '../../src/model/netperf-outcome.js';
import type { CaseParams } from '../../src/model/suite-types.js';
import { intervalRun, recordedLoadInterval, recordedSweep } from './fixtures.js';

function withCases(cases: readonly Partial<CaseResult>[]): RunResult {
  const run = recordedSweep();
  const template = run.suites[0]!.cases[0]!;
  return {
    ...run,
    suites: [{ name: 's', file: 's.yml', cases: cases.map((c, i) => ({ ...template, id: `s/g${i}`, group: 'g', thresholds: [], spread: {}, ...c })) }],
  };
}

describe('report model', () => {
  it('earns the exit code of docs/ci.md: interrupted over unmeasured over failed', () => {
    const run = recordedSweep();
    expect(verdictOf(run)).toMatchObject({ outcome: 'unmeasured', exitCode: 3, counts: { total: 13, pass: 9, fail: 3, error: 1 } });
    expect(verdictOf({ ...run, state: 'interrupted' }).exitCode).toBe(130);
    const noError = { ...run, suites: [{ ...run.suites[0]!, cases: run.suites[0]!.cases.filter((c) => c.status !== 'error') }] };
    expect(verdictOf(noError)).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(verdictOf({ ...run, state: 'crashed', suites: [] })).toMatchObject({ outcome: 'unmeasured', exitCode: 3 });
  });

  it('never calls a run that did not finish a pass: a file still saying running (killed, or its disk filled) exits 3', () => {
    const run = recordedSweep();
    const passed = { ...run, suites: [{ ...run.suites[0]!, cases: run.suites[0]!.cases.filter((c) => c.status === 'pass') }] };
    expect(verdictOf({ ...passed, state: 'complete' })).toMatchObject({ outcome: 'passed', exitCode: 0 });
    const killed = verdictOf({ ...passed, state: 'running' });
    expect(killed).toMatchObject({ outcome: 'unmeasured', exitCode: 3 });
    expect(killed.headline).toBe('9 of 9 cases passed; the run never finished (it was killed, or could not write its results): cases after these are missing');
    expect(verdictOf({ ...passed, state: 'running', suites: [] })).toMatchObject({ outcome: 'unmeasured', exitCode: 3 });
  });

  it('ranks failures: unmeasured first, then by how far the value missed its limit', () => {
    const order = failuresOf(recordedSweep()).map((f) => `${f.kind} ${f.case.id}`);
    expect(order).toEqual([
      'error sweep/unreachable',
      'threshold sweep/rr[request_size=1,test=UDP_RR]',
      'threshold sweep/rr[request_size=1K,test=UDP_RR]',
      'threshold sweep/udp[send_size=8K]',
    ]);
  });

  it('shows the latency percentiles side by side in one unit, chosen by the largest of them', () => {
    // an RR case at 60 µs beside a CRR case whose p99 is 2.4 ms: p90 alone would be µs, p99 alone ms
    const rr = { params: { test: 'TCP_RR' as const }, metrics: { transaction_rate: 16000, latency_p50: 40, latency_p90: 60, latency_p99: 90 } };
    const crr = { params: { test: 'TCP_CRR' as const }, metrics: { transaction_rate: 2000, latency_p50: 300, latency_p90: 700, latency_p99: 2400 } };
    const [view] = groupsOf(withCases([rr, crr]));
    const unitOf = columnUnits(view!);
    expect(['latency_p50', 'latency_p90', 'latency_p99'].map((m) => unitOf(m as 'latency_p50').label)).toEqual(['ms', 'ms', 'ms']);
    expect(unitOf('transaction_rate').label).toBe('/s');
  });

  it('finds the swept parameters and the produced metrics of each group', () => {
    expect(groupsOf(recordedSweep()).map((g) => [g.name, g.swept, g.metrics])).toEqual([
      ['bulk', ['send_size', 'nodelay'], ['throughput']],
      ['udp', ['send_size'], ['throughput', 'send_throughput', 'loss']],
      ['rr', ['test', 'request_size'], ['transaction_rate', 'latency_mean', 'latency_p50', 'latency_p90', 'latency_p99', 'latency_max', 'latency_stddev']],
      ['unreachable', [], []],
    ]);
  });

  it('charts a size only where it forms a line, not where it varies together with a parameter of another kind', () => {
    const withTest = withCases([
      { params: { test: 'TCP_STREAM', send_size: 1024 }, metrics: { throughput: 1 } },
      { params: { test: 'TCP_MAERTS', send_size: 65536 }, metrics: { throughput: 2 } },
    ]);
    expect(sweepCharts(groupsOf(withTest)[0]!)).toEqual([]);
    const grid = withCases([
      { params: { test: 'TCP_STREAM', send_size: 1024, nodelay: true }, metrics: { throughput: 1 } },
      { params: { test: 'TCP_STREAM', send_size: 2048, nodelay: true }, metrics: { throughput: 2 }, status: 'fail' },
      { params: { test: 'TCP_STREAM', send_size: 1024, nodelay: false }, metrics: { throughput: 3 } },
    ]);
    expect(sweepCharts(groupsOf(grid)[0]!)).toEqual([
      {
        axis: 'send_size',
        metric: 'throughput',
        xValues: [1024, 2048],
        series: [
          {
            label: 'nodelay=true',
            points: [
              { x: 1024, y: 1, failed: false },
              { x: 2048, y: 2, failed: true },
            ],
          },
          { label: 'nodelay=false', points: [{ x: 1024, y: 3, failed: false }] },
        ],
      },
    ]);
  });
});

describe('sweep charts of sizes that move together', () => {
  it('draws send_size = recv_size (set together by include) on one axis, named with both', () => {
    const run = withCases(
      [1024, 8192, 65536].flatMap((size, i) =>
        [true, false].map((nodelay) => ({
          params: { test: 'TCP_STREAM' as const, send_size: size, recv_size: size, nodelay },
          metrics: { throughput: (i + 1) * (nodelay ? 1 : 2) },
        })),
      ),
    );
    const charts = sweepCharts(groupsOf(run)[0]!);
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({
      axis: 'send_size',
      lockstep: { params: ['send_size', 'recv_size'], name: 'send_size = recv_size', ticks: ['1K', '8K', '64K'] },
      xValues: [1024, 8192, 65536],
    });
    expect(charts[0]?.series.map((s) => [s.label, s.points.map((p) => p.y)])).toEqual([
      ['nodelay=true', [1, 2, 3]],
      ['nodelay=false', [2, 4, 6]],
    ]);
    expect(sweepAxisName(charts[0]!)).toBe('send_size = recv_size');
    expect(sweepXName(charts[0]!, 8192)).toBe('send_size = recv_size = 8K');
  });

  it('names each place by both values where sizes move together with different values', () => {
    const run = withCases([
      { params: { test: 'UDP_RR', request_size: 64 }, metrics: { transaction_rate: 1 } },
      { params: { test: 'UDP_RR', request_size: 1024, response_size: 1024 }, metrics: { transaction_rate: 2 } },
    ]);
    const [chart] = sweepCharts(groupsOf(run)[0]!);
    expect(chart).toMatchObject({
      axis: 'request_size',
      lockstep: { name: 'request_size / response_size', ticks: ['64 / default', '1K / 1K'] },
      xValues: [64, 1024],
    });
    expect(sweepXLabel(chart!, 64)).toBe('64 / default');
  });

  it('keeps a chart per size for sizes crossed in a matrix (not in lockstep)', () => {
    const run = withCases(
      [1024, 8192].flatMap((send) =>
        [1024, 8192].map((recv) => ({ params: { test: 'TCP_STREAM' as const, send_size: send, recv_size: recv }, metrics: { throughput: send + recv } })),
      ),
    );
    const charts = sweepCharts(groupsOf(run)[0]!);
    expect(charts.map((c) => [c.axis, c.lockstep])).toEqual([
      ['send_size', undefined],
      ['recv_size', undefined],
    ]);
  });
});

describe('sweep charts of streams', () => {
  it('puts a case that leaves streams out at streams 1, where it runs, not in a default category beside it', () => {
    const run = withCases([
      { params: { test: 'TCP_STREAM' }, metrics: { throughput: 1 } },
      { params: { test: 'TCP_STREAM', streams: 2 }, metrics: { throughput: 2 } },
      { params: { test: 'TCP_STREAM', streams: 4 }, metrics: { throughput: 3 } },
    ]);
    const [chart] = sweepCharts(groupsOf(run)[0]!);
    expect(chart?.xValues).toEqual([1, 2, 4]);
    expect(chart?.series[0]?.points.map((p) => p.x)).toEqual([1, 2, 4]);
  });
});

describe('interim results (interval:)', () => {
  const withSeries = (series: readonly (readonly SeriesPoint[])[]): CaseResult => ({ ...recordedSweep().suites[0]!.cases[0]!, series });
  const rate = (points: readonly [number, number][]): SeriesPoint[] => points.map(([t, transaction_rate]) => ({ t, transaction_rate }));

  it("finds the deepest dip against its run's mean, each interim value weighted by its interval", () => {
    const [idle, loaded, bulk] = recordedLoadInterval().suites[0]!.cases;
    // 21918/s over the first 0.782 s of a run whose intervals average 43088/s (netperf said 43028/s for the run): the
    // ramp-up of the first interval is no dip, and every later interval is above the mean
    const series = caseSeries(loaded!)!.runs[0]!.points;
    expect(seriesMean(series)).toBeCloseTo(43087.53, 1);
    expect(series[0]).toEqual({ t: 0.782, value: 21917.78 });
    expect(deepestDip(loaded!)).toBeUndefined();
    // a short last interval (1.986 → 2.001 s) counts for its 15 ms only: the mean is netperf's 22314/s, not 20725/s
    expect(deepestDip(idle!)?.mean).toBeCloseTo(22314.67, 1);
    expect(deepestDip(idle!)).toMatchObject({ run: 1, t: 1.986 });
    expect(deepestDip(bulk!)).toMatchObject({ metric: 'throughput', t: 0.685 });
  });

  it("passes over an interval shorter than half the asked-for one: netperf's short last interval is noise, not a dip", () => {
    const c = {
      ...withSeries([
        rate([
          [0.5, 100],
          [1, 90],
          [1.5, 100],
          [1.52, 10],
        ]),
      ]),
      params: { test: 'TCP_RR', interval: 0.5 },
    } as CaseResult;
    expect(deepestDip(c)).toMatchObject({ run: 1, t: 1 });
    // without interval: (an older results.json) every point is a candidate
    expect(deepestDip({ ...c, params: { test: 'TCP_RR' } })).toMatchObject({ run: 1, t: 1.52 });
  });

  it('takes the deepest dip over all runs, and names its run', () => {
    expect(
      deepestDip(
        withSeries([
          rate([
            [1, 100],
            [2, 80],
            [3, 120],
          ]),
          rate([
            [1, 100],
            [2, 50],
            [3, 150],
          ]),
          rate([
            [1, 90],
            [2, 110],
          ]),
        ]),
      ),
    ).toEqual({
      metric: 'transaction_rate',
      run: 2,
      t: 2,
      value: 50,
      mean: 100,
      change: -0.5,
    });
    const dip = deepestDip(intervalRun(3, 40).suites[0]!.cases[0]!);
    expect(dip).toMatchObject({ metric: 'throughput', run: 3, t: 1.8 });
    expect(dip?.change).toBeCloseTo(-0.38, 1);
  });

  it('finds no dip in a run of fewer than 2 points, a mean of 0, a flat run, or a case without interim results', () => {
    expect(deepestDip(withSeries([rate([[1, 100]])]))).toBeUndefined();
    expect(
      deepestDip(
        withSeries([
          rate([
            [1, 0],
            [2, 0],
          ]),
        ]),
      ),
    ).toBeUndefined();
    expect(
      deepestDip(
        withSeries([
          rate([
            [1, 7],
            [2, 7],
            [2.5, 7],
          ]),
        ]),
      ),
    ).toBeUndefined();
    expect(deepestDip(withSeries([]))).toBeUndefined();
    expect(deepestDip(recordedSweep().suites[0]!.cases[0]!)).toBeUndefined();
    // a run too short to judge does not hide the dip of another
    expect(
      deepestDip(
        withSeries([
          rate([[1, 1]]),
          rate([
            [1, 100],
            [2, 60],
          ]),
        ]),
      ),
    ).toMatchObject({ run: 2, t: 2, mean: 80, change: -0.25 });
  });

  it('reads the metric of each test type and the length of the longest run', () => {
    const udp = caseSeries(
      withSeries([
        [
          { t: 0.5, send_throughput: 1e9 },
          { t: 1, send_throughput: 2e9 },
        ],
        [{ t: 1.5, send_throughput: 3e9 }],
      ]),
    );
    expect(udp).toEqual({
      metric: 'send_throughput',
      seconds: 1.5,
      runs: [
        {
          run: 1,
          points: [
            { t: 0.5, value: 1e9 },
            { t: 1, value: 2e9 },
          ],
        },
        { run: 2, points: [{ t: 1.5, value: 3e9 }] },
      ],
    });
    expect(caseSeries(recordedLoadInterval().suites[0]!.cases[1]!)).toMatchObject({ metric: 'transaction_rate', seconds: 2, runs: [{ run: 1 }] });
    expect(caseSeries(recordedSweep().suites[0]!.cases[0]!)).toBeUndefined();
  });
});

describe('latency under load', () => {
  const rr = (id: string, group: string, params: Partial<CaseParams>, metrics: CaseResult['metrics'], server = 'local'): Partial<CaseResult> => ({
    id,
    group,
    server,
    params: { test: 'TCP_RR', ...params },
    metrics,
  });
  const load = { test: 'TCP_STREAM', streams: 2 } as const;

  it('pairs the recorded case under load with its idle twin', () => {
    const [view] = underLoadPairs(recordedLoadInterval());
    expect(view?.suite.name).toBe('lul');
    expect(view?.pairs.map((p) => [p.idle.id, p.loaded.id, p.load, p.label])).toEqual([
      ['lul/rr[load=none]', 'lul/rr[load=2xTCP_STREAM]', '2xTCP_STREAM', 'rr'],
    ]);
    expect(underLoadPairs(recordedSweep())).toEqual([]);
  });

  it('pairs only cases that differ in nothing but the load, across groups too, labelled by what tells the pairs apart', () => {
    const run = withCases([
      rr('s/a[load=none,request_size=1]', 'a', { request_size: 1, load: 'none' }, {}),
      rr('s/a[load=2xTCP_STREAM,request_size=1]', 'a', { request_size: 1, load }, {}),
      rr('s/a[load=4xTCP_STREAM,request_size=1]', 'a', { request_size: 1, load: { ...load, streams: 4 } }, {}),
      rr('s/a[load=none,request_size=1K]', 'a', { request_size: 1024, load: 'none' }, {}),
      rr('s/a[load=2xTCP_STREAM,request_size=1K]', 'a', { request_size: 1024, load }, {}),
      // no idle twin: nodelay differs, and the server differs
      rr('s/b[nodelay]', 'b', { request_size: 1, nodelay: true, load }, {}),
      rr('s/c', 'c', { request_size: 1, load }, {}, 'peer'),
      // idle in one group (load absent), loaded in another
      rr('s/idle', 'idle', { test: 'TCP_CRR' }, {}),
      rr('s/loaded', 'loaded', { test: 'TCP_CRR', load }, {}),
    ]);
    const [view] = underLoadPairs(run);
    expect(view?.pairs.map((p) => [p.idle.id, p.loaded.id, p.load, p.label])).toEqual([
      ['s/a[load=none,request_size=1]', 's/a[load=2xTCP_STREAM,request_size=1]', '2xTCP_STREAM', 'a test=TCP_RR request_size=1'],
      ['s/a[load=none,request_size=1]', 's/a[load=4xTCP_STREAM,request_size=1]', '4xTCP_STREAM', 'a test=TCP_RR request_size=1'],
      ['s/a[load=none,request_size=1K]', 's/a[load=2xTCP_STREAM,request_size=1K]', '2xTCP_STREAM', 'a test=TCP_RR request_size=1K'],
      ['s/idle', 's/loaded', '2xTCP_STREAM', 'loaded test=TCP_CRR request_size=default'],
    ]);
    // within one group, the group is not repeated on every row
    const oneGroup = withCases([
      rr('s/i1', 'g', { request_size: 1 }, {}),
      rr('s/l1', 'g', { request_size: 1, load }, {}),
      rr('s/i2', 'g', { request_size: 64 }, {}),
      rr('s/l2', 'g', { request_size: 64, load }, {}),
    ]);
    expect(underLoadPairs(oneGroup)[0]?.pairs.map((p) => p.label)).toEqual(['request_size=1', 'request_size=64']);
  });

  it("says what the load did to each metric, worse by the metric's direction", () => {
    const idle = rr('s/i', 'g', {}, { transaction_rate: 20000, latency_p50: 50, latency_p99: 0 });
    const loaded = rr('s/l', 'g', { load }, { transaction_rate: 15000, latency_p50: 40, latency_p99: 90, load_throughput: 9e9 });
    const pair = underLoadPairs(withCases([idle, loaded]))[0]!.pairs[0]!;
    expect(loadEffect(pair, 'transaction_rate')).toEqual({ idle: 20000, loaded: 15000, change: -0.25, isWorse: true });
    expect(loadEffect(pair, 'latency_p50')).toEqual({ idle: 50, loaded: 40, change: -0.2, isWorse: false });
    // nothing to divide by, and nothing measured idle
    expect(loadEffect(pair, 'latency_p99')).toEqual({ idle: 0, loaded: 90, isWorse: false });
    expect(loadEffect(pair, 'load_throughput')).toEqual({ loaded: 9e9, isWorse: false });
    const slower = underLoadPairs(withCases([rr('s/i', 'g', {}, { latency_p99: 80 }), rr('s/l', 'g', { load }, { latency_p99: 200 })]))[0]!.pairs[0]!;
    expect(loadEffect(slower, 'latency_p99')).toEqual({ idle: 80, loaded: 200, change: 1.5, isWorse: true });
  });
});

describe('labels of parameters a case leaves out', () => {
  it('names a sweep line by `default` for a parameter the case does not set, not by an empty `response_size=`', () => {
    const rr = (id: string, params: Partial<CaseParams>, rate: number): Partial<CaseResult> => ({
      id,
      params: { test: 'TCP_RR', ...params },
      metrics: { transaction_rate: rate },
      status: 'pass',
    });
    const run = withCases([
      rr('s/g[request_size=1]', { request_size: 1 }, 100),
      rr('s/g[request_size=1K]', { request_size: 1024 }, 90),
      rr('s/g[request_size=1,response_size=1K]', { request_size: 1, response_size: 1024 }, 80),
      rr('s/g[request_size=1K,response_size=1K]', { request_size: 1024, response_size: 1024 }, 70),
    ]);
    const [view] = groupsOf(run);
    const chart = sweepCharts(view!).find((c) => c.axis === 'request_size');
    expect(chart?.series.map((s) => s.label)).toEqual(['response_size=default', 'response_size=1K']);
    const template = run.suites[0]!.cases[0]!;
    expect(paramLabel({ ...template, params: { test: 'TCP_RR' } }, 'load')).toBe('load=none');
  });
});
