import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../helpers.js';

const validator = path.join(projectRoot, 'node_modules/.bin/action-validator');
const bin = path.join(projectRoot, 'bin/perfsuite.js');

/** action-validator's verdict (the GitHub workflow and action schemas): '' when valid, else its complaints. */
function validate(file: string): string {
  const result = spawnSync(validator, [file], { encoding: 'utf8' });
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}` || `exit ${result.status}`;
}

const workflows = readdirSync(path.join(projectRoot, '.github/workflows')).map((name) => path.join(projectRoot, '.github/workflows', name));

describe('GitHub workflows and the composite action', () => {
  it.each([...workflows, path.join(projectRoot, 'action.yml')].map((file) => [path.relative(projectRoot, file)]))('%s validates against the GitHub schema', (file) => {
    expect(validate(path.join(projectRoot, file))).toBe('');
  });

  it('the validator itself rejects a broken workflow', () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), 'perfsuite-wf-')), 'broken.yml');
    writeFileSync(broken, readFileSync(path.join(projectRoot, '.github/workflows/perf.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
    expect(validate(broken)).toContain("Additional property 'runs_on' is not allowed");
  });

  it('the action hands its inputs to the script through the environment, never spliced into it', () => {
    const action = parse(readFileSync(path.join(projectRoot, 'action.yml'), 'utf8')) as { runs: { steps: { run?: string }[] }; outputs: Record<string, unknown> };
    for (const step of action.runs.steps) expect(step.run ?? '').not.toContain('${{');
    expect(Object.keys(action.outputs)).toEqual(['verdict', 'exit-code', 'results', 'junit', 'markdown', 'html']);
  });

  it('the sharded example splits four ways with the action and joins the shards with report', () => {
    const workflow = parse(readFileSync(path.join(projectRoot, '.github/workflows/perf-sharded.yml'), 'utf8')) as {
      jobs: { measure: { strategy: { matrix: { shard: number[] } }; steps: { uses?: string; with?: Record<string, string> }[] }; join: { needs: string; steps: { run?: string }[] } };
    };
    expect(workflow.jobs.measure.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(workflow.jobs.measure.steps.find((s) => s.uses === './')?.with?.['shard']).toBe('${{ matrix.shard }}/4');
    expect(workflow.jobs.join.steps.some((s) => (s.run ?? '').includes('npx perfsuite report shards/*/results.json'))).toBe(true);
  });
});

describe('perfsuite init', () => {
  it('writes a starter suite that validates and a workflow that validates, and says what to do next', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-init-'));
    const result = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("wrote suites/network.yml\nwrote .github/workflows/perfsuite.yml\nnext: npx perfsuite validate suites/network.yml, then npx perfsuite run 'suites/*.yml'\n");
    const check = spawnSync(process.execPath, [bin, 'validate', 'suites/network.yml'], { cwd: dir, encoding: 'utf8' });
    expect(check.stdout).toBe("ok suites/network.yml: suite 'network', 2 groups, 4 cases\n");
    expect(readFileSync(path.join(dir, 'suites/network.yml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/perfsuite/schemas/suite.schema.json');
    expect(validate(path.join(dir, '.github/workflows/perfsuite.yml'))).toBe('');
  });

  it('refuses to overwrite, writing nothing when any of its files exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-init-'));
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(dir, '.github/workflows/perfsuite.yml'), 'mine\n');
    const result = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('perfsuite: .github/workflows/perfsuite.yml already exists; init writes nothing over your files (move them aside to start afresh)\n');
    expect(readFileSync(path.join(dir, '.github/workflows/perfsuite.yml'), 'utf8')).toBe('mine\n');
    expect(existsSync(path.join(dir, 'suites'))).toBe(false);
  });
});
