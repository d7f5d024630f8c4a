// @module-tag slow
// @module-tag root
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import type { RunResult } from '../../src/model/results.js';
import { projectRoot, schemaErrors, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const suite = 'test/fixtures/suites/valid/ab-shaped.yml';
const unavailable = await netnsUnavailable();
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };

function abRun(headRate: string, ...extra: string[]) {
  const dir = tempDir('ab');
  const result = spawnSync(process.execPath, [bin, 'run', suite, '--out', dir, '--var', `HEAD_RATE=${headRate}`, '--seed', '11', ...extra], {
    cwd: projectRoot,
    encoding: 'utf8',
    env,
  });
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
  return { ...result, dir, results, cases: results.suites[0]?.cases ?? [] };
}

/** The namespaces a perfsuite process of this pid left behind (another perfsuite may be running on the machine). */
const namespaces = (pid: number): string[] =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.startsWith(`perfsuite-${pid}-`));

describe.skipIf(unavailable !== undefined)(`same-run A/B on two shaped netns arms${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  it('calls the 95 Mbit/s arm regressed against the 100 Mbit/s control, exit 1, in every report', () => {
    const { status, stdout, stderr, cases, results, dir, pid } = abRun('95mbit');
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(results.seed).toBe(11);
    const [control, candidate] = cases;
    expect(control).toMatchObject({ id: 'ab-shaped/bulk[server=base]', status: 'pass', arm: { role: 'control' } });
    expect(candidate).toMatchObject({ id: 'ab-shaped/bulk[server=head]', status: 'fail', arm: { role: 'candidate', control: 'ab-shaped/bulk[server=base]' } });
    const outcome = candidate?.regressions?.[0];
    expect(outcome).toMatchObject({ source: 'control', against: 'ab-shaped/bulk[server=base]', verdict: 'regressed', metric: 'throughput', line: 16 });
    // tbf at 95 vs 100: about −5%. Which look decides it depends on the machine's noise (one stray round is the bound
    // up to 10 rounds, CI once saw −0.75%), so only what the verdict implies is asserted: p ≤ α, the bound below zero.
    expect(outcome?.change).toBeGreaterThan(-0.07);
    expect(outcome?.change).toBeLessThan(-0.03);
    expect(outcome?.upper).toBeLessThan(0);
    expect(outcome?.p).toBeLessThanOrEqual(0.01);
    expect(outcome?.rounds?.length).toBeGreaterThanOrEqual(7);
    expect(outcome?.rounds?.length).toBeLessThanOrEqual(20);
    expect(stdout).toMatch(
      new RegExp(
        `server=head vs server=base: throughput −\\d\\.\\d+% \\[−\\d\\.\\d+%, −\\d\\.\\d+%\\] regressed \\(tolerance 2%\\), p = [\\d.e-]+, ${outcome?.rounds?.length} rounds`,
      ),
    );
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure message="throughput regressed −[^"]*vs control ab-shaped\/bulk\[server=base\][^"]*" type="regression"/);
    expect(schemaErrors(junit)).toBe('');
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('### Compared with the control, in the same run');
    expect(namespaces(pid)).toEqual([]);
  });

  it('finds no difference between two identical 100 Mbit/s arms: unchanged, exit 0', () => {
    const { status, stderr, cases, pid } = abRun('100mbit');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const outcome = cases[1]?.regressions?.[0];
    expect(outcome).toMatchObject({ verdict: 'unchanged', passed: true });
    expect(Math.abs(outcome?.change ?? 1)).toBeLessThan(0.01);
    expect(namespaces(pid)).toEqual([]);
  });
});
