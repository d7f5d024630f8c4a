import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import { combineSeries } from '../../src/run/aggregate.js';
import { fakeOptions, measureCases, planFor, recorded } from './fake-run.js';

/** Answers by the test each argv asks for (`-t`), recording calls in order. */
function byTest(answers: Readonly<Record<string, ProcessOutcome>>): NetperfExecutor & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: (argv) => {
      calls.push([...argv]);
      const answer = answers[argv[argv.indexOf('-t') + 1] ?? ''];
      if (answer === undefined) throw new Error(`no answer for ${argv.join(' ')}`);
      return Promise.resolve(answer);
    },
  };
}

const servers: ServerPool = { acquire: () => Promise.resolve({ host: '127.0.0.1', port: 4242 }), recover: () => Promise.resolve() };
const options = (executor: NetperfExecutor) => ({ ...fakeOptions(executor, servers), maxRetries: 0 });
const throughputOf = (name: string): number => Number(/^THROUGHPUT=([\d.]+)$/m.exec(recorded(name).stdout)?.[1]) * 1e6;

const LOADED = `version: 1
name: s
tests:
  - name: rr
    test: TCP_RR
    duration: 1
    warmup: 1
    repeat: 2
    load: { test: TCP_STREAM, streams: 3 }
    thresholds:
      load_throughput: "> 1 bit/s"
`;

describe('load: bulk streams beside every run (fake executor, recorded outputs)', () => {
  it('starts the load streams before the measured test, sums their throughput as load_throughput, and records every process', async () => {
    const executor = byTest({ TCP_RR: recorded('tcp-rr'), TCP_STREAM: recorded('tcp-stream') });
    const { results } = await measureCases(planFor(LOADED), options(executor));
    // per run (1 warm-up + 2 measured): 3 load streams, then the measured test
    expect(executor.calls.map((argv) => argv[argv.indexOf('-t') + 1])).toEqual(
      Array.from({ length: 3 }, () => ['TCP_STREAM', 'TCP_STREAM', 'TCP_STREAM', 'TCP_RR']).flat(),
    );
    const [result] = results;
    expect(result?.status).toBe('pass');
    expect(result?.runs).toHaveLength(2);
    expect(result?.metrics.load_throughput).toBeCloseTo(3 * throughputOf('tcp-stream'), 0);
    expect(result?.runs[0]?.transaction_rate).toBeGreaterThan(0);
    expect(result?.thresholds[0]).toMatchObject({ metric: 'load_throughput', passed: true });
    expect(result?.netperf.map((n) => n.argv[n.argv.indexOf('-t') + 1])).toEqual(['TCP_RR', 'TCP_STREAM', 'TCP_STREAM', 'TCP_STREAM']);
  });

  it('a load stream whose netserver died is retried like the measured test would be: the server recovered, the run repeated', async () => {
    let streams = 0;
    const recovered: string[] = [];
    const executor: NetperfExecutor = {
      run: (argv) => Promise.resolve(argv.includes('TCP_RR') ? recorded('tcp-rr') : streams++ === 0 ? recorded('netserver-died') : recorded('tcp-stream')),
    };
    const pool: ServerPool = { ...servers, recover: (key) => Promise.resolve(void recovered.push(key)) };
    const [result] = (await measureCases(planFor(LOADED.replace('warmup: 1', 'warmup: 0')), { ...options(executor), servers: pool, maxRetries: 1 })).results;
    expect(result?.status).toBe('pass');
    expect(result?.retries).toBe(1);
    expect(recovered).toEqual(['s/local']);
    expect(result?.runs).toHaveLength(2);
  });

  it('a failed load stream makes the run an error that says it was the load, with netperf’s reason', async () => {
    const executor = byTest({ TCP_RR: recorded('tcp-rr'), TCP_STREAM: recorded('unknown-test') });
    const [result] = (await measureCases(planFor(LOADED), options(executor))).results;
    expect(result?.status).toBe('error');
    expect(result?.error?.message).toMatch(
      /^load flow 1 of 1 \(TCP_STREAM\), stream 1 of 3, failed, so this run was not under the load it asks for: this netperf does not know test/,
    );
  });
});

const FLOWS = `version: 1
name: s
tests:
  - name: rr
    test: TCP_RR
    duration: 1
    repeat: 2
    load:
      flows:
        - { test: TCP_STREAM, streams: 2, dscp: CS1 }
        - { test: TCP_MAERTS, dscp: EF }
    thresholds:
      load_fairness: ">= 1"
      load_throughput_down: "> 1 bit/s"
`;

