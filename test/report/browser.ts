import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { findChromium, NO_CHROMIUM } from '../chromium.js';
import { tempDir } from '../helpers.js';

/** Opens a rendered page from disk, as a user would, recording in `outside` any request that leaves the file. */
export async function openPage(browser: Browser, html: string, outside: string[]): Promise<Page> {
  const file = path.join(tempDir('page'), 'report.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return page;
}

/**
 * One headless Chromium for the calling test file, launched by the first `open` (so that a file's tests that draw
 * nothing run without it, and skipped `browser` tests launch nothing) and closed after the file: `open` renders a page
 * in it, `outside` collects requests that left the file. Call `open` only from tests tagged `browser`
 * (vitest.config.ts skips those where there is no Chromium).
 */
export function useBrowser(): { readonly open: (html: string) => Promise<Page>; readonly outside: string[] } {
  let browser: Promise<Browser> | undefined;
  const outside: string[] = [];
  afterAll(async () => {
    // a launch that failed has failed its test already
    await (await browser?.catch(() => undefined))?.close();
  });
  return {
    open: async (html) => {
      browser ??= launch();
      return openPage(await browser, html, outside);
    },
    outside,
  };
}

function launch(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error(`${NO_CHROMIUM} (a test that opens a page must be tagged browser)`);
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Per SVG on the page: its box, and the box and text of each of its `<text>` elements. */
export interface Layout {
  readonly svg: Box;
  readonly label: string;
  readonly texts: readonly (Box & { readonly text: string })[];
}

export const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Whether `inner` lies within `outer`, give or take half a pixel. */
export const isInside = (inner: Box, outer: Box): boolean =>
  inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;

/** The layout of every SVG on the page (or those `selector` picks), as drawn. */
export async function layoutOf(page: Page, selector = 'svg'): Promise<Layout[]> {
  return page.locator(selector).evaluateAll((svgs) =>
    svgs.map((svg) => {
      const box = (r: DOMRect): Box => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      return {
        svg: box(svg.getBoundingClientRect()),
        label: svg.getAttribute('aria-label') ?? '',
        texts: Array.from(svg.querySelectorAll('text')).map((t) => ({ ...box(t.getBoundingClientRect()), text: t.textContent })),
      };
    }),
  );
}

/** Every text inside its SVG, no two texts of one SVG on top of each other, no two SVGs on top of each other. */
export function expectTidy(layouts: readonly Layout[]): void {
  const problems: string[] = [];
  for (const { svg, label, texts } of layouts) {
    for (const t of texts) {
      if (!isInside(t, svg)) problems.push(`${label}: "${t.text}" sticks out of its chart`);
    }
    texts.forEach((a, i) => {
      for (const b of texts.slice(i + 1)) if (overlaps(a, b)) problems.push(`${label}: "${a.text}" overlaps "${b.text}"`);
    });
  }
  layouts.forEach((a, i) => {
    for (const b of layouts.slice(i + 1)) if (overlaps(a.svg, b.svg)) problems.push(`chart ${a.label} overlaps chart ${b.label}`);
  });
  expect(problems).toEqual([]);
}

/**
 * report.html's sweep charts as issue 15 asks: at least one; every label whole inside its SVG, none on another, no two
 * charts on top of each other, the legend under the plot (below the x axis's title), never cut short with "…"; and the
 * page's every SVG tidy. Returns each chart's legend text.
 */
export async function expectSweepChartsTidy(page: Page): Promise<string[]> {
  const charts = await layoutOf(page, 'svg[data-chart="sweep"]');
  expect(charts.length).toBeGreaterThan(0);
  expectTidy(charts);
  const placement = await page.locator('svg[data-chart="sweep"]').evaluateAll((svgs) =>
    svgs.map((svg) => {
      const plotBottom = Math.max(...Array.from(svg.querySelectorAll('text.axis:not([transform])')).map((t) => t.getBoundingClientRect().bottom));
      const legends = Array.from(svg.querySelectorAll('text.legend')).map((t) => t.getBoundingClientRect().top);
      return {
        plotBottom,
        legends,
        text: Array.from(svg.querySelectorAll('text.legend'))
          .map((t) => t.textContent)
          .join(''),
      };
    }),
  );
  for (const chart of placement) {
    expect(chart.legends.length).toBeGreaterThan(0);
    for (const top of chart.legends) expect(top).toBeGreaterThanOrEqual(chart.plotBottom);
    // whole: wrapped after commas if need be
    expect(chart.text).not.toContain('…');
  }
  expectTidy(await layoutOf(page));
  return placement.map((c) => c.text);
}
