// @module-tag slow
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, tempDir } from '../helpers.js';

const version = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
// npm's cache holds every dependency after `npm ci`: installs here need no network beyond what CI already fetched
const npmInstall = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const SUITE = 'version: 1\nname: mine\ntests:\n  - name: bulk\n    test: TCP_STREAM\n    duration: 1s\n';

/** A fresh project of a user's: its own package.json and one suite, nothing of perfsuite's. */
function userProject(): string {
  const dir = tempDir('user');
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  mkdirSync(path.join(dir, 'suites'));
  writeFileSync(path.join(dir, 'suites/mine.yml'), SUITE);
  return dir;
}

/** `npx perfsuite …` in the user's project, never fetching from the registry. */
function npx(dir: string, ...args: string[]) {
  return spawnSync('npx', ['--no-install', 'perfsuite', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
}

/** The installed perfsuite measures a suite of the user's with the real netperf and writes every report there. */
function expectItRuns(dir: string): void {
  expect(npx(dir, '--version').stdout.trim()).toBe(version);
  const run = npx(dir, 'run', 'suites/mine.yml');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^✓ \[1\/1\] mine\/bulk {2}throughput /m);
  expect(readdirSync(path.join(dir, 'perfsuite-results')).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'results.json']);
  const results = JSON.parse(readFileSync(path.join(dir, 'perfsuite-results/results.json'), 'utf8')) as { environment: { perfsuiteVersion: string } };
  expect(results.environment.perfsuiteVersion).toBe(version);
}

describe('installing perfsuite into a project of the user’s', () => {
  it('from the published package: npm pack, install the tarball into a fresh project, npx perfsuite run a suite there', () => {
    const packed = tempDir('pack');
    // dist is built already (npm run check builds before the tests); --ignore-scripts keeps pack from rebuilding it under running tests
    const tarball =
      execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packed, projectRoot], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1) ?? '';
    const listed = execFileSync('tar', ['-tzf', path.join(packed, tarball)], { encoding: 'utf8' }).split('\n');
    // what a user gets: the CLI, the built code, the schemas; never the tests or the sources
    expect(listed).toContain('package/bin/perfsuite.js');
    expect(listed).toContain('package/dist/cli/main.js');
    expect(listed).toContain('package/schemas/suite.schema.json');
    expect(listed.filter((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toEqual([]);
    const dir = userProject();
    execFileSync('npm', [...npmInstall, '--save-dev', path.join(packed, tarball)], { cwd: dir, stdio: 'pipe' });
    expectItRuns(dir);
  }, 120_000);

  it('from git: npm install --save-dev git+file://<this repository> builds it with prepare, and it runs (what github:<owner>/perfsuite does)', () => {
    // npm clones the committed tree, installs its devDependencies, runs `prepare` (the build) in the clone, and packs it
    const dir = userProject();
    execFileSync('npm', [...npmInstall, '--save-dev', `git+file://${projectRoot}`], { cwd: dir, stdio: 'pipe' });
    expect(readdirSync(path.join(dir, 'node_modules/perfsuite/dist'))).toContain('cli');
    expectItRuns(dir);
  }, 300_000);
});
