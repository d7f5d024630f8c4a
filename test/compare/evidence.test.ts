import { describe, expect, it } from 'vitest';
import { armEvidence } from '../../src/compare/judge-arms.js';
import { baselineEvidence } from '../../src/compare/compare-runs.js';
import { historyEvidence } from '../../src/compare/judge-history.js';
import { caseSetupFields, counterTolerance, differencesBetween, factFields, judgeCounters, readingOf } from '../../src/compare/evidence.js';
import type { HistoryEntry } from '../../src/model/history.js';
import type { RunSetupView } from '../../src/model/judge.js';
import type { CaseResult, CounterOutcome, EvidenceDifference } from '../../src/model/results.js';
import type { RunMetrics } from '../../src/model/netperf-outcome.js';
import { recordedSweep } from '../report/fixtures.js';

const counter = (metric: CounterOutcome['metric'], verdict: CounterOutcome['verdict'], against: number, current: number): CounterOutcome => ({
  metric,
  against,
  current,
  change: current - against,
  verdict,
  tolerance: 0,
});
const link: EvidenceDifference = { what: 'link', against: 'rate 100mbit', current: 'rate 90mbit' };

describe('the reading', () => {
  it('is loss when retransmissions or qdisc drops rose, whatever else differs', () => {
    expect(readingOf([counter('retransmissions', 'regressed', 0, 12.5), counter('mss', 'unchanged', 1448, 1448)], [link])).toEqual({
      cause: 'loss',
      reading: 'loss: retransmissions rose 0 → 12.5 segments per run',
    });
    expect(readingOf([counter('retransmissions', 'unchanged', 0, 0), counter('qdisc_drops', 'regressed', 0, 31)], [])).toEqual({
      cause: 'loss',
      reading: 'loss: qdisc_drops rose 0 → 31 packets per run',
    });
  });

  it('is capacity, naming the setting, when a rate or qdisc setting differs and nothing was lost', () => {
    expect(readingOf([counter('retransmissions', 'unchanged', 0, 0)], [{ what: 'server', against: 'base', current: 'head' }, link])).toEqual({
      cause: 'capacity',
      reading: 'capacity: link differs, rate 100mbit → rate 90mbit, and no retransmissions or qdisc drops rose',
    });
    // a qdisc read on the path, and a hook that runs tc, are rate or qdisc settings too
    const qdisc = { what: 'qdisc (this host)', against: 'tbf rate 100Mbit burst 64Kb lat 50ms', current: 'tbf rate 90Mbit burst 64Kb lat 50ms' };
    expect(readingOf([], [qdisc]).cause).toBe('capacity');
    const hook = { what: 'setup', against: '', current: '(in namespace) tc qdisc replace dev ${PERFSUITE_NETNS_IF} root fq maxrate 90mbit' };
    expect(readingOf([], [hook]).cause).toBe('capacity');
    expect(readingOf([], [{ what: 'setup', against: 'sysctl -w net.ipv4.tcp_ecn=1', current: 'sysctl -w net.ipv4.tcp_ecn=0' }]).cause).toBe('unexplained');
  });

  it('is CPU when service demand rose, and nothing was lost and no rate differs', () => {
    expect(
      readingOf([counter('retransmissions', 'unchanged', 0, 0), { ...counter('service_demand_local', 'regressed', 1.2, 1.5), change: 0.25 }], [], 'TCP_STREAM'),
    ).toEqual({
      cause: 'cpu',
      reading: 'CPU: service_demand_local rose 1.20 → 1.50 µs/KB',
    });
  });

  it('is unexplained when no counter moved, saying whether any setting differs', () => {
    expect(readingOf([counter('retransmissions', 'unchanged', 0, 0)], [])).toEqual({
      cause: 'unexplained',
      reading: 'unexplained: no counter moved, and no setting differs',
    });
    expect(readingOf([counter('retransmissions', 'inconclusive', 3, 9)], [{ what: 'kernel', against: '6.1', current: '6.18' }])).toEqual({
      cause: 'unexplained',
      reading: 'unexplained: no counter rose, though 1 setting differs',
    });
    expect(readingOf([], []).reading).toBe('unexplained: no counter was recorded, and no setting differs');
    // a counter that fell is no loss
    expect(readingOf([{ ...counter('retransmissions', 'unchanged', 12, 0), improved: true }], []).cause).toBe('unexplained');
  });
});

