// @module-tag slow
// @module-tag root
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetnsLink, netnsUnavailable, type NetnsLink } from '../../src/exec/netns-link.js';
import { startLocalNetserver, type StartedNetserver } from '../../src/exec/local-netserver.js';
import type { RunResult } from '../../src/model/results.js';
import { projectRoot, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const unavailable = await netnsUnavailable();
let link: NetnsLink;
let netserver: StartedNetserver;

/** `perfsuite run` of the shaped-link suite against the netserver in the namespace. */
function run(out: string, extra: readonly string[] = []) {
  const args = ['run', 'test/fixtures/suites/valid/shaped-link.yml', '--out', out, '--var', `PEER=${link.peerAddress}`, ...extra];
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' },
  });
  return { ...result, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult };
}

const outDir = (): string => tempDir('regression');

describe.skipIf(unavailable !== undefined)(
  `the regression gate on a tbf-shaped veth link${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    beforeAll(async () => {
      link = await createNetnsLink({ rate: '100mbit' });
      netserver = await startLocalNetserver({ host: link.peerAddress, port: 12865, prefix: link.exec });
    });

    afterAll(async () => {
      await netserver?.stop();
      await link?.remove();
    });

    it('passes at the baseline rate, fails a 10% slower link at the regression line, and passes again when restored', async () => {
      const baselineDir = outDir();
      const first = run(baselineDir);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const measured = first.results.suites[0]?.cases[0]?.metrics.throughput ?? 0;
      // tbf at 100 Mbit/s: TCP goodput a little under it
      expect(measured).toBeGreaterThan(85e6);
      expect(measured).toBeLessThan(100e6);
      const baseline = path.join(baselineDir, 'results.json');

      await link.setRate('90mbit');
      const slowerDir = outDir();
      const slower = run(slowerDir, ['--baseline', baseline]);
      expect(slower.status).toBe(1);
      const outcome = slower.results.suites[0]?.cases[0]?.regressions?.[0];
      expect(outcome).toMatchObject({
        source: 'baseline',
        against: baseline,
        metric: 'throughput',
        tolerance: 0.05,
        verdict: 'regressed',
        passed: false,
        line: 15,
        method: 'mann-whitney-u',
        alpha: 0.01,
      });
      expect(outcome?.change).toBeLessThan(-0.07);
      expect(outcome?.change).toBeGreaterThan(-0.13);
      // 5 vs 5 at α = 0.01 rejects only on complete separation (p = 1/252): the bound is the closest pair, below zero
      expect(outcome?.upper).toBeLessThan(0);
      expect(outcome?.p).toBeCloseTo(1 / 252, 6);
      expect(slower.stdout).toMatch(
        /^✗ \[1\/1\] shaped-link\/bulk .* throughput −\d+\.\d+% vs baseline, beyond 5% \(p = 0\.004, test\/fixtures\/suites\/valid\/shaped-link\.yml:15\)/m,
      );
      expect(slower.stdout).toMatch(
        /^ {2}✗ shaped-link\/bulk throughput {2}9\d\.\d Mbit\/s → 8\d\.\d Mbit\/s {2}−\d+\.\d+% \[−\d+\.\d+%, −\d+\.\d+%\] regressed \(tolerance 5%\) {2}p = 0\.004, 5 vs 5 runs/m,
      );
      expect(readFileSync(path.join(slowerDir, 'junit.xml'), 'utf8')).toMatch(
        /<testcase classname="shaped-link\.bulk" name="bulk" file="test\/fixtures\/suites\/valid\/shaped-link\.yml" time="[\d.]+" line="15">[\s\S]*<failure message="throughput regressed −/,
      );
      expect(readFileSync(path.join(slowerDir, 'report.md'), 'utf8')).toMatch(/^## ❌ perfsuite: 1 of 1 case regressed\n/);
      // the suite says nothing of the link (the test shaped it), but the facts read of this host's side of the path do:
      // the qdisc on the interface towards the peer changed, and nothing was lost, so the reading is capacity
      expect(slower.results.servers[0]?.facts?.local?.interface).toMatchObject({ name: link.hostInterface, mtu: 1500 });
      expect(outcome?.evidence).toMatchObject({
        differences: [{ what: 'qdisc (this host)', against: 'tbf rate 100Mbit burst 64Kb lat 50ms', current: 'tbf rate 90Mbit burst 64Kb lat 50ms' }],
        cause: 'capacity',
      });
      expect(outcome?.evidence?.counters.map((c) => [c.metric, c.verdict])).toEqual([
        ['retransmissions', 'unchanged'],
        ['mss', 'unchanged'],
      ]);
      expect(slower.stdout).toContain(
        '      why: capacity: qdisc (this host) differs, tbf rate 100Mbit burst 64Kb lat 50ms → tbf rate 90Mbit burst 64Kb lat 50ms, and no retransmissions or qdisc drops rose',
      );

      await link.setRate('100mbit');
      const restored = run(outDir(), ['--baseline', baseline]);
      expect(restored.status).toBe(0);
      expect(restored.results.suites[0]?.cases[0]?.regressions?.[0]?.verdict).toBe('unchanged');
      expect(restored.results.comparison).toMatchObject({ missingCases: [], newCases: [], environmentDifferences: [] });
    }, 120_000);
  },
);
