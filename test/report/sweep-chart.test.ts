// @module-tag browser
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunResult } from '../../src/model/results.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSweepSvg } from '../../src/report/svg-charts.js';
import type { SweepChart } from '../../src/report/sweep-view.js';
import { expectSweepChartsTidy, expectTidy, isInside, layoutOf, overlaps, useBrowser, type Box } from './browser.js';
import { comparedSweep, recordedSweep, syntheticRun } from './fixtures.js';

const { open } = useBrowser();

/** Issue 15 item 3: the sweep charts and group tables of report.html, checked by geometry in headless Chromium. */

/** The synthetic run with every measured case of its first group at about 191 Mbit/s (within 0.4%), so its lines coincide. */
function coincidingRun(): RunResult {
  const run = syntheticRun(100);
  const suite = run.suites[0]!;
  const cases = suite.cases.map((c, i) => {
    if (c.metrics.throughput === undefined) return c;
    const throughput = 191e6 * (1 + (i % 3) * 0.002);
    return { ...c, metrics: { throughput }, runs: [{ throughput }], thresholds: c.thresholds.map((t) => ({ ...t, actual: throughput })) };
  });
  return { ...run, suites: [{ ...suite, cases }] };
}

/** The screen y of a value on a sweep chart's axis, from the drawn grid lines at its 0 and top ticks. */
async function yOnAxis(page: Page, chart: string, value: number): Promise<number> {
  return page.locator(chart).evaluate((svg, v) => {
    const ticks = Array.from(svg.querySelectorAll('text.tick[text-anchor="end"]')).map((t) => Number(t.textContent));
    const grid = Array.from(svg.querySelectorAll('line.grid')).map((l) => l.getBoundingClientRect().top);
    const [zero, top] = [grid[0] ?? 0, grid.at(-1) ?? 0];
    return zero + (v / (ticks.at(-1) ?? 1)) * (top - zero);
  }, value);
}

/** A group zipping send_size = recv_size by include (1K to 1M), with and without nodelay: the two sizes move together. */
function lockstepRun(): RunResult {
  const run = recordedSweep();
  const template = run.suites[0]!.cases[0]!;
  const sizes = [1024, 8192, 65536, 1048576];
  const cases = sizes.flatMap((size, i) =>
    [true, false].map((nodelay) => {
      const throughput = (i + 1) * (nodelay ? 2e9 : 3e9);
      return {
        ...template,
        id: `zip/bulk[nodelay=${String(nodelay)},recv_size=${size},send_size=${size}]`,
        group: 'bulk',
        params: { test: 'TCP_STREAM' as const, send_size: size, recv_size: size, nodelay },
        metrics: { throughput },
        runs: [{ throughput }],
        spread: {},
        thresholds: [],
      };
    }),
  );
  return { ...run, suites: [{ name: 'zip', file: 'zip.yml', cases }] };
}

