/// <reference lib="dom" />
import { expectTidy, isInside, layoutOf, useBrowser } from './browser.js';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { abRun, comparedSweep, intervalRun, recordedLoadInterval, recordedSweep, syntheticRun, tuningRun } from './fixtures.js';

const { open, outside } = useBrowser();

describe('report.html in headless Chromium', { tags: ['browser'] }, () => {
  it('is one self-contained file: nothing is fetched, nothing is scripted', async () => {
    const page = await open(renderHtml(recordedSweep()));
    expect(outside).toEqual([]);
    expect(await page.locator('script, link, img, iframe').count()).toBe(0);
    await page.close();
  });

  it('on a phone (390 px) keeps charts at a readable size, scrolling sideways, and note cells wide enough to read', async () => {
    const page = await open(renderHtml(recordedSweep()));
    await page.setViewportSize({ width: 390, height: 900 });
    const chart = await page.locator('section[data-group="sweep/bulk"] svg[data-chart="sweep"]').first().boundingBox();
    expect(chart?.width).toBeGreaterThanOrEqual(600);
    const note = await page.locator('td.note').first().boundingBox();
    expect(note?.width).toBeGreaterThan(150);
    await page.close();
  });

  it('shows the verdict first, coloured by outcome, and the failures table', async () => {
    const page = await open(renderHtml(recordedSweep()));
    const verdict = page.locator('.verdict');
    expect(await verdict.innerText()).toBe('perfsuite: 3 of 13 cases failed a threshold; 1 of 13 cases could not be measured');
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
    const heights = await bulk
      .locator('polyline[data-series="nodelay=true"]')
      .evaluate((line) => Array.from((line as SVGPolylineElement).points).map((p) => p.y));
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
    expect(
      await row
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor),
    ).toBe('rgb(255, 235, 233)');
    expect(await row.locator('td.miss').evaluate((td) => [td.textContent, getComputedStyle(td).color])).toEqual(['18.1 ±0.2%', 'rgb(207, 34, 46)']);
    expect(
      await page
        .locator('tr[data-case="sweep/bulk[nodelay=false,send_size=1K]"] td')
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor),
    ).toBe('rgba(0, 0, 0, 0)');
    await page.close();
  });

  it('draws latency percentiles for RR tests, p99 beyond p90 beyond p50 on every row', async () => {
    const page = await open(renderHtml(recordedSweep()));
    const chart = page.locator('section[data-group="sweep/rr"] svg[data-chart="latency"]');
    const widths = await chart
      .locator('rect.bar')
      .evaluateAll((bars) => bars.map((bar) => [bar.dataset['percentile'], bar.getBoundingClientRect().width] as const));
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
    expect(await page.locator('p.warning').first().innerText()).toBe(
      "The machine or setup differs from the baseline's: kernel 6.1.0-28-amd64 → 6.18.44-fc-v657. The figures were compared anyway; read them with that in mind.",
    );
    const rows = page.locator('table.comparison tbody tr');
    expect(await rows.evaluateAll((trs: HTMLElement[]) => trs.map((tr) => tr.className))).toEqual([
      ...Array<string>(6).fill('regressed'),
      'not-compared',
      'not-compared',
      'unchanged improved',
      'unchanged',
      'unchanged',
      'unchanged',
      'inconclusive',
      'inconclusive',
    ]);
    const regressed = page.locator('table.comparison tr.regressed');
    expect(
      await regressed
        .first()
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor),
    ).toBe('rgb(255, 235, 233)');
    expect(await regressed.first().innerText()).toBe(
      'regressed\tsweep/bulk[nodelay=false,send_size=1K]\tthroughput\tbaseline\t12.8 Gbit/s\t10.7 Gbit/s\t−16.7% [−19.0%, −14.3%]\t5%\tp = 0.004, 5 vs 5 runs¹ · unexplained: no counter was recorded, though 1 setting differs',
    );
    // the method repeated on every row, once under the table
    expect(await page.locator('p.footnotes').allInnerTexts()).toEqual(['¹ one-sided Mann–Whitney U, α = 0.01', '¹ one-sided Mann–Whitney U, α = 0.01']);
    // in the failures table too, a mark on each regressed row rather than the method
    const failed = await page.locator('table.failures td:nth-child(2)').allInnerTexts();
    expect(failed.filter((text) => text.includes(' regressed ')).length).toBe(6);
    expect(failed.filter((text) => text.includes('Mann–Whitney'))).toEqual([]);
    // an improvement beyond the tolerance is green in the comparison table
    const improved = page.locator('table.comparison tr.improved');
    expect(
      await improved
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor),
    ).toBe('rgb(218, 251, 225)');
    expect(await improved.locator('td.better').evaluate((td) => [td.textContent, getComputedStyle(td).color])).toEqual([
      '+11.1% [+10.9%, +11.4%]',
      'rgb(26, 127, 55)',
    ]);
    // each case's spread, explained once; a noisy case warned in its note
    expect(await page.locator('p.spread-note').count()).toBe(1);
    // the error bars of the charts are said there too: a static page has no tooltips to explain them
    expect(await page.locator('p.spread-note').innerText()).toContain("the bar through a point spans that case's lowest to highest run");
    expect(await page.locator('tr[data-case="sweep/bulk[nodelay=false,send_size=1K]"] span.spread').innerText()).toBe('±1.5%');
    expect(
      await page
        .locator('tr[data-case="sweep/rr[request_size=1K,test=UDP_RR]"] span.noisy')
        .evaluate((span) => [span.textContent, getComputedStyle(span).backgroundColor]),
    ).toEqual(['⚠ transaction_rate too noisy for a 5% tolerance (±6.5% run to run, more than half of it)', 'rgb(255, 248, 197)']);
    // a comparison that decided is not flagged, however its runs spread (±6.2%, regressed)
    expect(await page.locator('tr[data-case="sweep/bulk[nodelay=true,send_size=64K]"] span.noisy').count()).toBe(0);
    const inconclusive = page.locator('table.comparison tr.inconclusive');
    expect(
      await inconclusive
        .first()
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor),
    ).toBe('rgb(255, 248, 197)');
    expect(await page.locator('div.warning').innerText()).toMatch(/^2 comparisons are inconclusive \(a warning, not a failure\):\n/);
    expect(await page.locator('div.warning li').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^sweep\/rr\[request_size=1,test=UDP_RR\] transaction_rate: the noise is too large to tell a drop of more than 5% from none with 5 runs per side;/,
      ),
      expect.stringMatching(
        /^sweep\/rr\[request_size=1K,test=UDP_RR\] transaction_rate: the noise is too large to tell a drop of more than 5% from none with 5 runs per side;/,
      ),
    ]);
    // Δ columns in the group tables: regressed red, inconclusive amber, improved green
    const delta = page.locator('tr[data-case="sweep/bulk[nodelay=false,send_size=1K]"] td.miss');
    expect(await delta.allInnerTexts()).toEqual(['−16.7%']);
    expect(
      await page.locator('tr[data-case="sweep/rr[request_size=1K,test=UDP_RR]"] td.noise').evaluate((td) => [td.textContent, getComputedStyle(td).color]),
    ).toEqual(['−7.41%', 'rgb(154, 103, 0)']);
    expect(await page.locator('tr[data-case="sweep/udp[send_size=8K]"] td.better').evaluate((td) => [td.textContent, getComputedStyle(td).color])).toEqual([
      '+11.1%',
      'rgb(26, 127, 55)',
    ]);
    await page.close();
  });

  it('shows a same-run comparison against the control, with the seed, and no baseline', async () => {
    const page = await open(renderHtml(abRun()));
    expect(await page.locator('h2', { hasText: 'Compared with' }).allInnerTexts()).toEqual(['Compared with the control, in the same run']);
    expect(await page.locator('p.meta', { hasText: 'interleaved' }).innerText()).toMatch(/Order seed 42 \(--seed 42 reproduces it\)\.$/);
    const rows = page.locator('table.comparison tbody tr');
    expect(await rows.evaluateAll((trs: HTMLElement[]) => trs.map((tr) => tr.className))).toEqual(['regressed', 'unchanged', 'inconclusive']);
    expect(await rows.first().innerText()).toBe(
      'regressed\tab/bulk[server=head]\tthroughput\tcontrol ab/bulk[server=base]\t945 Mbit/s\t897 Mbit/s\t−5.00% [−5.10%, −4.86%]\t3%\tp = 0.002, 9 rounds¹ · loss: retransmissions rose 0 → 12 segments per run',
    );
    expect(await page.locator('tr[data-case="ab/bulk[server=head]"] td.miss').allInnerTexts()).toEqual(['−5.00%']);
    // why it regressed: a small table under the comparison, the counter that rose tinted, the setting that differs in code
    const why = page.locator('div.evidence');
    expect(await why.count()).toBe(1);
    expect(await why.locator('p').innerText()).toBe(
      'ab/bulk[server=head] throughput vs control ab/bulk[server=base]: loss: retransmissions rose 0 → 12 segments per run',
    );
    expect(await why.locator('tbody tr').allInnerTexts()).toEqual([
      'retransmissions\t0 segments\t12 segments\t+12 segments\trose',
      'mss\t1448 B\t1448 B\t+0.00%\tunchanged',
      'setup\t(none)\ttc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 1gbit burst 1514 limit 96kb\t\tdiffers',
    ]);
    expect(
      await why
        .locator('tr.worse td')
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor),
    ).toBe('rgb(255, 235, 233)');
    await page.close();
  });

  it('renders 5,000 cases as one page with every row', async () => {
    const page = await open(renderHtml(syntheticRun(5000)));
    expect(await page.locator('tbody tr[data-case]').count()).toBe(5000);
    expect(await page.locator('svg[data-chart="sweep"]').count()).toBe(100);
    await page.close();
  });
});

