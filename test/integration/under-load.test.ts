// @module-tag slow
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import type { CaseResult } from '../../src/model/results.js';
import { projectRoot, readResults, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };
const perfsuite = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: projectRoot, encoding: 'utf8', env });
const testOf = (argv: readonly string[]): string | undefined => argv[argv.indexOf('-t') + 1];
const unavailable = await netnsUnavailable();

/**
 * Every series' t only grows, and each point holds exactly t and the one metric. netperf's demo mode (a positive -D)
 * checks the clock every so many transactions, guessed from the last interval's rate: when the rate collapses it can
 * print a single interim result in 2 s, so `least` may be lowered for a case without load.
 */
function expectSeries(c: CaseResult | undefined, metric: string, runs: number, least = 2): void {
  expect(c?.series).toHaveLength(runs);
  for (const series of c?.series ?? []) {
    expect(series.length).toBeGreaterThanOrEqual(least);
    for (const [i, point] of series.entries()) {
      expect(Object.keys(point).sort()).toEqual([metric, 't'].sort());
      expect(point.t).toBeGreaterThan(i === 0 ? 0 : (series[i - 1]?.t ?? Infinity));
    }
  }
}

describe('load: and interval: with the real netperf on loopback', () => {
  it('measures an RR case idle and under two bulk streams, keeps interim series, and plans both', () => {
    const plan = perfsuite('plan', 'test/fixtures/suites/valid/under-load.yml');
    expect(plan.stdout).toMatch(
      /^under-load\/rr\[load=2xTCP_STREAM\] .*\n {2}netperf -P 0 -j -H 127\.0\.0\.1 -p \{port\} -s 1 -D -0\.25 -t TCP_RR -l 2 -- .*\n {2}under load, 2 at once: netperf -P 0 -H 127\.0\.0\.1 -p \{port\} -D -0\.25 -t TCP_STREAM -l 4 -- /m,
    );
    const dir = tempDir('load');
    const run = perfsuite('run', 'test/fixtures/suites/valid/under-load.yml', '--out', dir, '--repeat', '2');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [idle, loaded, udp] = readResults(dir).suites[0]?.cases ?? [];
    expect([idle?.id, loaded?.id, udp?.id]).toEqual(['under-load/rr[load=none]', 'under-load/rr[load=2xTCP_STREAM]', 'under-load/udp']);
    expect(idle?.metrics.load_throughput).toBeUndefined();
    expect(idle?.netperf.map((n) => testOf(n.argv))).toEqual(['TCP_RR']);
    // the loaded case ran its two load streams beside the measured test, and they moved data
    expect(loaded?.netperf.map((n) => testOf(n.argv))).toEqual(['TCP_RR', 'TCP_STREAM', 'TCP_STREAM']);
    // they ran around the measured test: started with it, which waited 1 s, and ran 1 s longer than its 2 s
    const [measured, ...streams] = loaded?.netperf ?? [];
    for (const stream of streams) {
      expect(stream.durationSeconds).toBeGreaterThanOrEqual(measured?.durationSeconds ?? Infinity);
      expect(stream.durationSeconds).toBeGreaterThan(3.9);
      expect(stream.durationSeconds).toBeLessThan(5);
    }
    expect(loaded?.runs.every((r) => (r.load_throughput ?? 0) > 1e6)).toBe(true);
    expect(loaded?.thresholds).toEqual([expect.objectContaining({ metric: 'load_throughput', passed: true })]);
    expectSeries(idle, 'transaction_rate', 2);
    // under load every netperf reads the clock at each transaction (-D negative), so a collapsed rate still reports
    expectSeries(loaded, 'transaction_rate', 2);
    for (const run of loaded?.load_flows ?? []) for (const stream of run) expect(stream.series?.length).toBeGreaterThanOrEqual(2);
    expectSeries(udp, 'send_throughput', 2);
  }, 60_000);
});

describe.skipIf(unavailable !== undefined)(
  `suites/tuning/tuning.yml on a shaped netns link${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { tags: ['root'] },
  () => {
    it('cubic and bbr, idle and under load: the load fills the link, latency under load is far above idle, and the load uses the case’s algorithm', () => {
      const dir = tempDir('tuning');
      const run = perfsuite('run', 'suites/tuning/tuning.yml', '--out', dir, '--duration', '2s');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const cases = readResults(dir).suites[0]?.cases ?? [];
      expect(cases).toHaveLength(10);
      const rr = cases.filter((c) => c.group === 'latency-under-load');
      for (const loaded of rr.filter((c) => c.params.load !== 'none')) {
        const idle = rr.find(
          (c) =>
            c.params.load === 'none' &&
            c.params.congestion_control === loaded.params.congestion_control &&
            c.params.socket_buffer === loaded.params.socket_buffer,
        );
        // two bulk flows fill the 50 Mbit/s tbf link; a request then waits behind the shaper's queue
        expect(loaded.metrics.load_throughput).toBeGreaterThan(30e6);
        expect(loaded.metrics.load_throughput).toBeLessThanOrEqual(55e6); // tbf lets a burst through at the start
        expect(loaded.metrics.latency_p50).toBeGreaterThan(10 * (idle?.metrics.latency_p50 ?? Infinity));
        const loadArgv = loaded.netperf.find((n) => testOf(n.argv) === 'TCP_STREAM')?.argv ?? [];
        expect(loadArgv.join(' ')).toContain(`-K ${String(loaded.params.congestion_control)},${String(loaded.params.congestion_control)}`);
        // netperf's first RR interval under load can last several asked-for ones, but the series spans the whole run
        expect(loaded.series?.[0]?.at(-1)?.t).toBeGreaterThan(1.5);
        expect(loaded.series?.[0]?.at(-1)?.t).toBeLessThan(2.6);
      }
      expect(run.stdout).toMatch(/load_throughput >= 40 Mbit\/s {2}4\/4 cases/);
    }, 120_000);
  },
);
