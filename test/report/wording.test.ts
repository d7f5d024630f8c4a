/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { judgeAgainstControl } from '../../src/compare/judge-arms.js';
import { statusOf } from '../../src/model/results.js';
import { formatCaseLine } from '../../src/cli/case-line.js';
import { formatComparisonSummary } from '../../src/cli/console-reporter.js';
import type { CaseResult, RegressionOutcome, RunResult } from '../../src/model/results.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { describeRegression, isWithinTolerance, oppositeChangeNote, verdictWords } from '../../src/report/report-text.js';
import { summarizeRuns } from '../../src/run/aggregate.js';
import { useBrowser } from './browser.js';
import { abRun, comparedSweep } from './fixtures.js';

/** Issue 22 item 10: words that said `unchanged` of a real worsening, and a change column read against medians that move the other way. */

const { open } = useBrowser();

/** abRun()'s control, and one candidate whose throughput in round r is `factor(r)` times `control(r)`, judged at `tolerancePercent`. */
function oneCandidate(factor: (round: number) => number, tolerancePercent: number, control?: (round: number) => number): RunResult {
  const run = abRun();
  const suite = run.suites[0]!;
  const template = suite.cases[0]!;
  const tolerance = { ...template.regression![0]!, tolerancePercent };
  const rounds = template.rounds ?? [];
  const controlRuns = rounds.map((round, i) => ({ throughput: control?.(round) ?? template.runs[i]?.throughput ?? 0 }));
  const base: CaseResult = { ...template, ...summarizeRuns(controlRuns), runs: controlRuns, regression: [tolerance] };
  const runs = rounds.map((round, i) => ({ throughput: (controlRuns[i]?.throughput ?? 0) * factor(round) }));
  const candidate: CaseResult = {
    ...base,
    id: 'ab/bulk[server=head]',
    server: 'head',
    ...summarizeRuns(runs),
    runs,
    arm: { ...template.arm!, role: 'candidate', value: 'head' },
  };
  const judged = { ...candidate, regressions: judgeAgainstControl(base, candidate) };
  return { ...run, suites: [{ ...suite, cases: [base, { ...judged, status: statusOf(judged) }] }] };
}

/** 3.8% slower in every round (±0.1%): a real worsening, inside a 5% tolerance. */
const slightlySlower = (): RunResult => oneCandidate((round) => 0.962 * (1 + (((round * 7919) % 3) - 1) / 1000), 5);

/**
 * The control at 1 Gbit/s in rounds 1–5 and 2 Gbit/s in 6–9; the candidate 3× the control in rounds 1–2 and 1% below
 * it in the other seven: the Hodges–Lehmann estimate over the per-round ratios is −1% (28 of the 45 pairwise averages
 * are), yet the candidate's median (1.98 Gbit/s) is above the control's (1 Gbit/s).
 */
const medianAgainstRatios = (): RunResult =>
  oneCandidate(
    (round) => (round <= 2 ? 3 : 0.99),
    3,
    (round) => (round <= 5 ? 1e9 : 2e9),
  );

const outcomeOf = (run: RunResult): RegressionOutcome => run.suites[0]!.cases[1]!.regressions![0]!;

