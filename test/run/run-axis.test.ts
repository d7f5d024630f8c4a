import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../src/model/results.js';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import { parseInterimResults } from '../../src/netperf/parse-output.js';
import { sameDecimals } from '../../src/report/timeline-svg.js';
import { onRunAxis } from '../../src/run/aggregate.js';
import { caseTimeline, latencyMean, latencySteps, measuredBins } from '../../src/report/timeline-view.js';
import { resampleSteps, stepsMean, sumSteps } from '../../src/stats/steps.js';
import { timeWeightedMean } from '../../src/stats/summary.js';
import { fakeOptions, measureCases, planFor, recorded } from './fake-run.js';

const LOAD = recorded('tcp-stream-interval-load');
const MEASURED = recorded('tcp-rr-interval-loaded');
/** netperf's NETPERF_ENDING[i] and NETPERF_INTERVAL[i] of a recorded output, as numbers. */
const field = (stdout: string, name: string, i: number): number => Number(new RegExp(`^NETPERF_${name}\\[${i}\\]=(.*)$`, 'm').exec(stdout)?.[1]);
const startOf = (stdout: string): number => field(stdout, 'ENDING', 0) - field(stdout, 'INTERVAL', 0);
/** A recorded output as if run `seconds` later: every NETPERF_ENDING moved by that much. */
const later = (outcome: ProcessOutcome, seconds: number): ProcessOutcome => ({
  ...outcome,
  stdout: outcome.stdout.replace(
    /^(NETPERF_ENDING\[\d+\]=)(.*)$/gm,
    (_: string, key: string, value: string) => `${key}${(Number(value) + seconds).toFixed(6)}`,
  ),
});
/** A start parsed from interim results, which must parse. */
const startIn = (stdout: string, test: 'TCP_STREAM' | 'TCP_RR' = 'TCP_STREAM'): number => {
  const interim = parseInterimResults(stdout, test);
  if (typeof interim === 'string') throw new Error(interim);
  return interim.start;
};

