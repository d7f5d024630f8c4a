import { describe, expect, it } from 'vitest';
import { formatComparisonSummary } from '../../src/cli/console-reporter.js';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import { COMPARISON_COLUMNS, comparisonCell, comparisonHeading, comparisonView, writeProse } from '../../src/report/comparison-view.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { abRun, comparedSweep, recordedSweep } from './fixtures.js';

/** comparedSweep() judged against a history instead of a baseline, its newest entry differing in two fields, one of them empty. */
function againstHistory(): RunResult {
  // the history takes the baseline's place
  const { comparison, ...run } = comparedSweep();
  expect(comparison).toBeDefined();
  const history = {
    file: 'perf/history.jsonl',
    entries: 12,
    sameFingerprintEntries: 10,
    latestDate: '2026-11-20',
    environmentDifferences: [
      { field: 'kernel', baseline: '', current: '6.18' },
      { field: 'qdisc', baseline: 'fq', current: '' },
    ],
  };
  const suites = run.suites.map((s) => ({
    ...s,
    cases: s.cases.map((c) => ({
      ...c,
      ...(c.regressions === undefined ? {} : { regressions: c.regressions.map((r) => ({ ...r, source: 'history' as const, against: history.file })) }),
    })),
  }));
  return { ...run, history, suites };
}

/** comparedSweep() whose baseline had no value for any metric: the gate compared nothing. */
function nothingCompared(missingBaseline?: 'warn'): RunResult {
  const run = comparedSweep();
  const suites = run.suites.map((s) => ({
    ...s,
    cases: s.cases.map((c) => ({
      ...c,
      ...(c.regressions === undefined
        ? {}
        : {
            regressions: c.regressions.map((r) => ({
              ...r,
              verdict: 'not-compared' as const,
              change: null,
              passed: true,
              note: 'the baseline has no case with this id',
            })),
          }),
    })),
  }));
  return { ...run, suites, ...(missingBaseline === undefined ? {} : { missingBaseline }) };
}

const plain = { code: (text: string) => text, text: (text: string) => text, maxIds: 20 };

