// @module-tag browser
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { abRun, comparedSweep, recordedLoadInterval, recordedRrulInterval, recordedSweep, syntheticRun } from './fixtures.js';
import { useMermaid } from './mermaid-draw.js';

const { draw, expectReadable } = useMermaid();

describe("report.md's Mermaid charts, rendered by the real mermaid in headless Chromium", () => {
  it('draws every chart of the recorded sweep, from zero, in visible colours', async () => {
    expect(await expectReadable(renderMarkdown(recordedSweep()))).toHaveLength(3);
  });

  it('draws every chart of the compared sweep, the load-interval run and the A/B run', async () => {
    expect(await expectReadable(renderMarkdown(comparedSweep()))).toHaveLength(3);
    await expectReadable(renderMarkdown(recordedLoadInterval()));
    await expectReadable(renderMarkdown(abRun()));
  });

  it('draws the rrul run over time: a line per load flow on time bins, and latency loaded against idle', async () => {
    const blocks = await expectReadable(renderMarkdown(recordedRrulInterval()));
    const timeline = blocks.filter((b) => /title "(Each load flow's throughput|Latency over the measured test)/.test(b.source));
    expect(timeline).toHaveLength(2);
    const drawn = await draw(timeline);
    expect(drawn.map((d) => d.strokes.length)).toEqual([8, 2]);
    expect(drawn[0]?.xLabels.slice(0, 3)).toEqual(['0.5', '1', '1.5']);
    expect(drawn[1]?.xLabels).toEqual(drawn[0]?.xLabels);
  });

  it('draws a 300-case synthetic run, keeping default buffers as a category', async () => {
    const blocks = await expectReadable(renderMarkdown(syntheticRun(300)));
    expect(blocks.length).toBeGreaterThan(3);
    const buffers = blocks.filter((b) => b.source.includes('title "throughput vs socket_buffer"'));
    expect(buffers.length).toBeGreaterThan(0);
    for (const b of buffers) expect(b.source).toMatch(/x-axis "socket_buffer" \["default", /);
    const drawn = await draw(buffers);
    for (const chart of drawn) expect(chart.xLabels[0]).toBe('default');
  });
});