describe('report.html with interim results and latency under load, in headless Chromium', { tags: ['browser'] }, () => {
  it("draws a case's interim results: one line per run from zero over the longest run, axes with units, the deepest dip ringed", async () => {
    const page = await open(renderHtml(intervalRun(3, 40)));
    const chart = page.locator('section[data-group="iv/bulk"] svg[data-chart="series"]');
    expect(await chart.count()).toBe(1);
    expect(await chart.locator('text.title').allTextContents()).toEqual(['bulk', 'throughput every 100ms, 3 runs']);
    expect(await chart.locator('text.axis:not(.title)').allTextContents()).toEqual(["time from the run's start (s)", 'throughput (Gbit/s)']);
    expect(await chart.locator('polyline.series').count()).toBe(3);
    expect(await chart.locator('.legend').allTextContents()).toEqual(['run 1', 'run 2', 'run 3']);
    const drawn = await chart.evaluate((svg: SVGSVGElement) => {
      const ticks = Array.from(svg.querySelectorAll<SVGTextElement>('text.tick'));
      const at = (text: string, anchor: string): SVGTextElement | undefined =>
        ticks.find((t) => t.textContent === text && t.getAttribute('text-anchor') === anchor);
      const lines = Array.from(svg.querySelectorAll<SVGPolylineElement>('polyline.series')).map((line) =>
        Array.from(line.points).map((p) => ({ x: p.x, y: p.y })),
      );
      const ring = svg.querySelector<SVGCircleElement>('circle.dip');
      return {
        // x of the 0 s and 4 s ticks, y of the zero tick's gridline
        zeroX: Number(at('0', 'middle')?.getAttribute('x')),
        endX: Number(at('4', 'middle')?.getAttribute('x')),
        zeroY: Number(at('0', 'end')?.getAttribute('y')) - 4,
        lines,
        ring: ring === null ? undefined : { run: ring.dataset['run'], x: ring.cx.baseVal.value, y: ring.cy.baseVal.value },
      };
    });
    // the longest run ends at the right edge: t = 4 s; the first point is 0.1 s from the left edge
    expect(drawn.lines.map((line) => line.at(-1)?.x)).toEqual([drawn.endX, drawn.endX, drawn.endX]);
    expect(drawn.lines[0]?.[0]?.x).toBeCloseTo(drawn.zeroX + (drawn.endX - drawn.zeroX) / 40, 0);
    // from zero: every line well above the zero gridline (values near 10 Gbit/s on a 0–12.5 axis)
    for (const line of drawn.lines) expect(Math.max(...line.map((p) => p.y))).toBeLessThan(drawn.zeroY);
    // the ring sits on the lowest drawn point of run 3, which is its 18th (1.8 s)
    const run3 = drawn.lines[2] ?? [];
    const lowest = run3.reduce((a, b) => (b.y > a.y ? b : a));
    expect(drawn.ring).toEqual({ run: '3', x: lowest.x, y: lowest.y });
    expect(run3.indexOf(lowest)).toBe(17);
    expect(await page.locator('tr[data-case="iv/bulk"] td.dip').textContent()).toBe('−38.0% at 1.8 s (run 3)');
    await page.close();
  });

  it('ends the time axis at a labelled second, not at an unlabelled 3.99 s past the last tick', async () => {
    const run = intervalRun(1, 40);
    const suite = run.suites[0]!;
    const c = suite.cases[0]!;
    const series = (c.series ?? []).map((points) => points.map((p) => ({ ...p, t: p.t * 0.998 })));
    const page = await open(renderHtml({ ...run, suites: [{ ...suite, cases: [{ ...c, series }] }] }));
    const axis = await page.locator('svg[data-chart="series"]').evaluate((svg: SVGSVGElement) => {
      const ticks = Array.from(svg.querySelectorAll<SVGTextElement>('text.tick[text-anchor="middle"]'));
      const last = ticks.at(-1);
      return {
        last: last?.textContent,
        x: Number(last?.getAttribute('x')),
        right: Math.max(...Array.from(svg.querySelectorAll('line.grid')).map((l) => Number(l.getAttribute('x2')))),
      };
    });
    expect(axis).toEqual({ last: '4', x: axis.right, right: axis.right });
    // one run needs no legend
    expect(await page.locator('svg[data-chart="series"] .legend').count()).toBe(0);
    await page.close();
  });

  it('draws a run with one interim result as its point alone, not a line across the run, and says it is alone', async () => {
    const run = intervalRun(2, 1);
    const page = await open(renderHtml(run));
    const chart = page.locator('svg[data-chart="series"]');
    // no line claims values from t = 0 that netperf never reported: each run is one visible marker at its point
    expect(await chart.locator('polyline.series').count()).toBe(0);
    const markers = await chart
      .locator('circle.marker')
      .evaluateAll((circles) =>
        circles.map((c) => ({ run: c.getAttribute('data-run'), width: c.getBoundingClientRect().width, title: c.querySelector('title')?.textContent })),
      );
    expect(markers.map((m) => m.run)).toEqual(['1', '2']);
    for (const m of markers) expect(m.width).toBeGreaterThan(5);
    expect(markers[0]?.title).toMatch(/^run 1: [\d.]+ Gbit\/s at 0\.1 s$/);
    // a STREAM test's interim results do not wait for transactions: the chart says the fact, not the RR reason
    const detail = (await chart.locator('text.detail').allTextContents()).join(' ');
    expect(detail).toContain('netperf reported one interim result in run 1, 2');
    expect(detail).not.toContain('transactions');
    expectTidy(await layoutOf(page));
    await page.close();
  });

  it('says why a request/response run has one interim result: netperf reports only after enough transactions', async () => {
    const run = intervalRun(1, 1);
    const suite = run.suites[0]!;
    const c = suite.cases[0]!;
    const rr = {
      ...c,
      params: { ...c.params, test: 'TCP_RR' as const },
      series: (c.series ?? []).map((points) => points.map((p) => ({ t: p.t, transaction_rate: 20000 }))),
    };
    const page = await open(renderHtml({ ...run, suites: [{ ...suite, cases: [rr] }] }));
    const chart = page.locator('svg[data-chart="series"]');
    expect(await chart.locator('polyline.series').count()).toBe(0);
    expect(await chart.locator('circle.marker').count()).toBe(1);
    expect((await chart.locator('text.detail').allTextContents()).join(' ')).toContain(
      'netperf reported one interim result in run 1: it reports only after enough transactions',
    );
    expectTidy(await layoutOf(page));
    await page.close();
  });

  it('keeps 20 runs of 1000 points readable: a distinct stroke per run, the lines inside the plot, the legend beside it, every label inside the chart', async () => {
    const run = intervalRun(20, 1000);
    const suite = run.suites[0]!;
    // a name too long for the chart wraps after its commas, whole, rather than clipped or cut short
    const id = 'iv/bulk[congestion_control=BBR,load=4xTCP_STREAM/m=64K/M=64K,nodelay=true,send_size=64K,socket_buffer=4M,test=TCP_MAERTS]';
    const page = await open(renderHtml({ ...run, suites: [{ ...suite, cases: [{ ...suite.cases[0]!, id }] }] }));
    const title = await page.locator('svg[data-chart="series"] text.title').allTextContents();
    expect(title).toHaveLength(3);
    expect(title.join('')).toBe(`${id.slice('iv/'.length)}throughput every 100ms, 20 runs`);
    const chart = page.locator('svg[data-chart="series"]');
    const runs = await chart.evaluate((svg: SVGSVGElement) =>
      Array.from(svg.querySelectorAll<SVGPolylineElement>('polyline.series')).map((line) => ({
        points: line.points.numberOfItems,
        stroke: `${line.getAttribute('stroke') ?? ''} ${line.getAttribute('stroke-dasharray') ?? 'solid'}`,
      })),
    );
    expect(runs).toHaveLength(20);
    expect(runs.every((r) => r.points === 1000)).toBe(true);
    expect(new Set(runs.map((r) => r.stroke)).size).toBe(20);
    expect(await chart.locator('.legend').allTextContents()).toEqual(Array.from({ length: 20 }, (_, i) => `run ${i + 1}`));
    const boxes = await chart.evaluate((svg: SVGSVGElement) => {
      const box = (r: DOMRect): { left: number; top: number; right: number; bottom: number } => ({
        left: r.left,
        top: r.top,
        right: r.right,
        bottom: r.bottom,
      });
      // the plot area, as its grid lines span it
      const grid = Array.from(svg.querySelectorAll('line.grid')).map((line) => line.getBoundingClientRect());
      return {
        plot: {
          left: Math.min(...grid.map((b) => b.left)),
          top: Math.min(...grid.map((b) => b.top)),
          right: Math.max(...grid.map((b) => b.right)),
          bottom: Math.max(...grid.map((b) => b.bottom)),
        },
        lines: Array.from(svg.querySelectorAll('polyline.series')).map((l) => box(l.getBoundingClientRect())),
        legend: Array.from(svg.querySelectorAll('.legend, line.key')).map((l) => box(l.getBoundingClientRect())),
      };
    });
    for (const line of boxes.lines) expect(isInside(line, boxes.plot)).toBe(true);
    for (const entry of boxes.legend) expect(entry.left).toBeGreaterThan(boxes.plot.right);
    expectTidy(await layoutOf(page));
    await page.close();
  });

  it('lays out the recorded run: the under-load table first, idle, loaded and change under each metric, nothing clipped, charts apart', async () => {
    const page = await open(renderHtml(recordedLoadInterval()));
    expect(outside).toEqual([]);
    const table = page.locator('section.under-load[data-suite="lul"] table.under-load');
    expect(await page.locator('section.under-load h3').textContent()).toBe('Latency under load');
    expect(await page.locator('section.under-load p.meta').textContent()).toMatch(/^What the link does to latency when it is full: /);
    expect(await table.locator('tbody tr').allInnerTexts()).toEqual(['rr\t2xTCP_STREAM\t22314\t43028\t+92.8%\t52\t14\t−73.1%\t79\t181\t×2.3\t29.0']);
    expect(await table.locator('thead tr').first().locator('th').allInnerTexts()).toEqual([
      'case',
      'load',
      'transaction_rate (/s)',
      'latency_p50 (µs)',
      'latency_p99 (µs)',
      'load throughput (Gbit/s)',
    ]);
    const layout = await table.evaluate((t: HTMLTableElement) => {
      const box = (el: Element): { left: number; top: number; right: number; bottom: number } => {
        const r = el.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      };
      const [top, sub] = Array.from(t.tHead?.rows ?? []);
      const spans = Array.from(top?.cells ?? []).filter((c) => c.colSpan === 3);
      const subs = Array.from(sub?.cells ?? []);
      return {
        groups: spans.map((span, i) => ({ span: box(span), subs: subs.slice(i * 3, i * 3 + 3).map((c) => [c.textContent, box(c)] as const) })),
        clipped: Array.from(t.querySelectorAll('th, td'))
          .filter((c) => c.scrollWidth > c.clientWidth || c.scrollHeight > c.clientHeight)
          .map((c) => c.textContent),
        table: box(t),
        firstGroup: box(document.querySelector('section.group') ?? t),
        changes: Array.from(t.tBodies[0]?.rows[0]?.cells ?? [])
          .filter((_, i) => i >= 2 && i <= 10 && (i - 2) % 3 === 2)
          .map((c) => [c.textContent, getComputedStyle(c).color]),
      };
    });
    expect(layout.groups).toHaveLength(3);
    for (const { span, subs } of layout.groups) {
      expect(subs.map(([text]) => text)).toEqual(['idle', 'loaded', 'change']);
      for (const [, b] of subs) expect(isInside({ ...b, top: span.top, bottom: span.bottom }, span)).toBe(true);
    }
    expect(layout.clipped).toEqual([]);
    expect(layout.table.right).toBeLessThanOrEqual(1200);
    expect(layout.table.bottom).toBeLessThan(layout.firstGroup.top);
    // more transactions and a lower median are better; a p99 2.3 times the idle one is marked, as a factor
    expect(layout.changes).toEqual([
      ['+92.8%', 'rgb(27, 31, 35)'],
      ['−73.1%', 'rgb(27, 31, 35)'],
      ['×2.3', 'rgb(207, 34, 46)'],
    ]);
    // one chart of interim results per case, one line for its one run, and no chart on top of another
    // named by the group's swept values (the case's name when the group has one case), then what is drawn
    expect(
      await page.locator('svg[data-chart="series"]').evaluateAll((svgs) =>
        svgs.map((svg) => [
          Array.from(svg.querySelectorAll('text.title'))
            .map((t) => t.textContent)
            .join(' / '),
          svg.querySelectorAll('polyline.series').length,
        ]),
      ),
    ).toEqual([
      ['load=none / transaction_rate every 500ms, 1 run', 1],
      ['load=2xTCP_STREAM / transaction_rate every 500ms, 1 run', 1],
      ['bulk / throughput every 250ms, 1 run', 1],
    ]);
    expectTidy(await layoutOf(page));
    await page.close();
  });
});

