/// <reference lib="dom" />
import { createHash } from 'node:crypto';
import { expectTidy, layoutOf, useBrowser } from './browser.js';
import { describe, expect, it } from 'vitest';
import type { ChangePoint, TrendReport, TrendSeries } from '../../src/model/history.js';
import { renderTrendHtml, renderTrendMarkdown, renderTrendSvg } from '../../src/report/render-trend.js';

const META = { title: 'perfsuite history: pr.history.jsonl', generatedAt: '2026-03-01T12:00:00.000Z' };
const BULK = 'pr-ab/bulk[send_size=64K,server=head,socket_buffer=default]';
const RR = 'pr-ab/rr[request_size=1,server=head,socket_buffer=default,test=TCP_RR]';
const UDP = 'pr-ab/udp[send_size=1K,server=head,socket_buffer=default,test=UDP_STREAM]';

function commitOf(index: number): string {
  return createHash('sha1').update(`commit ${index}`).digest('hex');
}

/** A series with one point per history entry from 0, each entry's runs ±`spread` around its median. */
function seriesOf(id: string, metric: string, medians: readonly number[], options: { readonly commits?: boolean; readonly spread?: number } = {}): TrendSeries {
  const spread = options.spread ?? 0.02;
  return {
    case: id,
    metric,
    points: medians.map((median, index) => ({
      index,
      ...(options.commits === false ? {} : { commit: commitOf(index) }),
      date: new Date(Date.UTC(2026, 0, 1, 9) + index * 86_400_000).toISOString(),
      median,
      min: median * (1 - spread),
      max: median * (1 + spread),
    })),
  };
}

/** The change point of `series` at entry `index`: the medians just before and from it. */
function changeAt(series: TrendSeries, index: number, p = 0.002): ChangePoint {
  const before = series.points[index - 1]?.median ?? NaN;
  const point = series.points[index];
  if (point === undefined) throw new Error(`no entry ${index}`);
  return {
    case: series.case,
    metric: series.metric,
    index,
    ...(point.commit === undefined ? {} : { commit: point.commit }),
    date: point.date,
    before,
    after: point.median,
    change: point.median / before - 1,
    p,
  };
}

/** Nine entries of three cases: throughput drops 10% at entry 6, loss rises at entry 4, the rest stay level. */
function shiftedReport(): TrendReport {
  const throughput = seriesOf(BULK, 'throughput', [100e6, 100e6, 100e6, 100e6, 100e6, 100e6, 90e6, 90e6, 90e6]);
  const latency = seriesOf(BULK, 'latency_p99', [250, 252, 249, 251, 250, 248, 251, 250, 252]);
  const rate = seriesOf(RR, 'transaction_rate', [48_100, 48_000, 48_300, 47_900, 48_200, 48_000, 48_100, 48_200, 48_000]);
  const loss = seriesOf(UDP, 'loss', [0.1, 0.1, 0.1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.5], { commits: false, spread: 0.5 });
  return { series: [throughput, latency, rate, loss], changePoints: [changeAt(throughput, 6), changeAt(loss, 4, 0.0004)] };
}

/** `count` series of `points` entries each, every tenth with a change point in its last fifth. */
function largeReport(count: number, points: number): TrendReport {
  const series: TrendSeries[] = [];
  const changePoints: ChangePoint[] = [];
  for (let i = 0; i < count; i += 1) {
    const shiftAt = i % 10 === 0 ? Math.floor(points * 0.8) : points;
    const medians = Array.from({ length: points }, (_, j) => (j < shiftAt ? 940e6 : 850e6) + ((i * 7919 + j * 104_729) % 1000) * 1e4);
    const s = seriesOf(`big/sweep-${String(Math.floor(i / 10)).padStart(3, '0')}[send_size=${1024 << (i % 10)},socket_buffer=default]`, 'throughput', medians);
    series.push(s);
    if (shiftAt < points) changePoints.push(changeAt(s, shiftAt));
  }
  return { series, changePoints };
}

