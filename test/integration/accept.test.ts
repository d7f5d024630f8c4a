// @module-tag slow
// @module-tag root
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import type { RunResult } from '../../src/model/results.js';
import { projectRoot, schemaErrors, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const fixture = 'test/fixtures/suites/valid/ab-accept.yml';
const unavailable = await netnsUnavailable();
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };
const REASON = 'the new queue discipline costs 10% for fairness (decision #123)';

function perfsuite(args: readonly string[], cwd = projectRoot) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
}

/** A/B of a 90 Mbit/s arm against a 100 Mbit/s control (tolerance 2%), its regression accepted until `until`. */
function abRun(until: string, suite = fixture, cwd = projectRoot) {
  const dir = tempDir('accept');
  const result = perfsuite(['run', suite, '--out', dir, '--var', `ACCEPT_UNTIL=${until}`, '--seed', '11'], cwd);
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
  const read = (file: string): string => readFileSync(path.join(dir, file), 'utf8');
  return { ...result, dir, results, candidate: results.suites[0]?.cases[1], read };
}

describe.skipIf(unavailable !== undefined)(`accepted regressions in a shaped A/B${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  it('passes a regression accepted until a day to come: verdict accepted, its reason in every report, exit 0', () => {
    const { status, stdout, stderr, candidate, read, dir } = abRun('2999-12-31');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(candidate?.status).toBe('pass');
    expect(candidate?.regressions?.[0]).toMatchObject({
      verdict: 'accepted',
      passed: true,
      acceptance: { reason: REASON, until: '2999-12-31', state: 'in-force', line: 18 },
    });
    expect(candidate?.regressions?.[0]?.change).toBeLessThan(-0.05);
    const note = `accepted until 2999-12-31: ${REASON} (test/fixtures/suites/valid/ab-accept.yml:18)`;
    expect(stdout).toMatch(/server=head vs server=base: throughput −\d+\.\d+% \[[^\]]*\] accepted \(tolerance 2%\)/);
    expect(stdout).toContain(`~ ${note}`);
    expect(stdout).toMatch(/2 cases: 2 passed, 0 failed, 0 could not be measured, 1 regression accepted in/);
    const markdown = read('report.md');
    expect(markdown).toContain('perfsuite: all 2 cases passed; 1 regression accepted (accept: in the suite)');
    expect(markdown).toContain(`| ☑️ accepted | \`ab-accept/bulk[server=head]\` |`);
    expect(markdown).toContain(note);
    expect(read('report.html')).toContain(`accepted until 2999-12-31: ${REASON}`);
    const junit = read('junit.xml');
    expect(junit).toContain(`<property name="accepted.throughput" value="${note}"/>`);
    expect(junit).not.toContain('<failure');
    expect(schemaErrors(junit)).toBe('');
    // the results file, with its fifth verdict, is read back by report as it is
    const again = perfsuite(['report', path.join(dir, 'results.json'), '--out', tempDir('accept-report')]);
    expect([again.status, again.stderr]).toEqual([0, '']);
  });

  it('fails it again once the day has passed, saying the acceptance expired on that day (exit 1)', () => {
    const { status, stdout, candidate, read } = abRun('2020-01-31');
    expect(status).toBe(1);
    expect(candidate?.status).toBe('fail');
    expect(candidate?.regressions?.[0]).toMatchObject({
      verdict: 'regressed',
      passed: false,
      acceptance: { until: '2020-01-31', state: 'expired', why: 'expired on 2020-01-31' },
    });
    const expired = `the acceptance expired on 2020-01-31, so it fails again: ${REASON} (test/fixtures/suites/valid/ab-accept.yml:18); fix the regression, or extend until:`;
    expect(stdout).toContain(`✗ ${expired}`);
    expect(read('report.md')).toContain(expired);
    expect(read('junit.xml')).toMatch(new RegExp(`<failure message="throughput regressed [^"]*; the acceptance expired on 2020-01-31, so it fails again`));
  });

  it('fails it again once the commit it waits for is in the run’s history', () => {
    // the suite in a git repository of its own, waiting for the commit the run is made from
    const repo = tempDir('accept-git');
    copyFileSync(path.join(projectRoot, fixture), path.join(repo, 'ab-accept.yml'));
    const git = (...args: string[]) =>
      spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { encoding: 'utf8' }).stdout.trim();
    git('init', '-q');
    git('add', 'ab-accept.yml');
    git('commit', '-q', '-m', 'suite');
    const head = git('rev-parse', 'HEAD');
    const { status, candidate, results } = abRun(head.slice(0, 12), 'ab-accept.yml', repo);
    expect(results.provenance?.commit).toBe(head);
    expect(status).toBe(1);
    expect(candidate?.regressions?.[0]).toMatchObject({
      verdict: 'regressed',
      acceptance: { state: 'expired', why: `expired when commit ${head.slice(0, 12)} landed (it is an ancestor of this run's commit)` },
    });
  });
});