describe('report.html of the tuning suite, in headless Chromium', { tags: ['browser'] }, () => {
  /** The tuning run with values longer than any real one: a long congestion control name and a load with sizes. */
  const longRun = (): ReturnType<typeof tuningRun> =>
    tuningRun({ test: 'TCP_STREAM', streams: 2, send_size: 65536, recv_size: 65536 }, (name) => `${name}_tuned_for_long_fat_pipes`);

  it('gives latency changes beyond +100% as factors, worse in red, and keeps percentages within ±100%', async () => {
    const page = await open(renderHtml(tuningRun()));
    const rows = await page.locator('table.under-load tbody tr').evaluateAll((trs: HTMLTableRowElement[]) =>
      trs.map((tr) =>
        Array.from(tr.cells)
          .filter((_, i) => i >= 2 && i <= 10 && (i - 2) % 3 === 2)
          .map((td) => [td.textContent, getComputedStyle(td).color]),
      ),
    );
    const red = 'rgb(207, 34, 46)';
    expect(rows).toEqual([
      [
        ['−99.9%', red],
        ['×1407', red],
        ['×1045', red],
      ],
      [
        ['−99.9%', red],
        ['×1251', red],
        ['×509', red],
      ],
      [
        ['−99.8%', red],
        ['×824', red],
        ['×303', red],
      ],
      [
        ['−99.8%', red],
        ['×693', red],
        ['×537', red],
      ],
    ]);
    // microseconds idle in a column of milliseconds: two significant digits, not 0.02 for every one
    expect(await page.locator('table.under-load tbody tr').first().innerText()).toBe(
      'socket_buffer=default congestion_control=cubic\t2xTCP_STREAM\t60060\t43.5\t−99.9%\t0.016\t22.5\t×1407\t0.022\t23.0\t×1045\t47.9',
    );
    await page.close();
  });

  it('labels latency bars with the swept values in columns under their names, sized to the longest, every label inside the chart', async () => {
    const page = await open(renderHtml(longRun()));
    const chart = page.locator('svg[data-chart="latency"]');
    expect(await chart.locator('text.column').allTextContents()).toEqual(['socket_buffer', 'congestion_control', 'load']);
    const cells = await chart.locator('text.cell').allTextContents();
    expect(cells).toHaveLength(24);
    expect(cells.slice(0, 6)).toEqual([
      'default',
      'cubic_tuned_for_long_fat_pipes',
      'none',
      'default',
      'cubic_tuned_for_long_fat_pipes',
      '2xTCP_STREAM/m=64K/M=64K',
    ]);
    // each column's values start where its name does, and end before the next column and the bars begin
    const layout = await chart.evaluate((svg: SVGSVGElement) => {
      const left = (el: Element): number => el.getBoundingClientRect().left;
      const right = (el: Element): number => el.getBoundingClientRect().right;
      const heads = Array.from(svg.querySelectorAll('text.column'));
      const cells = Array.from(svg.querySelectorAll('text.cell'));
      const bars = Array.from(svg.querySelectorAll('rect.bar'));
      return {
        starts: heads.map((h, i) => [left(h), ...cells.filter((_, j) => j % 3 === i).map(left)]),
        ends: heads.map((h, i) => Math.max(right(h), ...cells.filter((_, j) => j % 3 === i).map(right))),
        bars: Math.min(...bars.map(left)),
      };
    });
    for (const starts of layout.starts) expect(new Set(starts.map(Math.round)).size).toBe(1);
    expect(layout.ends[0]).toBeLessThan(layout.starts[1]?.[0] ?? 0);
    expect(layout.ends[1]).toBeLessThan(layout.starts[2]?.[0] ?? 0);
    expect(layout.ends[2]).toBeLessThan(layout.bars);
    expectTidy(await layoutOf(page, 'svg[data-chart="latency"]'));
    expectTidy(await layoutOf(page));
    await page.close();
  });

  it("fits the group table of eight metrics on a 1200 px page: names break after underscores, no empty note column, a dip's run under it", async () => {
    const page = await open(renderHtml(tuningRun()));
    const table = page.locator('section[data-group="tuning/latency-under-load"] table');
    const fit = await table.evaluate((t: HTMLTableElement) => ({
      width: t.getBoundingClientRect().width,
      room: t.parentElement?.clientWidth ?? 0,
      heads: Array.from(t.tHead?.rows[0]?.cells ?? []).map((c) => c.textContent),
    }));
    expect(fit.width).toBeLessThanOrEqual(fit.room);
    expect(fit.heads).toHaveLength(13);
    expect(fit.heads.slice(0, 4)).toEqual(['status', 'socket_buffer', 'congestion_control', 'load']);
    expect(fit.heads.at(-1)).toBe('deepest interim dip');
    expect(
      await page.locator('tr[data-case="tuning/latency-under-load[congestion_control=cubic,load=none,socket_buffer=default]"] td.dip').textContent(),
    ).toMatch(/^−\d+\.\d+% at \d(\.\d+)? s \(run 1\)$/);
    await page.close();
    // a group with a note keeps the column
    const sweep = await open(renderHtml(recordedSweep()));
    expect(await sweep.locator('section[data-group="sweep/udp"] th', { hasText: 'note' }).count()).toBe(1);
    await sweep.close();
  });

  it('titles each interim chart by its swept values and lays the charts out two abreast on a 1200 px page, wrapping long titles rather than cutting them', async () => {
    const page = await open(renderHtml(tuningRun()));
    const titles = await page
      .locator('svg[data-chart="series"]')
      .evaluateAll((svgs) => svgs.map((svg) => Array.from(svg.querySelectorAll('text.title')).map((t) => t.textContent)));
    expect(titles).toHaveLength(8);
    expect(titles.slice(0, 2)).toEqual([
      ['socket_buffer=default · congestion_control=cubic · load=none', 'transaction_rate every 500ms, 1 run'],
      ['socket_buffer=default · congestion_control=cubic · load=2xTCP_STREAM', 'transaction_rate every 500ms, 1 run'],
    ]);
    const boxes = await page
      .locator('svg[data-chart="series"]')
      .evaluateAll((svgs) => svgs.map((svg) => svg.getBoundingClientRect()).map((r) => ({ left: r.left, top: r.top, right: r.right })));
    // two to a row: the second beside the first, the third under them, every one whole within the page
    expect(boxes[1]?.top).toBe(boxes[0]?.top);
    expect(boxes[1]?.left).toBeGreaterThan(boxes[0]?.right ?? Infinity);
    expect(boxes[2]?.top).toBeGreaterThan(boxes[0]?.top ?? Infinity);
    expect(boxes[2]?.left).toBe(boxes[0]?.left);
    for (const box of boxes) expect(box.right).toBeLessThanOrEqual(1200 - 16);
    expectTidy(await layoutOf(page));
    await page.close();

    const long = await open(renderHtml(longRun()));
    const wrapped = await long.locator('svg[data-chart="series"]').first().locator('text.title').allTextContents();
    expect(wrapped.length).toBeGreaterThan(2);
    expect(wrapped.join(' ')).toBe('socket_buffer=default · congestion_control=cubic_tuned_for_long_fat_pipes · load=none transaction_rate every 500ms, 1 run');
    expectTidy(await layoutOf(long));
    await long.close();
  });
});

describe('report.html counts in words', () => {
  it('says "1 baseline case not run" and "2 cases without a baseline", not "case(s)"', () => {
    const run = comparedSweep();
    const html = renderHtml({ ...run, comparison: { ...run.comparison!, missingCases: ['sweep/old'], newCases: ['sweep/a', 'sweep/b'] } });
    expect(html).toContain('1 baseline case not run: <code>sweep/old</code>');
    expect(html).toContain('2 cases without a baseline: <code>sweep/a</code>, <code>sweep/b</code>');
  });
});
