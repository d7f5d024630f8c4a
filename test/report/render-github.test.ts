import { describe, expect, it } from 'vitest';
import { GROUP_END, groupStart, renderAnnotations } from '../../src/report/render-github.js';
import { noisyMetrics } from '../../src/report/noise.js';
import type { RunResult } from '../../src/model/results.js';
import { abRun, comparedSweep, recordedSweep, syntheticRun } from './fixtures.js';

describe('GitHub workflow commands', () => {
  it('annotates each failure at its threshold line, unmeasured cases first, paths relative to the checkout', () => {
    const text = renderAnnotations(recordedSweep(), { workspace: '/repo', cwd: '/repo' });
    expect(text.split('\n')).toEqual([
      '::error file=test/fixtures/results/sweep.yml,line=34,title=perfsuite%3A sweep/unreachable could not be measured::could not be measured: no-netserver: cannot reach the netserver of sweep/gone at 127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); start it there (netserver -p 1) or fix host/control_port',
      '::error file=test/fixtures/results/sweep.yml,line=33,title=perfsuite%3A sweep/rr[request_size=1%2Ctest=UDP_RR] missed a threshold::transaction_rate was 16.9k/s, expected > 1000000/s',
      '::error file=test/fixtures/results/sweep.yml,line=33,title=perfsuite%3A sweep/rr[request_size=1K%2Ctest=UDP_RR] missed a threshold::transaction_rate was 17.2k/s, expected > 1000000/s',
      '::error file=test/fixtures/results/sweep.yml,line=25,title=perfsuite%3A sweep/udp[send_size=8K] missed a threshold::throughput was 18.1 Gbit/s, expected >= 1000 Gbit/s',
      '',
    ]);
  });

  it('resolves suite paths from where perfsuite ran to the repository root', () => {
    const text = renderAnnotations(recordedSweep(), { workspace: '/repo', cwd: '/repo/perf' });
    expect(text).toContain('::error file=perf/test/fixtures/results/sweep.yml,line=25,');
  });

  it('counts the rest in the singular where there is one of a kind', () => {
    // 510 cases: 10 unmeasured (every 51st), so one of them is left for the counting annotation
    const run = syntheticRun(510);
    const failures = run.suites[0]!.cases.filter((c) => c.status !== 'pass');
    const last = renderAnnotations(run, { workspace: '/w', cwd: '/w' }).trimEnd().split('\n').at(-1);
    expect(last).toBe(
      `::error title=perfsuite%3A ${failures.length - 9} more failures::${failures.length - 10} more missed thresholds, 1 more case that could not be measured; GitHub shows only 10 annotations per step. Every failure is in the job summary and in junit.xml.`,
    );
  });

  it('emits at most 10 annotations: the 9 most important and one that counts the rest', () => {
    const run = syntheticRun(500);
    const failures = run.suites[0]!.cases.filter((c) => c.status !== 'pass');
    const lines = renderAnnotations(run, { workspace: '/w', cwd: '/w' }).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    // the nine unmeasured cases outrank every missed threshold
    expect(lines.slice(0, 9).every((line) => line.includes('could not be measured::'))).toBe(true);
    expect(lines[9]).toBe(
      `::error title=perfsuite%3A ${failures.length - 9} more failures::${failures.length - 9} more missed thresholds; GitHub shows only 10 annotations per step. Every failure is in the job summary and in junit.xml.`,
    );
  });

  it('escapes newlines and percent signs so a message cannot end the command early', () => {
    const run = recordedSweep();
    const unreachable = run.suites[0]!.cases.at(-1)!;
    const odd: RunResult = {
      ...run,
      suites: [{ ...run.suites[0]!, cases: [{ ...unreachable, error: { kind: 'netperf-failed', message: '100% broken\n::error::injected' } }] }],
    };
    expect(renderAnnotations(odd, { workspace: '/repo', cwd: '/repo' })).toContain(
      '::could not be measured: netperf-failed: 100%25 broken%0A::error::injected\n',
    );
    expect(groupStart('a\nb')).toBe('::group::a%0Ab\n');
    expect(GROUP_END).toBe('::endgroup::\n');
  });

  it('warns, at its regression: line, of a case whose runs spread more than half its tolerance', () => {
    const lines = renderAnnotations(comparedSweep(), { workspace: '/repo', cwd: '/repo' })
      .trimEnd()
      .split('\n')
      .filter((line) => line.includes(' too noisy::'));
    // UDP_RR transaction_rate ±4.0% and ±6.5% run to run against a 5% tolerance, both inconclusive; bulk's ±6.2% is
    // not flagged: its comparison decided (regressed, p = 0.004), so the noise did not stop it
    expect(lines).toEqual([
      '::warning file=test/fixtures/results/sweep.yml,line=29,title=perfsuite%3A sweep/rr[request_size=1%2Ctest=UDP_RR] too noisy::sweep/rr[request_size=1,test=UDP_RR]: transaction_rate varies ±4.0%25 from run to run (standard deviation over mean), more than half its 5%25 regression tolerance, so a change of that size hides in the noise; raise repeat, compare against a control in the same run (compare:), or widen the tolerance',
      '::warning file=test/fixtures/results/sweep.yml,line=29,title=perfsuite%3A sweep/rr[request_size=1K%2Ctest=UDP_RR] too noisy::sweep/rr[request_size=1K,test=UDP_RR]: transaction_rate varies ±6.5%25 from run to run (standard deviation over mean), more than half its 5%25 regression tolerance, so a change of that size hides in the noise; raise repeat, compare against a control in the same run (compare:), or widen the tolerance',
    ]);
    const [first] = comparedSweep().suites[0]?.cases.filter((c) => c.id === 'sweep/rr[request_size=1,test=UDP_RR]') ?? [];
    expect(noisyMetrics({ ...first!, regression: (first!.regression ?? []).map((t) => ({ ...t, tolerancePercent: 10 })) })).toEqual([]);
  });

  it('annotates a regression at its regression: line, and an inconclusive comparison as a warning there', () => {
    const all = renderAnnotations(comparedSweep(), { workspace: '/repo', cwd: '/repo' }).trimEnd().split('\n');
    const lines = all.filter((line) => !line.includes(' too noisy::'));
    // the bulk group moved −16.7% as one: one annotation for its 6 regressions; then the unmeasured case, 3 missed
    // thresholds, and the 2 inconclusive comparisons (and, after them, the cases too noisy for their tolerance)
    expect(lines.map((line) => line.slice(0, line.indexOf(' ')))).toEqual([...Array<string>(5).fill('::error'), '::warning', '::warning']);
    expect(all.slice(lines.length).every((line) => line.startsWith('::warning ') && line.includes(' too noisy::'))).toBe(true);
    expect(lines[0]).toBe(
      '::error file=test/fixtures/results/sweep.yml,line=17,title=perfsuite%3A group sweep/bulk moved as one::the whole group sweep/bulk moved −16.7%25 in throughput against the baseline (6 of 6 compared cases together): one cause hit every case alike, most often the machine or the setup; check the differences listed with the baseline before the code',
    );
    expect(lines.filter((line) => line.includes('sweep/bulk['))).toEqual([]);
    expect(lines.at(-1)).toBe(
      '::warning file=test/fixtures/results/sweep.yml,line=29,title=perfsuite%3A sweep/rr[request_size=1K%2Ctest=UDP_RR] transaction_rate inconclusive::transaction_rate inconclusive −7.41%25 [−18.4%25, +5.07%25] vs baseline (18.6k/s → 17.2k/s, tolerance 5%25; p = 0.111, 5 vs 5 runs (one-sided Mann–Whitney U, α = 0.01); the noise is too large to tell a drop of more than 5%25 from none with 5 runs per side; about 15 runs per side would likely decide it (repeat: 15 in both runs))',
    );
    // unchanged, improved and not compared metrics say nothing
    expect(lines.filter((line) => /unchanged|improved|not compared/.test(line))).toEqual([]);
  });

  it('makes an inconclusive comparison an error under --fail-on-inconclusive, and says so', () => {
    const run = comparedSweep();
    const strict: RunResult = {
      ...run,
      failOnInconclusive: true,
      suites: run.suites.map((s) => ({
        ...s,
        // without the regressed bulk group, so every failure gets its own annotation
        cases: s.cases
          .filter((c) => c.group !== 'bulk')
          .map((c) => ({ ...c, regressions: (c.regressions ?? []).map((r) => (r.verdict === 'inconclusive' ? { ...r, passed: false } : r)) })),
      })),
    };
    const lines = renderAnnotations(strict, { workspace: '/repo', cwd: '/repo' }).trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('::warning') && !line.includes(' too noisy::'))).toEqual([]);
    expect(lines.filter((line) => !line.includes(' too noisy::'))).toHaveLength(6);
    expect(lines.filter((line) => !line.includes(' too noisy::')).at(-1)).toMatch(
      /^::error file=test\/fixtures\/results\/sweep\.yml,line=29,title=perfsuite%3A sweep\/rr\[request_size=1%2Ctest=UDP_RR\] transaction_rate stayed inconclusive \(--fail-on-inconclusive\)::transaction_rate inconclusive \+0\.00%25 /,
    );
  });

  it('annotates a candidate that regressed against its control, and warns of one still inconclusive', () => {
    const lines = renderAnnotations(abRun(), { workspace: '/repo', cwd: '/repo' }).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^::error file=suites\/ab\.yml,line=14,title=perfsuite%3A ab\/bulk\[server=head\] regressed::throughput regressed −5\.00%25 \[−5\.10%25, −4\.86%25\] vs control ab\/bulk\[server=base\] /,
    );
    expect(lines[1]).toMatch(
      /^::warning file=suites\/ab\.yml,line=14,title=perfsuite%3A ab\/bulk\[server=noisy\] throughput inconclusive::throughput inconclusive \+0\.88%25 /,
    );
    // and why: its ratio to the control swings more than half the tolerance
    expect(lines[2]).toMatch(
      /^::warning file=suites\/ab\.yml,line=14,title=perfsuite%3A ab\/bulk\[server=noisy\] too noisy::ab\/bulk\[server=noisy\]: throughput's ratio to the control varies ±6\.8%25 from round to round/,
    );
  });

  it('says nothing when every case passed', () => {
    const run = recordedSweep();
    const passed: RunResult = { ...run, suites: [{ ...run.suites[0]!, cases: run.suites[0]!.cases.filter((c) => c.status === 'pass') }] };
    expect(renderAnnotations(passed, { workspace: '/repo', cwd: '/repo' })).toBe('');
  });
});
