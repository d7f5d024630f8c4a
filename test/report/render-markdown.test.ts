import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { RunResult } from '../../src/model/results.js';
import { readResultsFiles } from '../../src/results/read-results.js';
import { projectRoot } from '../helpers.js';
import { formatLoadChange } from '../../src/report/report-text.js';
import { abRun, comparedSweep, intervalRun, recordedLoadInterval, recordedSweep, syntheticRun, tuningRun, withInjected } from './fixtures.js';

describe('report.md', () => {
  it('renders a recorded run as the whole expected document', async () => {
    await expect(renderMarkdown(withInjected(recordedSweep(), '2026-01-02T03:04:05.678Z', 'ci-runner-7'))).toMatchFileSnapshot(
      '../fixtures/results/sweep.report.md',
    );
  });

  it('leads with the verdict, then the failures with observed against expected', () => {
    const md = renderMarkdown(recordedSweep());
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ⚠️ perfsuite: 3 of 13 cases failed a threshold; 1 of 13 cases could not be measured');
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
        '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f77b4, #ff7f0e"}}}}%%',
        'xychart-beta',
        '  title "throughput vs send_size"',
        '  x-axis "send_size" ["1K", "16K", "64K"]',
        '  y-axis "throughput (Gbit/s)" 0 --> 60',
        '  line [10.66, 44.49, 29.8]',
        '  line [1.853, 26.16, 54.51]',
        '```',
        'Lines: ■ blue `nodelay=false` · ■ orange `nodelay=true`',
      ].join('\n'),
    );
  });

  it('puts the swept parameters and the metrics with units in each group table, marking missed values', () => {
    const md = renderMarkdown(recordedSweep());
    expect(md).toContain('|  | send_size | throughput (Gbit/s) | send_throughput (Gbit/s) | loss (%) | note |');
    expect(md).toContain('| ❌ | 8K | **18.1 ±0.2%** ❌ | 18.2 | 0.41 |  |');
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
    expect(cut).toMatch(
      /> \*\*Truncated:\*\* \d+ of 50 sections \(tables and charts\) are left out to keep this under 200 KiB\. The full report is out\/report\.md\.\n$/,
    );
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
    expect(renderMarkdown(interrupted).split('\n')[0]).toContain(
      '⏹️ perfsuite: 3 of 13 cases failed a threshold; 1 of 13 cases could not be measured; the run was interrupted',
    );
  });
});

describe('report.md sweep charts with holes', () => {
  it('leaves out a line that misses a size instead of drawing it through zero, and says so', () => {
    const run = recordedSweep();
    const suite = run.suites[0]!;
    // exclude { send_size: 64K, nodelay: true }
    const holed: RunResult = { ...run, suites: [{ ...suite, cases: suite.cases.filter((c) => c.id !== 'sweep/bulk[nodelay=true,send_size=64K]') }] };
    const md = renderMarkdown(holed);
    expect(md).toContain('  line [10.66, 44.49, 29.8]\n```\nLines: ■ blue `nodelay=false`; 1 line without every send_size left out (see the table)\n');
    expect(md).not.toContain('line [1.853, 26.16');
  });
});

