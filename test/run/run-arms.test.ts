import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import { type NetperfExecutor, type ServerPool, ServerUnavailable } from '../../src/model/seams.js';
import { planCases } from '../../src/plan/plan-cases.js';
import { measureCases } from './fake-run.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';
import type { RunSetupView } from '../../src/model/judge.js';

const STREAM = JSON.parse(readFileSync(new URL('../fixtures/netperf/tcp-stream.json', import.meta.url), 'utf8')) as { stdout: string };

/** A recorded TCP_STREAM output with its throughput replaced (in 10^6 bits/s, as netperf reports it), and its retransmissions. */
function streamOutput(mbit: number, retransmissions = 0): ProcessOutcome {
  return {
    exitCode: 0,
    signal: undefined,
    timedOut: false,
    durationMs: 1000,
    stdout: STREAM.stdout
      .replace(/^THROUGHPUT=\S+/m, `THROUGHPUT=${mbit.toFixed(2)}`)
      .replace(/LOCAL_TRANSPORT_RETRANS=\d+/, `LOCAL_TRANSPORT_RETRANS=${retransmissions}`),
    stderr: '',
  };
}

const NO_NETSERVER = JSON.parse(readFileSync(new URL('../fixtures/netperf/no-netserver.json', import.meta.url), 'utf8')) as {
  exitCode: number;
  stdout: string;
  stderr: string;
};

const HOSTS: Readonly<Record<string, string>> = { 'ab/base': '10.0.0.1', 'ab/head': '10.0.0.2' };
const ARM_OF: Readonly<Record<string, string>> = { '10.0.0.1': 'base', '10.0.0.2': 'head' };

/** A fake executor that answers each arm with `throughput(arm, call)`, recording which arm each call measured. */
function arms(
  throughput: (arm: string, call: number) => number | 'fail',
  retransmissions: (arm: string) => number = () => 0,
): NetperfExecutor & { order: string[] } {
  const order: string[] = [];
  return {
    order,
    run: (argv) => {
      const arm = ARM_OF[argv[argv.indexOf('-H') + 1] ?? ''] ?? '?';
      order.push(arm);
      const value = throughput(arm, order.length);
      if (value === 'fail')
        return Promise.resolve({
          exitCode: NO_NETSERVER.exitCode,
          signal: undefined,
          timedOut: false,
          durationMs: 10,
          stdout: NO_NETSERVER.stdout,
          stderr: NO_NETSERVER.stderr,
        });
      return Promise.resolve(streamOutput(value, retransmissions(arm)));
    },
  };
}

function pool(overrides: Partial<ServerPool> = {}): ServerPool {
  return {
    acquire: overrides.acquire ?? ((key) => Promise.resolve({ host: HOSTS[key] ?? '?', port: 12865, passphrase: 'x' })),
    recover: () => Promise.resolve(),
  };
}

function plan(extra = '') {
  const yaml = `version: 1
name: ab
servers:
  base: { type: netns }
  head: { type: netns }
tests:
  - name: bulk
    test: TCP_STREAM
    duration: 1
${extra}    matrix:
      server: [base, head]
    compare: { server: base }
    regression: { throughput: 2% }
`;
  const { suite, diagnostics } = loadSuiteText(yaml, { file: 'ab.yml', lookupVariable: () => undefined });
  expect(diagnostics).toEqual([]);
  const { cases, diagnostics: more } = compileSuites(suite ? [suite] : []);
  expect(more).toEqual([]);
  return planCases(suite ? [suite] : [], cases).cases;
}

const run = (
  executor: NetperfExecutor,
  options: { seed?: number; failOnInconclusive?: boolean; servers?: ServerPool; extra?: string; signal?: AbortSignal; describeRun?: () => RunSetupView } = {},
) => {
  let clock = 0;
  return measureCases(plan(options.extra), {
    executor,
    servers: options.servers ?? pool(),
    signal: options.signal ?? new AbortController().signal,
    now: () => (clock += 10),
    onCaseFinished: () => undefined,
    seed: options.seed ?? 1,
    ...(options.failOnInconclusive === undefined ? {} : { failOnInconclusive: options.failOnInconclusive }),
    ...(options.describeRun === undefined ? {} : { describeRun: options.describeRun }),
  });
};

