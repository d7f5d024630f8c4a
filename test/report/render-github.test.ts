import { describe, expect, it } from 'vitest';
import { GROUP_END, groupStart, renderAnnotations } from '../../src/report/render-github.js';
import type { RunResult } from '../../src/model/results.js';
import { comparedSweep, recordedSweep, syntheticRun } from './fixtures.js';

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
    const odd: RunResult = { ...run, suites: [{ ...run.suites[0]!, cases: [{ ...unreachable, error: { kind: 'netperf-failed', message: '100% broken\n::error::injected' } }] }] };
    expect(renderAnnotations(odd, { workspace: '/repo', cwd: '/repo' })).toContain('::could not be measured: netperf-failed: 100%25 broken%0A::error::injected\n');
    expect(groupStart('a\nb')).toBe('::group::a%0Ab\n');
    expect(GROUP_END).toBe('::endgroup::\n');
  });

  it('annotates a regression at its regression: line', () => {
    const lines = renderAnnotations(comparedSweep(), { workspace: '/repo', cwd: '/repo' }).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines).toContain(
      '::error file=test/fixtures/results/sweep.yml,line=17,title=perfsuite%3A sweep/bulk[nodelay=false%2Csend_size=1K] regressed::throughput regressed −16.7%25 vs baseline (12.8 Gbit/s → 10.7 Gbit/s, tolerance 5%25; judged on the tolerance alone: too few runs for the test (smallest possible p with 2 vs 2 is 0.17 > 0.01); repeat: 5 or more enables it)',
    );
  });

  it('says nothing when every case passed', () => {
    const run = recordedSweep();
    const passed: RunResult = { ...run, suites: [{ ...run.suites[0]!, cases: run.suites[0]!.cases.filter((c) => c.status === 'pass') }] };
    expect(renderAnnotations(passed, { workspace: '/repo', cwd: '/repo' })).toBe('');
  });
});
