import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMetric } from '../../src/model/format-metric.js';
import { parseInterimResults, parseKeyvals, parseNetperfRun } from '../../src/netperf/parse-output.js';
import { type ProcessOutcome } from '../../src/model/netperf-outcome.js';
import type { TestName } from '../../src/model/test-types.js';

/** A recorded real netperf 2.7.0 run (test/fixtures/netperf/record.mjs). */
function fixture(name: string): { outcome: ProcessOutcome; keys: string[]; test: TestName } {
  const recorded = JSON.parse(readFileSync(new URL(`../fixtures/netperf/${name}.json`, import.meta.url), 'utf8')) as {
    argv: string[];
    exitCode: number;
    stdout: string;
    stderr: string;
  };
  const argv = recorded.argv;
  return {
    outcome: { exitCode: recorded.exitCode, signal: undefined, timedOut: false, durationMs: 1000, stdout: recorded.stdout, stderr: recorded.stderr },
    keys: argv[argv.indexOf('-k') + 1]?.split(',') ?? [],
    test: argv[argv.indexOf('-t') + 1] as TestName,
  };
}
const parse = (name: string) => {
  const { outcome, keys, test } = fixture(name);
  return parseNetperfRun(outcome, { test, keys, target: '127.0.0.1:12865' });
};
const measured = (name: string) => {
  const run = parse(name);
  if (run.kind !== 'measured') throw new Error(`${name}: ${run.failure.message}`);
  return run;
};