describe('one time axis for a run under load', () => {
  it('parseInterimResults gives when the first interval began, on this host’s clock (recorded: a load stream and the RR test it loaded, run at once)', () => {
    expect(startIn(LOAD.stdout)).toBeCloseTo(startOf(LOAD.stdout), 6);
    expect(startIn(MEASURED.stdout, 'TCP_RR')).toBeCloseTo(startOf(MEASURED.stdout), 6);
    // the RR test waited 1 s (-s 1) behind the load
    expect(startIn(MEASURED.stdout, 'TCP_RR') - startIn(LOAD.stdout)).toBeGreaterThan(0.9);
    expect(parseInterimResults('THROUGHPUT=1\n', 'TCP_STREAM')).toEqual({ start: NaN, points: [] });
  });

  it('onRunAxis moves a series to seconds from the measured test’s start: a lead of 1.028 s puts the first points below 0', () => {
    const moved = onRunAxis(
      [
        { t: 0.5, throughput: 8e6 },
        { t: 1.0, throughput: 9e6 },
        { t: 1.5, throughput: 10e6 },
      ],
      1000.0,
      1001.028,
    );
    expect(moved).toEqual({
      start: -1.028,
      series: [
        { t: -0.528, throughput: 8e6 },
        { t: -0.028, throughput: 9e6 },
        { t: 0.472, throughput: 10e6 },
      ],
    });
  });

  it('a loaded run with interval: keeps every load stream’s series on the measured test’s axis (fake executor, recorded outputs)', async () => {
    const calls: string[][] = [];
    // each process its own clock reading: the two measured streams start 0.2 s apart, the load streams 0.1 s apart,
    // so a stream given another's output, or an origin other than the earliest measured start, shows
    let rr = 0;
    let load = 0;
    const executor: NetperfExecutor = {
      run: (argv) => {
        calls.push([...argv]);
        return Promise.resolve(argv.includes('TCP_RR') ? later(MEASURED, 0.2 * rr++) : later(LOAD, 0.1 * load++));
      },
    };
    const servers: ServerPool = { acquire: () => Promise.resolve({ host: '127.0.0.1', port: 4242 }), recover: () => Promise.resolve() };
    const yaml = `version: 1\nname: s\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1\n    streams: 2\n    interval: 500ms\n    load:\n      flows:\n        - { test: TCP_STREAM, streams: 2, dscp: CS1 }\n`;
    const [c] = (await measureCases(planFor(yaml), { ...fakeOptions(executor, servers), maxRetries: 0 })).results;
    expect(c?.status).toBe('pass');
    // every process reads the clock at each send or transaction (-D negative), so the intervals are the ones asked for
    for (const argv of calls) expect(argv[argv.indexOf('-D') + 1]).toBe('-0.5');
    // 0 is the earlier of the two measured streams' starts
    const lead = startOf(LOAD.stdout) - startOf(MEASURED.stdout);
    const own = parseInterimResults(LOAD.stdout, 'TCP_STREAM');
    if (typeof own === 'string') throw new Error(own);
    const streams = c?.load_flows?.[0] ?? [];
    expect(streams).toHaveLength(2);
    for (const [i, stream] of streams.entries()) {
      const shift = lead + 0.1 * i;
      expect(stream.stream).toBe(i + 1);
      expect(stream.start).toBeCloseTo(shift, 3);
      expect(stream.series?.map((p) => p.t)).toEqual(own.points.map((p) => Math.round((p.t + shift) * 1000) / 1000));
      expect(stream.series?.map((p) => p.throughput)).toEqual(own.points.map((p) => p.throughput));
    }
    // the measured series keeps its own axis (0 = the earlier stream's start; two streams summed on the interval's grid
    // over the time both ran), and the load's points cover it
    const measured = c?.series?.[0] ?? [];
    expect(measured[0]?.t).toBe(0.5);
    expect(measured.at(-1)?.t).toBeCloseTo(field(MEASURED.stdout, 'ENDING', 1) - startOf(MEASURED.stdout), 2);
    const first = streams[0]?.series ?? [];
    expect(first[0]?.t).toBeLessThan(0);
    expect(first.at(-1)?.t).toBeGreaterThan(measured.at(-1)?.t ?? Infinity);
  });

  it('a load stream that printed no interim results has no series, and the run keeps its load (fake executor)', async () => {
    let load = 0;
    const silent = { ...LOAD, stdout: LOAD.stdout.replace(/^NETPERF_(INTERIM_RESULT|UNITS|INTERVAL|ENDING)\[\d+\]=.*\n/gm, '') };
    const executor: NetperfExecutor = { run: (argv) => Promise.resolve(argv.includes('TCP_RR') ? MEASURED : load++ === 1 ? silent : LOAD) };
    const servers: ServerPool = { acquire: () => Promise.resolve({ host: '127.0.0.1', port: 4242 }), recover: () => Promise.resolve() };
    const yaml = `version: 1\nname: s\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1\n    interval: 500ms\n    load:\n      flows:\n        - { test: TCP_STREAM, streams: 2 }\n`;
    const [c] = (await measureCases(planFor(yaml), { ...fakeOptions(executor, servers), maxRetries: 0 })).results;
    expect(c?.status).toBe('pass');
    expect(c?.error).toBeUndefined();
    const streams = c?.load_flows?.[0] ?? [];
    expect(streams.map((s) => s.series === undefined)).toEqual([false, true]);
    expect(streams[1]?.throughput).toBeGreaterThan(0);
    expect(c?.runs[0]?.load_throughput_up).toBeGreaterThan(streams[0]?.throughput ?? Infinity);
  });
});

