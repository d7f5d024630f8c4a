import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { RunResult } from '../../src/model/results.js';
import { comparedSweep, recordedSweep, syntheticRun, withInjected } from './fixtures.js';

describe('report.md', () => {
  it('renders a recorded run as the whole expected document', async () => {
    await expect(renderMarkdown(withInjected(recordedSweep(), '2026-01-02T03:04:05.678Z', 'ci-runner-7'))).toMatchFileSnapshot('../fixtures/results/sweep.report.md');
  });

  it('leads with the verdict, then the failures with observed against expected', () => {
    const md = renderMarkdown(recordedSweep());
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ⚠️ perfsuite: 3 of 13 cases failed a threshold; 1 of 13 could not be measured');
    const failures = lines.indexOf('### Failures (4)');
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(lines.findIndex((line) => line.startsWith('#### ')));
    // the unmeasured case first, then the widest misses
    expect(lines[failures + 4]).toContain('`sweep/unreachable` | could not be measured: no-netserver');
    expect(md).toContain('| ❌ | `sweep/udp[send_size=8K]` | throughput was 18.1 Gbit/s, expected >= 1000 Gbit/s | `test/fixtures/results/sweep.yml:25` |');
  });

  it('draws a sweep as a Mermaid xychart with one line per other swept value, named below it', () => {
    const md = renderMarkdown(recordedSweep());
    expect(md).toContain(
      [
        '```mermaid',
        'xychart-beta',
        '  title "throughput vs send_size"',
        '  x-axis "send_size" ["1K", "16K", "64K"]',
        '  y-axis "throughput (Gbit/s)"',
        '  line [10.66, 44.49, 29.8]',
        '  line [1.853, 26.16, 54.51]',
        '```',
        'Lines in order: 1 `nodelay=false` · 2 `nodelay=true`',
      ].join('\n'),
    );
  });

  it('puts the swept parameters and the metrics with units in each group table, marking missed values', () => {
    const md = renderMarkdown(recordedSweep());
    expect(md).toContain('|  | send_size | throughput (Gbit/s) | send_throughput (Gbit/s) | loss (%) | note |');
    expect(md).toContain('| ❌ | 8K | **18.1** ❌ | 18.2 | 0.41 |  |');
    expect(md).toContain('| test | request_size | transaction_rate (/s) | latency_mean (µs) |');
  });

  it('stays readable at 500 cases: big tables fold, the failure list is capped and counted', () => {
    const run = syntheticRun(500);
    const md = renderMarkdown(run);
    const failures = run.suites[0]!.cases.filter((c) => c.status !== 'pass').length;
    expect(md).toContain(`### Failures (${failures})`);
    expect(md).toContain(`…and ${failures - 50} more, each in the tables below and in junit.xml.`);
    expect(md.match(/<details><summary>100 rows<\/summary>/g)).toHaveLength(5);
    // one chart per swept size, three at most per group
    expect(md.match(/```mermaid/g)).toHaveLength(10);
    expect(md.split('\n').filter((line) => line.startsWith('| ')).length).toBeLessThan(600);
  });

  it('keeps within a byte budget by leaving out whole groups, and says so', () => {
    const run = syntheticRun(5000);
    const full = renderMarkdown(run);
    // 5,000 cases fit GitHub's 1 MiB whole; what is left after earlier steps' summaries may not
    expect(Buffer.byteLength(full)).toBeLessThan(1024 * 1024);
    expect(renderMarkdown(run, { maxBytes: 1024 * 1024 })).toBe(full);
    const cut = renderMarkdown(run, { maxBytes: 200 * 1024, fullReport: 'out/report.md' });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200 * 1024);
    expect(Buffer.byteLength(cut)).toBeGreaterThan(190 * 1024);
    expect(cut.startsWith(full.slice(0, 20_000))).toBe(true);
    expect(cut).toMatch(/> \*\*Truncated:\*\* \d+ of 50 sections \(tables and charts\) are left out to keep this under 200 KiB\. The full report is out\/report\.md\.\n$/);
  });

  it('never exceeds even a budget smaller than the verdict and failures', () => {
    const cut = renderMarkdown(syntheticRun(500), { maxBytes: 2000 });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2000);
    expect(cut).toContain('**Truncated:**');
  });

  it('says when nothing ran and when a run was interrupted', () => {
    const empty: RunResult = { ...recordedSweep(), suites: [] };
    expect(renderMarkdown(empty).split('\n')[0]).toBe('## ➖ perfsuite: no case was run');
    const interrupted: RunResult = { ...recordedSweep(), state: 'interrupted' };
    expect(renderMarkdown(interrupted).split('\n')[0]).toContain('⏹️ perfsuite: 3 of 13 cases failed a threshold; 1 of 13 could not be measured; the run was interrupted');
  });
});

describe('report.md sweep charts with holes', () => {
  it('leaves out a line that misses a size instead of drawing it through zero, and says so', () => {
    const run = recordedSweep();
    const suite = run.suites[0]!;
    // exclude { send_size: 64K, nodelay: true }
    const holed: RunResult = { ...run, suites: [{ ...suite, cases: suite.cases.filter((c) => c.id !== 'sweep/bulk[nodelay=true,send_size=64K]') }] };
    const md = renderMarkdown(holed);
    expect(md).toContain('  line [10.66, 44.49, 29.8]\n```\n1 line without every send_size left out (see the table)\n');
    expect(md).not.toContain('line [1.853, 26.16');
  });
});

describe('report.md against a baseline', () => {
  it('renders the compared run as the whole expected document', async () => {
    await expect(renderMarkdown(comparedSweep())).toMatchFileSnapshot('../fixtures/results/sweep.compared.report.md');
  });

  it('says what was compared, what differs, and shows baseline, current, change and evidence per metric', () => {
    const md = renderMarkdown(comparedSweep());
    expect(md.split('\n')[0]).toBe('## ⚠️ perfsuite: 3 of 13 cases failed a threshold; 6 of 13 regressed against the baseline; 1 of 13 could not be measured');
    expect(md).toContain('> ⚠️ **The environment differs from the baseline\'s:** kernel `6.1.0-28-amd64` → `6.18.44-fc-v657`.');
    expect(md).toContain('> 1 case has no baseline: `sweep/udp[send_size=1K]`');
    expect(md).toContain(
      '| ❌ | `sweep/bulk[nodelay=false,send_size=1K]` | throughput | 12.8 Gbit/s | 10.7 Gbit/s | −16.7% | 5% | judged on the tolerance alone: too few runs for the test (smallest possible p with 2 vs 2 is 0.17 > 0.01); repeat: 5 or more enables it |',
    );
    // the group table gains a Δ column, the regressed change in bold
    expect(md).toContain('|  | send_size | nodelay | throughput (Gbit/s) | Δ throughput | note |');
    expect(md).toContain('| ❌ | 1K | false | 10.7 | **−16.7%** ❌ |  |');
    // a case with no baseline shows no change
    expect(md).toContain('| ✅ | 1K | 2.39 | 2.42 | 1.23 | — |  |');
  });
});