describe('netperf keyval output', () => {
  it('splits at the first = and unquotes values', () => {
    expect(parseKeyvals('A=1\nRESULT_BRAND="x=y"\n\nnoise\nB=\n')).toEqual({ A: '1', RESULT_BRAND: 'x=y', B: '' });
  });

  it('TCP_STREAM: throughput from 10^6bits/s to bit/s', () => {
    const run = measured('tcp-stream');
    expect(run.metrics.throughput).toBeCloseTo(Number(run.keyvals['THROUGHPUT']) * 1e6, 0);
    expect(Object.keys(run.metrics)).toEqual(['throughput', 'retransmissions', 'mss']);
  });

  it('TCP_STREAM: retransmissions are the sender’s (netperf’s) count, the MSS in bytes', () => {
    const run = measured('tcp-stream-interval');
    expect(run.keyvals['LOCAL_TRANSPORT_RETRANS']).toBe('3');
    expect(run.metrics.retransmissions).toBe(3);
    expect(run.metrics.mss).toBe(65483);
    expect(measured('tcp-stream').metrics).toMatchObject({ retransmissions: 0, mss: 65483 });
  });

  it('TCP_MAERTS: throughput, and the retransmissions of its sender, the netserver', () => {
    const run = measured('tcp-maerts');
    expect(run.metrics.throughput).toBeGreaterThan(1e6);
    expect(fixture('tcp-maerts').keys).toContain('REMOTE_TRANSPORT_RETRANS');
    expect(fixture('tcp-maerts').keys).not.toContain('LOCAL_TRANSPORT_RETRANS');
    expect(run.metrics.retransmissions).toBe(Number(run.keyvals['REMOTE_TRANSPORT_RETRANS']));
  });

  it('TCP_RR: retransmissions of both sides, summed (requests one way, responses the other)', () => {
    const { outcome, keys, test } = fixture('tcp-rr');
    const both = {
      ...outcome,
      stdout: outcome.stdout
        .replace('LOCAL_TRANSPORT_RETRANS=0', 'LOCAL_TRANSPORT_RETRANS=2')
        .replace('REMOTE_TRANSPORT_RETRANS=0', 'REMOTE_TRANSPORT_RETRANS=5'),
    };
    expect(parseNetperfRun(both, { test, keys, target: 'x' })).toMatchObject({ kind: 'measured', metrics: { retransmissions: 7, mss: 32768 } });
  });

  it('TCP_CRR: the MSS only; its -1 retransmission counters are no count, not 0', () => {
    expect(measured('tcp-crr').metrics.retransmissions).toBeUndefined();
    expect(measured('tcp-crr').metrics.mss).toBe(32768);
    // asked anyway, netperf 2.7.0 prints -1 for TCP_CRR: nothing is recorded rather than a count of nothing
    const run = measured('tcp-crr-retransmissions');
    expect(run.keyvals['REMOTE_TRANSPORT_RETRANS']).toBe('-1');
    expect(run.metrics.retransmissions).toBeUndefined();
  });

  it('UDP_STREAM: receiver throughput, sender throughput, and loss from the call counts', () => {
    const run = measured('udp-stream');
    const sent = Number(run.keyvals['LOCAL_SEND_CALLS']);
    const received = Number(run.keyvals['REMOTE_RECV_CALLS']);
    expect(run.metrics.throughput).toBeCloseTo(Number(run.keyvals['THROUGHPUT']) * 1e6, 0);
    expect(run.metrics.send_throughput).toBeCloseTo(Number(run.keyvals['LOCAL_SEND_THROUGHPUT']) * 1e6, 0);
    expect(run.metrics.loss).toBeCloseTo((1 - received / sent) * 100, 6);
  });

  for (const [name, counters] of [
    ['tcp-rr', ['retransmissions', 'mss']],
    ['tcp-crr', ['mss']],
  ] as const) {
    it(`${name}: transaction rate from TRANSACTION_RATE and every latency figure in µs`, () => {
      const run = measured(name);
      expect(run.metrics.transaction_rate).toBe(Number(run.keyvals['TRANSACTION_RATE']));
      expect(run.metrics.latency_p99).toBe(Number(run.keyvals['P99_LATENCY']));
      expect(run.metrics.latency_p50).toBeLessThanOrEqual(run.metrics.latency_p90 ?? 0);
      expect(run.metrics.latency_p90).toBeLessThanOrEqual(run.metrics.latency_p99 ?? 0);
      expect(run.metrics.latency_max).toBeGreaterThanOrEqual(run.metrics.latency_p99 ?? Infinity);
      expect(Object.keys(run.metrics)).toEqual([
        'transaction_rate',
        'latency_mean',
        'latency_p50',
        'latency_p90',
        'latency_p99',
        'latency_max',
        'latency_stddev',
        ...counters,
      ]);
    });
  }

  it('UDP_RR with cpu: CPU utilisation and service demand', () => {
    const run = measured('udp-rr-cpu');
    expect(run.metrics.cpu_local).toBe(Number(run.keyvals['LOCAL_CPU_UTIL']));
    expect(run.metrics.service_demand_remote).toBe(Number(run.keyvals['REMOTE_SD']));
  });

  it('service demand is per transaction for RR tests, as SD_UNITS says, and shown so', () => {
    const run = measured('udp-rr-cpu');
    expect(run.keyvals['SD_UNITS']).toBe('usec/Tran');
    expect(formatMetric('service_demand_local', run.metrics.service_demand_local ?? 0, 'UDP_RR')).toBe('22.3 µs/tr');
    expect(formatMetric('service_demand_local', 0.642, 'TCP_STREAM')).toBe('0.64 µs/KB');
    // units other than netperf's for the test kind are refused, not stored under the wrong label
    const { outcome, keys, test } = fixture('udp-rr-cpu');
    const relabelled = { ...outcome, stdout: outcome.stdout.replace('SD_UNITS=usec/Tran', 'SD_UNITS=usec/KB') };
    expect(parseNetperfRun(relabelled, { test, keys, target: 'x' })).toEqual({
      kind: 'error',
      failure: { kind: 'bad-output', message: "netperf reported service demand in 'usec/KB', but perfsuite expects 'usec/Tran' for UDP_RR" },
    });
  });

  it('confidence: the interval width netperf reached', () => {
    const run = measured('tcp-stream-confidence');
    expect(run.confidenceWidthPercent).toBe(Number(run.keyvals['THROUGHPUT_CONFID']));
  });
});

