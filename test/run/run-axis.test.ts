import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../src/model/results.js';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import { interimStart, parseInterimResults } from '../../src/netperf/parse-output.js';
import { onRunAxis } from '../../src/run/aggregate.js';
import { caseTimeline, commonBins, latencySteps, resample, stepMean, sumStreams } from '../../src/report/timeline-view.js';
import { fakeOptions, measureCases, planFor, recorded } from './fake-run.js';

const LOAD = recorded('tcp-stream-interval-load');
const MEASURED = recorded('tcp-rr-interval-loaded');
/** netperf's NETPERF_ENDING[i] and NETPERF_INTERVAL[i] of a recorded output, as numbers. */
const field = (stdout: string, name: string, i: number): number => Number(new RegExp(`^NETPERF_${name}\\[${i}\\]=(.*)$`, 'm').exec(stdout)?.[1]);
const startOf = (stdout: string): number => field(stdout, 'ENDING', 0) - field(stdout, 'INTERVAL', 0);

describe('one time axis for a run under load', () => {
  it('interimStart: when the first interval began, on this host’s clock (recorded: a load stream and the RR test it loaded, run at once)', () => {
    expect(interimStart(LOAD.stdout)).toBeCloseTo(startOf(LOAD.stdout), 6);
    expect(interimStart(MEASURED.stdout)).toBeCloseTo(startOf(MEASURED.stdout), 6);
    // the RR test waited 1 s (-s 1) behind the load
    expect((interimStart(MEASURED.stdout) ?? 0) - (interimStart(LOAD.stdout) ?? 0)).toBeGreaterThan(0.9);
    expect(interimStart('THROUGHPUT=1\n')).toBeUndefined();
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
    const executor: NetperfExecutor = {
      run: (argv) => {
        calls.push([...argv]);
        return Promise.resolve(argv.includes('TCP_RR') ? MEASURED : LOAD);
      },
    };
    const servers: ServerPool = { acquire: () => Promise.resolve({ host: '127.0.0.1', port: 4242 }), recover: () => Promise.resolve() };
    const yaml = `version: 1\nname: s\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1\n    interval: 500ms\n    load:\n      flows:\n        - { test: TCP_STREAM, streams: 2, dscp: CS1 }\n`;
    const [c] = (await measureCases(planFor(yaml), { ...fakeOptions(executor, servers), maxRetries: 0 })).results;
    expect(c?.status).toBe('pass');
    // every process reads the clock at each send or transaction (-D negative), so the intervals are the ones asked for
    for (const argv of calls) expect(argv[argv.indexOf('-D') + 1]).toBe('-0.5');
    const lead = startOf(LOAD.stdout) - startOf(MEASURED.stdout);
    const own = parseInterimResults(LOAD.stdout, 'TCP_STREAM');
    if (typeof own === 'string') throw new Error(own);
    const streams = c?.load_flows?.[0] ?? [];
    expect(streams).toHaveLength(2);
    for (const stream of streams) {
      expect(stream.start).toBeCloseTo(lead, 3);
      expect(stream.series?.map((p) => p.t)).toEqual(own.map((p) => Math.round((p.t + lead) * 1000) / 1000));
      expect(stream.series?.map((p) => p.throughput)).toEqual(own.map((p) => p.throughput));
    }
    // the measured series keeps its own axis (0 = its start), and the load's points cover it
    const measured = c?.series?.[0] ?? [];
    expect(measured[0]?.t).toBeCloseTo(field(MEASURED.stdout, 'INTERVAL', 0), 3);
    const load = streams[0]?.series ?? [];
    expect(load[0]?.t).toBeLessThan(0);
    expect(load.at(-1)?.t).toBeGreaterThan(measured.at(-1)?.t ?? Infinity);
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
    expect(timeline === undefined ? undefined : commonBins(timeline)).toEqual({ from: -0.5, to: 1.5, step: 0.5 });
  });

  it('a UDP_STREAM flow is drawn from its interim send_throughput (the sender’s, so labelled)', () => {
    const c = loadedCase();
    const udp = { flow: 3, test: 'UDP_STREAM' as const, stream: 1, throughput: 1e6, start: -1, series: [0, 1].map((t) => ({ t, send_throughput: 2e6 })) };
    const timeline = caseTimeline({ ...c, load_flows: [[...(c.load_flows?.[0] ?? []), udp]] });
    expect(timeline?.flows[2]?.label).toBe('3 UDP_STREAM up (sent)');
    expect(timeline?.flows[2]?.steps.points.map((p) => p.value)).toEqual([2e6, 2e6]);
  });

  it('resample: each bin the time-weighted mean of the steps; time before the first start counts as nothing', () => {
    const steps = {
      start: 0,
      points: [
        { t: 1, value: 10 },
        { t: 3, value: 20 },
      ],
    };
    expect(stepMean(steps, 0, 3)).toBeCloseTo(50 / 3, 9);
    expect(resample(steps, 0, 3, 1.5)).toEqual([
      { t: 1.5, value: (10 + 0.5 * 20) / 1.5 },
      { t: 3, value: 20 },
    ]);
    expect(stepMean(steps, -1, 1)).toBe(5);
    expect(sumStreams([steps, { start: 0.5, points: [{ t: 3, value: 1 }] }], 1)?.points).toEqual([
      { t: 1.5, value: 10 * 0.5 + 20 * 0.5 + 1 },
      { t: 2.5, value: 21 },
      { t: 3, value: 21 },
    ]);
  });
});
