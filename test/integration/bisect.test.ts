// @module-tag slow
// @module-tag root
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import type { RunResult } from '../../src/model/results.js';
import type { BisectRecord } from '../../src/run/bisect-search.js';
import { projectRoot, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const unavailable = await netnsUnavailable();
const gitEnv = { GIT_AUTHOR_NAME: 'A U Thor', GIT_AUTHOR_EMAIL: 'author@example.com', GIT_COMMITTER_NAME: 'C O Mitter', GIT_COMMITTER_EMAIL: 'c@example.com' };
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1', TMPDIR: tmpdir(), HOME: tmpdir() };

/**
 * Each arm is a netns server shaped to 100 Mbit/s; its setup "builds" the arm's commit: build.sh, from the arm's
 * worktree, applies the commit's `rate` file to the link with tc tbf. A commit that does not build has a build.sh that fails.
 */
const SUITE = `version: 1
name: bisect-rate
servers:
  good: { type: netns, link: { rate: 100mbit }, setup: [[sh, "\${PERFSUITE_WORKTREE}/build.sh"]] }
  probe: { type: netns, link: { rate: 100mbit }, setup: [[sh, "\${PERFSUITE_WORKTREE}/build.sh"]] }
tests:
  - name: bulk
    test: TCP_STREAM
    duration: 1s
    matrix: { server: [good, probe] }
    compare: { server: good }
    repeat: { min: 7, max: 12 }
    regression: { throughput: 10% }
`;

const BUILD = `#!/bin/sh
set -e
rate=$(cat "$(dirname "$0")/rate")
echo "building $PERFSUITE_COMMIT for $PERFSUITE_SERVER: rate $rate"
tc qdisc replace dev "$PERFSUITE_HOST_IF" root tbf rate "$rate" burst 64kb latency 50ms
`;

const BROKEN = `#!/bin/sh
echo "error: this commit does not build" >&2
exit 1
`;

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...env, ...gitEnv } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A throwaway repository: a first commit at 100 Mbit/s (tagged `good`), then one commit per entry; returns each commit's hash. */
function repository(commits: readonly { readonly subject: string; readonly rate?: string; readonly broken?: boolean; readonly merge?: boolean }[]) {
  const dir = tempDir('git-repo');
  git(dir, 'init', '-q', '-b', 'main');
  const write = (rate: string, broken: boolean): void => {
    writeFileSync(path.join(dir, 'rate'), `${rate}\n`);
    writeFileSync(path.join(dir, 'build.sh'), broken ? BROKEN : BUILD);
    chmodSync(path.join(dir, 'build.sh'), 0o755);
  };
  write('100mbit', false);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'start at 100 Mbit/s');
  git(dir, 'tag', 'good');
  let rate = '100mbit';
  const hashes: string[] = [];
  /** Commits of merged branches: off the first-parent line, never to be probed. */
  const sides: string[] = [];
  for (const [i, commit] of commits.entries()) {
    if (commit.merge === true) {
      git(dir, 'checkout', '-q', '-b', `side-${i}`);
      writeFileSync(path.join(dir, `side-${i}`), 'side work');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', `side work ${i}`);
      sides.push(git(dir, 'rev-parse', 'HEAD'));
      git(dir, 'checkout', '-q', 'main');
      git(dir, 'merge', '-q', '--no-ff', `side-${i}`, '-m', commit.subject);
      hashes.push(git(dir, 'rev-parse', 'HEAD'));
      continue;
    }
    rate = commit.rate ?? rate;
    write(rate, commit.broken === true);
    writeFileSync(path.join(dir, `notes-${i}`), commit.subject);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', commit.subject);
    hashes.push(git(dir, 'rev-parse', 'HEAD'));
  }
  // the suite is not committed, and the tree is dirty: bisect must leave both as they are
  writeFileSync(path.join(dir, 'bisect.yml'), SUITE);
  writeFileSync(path.join(dir, 'rate'), 'uncommitted\n');
  return { dir, hashes, sides };
}

function bisect(dir: string, ...args: string[]) {
  const out = tempDir('out');
  const result = spawnSync(process.execPath, [bin, 'bisect', 'bisect.yml', '--good', 'good', '--bad', 'main', '--seed', '7', '--out', out, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env,
  });
  const record = JSON.parse(readFileSync(path.join(out, 'bisect.json'), 'utf8')) as BisectRecord;
  return { ...result, out, record };
}

/** What bisect must leave as it found it: the user's tree and index, no worktree, no scratch directory, no namespace. */
function expectUntouched(dir: string, pid: number | undefined): void {
  expect(git(dir, 'status', '--porcelain')).toBe('M rate\n?? bisect.yml');
  expect(readFileSync(path.join(dir, 'rate'), 'utf8')).toBe('uncommitted\n');
  expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  expect(readdirSync(tmpdir()).filter((name) => name.startsWith('perfsuite-bisect-'))).toEqual([]);
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n');
  expect(namespaces.filter((line) => line.startsWith(`perfsuite-${pid}-`))).toEqual([]);
}

