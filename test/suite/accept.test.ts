import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteText } from '../../src/suite/load-suite.js';
import { pastAcceptances } from '../../src/suite/accept-warnings.js';
import { formatDiagnostic, sortDiagnostics } from '../../src/model/diagnostics.js';
import { perfsuiteInProcess, tempDir } from '../helpers.js';

const GROUP = [
  'version: 1',
  'name: acc',
  'tests:',
  '  - name: bulk',
  '    test: TCP_STREAM',
  '    matrix: { send_size: [16K, 64K] }',
  '    regression: { throughput: 5% }',
  '    accept:',
];

function load(acceptLines: readonly string[]) {
  const loaded = loadSuiteText([...GROUP, ...acceptLines].join('\n'), { file: 'acc.yml', lookupVariable: () => undefined });
  return { suite: loaded.suite, problems: sortDiagnostics(loaded.diagnostics).map(formatDiagnostic) };
}

describe('accept: on a group', () => {
  it('builds each entry with its reason, its end (a day or a commit) and its line', () => {
    const { suite, problems } = load([
      '      - { metric: throughput, reason: "fairness costs 10% (#123)", until: 2027-01-31 }',
      '      - { metric: throughput, when: { send_size: 64K }, reason: fixed upstream, until: ABCDEF1 }',
    ]);
    expect(problems).toEqual([]);
    expect(suite?.groups[0]?.accept).toEqual([
      { metric: 'throughput', reason: 'fairness costs 10% (#123)', until: { date: '2027-01-31' }, loc: { file: 'acc.yml', line: 9, col: 9 } },
      {
        metric: 'throughput',
        when: { send_size: [65536] },
        reason: 'fixed upstream',
        until: { commit: 'abcdef1' },
        loc: { file: 'acc.yml', line: 10, col: 9 },
      },
    ]);
  });

  it('refuses an entry without a reason or an end, a day that does not exist, and a metric the group does not judge: all at once, with lines', () => {
    const { problems } = load([
      '      - { metric: throughput, until: 2027-01-31 }',
      '      - { metric: throughput, reason: r }',
      '      - { metric: throughput, reason: r, until: 2027-02-30 }',
      '      - { metric: latency_p99, reason: r, until: 2027-01-31 }',
      '      - { metric: throughput, reason: r, until: next week }',
    ]);
    expect(problems).toHaveLength(5);
    expect(problems.slice(0, 2)).toEqual([
      "acc.yml:9:9: accept[0] of group 'bulk' is missing the required key 'reason'",
      "acc.yml:10:9: accept[1] of group 'bulk' is missing the required key 'until'",
    ]);
    expect(problems[2]).toBe(
      "acc.yml:11:49: accept until: '2027-02-30' is not a day of the calendar; write the last day the regression is accepted as YYYY-MM-DD, like 2027-01-31",
    );
    expect(problems[3]).toBe(
      'acc.yml:12:19: accept: latency_p99 has no regression: tolerance in this group, so there is no regression of it to accept (the group judges throughput); accept one of the judged metrics, or add regression: { latency_p99: 5% }',
    );
    expect(problems[4]).toBe(
      "acc.yml:13:49: 'next week' is not valid for until; write the last day the regression is accepted, like 2027-01-31, or the hash of the commit that fixes it (7 to 40 hex digits): it is accepted until that commit is in the run's history",
    );
  });

  it('gives each case the entries whose when selects it', async () => {
    const { compileSuites } = await import('../../src/suite/load-suite.js');
    const { suite } = load([
      '      - { metric: throughput, reason: all, until: 2027-01-31 }',
      '      - { metric: throughput, when: { send_size: 64K }, reason: big only, until: 2027-01-31 }',
    ]);
    const { cases } = compileSuites(suite === undefined ? [] : [suite]);
    expect(cases.map((c) => [c.id, c.accept.map((a) => a.reason)])).toEqual([
      ['acc/bulk[send_size=16K]', ['all']],
      ['acc/bulk[send_size=64K]', ['all', 'big only']],
    ]);
  });

  it('names a day already past as a warning, not an error (through the day itself, UTC)', () => {
    const { suite } = load(['      - { metric: throughput, reason: why, until: 2027-01-31 }']);
    const suites = suite === undefined ? [] : [suite];
    expect(pastAcceptances(suites, '2027-01-31')).toEqual([]);
    expect(pastAcceptances(suites, '2027-02-01').map(formatDiagnostic)).toEqual([
      "acc.yml:9:9: accept throughput in group 'bulk' ended on 2027-01-31: a regression of throughput fails again; fix it, or move until: to a later day if the team still accepts it (why)",
    ]);
  });
});

describe('perfsuite validate with an accept: entry', () => {
  const dir = tempDir('accept-validate');
  const write = (name: string, until: string): string => {
    // repeat: 5, so that no warning but the acceptance's is due (fewer runs cannot decide a baseline comparison)
    writeFileSync(path.join(dir, name), `${[...GROUP, `      - { metric: throughput, reason: why, until: ${until} }`, '    repeat: 5'].join('\n')}\n`);
    return name;
  };
  const perfsuite = (args: readonly string[]) => perfsuiteInProcess(args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });

  it('passes a past day with a warning on stderr (exit 0), and a future one silently', async () => {
    const past = await perfsuite(['validate', write('past.yml', '2020-01-31')]);
    expect(past.status).toBe(0);
    expect(past.stdout).toBe("ok past.yml: suite 'acc', 1 group, 2 cases\n");
    expect(past.stderr).toBe(
      "past.yml:9:9: warning: accept throughput in group 'bulk' ended on 2020-01-31: a regression of throughput fails again; fix it, or move until: to a later day if the team still accepts it (why)\n",
    );
    const future = await perfsuite(['validate', write('future.yml', '2999-12-31')]);
    expect([future.status, future.stderr]).toEqual([0, '']);
  });
});