describe('netperf failures', () => {
  const cases: Record<string, [string, RegExp]> = {
    'missing-keys': ['missing-keys', /did not print NOT_A_SELECTOR/],
    'no-netserver': ['no-netserver', /no netserver is listening at 127\.0\.0\.1:12865/],
    'dns-failure': ['dns', /does not resolve/],
    'message-too-long': ['message-too-long', /"Message too long".*lower send_size/],
    'unknown-test': ['unknown-test', /does not know test TCP_BOGUS/],
    'netserver-died': ['netserver-died', /went away during the test/],
    'netserver-died-data': ['netserver-died', /went away during the test/],
  };
  for (const [name, [kind, message]] of Object.entries(cases)) {
    it(`${name} is classified as ${kind}`, () => {
      const run = parse(name);
      expect(run.kind).toBe('error');
      if (run.kind === 'error') {
        expect(run.failure.kind).toBe(kind);
        expect(run.failure.message).toMatch(message);
      }
    });
  }

  it('a connection reset while netserver answers also means netserver died (seen when it is killed between tests)', () => {
    const run = parseNetperfRun(
      { exitCode: 1, signal: undefined, timedOut: false, durationMs: 3, stdout: '', stderr: 'recv_response: Connection reset by peer\n' },
      { test: 'TCP_RR', keys: ['THROUGHPUT'], target: 'h:1' },
    );
    expect(run.kind === 'error' && run.failure.kind).toBe('netserver-died');
  });

  it('a stream test killed by SIGPIPE with nothing printed means its netserver died (so it is retried)', () => {
    const run = parseNetperfRun(
      { exitCode: undefined, signal: 'SIGPIPE', timedOut: false, durationMs: 800, stdout: '', stderr: '' },
      { test: 'TCP_STREAM', keys: ['THROUGHPUT'], target: 'h:1' },
    );
    expect(run.kind === 'error' && run.failure.kind).toBe('netserver-died');
  });

  it('a timeout wins over whatever was printed', () => {
    const run = parseNetperfRun(
      { exitCode: undefined, signal: 'SIGTERM', timedOut: true, durationMs: 15_000, stdout: 'THROUGHPUT=1\n', stderr: '' },
      { test: 'TCP_STREAM', keys: ['THROUGHPUT'], target: 'h:1' },
    );
    expect(run.kind === 'error' && run.failure).toEqual({ kind: 'timeout', message: expect.stringMatching(/did not finish within 15\.0 s/) as unknown });
  });
});

describe('congestion control', () => {
  const run = (local: string, remote: string) => {
    const { outcome, keys, test } = fixture('tcp-stream');
    const stdout = `${outcome.stdout}LOCAL_CONG_CONTROL=${local}\nREMOTE_CONG_CONTROL=${remote}\n`;
    return parseNetperfRun(
      { ...outcome, stdout },
      { test, keys: [...keys, 'LOCAL_CONG_CONTROL', 'REMOTE_CONG_CONTROL'], target: 'h:1', congestionControl: 'bbr' },
    );
  };
  it('is measured when both ends report the algorithm asked for', () => {
    expect(run('bbr', 'bbr').kind).toBe('measured');
  });
  it('is an error naming both ends when either did not get it (netperf ignores -K of an algorithm the kernel lacks)', () => {
    const failed = run('bbr', 'cubic');
    expect(failed.kind === 'error' && failed.failure).toEqual({
      kind: 'not-applied',
      message:
        'asked for congestion control bbr at both ends, but netperf reports bbr here and cubic at the netserver; the kernel there lacks bbr (modprobe tcp_bbr) or does not allow it (net.ipv4.tcp_allowed_congestion_control)',
    });
  });
});

