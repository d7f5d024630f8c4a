import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import { planCases } from '../../src/plan/plan-cases.js';
import { runCases } from '../../src/run/run-cases.js';
import { ServerUnavailable } from '../../src/model/seams.js';
import { loadSuiteText, compileSuites } from '../../src/suite/load-suite.js';

/** A recorded real netperf run, as the fake executor's answer. */
function recorded(name: string): ProcessOutcome {
  const r = JSON.parse(readFileSync(new URL(`../fixtures/netperf/${name}.json`, import.meta.url), 'utf8')) as { exitCode: number; stdout: string; stderr: string };
  return { exitCode: r.exitCode, signal: undefined, timedOut: false, durationMs: 1000, stdout: r.stdout, stderr: r.stderr };
}

function planFor(yaml: string) {
  const { suite, diagnostics } = loadSuiteText(yaml, { file: 'inline.yml', lookupVariable: () => undefined });
  expect(diagnostics).toEqual([]);
  const { cases } = compileSuites(suite ? [suite] : []);
  return planCases(suite ? [suite] : [], cases).cases;
}

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

const options = (executor: NetperfExecutor, servers: ServerPool, signal = new AbortController().signal) => {
  let clock = 0;
  return { executor, servers, signal, now: () => (clock += 10), onCaseFinished: () => undefined };
};

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
    const { results } = await runCases(planFor(RR), options(executor, pool()));
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
    const { results } = await runCases(plan, options(executor, pool()));
    const single = Number(/TRANSACTION_RATE=(\S+)/.exec(recorded('tcp-rr').stdout)?.[1]);
    expect(executor.calls).toHaveLength(3);
    expect(results[0]?.metrics.transaction_rate).toBeCloseTo(3 * single, 3);
    expect(results[0]?.netperf).toHaveLength(3);
  });

  it('retries infrastructure failures a bounded number of times, recovering the server each time', async () => {
    const servers = pool();
    const executor = scripted(recorded('no-netserver'), recorded('tcp-rr'));
    const { results } = await runCases(planFor(RR.replace('warmup: 1', 'warmup: 0').replace('repeat: 3', 'repeat: 1')), options(executor, servers));
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.retries).toBe(1);
    expect(servers.recovered).toEqual(['s/local']);

    const always = scripted(recorded('no-netserver'));
    const failed = await runCases(planFor(RR), { ...options(always, pool()), maxRetries: 2 });
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
    const { results } = await runCases(plan, options(executor, servers));
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
    const { results } = await runCases(planFor(RR), options(executor, pool()));
    expect(executor.calls).toHaveLength(1);
    expect(results[0]?.error?.kind).toBe('unknown-test');
    expect(results[0]?.thresholds).toEqual([]);
  });

  it('turns an unusable server into an error result for its case', async () => {
    const servers = pool({ acquire: () => Promise.reject(new ServerUnavailable({ kind: 'no-netserver', message: 'gone' })) });
    const { results } = await runCases(planFor(RR), options(scripted(recorded('tcp-rr')), servers));
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
    const outcome = await runCases(plan, { ...options(executor, pool(), controller.signal), onCaseFinished: (r) => void finished.push(r.id) });
    expect(outcome.interrupted).toBe(true);
    expect(outcome.results.map((r) => r.id)).toEqual(finished);
    expect(finished).toHaveLength(1);
  });
});
