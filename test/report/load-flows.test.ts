import { describe, expect, it } from 'vitest';
import type { LoadFlowRun, RunResult } from '../../src/model/results.js';
import { loadFlowTables } from '../../src/report/load-view.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { tuningRun } from './fixtures.js';

const FLOWS = {
  flows: [
    { test: 'TCP_STREAM', streams: 2, dscp: 8 },
    { test: 'TCP_MAERTS', streams: 1, dscp: 46 },
  ],
} as const;

/** Three runs of two upload streams (CS1) and one download (EF): the first upload stream takes three times the second. */
function run(scale: number): LoadFlowRun[] {
  return [
    { flow: 1, test: 'TCP_STREAM', stream: 1, dscp: 8, throughput: 30e6 * scale },
    { flow: 1, test: 'TCP_STREAM', stream: 2, dscp: 8, throughput: 10e6 * scale },
    { flow: 2, test: 'TCP_MAERTS', stream: 1, dscp: 46, throughput: 45e6 * scale },
  ];
}

function flowsRun(): RunResult {
  const result = tuningRun(FLOWS);
  const cases = (result.suites[0]?.cases ?? []).map((c) =>
    c.params.load === 'none' ? c : { ...c, metrics: { ...c.metrics, load_fairness: 0.8 }, load_flows: [run(1), run(1.2), run(0.9)] },
  );
  return { ...result, suites: [{ name: 'tuning', file: 'suites/tuning/tuning.yml', cases }] };
}

describe('per-flow throughput of loaded cases in the reports', () => {
  it('one row per flow: its streams summed, the median of the runs, and its share of its direction', () => {
    const [table] = loadFlowTables(flowsRun().suites[0] ?? { name: '', file: '', cases: [] });
    expect(table?.rows).toEqual([
      { flow: 1, test: 'TCP_STREAM', direction: 'up', dscp: 'CS1', streams: 2, throughput: 40e6, share: 1 },
      { flow: 2, test: 'TCP_MAERTS', direction: 'down', dscp: 'EF', streams: 1, throughput: 45e6, share: 1 },
    ]);
    expect(loadFlowTables(tuningRun().suites[0] ?? { name: '', file: '', cases: [] })).toEqual([]);
  });

  it('report.md: a "Load flows" table per loaded case after "Latency under load", with the case’s fairness', () => {
    const lines = renderMarkdown(flowsRun()).split('\n');
    const heading = lines.indexOf('#### Load flows');
    expect(heading).toBeGreaterThan(lines.indexOf('#### Latency under load'));
    expect(heading).toBeLessThan(lines.indexOf('#### latency-under-load — 8 cases'));
    const caption = lines.findIndex(
      (l, i) => i > heading && l.startsWith('`tuning/latency-under-load[congestion_control=cubic,load=2xTCP_STREAM/CS1+1xTCP_MAERTS/EF'),
    );
    expect(lines[caption]).toMatch(/ — load_fairness 0\.80$/);
    expect(lines.slice(caption + 2, caption + 6)).toEqual([
      '| flow | test | direction | DSCP | streams | throughput | share of its direction |',
      '|---|---|---|---|---|---|---|',
      '| 1 | TCP_STREAM | up | CS1 | 2 | 40 Mbit/s | 100% |',
      '| 2 | TCP_MAERTS | down | EF | 1 | 45 Mbit/s | 100% |',
    ]);
    expect(renderMarkdown(tuningRun())).not.toContain('Load flows');
    // a unitless index gets no empty "()" in the group table's header
    expect(lines.find((l) => l.startsWith('|  | socket_buffer |'))).toMatch(/ \| load_fairness \| /);
  });

  it('report.html: the same table in a section of its own', () => {
    const html = renderHtml(flowsRun());
    expect(html).toContain('<h3>Load flows</h3>');
    expect(html.match(/<table class="load-flows"/g)).toHaveLength(4);
    expect(html).toContain(
      '<tr><td>1</td><td class="text">TCP_STREAM</td><td class="text">up</td><td class="text">CS1</td><td>2</td><td>40</td><td>100%</td></tr>',
    );
    expect(html).toContain('<th>throughput (Mbit/s)</th>');
    expect(renderHtml(tuningRun())).not.toContain('Load flows');
  });
});