/** Each inline SVG of a page, in order. */
function svgsOf(html: string): string[] {
  return [...html.matchAll(/<svg [\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

function svgOf(html: string, id: string, metric: string): string {
  const found = svgsOf(html).find((svg) => svg.includes(`data-case="${id}"`) && svg.includes(`data-metric="${metric}"`));
  if (found === undefined) throw new Error(`no chart of ${id} ${metric}`);
  return found;
}

/** The x of every vertex of a chart's median polyline. */
function polylineXs(svg: string): number[] {
  const points = /<polyline class="median" points="([^"]*)"/.exec(svg)?.[1] ?? '';
  return points.split(' ').map((pair) => Number(pair.split(',')[0]));
}

function cellsOf(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('renderTrendHtml', () => {
  it('draws one chart per series, in the order of the report, grouped by case', () => {
    const html = renderTrendHtml(shiftedReport(), META);
    const charts = svgsOf(html).map((svg) => [/data-case="([^"]*)"/.exec(svg)?.[1], /data-metric="([^"]*)"/.exec(svg)?.[1]]);
    expect(charts).toEqual([
      [BULK, 'throughput'],
      [BULK, 'latency_p99'],
      [RR, 'transaction_rate'],
      [UDP, 'loss'],
    ]);
    expect([...html.matchAll(/<section class="case" data-case="([^"]*)"/g)].map((m) => m[1])).toEqual([BULK, RR, UDP]);
    expect(html).toContain('<h1>perfsuite history: pr.history.jsonl</h1>');
    expect(html).toContain(
      '9 history entries (runs) from 2026-01-01 09:00 to 2026-01-09 09:00 · 4 series · 2 change points · generated 2026-03-01T12:00:00.000Z',
    );
  });

  it('lists each change point: case, metric, entry, short commit, date, before → after with units, signed change, p', () => {
    const html = renderTrendHtml(shiftedReport(), META);
    const rows = [...html.matchAll(/<tr data-case[\s\S]*?<\/tr>/g)].map((m) => m[0].replaceAll(/<[^>]+>/g, '|').replaceAll(/\|+/g, '|'));
    expect(rows).toEqual([
      `|${BULK}|throughput|6|${commitOf(6).slice(0, 8)}|2026-01-07 09:00|100 Mbit/s → 90 Mbit/s|−10.0%|0.002|`,
      `|${UDP}|loss|4|—|2026-01-05 09:00|0.10% → 0.50%|+0.40 pp|4.0e-4|`,
    ]);
    // a drop in throughput and a rise in loss are both worse
    expect([...html.matchAll(/<td class="(worse|better)">/g)].map((m) => m[1])).toEqual(['worse', 'worse']);
    expect(html).not.toContain('No change points');
  });

  it('says so when no series changed level', () => {
    const report = shiftedReport();
    const html = renderTrendHtml({ ...report, changePoints: [] }, META);
    expect(html).toContain('<p class="none">No change points: every series stayed at one level.</p>');
    expect(html).not.toContain('<table');
    expect(html).not.toContain('class="change-point"');
  });

  it('starts the y axis at zero and says so, with the unit of the values', () => {
    const svg = svgOf(renderTrendHtml(shiftedReport(), META), BULK, 'throughput');
    expect(svg).toContain('>Mbit/s (axis from 0)</text>');
    const ticks = [...svg.matchAll(/<text class="tick" x="[^"]*" y="([^"]*)"[^>]*>([^<]*)<\/text>/g)].map((m) => [Number(m[1]), m[2]] as const);
    expect(ticks.map(([, label]) => label)).toEqual(['0', '50', '100', '150']);
    // zero at the bottom: its label lowest on the page
    expect(Math.max(...ticks.map(([y]) => y))).toBe(ticks[0]?.[0]);
    expect(svgOf(renderTrendHtml(shiftedReport(), META), BULK, 'latency_p99')).toContain('>µs (axis from 0)</text>');
  });

  it("draws each entry's spread as one error-bar path, the medians as one polyline and the dots as one path", () => {
    const svg = svgOf(renderTrendHtml(shiftedReport(), META), BULK, 'throughput');
    const spread = /<path class="spread" d="([^"]*)"/.exec(svg)?.[1] ?? '';
    const bars = [...spread.matchAll(/M([\d.]+) ([\d.]+)V([\d.]+)/g)];
    expect(bars).toHaveLength(9);
    // each bar runs from max (higher on screen) down to min, through the median's x
    for (const [, , top, bottom] of bars) expect(Number(top)).toBeLessThan(Number(bottom));
    expect(bars.map((m) => Number(m[1]))).toEqual(polylineXs(svg));
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<path class="dots"/g)).toHaveLength(1);
    expect([...(/<path class="dots" d="([^"]*)"/.exec(svg)?.[1] ?? '').matchAll(/M/g)]).toHaveLength(9);
  });

  it('marks a change at entry 6 of 9 with a dashed line through the seventh point, labelled with its size', () => {
    const svg = svgOf(renderTrendHtml(shiftedReport(), META), BULK, 'throughput');
    const xs = polylineXs(svg);
    const mark =
      /<g class="change-point" data-index="6"><title>([^<]*)<\/title><line x1="([^"]*)" x2="([^"]*)"[^>]*stroke-dasharray="[^"]+"[^>]*\/>(.*?)<\/g>/.exec(svg);
    expect(mark).not.toBeNull();
    expect(Number(mark?.[2])).toBe(xs[6]);
    expect(Number(mark?.[2])).not.toBe(xs[5]);
    expect(mark?.[3]).toBe(mark?.[2]);
    expect(mark?.[4]).toMatch(/>−10\.0%<\/text>$/);
    expect(mark?.[1]).toBe(`throughput changed −10.0% from entry 6 (${commitOf(6).slice(0, 8)}), 2026-01-07 09:00: 100 Mbit/s → 90 Mbit/s, p = 0.002`);
    expect(svgOf(renderTrendHtml(shiftedReport(), META), BULK, 'latency_p99')).not.toContain('change-point');
  });

  it('names each point on hover and labels the x axis with short commits, else entry indices', () => {
    const html = renderTrendHtml(shiftedReport(), META);
    const bulk = svgOf(html, BULK, 'throughput');
    const titles = [...bulk.matchAll(/<circle class="hover"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toHaveLength(9);
    expect(titles[6]).toBe(`entry 6 · ${commitOf(6).slice(0, 8)} · 2026-01-07 09:00 · 90 Mbit/s (runs 88.2–91.8)`);
    const labels = (svg: string): (string | undefined)[] => [...svg.matchAll(/<text class="tick x"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels(bulk)).toContain(commitOf(0).slice(0, 8));
    expect(labels(svgOf(html, UDP, 'loss'))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('rings this run in another colour and says so in the legend and caption', () => {
    const html = renderTrendHtml(shiftedReport(), { ...META, current: { index: 8 } });
    const svg = svgOf(html, BULK, 'throughput');
    expect(/<circle class="current" data-index="8" cx="([^"]*)"/.exec(svg)?.[1]).toBe(String(polylineXs(svg)[8]));
    expect(svg).toContain('>this run</text>');
    expect(html).toContain('this run: entry 8 (ringed)');
    expect(html).toContain('· this run is entry 8 ·');
    expect(renderTrendHtml(shiftedReport(), META)).not.toContain('this run');
  });

  it('escapes case ids everywhere', () => {
    const report: TrendReport = { series: [seriesOf('lab/x[name=<b>&"q"]', 'throughput', [1e9, 1e9, 2e9])], changePoints: [] };
    const withChange: TrendReport = { ...report, changePoints: [changeAt(report.series[0] ?? seriesOf('', '', []), 2)] };
    const html = renderTrendHtml(withChange, META);
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('"q"');
    expect(html).toContain('lab/x[name=&lt;b&gt;&amp;&quot;q&quot;]');
  });

  it('keeps 200 series of 1000 entries lean: one line, one error-bar path and one dot path each, no hover per point', () => {
    const report = largeReport(200, 1000);
    const html = renderTrendHtml(report, META);
    // about 42 kB a chart (8.3 MB in all); a <circle> per point would be several times that
    expect(html.length).toBeLessThan(30 * 1024 * 1024);
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(200);
    for (const svg of svgs) {
      expect(svg.match(/<polyline/g)).toHaveLength(1);
      expect(svg.match(/<path class="spread"/g)).toHaveLength(1);
      expect(svg.match(/<path class="dots"/g)).toHaveLength(1);
      expect(svg).not.toContain('class="hover"');
      // thinned x labels: far fewer than the points
      expect((svg.match(/class="tick x"/g) ?? []).length).toBeLessThanOrEqual(12);
    }
    expect(html.match(/<g class="change-point"/g)).toHaveLength(20);
    // up to 200 points, every point still has its hover text
    expect(renderTrendHtml(largeReport(1, 200), META).match(/class="hover"/g)).toHaveLength(200);
  });
});

describe('renderTrendMarkdown', () => {
  it('lists the change points and charts only the series that have one, the y axis from zero', () => {
    const md = renderTrendMarkdown(shiftedReport(), META);
    expect(md).toMatch(/^## perfsuite history: pr\.history\.jsonl\n\n9 history entries \(runs\)/);
    expect(md).toContain('### Change points (2)');
    const charts = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(charts).toHaveLength(2);
    expect(md).toContain('### Trends with a change point (2 of 4 series)');
    expect(md).toContain('2 series had no change point and are not charted here; report.html charts every series.');
    const [bulk, udp] = charts;
    expect(bulk?.split('\n').slice(0, 3)).toEqual([
      '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f77b4"}}}}%%',
      'xychart-beta',
      `  title "${BULK} throughput"`,
    ]);
    expect(bulk).toContain('  y-axis "Mbit/s" 0 --> 100\n');
    expect(bulk).toContain('  line [100, 100, 100, 100, 100, 100, 90, 90, 90]\n');
    expect(bulk).toContain(`  x-axis "commit" ["${commitOf(0).slice(0, 8)}", "${commitOf(1).slice(0, 8)}",`);
    expect(udp).toContain('  x-axis "history entry" ["0", "1", "2", "3", "4", "5", "6", "7", "8"]\n');
    expect(udp).toContain('  y-axis "%" 0 --> 0.5\n');
    expect(md).toContain(`Change point: −10.0% from entry 6 (\`${commitOf(6).slice(0, 8)}\`), 2026-01-07 09:00: 100 Mbit/s → 90 Mbit/s, p = 0.002.`);
    expect(md).not.toContain('latency_p99');
  });

  it('charts only the newest 40 entries of a long series and says so', () => {
    const md = renderTrendMarkdown(largeReport(1, 100), META);
    const chart = /```mermaid\n([\s\S]*?)```/.exec(md)?.[1] ?? '';
    const labels = /x-axis "commit" \[([^\]]*)\]/.exec(chart)?.[1]?.split(', ') ?? [];
    expect(labels).toHaveLength(40);
    expect(labels[0]).toBe(`"${commitOf(60).slice(0, 8)}"`);
    expect(/ {2}line \[([^\]]*)\]/.exec(chart)?.[1]?.split(', ')).toHaveLength(40);
    expect(md).toContain('Showing the last 40 of 100 entries (report.html has them all).');
  });

  it('gives a commit measured more than once its entry index, as Mermaid merges equal x labels', () => {
    const base = seriesOf(BULK, 'throughput', [1e9, 1e9, 2e9, 2e9]);
    const rerun: TrendSeries = { ...base, points: base.points.map((p) => ({ ...p, commit: commitOf(p.index < 2 ? 0 : p.index) })) };
    const md = renderTrendMarkdown({ series: [rerun], changePoints: [changeAt(rerun, 2)] }, META);
    const hash = (i: number): string => commitOf(i).slice(0, 8);
    expect(md).toContain(`  x-axis "commit" ["${hash(0)} (0)", "${hash(0)} (1)", "${hash(2)}", "${hash(3)}"]\n`);
  });

  it('escapes | in table cells and " in Mermaid titles', () => {
    const odd = seriesOf('lab/odd[name=a|b,quote="x"]', 'throughput', [1e9, 1e9, 1e9, 2e9, 2e9]);
    const md = renderTrendMarkdown({ series: [odd], changePoints: [changeAt(odd, 3)] }, META);
    const row = md.split('\n').find((line) => line.startsWith('| `lab/odd'));
    expect(row).toBe(
      `| \`lab/odd[name=a\\|b,quote="x"]\` | throughput | 3 | \`${commitOf(3).slice(0, 8)}\` | 2026-01-04 09:00 | 1 Gbit/s → 2 Gbit/s | +100.0% | 0.002 |`,
    );
    expect(cellsOf(row ?? '')).toHaveLength(8);
    expect(md).toContain('  title "lab/odd[name=a|b,quote=x] throughput"');
  });

  it('says so when there are no change points, and charts nothing', () => {
    const md = renderTrendMarkdown({ ...shiftedReport(), changePoints: [] }, META);
    expect(md).toContain('No change points: every series stayed at one level.');
    expect(md).not.toContain('```mermaid');
    expect(md).toContain('4 series had no change point');
  });
});

describe('renderTrendSvg', () => {
  it('draws a small chart without legend or x caption, and a full one with both', () => {
    const report = shiftedReport();
    const series = report.series[0] ?? seriesOf('', '', []);
    const small = renderTrendSvg(series, report.changePoints, { width: 240, height: 80, highlight: 8 });
    expect(small).toMatch(/^<svg [^>]*viewBox="0 0 240 80" width="240" height="80"/);
    expect(small).not.toContain('class="legend"');
    expect(small).not.toContain('oldest left');
    expect(small).toContain('class="current"');
    expect(small).toContain('>−10.0%</text>');
    const full = renderTrendSvg(series, report.changePoints);
    expect(full).toMatch(/^<svg [^>]*viewBox="0 0 680 260"/);
    expect(full).toContain('class="legend"');
    expect(full).toContain('history entry (commit), oldest left');
    // change points of other series are not drawn
    expect(renderTrendSvg(report.series[1] ?? series, report.changePoints)).not.toContain('change-point');
  });
});

describe('the trend report in headless Chromium', { tags: ['browser'] }, () => {
  const { open, outside } = useBrowser();

  it('is self-contained, and every label stays inside its chart without overlapping another', async () => {
    const page = await open(renderTrendHtml(shiftedReport(), { ...META, current: { index: 8 } }));
    expect(outside).toEqual([]);
    expect(await page.locator('script, link, img, iframe').count()).toBe(0);
    const layouts = await layoutOf(page);
    expect(layouts).toHaveLength(4);
    expect(layouts.every((l) => l.svg.right - l.svg.left === 680)).toBe(true);
    expectTidy(layouts);
    // the dashed line at entry 6 is drawn where the seventh dot is, on screen
    const [lineX, dotX] = await page.locator('svg[data-metric="throughput"]').evaluate((svg) => {
      const line = svg.querySelector('g.change-point line');
      const median = svg.querySelector<SVGPolylineElement>('polyline.median');
      return [line?.getBoundingClientRect().left ?? NaN, (median?.points.getItem(6).x ?? NaN) + svg.getBoundingClientRect().left];
    });
    expect(Math.abs(lineX - dotX)).toBeLessThan(1);
    await page.close();
  });

  it('keeps labels apart on long series and on small charts, with many change points', async () => {
    const long = largeReport(3, 1000);
    const crowded = seriesOf(
      BULK,
      'throughput',
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 100e6 : 60e6)),
    );
    const crowdedChanges = [3, 5, 7, 9, 11, 28, 29].map((index) => changeAt(crowded, index));
    const flat = seriesOf(RR, 'transaction_rate', [0, 0, 0], { commits: false });
    const single = seriesOf(UDP, 'loss', [0.25]);
    const small = [crowded, flat, single, ...long.series].map((s) =>
      renderTrendSvg(s, [...crowdedChanges, ...long.changePoints], { width: 240, height: 80, highlight: 2 }),
    );
    const html = `${renderTrendHtml({ series: [crowded, flat, single, ...long.series], changePoints: [...crowdedChanges, ...long.changePoints] }, { ...META, current: { index: 999 } }).replace('</body>', `${small.join('\n')}</body>`)}`;
    const page = await open(html);
    const layouts = await layoutOf(page);
    expect(layouts).toHaveLength(12);
    expectTidy(layouts);
    await page.close();
  });

  it('opens 200 series of 1000 entries as one page', async () => {
    const page = await open(renderTrendHtml(largeReport(200, 1000), META));
    expect(await page.locator('svg[data-chart="trend"]').count()).toBe(200);
    await page.close();
  });
});