describe('report.md against a baseline', () => {
  it('renders the compared run as the whole expected document', async () => {
    await expect(renderMarkdown(comparedSweep())).toMatchFileSnapshot('../fixtures/results/sweep.compared.report.md');
  });

  it('says what was compared, what differs, and shows baseline, current, change, bounds and evidence per metric', () => {
    const md = renderMarkdown(comparedSweep());
    const lines = md.split('\n');
    expect(lines[0]).toBe(
      '## ⚠️ perfsuite: 3 of 13 cases failed a threshold; 6 of 13 cases regressed; 1 of 13 cases could not be measured; 2 metrics not compared; 2 comparisons inconclusive (a warning: see the notes)',
    );
    expect(md).toContain("> ⚠️ **The machine or setup differs from the baseline's:** kernel `6.1.0-28-amd64` → `6.18.44-fc-v657`.");
    expect(md).toContain('> 1 case without a baseline: `sweep/udp[send_size=1K]`');
    // one row per compared metric, in each verdict
    expect(md).toContain(
      '| ❌ regressed | `sweep/bulk[nodelay=false,send_size=1K]` | throughput | baseline | 12.8 Gbit/s | 10.7 Gbit/s | −16.7% [−19.0%, −14.3%] | 5% | p = 0.004, 5 vs 5 runs¹ · unexplained: no counter was recorded, though 1 setting differs |',
    );
    // the method repeated on every row is stated once under the table, behind a footnote mark
    expect(lines.filter((line) => line.startsWith('| ❌ regressed |')).every((line) => line.includes(' runs¹ · '))).toBe(true);
    expect(lines).toContain('¹ one-sided Mann–Whitney U, α = 0.01');
    // the failures table too: its regressed rows carry the mark, the method is stated once under it, never in a row
    // the failures table ends where the comparison section starts
    const heading = lines.indexOf('### Compared with the baseline');
    const failureRows = lines.slice(lines.indexOf('### Failures (10)'), heading).filter((line) => line.startsWith('| ❌ |') && line.includes(' regressed '));
    expect(failureRows.length).toBe(6);
    for (const row of failureRows) expect(row).toMatch(/5 vs 5 runs¹\) — unexplained: .* \| `test\/fixtures/);
    // once under each table and once in the method paragraph
    expect(md.split('Mann–Whitney').length - 1).toBe(3);
    // ± explained once per report
    expect(md.split("± is the run-to-run spread: the standard deviation of a case's runs over their mean").length).toBe(2);
    expect(md).toContain(
      '| ✅ unchanged | `sweep/rr[request_size=1,test=TCP_RR]` | transaction_rate | baseline | 17.6k/s | 17.6k/s | +0.00% [−0.47%, +0.48%] | 5% | p = 0.587, 5 vs 5 runs¹ |',
    );
    expect(md).toContain('| 🟢 improved | `sweep/udp[send_size=8K]` | throughput | baseline | 16.3 Gbit/s | 18.1 Gbit/s | +11.1% [+10.9%, +11.4%] | 5% |');
    // loss is judged in percentage points
    expect(md).toContain(
      '| ✅ within tolerance (+0.21 pp) | `sweep/udp[send_size=8K]` | loss | baseline | 0.21% | 0.41% | +0.21 pp [+0.20 pp, +0.21 pp] | 1 pp |',
    );
    expect(md).toContain(
      '| ❔ inconclusive | `sweep/rr[request_size=1K,test=UDP_RR]` | transaction_rate | baseline | 18.6k/s | 17.2k/s | −7.41% [−18.4%, +5.07%] | 5% | p = 0.111, 5 vs 5 runs¹ |',
    );
    expect(md).toContain(
      '| ➖ not compared | `sweep/udp[send_size=1K]` | throughput | baseline | — | 2.39 Gbit/s | — | 5% | the baseline has no case with this id |',
    );
    // the inconclusive ones are a warning under the comparison's heading, not failures
    const warning = lines.indexOf('> ⚠️ **2 comparisons are inconclusive** (a warning, not a failure):');
    expect(heading).toBeGreaterThan(lines.indexOf('### Failures (10)'));
    expect(warning).toBeGreaterThan(heading);
    expect(warning).toBeLessThan(lines.findIndex((line) => line.startsWith('| verdict |')));
    // what would decide it is said once, in that list, not again in the table's row
    expect(md.split('the noise is too large to tell a drop of more than 5% from none with 5 runs per side').length - 1).toBe(2);
    expect(lines[warning + 3]).toMatch(
      /^> - `sweep\/rr\[request_size=1K,test=UDP_RR\]` transaction_rate: the noise is too large to tell a drop of more than 5% from none with 5 runs per side; .* \(test\/fixtures\/results\/sweep\.yml:29\)$/,
    );
    expect(md).not.toMatch(/\| ❌ \| `sweep\/rr\[request_size=1K,test=UDP_RR\]` \| transaction_rate inconclusive/);
    // the group table gains a Δ column per compared metric: regressed in bold, inconclusive and improved marked
    expect(md).toContain('|  | send_size | nodelay | throughput (Gbit/s) | Δ throughput | note |');
    expect(md).toContain('| ❌ | 1K | false | 10.7 ±1.5% | **−16.7%** ❌ |  |');
    // a case whose spread exceeds half its tolerance is flagged in its note
    expect(md).toContain('| ❌ | 64K | true | 54.5 ±6.2% | **−16.7%** ❌ |  |');
    expect(md).toContain(
      '| ❌ | UDP_RR | 1K | **17187 ±6.5%** ❌ | 58.5 | 57.5 | 66.5 | 80 | 1.68 | 18.4 | −7.41% ❔ | ⚠️ transaction_rate too noisy for a 5% tolerance (±6.5% run to run, more than half of it) |',
    );
    expect(md).toContain('| ✅ | TCP_RR | 1 | 17646 ±0.3% | 56.6 | 58 | 60 | 76 | 1.57 | 16.1 | +0.00% |  |');
    expect(md).toContain('|  | send_size | throughput (Gbit/s) | send_throughput (Gbit/s) | loss (%) | Δ throughput | Δ loss | note |');
    expect(md).toContain('| ❌ | 8K | **18.1 ±0.1%** ❌ | 18.2 | 0.41 | +11.1% 🟢 | +0.21 pp |  |');
    // a case with no baseline shows no change
    expect(md).toContain('| ✅ | 1K | 2.39 ±0.3% | 2.42 | 1.23 | — | — |  |');
  });
});

describe('report.md of a compared file of schemaVersion 1', () => {
  it("shows its verdicts in today's words, and says why one is inconclusive though the file never said", () => {
    const [v1] = readResultsFiles(['test/fixtures/results/sweep.compared.v1.results.json'], projectRoot);
    const md = renderMarkdown(v1!);
    expect(md.split('\n')[0]).toBe(
      '## ⚠️ perfsuite: 3 of 13 cases failed a threshold; 6 of 13 cases regressed; 1 of 13 cases could not be measured; 2 metrics not compared; 1 comparison inconclusive (a warning: see the notes)',
    );
    expect(md).toContain(
      '> - `sweep/rr[request_size=1K,test=UDP_RR]` transaction_rate: worse beyond the tolerance, but within the run-to-run noise (test/fixtures/results/sweep.yml:29)',
    );
    // no bounds were stored then, so none are shown
    expect(md).toContain(
      '| ❌ regressed | `sweep/bulk[nodelay=false,send_size=1K]` | throughput | baseline | 12.8 Gbit/s | 10.7 Gbit/s | −16.7% | 5% | p = 0.004, 5 vs 5 runs¹ |',
    );
    expect(md).toContain('| ✅ within tolerance (+0.21 pp) | `sweep/udp[send_size=8K]` | loss | baseline | 0.21% | 0.41% | +0.21 pp | 1 pp |');
  });
});

describe('report.md of a same-run comparison (A/B)', () => {
  it('judges each candidate against its control in a section of its own, with the seed that reproduces the order', () => {
    const md = renderMarkdown(abRun());
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ perfsuite: 1 of 4 cases regressed; 1 comparison inconclusive (a warning: see the notes)');
    const heading = lines.indexOf('### Compared with the control, in the same run');
    expect(heading).toBeGreaterThan(lines.indexOf('### Failures (1)'));
    expect(md).not.toContain('### Compared with the baseline');
    expect(lines[heading + 2]).toMatch(/^Each candidate was measured interleaved with its control: .* Order seed 42 \(`--seed 42` reproduces it\)\.$/);
    expect(lines[heading + 4]).toBe('> ⚠️ **1 comparison is inconclusive** (a warning, not a failure):');
    expect(lines[heading + 6]).toMatch(
      /^> - `ab\/bulk\[server=noisy\]` throughput: the noise is too large to tell a drop of more than 3% from none with 9 rounds; .*\(suites\/ab\.yml:14\)$/,
    );
    expect(md).toContain(
      '| ❌ regressed | `ab/bulk[server=head]` | throughput | control `ab/bulk[server=base]` | 945 Mbit/s | 897 Mbit/s | −5.00% [−5.10%, −4.86%] | 3% | p = 0.002, 9 rounds¹ · loss: retransmissions rose 0 → 12 segments per run |',
    );
    expect(lines).toContain('¹ Wilcoxon signed-rank test on per-round ratios, α = 0.01');
    expect(md).toContain(
      '| ✅ unchanged | `ab/bulk[server=same]` | throughput | control `ab/bulk[server=base]` | 945 Mbit/s | 946 Mbit/s | −0.00% [−0.20%, +0.20%] | 3% |',
    );
    expect(md).toContain(
      '| ❔ inconclusive | `ab/bulk[server=noisy]` | throughput | control `ab/bulk[server=base]` | 945 Mbit/s | 960 Mbit/s | +0.88% [−6.53%, +7.98%] | 3% |',
    );
    expect(md).toContain(
      '| ❌ | `ab/bulk[server=head]` | throughput regressed −5.00% [−5.10%, −4.86%] vs control ab/bulk[server=base] (945 Mbit/s → 897 Mbit/s, tolerance 3%; p = 0.002, 9 rounds',
    );
    // the control itself is not compared: no Δ
    expect(md).toContain('| ✅ | base | 945 ±0.4% | 0 | — |  |');
    expect(md).toContain('| ❌ | head | 897 ±0.4% | 12 | **−5.00%** ❌ |  |');
    // arms are judged on paired rounds: no noise flag, though noisy spreads ±6.7% at a 3% tolerance
    // its ratio to the control swings ±6.8% round to round against a 3% tolerance: too noisy, by the paired spread
    expect(md).toContain(
      '| ✅ | noisy | 960 ±6.7% | 0 | +0.88% ❔ | ⚠️ throughput too noisy for a 3% tolerance (±6.8% round to round, against the control, more than half of it) |',
    );
  });

  it('says why the regressed candidate regressed, under the comparison table: the reading, each counter, each setting that differs', () => {
    const md = renderMarkdown(abRun());
    const why = md.slice(md.indexOf('#### Why it regressed'), md.indexOf('### ab — '));
    expect(why.split('\n')).toEqual([
      '#### Why it regressed',
      '',
      '**`ab/bulk[server=head]`** throughput vs control `ab/bulk[server=base]`: loss: retransmissions rose 0 → 12 segments per run',
      '',
      '|  | control | this run | change |  |',
      '|---|---|---|---|---|',
      '| retransmissions | 0 segments | 12 segments | +12 segments | **rose** |',
      '| mss | 1448 B | 1448 B | +0.00% | unchanged |',
      '| setup | (none) | `tc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 1gbit burst 1514 limit 96kb` |  | differs |',
      '',
      '',
    ]);
    // the arms that did not regress have nothing to explain; a group that moved as one is said once, by its note
    expect(md.match(/\*\*`ab\/bulk\[server=\w+\]`\*\*/g)).toEqual(['**`ab/bulk[server=head]`**']);
    expect(renderMarkdown(comparedSweep())).not.toContain('#### Why it regressed');
  });
});

describe('report.md with interim results and latency under load', () => {
  it('renders the recorded run as the whole expected document', async () => {
    await expect(renderMarkdown(recordedLoadInterval())).toMatchFileSnapshot('../fixtures/results/load-interval.report.md');
  });

  it("sets each case under load beside its idle twin, with the changes, the worse ones marked, and the load's throughput", () => {
    const md = renderMarkdown(recordedLoadInterval());
    const lines = md.split('\n');
    const heading = lines.indexOf('#### Latency under load');
    // at the head of its suite, before the group tables
    expect(heading).toBe(lines.indexOf('### lul — `test/fixtures/results/load-interval.yml`') + 2);
    expect(heading).toBeLessThan(lines.indexOf('#### rr — 2 cases'));
    expect(lines[heading + 2]).toMatch(/^What the link does to latency when it is full: /);
    expect(lines.slice(heading + 4, heading + 8)).toEqual([
      '| case | load | transaction_rate idle → loaded | latency_p50 idle → loaded | latency_p99 idle → loaded | load throughput |',
      '|---|---|---|---|---|---|',
      '| rr | 2xTCP_STREAM | 22.3k/s → 43.0k/s (+92.8%) | 52 µs → 14 µs (−73.1%) | 79 µs → 181 µs (**×2.3** worse) | 29.0 Gbit/s |',
      '',
    ]);
    expect(renderMarkdown(recordedSweep())).not.toContain('Latency under load');
  });

  it('says beyond +100% how many times the idle value the loaded one is, as a percentage of thousands reads as nothing', () => {
    expect([-0.999, -0.25, 0.928, 1, 1.291, 8.96, 13.2, 1405.25].map(formatLoadChange)).toEqual([
      '−99.9%',
      '−25.0%',
      '+92.8%',
      '+100.0%',
      '×2.3',
      '×10',
      '×14',
      '×1406',
    ]);
    const rows = renderMarkdown(tuningRun())
      .split('\n')
      .filter((line) => line.includes('| 2xTCP_STREAM |') && line.includes('→'));
    expect(rows[0]).toBe(
      '| socket_buffer=default congestion_control=cubic | 2xTCP_STREAM | 60.1k/s → 43/s (**−99.9%** worse) | 16 µs → 22.5 ms (**×1407** worse) | 22 µs → 23.0 ms (**×1045** worse) | 47.9 Mbit/s |',
    );
    expect(rows[3]).toBe(
      '| socket_buffer=1M congestion_control=bbr | 2xTCP_STREAM | 54.4k/s → 84/s (**−99.8%** worse) | 17 µs → 11.8 ms (**×693** worse) | 35 µs → 18.8 ms (**×537** worse) | 48.0 Mbit/s |',
    );
  });

  it('shows latencies of microseconds in a column of milliseconds with two significant digits, not as 0.02 each', () => {
    const md = renderMarkdown(tuningRun());
    expect(md).toContain(
      '|  | socket_buffer | congestion_control | load | transaction_rate (/s) | latency_mean (ms) | latency_p50 (ms) | latency_p90 (ms) | latency_p99 (ms) | latency_max (ms) | latency_stddev (ms) | load_throughput (Mbit/s) | deepest interim dip | note |',
    );
    expect(md).toContain('| ✅ | default | cubic | none | 60060 | 0.017 | 0.016 | 0.019 | 0.022 | 7.16 | 0.027 | — |');
    expect(md).toContain('| ✅ | 1M | cubic | none | 41142 | 0.024 | 0.018 | 0.023 | 0.053 | 9.20 | 0.11 | — |');
  });

  it("prints load_throughput as a bit rate, and each case's deepest interim dip", () => {
    const md = renderMarkdown(recordedLoadInterval());
    expect(md).toContain(
      '|  | load | transaction_rate (/s) | latency_mean (µs) | latency_p50 (µs) | latency_p90 (µs) | latency_p99 (µs) | latency_max (ms) | latency_stddev (µs) | load_throughput (Gbit/s) | deepest interim dip | note |',
    );
    expect(md).toContain('| ✅ | none | 22314 | 44.8 | 52 | 60 | 79 | 3.94 | 35.9 | — | −18.9% at 1.99 s (run 1) |  |');
    // its only interval below the mean is the first (the ramp-up), which is no dip
    expect(md).toContain('| ✅ | 2xTCP_STREAM | 43028 | 23.1 | 14 | 15 | 181 | 4.99 | 92.4 | 29.0 | — |  |');
    expect(renderMarkdown(intervalRun(3, 40))).toContain('| ✅ | `bulk` | 10 ±0.6% | −38.0% at 1.8 s (run 3) |  |');
    expect(renderMarkdown(recordedSweep())).not.toContain('deepest interim dip');
  });
});

describe('report.md of an interrupted or crashed run whose finished cases all passed', () => {
  const passing = (state: RunResult['state']): RunResult => {
    const run = recordedSweep();
    return { ...run, state, suites: run.suites.map((suite) => ({ ...suite, cases: suite.cases.filter((c) => c.status === 'pass') })) };
  };

  it('is never marked ✅', () => {
    expect(renderMarkdown(passing('interrupted')).split('\n')[0]).toMatch(/^## ⏹️ perfsuite: /);
    expect(renderMarkdown(passing('crashed')).split('\n')[0]).toMatch(/^## ⚠️ perfsuite: /);
  });

  it('is never headed "all passed": it passed only the cases it finished', () => {
    for (const state of ['interrupted', 'crashed'] as const)
      expect(renderMarkdown(passing(state)).split('\n')[0]).not.toMatch(/all \d+ cases passed|1 case passed/);
  });
});
