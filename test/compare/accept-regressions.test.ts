import { acceptanceNote } from '../../src/report/report-text.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AcceptContext, acceptanceState, acceptStored, acceptedCommits } from '../../src/compare/accept-regressions.js';
import type { AcceptEntry, CaseResult, RegressionOutcome, RunResult } from '../../src/model/results.js';
import { perfsuiteInProcess, tempDir } from '../helpers.js';
import { abRun, sweepAndBaseline } from '../report/fixtures.js';
import { renderAnnotations } from '../../src/report/render-github.js';

const entry = (until: string, extra: Partial<AcceptEntry> = {}): AcceptEntry => ({
  metric: 'throughput',
  reason: 'fairness (#123)',
  until,
  file: 's.yml',
  line: 9,
  ...extra,
});
const context = (today: string, commits: AcceptContext['commits'] = new Map()): AcceptContext => ({ today, commits });

function outcome(verdict: RegressionOutcome['verdict'], metric: RegressionOutcome['metric'] = 'throughput'): RegressionOutcome {
  return {
    source: 'control',
    against: 's/g[server=base]',
    metric,
    verdict,
    passed: verdict !== 'regressed',
    change: -0.1,
    againstValue: 100,
    currentValue: 90,
    againstRuns: [100],
    currentRuns: [90],
    tolerance: 0.02,
    file: 's.yml',
    line: 7,
  };
}

function judged(regressions: readonly RegressionOutcome[], accept: readonly AcceptEntry[]): CaseResult {
  return {
    id: 's/g[server=head]',
    group: 'g',
    server: 'head',
    params: {},
    file: 's.yml',
    line: 3,
    status: regressions.some((r) => !r.passed) ? 'fail' : 'pass',
    metrics: {},
    runs: [],
    spread: {},
    thresholds: [],
    regressions,
    accept,
    retries: 0,
    durationSeconds: 1,
    netperf: [],
  };
}

describe('an accept: entry on a regression', () => {
  it('holds through its day (UTC) and expires the day after, saying on which day', () => {
    expect(acceptanceState(entry('2027-01-31'), context('2027-01-31'))).toEqual({ state: 'in-force' });
    expect(acceptanceState(entry('2027-01-31'), context('2027-02-01'))).toEqual({ state: 'expired', why: 'expired on 2027-01-31' });
  });

  it('holds until its commit lands, and cannot be told without git saying so', () => {
    const commits = new Map([
      ['aaaaaaa', { landed: false }],
      ['bbbbbbb', { landed: true }],
      ['ccccccc', { unknown: 'commit ccccccc is not in this clone, which is shallow' }],
      ['ddddddd', { landed: false, absent: true }],
    ]);
    expect(acceptanceState(entry('aaaaaaa'), context('2027-01-01', commits))).toEqual({ state: 'in-force' });
    expect(acceptanceState(entry('bbbbbbb'), context('2027-01-01', commits))).toEqual({
      state: 'expired',
      why: "expired when commit bbbbbbb landed (it is an ancestor of this run's commit)",
    });
    expect(acceptanceState(entry('ccccccc'), context('2027-01-01', commits))).toEqual({
      state: 'unverifiable',
      why: 'commit ccccccc is not in this clone, which is shallow',
    });
    // a commit a full clone lacks holds, but says it may never land
    expect(acceptanceState(entry('ddddddd'), context('2027-01-01', commits))).toEqual({
      state: 'in-force',
      why: 'commit ddddddd is not in this repository at all: a mistyped hash, or one a squash merge rewrote, never lands, so check until:',
    });
    expect(acceptanceNote({ acceptance: { ...entry('ddddddd'), state: 'in-force', why: 'x' } })).toMatch(/^accepted until commit ddddddd lands: .*; but x$/);
    expect(acceptedCommits(['2027-01-31', 'aaaaaaa', 'aaaaaaa', 'bbbbbbb'])).toEqual(['aaaaaaa', 'bbbbbbb']);
  });

  it('makes a covered regression accepted and the case pass; leaves other metrics and verdicts alone', () => {
    const c = judged([outcome('regressed'), outcome('regressed', 'latency_p99'), outcome('unchanged', 'transaction_rate')], [entry('2027-01-31')]);
    const result = acceptStored(c, context('2027-01-01'));
    expect(result.regressions?.map((r) => [r.metric, r.verdict, r.passed])).toEqual([
      ['throughput', 'accepted', true],
      ['latency_p99', 'regressed', false],
      ['transaction_rate', 'unchanged', true],
    ]);
    expect(result.regressions?.[0]?.acceptance).toEqual({ reason: 'fairness (#123)', until: '2027-01-31', file: 's.yml', line: 9, state: 'in-force' });
    expect(result.status).toBe('fail');
    expect(acceptStored(judged([outcome('regressed')], [entry('2027-01-31')]), context('2027-01-01')).status).toBe('pass');
  });

  it('fails an expired one again with the acceptance beside it, prefers an entry in force, and changes nothing when applied twice', () => {
    const expired = acceptStored(judged([outcome('regressed')], [entry('2026-12-31')]), context('2027-01-01'));
    expect(expired.status).toBe('fail');
    expect(expired.regressions?.[0]).toMatchObject({ verdict: 'regressed', passed: false, acceptance: { state: 'expired', why: 'expired on 2026-12-31' } });
    expect(acceptStored(expired, context('2026-01-01'))).toEqual(expired);
    const both = acceptStored(judged([outcome('regressed')], [entry('2026-12-31'), entry('2027-06-30', { reason: 'extended' })]), context('2027-01-01'));
    expect(both.regressions?.[0]).toMatchObject({ verdict: 'accepted', acceptance: { reason: 'extended', state: 'in-force' } });
  });
});