/** A loaded TCP_RR case of one run: the measured series, and two upload streams of flow 1 and one download of flow 2. */
function loadedCase(streams = 1): CaseResult {
  return {
    id: 'rr',
    group: 'rr',
    server: 'local',
    params: {
      test: 'TCP_RR',
      interval: 0.5,
      streams,
      load: {
        flows: [
          { test: 'TCP_STREAM', streams: 2 },
          { test: 'TCP_MAERTS', streams: 1 },
        ],
      },
    },
    file: 's.yml',
    line: 1,
    status: 'pass',
    metrics: { transaction_rate: 200 },
    runs: [{ transaction_rate: 200 }],
    spread: {},
    series: [
      [
        { t: 0.5, transaction_rate: 100 },
        { t: 1.0, transaction_rate: 250 },
      ],
    ],
    load_flows: [
      [
        { flow: 1, test: 'TCP_STREAM', stream: 1, throughput: 1e6, start: -1, series: [0, 0.5, 1, 1.5].map((t) => ({ t, throughput: 1e6 })) },
        { flow: 1, test: 'TCP_STREAM', stream: 2, throughput: 3e6, start: -0.9, series: [0.1, 0.6, 1.1, 1.6].map((t) => ({ t, throughput: 3e6 })) },
        { flow: 2, test: 'TCP_MAERTS', stream: 1, dscp: 46, throughput: 5e6, start: -1, series: [-0.5, 0, 0.5, 1, 1.5].map((t) => ({ t, throughput: 5e6 })) },
      ],
    ],
    thresholds: [],
    retries: 0,
    durationSeconds: 3,
    netperf: [],
  };
}