describe.skipIf(unavailable !== undefined)(`perfsuite bisect on netns arms${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  it('names the commit that halved the rate in at most ⌈log2 6⌉ + 1 steps, with its subject and author', { timeout: 300_000 }, () => {
    const { dir, hashes, sides } = repository([
      { subject: 'unrelated change 1' },
      { subject: 'merge a side branch', merge: true },
      { subject: 'halve the rate', rate: '50mbit' },
      { subject: 'unrelated change 4' },
      { subject: 'unrelated change 5' },
      { subject: 'unrelated change 6' },
    ]);
    const { status, stdout, stderr, out, record, pid } = bisect(dir);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const culprit = hashes[2] ?? '';
    expect(record).toMatchObject({ state: 'found', firstBad: culprit, firstBadSubject: 'halve the rate', firstBadAuthor: 'A U Thor <author@example.com>' });
    expect(record.good).toBe(git(dir, 'rev-parse', 'good'));
    expect(record.bad).toBe(hashes[5]);
    expect(record.steps.length).toBeLessThanOrEqual(Math.ceil(Math.log2(6)) + 1);
    // the first-parent line: the merge is a commit like any other, the merged branch's own commit is not searched
    expect(record.commitsInRange).toBe(6);
    expect(record.steps.map((step) => step.commit)).not.toContain(sides[0]);
    expect(record.steps[0]).toMatchObject({ kind: 'confirm', commit: hashes[5], verdict: 'regressed', metric: 'throughput' });
    // each step's verdict follows from the rate its commit applied: 50 Mbit/s against the good 100 is about −50%
    for (const step of record.steps) {
      const bad = hashes.indexOf(step.commit) >= 2;
      expect(step.verdict).toBe(bad ? 'regressed' : 'unchanged');
      expect(step.change ?? 0).toBeCloseTo(bad ? -0.5 : 0, 1);
      expect(step.rounds).toBeGreaterThanOrEqual(7);
      // the step's own results.json shows the probe's hook ran in its worktree at its commit
      const results = readFileSync(path.join(out, step.results), 'utf8');
      expect((JSON.parse(results) as RunResult).provenance).toMatchObject({ commit: step.commit });
      expect(results).toContain(`building ${step.commit} for probe`);
      expect(results).toContain(`building ${record.good} for good`);
    }
    expect(stdout).toMatch(/^step 1 \(confirm bad\) {2}[0-9a-f]{12} {2}unrelated change 6 {2}regressed: bad is worse than good {2}throughput −\d+\.\d% \[/m);
    expect(stdout).toContain(`first bad commit: ${culprit}\n  halve the rate\n  author: A U Thor <author@example.com>\n`);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`**First bad commit:** \`${culprit}\` halve the rate`);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(`<code>${culprit}</code> halve the rate`);
    expectUntouched(dir, pid);
  });

  it('skips a commit that does not build, as git bisect skip does, and still names the first bad one', { timeout: 300_000 }, () => {
    // the first probe (the 2nd commit) does not build, so the 1st is tried instead (good), then the 3rd (good), the 4th (bad)
    const { dir, hashes } = repository([
      { subject: 'unrelated change 1' },
      { subject: 'breaks the build', broken: true },
      { subject: 'fixes the build' },
      { subject: 'halve the rate', rate: '50mbit' },
      { subject: 'unrelated change 5' },
    ]);
    const { status, stdout, record, pid } = bisect(dir);
    expect(status).toBe(0);
    expect(record.firstBad).toBe(hashes[3]);
    const skipped = record.steps.filter((step) => step.verdict === 'skipped');
    expect(skipped.map((step) => step.commit)).toEqual([hashes[1]]);
    expect(skipped[0]?.note).toContain('this commit does not build');
    expect(stdout).toMatch(/breaks the build {2}skipped: its setup failed/);
    expectUntouched(dir, pid);
  });

  it('exits 1 when bad is not worse than good, with the verdict and the numbers', { timeout: 120_000 }, () => {
    const { dir } = repository([{ subject: 'unrelated change 1' }, { subject: 'unrelated change 2' }]);
    const { status, stdout, record, pid } = bisect(dir);
    expect(status).toBe(1);
    expect(record.state).toBe('not-worse');
    expect(record.steps).toHaveLength(1);
    expect(record.steps[0]).toMatchObject({ kind: 'confirm', verdict: 'unchanged' });
    expect(record.firstBad).toBeUndefined();
    expect(stdout).toMatch(/unchanged: bad is not worse than good {2}throughput [−+]\d\.\d+% \[/);
    expect(stdout).toMatch(/bisect: bad [0-9a-f]{12} is not worse than good [0-9a-f]{12}: nothing to search/);
    expectUntouched(dir, pid);
  });

  it('on Ctrl-C keeps the steps so far in bisect.json, exits 130 and leaves no worktree or namespace', { timeout: 180_000 }, async () => {
    const { dir } = repository([{ subject: 'one' }, { subject: 'two' }, { subject: 'halve the rate', rate: '50mbit' }, { subject: 'four' }]);
    const out = tempDir('out');
    const child = spawn(process.execPath, [bin, 'bisect', 'bisect.yml', '--good', 'good', '--bad', 'main', '--out', out], { cwd: dir, env });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Ctrl-C as soon as the first step is reported: the second is then being set up or measured
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^step 1 /m.test(stdout)) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const record = JSON.parse(readFileSync(path.join(out, 'bisect.json'), 'utf8')) as BisectRecord;
    expect(record.state).toBe('interrupted');
    expect(record.steps).toHaveLength(1);
    expect(record.range?.commits).toHaveLength(4);
    expectUntouched(dir, child.pid);
  });
});
