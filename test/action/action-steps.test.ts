import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot, tempDir, waitUntil } from '../helpers.js';
import { type FakeGitHub, fakeGitHub } from '../cli/fake-github.js';
import { comparedSweep } from '../report/fixtures.js';

// The composite action's shell steps, run here with bash the way a runner runs them: the step's env with the
// ${{ inputs.x }} filled in, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in temp files, and a stub `node` on PATH that
// prints its argv and exits with a chosen code (no netperf, no build).

interface Step {
  readonly id?: string;
  readonly name: string;
  readonly shell?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}
interface Action {
  readonly inputs: Record<string, { default?: string }>;
  readonly runs: { steps: Step[] };
}

const action = parse(readFileSync(path.join(projectRoot, 'action.yml'), 'utf8')) as Action;
const stub = path.join(projectRoot, 'test/fixtures/action/node');
const actionPath = path.resolve(projectRoot);

/** The step's env with every ${{ inputs.x }} replaced by the given value or the input's default. */
function stepEnv(step: Step, inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.env ?? {})) {
    env[name] = value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, input: string) => {
      const declared = action.inputs[input];
      if (declared === undefined) throw new Error(`step '${step.name}' reads undeclared input ${input}`);
      return inputs[input] ?? declared.default ?? '';
    });
    if (env[name].includes('${{')) throw new Error(`step '${step.name}': env ${name} has an expression this test cannot fill: ${value}`);
  }
  for (const input of Object.keys(inputs)) if (!(input in action.inputs)) throw new Error(`no input ${input} in action.yml`);
  return env;
}

interface Setup {
  readonly workspace: string;
  readonly outputFile: string;
  readonly summaryFile: string;
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
}

