import { describe, expect, it } from 'vitest';
import { failuresOf, groupsOf, sweepCharts } from '../../src/report/view-model.js';
import { verdictOf } from '../../src/results/verdict.js';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import { recordedSweep } from './fixtures.js';

function withCases(cases: readonly Partial<CaseResult>[]): RunResult {
  const run = recordedSweep();
  const template = run.suites[0]!.cases[0]!;
  return { ...run, suites: [{ name: 's', file: 's.yml', cases: cases.map((c, i) => ({ ...template, id: `s/g${i}`, group: 'g', thresholds: [], ...c })) }] };
}

describe('report model', () => {
  it('earns the exit code of DESIGN §4: interrupted over unmeasured over failed', () => {
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
    expect(order).toEqual(['error sweep/unreachable', 'threshold sweep/rr[request_size=1,test=UDP_RR]', 'threshold sweep/rr[request_size=1K,test=UDP_RR]', 'threshold sweep/udp[send_size=8K]']);
  });

  it('finds the swept parameters and the produced metrics of each group', () => {
    expect(groupsOf(recordedSweep()).map((g) => [g.name, g.swept, g.metrics])).toEqual([
      ['bulk', ['send_size', 'nodelay'], ['throughput']],
      ['udp', ['send_size'], ['throughput', 'send_throughput', 'loss']],
      ['rr', ['test', 'request_size'], ['transaction_rate', 'latency_mean', 'latency_p50', 'latency_p90', 'latency_p99', 'latency_max', 'latency_stddev']],
      ['unreachable', [], []],
    ]);
  });

  it('charts a size only where it forms a line, not where it varies together with another parameter', () => {
    const lockstep = withCases([
      { params: { test: 'UDP_RR', request_size: 64 }, metrics: { transaction_rate: 1 } },
      { params: { test: 'UDP_RR', request_size: 1024, response_size: 1024 }, metrics: { transaction_rate: 2 } },
    ]);
    expect(sweepCharts(groupsOf(lockstep)[0]!)).toEqual([]);
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
          { label: 'nodelay=true', points: [{ x: 1024, y: 1, failed: false }, { x: 2048, y: 2, failed: true }] },
          { label: 'nodelay=false', points: [{ x: 1024, y: 3, failed: false }] },
        ],
      },
    ]);
  });
});
