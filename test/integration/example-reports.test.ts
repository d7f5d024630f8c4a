// @module-tag slow
// @module-tag browser
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, readResults, tempDir } from '../helpers.js';
import { expectSweepChartsTidy, useBrowser } from '../report/browser.js';
import { useMermaid } from '../report/mermaid-draw.js';

/**
 * Issue 15's chart checks on the README's own example suites, measured here with the real netperf (1 s runs, 2 a case
 * so every point has a spread): report.html's sweep charts by geometry in headless Chromium, report.md's Mermaid
 * charts through the real mermaid.
 */

const { open } = useBrowser();
const { expectReadable } = useMermaid();
let out: string;
const examples = ['suites/loopback-tcp.yml', 'suites/loopback-udp.yml'];

beforeAll(() => {
  // made here, not on import: a file whose tests all skip (no Chromium) runs no hook, so nothing would remove it
  out = tempDir('examples');
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'bin/perfsuite.js'), 'run', ...examples, '--duration', '1s', '--repeat', '2', '--out', out], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
  });
  // 1 if this machine misses a threshold of the examples; never an error
  expect([0, 1], run.stderr).toContain(run.status);
}, 240_000);

describe("the example suites' reports, as a user opens them", () => {
  it('measures every case of both example suites', () => {
    const cases = readResults(out).suites.flatMap((s) => s.cases);
    expect(cases).toHaveLength(15);
    expect(cases.filter((c) => c.status === 'error' || c.status === 'skipped').map((c) => c.id)).toEqual([]);
  });

  it("draws report.html's sweep charts whole, legends under the plots, default buffers as a category, every point with its spread", async () => {
    const page = await open(readFileSync(path.join(out, 'report.html'), 'utf8'));
    await expectSweepChartsTidy(page);
    const buffers = page.locator('section[data-group="loopback-tcp/bulk"] svg[data-chart="sweep"][data-axis="socket_buffer"]');
    expect(await buffers.locator('text.tick[text-anchor="middle"]').allTextContents()).toEqual(['default', '256K']);
    // two runs a case: every charted point has its min–max bar
    const charts = page.locator('svg[data-chart="sweep"]');
    expect(await charts.locator('g.error-bar').count()).toBe(await charts.locator('.point').count());
    await page.close();
  });

  it('draws every Mermaid chart of report.md through the real mermaid, from zero, in visible colours', async () => {
    const blocks = await expectReadable(readFileSync(path.join(out, 'report.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });
});