describe('interim results (interval:, netperf -D)', () => {
  const withInterval = (name: string) => {
    const { outcome, keys, test } = fixture(name);
    return parseNetperfRun(outcome, { test, keys, target: '127.0.0.1:12865', interval: 'required' });
  };

  it('keeps each interim result at the end of its interval, timed by netperf, in the metric’s unit', () => {
    const run = withInterval('tcp-stream-interval');
    if (run.kind !== 'measured') throw new Error(run.failure.message);
    const series = run.series ?? [];
    expect(series.length).toBeGreaterThanOrEqual(3);
    // t is measured from the start of the first interval: the first point sits at its own length, and t only grows
    const { outcome } = fixture('tcp-stream-interval');
    const first = /NETPERF_INTERVAL\[0\]=([\d.]+)/.exec(outcome.stdout)?.[1];
    expect(series[0]?.t).toBeCloseTo(Number(first), 3);
    for (let i = 1; i < series.length; i++) expect(series[i]?.t).toBeGreaterThan(series[i - 1]?.t ?? Infinity);
    expect(series.at(-1)?.t).toBeGreaterThan(1.5);
    expect(series.at(-1)?.t).toBeLessThan(2.5);
    // 10^6bits/s → bit/s, like THROUGHPUT
    const firstValue = Number(/NETPERF_INTERIM_RESULT\[0\]=([\d.]+)/.exec(outcome.stdout)?.[1]);
    expect(series[0]).toEqual({ t: series[0]?.t, throughput: firstValue * 1e6 });
  });

  it('UDP_STREAM interim figures are the sender’s (send_throughput); RR ones are transactions per second', () => {
    const udp = withInterval('udp-stream-interval');
    const rr = withInterval('tcp-rr-interval');
    if (udp.kind !== 'measured' || rr.kind !== 'measured') throw new Error('not measured');
    expect(Object.keys(udp.series?.[0] ?? {}).sort()).toEqual(['send_throughput', 't']);
    expect(Object.keys(rr.series?.[0] ?? {}).sort()).toEqual(['t', 'transaction_rate']);
    expect(rr.series?.[0]?.transaction_rate).toBeGreaterThan(1000);
  });

  it('without interval: the interim lines are ignored; with it, a netperf that printed none is an error saying why', () => {
    expect(measured('tcp-stream-interval').series).toBeUndefined();
    const { outcome, keys, test } = fixture('tcp-stream');
    const run = parseNetperfRun(outcome, { test, keys, target: 'x', interval: 'required' });
    expect(run.kind === 'error' && run.failure.kind).toBe('bad-output');
    expect(run.kind === 'error' && run.failure.message).toMatch(
      /^netperf printed no interim results for interval: \(-D\) in this run; give the case a duration of several intervals/,
    );
    // a load stream's are optional: it is measured, without a series
    const load = parseNetperfRun(outcome, { test, keys, target: 'x', interval: 'optional' });
    expect(load.kind).toBe('measured');
    expect(load.kind === 'measured' && [load.series, load.seriesStart]).toEqual([undefined, undefined]);
    expect(load.kind === 'measured' && load.metrics.throughput).toBeGreaterThan(0);
  });

  it('interim results in a unit perfsuite does not know are bad output, never a wrong number', () => {
    expect(
      parseInterimResults('NETPERF_INTERIM_RESULT[0]=5\nNETPERF_UNITS[0]=furlongs/s\nNETPERF_INTERVAL[0]=0.5\nNETPERF_ENDING[0]=10.5\n', 'TCP_STREAM'),
    ).toMatch(/'furlongs\/s'/);
    expect(
      parseInterimResults('NETPERF_INTERIM_RESULT[0]=5\nNETPERF_UNITS[0]=10^6bits/s\nNETPERF_INTERVAL[0]=0.5\nNETPERF_ENDING[0]=10.5\n', 'TCP_RR'),
    ).toMatch(/does not know/);
  });
});
