/// <reference lib="dom" />
import { useBrowser } from './browser.js';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { abRun, comparedSweep, recordedSweep, syntheticRun } from './fixtures.js';


const { open, outside } = useBrowser();

describe('report.html in headless Chromium', () => {
  it('is one self-contained file: nothing is fetched, nothing is scripted', async () => {
    const page = await open(renderHtml(recordedSweep()));
    expect(outside).toEqual([]);
    expect(await page.locator('script, link, img, iframe').count()).toBe(0);
    await page.close();
  });

  it('shows the verdict first, coloured by outcome, and the failures table', async () => {
    const page = await open(renderHtml(recordedSweep()));
    const verdict = page.locator('.verdict');
    expect(await verdict.innerText()).toBe('perfsuite: 3 of 13 cases failed a threshold; 1 of 13 could not be measured');
    expect(await verdict.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(154, 103, 0)');
    const failures = await page.locator('table.failures tbody tr').allInnerTexts();
    expect(failures).toHaveLength(4);
    expect(failures[3]).toContain('throughput was 18.1 Gbit/s, expected >= 1000 Gbit/s');
    await page.close();
  });

  it('draws throughput against each swept size, one line per other swept value, rising where the data rises', async () => {
    const page = await open(renderHtml(recordedSweep()));
    const charts = page.locator('svg[data-chart="sweep"]');
    expect(await charts.evaluateAll((svgs) => svgs.map((svg) => `${svg.dataset['metric'] ?? ''} vs ${svg.dataset['axis'] ?? ''}`))).toEqual([
      'throughput vs send_size',
      'throughput vs send_size',
      'transaction_rate vs request_size',
    ]);
    const bulk = page.locator('section[data-group="sweep/bulk"] svg[data-chart="sweep"]');
    const box = await bulk.boundingBox();
    expect(box?.width).toBeGreaterThan(500);
    // nodelay=true measured 1.85, 26.2 and 54.5 Gbit/s: each drawn point higher on screen than the last
    const heights = await bulk.locator('polyline[data-series="nodelay=true"]').evaluate((line) =>
      Array.from((line as SVGPolylineElement).points).map((p) => p.y),
    );
    expect(heights).toHaveLength(3);
    expect(heights[0]).toBeGreaterThan(heights[1] ?? Infinity);
    expect(heights[1]).toBeGreaterThan(heights[2] ?? Infinity);
    expect(await bulk.locator('.legend').allTextContents()).toEqual(['nodelay=false', 'nodelay=true']);
    await page.close();
  });

  it('highlights failures: red rings on failed points, tinted rows, red missed values', async () => {
    const page = await open(renderHtml(recordedSweep()));
    expect(await page.locator('section[data-group="sweep/udp"] circle.point.failed').count()).toBe(1);
    expect(await page.locator('section[data-group="sweep/bulk"] circle.point.failed').count()).toBe(0);
    const row = page.locator('tr[data-case="sweep/udp[send_size=8K]"]');
    expect(await row.locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(255, 235, 233)');
    expect(await row.locator('td.miss').evaluate((td) => [td.textContent, getComputedStyle(td).color])).toEqual(['18.1', 'rgb(207, 34, 46)']);
    expect(await page.locator('tr[data-case="sweep/bulk[nodelay=false,send_size=1K]"] td').first().evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
    await page.close();
  });

  it('draws latency percentiles for RR tests, p99 beyond p90 beyond p50 on every row', async () => {
    const page = await open(renderHtml(recordedSweep()));
    const chart = page.locator('section[data-group="sweep/rr"] svg[data-chart="latency"]');
    const widths = await chart.locator('rect.bar').evaluateAll((bars) => bars.map((bar) => [bar.dataset['percentile'], bar.getBoundingClientRect().width] as const));
    expect(widths).toHaveLength(12);
    for (let row = 0; row < 4; row += 1) {
      const [p99, p90, p50] = widths.slice(row * 3, row * 3 + 3);
      expect([p99?.[0], p90?.[0], p50?.[0]]).toEqual(['p99', 'p90', 'p50']);
      expect(p99?.[1]).toBeGreaterThanOrEqual(p90?.[1] ?? Infinity);
      expect(p90?.[1]).toBeGreaterThanOrEqual(p50?.[1] ?? Infinity);
      expect(p50?.[1]).toBeGreaterThan(0);
    }
    // the unreachable TCP_RR case measured nothing, so only the rr group has a latency chart
    expect(await page.locator('svg[data-chart="latency"]').count()).toBe(1);
    await page.close();
  });

  it('shows the comparison with the baseline: differences called out, regressed metrics tinted, inconclusive ones a warning, Δ columns', async () => {
    const page = await open(renderHtml(comparedSweep()));
    expect(await page.locator('h2', { hasText: 'Compared with' }).allInnerTexts()).toEqual(['Compared with the baseline']);
    expect(await page.locator('p.warning').first().innerText()).toBe("The machine or setup differs from the baseline's: kernel 6.1.0-28-amd64 → 6.18.44-fc-v657. The figures were compared anyway.");
    const rows = page.locator('table.comparison tbody tr');
    expect(await rows.evaluateAll((trs: HTMLElement[]) => trs.map((tr) => tr.className))).toEqual([
      ...Array<string>(6).fill('regressed'),
      'not-compared',
      'not-compared',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'inconclusive',
      'inconclusive',
    ]);
    const regressed = page.locator('table.comparison tr.regressed');
    expect(await regressed.first().locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(255, 235, 233)');
    expect(await regressed.first().innerText()).toBe(
      'regressed\tsweep/bulk[nodelay=false,send_size=1K]\tthroughput\tbaseline\t12.8 Gbit/s\t10.7 Gbit/s\t−16.7%\t[−19.0%, −14.3%]\t5%\tp = 0.004, 5 vs 5 runs (one-sided Mann–Whitney U, α = 0.01)',
    );
    const inconclusive = page.locator('table.comparison tr.inconclusive');
    expect(await inconclusive.first().locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(255, 248, 197)');
    expect(await page.locator('div.warning').innerText()).toMatch(/^2 comparisons are inconclusive \(a warning, not a failure\):\n/);
    expect(await page.locator('div.warning li').allInnerTexts()).toEqual([
      expect.stringMatching(/^sweep\/rr\[request_size=1,test=UDP_RR\] transaction_rate: the noise is too large to tell a drop of more than 5% from none with 5 runs per side;/),
      expect.stringMatching(/^sweep\/rr\[request_size=1K,test=UDP_RR\] transaction_rate: the noise is too large to tell a drop of more than 5% from none with 5 runs per side;/),
    ]);
    // Δ columns in the group tables: regressed red, inconclusive amber, improved green
    const delta = page.locator('tr[data-case="sweep/bulk[nodelay=false,send_size=1K]"] td.miss');
    expect(await delta.allInnerTexts()).toEqual(['−16.7%']);
    expect(await page.locator('tr[data-case="sweep/rr[request_size=1K,test=UDP_RR]"] td.noise').evaluate((td) => [td.textContent, getComputedStyle(td).color])).toEqual(['−7.41%', 'rgb(154, 103, 0)']);
    expect(await page.locator('tr[data-case="sweep/udp[send_size=8K]"] td.better').evaluate((td) => [td.textContent, getComputedStyle(td).color])).toEqual(['+11.1%', 'rgb(26, 127, 55)']);
    await page.close();
  });

  it('shows a same-run comparison against the control, with the seed, and no baseline', async () => {
    const page = await open(renderHtml(abRun()));
    expect(await page.locator('h2', { hasText: 'Compared with' }).allInnerTexts()).toEqual(['Compared with the control, in the same run']);
    expect(await page.locator('p.meta', { hasText: 'interleaved' }).innerText()).toMatch(/Order seed 42 \(--seed 42 reproduces it\)\.$/);
    const rows = page.locator('table.comparison tbody tr');
    expect(await rows.evaluateAll((trs: HTMLElement[]) => trs.map((tr) => tr.className))).toEqual(['regressed', 'unchanged', 'inconclusive']);
    expect(await rows.first().innerText()).toBe(
      'regressed\tab/bulk[server=head]\tthroughput\tcontrol ab/bulk[server=base]\t945 Mbit/s\t897 Mbit/s\t−5.00%\t[−5.19%, −4.81%]\t3%\tp = 0.002, 9 rounds (paired sign test on per-round ratios, α = 0.01)',
    );
    expect(await page.locator('tr[data-case="ab/bulk[server=head]"] td.miss').allInnerTexts()).toEqual(['−5.00%']);
    await page.close();
  });

  it('renders 5,000 cases as one page with every row', async () => {
    const page = await open(renderHtml(syntheticRun(5000)));
    expect(await page.locator('tbody tr[data-case]').count()).toBe(5000);
    expect(await page.locator('svg[data-chart="sweep"]').count()).toBe(100);
    await page.close();
  });
});
