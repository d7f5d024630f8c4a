/// <reference lib="dom" />
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { PALETTE } from '../../src/report/svg-charts.js';
import { projectRoot } from '../helpers.js';
import { useBrowser } from './browser.js';

/** One ```mermaid block of a report and the legend line under it. */
export interface Block {
  readonly source: string;
  readonly legend: string;
}

/** What the real mermaid drew for a block, or why it could not. */
export interface Drawn {
  readonly error?: string;
  readonly strokes: readonly string[];
  readonly yTicks: readonly string[];
  readonly xLabels: readonly string[];
}

export function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```\n(.*)/g)].map((m) => ({ source: m[1] ?? '', legend: m[2] ?? '' }));
}

/** WCAG relative luminance of `#rrggbb`: 0 is black, 1 white. */
function luminance(hex: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** `#RGB`, `#RRGGBB` or `rgb(r, g, b)` as lower-case `#rrggbb`. */
function hexOf(colour: string): string {
  const c = colour.trim().toLowerCase();
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(c);
  if (rgb !== null)
    return `#${rgb
      .slice(1, 4)
      .map((v) => Number(v).toString(16).padStart(2, '0'))
      .join('')}`;
  if (/^#[0-9a-f]{3}$/.test(c)) return `#${[...c.slice(1)].map((d) => d + d).join('')}`;
  return c;
}

/**
 * The real mermaid (the npm package's own bundle, from disk: no network) in the calling test file's headless Chromium:
 * `draw` renders blocks with mermaid.render, as GitHub does, and `expectReadable` checks a report's every chart.
 */
export function useMermaid(): {
  readonly draw: (blocks: readonly Block[]) => Promise<Drawn[]>;
  readonly expectReadable: (markdown: string) => Promise<Block[]>;
} {
  const { open } = useBrowser();
  let page: Promise<Page> | undefined;

  /** The page with mermaid loaded, made by the first draw (in a test tagged browser). */
  async function load(): Promise<Page> {
    const loaded = await open('<!doctype html><html><body><div id="out"></div></body></html>');
    await loaded.addScriptTag({ path: path.join(projectRoot, 'node_modules/mermaid/dist/mermaid.min.js') });
    await loaded.evaluate(() => {
      (window as unknown as { mermaid: { initialize: (config: object) => void } }).mermaid.initialize({ startOnLoad: false });
    });
    return loaded;
  }

  afterAll(async () => {
    await (await page?.catch(() => undefined))?.close();
  });

  /** Renders each block and reads back the plot lines and axis labels. */
  async function draw(blocks: readonly Block[]): Promise<Drawn[]> {
    page ??= load();
    return (await page).evaluate(
      async (sources) => {
        const mermaid = (window as unknown as { mermaid: { render: (id: string, text: string) => Promise<{ svg: string }> } }).mermaid;
        const out = document.getElementById('out');
        if (out === null) throw new Error('no #out');
        const drawn: Drawn[] = [];
        for (const [i, source] of sources.entries()) {
          try {
            const { svg } = await mermaid.render(`chart${i}`, source);
            out.innerHTML = svg;
            const texts = (selector: string): string[] => Array.from(out.querySelectorAll(selector)).map((t) => t.textContent.trim());
            drawn.push({
              strokes: Array.from(out.querySelectorAll('g.plot g[class^="line-plot-"] path')).map((p) => getComputedStyle(p).stroke),
              yTicks: texts('g.left-axis g.label text'),
              xLabels: texts('g.bottom-axis g.label text'),
            });
          } catch (error) {
            drawn.push({ error: String(error), strokes: [], yTicks: [], xLabels: [] });
          }
        }
        return drawn;
      },
      blocks.map((b) => b.source),
    );
  }

  /** Every chart of a report.md parses, draws one visible palette-coloured line per series, named by colour below it, on a y axis from 0. */
  async function expectReadable(markdown: string): Promise<Block[]> {
    const blocks = blocksOf(markdown);
    const drawn = await draw(blocks);
    const palette = PALETTE.map(hexOf);
    blocks.forEach((block, i) => {
      const chart = drawn[i];
      const title = /title "(.*)"/.exec(block.source)?.[1] ?? `chart ${i}`;
      expect(chart?.error, title).toBeUndefined();
      const series = block.source.split('\n').filter((line) => line.trim().startsWith('line [')).length;
      const strokes = (chart?.strokes ?? []).map(hexOf);
      expect(strokes, title).toHaveLength(series);
      // the default palette's first line is #ECECFF, all but invisible on white
      for (const stroke of strokes) {
        expect(palette, `${title}: ${stroke}`).toContain(stroke);
        expect(luminance(stroke), `${title}: ${stroke}`).toBeLessThan(0.8);
      }
      expect(strokes, title).toEqual(palette.slice(0, series));
      const yTicks = (chart?.yTicks ?? []).map((t) => Number(t.replaceAll(',', '')));
      expect(yTicks.length, title).toBeGreaterThan(1);
      expect(Math.min(...yTicks), title).toBe(0);
      // the legend names each line's colour, in order
      expect(block.legend.match(/■/g) ?? [], title).toHaveLength(series);
    });
    return blocks;
  }

  return { draw, expectReadable };
}