describe('the timeline view of a loaded run', () => {
  it('latency per interval is streams / transaction rate: 1/100 s is 10 ms, 1/250 s 4 ms; with 2 streams twice that', () => {
    expect(latencySteps(loadedCase(), 1)).toEqual({
      start: 0,
      points: [
        { t: 0.5, value: 10_000 },
        { t: 1.0, value: 4_000 },
      ],
    });
    expect(latencySteps(loadedCase(2), 1)?.points.map((p) => p.value)).toEqual([20_000, 8_000]);
  });

  it('a line per flow: the streams of a flow summed over the time they all ran, a lone stream as reported; the idle latency beside', () => {
    const { load_flows: _, ...measured } = loadedCase();
    const idle: CaseResult = { ...measured, id: 'idle', params: { test: 'TCP_RR', interval: 0.5 } };
    const timeline = caseTimeline(loadedCase(), idle);
    expect(timeline?.flows.map((f) => f.label)).toEqual(['1 TCP_STREAM up ×2', '2 TCP_MAERTS down EF']);
    // flow 1: from the later start (-0.9) to the earlier end (1.5), 1 + 3 Mbit/s in every bin
    expect(timeline?.flows[0]?.steps.start).toBe(-0.9);
    for (const p of timeline?.flows[0]?.steps.points ?? []) expect(p.value).toBeCloseTo(4e6, 3);
    expect(timeline?.flows[1]?.steps.points).toHaveLength(5);
    expect(timeline?.idle?.case.id).toBe('idle');
    expect(timeline?.measured).toEqual({ from: 0, to: 1 });
    expect([timeline?.from, timeline?.to]).toEqual([-1, 1.5]);
    // bins on whole multiples of the interval, inside the time every flow ran
    // report.md's bins: the measured test's, of the interval
    expect(timeline === undefined ? undefined : measuredBins(timeline)).toEqual({ from: 0, to: 1, step: 0.5 });
    expect(timeline === undefined ? undefined : measuredBins({ ...timeline, measured: { from: 0, to: 30.2 } })).toEqual({ from: 0, to: 30.2, step: 1.5 });
  });

  it('the run drawn is the one of median transaction rate; of two, the lower (whatever their order)', () => {
    const c = loadedCase();
    const twice = (rates: [number, number]): CaseResult => ({
      ...c,
      runs: rates.map((transaction_rate) => ({ transaction_rate })),
      series: [c.series?.[0] ?? [], c.series?.[0] ?? []],
      load_flows: [c.load_flows?.[0] ?? [], c.load_flows?.[0] ?? []],
    });
    expect(caseTimeline(twice([200, 100]))?.run).toBe(2);
    expect(caseTimeline(twice([100, 200]))?.run).toBe(1);
  });

  it('latency ticks read alike: as many decimals as the step needs', () => {
    expect([0, 2.5, 5, 7.5, 10].map((v) => sameDecimals(v, 2.5))).toEqual(['0.0', '2.5', '5.0', '7.5', '10.0']);
    expect([0, 5, 10].map((v) => sameDecimals(v, 5))).toEqual(['0', '5', '10']);
    expect(sameDecimals(0.25, 0.05)).toBe('0.25');
  });

  it('a UDP_STREAM flow is drawn from its interim send_throughput (the sender’s, so labelled)', () => {
    const c = loadedCase();
    const udp = { flow: 3, test: 'UDP_STREAM' as const, stream: 1, throughput: 1e6, start: -1, series: [0, 1].map((t) => ({ t, send_throughput: 2e6 })) };
    const timeline = caseTimeline({ ...c, load_flows: [[...(c.load_flows?.[0] ?? []), udp]] });
    expect(timeline?.flows[2]?.label).toBe('3 UDP_STREAM up (sent)');
    expect(timeline?.flows[2]?.steps.points.map((p) => p.value)).toEqual([2e6, 2e6]);
  });

  it('resampleSteps: each bin the time-weighted mean of the steps; time before the first start counts as nothing', () => {
    const steps = {
      start: 0,
      points: [
        { t: 1, value: 10 },
        { t: 3, value: 20 },
      ],
    };
    expect(stepsMean(steps)).toBeCloseTo(50 / 3, 9);
    expect(timeWeightedMean(steps.points, 0, 3)).toBeCloseTo(50 / 3, 9);
    expect(resampleSteps(steps, 0, 3, 1.5)).toEqual([
      { t: 1.5, value: (10 + 0.5 * 20) / 1.5 },
      { t: 3, value: 20 },
    ]);
    expect(timeWeightedMean(steps.points, -1, 1)).toBe(5);
    // a start other than 0: nothing before it
    expect(timeWeightedMean(steps.points, -1, 1, 0.5)).toBe(2.5);
    expect(sumSteps([steps, { start: 0.5, points: [{ t: 3, value: 1 }] }], 1)?.points).toEqual([
      { t: 1.5, value: 10 * 0.5 + 20 * 0.5 + 1 },
      { t: 2.5, value: 21 },
      { t: 3, value: 21 },
    ]);
    // one pass over 200k points, the same figures as a bin at a time
    const long = { start: 0, points: Array.from({ length: 200_000 }, (_, i) => ({ t: (i + 1) * 0.01, value: i % 7 })) };
    const bins = resampleSteps(long, 0, 2000, 10);
    expect(bins).toHaveLength(200);
    expect(bins[3]?.value).toBeCloseTo(timeWeightedMean(long.points, 30, 40), 9);
  });

  it('the mean latency weights each interval by its transactions (netperf’s mean), not by its length', () => {
    // 1 s at 100 /s (10 ms) and 1 s at 400 /s (2.5 ms): 500 transactions in 2 s, a mean of 4 ms, not (10 + 2.5) / 2
    const steps = {
      start: 0,
      points: [
        { t: 1, value: 10_000 },
        { t: 2, value: 2_500 },
      ],
    };
    expect(latencyMean(steps)).toBeCloseTo(4_000, 6);
    expect(stepsMean(steps)).toBeCloseTo(6_250, 6);
    expect(resampleSteps(steps, 0, 2, 2, 'harmonic')).toEqual([{ t: 2, value: 4_000 }]);
  });
});