function setUp(stepId: string, inputs: Record<string, string>, extraEnv: Record<string, string>): Setup {
  const step = action.runs.steps.find((s) => s.id === stepId);
  if (step?.run === undefined) throw new Error(`no run step with id ${stepId} in action.yml`);
  const dir = tempDir('action');
  const workspace = path.join(dir, 'workspace');
  const bin = path.join(dir, 'bin');
  mkdirSync(workspace);
  mkdirSync(bin);
  copyFileSync(stub, path.join(bin, 'node'));
  chmodSync(path.join(bin, 'node'), 0o755);
  const outputFile = path.join(dir, 'github_output');
  const summaryFile = path.join(dir, 'github_step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const script = path.join(dir, 'step.sh');
  writeFileSync(script, step.run);
  const env = {
    PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`,
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    STUB_REAL_NODE: process.execPath,
    ...stepEnv(step, inputs),
    ...extraEnv,
  };
  return { workspace, outputFile, summaryFile, script, env };
}

interface StepRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** The stub's argv after bin/perfsuite.js, or undefined when perfsuite was never started. */
  readonly argv: string[] | undefined;
}

function resultOf(setup: Setup, status: number | null, stdout: string): StepRun {
  const outputs = Object.fromEntries(
    readFileSync(setup.outputFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const argvLines = stdout.split('\n').filter((line) => line.startsWith('argv: '));
  const argv = argvLines.length === 0 ? undefined : argvLines.map((line) => line.slice('argv: '.length));
  if (argv !== undefined) expect(argv[0]).toBe(`${actionPath}/bin/perfsuite.js`);
  return { status, stdout, outputs, summary: readFileSync(setup.summaryFile, 'utf8'), argv: argv?.slice(1) };
}

/** GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail {0}. */
const bashArgs = (script: string): string[] => ['--noprofile', '--norc', '-eo', 'pipefail', script];

function runStep(inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}, prepare?: (workspace: string) => void): StepRun {
  const setup = setUp('run', inputs, extraEnv);
  prepare?.(setup.workspace);
  const result = spawnSync('bash', bashArgs(setup.script), { cwd: setup.workspace, env: setup.env, encoding: 'utf8', timeout: 10_000 });
  expect(result.stderr).toBe('');
  return resultOf(setup, result.status, result.stdout);
}

describe('the action step that runs the suites, run locally with a stub perfsuite', () => {
  it('runs with bash, and no step splices an expression into its script', () => {
    for (const step of action.runs.steps.filter((s) => s.run !== undefined)) {
      expect(step.shell, step.name).toBe('bash');
      expect(step.run, step.name).not.toContain('${{');
    }
  });

  it('passes the inputs on as arguments: suites, --out, one --filter per line of filter, one --var per line of vars', () => {
    const run = runStep({
      filter: 'test=TCP_RR\n  send_size>=16K  \n\nloopback-tcp/*\n',
      vars: 'A=1\nB=two words\n',
      shard: '2/4',
      seed: '7',
      shuffle: 'true',
    });
    expect(run.status).toBe(0);
    expect(run.argv).toEqual([
      'run',
      'suites/*.yml',
      '--out',
      'perfsuite-results',
      '--shard',
      '2/4',
      '--filter',
      'test=TCP_RR',
      '--filter',
      'send_size>=16K',
      '--filter',
      'loopback-tcp/*',
      '--seed',
      '7',
      '--shuffle',
      '--var',
      'A=1',
      '--var',
      'B=two words',
    ]);
    expect(run.outputs).toEqual({
      'exit-code': '0',
      verdict: 'passed',
      results: 'perfsuite-results/results.json',
      junit: 'perfsuite-results/junit.xml',
      markdown: 'perfsuite-results/report.md',
      html: 'perfsuite-results/report.html',
    });
  });

  it('fails the step before perfsuite starts when the baseline file does not exist, naming the file and the input that makes it a warning', () => {
    const run = runStep({ baseline: 'perf-baseline/results.json' });
    expect(run.status).toBe(2);
    expect(run.argv).toBeUndefined();
    const error = run.stdout.split('\n').find((line) => line.startsWith('::error'));
    expect(error).toMatch(
      /^::error title=perfsuite: action input::baseline perf-baseline\/results\.json does not exist \(looked for it from .*\); fix the path, or set missing-baseline: warn to run without it/,
    );
    expect(run.outputs).toEqual({ 'exit-code': '2', verdict: 'usage-error' });
  });

  it('with missing-baseline: warn, warns why the gate judges nothing and runs without --baseline', () => {
    const run = runStep({ baseline: 'perf-baseline/results.json', 'missing-baseline': 'warn' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '::warning title=perfsuite: no baseline::baseline perf-baseline/results.json does not exist (it was never stored, or, restored from the Actions cache, it was evicted after 7 days unused), so the regression gate judges nothing this time',
    );
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results', '--missing-baseline', 'warn']);
    expect(run.outputs['verdict']).toBe('passed');
  });

  it('with missing-baseline: warn and a baseline that exists, passes --missing-baseline warn (a baseline matching no case warns, not fails)', () => {
    const run = runStep({ baseline: 'base.json', 'missing-baseline': 'warn' }, {}, (workspace) => writeFileSync(path.join(workspace, 'base.json'), '{}'));
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results', '--baseline', 'base.json', '--missing-baseline', 'warn']);
  });

  it('hands an existing baseline to perfsuite, without a warning', () => {
    const run = runStep({ baseline: 'base.json' }, {}, (workspace) => writeFileSync(path.join(workspace, 'base.json'), '{}'));
    expect(run.status).toBe(0);
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results', '--baseline', 'base.json']);
    expect(run.stdout).not.toContain('::warning');
  });

  it('takes suites separated by spaces or newlines, every one of them', () => {
    const run = runStep({ suites: 'suites/a.yml\nsuites/b.yml  more/*.yml\n' });
    expect(run.argv).toEqual(['run', 'suites/a.yml', 'suites/b.yml', 'more/*.yml', '--out', 'perfsuite-results']);
  });

  it("escapes an input's %, CR and LF in its messages, so a value can neither garble a message nor add a workflow command", () => {
    const run = runStep({ baseline: '100%/base.json\n::error::injected', 'missing-baseline': 'warn' });
    expect(run.stdout).toContain('::warning title=perfsuite: no baseline::baseline 100%25/base.json%0A::error::injected does not exist');
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([]);
  });

  it("keeps perfsuite's exit status with bash in POSIX mode (POSIXLY_CORRECT in the job's env)", () => {
    const run = runStep({}, { STUB_EXIT: '3', POSIXLY_CORRECT: '1' });
    expect(run.status).toBe(3);
    expect(run.outputs['verdict']).toBe('unmeasured');
  });

  it('refuses a missing-baseline or publish value it does not know', () => {
    expect(runStep({ 'missing-baseline': 'ignore' }).stdout).toContain(
      "::error title=perfsuite: action input::missing-baseline is 'ignore'; it takes fail or warn",
    );
    const run = runStep({ publish: 'no' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain("publish is 'no'; it takes true or false");
  });

  it.each([
    [0, 'passed'],
    [1, 'failed'],
    [2, 'usage-error'],
    [3, 'unmeasured'],
    [130, 'interrupted'],
    [143, 'interrupted'],
    [7, 'unknown'],
  ])('perfsuite exit %i: the step exits with it, verdict=%s', (code, verdict) => {
    const run = runStep({}, { STUB_EXIT: String(code) });
    expect(run.status).toBe(code);
    expect(run.outputs['exit-code']).toBe(String(code));
    expect(run.outputs['verdict']).toBe(verdict);
  });

  it('a cancelled job (SIGTERM to the step) reaches perfsuite as SIGTERM, and the verdict is cancelled', async () => {
    const setup = setUp('run', {}, {});
    const marker = path.join(path.dirname(setup.workspace), 'stub-waiting');
    const child = spawn('bash', bashArgs(setup.script), { cwd: setup.workspace, env: { ...setup.env, STUB_WAIT: marker }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitUntil(() => existsSync(marker), 5000, 'the stub perfsuite did not start');
    child.kill('SIGTERM');
    const [status] = (await once(child, 'close')) as [number | null];
    const run = resultOf(setup, status, stdout);
    expect(run.stdout).toContain('stub: got SIGTERM');
    expect(run.stdout).not.toContain('never signalled');
    expect(run.outputs['exit-code']).toBe('130');
    expect(run.outputs['verdict']).toBe('cancelled');
    expect(run.status).toBe(130);
  });

  /** The run step as a normal user with sudo and setsid (stubs that say they ran, then run the rest), these suites in the workspace. */
  function runAsUser(suites: Record<string, string>, inputs: Record<string, string> = {}): StepRun {
    const stubs: Record<string, string> = {
      id: '#!/usr/bin/env bash\nif [ "$1" = -u ]; then echo 1000; else exec /usr/bin/id "$@"; fi\n',
      sudo: '#!/usr/bin/env bash\necho "sudo: $*"\n[ "$1" = -E ] && shift\nexec "$@"\n',
      setsid: '#!/usr/bin/env bash\necho "setsid: $1"\nexec "$@"\n',
    };
    return runStep({ suites: 'suites/*.yml', ...inputs }, {}, (workspace) => {
      mkdirSync(path.join(workspace, 'suites'));
      for (const [name, text] of Object.entries(suites)) writeFileSync(path.join(workspace, 'suites', name), text);
      const bin = path.join(path.dirname(workspace), 'bin');
      for (const [name, text] of Object.entries(stubs)) writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    });
  }
  const sudoLines = (run: StepRun): string[] => run.stdout.split('\n').filter((line) => /^(setsid|sudo): /.test(line));
  const suite = (name: string, servers: string, tests: string): string => `version: 1\nname: ${name}\nservers:\n${servers}tests:\n${tests}`;
  const NETNS = suite('ns', '  ns: { type: netns }\n', '  - name: rr\n    test: TCP_RR\n    server: ns\n');

  it('as a normal user, runs a netns suite through sudo -E in a session of its own (setsid), so that sudo relays a cancel', { tags: ['dist'] }, () => {
    const run = runAsUser({ 'ns.yml': NETNS });
    expect(run.status).toBe(0);
    expect(sudoLines(run)).toEqual([
      'setsid: sudo',
      `sudo: -E env PATH=${run.stdout.match(/sudo: -E env PATH=(\S+)/)?.[1] ?? ''} node ${actionPath}/bin/perfsuite.js run suites/*.yml --out perfsuite-results`,
    ]);
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results']);
    // a suite without netns runs without sudo
    const plain = runAsUser({ 'lo.yml': suite('lo', '  lo: { type: local }\n', '  - name: rr\n    test: TCP_RR\n    server: lo\n') });
    expect(plain.status).toBe(0);
    expect(sudoLines(plain)).toEqual([]);
  });

  it('asks perfsuite which servers the run starts: a quoted type: "netns" takes the sudo path too', { tags: ['dist'] }, () => {
    const run = runAsUser({ 'ns.yml': NETNS.replace('type: netns', 'type: "netns"') });
    expect(run.stdout).not.toContain('could not read the suites');
    expect(sudoLines(run)[0]).toBe('setsid: sudo');
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results']);
  });

  it("asks with the run's variables and filters: sudo only when a case the run selects has a netns server", { tags: ['dist'] }, () => {
    const both = suite(
      'both',
      '  lo: { type: local }\n  ns: { type: netns }\n',
      '  - name: rr\n    test: TCP_RR\n    server: ${SERVER:-lo}\n  - name: bulk\n    test: TCP_STREAM\n    server: ns\n',
    );
    // the netns case filtered out: no sudo
    expect(sudoLines(runAsUser({ 'both.yml': both }, { filter: 'test=TCP_RR' }))).toEqual([]);
    // the remaining case on the netns server by a variable: sudo
    const run = runAsUser({ 'both.yml': both }, { filter: 'test=TCP_RR', vars: 'SERVER=ns' });
    expect(sudoLines(run)[0]).toBe('setsid: sudo');
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results', '--filter', 'test=TCP_RR', '--var', 'SERVER=ns']);
  });

  it('when perfsuite plan cannot read the suites, runs without sudo and says so; the run reports the error', { tags: ['dist'] }, () => {
    const run = runAsUser({ 'broken.yml': 'version: 1\nname: [\n' });
    expect(run.stdout).toContain(
      'perfsuite plan could not read the suites, so they run without sudo (type: netns servers need root); the run says what is wrong\n',
    );
    expect(sudoLines(run)).toEqual([]);
    expect(run.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results']);
  });

  it('publishes annotations and the job summary by default; publish: false leaves both to the join', () => {
    const published = runStep();
    expect(published.stdout).toContain('::error title=stub::published annotation');
    expect(published.summary).toBe('published summary\n');
    const quiet = runStep({ publish: 'false' });
    expect(quiet.status).toBe(0);
    expect(quiet.argv).toEqual(['run', 'suites/*.yml', '--out', 'perfsuite-results']);
    expect(quiet.stdout).not.toContain('::error');
    expect(quiet.summary).toBe('');
  });
});

describe('the action step that builds perfsuite', { tags: ['slow'] }, () => {
  it('with dist/ prebuilt (a release tag), installs the runtime dependencies only, and perfsuite runs', () => {
    const step = action.runs.steps.find((s) => s.id === 'build');
    if (step?.run === undefined) throw new Error('no run step with id build in action.yml');
    // the action's checkout at a release tag: the package files and the built dist/, no node_modules
    const dir = tempDir('action-build');
    const checkout = path.join(dir, 'checkout');
    for (const entry of ['package.json', 'package-lock.json', 'bin', 'dist', 'schemas', 'scripts'])
      cpSync(path.join(projectRoot, entry), path.join(checkout, entry), { recursive: true });
    const script = path.join(dir, 'build.sh');
    writeFileSync(script, step.run);
    // npm's cache holds every dependency after `npm ci`: no network beyond what CI already fetched
    const build = spawnSync('bash', bashArgs(script), {
      cwd: checkout,
      encoding: 'utf8',
      env: { ...process.env, npm_config_prefer_offline: 'true' },
      timeout: 120_000,
    });
    expect(build.status, build.stderr).toBe(0);
    const installed = readdirSync(path.join(checkout, 'node_modules'));
    for (const runtime of ['yaml', 'ajv', 'chalk', 'commander']) expect(installed).toContain(runtime);
    for (const devOnly of ['typescript', 'mermaid', 'vitest', 'playwright-core']) expect(installed).not.toContain(devOnly);
    const check = spawnSync(process.execPath, [path.join(checkout, 'bin/perfsuite.js'), 'validate', path.join(projectRoot, 'suites/loopback-tcp.yml')], {
      encoding: 'utf8',
    });
    expect(check.stdout).toBe('ok ' + path.join(projectRoot, 'suites/loopback-tcp.yml') + ": suite 'loopback-tcp', 2 groups, 10 cases\n");
  }, 150_000);
});

describe('the action step that comments on the pull request, against a local GitHub API', { tags: ['dist'] }, () => {
  const TOKEN = 'ghs_actionStepTokenNeverPrinted42';
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await fakeGitHub('octo/net', 7);
  });
  afterAll(() => github.close());

  /** The comment step with the real perfsuite (the stub hands `comment` to it), results.json in the workspace unless `noResults`. */
  async function commentStep(inputs: Record<string, string>, options: { readonly noResults?: boolean } = {}): Promise<StepRun> {
    const event = path.join(tempDir('action-event'), 'event.json');
    writeFileSync(event, JSON.stringify({ number: 7, pull_request: { number: 7, head: { repo: { full_name: 'octo/net' } } } }));
    const setup = setUp(
      'comment',
      { comment: 'true', 'github-token': TOKEN, ...inputs },
      {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_REPOSITORY: 'octo/net',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_RUN_ID: '99',
      },
    );
    if (options.noResults !== true) {
      mkdirSync(path.join(setup.workspace, 'perfsuite-results'));
      writeFileSync(path.join(setup.workspace, 'perfsuite-results/results.json'), JSON.stringify(comparedSweep()));
    }
    // spawned, not spawnSync: the fake API answers from this process
    const child = spawn('bash', bashArgs(setup.script), { cwd: setup.workspace, env: setup.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [status] = (await once(child, 'close')) as [number | null];
    expect(`${stdout}${stderr}`).not.toContain(TOKEN);
    return resultOf(setup, status, `${stdout}${stderr}`);
  }

  it('is skipped unless comment is true, and not after a cancel', () => {
    const step = action.runs.steps.find((s) => s.id === 'comment') as Step & { if?: string };
    expect(step.if).toBe("${{ !cancelled() && inputs.comment == 'true' }}");
    expect(action.inputs['comment']?.default).toBe('false');
  });

  it('posts the comment with the token, then edits it in place on the next run', async () => {
    const first = await commentStep({});
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('perfsuite: created the comment on pull request #7: https://github.example/octo/net/pull/7#issuecomment-2000\n');
    expect(github.requests.at(-1)).toMatchObject({ method: 'POST', authorization: `Bearer ${TOKEN}` });
    const second = await commentStep({});
    expect(second.stdout).toBe('perfsuite: updated the comment on pull request #7: https://github.example/octo/net/pull/7#issuecomment-2000\n');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('[Job summary](https://github.example/octo/net/actions/runs/99)');
  });

  it("a fork's 403 is a warning and the step passes; so is a run that wrote no results", async () => {
    github.refuse = { status: 403, methods: ['POST', 'PATCH'] };
    try {
      const refused = await commentStep({});
      expect(refused.status).toBe(0);
      expect(refused.stdout).toMatch(
        /^::warning title=perfsuite: pull-request comment::the comment on pull request #7 was not posted: GitHub answered 403 Forbidden/,
      );
    } finally {
      github.refuse = undefined;
    }
    const none = await commentStep({}, { noResults: true });
    expect(none.status).toBe(0);
    expect(none.stdout).toBe(
      '::warning title=perfsuite: pull-request comment::no perfsuite-results/results.json to comment on (the run wrote none: see its step), so no comment was posted\n',
    );
  });
});