describe('a significant worsening inside the tolerance', () => {
  it('is unchanged in results.json, and "within tolerance (−3.80%)" in words', () => {
    const outcome = outcomeOf(slightlySlower());
    // the contract value stays
    expect(outcome).toMatchObject({ verdict: 'unchanged', passed: true });
    expect(outcome.p).toBeLessThanOrEqual(0.01);
    expect(isWithinTolerance(outcome)).toBe(true);
    expect(verdictWords(outcome)).toMatch(/^within tolerance \(−3\.\d\d%\)$/);
    // an unchanged verdict with nothing significant stays unchanged; an improvement stays improved
    const [, , same] = abRun().suites[0]!.cases;
    expect(verdictWords(same!.regressions![0]!)).toBe('unchanged');
    expect(verdictWords({ ...outcome, change: 0.038, improved: true })).toBe('improved');
    // a loss (percentage points, higher is worse) rising 0.21 points at p = 0.004 within 1 point
    const loss = comparedSweep()
      .suites[0]!.cases.find((c) => c.id === 'sweep/udp[send_size=8K]')!
      .regressions!.find((r) => r.metric === 'loss')!;
    expect(verdictWords(loss)).toBe('within tolerance (+0.21 pp)');
  });

  it('says so on the console: the candidate line and the baseline list, the change named once', () => {
    const run = slightlySlower();
    const line = formatCaseLine(run.suites[0]!.cases[1]!, 1, 2, { color: false }).split('\n')[1];
    expect(line).toMatch(
      /^ {4}server=head vs server=base: throughput within tolerance \(−3\.\d\d%\) \[−3\.\d\d%, −3\.\d\d%\] \(tolerance 5%\), p = 0\.002, 9 rounds$/,
    );
    expect(line).not.toContain('unchanged');
    const summary = formatComparisonSummary(comparedSweep(), { color: false });
    expect(summary).toMatch(
      /\n {2}✓ sweep\/udp\[send_size=8K\] loss {2}0\.21% → 0\.41% {2}within tolerance \(\+0\.21 pp\) \[\+0\.20 pp, \+0\.21 pp\] \(tolerance 1 pp\) {2}p = 0\.004/,
    );
    expect(describeRegression(outcomeOf(run))).toMatch(/^throughput within tolerance \(−3\.\d\d%\) \[−3\.\d\d%, −3\.\d\d%\] vs control /);
  });

  it("says so in report.md's comparison table, and its legend says what it means", () => {
    const md = renderMarkdown(slightlySlower());
    expect(md).toMatch(/\n\| ✅ within tolerance \(−3\.\d\d%\) \| `ab\/bulk\[server=head\]` \| throughput \| control `ab\/bulk\[server=base\]` \|/);
    expect(md).toContain('✅ within tolerance (its change): significantly worse, but by less than the tolerance');
    expect(renderMarkdown(comparedSweep())).toContain(
      '| ✅ within tolerance (+0.21 pp) | `sweep/udp[send_size=8K]` | loss | baseline | 0.21% | 0.41% | +0.21 pp [+0.20 pp, +0.21 pp] | 1 pp |',
    );
  });

  it("says so in report.html's comparison table, and under it what it means", { tags: ['browser'] }, async () => {
    const page = await open(renderHtml(slightlySlower()));
    const row = page.locator('table.comparison tbody tr');
    expect(await row.locator('td').first().innerText()).toMatch(/^within tolerance \(−3\.\d\d%\)$/);
    // results.json's verdict is the row's class still
    expect(await row.getAttribute('class')).toBe('unchanged');
    expect(await page.locator('p.meta', { hasText: 'significantly worse, but by less than the tolerance' }).count()).toBe(1);
    await page.close();
  });
});