describe('judging the counters', () => {
  const rounds = (values: readonly number[]) => values.map((v) => v);
  it('judges counts on their values: a rise from 0 is a rise (never "not compared"), identical zeros are unchanged', () => {
    const [rose] = judgeCounters('paired', (metric) =>
      metric === 'retransmissions'
        ? { against: rounds([0, 0, 0, 0, 0, 0, 0, 0]), current: rounds([12, 13, 12, 11, 14, 12, 13, 12]) }
        : { against: [], current: [] },
    );
    expect(rose).toMatchObject({ metric: 'retransmissions', against: 0, current: 12, change: 12, verdict: 'regressed', tolerance: 0 });
    const [same] = judgeCounters('paired', (metric) =>
      metric === 'retransmissions' ? { against: Array(8).fill(0), current: Array(8).fill(0) } : { against: [], current: [] },
    );
    expect(same).toMatchObject({ verdict: 'unchanged', change: 0 });
  });

  it('judges the MSS and service demand as ratios, and a side without values is not compared', () => {
    const outcomes = judgeCounters('two-sample', (metric) =>
      metric === 'mss'
        ? { against: [1448, 1448, 1448, 1448, 1448], current: [1398, 1398, 1398, 1398, 1398] }
        : metric === 'service_demand_local'
          ? { against: [1, 1, 1, 1, 1], current: [] }
          : { against: [], current: [] },
    );
    expect(outcomes.map((o) => [o.metric, o.verdict])).toEqual([
      ['mss', 'regressed'],
      ['service_demand_local', 'not-compared'],
    ]);
    expect(outcomes[0]?.change).toBeCloseTo(1398 / 1448 - 1, 6);
  });

  it('takes the tolerance from the group’s regression: entry when it names the counter', () => {
    expect(counterTolerance('retransmissions')).toBe(0);
    expect(counterTolerance('retransmissions', [{ metric: 'retransmissions', tolerancePercent: 10, file: 's.yml', line: 3 }])).toBe(10);
    expect(counterTolerance('service_demand_local')).toBe(0.05);
    expect(counterTolerance('service_demand_local', [{ metric: 'service_demand_local', tolerancePercent: 20, file: 's.yml', line: 3 }])).toBe(0.2);
  });
});

describe('the differences between two setups', () => {
  it('compares only kinds both sides recorded, and names a value one side lacks as empty', () => {
    expect(differencesBetween({ machine: { kernel: '6.1' }, facts: { 'MTU (this host)': '1500' } }, { machine: { kernel: '6.18' } })).toEqual([
      { what: 'kernel', against: '6.1', current: '6.18' },
    ]);
    expect(differencesBetween({ server: { link: 'rate 100mbit' } }, { server: { link: 'rate 100mbit', setup: 'tc qdisc …' } })).toEqual([
      { what: 'setup', against: '', current: 'tc qdisc …' },
    ]);
  });

  it('lists the facts read of a path by side: each sysctl, the MTU, the qdiscs with their parameters but not their counters', () => {
    expect(
      factFields({
        local: {
          sysctls: { 'net.ipv4.tcp_congestion_control': 'cubic' },
          interface: {
            name: 'ps1h0',
            mtu: 1500,
            qdiscs: [{ kind: 'tbf', parent: 'root', parameters: 'rate 100Mbit burst 64Kb lat 50ms', drops: 3, overlimits: 9 }],
          },
        },
        remote: {
          sysctls: { 'net.ipv4.tcp_rmem': '4096 131072 6291456' },
          interface: { name: 'ps1p0', mtu: 1500, qdiscs: [{ kind: 'noqueue', parent: 'root', parameters: '', drops: 0, overlimits: 0 }] },
        },
      }),
    ).toEqual({
      'net.ipv4.tcp_congestion_control (this host)': 'cubic',
      'MTU (this host)': '1500',
      'qdisc (this host)': 'tbf rate 100Mbit burst 64Kb lat 50ms',
      'net.ipv4.tcp_rmem (server side)': '4096 131072 6291456',
      'MTU (server side)': '1500',
      'qdisc (server side)': 'noqueue',
    });
  });
});

/** A case of `runs` measured in rounds 1…n. */
function armCase(id: string, server: string, runs: readonly RunMetrics[], params: CaseResult['params'] = { test: 'TCP_STREAM' }): CaseResult {
  const template = recordedSweep().suites[0]!.cases[0]!;
  return {
    ...template,
    id,
    server,
    params,
    runs,
    rounds: runs.map((_, i) => i + 1),
    regression: [{ metric: 'throughput', tolerancePercent: 2, file: 'ab.yml', line: 9 }],
  };
}
const environment = recordedSweep().environment;
const runOf = (servers: Record<string, { type: string; link?: string; setup?: string[] }>): RunSetupView => ({
  environment,
  provenance: { perfsuiteVersion: '0.4.0', variables: { ab: {} }, servers },
});

