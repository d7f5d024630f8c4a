import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../src/model/results.js';
import { describeNoise, noisyMetrics, noiseTag } from '../../src/report/noise.js';
import { renderAnnotations } from '../../src/report/render-github.js';
import { cvPercent } from '../../src/stats/summary.js';
import { abRun, comparedSweep } from './fixtures.js';

const casesOf = (run: ReturnType<typeof abRun>): CaseResult[] => run.suites.flatMap((s) => s.cases);

describe('too noisy for the tolerance (docs/judging.md: the spread of the statistic that was judged)', () => {
  it("judges a compare: candidate by its per-round ratios to the control, not by its own runs' spread; the control not at all", () => {
    const cases = casesOf(abRun());
    const byServer = new Map(cases.map((c) => [c.server, c]));
    // base is the control; head and same move with it round by round: their ratios hold within ±0.3% against 3%
    for (const server of ['base', 'head', 'same']) expect(noisyMetrics(byServer.get(server)!), server).toEqual([]);
    const noisy = byServer.get('noisy')!;
    const ratios = noisy.runs.map((r, i) => (r.throughput ?? 0) / (byServer.get('base')!.runs[i]?.throughput ?? 1));
    const [flag] = noisyMetrics(noisy);
    expect(flag).toMatchObject({ metric: 'throughput', paired: true, tolerancePercent: 3, file: 'suites/ab.yml', line: 14 });
    expect(flag?.spreadPercent).toBeCloseTo(cvPercent(ratios), 9);
    expect(noiseTag(flag!)).toMatch(/^throughput too noisy for a 3% tolerance \(±6\.\d% round to round, against the control, more than half of it\)$/);
    expect(describeNoise(flag!)).toContain("throughput's ratio to the control varies ±6.");
  });

  it('does not flag a candidate whose runs swing widely when its control swings with it', () => {
    const cases = casesOf(abRun());
    const control = cases.find((c) => c.arm?.role === 'control')!;
    const swing = [1.3, 0.7, 1.2, 0.8, 1.25, 0.75, 1.1, 0.9, 1];
    const swung = (c: CaseResult): CaseResult => ({ ...c, runs: c.runs.map((r, i) => ({ throughput: (r.throughput ?? 0) * (swing[i] ?? 1) })) });
    const head = swung(cases.find((c) => c.server === 'head')!);
    // the runs alone spread ±20%, far past 3%; the regression outcome pairs them with the control's, which swung alike
    const outcome = head.regressions?.[0];
    const regressions =
      outcome === undefined
        ? []
        : [{ ...outcome, againstRuns: swung(control).runs.map((r) => r.throughput ?? 0), currentRuns: head.runs.map((r) => r.throughput ?? 0) }];
    expect(cvPercent(head.runs.map((r) => r.throughput ?? 0))).toBeGreaterThan(15);
    expect(noisyMetrics({ ...head, regressions })).toEqual([]);
  });

  it("flags an arm judged against a baseline by its runs' spread, the control too", () => {
    const control = casesOf(abRun()).find((c) => c.arm?.role === 'control')!;
    const swing = [1.3, 0.7, 1.2, 0.8, 1.25, 0.75, 1.1, 0.9, 1];
    const runs = control.runs.map((r, i) => ({ throughput: (r.throughput ?? 0) * (swing[i] ?? 1) }));
    const spread = { throughput: { min: 0, max: 0, cvPercent: cvPercent(runs.map((r) => r.throughput)) } };
    // alone, nothing judges a control's runs; against a baseline, the Mann–Whitney verdict does
    expect(noisyMetrics({ ...control, runs, spread })).toEqual([]);
    const baseline = {
      ...control.regression![0]!,
      source: 'baseline' as const,
      against: 'baseline.json',
      verdict: 'inconclusive' as const,
      change: 0,
      againstValue: 1,
      currentValue: 1,
      againstRuns: [1, 1],
      currentRuns: [1, 1],
      tolerance: 0.03,
      passed: true,
    };
    const [flag] = noisyMetrics({ ...control, runs, spread, regressions: [baseline] });
    expect(flag).toMatchObject({ metric: 'throughput', paired: false });
    expect(flag?.spreadPercent).toBeGreaterThan(15);
  });

  it('flags no metric whose comparison decided: regressed or unchanged, the noise did not stop it', () => {
    const bulk = comparedSweep().suites[0]!.cases.find((c) => c.id === 'sweep/bulk[nodelay=true,send_size=64K]')!;
    expect(bulk.regressions?.map((r) => r.verdict)).toEqual(['regressed']);
    expect(bulk.spread['throughput']?.cvPercent).toBeGreaterThan(2.5);
    expect(noisyMetrics(bulk)).toEqual([]);
    // the same runs before any comparison: flagged, since a gate on them would be
    expect(noisyMetrics({ ...bulk, regressions: [] }).map((f) => f.metric)).toEqual(['throughput']);
  });

  it('flags no case that could not be measured', () => {
    const noisy = comparedSweep().suites[0]!.cases.find((c) => noisyMetrics(c).length > 0)!;
    expect(noisyMetrics({ ...noisy, status: 'error' })).toEqual([]);
  });

  it("counts the too-noisy warnings with the others against GitHub's 10, and says how many it left out", () => {
    const run = comparedSweep();
    const suite = run.suites[0]!;
    const noisy = suite.cases.filter((c) => noisyMetrics(c).length > 0);
    // 12 copies of the 2 noisy cases under other ids: 26 too-noisy warnings and 2 inconclusive ones, of which 8 fit
    // with the counting line (GitHub shows 10 a step, one is left to the step's own)
    const copies = Array.from({ length: 12 }, (_, k) => noisy.map((c) => ({ ...c, id: `${c.id}#${k}`, regressions: [] }))).flat();
    const lines = renderAnnotations({ ...run, suites: [{ ...suite, cases: [...suite.cases, ...copies] }] }, { workspace: '/repo', cwd: '/repo' })
      .trimEnd()
      .split('\n');
    const warnings = lines.filter((line) => line.startsWith('::warning'));
    expect(warnings).toHaveLength(9);
    expect(warnings.at(-1)).toBe(
      '::warning title=perfsuite%3A 20 more warnings::20 metrics too noisy for their tolerances; GitHub shows only 10 warnings per step. Every one is in the job summary.',
    );
  });
});
