import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot, tempDir } from '../helpers.js';

const validator = path.join(projectRoot, 'node_modules/.bin/action-validator');
const bin = path.join(projectRoot, 'bin/perfsuite.js');

/** action-validator's verdict (the GitHub workflow and action schemas): '' when valid, else its complaints. */
function validate(file: string): string {
  const result = spawnSync(validator, [file], { encoding: 'utf8' });
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}` || `exit ${result.status}`;
}

const workflows = readdirSync(path.join(projectRoot, '.github/workflows')).map((name) => path.join(projectRoot, '.github/workflows', name));

describe('GitHub workflows and the composite action', () => {
  it.each([...workflows, path.join(projectRoot, 'action.yml')].map((file) => [path.relative(projectRoot, file)]))(
    '%s validates against the GitHub schema',
    (file) => {
      expect(validate(path.join(projectRoot, file))).toBe('');
    },
  );

  it('the validator itself rejects a broken workflow', () => {
    const broken = path.join(tempDir('wf'), 'broken.yml');
    writeFileSync(
      broken,
      readFileSync(path.join(projectRoot, '.github/workflows/perf.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'),
    );
    expect(validate(broken)).toContain("Additional property 'runs_on' is not allowed");
  });

  it('the action hands its inputs to the script through the environment, never spliced into it', () => {
    const action = parse(readFileSync(path.join(projectRoot, 'action.yml'), 'utf8')) as {
      runs: { steps: { run?: string }[] };
      outputs: Record<string, unknown>;
    };
    for (const step of action.runs.steps) expect(step.run ?? '').not.toContain('${{');
    expect(Object.keys(action.outputs)).toEqual(['verdict', 'exit-code', 'results', 'junit', 'markdown', 'html']);
  });

  it('the sharded example splits as many ways as its matrix with the action, shards publishing nothing, and joins the shards with report', () => {
    const workflow = parse(readFileSync(path.join(projectRoot, '.github/workflows/perf-sharded.yml'), 'utf8')) as {
      jobs: {
        measure: { strategy: { matrix: { shard: number[] } }; steps: { uses?: string; with?: Record<string, string | boolean> }[] };
        join: { needs: string; if: string; steps: { run?: string }[] };
      };
    };
    expect(workflow.jobs.measure.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    const shard = workflow.jobs.measure.steps.find((s) => s.uses === './');
    expect(shard?.with?.['shard']).toBe('${{ matrix.shard }}/${{ strategy.job-total }}');
    expect(shard?.with?.['publish']).toBe(false);
    expect(workflow.jobs.join.if).toContain('!cancelled()');
    const join = workflow.jobs.join.steps.find((s) => (s.run ?? '').includes('npx perfsuite report shards/*/results.json'))?.run ?? '';
    expect(join).toContain('"$GITHUB_EVENT_NAME" = pull_request');
    expect(join).toMatch(/::warning title=perfsuite: no baseline::.*evicted.*judged nothing/);
  });

  it('the bisect example runs by hand with good and bad as inputs, reaching the script through the environment, on the whole history', () => {
    const workflow = parse(readFileSync(path.join(projectRoot, '.github/workflows/perf-bisect.yml'), 'utf8')) as {
      on: { workflow_dispatch: { inputs: Record<string, { required?: boolean; default?: string }> } };
      jobs: { bisect: { steps: { uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string> }[] } };
    };
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(workflow.on.workflow_dispatch.inputs['good']?.required).toBe(true);
    const suite = workflow.on.workflow_dispatch.inputs['suite']?.default ?? '';
    expect(existsSync(path.join(projectRoot, suite))).toBe(true);
    const steps = workflow.jobs.bisect.steps;
    expect(steps.find((s) => s.uses === 'actions/checkout@v4')?.with?.['fetch-depth']).toBe(0);
    const run = steps.find((s) => (s.run ?? '').includes('perfsuite.js bisect'));
    expect(run?.run).not.toContain('${{');
    expect(run?.run).toContain('bisect "$SUITE" --good "$GOOD" --bad "$BAD"');
    expect(run?.env).toEqual({ GOOD: '${{ inputs.good }}', BAD: '${{ inputs.bad }}', SUITE: '${{ inputs.suite }}' });
  });

  it('no workflow names the default branch: on.push takes every branch and the jobs test github.event.repository.default_branch', () => {
    for (const file of workflows) {
      const text = readFileSync(file, 'utf8');
      const workflow = parse(text) as { on: { push?: { branches?: string[] } | null } };
      expect(workflow.on.push?.branches, path.basename(file)).toBeUndefined();
      for (const ref of text.match(/refs\/heads\/[^'"\s)]*/g) ?? []) expect(ref, path.basename(file)).toBe('refs/heads/{0}');
      if (workflow.on.push !== undefined) expect(text, path.basename(file)).toContain("format('refs/heads/{0}', github.event.repository.default_branch)");
    }
  });

  it('CI runs the netns and regression-gate tests through sudo -E and fails when they are skipped', () => {
    const ci = parse(readFileSync(path.join(projectRoot, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: { test: { steps: { run?: string; shell?: string }[] } };
    };
    const step = ci.jobs.test.steps.find((s) => (s.run ?? '').includes('sudo -E'));
    expect(step?.shell).toBe('bash'); // -o pipefail: vitest's exit status survives the tee
    for (const file of ['netns', 'hooks', 'regression', 'ab', 'history', 'bisect']) {
      expect(existsSync(path.join(projectRoot, `test/integration/${file}.test.ts`))).toBe(true);
      expect(step?.run).toContain(`test/integration/${file}.test.ts`);
    }
    expect(step?.run).toContain("grep -q '(skipped: ' root-tests.log");
  });
});

describe("the README's GitHub section", () => {
  it('starts with a pull-request gate on the Action that validates and can be pasted into an empty repository', () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### On GitHub Actions'));
    const first = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const file = path.join(tempDir('readme'), 'perf.yml');
    writeFileSync(file, first);
    expect(validate(file)).toBe('');
    const perf = (parse(first) as { jobs: { perf: { if?: string; steps: { uses?: string; run?: string }[] } } }).jobs.perf;
    const steps = perf.steps;
    expect(perf.if).toBe("github.event_name != 'push' || github.ref_name == github.event.repository.default_branch");
    expect(steps.map((s) => s.uses).filter((u) => u?.startsWith('perfsuite/'))).toEqual(['perfsuite/perfsuite@v1']);
    expect(steps.some((s) => (s.run ?? '').includes('npm'))).toBe(false);
    expect(first).toContain('github.event.repository.default_branch');
  });
});

describe('perfsuite init', { tags: ['dist'] }, () => {
  /** `perfsuite init` in a fresh directory, after `prepare` made it a Node project (or not). */
  function initIn(prepare: (dir: string) => void = () => undefined) {
    const dir = tempDir('init');
    prepare(dir);
    const result = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(validate(path.join(dir, '.github/workflows/perfsuite.yml'))).toBe('');
    const check = spawnSync(process.execPath, [bin, 'validate', 'suites/network.yml'], { cwd: dir, encoding: 'utf8' });
    expect(check.stdout).toBe("ok suites/network.yml: suite 'network', 2 groups, 4 cases\n");
    const workflow = parse(readFileSync(path.join(dir, '.github/workflows/perfsuite.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { perf: { if?: string; steps: { uses?: string; run?: string; with?: Record<string, string> }[] } };
    };
    // measured on pull requests and on pushes to the default branch: a push to a pull request's branch runs once
    expect(workflow.jobs.perf.if).toBe("github.event_name != 'push' || github.ref_name == github.event.repository.default_branch");
    // values reach the scripts through the environment, never spliced in
    for (const step of workflow.jobs.perf.steps) expect(step.run ?? '').not.toContain('${{');
    return {
      dir,
      stdout: result.stdout,
      workflow,
      steps: workflow.jobs.perf.steps,
      modeline: readFileSync(path.join(dir, 'suites/network.yml'), 'utf8').split('\n')[0],
    };
  }
  // the next steps name the perfsuite that ran init, which works offline (npx perfsuite would reach for the registry):
  // its bin, absolute here since this checkout lies outside the temporary directory
  const offline = `node ${bin}`;

  it('without package.json: a workflow with the perfsuite Action (no npm ci, which would fail), and next steps that work offline', () => {
    const { stdout, steps, modeline, workflow, dir } = initIn();
    expect(stdout).toBe(
      `wrote suites/network.yml\nwrote .github/workflows/perfsuite.yml\nnext: ${offline} validate suites/network.yml, then ${offline} run 'suites/*.yml'; commit both files: the workflow runs the suites with the perfsuite/perfsuite@v1 Action (this repository has no package.json, and needs none); add perfsuite-results/ (the reports) to .gitignore\n`,
    );
    expect(steps.map((s) => s.uses ?? 'run')).toEqual([
      'actions/checkout@v4',
      'actions/cache/restore@v4',
      'perfsuite/perfsuite@v1',
      'actions/upload-artifact@v4',
      'run',
      'actions/cache/save@v4',
    ]);
    expect(steps.some((s) => (s.run ?? '').includes('npm ci'))).toBe(false);
    expect(steps[2]?.with).toMatchObject({ suites: 'suites/*.yml', 'missing-baseline': 'warn' });
    // any default branch: pushes of every branch run, only the default branch's keep their baseline
    expect(workflow.on['push']).toBeNull();
    expect(JSON.stringify(steps)).toContain('github.ref_name == github.event.repository.default_branch');
    expect(modeline).toBe('# yaml-language-server: $schema=https://raw.githubusercontent.com/perfsuite/perfsuite/v1/schemas/suite.schema.json');
    // the pull-request comment is offered, off: its input and the permission it needs, commented out
    const text = readFileSync(path.join(dir, '.github/workflows/perfsuite.yml'), 'utf8');
    expect(text).toContain('\n  contents: read\n  # pull-requests: write   # only for the comment on the pull request (below)\n');
    expect(text).toContain('\n          missing-baseline: warn\n          # comment: true   # one comment on the pull request');
    expect(steps[2]?.with).not.toHaveProperty('comment');
  });

  it('in a Node project: the devDependency workflow, and says to add perfsuite to package.json when it is not there', () => {
    const bare = initIn((dir) => writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n'));
    expect(bare.steps.map((s) => s.uses ?? s.run?.split('\n')[0])).toContain('npm ci');
    expect(bare.steps.some((s) => s.uses === 'perfsuite/perfsuite@v1')).toBe(false);
    const version = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
    expect(bare.stdout).toContain(
      `commit both files: the workflow installs perfsuite with npm ci, so add it to package.json first: npm install --save-dev github:perfsuite/perfsuite (or, offline, a tarball of this copy: npm pack ${path.resolve(projectRoot)} && npm install --save-dev ./perfsuite-${version}.tgz, and commit the .tgz too, so that npm ci finds it on the runner); add perfsuite-results/ (the reports) to .gitignore\n`,
    );
    expect(bare.modeline).toBe('# yaml-language-server: $schema=../node_modules/perfsuite/schemas/suite.schema.json');
    const installed = initIn((dir) => {
      writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "devDependencies": { "perfsuite": "^0.3.0" } }\n');
      mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules/.bin/perfsuite'), '');
    });
    expect(installed.stdout).toContain(
      "next: npx perfsuite validate suites/network.yml, then npx perfsuite run 'suites/*.yml'; commit both files: the workflow installs perfsuite with npm ci; add perfsuite-results/ (the reports) to .gitignore\n",
    );
  });

  it('with --dir, names the files from where the user is', () => {
    const parent = tempDir('init');
    mkdirSync(path.join(parent, 'proj'));
    const result = spawnSync(process.execPath, [bin, 'init', '--dir', 'proj'], {
      cwd: parent,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    expect(result.stdout).toBe(
      `wrote proj/suites/network.yml\nwrote proj/.github/workflows/perfsuite.yml\nnext: ${offline} validate proj/suites/network.yml, then ${offline} run 'proj/suites/*.yml' --out proj/perfsuite-results; commit both files: the workflow runs the suites with the perfsuite/perfsuite@v1 Action (this repository has no package.json, and needs none); add perfsuite-results/ (the reports) to .gitignore\n`,
    );
    // and the printed commands work, as printed, from there
    const check = spawnSync(process.execPath, [bin, 'validate', 'proj/suites/network.yml'], { cwd: parent, encoding: 'utf8' });
    expect(check.status).toBe(0);
  });

  it('quotes a path with a space, so the next steps still work as printed in a shell', () => {
    const parent = tempDir('init');
    mkdirSync(path.join(parent, 'my proj'));
    const result = spawnSync(process.execPath, [bin, 'init', '--dir', 'my proj'], {
      cwd: parent,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    const next = /^next: (.*?), then /m.exec(result.stdout)?.[1] ?? '';
    expect(next).toBe(`${offline} validate 'my proj/suites/network.yml'`);
    expect(result.stdout).toContain(`then ${offline} run 'my proj/suites/*.yml' --out 'my proj/perfsuite-results';`);
    const check = spawnSync('sh', ['-c', next], { cwd: parent, encoding: 'utf8' });
    expect(check.stdout).toBe("ok my proj/suites/network.yml: suite 'network', 2 groups, 4 cases\n");
  });

  it('says when package.json installs perfsuite from a path outside the repository, which the runner cannot reach', () => {
    const outside = initIn((dir) =>
      writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "devDependencies": { "perfsuite": "file:../perfsuite-0.3.0.tgz" } }\n'),
    );
    expect(outside.stdout).toContain(
      "note: package.json installs perfsuite from file:../perfsuite-0.3.0.tgz, outside this repository, which the runner's npm ci cannot reach; before committing, install it from github:perfsuite/perfsuite or from a tarball inside the repository\n",
    );
    const inside = initIn((dir) =>
      writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "devDependencies": { "perfsuite": "file:vendor/perfsuite-0.3.0.tgz" } }\n'),
    );
    expect(inside.stdout).not.toContain('note:');
  });

  it('refuses to overwrite, writing nothing when any of its files exists', () => {
    const dir = tempDir('init');
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(dir, '.github/workflows/perfsuite.yml'), 'mine\n');
    const result = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'perfsuite: .github/workflows/perfsuite.yml already exists; init writes nothing over your files (move them aside to start afresh)\n',
    );
    expect(readFileSync(path.join(dir, '.github/workflows/perfsuite.yml'), 'utf8')).toBe('mine\n');
    expect(existsSync(path.join(dir, 'suites'))).toBe(false);
  });
});
