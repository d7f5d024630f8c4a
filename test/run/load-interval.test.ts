import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import { combineSeries } from '../../src/run/aggregate.js';
import { runCases } from '../../src/run/run-cases.js';
import { planFor, recorded } from './fake-run.js';

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
const options = (executor: NetperfExecutor) => {
  let clock = 0;
  return { executor, servers, signal: new AbortController().signal, now: () => (clock += 10), onCaseFinished: () => undefined, maxRetries: 0 };
};
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
    const { results } = await runCases(planFor(LOADED), options(executor));
    // per run (1 warm-up + 2 measured): 3 load streams, then the measured test
    expect(executor.calls.map((argv) => argv[argv.indexOf('-t') + 1])).toEqual(Array.from({ length: 3 }, () => ['TCP_STREAM', 'TCP_STREAM', 'TCP_STREAM', 'TCP_RR']).flat());
    const [result] = results;
    expect(result?.status).toBe('pass');
    expect(result?.runs).toHaveLength(2);
    expect(result?.metrics.load_throughput).toBeCloseTo(3 * throughputOf('tcp-stream'), 0);
    expect(result?.runs[0]?.transaction_rate).toBeGreaterThan(0);
    expect(result?.thresholds[0]).toMatchObject({ metric: 'load_throughput', passed: true });
    expect(result?.netperf.map((n) => n.argv[n.argv.indexOf('-t') + 1])).toEqual(['TCP_RR', 'TCP_STREAM', 'TCP_STREAM', 'TCP_STREAM']);
  });

  it('a failed load stream makes the run an error that says it was the load, with netperf’s reason', async () => {
    const executor = byTest({ TCP_RR: recorded('tcp-rr'), TCP_STREAM: recorded('unknown-test') });
    const [result] = (await runCases(planFor(LOADED), options(executor))).results;
    expect(result?.status).toBe('error');
    expect(result?.error?.message).toMatch(/^load stream 1 of 3 \(TCP_STREAM\) failed, so this run was not under the load it asks for: this netperf does not know test/);
  });
});

describe('interval: interim series per run (fake executor, recorded outputs)', () => {
  it('keeps one series per measured run (not the warm-ups), summing concurrent streams interval by interval', async () => {
    const executor = byTest({ TCP_STREAM: recorded('tcp-stream-interval') });
    const yaml = 'version: 1\nname: s\ntests:\n  - name: bulk\n    test: TCP_STREAM\n    duration: 2\n    interval: 500ms\n    warmup: 1\n    repeat: 2\n    streams: 2\n';
    const [result] = (await runCases(planFor(yaml), options(executor))).results;
    expect(result?.status).toBe('pass');
    expect(result?.series).toHaveLength(2);
    const single = /NETPERF_INTERIM_RESULT\[0\]=([\d.]+)/.exec(recorded('tcp-stream-interval').stdout)?.[1];
    expect(result?.series?.[0]?.[0]?.throughput).toBeCloseTo(2 * Number(single) * 1e6, 0);
  });

  it('streams’ intervals are summed at their mean t, and an interval only some streams reached is dropped', () => {
    expect(
      combineSeries([
        [{ t: 0.5, throughput: 10 }, { t: 1, throughput: 20 }, { t: 1.2, throughput: 5 }],
        [{ t: 0.7, throughput: 1 }, { t: 1.2, throughput: 2 }],
      ]),
    ).toEqual([{ t: 0.6, throughput: 11 }, { t: 1.1, throughput: 22 }]);
  });
});
