import { describe, expect, it } from 'vitest';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import { qdiscCounters } from '../../src/run/measure-run.js';
import { runOrder } from '../../src/run/run-cases.js';
import { ServerUnavailable } from '../../src/model/seams.js';
import { fakeOptions, measureCases, planFor, recorded } from './fake-run.js';

/** Answers each call with the next outcome from the script (the last one repeats), recording the argv. */
function scripted(...outcomes: ProcessOutcome[]): NetperfExecutor & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: (argv) => {
      calls.push([...argv]);
      return Promise.resolve(outcomes[Math.min(calls.length - 1, outcomes.length - 1)] as ProcessOutcome);
    },
  };
}

function pool(overrides: Partial<ServerPool> & { recovered?: string[] } = {}): ServerPool & { recovered: string[] } {
  const recovered = overrides.recovered ?? [];
  return {
    acquire: overrides.acquire ?? (() => Promise.resolve({ host: '127.0.0.1', port: 4242 })),
    recover: (key) => {
      recovered.push(key);
      return Promise.resolve();
    },
    recovered,
  };
}

const options = fakeOptions;

const RR = `version: 1
name: s
tests:
  - name: rr
    test: TCP_RR
    duration: 1
    warmup: 1
    repeat: 3
    thresholds:
      transaction_rate: ">= 1/s"
      latency_p99: "< 1us"
`;

describe('running cases (fake executor, real recorded outputs)', () => {
  it('runs warm-up plus measured runs, keeps only the measured ones, fills in the port, and judges thresholds', async () => {
    const executor = scripted(recorded('tcp-rr'));
    const { results } = await measureCases(planFor(RR), options(executor, pool()));
    expect(executor.calls).toHaveLength(4);
    expect(executor.calls[0]).toContain('4242');
    expect(executor.calls[0]).not.toContain('{port}');
    const [result] = results;
    expect(result?.runs).toHaveLength(3);
    expect(result?.status).toBe('fail');
    expect(result?.thresholds.map((t) => [t.metric, t.passed])).toEqual([
      ['transaction_rate', true],
      ['latency_p99', false],
    ]);
    expect(result?.thresholds[1]?.line).toBe(11);
  });

  it('runs streams concurrently, sums their rates and keeps the worst latency', async () => {
    const executor = scripted(recorded('tcp-rr'));
    const plan = planFor(RR.replace('repeat: 3', 'repeat: 1\n    streams: 3').replace('warmup: 1', 'warmup: 0'));
    const { results } = await measureCases(plan, options(executor, pool()));
    const single = Number(/TRANSACTION_RATE=(\S+)/.exec(recorded('tcp-rr').stdout)?.[1]);
    expect(executor.calls).toHaveLength(3);
    expect(results[0]?.metrics.transaction_rate).toBeCloseTo(3 * single, 3);
    expect(results[0]?.netperf).toHaveLength(3);
  });

  it('gives every netperf run its whole timeout:, a retry too, however long the case has taken so far', async () => {
    const timeouts: number[] = [];
    const outcomes = [recorded('no-netserver'), recorded('tcp-rr')];
    const executor: NetperfExecutor = {
      run: (_argv, { timeoutMs }) => {
        timeouts.push(timeoutMs);
        return Promise.resolve(outcomes[Math.min(timeouts.length - 1, 1)] as ProcessOutcome);
      },
    };
    // the fake clock moves 10 ms a reading: a deadline per case would leave the later runs less than 7 s
    const suite = ['version: 1', 'name: s', 'tests:', '  - { name: rr, test: TCP_RR, duration: 1, warmup: 1, repeat: 3, timeout: 7s }', ''].join('\n');
    const { results } = await measureCases(planFor(suite), options(executor, pool()));
    expect(results[0]?.retries).toBe(1);
    expect(results[0]?.status).toBe('pass');
    // the warm-up (refused, then retried), then three measured runs
    expect(timeouts).toEqual([7000, 7000, 7000, 7000, 7000]);
  });

  it('retries infrastructure failures a bounded number of times, recovering the server each time', async () => {
    const servers = pool();
    const executor = scripted(recorded('no-netserver'), recorded('tcp-rr'));
    const { results } = await measureCases(planFor(RR.replace('warmup: 1', 'warmup: 0').replace('repeat: 3', 'repeat: 1')), options(executor, servers));
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.retries).toBe(1);
    // why it retried is kept, for the console line and the reports to say
    expect(results[0]?.retryReasons).toEqual([{ kind: 'no-netserver', message: expect.stringMatching(/^no netserver is listening at /) as string }]);
    expect(servers.recovered).toEqual(['s/local']);

    const always = scripted(recorded('no-netserver'));
    const failed = await measureCases(planFor(RR), { ...options(always, pool()), maxRetries: 2 });
    expect(always.calls).toHaveLength(3);
    expect(failed.results[0]?.status).toBe('error');
    expect(failed.results[0]?.error?.kind).toBe('no-netserver');
  });

  it('gives netperf the passphrase and address of a namespace server, and keeps the passphrase out of the results', async () => {
    const plan = planFor(`version: 1
name: s
servers:
  ns: { type: netns }
tests:
  - name: rr
    server: ns
    test: TCP_RR
    duration: 1
`);
    const executor = scripted(recorded('tcp-rr'));
    const servers = pool({ acquire: () => Promise.resolve({ host: '10.213.1.2', port: 12865, passphrase: 'c0ffee' }) });
    const { results } = await measureCases(plan, options(executor, servers));
    const sent = executor.calls[0] ?? [];
    expect(sent.slice(sent.indexOf('-Z'), sent.indexOf('-Z') + 2)).toEqual(['-Z', 'c0ffee']);
    expect(sent.slice(sent.indexOf('-H'), sent.indexOf('-H') + 4)).toEqual(['-H', '10.213.1.2', '-p', '12865']);
    const kept = results[0]?.netperf[0]?.argv ?? [];
    expect(kept).toContain('{passphrase}');
    expect(kept).toContain('10.213.1.2');
    expect(JSON.stringify(results)).not.toContain('c0ffee');
  });

  it('does not retry a failure of the case itself', async () => {
    const executor = scripted(recorded('unknown-test'));
    const { results } = await measureCases(planFor(RR), options(executor, pool()));
    expect(executor.calls).toHaveLength(1);
    expect(results[0]?.error?.kind).toBe('unknown-test');
    expect(results[0]?.thresholds).toEqual([]);
  });

  it('turns an unusable server into an error result for its case', async () => {
    const servers = pool({ acquire: () => Promise.reject(new ServerUnavailable({ kind: 'no-netserver', message: 'gone' })) });
    const { results } = await measureCases(planFor(RR), options(scripted(recorded('tcp-rr')), servers));
    expect(results[0]?.error).toEqual({ kind: 'no-netserver', message: 'gone' });
  });

  it('stops at the first case boundary after the signal aborts, reporting the finished cases', async () => {
    const controller = new AbortController();
    const plan = planFor(RR.replace('test: TCP_RR', 'matrix: { test: [TCP_RR, TCP_CRR, UDP_RR] }'));
    const finished: string[] = [];
    const executor: NetperfExecutor = {
      run: () => {
        if (finished.length === 1) controller.abort();
        return Promise.resolve(recorded('tcp-rr'));
      },
    };
    const outcome = await measureCases(plan, { ...options(executor, pool(), controller.signal), onCaseFinished: (r) => void finished.push(r.id) });
    expect(outcome.interrupted).toBe(true);
    expect(outcome.results.map((r) => r.id)).toEqual(finished);
    expect(finished).toHaveLength(1);
  });
});