describe('the comparison view', () => {
  it('lays a baseline comparison out once: a section saying what and how, its notes, a row per compared metric', () => {
    const view = comparisonView(comparedSweep())!;
    expect(view.sections.map((s) => s.heading)).toEqual(['Compared with the baseline']);
    const [section] = view.sections;
    expect(writeProse(section!.about, plain)).toMatch(/^Baseline baseline\/results\.json from 2026-11-26T13:27:39\.135Z\. Regressed = /);
    expect(section!.notes.map((n) => [n.tone, n.lead ?? writeProse(n.text, plain)])).toEqual([
      ['warning', "The machine or setup differs from the baseline's:"],
      ['info', '1 case without a baseline: sweep/udp[send_size=1K]'],
      ['warning', expect.stringMatching(/^The whole group sweep\/bulk moved −16\.7% in throughput against the baseline .*\.$/)],
    ]);
    expect(view.notes.map((n) => n.lead)).toEqual(['2 comparisons are inconclusive']);
    expect(view.rows).toHaveLength(14);
    const [regressed] = view.rows;
    expect(regressed).toMatchObject({
      verdict: 'regressed',
      againstValue: '12.8 Gbit/s',
      currentValue: '10.7 Gbit/s',
      change: '−16.7%',
      bounds: '[−19.0%, −14.3%]',
      tolerance: '5%',
      stats: 'p = 0.004, 5 vs 5 runs',
      mark: '¹',
      decideAbove: false,
      inShift: true,
    });
    expect(COMPARISON_COLUMNS.map((column) => writeProse(comparisonCell(regressed!, column).text, plain))).toEqual([
      'regressed',
      'sweep/bulk[nodelay=false,send_size=1K]',
      'throughput',
      'baseline',
      '12.8 Gbit/s',
      '10.7 Gbit/s',
      '−16.7% [−19.0%, −14.3%]',
      '5%',
      'p = 0.004, 5 vs 5 runs¹ · unexplained: no counter was recorded, though 1 setting differs',
    ]);
    expect([...view.footnotes]).toEqual([['one-sided Mann–Whitney U, α = 0.01', '¹']]);
  });

  it('heads the column of the other side by the sources the table holds', () => {
    const ab = abRun();
    const sweep = comparedSweep();
    const both = comparisonView({ ...sweep, seed: 42, suites: [...ab.suites, ...sweep.suites] })!;
    expect(both.sections.map((s) => s.source)).toEqual(['control', 'baseline']);
    expect(comparisonHeading(both, 'values')).toBe('control / baseline');
    expect(comparisonHeading(comparisonView(ab)!, 'values')).toBe('control');
    expect(comparisonView(recordedSweep())).toBeUndefined();
  });

  it('says a setup difference the same way against a baseline and a history, an empty side as (none), in every format', () => {
    const sweep = comparedSweep();
    const baseline: RunResult = { ...sweep, comparison: { ...sweep.comparison!, environmentDifferences: [{ field: 'mtu', baseline: '', current: '9000' }] } };
    expect(formatComparisonSummary(baseline, { color: false })).toContain("\n  ! the machine or setup differs from the baseline's: mtu (none) → 9000\n");
    expect(renderMarkdown(baseline)).toContain(
      "> ⚠️ **The machine or setup differs from the baseline's:** mtu (none) → `9000`. The figures were compared anyway; read them with that in mind.",
    );
    expect(renderHtml(baseline)).toContain(
      '<p class="warning"><strong>The machine or setup differs from the baseline\'s:</strong> mtu (none) → <code>9000</code>. The figures were compared anyway; read them with that in mind.</p>',
    );
    const history = againstHistory();
    expect(formatComparisonSummary(history, { color: false })).toContain(
      "\n  ! the machine or setup differs from the newest history entry's: kernel (none) → 6.18, qdisc fq → (none)\n",
    );
    expect(renderMarkdown(history)).toContain(
      "> ⚠️ **The machine or setup differs from the newest history entry's:** kernel (none) → `6.18`, qdisc `fq` → (none). The figures were compared anyway; read them with that in mind.",
    );
    expect(renderHtml(history)).toContain(
      "<strong>The machine or setup differs from the newest history entry's:</strong> kernel (none) → <code>6.18</code>, qdisc <code>fq</code> → (none). The figures were compared anyway; read them with that in mind.</p>",
    );
  });

  it('says beside the comparison, in every format, when nothing was compared and why', () => {
    const failing = nothingCompared();
    const why =
      'every compared metric lacks a value on one side (the baseline has no case with this id); pass a baseline that measured these cases (--missing-baseline warn makes this a warning)';
    expect(formatComparisonSummary(failing, { color: false })).toContain(`\n  ✗ nothing compared, so the run fails: ${why}\n`);
    expect(renderMarkdown(failing)).toContain(`> ❌ **Nothing compared, so the run fails:** ${why}`);
    expect(renderHtml(failing)).toContain(`<p class="failure"><strong>Nothing compared, so the run fails:</strong> ${why}</p>`);
    expect(renderMarkdown(nothingCompared('warn'))).toContain('> ⚠️ **Nothing compared (a warning: --missing-baseline warn):** every compared metric lacks');
    // suites without a regression: block judge nothing by design: said, not failed
    const unjudged: RunResult = { ...recordedSweep(), comparison: comparedSweep().comparison! };
    expect(formatComparisonSummary(unjudged, { color: false })).toContain(
      '\n  ! nothing was compared: no group of these suites has a regression: block (like regression: { throughput: 5% })\n',
    );
    expect(renderMarkdown(unjudged)).toContain(
      '> ⚠️ **Nothing was compared:** no group of these suites has a `regression:` block (like `regression: { throughput: 5% }`)',
    );
    // and an empty table is no table
    expect(renderHtml(unjudged)).not.toContain('table class="comparison"');
  });

  it('never says no group has a regression: block when every case that has one errored or did not run', () => {
    const sweep = comparedSweep();
    expect(sweep.suites.flatMap((s) => s.cases).filter((c) => (c.regression ?? []).length > 0)).not.toHaveLength(0);
    const noBlock = /no group of these suites has a regression: block/;
    for (const status of ['error', 'skipped'] as const) {
      // such a case keeps its group's tolerances and has no outcome
      const unjudged = (c: CaseResult): CaseResult => {
        const { regressions, ...rest } = c;
        void regressions;
        return { ...rest, status, ...(status === 'error' ? { error: { kind: 'netperf-failed' as const, message: 'netperf could not connect' } } : {}) };
      };
      const suites = sweep.suites.map((s) => ({ ...s, cases: s.cases.map(unjudged) }));
      const unmeasured: RunResult = { ...sweep, suites };
      const notes = comparisonView(unmeasured)!.sections.flatMap((section) => section.notes.map((n) => `${n.lead ?? ''} ${writeProse(n.text, plain)}`));
      expect(notes.filter((note) => noBlock.test(note))).toEqual([]);
      expect(formatComparisonSummary(unmeasured, { color: false })).not.toMatch(noBlock);
    }
  });

  it('lists the inconclusive comparisons with their regression: line in both reports, failed under --fail-on-inconclusive', () => {
    const md = renderMarkdown({ ...comparedSweep(), failOnInconclusive: true });
    expect(md).toContain('> ❌ **2 comparisons are inconclusive** (failed by --fail-on-inconclusive):');
    const html = renderHtml({ ...comparedSweep(), failOnInconclusive: true });
    expect(html).toContain(
      '<div class="failure"><strong>2 comparisons are inconclusive</strong> (failed by --fail-on-inconclusive):<ul><li><code>sweep/rr[request_size=1,test=UDP_RR]</code> transaction_rate: ',
    );
    expect(html).toMatch(/would likely decide it \(repeat: 12 in both runs\) \(test\/fixtures\/results\/sweep\.yml:29\)<\/li>/);
  });
});
