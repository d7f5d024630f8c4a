// @module-tag slow
// @module-tag root
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import type { TrendReport } from '../../src/model/history.js';
import type { RunResult } from '../../src/model/results.js';
import { projectRoot, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const suite = 'test/fixtures/suites/valid/history-shaped.yml';
const unavailable = await netnsUnavailable();
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };
// made before the first test, not on import: a file whose tests all skip runs no hook, so nothing would remove it
let dir: string;
let history: string;
beforeAll(() => {
  dir = tempDir('history');
  history = path.join(dir, 'history.jsonl');
});

function perfsuite(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: projectRoot, encoding: 'utf8', env });
}

let runs = 0;
/** One real run of the shaped link at `rate`, judged against the history when `judged`, appended when `append`. */
function measure(rate: string, options: { judged?: boolean; append?: boolean } = {}) {
  const out = path.join(dir, `run-${(runs += 1)}`);
  const result = perfsuite(
    'run',
    suite,
    '--out',
    out,
    '--var',
    `LINK_RATE=${rate}`,
    '--reporter',
    'markdown,html',
    ...(options.judged === true ? ['--history', history] : []),
  );
  if (options.append === true) {
    const added = perfsuite('history', 'add', path.join(out, 'results.json'), '--history', history);
    expect(added.status, added.stderr).toBe(0);
  }
  return { ...result, out, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult };
}

describe.skipIf(unavailable !== undefined)(
  `history of real runs on a shaped netns link${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('judges 90 Mbit/s regressed against six runs at 100, 100 again unchanged, and finds the change point once 90 is appended', () => {
      for (let i = 0; i < 6; i += 1) expect(measure('100mbit', { append: true }).status).toBe(0);
      expect(readFileSync(history, 'utf8').trim().split('\n')).toHaveLength(6);

      const slow = measure('90mbit', { judged: true });
      expect(slow.stderr).toBe('');
      expect(slow.status).toBe(1);
      const outcome = slow.results.suites[0]?.cases[0]?.regressions?.[0];
      expect(outcome).toMatchObject({
        source: 'history',
        against: history,
        verdict: 'regressed',
        metric: 'throughput',
        historyEntries: 6,
        sameFingerprint: true,
      });
      expect(outcome?.change).toBeLessThan(-0.07);
      expect(outcome?.change).toBeGreaterThan(-0.13);
      // the setup changed between the history and this run, and every report says so beside the verdict
      expect(slow.results.history?.environmentDifferences).toContainEqual({ field: 'history-shaped ${LINK_RATE}', baseline: '100mbit', current: '90mbit' });
      expect(slow.stdout).toContain("machine or setup differs from the newest history entry's: history-shaped ${LINK_RATE} 100mbit → 90mbit");
      expect(readFileSync(path.join(slow.out, 'report.md'), 'utf8')).toContain('history-shaped ${LINK_RATE} `100mbit` → `90mbit`');
      expect(readFileSync(path.join(slow.out, 'report.html'), 'utf8')).toContain('history-shaped ${LINK_RATE} <code>100mbit</code> → <code>90mbit</code>');
      // beside the verdict: the variable, the link and the qdiscs the history's newest entry recorded, nothing lost
      expect(outcome?.evidence?.differences.map((d) => d.what)).toEqual(['${LINK_RATE}', 'link', 'qdisc (this host)', 'qdisc (server side)']);
      expect(outcome?.evidence?.counters.find((c) => c.metric === 'qdisc_drops')).toMatchObject({ against: 0, current: 0, verdict: 'unchanged' });
      expect(outcome?.evidence?.reading).toMatch(/^capacity: link differs, rate 100mbit → rate 90mbit/);

      const same = measure('100mbit', { judged: true });
      expect(same.status).toBe(0);
      expect(same.results.suites[0]?.cases[0]?.regressions?.[0]).toMatchObject({ source: 'history', verdict: 'unchanged' });

      for (let i = 0; i < 3; i += 1) measure('90mbit', { append: true });
      const shown = perfsuite('history', 'show', history, '--json', '--out', path.join(dir, 'trend'));
      expect(shown.status, shown.stderr).toBe(0);
      const trend = JSON.parse(shown.stdout) as TrendReport;
      expect(trend.series.find((s) => s.metric === 'throughput')?.points).toHaveLength(9);
      // the medians in the message: a missed change point (seen once on a loaded CI machine) says what it was given
      const medians = trend.series.find((s) => s.metric === 'throughput')?.points.map((p) => p.median);
      expect(trend.changePoints, `throughput medians ${JSON.stringify(medians)}`).toHaveLength(1);
      expect(trend.changePoints[0]).toMatchObject({ case: 'history-shaped/bulk', metric: 'throughput', index: 6 });
      expect(trend.changePoints[0]?.change).toBeLessThan(-0.07);
      expect(readFileSync(path.join(dir, 'trend', 'report.html'), 'utf8')).toContain('history-shaped/bulk');
    }, 240_000);
  },
);