/** Five plain cases, a compare: group of three arms (one unit), and one more plain case. */
const ORDERED = `version: 1
name: s
defaults:
  duration: 1
tests:
  - name: rr
    test: TCP_RR
    matrix:
      request_size: [1, 2, 3, 4, 5]
  - name: ab
    test: TCP_STREAM
    matrix:
      socket_buffer: [default, 64K, 128K]
    compare: { socket_buffer: default }
    repeat: 7
    regression: { throughput: 5% }
  - name: crr
    test: TCP_CRR
`;

describe('the order cases run in (--shuffle)', () => {
  const plan = planFor(ORDERED);
  const yamlOrder = plan.map((p) => p.case.id);
  /** Answers each test with a recorded output of its type, so every case measures. */
  const byTest: NetperfExecutor = {
    run: (argv) =>
      Promise.resolve(
        recorded(argv[argv.indexOf('-t') + 1] === 'TCP_STREAM' ? 'tcp-stream' : argv[argv.indexOf('-t') + 1] === 'TCP_CRR' ? 'tcp-crr' : 'tcp-rr'),
      ),
  };
  const ranOrder = async (extra: { seed?: number; shuffle?: boolean }) => {
    const finished: string[] = [];
    const { results } = await measureCases(plan, { ...options(byTest, pool()), ...extra, onCaseFinished: (r) => void finished.push(r.id) });
    expect(results.map((r) => r.id)).toEqual(finished);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
    return finished;
  };
  const armIds = ['s/ab[socket_buffer=default]', 's/ab[socket_buffer=64K]', 's/ab[socket_buffer=128K]'];

  it('is the suite order by default, whatever the seed', async () => {
    expect(yamlOrder).toHaveLength(9);
    expect(await ranOrder({})).toEqual(yamlOrder);
    expect(await ranOrder({ seed: 7 })).toEqual(yamlOrder);
    expect(await ranOrder({ seed: 7, shuffle: false })).toEqual(yamlOrder);
  });

  it('with shuffle is a permutation seeded by the seed, and a control with its candidates stays one unit', async () => {
    const orders = Array.from({ length: 20 }, (_, seed) =>
      runOrder(plan, { seed, shuffle: true })
        .flat()
        .map((p) => p.case.id),
    );
    for (const order of orders) {
      expect([...order].sort()).toEqual([...yamlOrder].sort());
      // the arms run together, control first, as runArms reports them
      const at = order.indexOf(armIds[0] ?? '');
      expect(order.slice(at, at + 3)).toEqual(armIds);
    }
    // most seeds change the order, and seeds give different orders
    expect(orders.filter((order) => order.join() !== yamlOrder.join()).length).toBeGreaterThanOrEqual(18);
    expect(new Set(orders.map((order) => order.join())).size).toBeGreaterThanOrEqual(15);
    // what actually runs follows that order, and the same seed gives the same order
    const first = await ranOrder({ seed: 3, shuffle: true });
    expect(first).toEqual(orders[3]);
    expect(first).not.toEqual(yamlOrder);
    expect(await ranOrder({ seed: 3, shuffle: true })).toEqual(first);
  });
});

describe('qdisc counters of a run', () => {
  it('are the counters after the run less those before; none when a counter went down (its qdisc was replaced) or one read is missing', () => {
    expect(qdiscCounters({ drops: 10, overlimits: 100 }, { drops: 42, overlimits: 150 })).toEqual({ qdisc_drops: 32, qdisc_overlimits: 50 });
    expect(qdiscCounters({ drops: 10, overlimits: 100 }, { drops: 3, overlimits: 150 })).toEqual({});
    expect(qdiscCounters(undefined, { drops: 3, overlimits: 150 })).toEqual({});
    expect(qdiscCounters({ drops: 3, overlimits: 150 }, undefined)).toEqual({});
  });
});
