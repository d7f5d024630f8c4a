// @module-tag slow
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import { caseTimeline, latencyMean } from '../../src/report/timeline-view.js';
import { projectRoot, readResults, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };
const perfsuite = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: projectRoot, encoding: 'utf8', env });
const testOf = (argv: readonly string[]): string | undefined => argv[argv.indexOf('-t') + 1];
const unavailable = await netnsUnavailable();

const LOOPBACK = `version: 1
name: flows
tests:
  - name: rr
    test: TCP_RR
    duration: 1
    repeat: 2
    load:
      flows:
        - { test: TCP_STREAM, streams: 2, dscp: CS1 }
        - { test: TCP_MAERTS, streams: 2, dscp: EF }
        - { test: UDP_STREAM, send_size: 1K, dscp: 10 }
    thresholds:
      load_fairness: "> 0"
`;

describe('load: flows with the real netperf on loopback', () => {
  it('loads both directions at once with DSCP marks netperf accepts, and keeps each run’s flows, sums and fairness', () => {
    const dir = tempDir('load-flows');
    const suite = path.join(dir, 'flows.yml');
    writeFileSync(suite, LOOPBACK);
    const run = perfsuite('run', suite, '--out', dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [c] = readResults(dir).suites[0]?.cases ?? [];
    expect(c?.netperf.map((n) => testOf(n.argv))).toEqual(['TCP_RR', 'TCP_STREAM', 'TCP_STREAM', 'TCP_MAERTS', 'TCP_MAERTS', 'UDP_STREAM']);
    // netperf 2.7.0 took every mark (-Y is global): CS1 is TOS 0x20, EF 0xb8, DSCP 10 (AF11) 0x28
    expect(c?.netperf.slice(1).map((n) => n.argv[n.argv.indexOf('-Y') + 1])).toEqual(['0x20,0x20', '0x20,0x20', '0xb8,0xb8', '0xb8,0xb8', '0x28,0x28']);
    expect(c?.load_flows).toHaveLength(2);
    for (const [i, flows] of (c?.load_flows ?? []).entries()) {
      expect(flows.map((f) => [f.flow, f.test, f.stream, f.dscp])).toEqual([
        [1, 'TCP_STREAM', 1, 8],
        [1, 'TCP_STREAM', 2, 8],
        [2, 'TCP_MAERTS', 1, 46],
        [2, 'TCP_MAERTS', 2, 46],
        [3, 'UDP_STREAM', 1, 10],
      ]);
      // every stream moved data, both ways
      for (const f of flows) expect(f.throughput).toBeGreaterThan(1e6);
      const run = c?.runs[i];
      const sum = (test: string): number => flows.filter((f) => f.test === test).reduce((t, f) => t + f.throughput, 0);
      expect(run?.load_throughput_up).toBeCloseTo(sum('TCP_STREAM') + sum('UDP_STREAM'), 0);
      expect(run?.load_throughput_down).toBeCloseTo(sum('TCP_MAERTS'), 0);
      expect(run?.load_throughput).toBeCloseTo(sum('TCP_STREAM') + sum('UDP_STREAM') + sum('TCP_MAERTS'), 0);
      expect(run?.load_fairness).toBeGreaterThan(0);
      expect(run?.load_fairness).toBeLessThanOrEqual(1);
    }
    expect(c?.thresholds).toEqual([expect.objectContaining({ metric: 'load_fairness', passed: true })]);
  }, 60_000);

  it('a flow netperf refuses makes the run an error that says which flow', () => {
    const dir = tempDir('load-flows-bad');
    const suite = path.join(dir, 'bad.yml');
    writeFileSync(
      suite,
      `version: 1\nname: bad\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1\n    load:\n      flows:\n        - { test: TCP_STREAM }\n        - { test: TCP_MAERTS, dscp: EF }\n`,
    );
    // the real netperf, asked for a test it does not know in place of TCP_MAERTS: only the download flow fails
    const shim = path.join(dir, 'bin');
    mkdirSync(shim);
    const real = spawnSync('sh', ['-c', 'command -v netperf'], { encoding: 'utf8', env }).stdout.trim();
    writeFileSync(
      path.join(shim, 'netperf'),
      `#!/bin/sh\nfor a in "$@"; do shift; [ "$a" = TCP_MAERTS ] && a=TCP_NOSUCH; set -- "$@" "$a"; done\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const run = spawnSync(process.execPath, [bin, 'run', suite, '--out', dir], { encoding: 'utf8', env: { ...env, PATH: `${shim}:${env.PATH}` } });
    expect(run.status).toBe(3); // a case could not be measured
    const [c] = readResults(dir).suites[0]?.cases ?? [];
    expect(c?.status).toBe('error');
    expect(c?.error?.message).toMatch(/^load flow 2 of 2 \(TCP_MAERTS, DSCP EF\), stream 1 of 1, failed, so this run was not under the load it asks for: /);
  }, 60_000);
});

describe.skipIf(unavailable !== undefined)(
  `suites/rrul/rrul.yml on a shaped netns link${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { tags: ['root'] },
  () => {
    it('four uploads and four downloads fill both shaped directions at once; per-flow results, fairness in (0, 1], latency far above idle', () => {
      const dir = tempDir('rrul');
      const run = perfsuite('run', 'suites/rrul/rrul.yml', '--out', dir, '--duration', '2s', '--repeat', '2');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const [idle, loaded] = readResults(dir).suites[0]?.cases ?? [];
      expect(idle?.params.load).toBe('none');
      expect(idle?.load_flows).toBeUndefined();
      for (const [i, flows] of (loaded?.load_flows ?? []).entries()) {
        expect(flows.map((f) => `${f.test}/${String(f.dscp)}`)).toEqual(
          ['TCP_STREAM', 'TCP_MAERTS'].flatMap((test) => [0, 8, 40, 46].map((dscp) => `${test}/${dscp}`)),
        );
        for (const f of flows) expect(f.throughput).toBeGreaterThan(0);
        const r = loaded?.runs[i];
        // each direction of the 50 Mbit/s link is full (tbf lets a burst through at the start)
        for (const direction of [r?.load_throughput_up, r?.load_throughput_down]) {
          expect(direction).toBeGreaterThan(30e6);
          expect(direction).toBeLessThanOrEqual(60e6);
        }
        expect(r?.load_fairness).toBeGreaterThan(0);
        expect(r?.load_fairness).toBeLessThanOrEqual(1);
      }
      expect(loaded?.load_flows).toHaveLength(2);
      // a request waits behind the shapers' queues in both directions
      expect(loaded?.metrics.latency_p50).toBeGreaterThan(10 * (idle?.metrics.latency_p50 ?? Infinity));
    }, 120_000);

    it('with interval: every flow’s series and the measured latency on one time axis, latency per interval = 1 / transaction rate', () => {
      const dir = tempDir('rrul-time');
      const run = perfsuite('run', 'suites/rrul/rrul.yml', '--out', dir, '--duration', '2s', '--repeat', '1');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const [idle, loaded] = readResults(dir).suites[0]?.cases ?? [];
      if (idle === undefined || loaded === undefined) throw new Error('no cases');
      // every process under load reads the clock at each send or transaction (-D negative)
      for (const n of loaded.netperf) expect(n.argv[n.argv.indexOf('-D') + 1]).toBe('-0.5');
      const measured = loaded.series?.[0] ?? [];
      expect(measured.length).toBeGreaterThanOrEqual(3);
      const end = measured.at(-1)?.t ?? 0;
      expect(end).toBeCloseTo(2, 1);
      const flows = loaded.load_flows?.[0] ?? [];
      expect(flows).toHaveLength(8);
      for (const f of flows) {
        // started about 1 s before the measured test (its -s 1), so its first points are before 0
        expect(f.start).toBeLessThan(-0.5);
        expect(f.start).toBeGreaterThan(-2);
        const points = f.series ?? [];
        expect(points.length).toBeGreaterThanOrEqual(4);
        expect(points[0]?.t).toBeLessThan(0);
        // overlapping the measured series: points inside it and ending after it (the load stops 1 s later)
        expect(points.filter((p) => p.t > 0 && p.t < end).length).toBeGreaterThanOrEqual(2);
        expect(points.at(-1)?.t).toBeGreaterThan(end);
        for (const p of points) expect(p.throughput).toBeGreaterThan(0);
      }
      const timeline = caseTimeline(loaded, idle);
      expect(timeline?.flows).toHaveLength(8);
      expect(timeline?.latency.steps.points.map((p) => p.value)).toEqual(measured.map((p) => 1e6 / (p.transaction_rate ?? NaN)));
      // one transaction in flight: the mean from the rate is netperf's own mean latency, idle and loaded alike
      for (const [c, steps] of [
        [loaded, timeline?.latency.steps],
        [idle, timeline?.idle?.steps],
      ] as const) {
        const mean = steps === undefined ? NaN : latencyMean(steps);
        // weighted by transactions, it is netperf's own mean of the run up to the short last interval (0.2% on suites/rrul)
        expect(mean / (c.runs[0]?.latency_mean ?? NaN)).toBeGreaterThan(0.9);
        expect(mean / (c.runs[0]?.latency_mean ?? NaN)).toBeLessThan(1.1);
      }
      expect(readFileSync(path.join(dir, 'report.html'), 'utf8').match(/<polyline class="flow"/g)).toHaveLength(8);
    }, 120_000);
  },
);
