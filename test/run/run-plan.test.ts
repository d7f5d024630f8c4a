import { describe, expect, it } from 'vitest';
import type { CaseJudge } from '../../src/model/judge.js';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import type { NetperfExecutor } from '../../src/model/seams.js';
import { runPlan, type RunServers, type RunSink } from '../../src/run/run-plan.js';
import { planCases } from '../../src/plan/plan-cases.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';
import { recorded } from './fake-run.js';

const SUITE = [
  'version: 1',
  'name: s',
  'tests:',
  '  - name: rr',
  '    test: TCP_RR',
  '    duration: 1',
  '    regression: { transaction_rate: 5% }',
  '    matrix:',
  '      request_size: [1, 2, 3]',
  '',
].join('\n');

function plan(yaml = SUITE) {
  const { suite } = loadSuiteText(yaml, { file: 's.yml', lookupVariable: () => undefined });
  const suites = suite === undefined ? [] : [suite];
  return { ...planCases(suites, compileSuites(suites).cases), suites };
}

/** A sink that keeps what it was given; `failAt` makes the n-th case's write throw (a full disk). */
function recordingSink(failAt?: number) {
  const seen = { started: [] as RunResult[], cases: [] as CaseResult[], finished: [] as RunResult[] };
  const sink: RunSink = {
    start: (result) => void seen.started.push(result),
    caseFinished: (result) => {
      if (seen.cases.length + 1 === failAt) throw new Error('ENOSPC: no space left on device');
      seen.cases.push(result);
    },
    finish: (result) => void seen.finished.push(result),
    savedCases: () => seen.cases.length,
  };
  return { sink, seen };
}

function servers(): RunServers & { stopped: number } {
  const pool = {
    stopped: 0,
    acquire: () => Promise.resolve({ host: '127.0.0.1', port: 4242 }),
    recover: () => Promise.resolve(),
    stopAll: () => {
      pool.stopped += 1;
      return Promise.resolve();
    },
    describe: () => [{ key: 's/local', host: '127.0.0.1', port: 4242 }],
  };
  return pool;
}

const answering: NetperfExecutor = { run: () => Promise.resolve(recorded('tcp-rr')) };

/** A judge that finds every case regressed, and says so of the run: stands in for a baseline. */
const regressedJudge: CaseJudge = {
  judge: (c) => ({
    ...c,
    regressions: [
      ...(c.regressions ?? []),
      {
        source: 'baseline',
        against: 'b.json',
        metric: 'transaction_rate',
        verdict: 'regressed',
        passed: false,
        change: -0.2,
        againstValue: 2,
        currentValue: 1,
        againstRuns: [2],
        currentRuns: [1],
        tolerance: 0.05,
        file: 's.yml',
        line: 7,
      },
    ],
  }),
  describeRun: (result) => ({
    comparison: {
      baselineFile: 'b.json',
      baselineStartedAt: 'then',
      alpha: 0.01,
      environmentDifferences: [],
      missingCases: [],
      newCases: [],
      ...(result.state === 'complete' ? {} : { missingCases: ['x'] }),
    },
  }),
};

const header = {
  startedAt: '2026-12-07T00:00:00.000Z',
  environment: {
    hostname: 'h',
    platform: 'linux',
    kernel: 'k',
    arch: 'x64',
    cpuCount: 2,
    cpuModel: 'c',
    node: 'v20',
    netperfVersion: '2.7.0',
    perfsuiteVersion: '0',
  },
  seed: 1,
};

/** runPlan over the three-case plan with a fake executor, a clock that stands still and no signal. */
const run = (sink: RunSink, pool: RunServers, judges: readonly CaseJudge[], executor: NetperfExecutor = answering, yaml = SUITE) =>
  runPlan(plan(yaml), { executor, servers: pool, signal: new AbortController().signal, now: () => 0, judges, sink, header });

describe('runPlan, the run engine', () => {
  it('judges each case once, in the order given, computes its status from all of it, and hands the sink every case', async () => {
    const { sink, seen } = recordingSink();
    const pool = servers();
    const { result, sinkFailure } = await run(sink, pool, [regressedJudge], answering);
    expect(sinkFailure).toBeUndefined();
    expect(seen.started.map((r) => [r.state, r.suites[0]?.cases.length])).toEqual([['running', 0]]);
    expect(seen.cases.map((c) => [c.id, c.status, c.regressions?.length])).toEqual([
      ['s/rr[request_size=1]', 'fail', 1],
      ['s/rr[request_size=2]', 'fail', 1],
      ['s/rr[request_size=3]', 'fail', 1],
    ]);
    expect(result.state).toBe('complete');
    expect(result.comparison?.baselineFile).toBe('b.json');
    expect(result.servers).toEqual([{ key: 's/local', host: '127.0.0.1', port: 4242 }]);
    expect(seen.finished).toEqual([result]);
    expect(pool.stopped).toBe(1);
  });

  it('decides the status itself with no judge: a missed threshold fails its case, a netperf that failed is an error', async () => {
    const { sink, seen } = recordingSink();
    // request_size 2's netperf fails; the others measure the recorded rate, which misses a threshold of 10M/s on size 3
    const yaml = `${SUITE}    thresholds:\n      - when: { request_size: 3 }\n        transaction_rate: ">= 10M/s"\n`;
    const failing: NetperfExecutor = {
      run: (argv) =>
        Promise.resolve(
          / -r 2(,| |$)/.test(argv.join(' '))
            ? { exitCode: 1, signal: undefined, timedOut: false, durationMs: 5, stdout: '', stderr: 'netperf: bad option' }
            : recorded('tcp-rr'),
        ),
    };
    const { result } = await run(sink, servers(), [], failing, yaml);
    expect(seen.cases.map((c) => [c.id, c.status])).toEqual([
      ['s/rr[request_size=1]', 'pass'],
      ['s/rr[request_size=2]', 'error'],
      ['s/rr[request_size=3]', 'fail'],
    ]);
    expect(result.suites[0]?.cases.map((c) => c.status)).toEqual(['pass', 'error', 'fail']);
  });

  it('stops when the sink cannot keep a case, and says how many it kept; the rest are listed as not run', async () => {
    const { sink } = recordingSink(2);
    const pool = servers();
    const { result, sinkFailure } = await run(sink, pool, [], answering);
    expect(sinkFailure).toMatchObject({ savedCases: 1, error: { message: 'ENOSPC: no space left on device' } });
    expect(result.state).toBe('interrupted');
    expect(result.suites[0]?.cases.map((c) => c.status)).toEqual(['pass', 'pass', 'skipped']);
    expect(pool.stopped).toBe(1);
  });

  it('leaves the state crashed, the servers stopped and the sink told, when measuring throws', async () => {
    const { sink, seen } = recordingSink();
    const pool = servers();
    const broken: NetperfExecutor = { run: () => Promise.reject(new Error('boom')) };
    await expect(run(sink, pool, [], broken)).rejects.toThrow('boom');
    expect(seen.finished.map((r) => r.state)).toEqual(['crashed']);
    expect(pool.stopped).toBe(1);
  });
});