describe('load: flows, upload and download at once (fake executor, recorded outputs)', () => {
  it('runs every stream of every flow with its DSCP, keeps each run’s load_flows, and sums each direction with its fairness', async () => {
    const executor = byTest({ TCP_RR: recorded('tcp-rr'), TCP_STREAM: recorded('tcp-stream'), TCP_MAERTS: recorded('tcp-maerts') });
    const [result] = (await measureCases(planFor(FLOWS), options(executor))).results;
    expect(result?.status).toBe('pass');
    const loadCalls = executor.calls.filter((argv) => !argv.includes('TCP_RR')).slice(0, 3);
    expect(loadCalls.map((argv) => [argv[argv.indexOf('-t') + 1], argv[argv.indexOf('-Y') + 1]])).toEqual([
      ['TCP_STREAM', '0x20,0x20'],
      ['TCP_STREAM', '0x20,0x20'],
      ['TCP_MAERTS', '0xb8,0xb8'],
    ]);
    const up = throughputOf('tcp-stream');
    const down = throughputOf('tcp-maerts');
    expect(result?.load_flows).toHaveLength(2);
    expect(result?.load_flows?.[0]).toEqual([
      { flow: 1, test: 'TCP_STREAM', stream: 1, dscp: 8, throughput: expect.closeTo(up, 0) as number },
      { flow: 1, test: 'TCP_STREAM', stream: 2, dscp: 8, throughput: expect.closeTo(up, 0) as number },
      { flow: 2, test: 'TCP_MAERTS', stream: 1, dscp: 46, throughput: expect.closeTo(down, 0) as number },
    ]);
    const run = result?.runs[0];
    expect(run?.load_throughput_up).toBeCloseTo(2 * up, 0);
    expect(run?.load_throughput_down).toBeCloseTo(down, 0);
    expect(run?.load_throughput).toBeCloseTo(2 * up + down, 0);
    // the two upload streams carried the same (one recording), the download is alone: both directions are fair
    expect(run?.load_fairness).toBeCloseTo(1, 9);
    expect(result?.thresholds.map((t) => [t.metric, t.passed])).toEqual([
      ['load_fairness', true],
      ['load_throughput_down', true],
    ]);
  });

  it('a failed download flow makes the run an error that names the flow, its test and DSCP', async () => {
    const executor = byTest({ TCP_RR: recorded('tcp-rr'), TCP_STREAM: recorded('tcp-stream'), TCP_MAERTS: recorded('unknown-test') });
    const [result] = (await measureCases(planFor(FLOWS), options(executor))).results;
    expect(result?.status).toBe('error');
    expect(result?.error?.message).toMatch(
      /^load flow 2 of 2 \(TCP_MAERTS, DSCP EF\), stream 1 of 1, failed, so this run was not under the load it asks for: /,
    );
  });
});

describe('interval: interim series per run (fake executor, recorded outputs)', () => {
  it('keeps one series per measured run (not the warm-ups), summing concurrent streams on the interval’s grid', async () => {
    const executor = byTest({ TCP_STREAM: recorded('tcp-stream-interval') });
    const yaml =
      'version: 1\nname: s\ntests:\n  - name: bulk\n    test: TCP_STREAM\n    duration: 2\n    interval: 500ms\n    warmup: 1\n    repeat: 2\n    streams: 2\n';
    const [result] = (await measureCases(planFor(yaml), options(executor))).results;
    expect(result?.status).toBe('pass');
    expect(result?.series).toHaveLength(2);
    const single = /NETPERF_INTERIM_RESULT\[0\]=([\d.]+)/.exec(recorded('tcp-stream-interval').stdout)?.[1];
    expect(result?.series?.[0]?.[0]?.throughput).toBeCloseTo(2 * Number(single) * 1e6, 0);
  });

  it('streams timed apart are summed on a common grid of the interval, each held at its rate between its own points', () => {
    // stream A: 10 until 0.5 s, 20 until 1 s, 5 until 1.2 s; stream B: 1 until 2 s (a long first interval, as netperf gives)
    expect(
      combineSeries(
        [
          [
            { t: 0.5, throughput: 10 },
            { t: 1, throughput: 20 },
            { t: 1.2, throughput: 5 },
          ],
          [{ t: 2, throughput: 1 }],
        ],
        0.5,
      ),
    ).toEqual([
      { t: 0.5, throughput: 11 },
      { t: 1, throughput: 21 },
      { t: 1.2, throughput: 6 },
    ]);
    // a bin straddling two intervals of one stream takes each for the time it held
    expect(
      combineSeries(
        [
          [
            { t: 0.25, throughput: 4 },
            { t: 1, throughput: 8 },
          ],
          [{ t: 1, throughput: 0 }],
        ],
        0.5,
      ),
    ).toEqual([
      { t: 0.5, throughput: 6 },
      { t: 1, throughput: 8 },
    ]);
    expect(combineSeries([[{ t: 1, throughput: 3 }]], 0.5)).toEqual([{ t: 1, throughput: 3 }]);
  });
});