/** Steady arms with a little noise that differs per call, so no two runs are equal. */
const steady = (head: number) => (arm: string, call: number) => (arm === 'head' ? head : 100) * (1 + ((call * 7919) % 13) / 10_000);

describe('interleaved A/B rounds (fake executor)', () => {
  it('runs each arm once per round in a seeded order, warm-ups first, and the same seed gives the same order', async () => {
    const first = arms(steady(95));
    await run(first, { seed: 7, extra: '    warmup: 1\n' });
    // two warm-ups (one per arm), then rounds of two runs; α spent over 7–20 rounds decides 8 agreeing rounds, so no more
    expect(first.order).toHaveLength(2 + 16);
    expect(first.order.slice(0, 2).sort()).toEqual(['base', 'head']);
    for (let round = 0; round < 8; round++) expect(first.order.slice(2 + round * 2, 4 + round * 2).sort()).toEqual(['base', 'head']);
    const again = arms(steady(95));
    await run(again, { seed: 7, extra: '    warmup: 1\n' });
    expect(again.order).toEqual(first.order);
    // over a few seeds the order of the arms within rounds changes: it is not always the YAML order
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const executor = arms(steady(95));
      await run(executor, { seed });
      orders.add(executor.order.join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('calls a 5% drop regressed against its control at the first look α allows, and fails only the candidate', async () => {
    const { results } = await run(arms(steady(95)));
    const [control, candidate] = results;
    expect(control).toMatchObject({ id: 'ab/bulk[server=base]', status: 'pass', rounds: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(control?.regressions ?? []).toEqual([]);
    expect(candidate?.status).toBe('fail');
    const outcome = candidate?.regressions?.[0];
    expect(outcome).toMatchObject({
      source: 'control',
      against: 'ab/bulk[server=base]',
      verdict: 'regressed',
      passed: false,
      method: 'signed-rank',
      rounds: [1, 2, 3, 4, 5, 6, 7, 8],
      tolerance: 0.02,
    });
    expect(outcome?.change).toBeCloseTo(-0.05, 2);
    expect(outcome?.p).toBeCloseTo(1 / 256, 9);
    // the level of this look of the 7–20 round plan, not the full α
    expect(outcome?.alpha).toBeCloseTo(1 / 256, 9);
    // a fixed 7 rounds is one look: all of α, so 7 agreeing rounds decide
    const fixed = await run(arms(steady(95)), { extra: '    repeat: 7\n' });
    expect(fixed.results[1]?.regressions?.[0]).toMatchObject({ verdict: 'regressed', rounds: [1, 2, 3, 4, 5, 6, 7] });
  });

  it('calls a candidate that measured nothing (all traffic dropped) regressed at −100%, never "not compared"', async () => {
    const { results } = await run(
      arms((arm, call) => (arm === 'head' ? 0 : steady(100)(arm, call))),
      { extra: '    repeat: 7\n' },
    );
    expect(results[1]?.regressions?.[0]).toMatchObject({ verdict: 'regressed', passed: false });
    expect(results[1]?.regressions?.[0]?.change).toBeCloseTo(-1, 9);
  });

  it('keeps measuring while the comparison is inconclusive, up to repeat max, and then warns (or fails with --fail-on-inconclusive)', async () => {
    // the arms swap places round by round by ±10%: no verdict at a 2% tolerance
    const noisy = (arm: string, call: number) =>
      (arm === 'head' ? 100 : 100) * (Math.floor((call - 1) / 2) % 2 === 0 ? (arm === 'head' ? 1.1 : 0.9) : arm === 'head' ? 0.9 : 1.1);
    const executor = arms(noisy);
    const { results } = await run(executor, { extra: '    repeat: { min: 7, max: 11 }\n' });
    expect(executor.order).toHaveLength(22);
    const outcome = results[1]?.regressions?.[0];
    expect(outcome).toMatchObject({ verdict: 'inconclusive', passed: true, rounds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    expect(outcome?.note).toMatch(/the noise is too large to tell a drop of more than 2% from none with 11 rounds/);
    expect(results[1]?.status).toBe('pass');
    const strict = await run(arms(noisy), { extra: '    repeat: { min: 7, max: 11 }\n', failOnInconclusive: true });
    expect(strict.results[1]).toMatchObject({ status: 'fail', regressions: [{ verdict: 'inconclusive', passed: false }] });
  });

  it('drops a round whose run failed after its retries from the pairs, and still judges the rest', async () => {
    // head's netserver refuses in its 3rd round: retried twice (both refused), then the round is dropped
    let headCalls = 0;
    const executor = arms((arm, call) => {
      if (arm !== 'head') return steady(95)(arm, call);
      headCalls++;
      return headCalls >= 3 && headCalls <= 5 ? 'fail' : steady(95)(arm, call);
    });
    const { results } = await run(executor, { extra: '    repeat: { min: 8, max: 8 }\n' });
    const candidate = results[1];
    expect(candidate?.retries).toBe(2);
    expect(candidate?.rounds).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(candidate?.regressions?.[0]).toMatchObject({ verdict: 'regressed', rounds: [1, 2, 4, 5, 6, 7, 8] });
  });

  /** An executor that stops the run (Ctrl-C, a CI timeout's SIGTERM) during the first run of round `rounds + 1`. */
  const interruptedAfter = (rounds: number, head: number) => {
    const controller = new AbortController();
    const executor = arms((arm, call) => {
      if (call === 2 * rounds + 1) controller.abort();
      return steady(head)(arm, call);
    });
    return { executor, signal: controller.signal };
  };

  it('keeps the rounds measured before an interruption, and says the comparison is inconclusive when they are too few', async () => {
    const { executor, signal } = interruptedAfter(3, 95);
    const { results, interrupted } = await run(executor, { signal });
    expect(interrupted).toBe(true);
    expect(results.map((r) => [r.id, r.runs.length, r.status])).toEqual([
      ['ab/bulk[server=base]', 3, 'pass'],
      ['ab/bulk[server=head]', 3, 'pass'],
    ]);
    expect(results[1]?.regressions?.[0]).toMatchObject({
      verdict: 'inconclusive',
      passed: true,
      rounds: [1, 2, 3],
      note: 'the run was interrupted after 3 rounds (3 pairs with the control ab/bulk[server=base]), and the paired test needs at least 7: run it again to judge it',
    });
  });

  it('judges the rounds measured before an interruption when they reach the minimum', async () => {
    const { executor, signal } = interruptedAfter(8, 95);
    const { results, interrupted } = await run(executor, { signal, extra: '    repeat: { min: 12, max: 12 }\n' });
    expect(interrupted).toBe(true);
    expect(results[1]?.runs).toHaveLength(8);
    expect(results[1]).toMatchObject({ status: 'fail', regressions: [{ verdict: 'regressed', rounds: [1, 2, 3, 4, 5, 6, 7, 8] }] });
  });

  it('lists no arm as measured when the interruption came before the first round', async () => {
    const { executor, signal } = interruptedAfter(0, 95);
    expect(await run(executor, { signal })).toEqual({ results: [], interrupted: true });
  });

  it('makes a candidate an error when its control cannot be measured, naming the control and why', async () => {
    const servers = pool({
      acquire: (key) =>
        key === 'ab/base'
          ? Promise.reject(new ServerUnavailable({ kind: 'setup-failed', message: 'setup [false] exited 1' }))
          : Promise.resolve({ host: '10.0.0.2', port: 12865 }),
    });
    const executor = arms(steady(95));
    const { results } = await run(executor, { servers });
    expect(results[0]).toMatchObject({ status: 'error', error: { kind: 'setup-failed', message: 'setup [false] exited 1' } });
    expect(results[1]).toMatchObject({ status: 'error', error: { kind: 'control-failed' } });
    expect(results[1]?.error?.message).toBe('its control ab/bulk[server=base] could not be measured: setup [false] exited 1');
    // measuring stopped once the control was known to be unusable
    expect(executor.order.length).toBeLessThanOrEqual(1);
  });

  it('puts the evidence beside each verdict: the arms’ server specs as the run describes them, the counters on the same pairs', async () => {
    const lossy = arms(steady(88), (arm) => (arm === 'head' ? 12 : 0));
    const environment = {
      hostname: 'h',
      platform: 'linux',
      kernel: '6.18',
      arch: 'x64',
      cpuCount: 2,
      cpuModel: 'x',
      node: 'v20',
      netperfVersion: '2.7.0',
      perfsuiteVersion: '0.4.0',
    };
    const setups = {
      'ab/base': { type: 'netns', link: 'rate 100mbit' },
      'ab/head': { type: 'netns', link: 'rate 100mbit', setup: ['tc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 100mbit burst 1514 limit 96kb'] },
    };
    const { results } = await run(lossy, { describeRun: () => ({ environment, provenance: { perfsuiteVersion: '0.4.0', variables: {}, servers: setups } }) });
    const evidence = results[1]?.regressions?.[0]?.evidence;
    expect(evidence?.differences).toEqual([
      { what: 'setup', against: '', current: 'tc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 100mbit burst 1514 limit 96kb' },
    ]);
    expect(evidence?.counters).toEqual([
      expect.objectContaining({ metric: 'retransmissions', against: 0, current: 12, change: 12, verdict: 'regressed' }),
      expect.objectContaining({ metric: 'mss', against: 65483, current: 65483, change: 0, verdict: 'unchanged' }),
    ]);
    expect(evidence).toMatchObject({ cause: 'loss', reading: 'loss: retransmissions rose 0 → 12 segments per run' });
    // the control is judged against nothing, so it carries no evidence
    expect(results[0]?.regressions ?? []).toEqual([]);
  });

  it('counts what the qdiscs of an arm’s link dropped during each run (read just before and after it), and reads it as loss', async () => {
    // the head arm's link drops 30 packets a run, the base arm's none; each read of the counters sees the total so far
    const totals: Record<string, number> = { 'ab/base': 0, 'ab/head': 0 };
    const reads: string[] = [];
    const counting: ServerPool = {
      ...pool(),
      linkCounters: (key) => {
        reads.push(key);
        const drops = totals[key] ?? 0;
        // the next read is after the run: the head arm dropped its 30 in between
        if (key === 'ab/head' && reads.filter((k) => k === key).length % 2 === 1) totals[key] = drops + 30;
        return Promise.resolve({ drops, overlimits: 2 * drops });
      },
    };
    const { results } = await run(arms(steady(95)), { servers: counting, extra: '    warmup: 1\n' });
    const [control, candidate] = results;
    expect(control?.runs.every((r) => r.qdisc_drops === 0 && r.qdisc_overlimits === 0)).toBe(true);
    expect(candidate?.runs.every((r) => r.qdisc_drops === 30 && r.qdisc_overlimits === 60)).toBe(true);
    // twice a kept run, never for a warm-up
    expect(reads).toHaveLength(2 * ((control?.runs.length ?? 0) + (candidate?.runs.length ?? 0)));
    const evidence = candidate?.regressions?.[0]?.evidence;
    expect(evidence?.counters.find((c) => c.metric === 'qdisc_drops')).toMatchObject({ against: 0, current: 30, change: 30, verdict: 'regressed' });
    expect(evidence?.reading).toBe('loss: qdisc_drops rose 0 → 30 packets per run');
  });

  it('starts no round that would end past repeat budget, never stops before min, and says the budget ran out', async () => {
    // each run takes a second on this clock; the arms swing ±3% at random, so no verdict comes before the budget
    let clock = 0;
    const noisy = arms((arm, call) => 100 * (1 + (((call * 7919) % 7) - 3) / 100));
    const timed: NetperfExecutor = {
      run: async (argv, options) => {
        const outcome = await noisy.run(argv, options);
        clock += 1000;
        return outcome;
      },
    };
    const withBudget = (budget: string) => {
      clock = 0;
      return measureCases(plan(`    repeat: { min: 7, max: 40, budget: ${budget} }\n`), {
        executor: timed,
        servers: pool(),
        signal: new AbortController().signal,
        now: () => clock,
        onCaseFinished: () => undefined,
        seed: 1,
      });
    };
    const { results } = await withBudget('20s');
    // rounds of 2 s: the 10th ends at 20 s, an 11th would end at 22 s
    expect(results[0]?.rounds).toHaveLength(10);
    const outcome = results[1]?.regressions?.[0];
    expect(outcome?.verdict).toBe('inconclusive');
    expect(outcome?.note).toMatch(
      /\(the 20s budget ran out after 10 rounds\); what would decide it: about \d+ rounds \(repeat: \{ min: 7, max: \d+, budget: \d+m \}, about /,
    );
    // a budget shorter than min rounds still measures min
    const short = await withBudget('3s');
    expect(short.results[0]?.rounds).toHaveLength(7);
  });
});