describe('perfsuite compare with accept: entries in the results', () => {
  it('accepts again the regressions the results accept, judged on the day the run started', async () => {
    const { current, baseline } = sweepAndBaseline();
    const accept = (until: string) => [{ metric: 'throughput' as const, reason: 'known cost (#7)', until, file: 'sweep.yml', line: 20 }];
    const withAccept = (until: string): RunResult => ({
      ...current,
      startedAt: '2026-06-01T12:00:00.000Z',
      suites: current.suites.map((s) => ({ ...s, cases: s.cases.map((c) => (c.group === 'bulk' ? { ...c, accept: accept(until) } : c)) })),
    });
    const dir = tempDir('accept-compare');
    writeFileSync(path.join(dir, 'baseline.json'), JSON.stringify(baseline));
    const verdicts = async (until: string): Promise<string[]> => {
      writeFileSync(path.join(dir, 'current.json'), JSON.stringify(withAccept(until)));
      const out = path.join(dir, `out-${until}`);
      await perfsuiteInProcess(['compare', 'baseline.json', 'current.json', '--out', out, '--reporter', 'json'], { cwd: dir });
      const judged = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
      return judged.suites[0]?.cases.filter((c) => c.group === 'bulk').map((c) => c.regressions?.[0]?.verdict ?? '') ?? [];
    };
    // the day the run started is the last one accepted; the day before it is past
    expect(await verdicts('2026-06-01')).toEqual(Array(6).fill('accepted'));
    expect(await verdicts('2026-05-31')).toEqual(Array(6).fill('regressed'));
  });
});

describe('an accepted regression on GitHub', () => {
  it('is a ::notice at its accept: entry, with the reason, and no ::error', () => {
    const run = abRun();
    const accept = [{ metric: 'throughput' as const, reason: 'slower by design (#9)', until: '2999-12-31', file: 'suites/ab.yml', line: 16 }];
    const accepted: RunResult = {
      ...run,
      suites: run.suites.map((s) => ({ ...s, cases: s.cases.map((c) => acceptStored({ ...c, accept }, context('2026-01-02'))) })),
    };
    const lines = renderAnnotations(accepted, { workspace: '/repo', cwd: '/repo' }).trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('::error'))).toEqual([]);
    const notice = lines.find((line) => line.startsWith('::notice'));
    expect(notice).toMatch(
      /^::notice file=suites\/ab\.yml,line=16,title=perfsuite%3A ab\/bulk\[server=head\] throughput regression accepted::throughput accepted −/,
    );
    expect(notice).toContain('accepted until 2999-12-31: slower by design (#9) (suites/ab.yml:16)');
  });
});