describe('sweep charts in report.html', () => {
  it('charts sizes that move together (send_size = recv_size, zipped by include) on one axis named with both', async () => {
    const md = renderMarkdown(lockstepRun());
    expect(md).toContain('  x-axis "send_size = recv_size" ["1K", "8K", "64K", "1M"]');
    const page = await open(renderHtml(lockstepRun()));
    const chart = page.locator('svg[data-chart="sweep"]');
    expect(await chart.count()).toBe(1);
    expect(await chart.getAttribute('data-axis')).toBe('send_size = recv_size');
    expect(await chart.locator('text.axis:not([transform])').allTextContents()).toEqual(['send_size = recv_size']);
    expect(await chart.locator('text.tick[text-anchor="middle"]').allTextContents()).toEqual(['1K', '8K', '64K', '1M']);
    expect(await chart.locator('polyline.series').count()).toBe(2);
    expect(await chart.locator('.point title').first().textContent()).toBe('nodelay=true, send_size = recv_size = 1K: 2 Gbit/s');
    await expectSweepChartsTidy(page);
    await page.close();
  });

  it('keeps every label of every sweep chart whole inside its SVG, the legend under the plot, no two charts on top of each other', async () => {
    for (const run of [recordedSweep(), syntheticRun(300)]) {
      const page = await open(renderHtml(run));
      const legends = await expectSweepChartsTidy(page);
      if (run.suites[0]?.name === 'big') expect(legends.some((text) => text.includes('socket_buffer=default,nodelay=false'))).toBe(true);
      await page.close();
    }
  });

  it('draws a default socket buffer as a category at the left of the socket_buffer axis rather than drop it', async () => {
    const page = await open(renderHtml(syntheticRun(300)));
    const chart = page.locator('section[data-group="big/sweep-000"] svg[data-chart="sweep"][data-axis="socket_buffer"]');
    const ticks = await chart.locator('text.tick[text-anchor="middle"]').allTextContents();
    expect(ticks).toEqual(['default', '128K', '256K', '1M', '4M']);
    const xs = await chart.locator('.point').evaluateAll((points) =>
      points.map((p) => {
        const box = p.getBoundingClientRect();
        return { x: p.getAttribute('data-x'), centre: (box.left + box.right) / 2 };
      }),
    );
    const defaults = xs.filter((p) => p.x === 'default');
    // one default point per line of the chart, each left of every sized point
    expect(defaults).toHaveLength(await chart.locator('polyline.series').count());
    const leftmostSized = Math.min(...xs.filter((p) => p.x !== 'default').map((p) => p.centre));
    for (const p of defaults) expect(p.centre).toBeLessThan(leftmostSized - 50);
    await page.close();
  });

  it("draws each case's spread as an error bar from its lowest to its highest run", async () => {
    const run = recordedSweep();
    const page = await open(renderHtml(run));
    const bulk = 'section[data-group="sweep/bulk"] svg[data-chart="sweep"]';
    const cases = run.suites[0]!.cases.filter((c) => c.group === 'bulk');
    expect(await page.locator(`${bulk} g.error-bar`).count()).toBe(cases.length);
    for (const c of cases) {
      const spread = c.spread['throughput']!;
      const series = `nodelay=${String(c.params.nodelay)}`;
      const selector = `[data-series="${series}"][data-x="${String(c.params.send_size)}"]`;
      const bar = await page.locator(`${bulk} g.error-bar${selector}`).evaluate((g) => g.getBoundingClientRect());
      const point = await page.locator(`${bulk} .point${selector}`).evaluate((p) => p.getBoundingClientRect());
      // the bar spans min..max of the runs (in Gbit/s on the axis), through the point's centre
      expect(bar.bottom).toBeCloseTo(await yOnAxis(page, bulk, spread.min / 1e9), 0);
      expect(bar.top).toBeCloseTo(await yOnAxis(page, bulk, spread.max / 1e9), 0);
      expect((bar.left + bar.right) / 2).toBeCloseTo((point.left + point.right) / 2, 0);
    }
    await page.close();
  });

  it('draws a threshold on the charted metric as a dashed line at its limit, labelled with its expression; one past the axis is named above it', async () => {
    const page = await open(renderHtml(recordedSweep()));
    const bulk = 'section[data-group="sweep/bulk"] svg[data-chart="sweep"]';
    const threshold = page.locator(`${bulk} g.threshold`);
    expect(await threshold.count()).toBe(1);
    const drawn = await threshold.evaluate((g) => {
      const line = g.querySelector('line')!;
      return { y: line.getBoundingClientRect().top, dash: getComputedStyle(line).strokeDasharray, text: g.querySelector('text')?.textContent };
    });
    expect(drawn.text).toBe('>= 1 Gbit/s');
    expect(drawn.dash).not.toBe('none');
    expect(drawn.y).toBeCloseTo(await yOnAxis(page, bulk, 1), 0);
    // udp's 1000 Gbit/s would flatten its lines to the floor: named above the axis instead, for the one case it applies to
    expect(await page.locator('section[data-group="sweep/udp"] svg[data-chart="sweep"] text.threshold.above').allTextContents()).toEqual([
      'threshold throughput >= 1000 Gbit/s (1 case of 2): above the top of this axis',
    ]);
    await page.close();
    // the synthetic run's two limits, each at its own height on the axis
    const big = await open(renderHtml(syntheticRun(300)));
    const chart = 'section[data-group="big/sweep-000"] svg[data-chart="sweep"][data-axis="send_size"]';
    const limits = await big
      .locator(`${chart} g.threshold`)
      .evaluateAll((gs) => gs.map((g) => ({ limit: Number(g.getAttribute('data-limit')), y: g.querySelector('line')!.getBoundingClientRect().top })));
    expect(limits.map((l) => l.limit)).toEqual([1e9, 60e9]);
    for (const l of limits) expect(l.y).toBeCloseTo(await yOnAxis(big, chart, l.limit / 1e9), 0);
    await big.close();
  });

  it('keeps the labels of thresholds close together apart, also at the top of the axis, and off markers and error bars', async () => {
    // 34 Gbit/s: right at the last case's marker, a failed one's red ring, which lies under the label's end
    const limits = [20e9, 20.1e9, 34e9, 39e9, 39.2e9, 39.4e9].map((limit) => ({ expression: `>= ${limit / 1e9} Gbit/s`, limit, cases: 3 }));
    const chart: SweepChart = {
      axis: 'send_size',
      metric: 'throughput',
      xValues: [1024, 16384, 65536],
      // the last case's runs from 31 to 37 Gbit/s: an error bar right under the labels' ends
      series: [
        {
          label: '',
          points: [1024, 16384, 65536].map((x, i) => ({ x, y: (10 + 12 * i) * 1e9, failed: i === 2, ...(i === 2 ? { low: 31e9, high: 37e9 } : {}) })),
        },
      ],
      limits,
      cases: 3,
    };
    const css = /<style>[\s\S]*?<\/style>/.exec(renderHtml(recordedSweep()))?.[0] ?? '';
    const page = await open(`<!doctype html><html><head>${css}</head><body>${renderSweepSvg(chart)}</body></html>`);
    expect(await page.locator('g.threshold').count()).toBe(6);
    // every label inside the SVG and none on another (the lines themselves lie 1–2 px apart)
    expectTidy(await layoutOf(page));
    // and none on a case's marker
    const boxes = async (selector: string): Promise<Box[]> =>
      page
        .locator(selector)
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom })));
    const markers = await boxes('.point');
    expect(markers).toHaveLength(3);
    const bars = await boxes('g.error-bar');
    expect(bars).toHaveLength(1);
    for (const label of await boxes('text.threshold')) for (const obstacle of [...markers, ...bars]) expect(overlaps(label, obstacle)).toBe(false);
    // nor a marker on an axis's tick label (the first size sits inset from the y axis)
    for (const tick of await boxes('text.tick')) for (const marker of markers) expect(overlaps(tick, marker)).toBe(false);
    // the failed case's red ring is explained under the chart
    expect(await page.locator('text.note').allTextContents()).toEqual(['a red ring marks a case that failed (a threshold or a regression)']);
    await page.close();
  });

  it('gives lines that coincide distinct markers and says so under the chart; lines apart keep plain circles', async () => {
    // report.md's Mermaid draws no markers: its legend line says which lines lie over each other
    expect(renderMarkdown(coincidingRun())).toMatch(/\nLines: ■ blue .*; \d+ lines coincide \(within 1%\), drawn over each other: blue `[^`]+`, orange `/);
    const page = await open(renderHtml(coincidingRun()));
    const chart = page.locator('svg[data-chart="sweep"][data-axis="send_size"]');
    const note = (await chart.locator('text.note').allTextContents()).join(' ');
    const [, count] = /^(\d+) lines coincide/.exec(note) ?? [];
    expect(Number(count)).toBeGreaterThanOrEqual(7);
    const markers = await chart
      .locator('.point')
      .evaluateAll((points) => points.map((p) => ({ series: p.getAttribute('data-series') ?? '', marker: p.getAttribute('data-marker') ?? '' })));
    const bySeries = new Map<string, string[]>();
    for (const m of markers) bySeries.set(m.series, [...(bySeries.get(m.series) ?? []), m.marker]);
    // every line with all ten sizes lies on the others (the one missing an unmeasured case does not)
    const coinciding = [...bySeries].filter(([, shapes]) => shapes.length === 10).map(([series, shapes]) => [series, new Set(shapes)] as const);
    expect(coinciding).toHaveLength(Number(count));
    // one marker per line, no two coinciding lines alike, and the legend shows the same marker
    for (const [, shapes] of coinciding) expect(shapes.size).toBe(1);
    expect(new Set(coinciding.map(([, shapes]) => [...shapes][0])).size).toBe(coinciding.length);
    expect(await chart.locator('[data-marker].key').evaluateAll((keys) => new Set(keys.map((k) => k.getAttribute('data-marker'))).size)).toBeGreaterThanOrEqual(
      coinciding.length,
    );
    expectTidy(await layoutOf(page, 'svg[data-chart="sweep"]'));
    await page.close();
    const apart = await open(renderHtml(recordedSweep()));
    expect(await apart.locator('section[data-group="sweep/bulk"] svg text.note').count()).toBe(0);
    expect(
      await apart.locator('section[data-group="sweep/bulk"] svg .point').evaluateAll((ps) => [...new Set(ps.map((p) => p.getAttribute('data-marker')))]),
    ).toEqual(['circle']);
    await apart.close();
  });

  it('keeps the case column of the comparison table at the left when it scrolls, and names only the sources it has', async () => {
    const page = await open(renderHtml(comparedSweep()));
    await page.setViewportSize({ width: 900, height: 900 });
    const scroller = page.locator('table.comparison').locator('xpath=..');
    const scrolled = await scroller.evaluate((div) => {
      const row = div.querySelector('tr.regressed')!;
      row.scrollIntoView({ block: 'center' });
      div.scrollLeft = div.scrollWidth;
      const cell = row.querySelector('td.case')!.getBoundingClientRect();
      return {
        scrollLeft: div.scrollLeft,
        viewLeft: div.getBoundingClientRect().left,
        cellLeft: cell.left,
        hit:
          document
            .elementFromPoint(cell.left + 4, cell.top + 4)
            ?.closest('td')
            ?.classList.contains('case') === true,
      };
    });
    expect(scrolled.scrollLeft).toBeGreaterThan(100);
    expect(scrolled.cellLeft).toBeCloseTo(scrolled.viewLeft, 0);
    expect(scrolled.hit).toBe(true);
    // a run compared with a baseline only: the column says baseline, not control / baseline / history
    expect(await page.locator('table.comparison th').nth(4).innerText()).toBe('baseline');
    await page.close();
  });

  it('keeps the case columns of a wide group table at the left when the table scrolls', async () => {
    const page = await open(renderHtml(recordedSweep()));
    await page.setViewportSize({ width: 640, height: 900 });
    const scroller = page.locator('section[data-group="sweep/rr"] div.scroll');
    const scrolled = await scroller.evaluate((div) => {
      const box = (e: Element): Box => {
        const r = e.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      };
      const row = div.querySelector('tr[data-case="sweep/rr[request_size=1K,test=UDP_RR]"]')!;
      row.scrollIntoView({ block: 'center' });
      div.scrollLeft = div.scrollWidth;
      return {
        scrollLeft: div.scrollLeft,
        view: box(div),
        cases: Array.from(row.querySelectorAll('td.case')).map((td) => ({
          ...box(td),
          text: td.textContent,
          hit: document.elementFromPoint(td.getBoundingClientRect().left + 4, td.getBoundingClientRect().top + 4) === td,
        })),
        heads: Array.from(div.querySelectorAll('th.case')).map((th) => th.textContent),
      };
    });
    // the table is wider than its box and did scroll
    expect(scrolled.scrollLeft).toBeGreaterThan(150);
    expect(scrolled.heads).toEqual(['test', 'request_size']);
    expect(scrolled.cases.map((c) => c.text)).toEqual(['UDP_RR', '1K']);
    const [test, size] = scrolled.cases;
    // stuck at the box's left edge, side by side, drawn on top of the cells scrolled under them
    expect(test!.left).toBeCloseTo(scrolled.view.left, 0);
    expect(Math.abs(size!.left - test!.right)).toBeLessThanOrEqual(1);
    for (const c of scrolled.cases) {
      expect(isInside(c, scrolled.view)).toBe(true);
      expect(c.hit).toBe(true);
    }
    await page.close();
  });
});