describe('the evidence of a comparison', () => {
  const steady = (n: number, run: RunMetrics) => Array.from({ length: n }, () => run);
  it('of two A/B arms: what differs between their servers (the 90mbit link), the counters on the same pairs', () => {
    const control = armCase('ab/bulk[server=base]', 'base', steady(8, { throughput: 95e6, retransmissions: 0, mss: 1448 }));
    const candidate = armCase('ab/bulk[server=head]', 'head', steady(8, { throughput: 86e6, retransmissions: 0, mss: 1448 }));
    const run = runOf({ 'ab/base': { type: 'netns', link: 'rate 100mbit' }, 'ab/head': { type: 'netns', link: 'rate 90mbit' } });
    const evidence = armEvidence(control, candidate, run);
    expect(evidence.differences).toEqual([{ what: 'link', against: 'rate 100mbit', current: 'rate 90mbit' }]);
    expect(evidence.counters.map((c) => [c.metric, c.verdict])).toEqual([
      ['retransmissions', 'unchanged'],
      ['mss', 'unchanged'],
    ]);
    expect(evidence).toMatchObject({ cause: 'capacity', reading: expect.stringContaining('rate 90mbit') as string });
    // identical arms differ in nothing: an arm's server is compared by its spec, not its name
    const twin = armEvidence(
      control,
      { ...candidate, runs: control.runs },
      runOf({ 'ab/base': { type: 'netns', link: 'rate 100mbit' }, 'ab/head': { type: 'netns', link: 'rate 100mbit' } }),
    );
    expect(twin.differences).toEqual([]);
    expect(twin.cause).toBe('unexplained');
  });

  it('of two A/B arms without the run: their parameters alone (a congestion_control axis)', () => {
    const control = armCase('ab/bulk[congestion_control=cubic]', 'local', steady(8, { throughput: 95e6 }), { test: 'TCP_STREAM', congestion_control: 'cubic' });
    const candidate = armCase('ab/bulk[congestion_control=bbr]', 'local', steady(8, { throughput: 90e6 }), { test: 'TCP_STREAM', congestion_control: 'bbr' });
    expect(armEvidence(control, candidate).differences).toEqual([{ what: 'congestion_control', against: 'cubic', current: 'bbr' }]);
  });

  it('against a baseline: the machine and server differences for the case, counters on the two samples of runs', () => {
    const before = armCase('ab/bulk', 'lab', steady(5, { throughput: 95e6, retransmissions: 0 }));
    const after = armCase(
      'ab/bulk',
      'lab',
      [12, 14, 11, 13, 12].map((r) => ({ throughput: 84e6, retransmissions: r })),
    );
    const baselineRun = { ...runOf({ 'ab/lab': { type: 'netns', link: 'rate 100mbit' } }), environment: { ...environment, kernel: '6.1.0' } };
    const evidence = baselineEvidence(after, before, { baseline: baselineRun, current: runOf({ 'ab/lab': { type: 'netns', link: 'rate 100mbit' } }) });
    expect(evidence.differences).toEqual([{ what: 'kernel', against: '6.1.0', current: environment.kernel }]);
    expect(evidence.counters[0]).toMatchObject({ metric: 'retransmissions', against: 0, current: 12, change: 12, verdict: 'regressed' });
    expect(evidence.cause).toBe('loss');
    // no baseline case: the run's setup alone, and this run's counters not compared
    const alone = baselineEvidence(after, undefined, { baseline: baselineRun, current: runOf({ 'ab/lab': { type: 'netns', link: 'rate 100mbit' } }) });
    expect(alone.counters[0]).toMatchObject({ metric: 'retransmissions', against: null, verdict: 'not-compared' });
  });

  it('against a history: the newest entry’s setup, counters against the entries’ medians', () => {
    const entry = (retransmissions: number): HistoryEntry => ({
      format: 'perfsuite-history',
      version: 1,
      date: '2026-01-01T00:00:00Z',
      provenance: { perfsuiteVersion: '0.4.0', variables: { ab: { RATE: '100mbit' } }, servers: {} },
      environment,
      fingerprint: 'f',
      cases: { 'ab/bulk': { throughput: { runs: [95e6], median: 95e6 }, retransmissions: { runs: [retransmissions], median: retransmissions } } },
    });
    const entries = [0, 1, 0, 0, 1, 0].map(entry);
    const current = armCase(
      'ab/bulk',
      'lab',
      [30, 32, 31].map((r) => ({ throughput: 80e6, retransmissions: r })),
    );
    const run = { environment, provenance: { perfsuiteVersion: '0.4.0', variables: { ab: { RATE: '90mbit' } }, servers: {} } };
    const evidence = historyEvidence(current, entries, 'f', { latest: entries.at(-1), current: run });
    expect(evidence.differences).toEqual([{ what: '${RATE}', against: '100mbit', current: '90mbit' }]);
    expect(evidence.counters[0]).toMatchObject({ metric: 'retransmissions', against: 0, current: 31, verdict: 'regressed' });
    expect(evidence.cause).toBe('loss');
  });

  it('names a case’s server by its key in the run, the IPv6 listener of a local server too', () => {
    const run = runOf({ 's/local': { type: 'local' }, 's/local/ipv6': { type: 'local', setup: ['x'] } });
    const six = caseSetupFields({ ...run, provenance: { ...run.provenance!, variables: {} } }, { id: 's/g', server: 'local', params: { ip_version: 6 } });
    expect(six.server).toEqual({ 'server type': 'local', setup: 'x' });
    expect(caseSetupFields(run, { id: 's/g', server: 'local', params: {} }).server).toEqual({ 'server type': 'local' });
  });
});
