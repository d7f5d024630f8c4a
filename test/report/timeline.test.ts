/// <reference lib="dom" />
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { blocksOf } from './mermaid-draw.js';
import { expectTidy, isInside, layoutOf, useBrowser } from './browser.js';
import { recordedLoadInterval, recordedRrulInterval } from './fixtures.js';

const rrul = recordedRrulInterval();
const loaded = rrul.suites[0]?.cases[1];

describe('a loaded run over time in the reports (a recorded suites/rrul run with interval:)', () => {
  it('report.html: one chart per loaded case, a line per flow and, under it, the latency under load against idle', () => {
    const html = renderHtml(rrul);
    const chart = /<svg class="chart" data-chart="timeline"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(chart).toContain(`data-case="${loaded?.id ?? ''}"`);
    expect(chart.match(/<polyline class="flow"/g)).toHaveLength(8);
    expect([...chart.matchAll(/data-flow="(\d)" data-direction="(\w+)"/g)].map((m) => `${m[1]}${m[2]}`)).toEqual(
      [1, 2, 3, 4].map((f) => `${f}up`).concat([5, 6, 7, 8].map((f) => `${f}down`)),
    );
    expect(chart).toContain('<polyline class="latency" data-load="loaded"');
    expect(chart).toContain('<polyline class="latency" data-load="idle"');
    expect(chart).toContain('1 TCP_STREAM up BE');
    expect(chart).toContain('8 TCP_MAERTS down EF');
    // the legend and notes under it, as HTML
    const around = /<div class="timeline"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(around).toContain(chart);
    expect(around).toMatch(/<ul class="timeline-legend"><li><svg class="key"[^]*?<\/svg> 1 TCP_STREAM up BE<\/li>/);
    expect(around).toMatch(/<li><svg class="key"[^]*?<\/svg> latency under this load, mean [\d.]+ ms<\/li>/);
    expect(around).toContain("latency is the mean from each interval's transaction rate");
    // the load in the tables: a summary, the id in its tooltip, the id breaking after each +
    expect(html).toContain(
      `<td class="text" title="${loaded?.params.load === undefined ? '' : '1xTCP_STREAM/BE+1xTCP_STREAM/CS1+1xTCP_STREAM/CS5+1xTCP_STREAM/EF+1xTCP_MAERTS/BE+1xTCP_MAERTS/CS1+1xTCP_MAERTS/CS5+1xTCP_MAERTS/EF'}">8 flows: 4↑ 4↓ BE/CS1/CS5/EF</td>`,
    );
    expect(html).toContain('1xTCP_STREAM/BE+<wbr>1xTCP_STREAM/CS1+<wbr>');
    // the chart follows its case's flow table
    expect(html.indexOf(chart)).toBeGreaterThan(html.indexOf(`<table class="load-flows" data-case="${loaded?.id ?? ''}"`));
    // a load without interval: draws none
    expect(renderHtml(recordedLoadInterval())).not.toContain('data-chart="timeline"');
  });

  it('report.md: after the flow table, a Mermaid chart of each flow’s throughput and one of latency loaded against idle', () => {
    const md = renderMarkdown(rrul);
    const blocks = blocksOf(md.slice(md.indexOf('#### Load flows')));
    const flows = blocks.find((b) => b.source.includes('title "Each load flow\'s throughput'));
    expect(flows?.source.match(/^ {2}line \[/gm)).toHaveLength(8);
    // bins of 0.5 s over the measured test, labelled by their ends, the same on both charts
    expect(flows?.source).toMatch(/x-axis "seconds from the measured test start" \["0\.5", "1", "1\.5", "2"\]/);
    expect(flows?.legend).toContain('■ blue `1 TCP_STREAM up BE`');
    const latency = blocks.find((b) => b.source.includes('title "Latency over the measured test'));
    expect(latency?.source.match(/^ {2}line \[/gm)).toHaveLength(2);
    const xAxis = (source = ''): string | undefined => /x-axis .*$/m.exec(source)?.[0];
    expect(xAxis(latency?.source)).toBe(xAxis(flows?.source));
    expect(flows?.legend).toContain("labelled by the bin's end");
    expect(latency?.legend).toMatch(/■ blue `under this load, mean [\d.]+ ms` · ■ orange `idle, mean [\d.]+ µs`/);
    // each line's values are as many as the x labels
    for (const b of [flows, latency]) {
      const labels = (/x-axis "[^"]*" \[(.*)\]/.exec(b?.source ?? '')?.[1] ?? '').split(', ').length;
      for (const line of b?.source.matchAll(/^ {2}line \[(.*)\]$/gm) ?? []) expect(line[1]?.split(', ')).toHaveLength(labels);
    }
  });

  it('report.md: more than 8 flows are summed by direction, each line the sum of its flows', () => {
    const run = recordedRrulInterval();
    const suite = run.suites[0];
    const [idle, c] = suite?.cases ?? [];
    if (suite === undefined || idle === undefined || c === undefined) throw new Error('no cases');
    const streams = c.load_flows?.[0] ?? [];
    // flows 9 and 10: copies of flow 1 (up) and flow 5 (down)
    const extra = [1, 5].map((flow, i) => ({ ...(streams.find((s) => s.flow === flow) ?? streams[0]!), flow: 9 + i }));
    const wide = { ...c, load_flows: [[...streams, ...extra]] };
    const md = renderMarkdown({ ...run, suites: [{ ...suite, cases: [idle, wide] }] });
    const flows = blocksOf(md.slice(md.indexOf('#### Load flows'))).find((b) => b.source.includes('title "Each load flow\'s throughput'));
    const lines = [...(flows?.source ?? '').matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => (m[1] ?? '').split(', ').map(Number));
    expect(lines).toHaveLength(2);
    expect(flows?.legend).toContain('`all 5 uploads`');
    expect(flows?.legend).toContain('`all 5 downloads`');
    expect(flows?.legend).toContain('10 flows summed by direction');
    // each direction's line is its five flows' sum: against the eight-flow chart's lines
    const eight = blocksOf(renderMarkdown(run).slice(renderMarkdown(run).indexOf('#### Load flows'))).find((b) =>
      b.source.includes('title "Each load flow\'s throughput'),
    );
    const each = [...(eight?.source ?? '').matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => (m[1] ?? '').split(', ').map(Number));
    const sum = (rows: number[][]) => (rows[0] ?? []).map((_, i) => rows.reduce((t, r) => t + (r[i] ?? 0), 0));
    const up = sum([...each.slice(0, 4), each[0] ?? []]);
    const down = sum([...each.slice(4, 8), each[4] ?? []]);
    // both charts in Mbit/s, 4 significant digits
    for (const [i, value] of (lines[0] ?? []).entries()) expect(value).toBeCloseTo(up[i] ?? NaN, 0);
    for (const [i, value] of (lines[1] ?? []).entries()) expect(value).toBeCloseTo(down[i] ?? NaN, 0);
  });

  it('a long run (20,000 intervals a flow) renders, each line drawn from at most 600 bins, the chart under 150 kB', () => {
    const run = recordedRrulInterval();
    const [idle, c] = run.suites[0]?.cases ?? [];
    if (idle === undefined || c === undefined) throw new Error('no cases');
    const n = 20_000;
    const rates = (offset: number) => Array.from({ length: n }, (_, i) => ({ t: (i + 1) * 0.5, transaction_rate: 50 + ((i + offset) % 10) }));
    const long = (cc: typeof c, offset: number) => ({
      ...cc,
      runs: [{ ...cc.runs[0], transaction_rate: 55 }],
      series: [rates(offset)],
      ...(cc.load_flows === undefined
        ? {}
        : {
            load_flows: [
              (cc.load_flows[0] ?? []).map((f) => ({
                ...f,
                start: -1,
                series: Array.from({ length: n + 4 }, (_, i) => ({ t: i * 0.5 - 0.5, throughput: 6e6 + (i % 5) * 1e5 })),
              })),
            ],
          }),
    });
    const suite = run.suites[0];
    if (suite === undefined) throw new Error('no suite');
    const html = renderHtml({ ...run, suites: [{ ...suite, cases: [long(idle, 3), long(c, 0)] }] });
    const chart = /<svg class="chart" data-chart="timeline"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(chart).not.toBe('');
    expect(chart.length).toBeLessThan(150_000);
    const polylines = [...chart.matchAll(/<polyline [^>]*points="([^"]*)"/g)];
    expect(polylines).toHaveLength(10);
    for (const p of polylines) {
      const count = p[1]?.split(' ').length ?? 0;
      expect(count).toBeGreaterThan(500);
      expect(count).toBeLessThanOrEqual(601);
    }
    // the legend's means are the whole run's (weighted by transactions)
    expect(html).toMatch(/latency under this load, mean 18\.\d+ ms/);
    // report.md's charts too
    expect(renderMarkdown({ ...run, suites: [{ ...suite, cases: [long(idle, 3), long(c, 0)] }] })).toContain('title "Latency over the measured test');
  });
});

const { open } = useBrowser();

describe('a loaded run over time in headless Chromium', { tags: ['browser'] }, () => {
  it('draws one visible line per flow above the latency, on one time scale, tidy at 1280 px and whole at 390 px', async () => {
    const page = await open(renderHtml(rrul));
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const svg = page.locator('svg[data-chart="timeline"]');
      expect(await svg.count()).toBe(1);
      const lines = await svg.locator('polyline.flow').evaluateAll((ps) =>
        ps.map((p) => {
          const r = p.getBoundingClientRect();
          return { flow: p.getAttribute('data-flow'), width: r.width, stroke: getComputedStyle(p).stroke };
        }),
      );
      expect(lines.map((l) => l.flow)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      for (const l of lines) expect(l.width).toBeGreaterThan(100);
      expect(new Set(lines.map((l) => l.stroke)).size).toBe(8);
      // the throughput lines lie above the latency lines, and both span the same x range (one time axis)
      const box = async (selector: string) => (await svg.locator(selector).first().boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 };
      const flow = await box('polyline.flow[data-flow="5"]');
      const latency = await box('polyline.latency[data-load="loaded"]');
      expect(flow.y + flow.height).toBeLessThan(latency.y);
      const ticks = await svg
        .locator('text.tick')
        .evaluateAll((ts) => ts.map((t) => ({ text: t.textContent, x: t.getBoundingClientRect().x + t.getBoundingClientRect().width / 2 })));
      const zeroes = ticks.filter((t) => t.text === '0').map((t) => t.x);
      // "0" s under both panels at one x (the y axes' 0 ticks sit at the left)
      const right = zeroes.filter((x) => x > Math.min(...zeroes) + 20);
      expect(right).toHaveLength(2);
      expect(Math.abs((right[0] ?? 0) - (right[1] ?? 1))).toBeLessThan(0.5);
      const chart = await svg.boundingBox();
      // as wide as the page allows, never past it: whole on a phone
      expect(chart?.width).toBeLessThanOrEqual(Math.min(width - 32, 680) + 0.5);
      expect(chart?.width).toBeGreaterThanOrEqual(Math.min(width - 32, 680) - 0.5);
      // the legend in two columns on a wide screen, one on a phone
      const lefts = await page
        .locator('ul.timeline-legend li')
        .evaluateAll((items) => [...new Set(items.map((li) => Math.round(li.getBoundingClientRect().left)))].length);
      expect(lefts).toBe(width === 390 ? 1 : 2);
      // the latency-under-load and per-case tables fit the page: the load reads as a summary
      const sizes = await page.evaluate(() => ({
        underLoad: document.querySelector('section.under-load table')?.getBoundingClientRect().width ?? Infinity,
        loadCells: Array.from(
          document.querySelectorAll<HTMLTableCellElement>('section.under-load td[title], section.group td.case[title]'),
          (td) => td.getBoundingClientRect().width,
        ),
      }));
      if (width === 1280) expect(sizes.underLoad).toBeLessThan(1280 - 32);
      // the under-load table's load cell and the results table's sticky load column: a summary, not the ~1,200 px id
      expect(sizes.loadCells).toHaveLength(2);
      for (const w of sizes.loadCells) expect(w).toBeLessThan(300);
      await page.screenshot({ path: `${process.env['SCREENSHOT_DIR'] ?? tmpdir()}/timeline-${width}.png`, fullPage: true });
      expectTidy(await layoutOf(page, 'svg[data-chart="timeline"]'));
      const [layout] = await layoutOf(page, 'svg[data-chart="timeline"]');
      for (const t of layout?.texts ?? []) expect(isInside(t, layout?.svg ?? t)).toBe(true);
    }
    await page.close();
  });
});