describe('a change that moves the other way from the medians beside it', () => {
  it('says why, by where the change comes from, only where the two disagree', () => {
    const outcome = outcomeOf(medianAgainstRatios());
    expect(outcome.change).toBeCloseTo(-0.01, 6);
    expect(outcome.currentValue! / outcome.againstValue! - 1).toBeGreaterThan(0.9);
    expect(oppositeChangeNote(outcome)).toBe('the change is the Hodges–Lehmann estimate over the per-round ratios; the medians of all runs move the other way');
    const moved = { metric: 'throughput', change: -0.02, againstValue: 100e6, currentValue: 101e6 } as const;
    expect(oppositeChangeNote({ ...moved, source: 'baseline' })).toBe(
      'the change is the Hodges–Lehmann estimate over every pair of runs; the medians move the other way',
    );
    expect(oppositeChangeNote({ ...moved, source: 'history' })).toBe(
      'the change is against the geometric mean of the earlier medians; their median moves the other way',
    );
    // latency: higher is worse, the sign is the sign all the same
    expect(oppositeChangeNote({ source: 'control', metric: 'latency_p99', change: 0.05, againstValue: 60, currentValue: 55 })).toBeDefined();
    // agreeing, printing as no change, or medians that print alike: nothing to explain
    expect(oppositeChangeNote({ ...moved, source: 'baseline', currentValue: 99e6 })).toBeUndefined();
    expect(oppositeChangeNote({ ...moved, source: 'baseline', change: 0.00001 })).toBeUndefined();
    expect(oppositeChangeNote({ ...moved, source: 'baseline', currentValue: 100.01e6 })).toBeUndefined();
    expect(oppositeChangeNote({ ...moved, source: 'baseline', againstValue: null })).toBeUndefined();
    for (const c of abRun().suites[0]!.cases) for (const r of c.regressions ?? []) expect(oppositeChangeNote(r)).toBeUndefined();
  });

  it("puts the reason in the row: report.md's comparison table and its group table's Δ cell", () => {
    const md = renderMarkdown(medianAgainstRatios());
    const why = 'the change is the Hodges–Lehmann estimate over the per-round ratios; the medians of all runs move the other way';
    const row = md.split('\n').find((line) => line.includes('| `ab/bulk[server=head]` | throughput | control'));
    expect(row).toMatch(
      /\| 1 Gbit\/s \| 1\.98 Gbit\/s \| −1\.00% \[[^\]]*\] \(the change is the Hodges–Lehmann estimate over the per-round ratios; the medians of all runs move the other way\) \|/,
    );
    expect(md.split('\n').find((line) => line.startsWith('| ✅ | head |'))).toMatch(
      new RegExp(`^\\| ✅ \\| head \\| 1\\.98 ±[\\d.]+% \\| −1\\.00% \\(${why}\\) \\|`),
    );
  });

  it("puts the reason in the row: report.html's change cells, wrapped under the figure", { tags: ['browser'] }, async () => {
    const page = await open(renderHtml(medianAgainstRatios()));
    const why = 'the change is the Hodges–Lehmann estimate over the per-round ratios; the medians of all runs move the other way';
    const change = page.locator('table.comparison tbody tr td').nth(6);
    expect(await change.innerText()).toMatch(/^−1\.00% \[[^\]]*\]\n/);
    expect(await change.innerText()).toContain(`\n${why}`);
    const delta = page.locator('tr[data-case="ab/bulk[server=head]"] span.why');
    expect(await delta.innerText()).toBe(why);
    // wrapped, not one line pushing the table wide
    expect(await delta.evaluate((span) => span.getBoundingClientRect().height)).toBeGreaterThan(20);
    await page.close();
    // a row whose change agrees with its medians has no note
    const agreeing = await open(renderHtml(abRun()));
    expect(await agreeing.locator('span.why').count()).toBe(0);
    await agreeing.close();
  });

  it('says why on the console beside the medians', () => {
    const run = comparedSweep();
    const suite = run.suites[0]!;
    // the baseline's HL estimate at −2% against medians that rose
    const cases = suite.cases.map((c) =>
      c.id === 'sweep/rr[request_size=1,test=TCP_RR]'
        ? { ...c, regressions: c.regressions!.map((r) => ({ ...r, change: -0.02, currentValue: (r.againstValue ?? 0) * 1.01 })) }
        : c,
    );
    const text = formatComparisonSummary({ ...run, suites: [{ ...suite, cases }] }, { color: false });
    expect(text).toMatch(
      /\n {2}. sweep\/rr\[request_size=1,test=TCP_RR\] transaction_rate {2}17\.6k\/s → 17\.8k\/s {2}−2\.00% .* {2}\(the change is the Hodges–Lehmann estimate over every pair of runs; the medians move the other way\)\n/,
    );
  });
});
